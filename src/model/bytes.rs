//! Raw bytes from the kernel (argv, environ, paths, comm) kept exactly, shown lossily when not UTF-8.

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Bytes as read from `/proc`. JSON: a string when valid UTF-8, otherwise
/// `{"lossy": "...", "hex": "..."}` so no byte is lost and consumers still get text.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bytes(pub Vec<u8>);

impl Bytes {
    /// The bytes as text, with invalid UTF-8 replaced by U+FFFD.
    pub fn lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl From<&[u8]> for Bytes {
    fn from(b: &[u8]) -> Self {
        Bytes(b.to_vec())
    }
}
impl From<Vec<u8>> for Bytes {
    fn from(b: Vec<u8>) -> Self {
        Bytes(b)
    }
}
impl From<&str> for Bytes {
    fn from(s: &str) -> Self {
        Bytes(s.as_bytes().to_vec())
    }
}

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.lossy())
    }
}

/// Lowercase hex of `b`.
pub fn to_hex(b: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(b.len() * 2);
    for &x in b {
        s.push(HEX[(x >> 4) as usize] as char);
        s.push(HEX[(x & 15) as usize] as char);
    }
    s
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_bytes(&self.0, s)
    }
}

/// The JSON form of [`Bytes`] for borrowed bytes: a string when UTF-8, else `{lossy, hex}`.
pub fn serialize_bytes<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
    match std::str::from_utf8(b) {
        Ok(text) => s.serialize_str(text),
        Err(_) => {
            use serde::ser::SerializeStruct;
            let mut st = s.serialize_struct("Bytes", 2)?;
            st.serialize_field("lossy", &String::from_utf8_lossy(b))?;
            st.serialize_field("hex", &to_hex(b))?;
            st.end()
        }
    }
}

/// Reads either form directly (no buffering of the value, as an untagged enum would do: this
/// runs for every argv word, environ entry and fd of a snapshot file).
struct BytesVisitor;

impl<'de> Visitor<'de> for BytesVisitor {
    type Value = Bytes;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or {\"lossy\": ..., \"hex\": ...}")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Bytes, E> {
        Ok(Bytes(v.as_bytes().to_vec()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Bytes, E> {
        Ok(Bytes(v.into_bytes()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Bytes, A::Error> {
        let mut hex: Option<Bytes> = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "hex" {
                let h: std::borrow::Cow<'de, str> = map.next_value()?;
                let raw =
                    from_hex(&h).ok_or_else(|| de::Error::custom("bad hex in byte string"))?;
                hex = Some(Bytes(raw));
            } else {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        hex.ok_or_else(|| de::Error::missing_field("hex"))
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(BytesVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_a_plain_string_and_raw_bytes_round_trip() {
        let b = Bytes::from("héllo");
        assert_eq!(serde_json::to_string(&b).unwrap(), "\"héllo\"");
        let raw = Bytes(vec![b'a', 0xff, 0x00, b'\x1b']);
        let j = serde_json::to_string(&raw).unwrap();
        assert!(j.contains("\"hex\":\"61ff001b\""), "{j}");
        let back: Bytes = serde_json::from_str(&j).unwrap();
        assert_eq!(back, raw);
        let escaped: Bytes = serde_json::from_str(r#""a\u0000\n""#).unwrap();
        assert_eq!(escaped, Bytes(b"a\0\n".to_vec()));
        assert!(serde_json::from_str::<Bytes>(r#"{"lossy": "x"}"#).is_err());
        assert!(serde_json::from_str::<Bytes>(r#"{"hex": "zz"}"#).is_err());
        assert!(serde_json::from_str::<Bytes>("12").is_err());
    }
}
