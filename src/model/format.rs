//! The format marker that opens every snapshot document, so a reader can tell a procscope
//! snapshot from any other JSON before trusting its contents.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The value of a snapshot's top-level `format` field.
pub const FORMAT: &str = "procscope-snapshot";

/// Marker field: always serializes as [`FORMAT`] and refuses any other value when read, so a
/// document that parses as a [`super::Snapshot`] really claims to be one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Format;

impl Serialize for Format {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(FORMAT)
    }
}

impl<'de> Deserialize<'de> for Format {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        if s == FORMAT {
            Ok(Format)
        } else {
            Err(serde::de::Error::custom(format!(
                "format is {s:?}, not {FORMAT:?}"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_marker_is_accepted() {
        assert_eq!(
            serde_json::to_string(&Format).unwrap(),
            "\"procscope-snapshot\""
        );
        assert!(serde_json::from_str::<Format>("\"procscope-snapshot\"").is_ok());
        assert!(serde_json::from_str::<Format>("\"other\"").is_err());
        assert!(serde_json::from_str::<Format>("1").is_err());
    }
}
