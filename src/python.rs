//! How Python spells values, since the AWS CLI and botocore are Python code (their output
//! formatters and the JSON of the caches they share with awsso): `json.dumps`
//! (indented or compact, `ensure_ascii` on or off), `str()` and `repr()`, and float `repr`
//! (`1e+16`, `1.0`, `1e-05`). Numbers keep Python's int/float split: a JSON number written
//! with a fraction or exponent is a float, everything else an int.

use serde_json::{Number, Value};

/// Python's `repr(float)`: the shortest digits that round-trip, fixed notation when the
/// decimal point lands in (-4, 16], scientific (`1e+16`, `1.5e-07`) otherwise.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.into();
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f == 0.0 {
        return format!("{sign}0.0");
    }
    // Rust's `{:e}` gives the same shortest round-trip digits as Python's repr.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exponent) = sci.split_once('e').expect("LowerExp has an exponent");
    let exponent: i32 = exponent.parse().expect("LowerExp exponent is an integer");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let decpt = exponent + 1;
    let body = if -4 < decpt && decpt <= 16 {
        let n = digits.len() as i32;
        if decpt <= 0 {
            format!("0.{}{digits}", "0".repeat((-decpt) as usize))
        } else if decpt >= n {
            format!("{digits}{}.0", "0".repeat((decpt - n) as usize))
        } else {
            let (int, frac) = digits.split_at(decpt as usize);
            format!("{int}.{frac}")
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        format!("{first}{frac}e{exp_sign}{:02}", exponent.abs())
    };
    format!("{sign}{body}")
}

/// A JSON number as Python prints it (`str()`, `repr()` and `json.dumps` agree for finite
/// numbers).
pub fn number(n: &Number) -> String {
    if n.is_f64() {
        let f = n.as_f64().unwrap_or(0.0);
        // json.dumps spells the non-finite floats this way (they cannot come off the wire,
        // but `to_number('inf')` makes one).
        if f.is_nan() {
            return "NaN".into();
        }
        if f.is_infinite() {
            return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
        }
        float_repr(f)
    } else {
        n.to_string()
    }
}

/// Python's `str(value)` for a value decoded from JSON: `None`, `True`, `1.0`, the string
/// itself, and `repr` of containers.
pub fn str(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => repr(other),
    }
}

/// Python's `repr(value)`: `'text'`, `[1, 'a']`, `{'k': None}`.
pub fn repr(value: &Value) -> String {
    let mut out = String::new();
    write_repr(value, &mut out);
    out
}

fn write_repr(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Number(n) => {
            if n.is_f64() {
                out.push_str(&float_repr(n.as_f64().unwrap_or(0.0)));
            } else {
                out.push_str(&n.to_string());
            }
        }
        Value::String(s) => out.push_str(&str_repr(s)),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&str_repr(k));
                out.push_str(": ");
                write_repr(v, out);
            }
            out.push('}');
        }
    }
}

/// Python's `repr(str)`: single quotes unless the text has a single quote and no double
/// quote; backslash escapes for the quote, `\\`, `\t`, `\n`, `\r`, and `\xNN`/`\uNNNN`/
/// `\UNNNNNNNN` for everything `str.isprintable()` rejects.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if crate::output::unicode_tables::is_python_printable(c) => out.push(c),
            c => {
                let code = c as u32;
                if code <= 0xff {
                    out.push_str(&format!("\\x{code:02x}"));
                } else if code <= 0xffff {
                    out.push_str(&format!("\\u{code:04x}"));
                } else {
                    out.push_str(&format!("\\U{code:08x}"));
                }
            }
        }
    }
    out.push(quote);
    out
}

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
    out.push('\n');
    out.push_str(&" ".repeat(level * layout.width));
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
fn write_json_string(s: &str, ensure_ascii: bool, out: &mut String) {
    out.push('"');
    for c in s.chars() {
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
    fn floats_print_like_python_repr() {
        let cases = [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1.5e-7, "1.5e-07"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (-0.0, "-0.0"),
            (1e100, "1e+100"),
            (2.71, "2.71"),
        ];
        for (f, expected) in cases {
            assert_eq!(float_repr(f), expected, "{f}");
        }
    }

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

    #[test]
    fn str_and_repr_follow_python() {
        assert_eq!(str(&json!(null)), "None");
        assert_eq!(str(&json!(true)), "True");
        assert_eq!(str(&json!("it's")), "it's");
        assert_eq!(
            repr(&json!({"a": ["it's", 1.5, false]})),
            "{'a': [\"it's\", 1.5, False]}"
        );
        assert_eq!(
            str_repr("nb\u{a0}sp\u{2028}\u{feff}\u{7f}é😀\u{e000}"),
            "'nb\\xa0sp\\u2028\\ufeff\\x7fé😀\\ue000'"
        );
    }
}
