//! The string members a cache reader needs from a JSON object, read in one pass.
//!
//! Why not `serde_json::Value`: with `preserve_order` its maps are `IndexMap`s hashing
//! every key with SipHash, and a value is built for every member; reading the twenty token
//! files and forty role-credential files of `sso status` that way was a fifth of its run.
//! serde derive is no help either: a derived struct also accepts a JSON array (its fields by
//! position) and refuses repeated keys, where Python's `json.loads` keeps the last.
//!
//! What it accepts is exactly what `serde_json::from_slice::<Value>` accepts: every member,
//! wanted or not, goes through serde_json's `deserialize_any` as `Value` does (the same
//! string, escape and number checks), and trailing characters are refused.

use std::borrow::Cow;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// A visitor's answers to `true`, `false` and numbers: `$none` for each (the deserializer has
/// checked the value by then).
macro_rules! non_string_scalars_give {
    ($value:ty, $none:expr) => {
        fn visit_bool<E>(self, _: bool) -> Result<$value, E> {
            Ok($none)
        }
        fn visit_i64<E>(self, _: i64) -> Result<$value, E> {
            Ok($none)
        }
        fn visit_u64<E>(self, _: u64) -> Result<$value, E> {
            Ok($none)
        }
        fn visit_f64<E>(self, _: f64) -> Result<$value, E> {
            Ok($none)
        }
    };
}

/// An object reader's answer to every other value: `None` (arrays are read through, so that
/// their contents are checked as `Value` checks them).
macro_rules! non_objects_give_none {
    () => {
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            AnyVisitor.visit_seq(seq).map(|_| None)
        }
        non_string_scalars_give!(Self::Value, None);
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    };
}

/// For each of `names`, the last string value of that member of the JSON object in
/// `bytes`; a member that is not a string counts as absent, as `Value::as_str` has it.
/// `None` when the bytes are not one JSON value, and `Some(None)` when that value is not an
/// object. A value is borrowed from `bytes` unless escapes had to be decoded: `sso status`
/// reads sixty files for a few timestamps, and copying out every token and secret it passes
/// was a tenth of its run.
pub fn strings<'a, const N: usize>(
    bytes: &'a [u8],
    names: [&str; N],
) -> Option<Option<[Option<Cow<'a, str>>; N]>> {
    let mut de = serde_json::Deserializer::from_str(utf8(bytes)?);
    let members = Strings { names }.deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(members)
}

/// [`strings`] of the object that is member `outer` of the JSON object in `bytes`
/// (`{"Credentials": {...}}`): `Some(None)` when either is not an object or `outer` is
/// absent.
pub fn nested_strings<'a, const N: usize>(
    bytes: &'a [u8],
    outer: &str,
    names: [&str; N],
) -> Option<Option<[Option<Cow<'a, str>>; N]>> {
    let mut de = serde_json::Deserializer::from_str(utf8(bytes)?);
    let members = Nested {
        outer,
        inner: Strings { names },
    }
    .deserialize(&mut de)
    .ok()?;
    de.end().ok()?;
    Some(members.flatten())
}

/// The text of `bytes`, checked as UTF-8 in one pass: from a `&str`, serde_json checks no
/// string again, where from bytes it would check each one on its own (a tenth of reading a
/// token file with its long tokens). Bytes outside strings must be JSON's ASCII either way,
/// so this accepts what `from_slice` accepts.
fn utf8(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes).ok()
}

/// Any JSON value, checked as `Value` checks it and then dropped.
struct Any;

impl<'de> serde::Deserialize<'de> for Any {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AnyVisitor)
    }
}

struct AnyVisitor;

impl<'de> Visitor<'de> for AnyVisitor {
    type Value = Any;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    non_string_scalars_give!(Any, Any);
    fn visit_str<E>(self, _: &str) -> Result<Any, E> {
        Ok(Any)
    }
    fn visit_unit<E>(self) -> Result<Any, E> {
        Ok(Any)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Any, A::Error> {
        while seq.next_element::<Any>()?.is_some() {}
        Ok(Any)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Any, A::Error> {
        while map.next_entry::<Any, Any>()?.is_some() {}
        Ok(Any)
    }
}

/// The wanted string members of an object; `None` for any other value (consumed).
#[derive(Clone, Copy)]
struct Strings<'n, const N: usize> {
    names: [&'n str; N],
}

impl<'de, const N: usize> DeserializeSeed<'de> for Strings<'_, N> {
    type Value = Option<[Option<Cow<'de, str>>; N]>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, const N: usize> Visitor<'de> for Strings<'_, N> {
    type Value = Option<[Option<Cow<'de, str>>; N]>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found: [Option<Cow<'de, str>>; N] = std::array::from_fn(|_| None);
        while let Some(key) = map.next_key::<KeyName>()? {
            match self.names.iter().position(|name| *name == key.0) {
                Some(i) => found[i] = map.next_value::<MaybeString>()?.0,
                None => {
                    map.next_value::<Any>()?;
                }
            }
        }
        Ok(Some(found))
    }
    non_objects_give_none!();
}

/// Member `outer` of an object, read with `inner`; `None` when the value is no object or
/// has no such member.
struct Nested<'n, const N: usize> {
    outer: &'n str,
    inner: Strings<'n, N>,
}

impl<'de, const N: usize> DeserializeSeed<'de> for Nested<'_, N> {
    type Value = Option<Option<[Option<Cow<'de, str>>; N]>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, const N: usize> Visitor<'de> for Nested<'_, N> {
    type Value = Option<Option<[Option<Cow<'de, str>>; N]>>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<KeyName>()? {
            if key.0 == self.outer {
                found = map.next_value_seed(self.inner)?;
            } else {
                map.next_value::<Any>()?;
            }
        }
        Ok(Some(found))
    }
    non_objects_give_none!();
}

/// A member name as written, escapes decoded (borrowed from the input when it has none).
struct KeyName<'de>(Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for KeyName<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = KeyName<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, key: &'de str) -> Result<KeyName<'de>, E> {
                Ok(KeyName(Cow::Borrowed(key)))
            }
            fn visit_str<E>(self, key: &str) -> Result<KeyName<'de>, E> {
                Ok(KeyName(Cow::Owned(key.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// A value kept when it is a string (borrowed from the input when it has no escapes); any
/// other value is checked and dropped.
struct MaybeString<'de>(Option<Cow<'de, str>>);

impl<'de> serde::Deserialize<'de> for MaybeString<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MaybeStringVisitor;
        impl<'de> Visitor<'de> for MaybeStringVisitor {
            type Value = MaybeString<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, value: &'de str) -> Result<MaybeString<'de>, E> {
                Ok(MaybeString(Some(Cow::Borrowed(value))))
            }
            fn visit_str<E>(self, value: &str) -> Result<MaybeString<'de>, E> {
                Ok(MaybeString(Some(Cow::Owned(value.to_owned()))))
            }
            fn visit_string<E>(self, value: String) -> Result<MaybeString<'de>, E> {
                Ok(MaybeString(Some(Cow::Owned(value))))
            }
            non_string_scalars_give!(MaybeString<'de>, MaybeString(None));
            fn visit_unit<E>(self) -> Result<MaybeString<'de>, E> {
                Ok(MaybeString(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<MaybeString<'de>, A::Error> {
                AnyVisitor.visit_seq(seq).map(|_| MaybeString(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<MaybeString<'de>, A::Error> {
                AnyVisitor.visit_map(map).map(|_| MaybeString(None))
            }
        }
        deserializer.deserialize_any(MaybeStringVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// What the reader it replaces made of `bytes`: a `Value` and `as_str` per name.
    fn by_value<const N: usize>(
        bytes: &[u8],
        names: [&str; N],
    ) -> Option<Option<[Option<String>; N]>> {
        let value: Value = serde_json::from_slice(bytes).ok()?;
        Some(value.as_object().map(|object| {
            names.map(|name| object.get(name).and_then(Value::as_str).map(str::to_owned))
        }))
    }

    fn nested_by_value<const N: usize>(
        bytes: &[u8],
        names: [&str; N],
    ) -> Option<Option<[Option<String>; N]>> {
        let value: Value = serde_json::from_slice(bytes).ok()?;
        Some(
            value
                .get("Credentials")
                .and_then(Value::as_object)
                .map(|object| {
                    names.map(|name| object.get(name).and_then(Value::as_str).map(str::to_owned))
                }),
        )
    }

    const CASES: &[&str] = &[
        r#"{"a": "1", "b": "2"}"#,
        r#"{"a": "1", "a": "3"}"#,
        r#"{"a": 1, "b": null, "c": true}"#,
        r#"{"a": ["x", {"b": "y"}], "b": {"a": "z"}}"#,
        r#"{"\u0061": "escaped name", "b": "\ud83d\ude00"}"#,
        r#"{"a": "\ud800"}"#,
        r#"{"x": "\ud800", "a": "1"}"#,
        r#"{"x": 1e400, "a": "1"}"#,
        r#"{"x": -0.0, "a": "1"}"#,
        r#"{"x": 123456789012345678901234567890, "a": "1"}"#,
        "{\"x\": \"\u{1}\", \"a\": \"1\"}",
        r#"{"a": "1"} trailing"#,
        r#"{"a": "1",}"#,
        r#"["a", "b"]"#,
        r#""a""#,
        "",
        "{}",
        "  {\"a\" :\"1\"}\n",
        r#"{"Credentials": {"a": "1", "b": 2}, "Credentials": {"c": "3"}}"#,
        r#"{"Credentials": ["1", "2", "3"]}"#,
        r#"{"Credentials": {"a": "1", "b": "2", "c": "3"}, "ProviderType": "sso"}"#,
        r#"{"Credentials": "a"}"#,
    ];

    fn owned<const N: usize>(
        members: Option<Option<[Option<Cow<'_, str>>; N]>>,
    ) -> Option<Option<[Option<String>; N]>> {
        members.map(|object| object.map(|found| found.map(|s| s.map(Cow::into_owned))))
    }

    #[test]
    fn plain_values_are_borrowed_and_escaped_ones_decoded() {
        let [plain, escaped] = strings(br#"{"a": "x", "b": "\u0079"}"#, ["a", "b"])
            .flatten()
            .unwrap();
        assert!(matches!(plain, Some(Cow::Borrowed("x"))));
        assert!(matches!(escaped, Some(Cow::Owned(ref s)) if s == "y"));
    }

    #[test]
    fn members_are_what_a_value_gives() {
        for case in CASES {
            let bytes = case.as_bytes();
            assert_eq!(
                owned(strings(bytes, ["a", "b", "c"])),
                by_value(bytes, ["a", "b", "c"]),
                "{case}"
            );
            assert_eq!(
                owned(nested_strings(bytes, "Credentials", ["a", "b", "c"])),
                nested_by_value(bytes, ["a", "b", "c"]),
                "{case}"
            );
        }
        for refused in [
            &b"{\"x\": \"\xff\", \"a\": \"1\"}"[..],
            b"{\"a\": \"1\"}\xff",
            b"\xef\xbb\xbf{\"a\": \"1\"}",
        ] {
            assert_eq!(owned(strings(refused, ["a"])), None);
            assert_eq!(by_value(refused, ["a"]), None);
        }
        let deep = format!(
            "{{\"x\": {}1{}, \"a\": \"1\"}}",
            "[".repeat(200),
            "]".repeat(200)
        );
        assert_eq!(
            owned(strings(deep.as_bytes(), ["a"])),
            None,
            "serde_json's depth limit"
        );
        assert_eq!(by_value(deep.as_bytes(), ["a"]), None);
    }
}
