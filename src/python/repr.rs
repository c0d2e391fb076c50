//! Python's `str()` and `repr()` of values decoded from JSON, as botocore's and the AWS CLI's
//! messages and text output print them.

use serde_json::Value;

use super::number::float_repr;
use super::unicode_tables;

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
            c if unicode_tables::is_python_printable(c) => out.push(c),
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

/// Python's `str()` of the `OSError` an I/O error raises: `[Errno 28] No space left on
/// device`, with `: 'FILENAME'` when the call named a file (`os.remove(path)`).
pub fn os_error_str(error: &std::io::Error, filename: Option<&std::path::Path>) -> String {
    let mut out = match error.raw_os_error() {
        Some(errno) => {
            // Rust words it `strerror(errno) (os error N)`; Python `[Errno N] strerror(errno)`.
            let text = error.to_string();
            let suffix = format!(" (os error {errno})");
            format!(
                "[Errno {errno}] {}",
                text.strip_suffix(&suffix).unwrap_or(&text)
            )
        }
        None => error.to_string(),
    };
    if let Some(filename) = filename {
        out.push_str(": ");
        out.push_str(&str_repr(&filename.to_string_lossy()));
    }
    out
}

/// The class Python raises for an I/O error (`PEP 3151`'s subclasses of `OSError`, chosen by
/// errno as `Objects/exceptions.c` maps them), as a traceback's last line names it.
pub fn os_error_class(error: &std::io::Error) -> &'static str {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::WouldBlock => "BlockingIOError",
        ErrorKind::BrokenPipe => "BrokenPipeError",
        ErrorKind::ConnectionAborted => "ConnectionAbortedError",
        ErrorKind::ConnectionRefused => "ConnectionRefusedError",
        ErrorKind::ConnectionReset => "ConnectionResetError",
        ErrorKind::AlreadyExists => "FileExistsError",
        ErrorKind::NotFound => "FileNotFoundError",
        ErrorKind::IsADirectory => "IsADirectoryError",
        ErrorKind::NotADirectory => "NotADirectoryError",
        ErrorKind::Interrupted => "InterruptedError",
        ErrorKind::PermissionDenied => "PermissionError",
        ErrorKind::TimedOut => "TimeoutError",
        _ => "OSError",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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

    #[test]
    fn os_errors_read_as_python_prints_them() {
        let full = std::io::Error::from_raw_os_error(28);
        assert_eq!(
            os_error_str(&full, None),
            "[Errno 28] No space left on device"
        );
        assert_eq!(os_error_class(&full), "OSError");
        let read_only = std::io::Error::from_raw_os_error(30);
        assert_eq!(
            os_error_str(&read_only, Some(std::path::Path::new("/h/it's.json"))),
            "[Errno 30] Read-only file system: \"/h/it's.json\""
        );
        let denied = std::io::Error::from_raw_os_error(1);
        assert_eq!(
            os_error_str(&denied, None),
            "[Errno 1] Operation not permitted"
        );
        assert_eq!(os_error_class(&denied), "PermissionError");
        assert_eq!(
            os_error_class(&std::io::Error::from_raw_os_error(32)),
            "BrokenPipeError"
        );
    }
}
