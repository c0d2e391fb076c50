//! Python's `json` encoder as botocore and the AWS CLI call it: `json.dumps` indented
//! (`--output json`, the configure toolbar) or on one line with chosen separators (the
//! caches, JMESPath's `to_string`), with or without `ensure_ascii`.

use serde_json::Value;

use super::number::number;

/// Python's `json.dumps(value, indent=4, ensure_ascii=False)`: what `--output json` prints
/// (without the trailing newline).
pub fn json_indented(value: &Value) -> String {
    json_dumps_indented(value, 4, false)
}

/// Python's `json.dumps(value, indent=INDENT, ensure_ascii=ENSURE_ASCII)` (separators
/// `,` and `: `), e.g. `configure sso`'s session toolbar: `indent=2`, `ensure_ascii` on.
pub fn json_dumps_indented(value: &Value, indent: usize, ensure_ascii: bool) -> String {
    let mut out = String::new();
    let layout = Indent {
        width: indent,
        ensure_ascii,
    };
    write_indented(value, 0, layout, &mut out);
    out
}

#[derive(Clone, Copy)]
struct Indent {
    width: usize,
    ensure_ascii: bool,
}

fn write_indented(value: &Value, level: usize, layout: Indent, out: &mut String) {
    match value {
        Value::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline_indent(level + 1, layout, out);
                write_indented(item, level + 1, layout, out);
            }
            newline_indent(level, layout, out);
            out.push(']');
        }
        Value::Object(map) if !map.is_empty() => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline_indent(level + 1, layout, out);
                write_json_string(k, layout.ensure_ascii, out);
                out.push_str(": ");
                write_indented(v, level + 1, layout, out);
            }
            newline_indent(level, layout, out);
            out.push('}');
        }
        scalar => write_compact(scalar, ",", ":", layout.ensure_ascii, out),
    }
}

fn newline_indent(level: usize, layout: Indent, out: &mut String) {
    const SPACES: &str = "                                                                ";
    out.push('\n');
    let mut left = level * layout.width;
    while left > 0 {
        let run = left.min(SPACES.len());
        out.push_str(&SPACES[..run]);
        left -= run;
    }
}

/// Python's `json.dumps` on one line with the given separators.
pub fn json_compact(value: &Value, item_sep: &str, key_sep: &str, ensure_ascii: bool) -> String {
    let mut out = String::new();
    write_compact(value, item_sep, key_sep, ensure_ascii, &mut out);
    out
}

fn write_compact(
    value: &Value,
    item_sep: &str,
    key_sep: &str,
    ensure_ascii: bool,
    out: &mut String,
) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number(n)),
        Value::String(s) => write_json_string(s, ensure_ascii, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(item_sep);
                }
                write_compact(item, item_sep, key_sep, ensure_ascii, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(item_sep);
                }
                write_json_string(k, ensure_ascii, out);
                out.push_str(key_sep);
                write_compact(v, item_sep, key_sep, ensure_ascii, out);
            }
            out.push('}');
        }
    }
}

/// A JSON string literal as Python's encoder writes it. Without `ensure_ascii` only `"`,
/// `\` and control characters below 0x20 are escaped; with it, everything outside
/// printable ASCII becomes `\uXXXX` (surrogate pairs above the BMP).
/// Python's `json.dumps` of the string `s`, appended to `out`.
pub fn write_json_string(s: &str, ensure_ascii: bool, out: &mut String) {
    out.push('"');
    // The printable ASCII that needs no escape is copied in one piece (most strings whole).
    let plain = s
        .bytes()
        .position(|b| !(b' '..=b'~').contains(&b) || b == b'"' || b == b'\\')
        .unwrap_or(s.len());
    out.push_str(&s[..plain]);
    for c in s[plain..].chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (ensure_ascii && (c as u32) > 0x7e) => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
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
}
