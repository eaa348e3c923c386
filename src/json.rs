//! Small, forgiving readers for the few values whose type servers vary on.
//!
//! Each reads one value of any type and keeps only what it wants. They are serde
//! `Deserialize` types, so they read the same from `serde_json` (native tests) and from a
//! JavaScript value through serde-wasm-bindgen (wasm).

use std::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// An id that may arrive as a string or a number; anything else (or `""`) reads as `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Id(pub Option<String>);

/// A numeric code that may arrive as a number or a numeric string; anything else is `None`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Code(pub Option<i64>);

/// A text that should be a string; anything else reads as `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text(pub Option<String>);

/// A number of seconds that should be a number; anything else reads as `None`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Number(pub Option<f64>);

/// One JSON value of any type, keeping only scalars. One visitor serves every reader below,
/// so the wasm holds its code once.
enum Scalar {
    Str(String),
    Int(i64),
    Float(f64),
    Other,
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(v.to_owned()))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Int(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
        Ok(i64::try_from(v).map_or(Scalar::Other, Scalar::Int))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Float(v))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }

    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }

    fn visit_none<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        Ok(Id(match Scalar::deserialize(d)? {
            Scalar::Str(v) if !v.is_empty() => Some(v),
            Scalar::Int(v) => Some(v.to_string()),
            _ => None,
        }))
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        Ok(Code(match Scalar::deserialize(d)? {
            Scalar::Int(v) => Some(v),
            Scalar::Str(v) => v.trim().parse().ok(),
            // Whole and in range, so the cast is exact.
            Scalar::Float(v) if v.fract() == 0.0 && v.abs() < 1e15 => Some(v as i64),
            _ => None,
        }))
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        Ok(Text(match Scalar::deserialize(d)? {
            Scalar::Str(v) => Some(v),
            _ => None,
        }))
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Number, D::Error> {
        Ok(Number(match Scalar::deserialize(d)? {
            // i64 → f64 may round, harmless for timestamps.
            Scalar::Int(v) => Some(v as f64),
            Scalar::Float(v) => Some(v),
            _ => None,
        }))
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn read<'a, T: Deserialize<'a>>(json: &'a str) -> T {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn ids() {
        assert_eq!(read::<Id>(r#""u1""#), Id(Some("u1".into())));
        assert_eq!(read::<Id>("42"), Id(Some("42".into())));
        assert_eq!(read::<Id>(r#""""#), Id(None));
        for other in [
            "null",
            "true",
            "1.5",
            "[1]",
            r#"{"a":[1]}"#,
            "18446744073709551615",
        ] {
            assert_eq!(read::<Id>(other), Id(None), "{other}");
        }
    }

    #[test]
    fn codes() {
        assert_eq!(read::<Code>("200"), Code(Some(200)));
        assert_eq!(read::<Code>(r#"" 2004 ""#), Code(Some(2004)));
        assert_eq!(read::<Code>("-1"), Code(Some(-1)));
        assert_eq!(read::<Code>("40029.0"), Code(Some(40029)));
        for other in ["null", "1.5", r#""x""#, "{}", "[]", "1e300"] {
            assert_eq!(read::<Code>(other), Code(None), "{other}");
        }
    }

    #[test]
    fn texts_and_numbers() {
        assert_eq!(read::<Text>(r#""a\nb""#), Text(Some("a\nb".into())));
        assert_eq!(read::<Text>(r#"{"code":1}"#), Text(None));
        assert_eq!(read::<Number>("1700000000"), Number(Some(1.7e9)));
        assert_eq!(read::<Number>("1.5"), Number(Some(1.5)));
        assert_eq!(read::<Number>(r#""1""#), Number(None));
    }
}
