//! Python's `json` encoder as botocore and the AWS CLI call it: `json.dumps` indented
//! (`--output json`, the configure toolbar) or on one line with chosen separators (the
//! caches, JMESPath's `to_string`), with or without `ensure_ascii`.
//!
//! serde_json writes it, through a [`Formatter`] that lays values out as Python does. Its
//! string escapes are already Python's without `ensure_ascii` (`"`, `\`, `\b \f \n \r \t`,
//! other controls below 0x20 as lowercase `\u00xx`, nothing else), and its pretty layout is
//! Python's `indent` with separators `,` and `: `; what differs is added here: the
//! separators of one-line JSON, `ensure_ascii` (everything outside printable ASCII as
//! `\uXXXX`, in surrogate pairs above the BMP), and floats in Python's `repr` (`1e+16` where
//! serde_json writes `1e16`). Any [`Serialize`] value goes straight to text this way: a
//! typed model is printed without first being built as a `serde_json::Value`
//! (`output::Formatter::print_serialize`).

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;
use serde_json::Value;

/// Python's `json.dumps(value, indent=4, ensure_ascii=False)`: what `--output json` prints
/// (without the trailing newline).
pub fn json_indented(value: &Value) -> String {
    output_json(value).expect(VALUE_IS_JSON)
}

/// [`json_indented`] of any serializable value (`output::Formatter::print_serialize`);
/// fails only for a value that is no JSON.
pub fn output_json<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    dumps(value, Layout::indented(4, false))
}

/// Python's `json.dumps(value, indent=INDENT, ensure_ascii=ENSURE_ASCII)` (separators
/// `,` and `: `), e.g. `configure sso`'s session toolbar: `indent=2`, `ensure_ascii` on.
pub fn json_dumps_indented(value: &Value, indent: usize, ensure_ascii: bool) -> String {
    dumps(value, Layout::indented(indent, ensure_ascii)).expect(VALUE_IS_JSON)
}

/// Python's `json.dumps` on one line with the given separators.
pub fn json_compact(value: &Value, item_sep: &str, key_sep: &str, ensure_ascii: bool) -> String {
    dumps(value, Layout::compact(item_sep, key_sep, ensure_ascii)).expect(VALUE_IS_JSON)
}

/// Python's `json.dumps` of the string `s`, appended to `out`.
pub fn write_json_string(s: &str, ensure_ascii: bool, out: &mut Vec<u8>) {
    // Printable ASCII other than `"` and `\` is written as it is in every layout: most keys
    // of the caches (`sso status` hashes 240 of them) need no serializer.
    if s.bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
    {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        return;
    }
    let mut serializer =
        serde_json::Serializer::with_formatter(out, Layout::compact(",", ":", ensure_ascii));
    s.serialize(&mut serializer).expect(VALUE_IS_JSON);
}

/// Why serializing a `Value` (or a string) cannot fail: its map keys are strings, it holds no
/// non-finite number, and the text goes to memory.
const VALUE_IS_JSON: &str = "a serde_json::Value always serializes to memory";

/// `value` as Python's `json.dumps` with `layout` would write it. Fails only for a value that
/// is no JSON (a map whose keys are not strings).
fn dumps<T: Serialize + ?Sized>(value: &T, layout: Layout<'_>) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(128);
    value.serialize(&mut serde_json::Serializer::with_formatter(
        &mut out, layout,
    ))?;
    // The formatter writes only UTF-8: the value's own strings and ASCII.
    Ok(String::from_utf8(out).expect("JSON text is UTF-8"))
}

/// How `json.dumps` was called: `indent` (with separators `,` and `: `) or one line with
/// `item_sep` and `key_sep`, and `ensure_ascii`.
#[derive(Clone, Copy, Debug)]
struct Layout<'s> {
    indent: Option<usize>,
    item_sep: &'s str,
    key_sep: &'s str,
    ensure_ascii: bool,
    /// Nesting depth, and whether the container being written has members yet (an empty one
    /// closes on the same line: `[]`, `{}`).
    level: usize,
    has_members: bool,
}

impl<'s> Layout<'s> {
    fn indented(indent: usize, ensure_ascii: bool) -> Layout<'static> {
        Layout {
            indent: Some(indent),
            item_sep: ",",
            key_sep: ": ",
            ensure_ascii,
            level: 0,
            has_members: false,
        }
    }

    fn compact(item_sep: &'s str, key_sep: &'s str, ensure_ascii: bool) -> Layout<'s> {
        Layout {
            indent: None,
            item_sep,
            key_sep,
            ensure_ascii,
            level: 0,
            has_members: false,
        }
    }

    fn open<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_members = false;
        writer.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level -= 1;
        if self.has_members {
            self.newline(writer)?;
        }
        writer.write_all(bracket)
    }

    /// Before a member: the item separator after the first, then the indented new line.
    fn member<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if !first {
            writer.write_all(self.item_sep.as_bytes())?;
        }
        self.newline(writer)
    }

    fn newline<W: ?Sized + Write>(&self, writer: &mut W) -> io::Result<()> {
        const SPACES: &[u8; 64] = &[b' '; 64];
        let Some(width) = self.indent else {
            return Ok(());
        };
        writer.write_all(b"\n")?;
        let mut left = self.level * width;
        while left > 0 {
            let run = left.min(SPACES.len());
            writer.write_all(&SPACES[..run])?;
            left -= run;
        }
        Ok(())
    }
}

impl Formatter for Layout<'_> {
    fn write_f64<W: ?Sized + Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        writer.write_all(super::number::json_float(value).as_bytes())
    }

    fn write_f32<W: ?Sized + Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        self.write_f64(writer, f64::from(value))
    }

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.member(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_members = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.member(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(self.key_sep.as_bytes())
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_members = true;
        Ok(())
    }

    /// The text between serde_json's escapes; with `ensure_ascii`, what is not printable
    /// ASCII becomes `\uXXXX` (Python's `ESCAPE_ASCII` is `([\\"]|[^\ -~])`).
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if !self.ensure_ascii {
            return writer.write_all(fragment.as_bytes());
        }
        let mut rest = fragment;
        while let Some(at) = rest.bytes().position(|b| !(b' '..=b'~').contains(&b)) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let c = rest[at..]
                .chars()
                .next()
                .expect("a character at a char boundary");
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_is_indented_like_python() {
        let value = json!({"a": [1, 2.0, "é\n\u{7f}"], "b": {}, "c": [], "d": {"e": null}});
        assert_eq!(
            json_indented(&value),
            "{\n    \"a\": [\n        1,\n        2.0,\n        \"é\\n\u{7f}\"\n    ],\n    \"b\": {},\n    \"c\": [],\n    \"d\": {\n        \"e\": null\n    }\n}"
        );
        assert_eq!(
            json_compact(&json!({"k": ["é", 1]}), ",", ":", true),
            "{\"k\":[\"\\u00e9\",1]}"
        );
    }

    /// Python's answers (`json.dumps` of the same value in each layout), strings and floats
    /// that serde_json alone would write otherwise among them.
    #[test]
    fn every_layout_escapes_and_spells_numbers_like_python() {
        let value = json!({
            "s": "\"\\\n\r\t\u{8}\u{c}\u{1}\u{7f}é😀",
            "f": [1e16, 1.5e-7, -0.0, 2.0, 7],
            "e": [],
            "o": {}
        });
        assert_eq!(
            json_indented(&value),
            concat!(
                "{\n    \"s\": ",
                r#""\"\\\n\r\t\b\f\u0001"#,
                "\u{7f}é😀\",\n    \"f\": [\n        1e+16,\n        1.5e-07,\n        -0.0,\n",
                "        2.0,\n        7\n    ],\n    \"e\": [],\n    \"o\": {}\n}"
            )
        );
        let escaped = r#""\"\\\n\r\t\b\f\u0001\u007f\u00e9\ud83d\ude00""#;
        assert_eq!(
            json_compact(&value, ", ", ": ", true),
            format!(
                r#"{{"s": {escaped}, "f": [1e+16, 1.5e-07, -0.0, 2.0, 7], "e": [], "o": {{}}}}"#
            )
        );
        assert_eq!(
            json_dumps_indented(&value, 2, true),
            format!(
                "{{\n  \"s\": {escaped},\n  \"f\": [\n    1e+16,\n    1.5e-07,\n    -0.0,\n    2.0,\n    7\n  ],\n  \"e\": [],\n  \"o\": {{}}\n}}"
            )
        );
        let mut string = Vec::new();
        write_json_string("é\u{7f}\"", true, &mut string);
        write_json_string("plain ~", true, &mut string);
        write_json_string("a\\b", false, &mut string);
        assert_eq!(string, br#""\u00e9\u007f\"""plain ~""a\\b""#);
    }

    /// A typed model and the `Value` it serializes to print the same.
    #[test]
    fn a_typed_model_prints_as_its_value() {
        #[derive(Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct Model {
            name: &'static str,
            expires_at: Option<String>,
            ratio: f64,
            items: Vec<u32>,
        }
        let model = Model {
            name: "é\n",
            expires_at: None,
            ratio: 1e16,
            items: vec![],
        };
        let value = serde_json::to_value(&model).unwrap();
        assert_eq!(output_json(&model).unwrap(), json_indented(&value));
        assert_eq!(
            json_indented(&value),
            "{\n    \"Name\": \"é\\n\",\n    \"ExpiresAt\": null,\n    \"Ratio\": 1e+16,\n    \"Items\": []\n}"
        );
    }
}
