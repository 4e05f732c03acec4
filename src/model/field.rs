//! Why a value could not be read: the honest alternative to an empty field.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The reason a field is absent. JSON: `"permission denied"`, `"gone"`, `"missing"`,
/// or `"unparsable: <detail>"`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Unavailable {
    /// EACCES/EPERM: the reader lacks the privilege (ptrace access mode, DAC).
    Denied,
    /// The process exited (ESRCH, or its directory vanished) while being read.
    Gone,
    /// The file does not exist for this process (older kernel, kernel thread, fixture).
    Missing,
    /// The file was read but its text did not parse.
    Unparsable(String),
    /// The scan did not read this part (a subcommand that prints less, or the TUI's first
    /// stage): neither empty nor denied, only not looked at.
    NotCollected,
}

/// The reason [`crate::model::Process::why`] gives for a part its scan did not read.
pub static NOT_COLLECTED: Unavailable = Unavailable::NotCollected;

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unavailable::Denied => f.write_str("permission denied"),
            Unavailable::Gone => f.write_str("gone"),
            Unavailable::Missing => f.write_str("missing"),
            Unavailable::Unparsable(d) => write!(f, "unparsable: {d}"),
            Unavailable::NotCollected => f.write_str("not collected"),
        }
    }
}

impl Serialize for Unavailable {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Unavailable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.as_str() {
            "permission denied" => Unavailable::Denied,
            "gone" => Unavailable::Gone,
            "missing" => Unavailable::Missing,
            "not collected" => Unavailable::NotCollected,
            other => match other.strip_prefix("unparsable: ") {
                Some(detail) => Unavailable::Unparsable(detail.to_string()),
                None => {
                    return Err(serde::de::Error::custom(format!(
                        "unknown reason {other:?}"
                    )));
                }
            },
        })
    }
}
