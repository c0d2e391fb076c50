//! Python's `bytes.decode('utf-8')` and `json.loads`, as botocore calls them on what a
//! `credential_process` prints (`botocore/credentials.py`
//! `ProcessProvider._retrieve_credentials_using`). Neither error is caught there, so v2
//! prints the exception's text as it is: these functions give the same texts, positions
//! included (CPython 3.13's `_json` scanner, the Python AWS CLI v2 bundles).
//!
//! The decoder accepts what Python accepts, `NaN`, `Infinity` and integers of any size
//! among them. What a `serde_json::Value` cannot hold reads as its Python `str()`: a
//! non-finite float as the string `nan`, `inf` or `-inf`, an integer beyond 64 bits as the
//! string of its digits, a lone surrogate escape as U+FFFD. Nesting deeper than
//! [`MAX_DEPTH`] is Python's `RecursionError`.

use std::fmt;

use serde_json::{Map, Number, Value};

/// A `UnicodeDecodeError`, `JSONDecodeError`, `ValueError` or `RecursionError`: its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError(String);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeError {}

/// How deep arrays and objects may nest. Python stops where its C stack allowance runs
/// out (near 10,000 levels in 3.13, fewer the deeper the caller); awsso stops at Python's
/// default recursion limit, so that no tree it builds is deep enough to overflow a stack
/// when it is walked or dropped.
pub const MAX_DEPTH: usize = 1000;

/// Python's `int()` refuses decimal strings longer than this (`sys.get_int_max_str_digits`).
const MAX_INT_DIGITS: usize = 4300;

/// `bytes.decode('utf-8')`.
pub fn utf8(bytes: &[u8]) -> Result<&str, DecodeError> {
    let e = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(e) => e,
    };
    let start = e.valid_up_to();
    let (end, reason) = match e.error_len() {
        // A lead byte followed by a byte that cannot continue it is reported on the lead
        // byte alone; a byte that cannot start a sequence is an invalid start byte.
        Some(1) if matches!(bytes[start], 0xC2..=0xF4) => (start + 1, "invalid continuation byte"),
        Some(1) => (start + 1, "invalid start byte"),
        Some(n) => (start + n, "invalid continuation byte"),
        None => (bytes.len(), "unexpected end of data"),
    };
    Err(DecodeError(if end - start == 1 {
        format!(
            "'utf-8' codec can't decode byte 0x{:02x} in position {start}: {reason}",
            bytes[start]
        )
    } else {
        format!(
            "'utf-8' codec can't decode bytes in position {start}-{}: {reason}",
            end - 1
        )
    }))
}

/// `json.loads(text)`.
pub fn json_loads(text: &str) -> Result<Value, DecodeError> {
    let chars: Vec<char> = text.chars().collect();
    let scanner = Scanner { chars: &chars };
    let fail = |error: Failure| DecodeError(scanner.message(error));
    if chars.first() == Some(&'\u{feff}') {
        return Err(fail(Failure::Json(
            "Unexpected UTF-8 BOM (decode using utf-8-sig)",
            0,
        )));
    }
    let start = scanner.skip_whitespace(0);
    let (value, end) = scanner.value(start).map_err(fail)?;
    let end = scanner.skip_whitespace(end);
    if end != chars.len() {
        return Err(fail(Failure::Json("Extra data", end)));
    }
    Ok(value)
}

/// The Python type name of the value `json.loads(text)` gives (for `AttributeError`s such
/// as `'list' object has no attribute 'get'`); `text` must be one [`json_loads`] accepted.
pub fn json_type_name(text: &str) -> &'static str {
    let text = text.trim_start_matches([' ', '\t', '\n', '\r']);
    match text.chars().next() {
        Some('{') => "dict",
        Some('[') => "list",
        Some('"') => "str",
        Some('t' | 'f') => "bool",
        Some('n') => "NoneType",
        Some('N' | 'I') => "float",
        _ if text.starts_with("-I") => "float",
        _ if text.contains(['.', 'e', 'E']) => "float",
        _ => "int",
    }
}

/// Why the scan stopped.
enum Failure {
    /// A `JSONDecodeError`: its message and the position it points at (in characters).
    Json(&'static str, usize),
    /// `StopIteration` from the scanner: `json.loads` reports it as `Expecting value`.
    NoValue(usize),
    /// Python's `int()` refusing a literal with this many digits.
    IntTooLong(usize),
    /// A `RecursionError` in an array (`true`) or an object.
    TooDeep { array: bool },
}

type Scanned<T> = Result<(T, usize), Failure>;

/// An array or object whose closing bracket is still ahead; an object with the key its
/// next value goes under.
enum Open {
    Array(Vec<Value>),
    Object(Map<String, Value>, String),
}

struct Scanner<'a> {
    chars: &'a [char],
}

impl Scanner<'_> {
    fn at(&self, index: usize) -> Option<char> {
        self.chars.get(index).copied()
    }

    /// `WHITESPACE.match(s, idx).end()`: JSON's four whitespace characters only.
    fn skip_whitespace(&self, mut index: usize) -> usize {
        while matches!(self.at(index), Some(' ' | '\t' | '\n' | '\r')) {
            index += 1;
        }
        index
    }

    fn literal(&self, index: usize, word: &str) -> bool {
        let end = index + word.chars().count();
        end <= self.chars.len() && self.chars[index..end].iter().copied().eq(word.chars())
    }

    /// `scan_once` on a whole value starting at `index`: CPython's recursive descent,
    /// with the open arrays and objects on a heap stack instead of the call stack.
    fn value(&self, index: usize) -> Scanned<Value> {
        let mut open: Vec<Open> = Vec::new();
        let mut i = index;
        loop {
            // A value starts at `i`: a scalar, an empty container, or a new open one.
            let (mut value, mut end) = match self.at(i) {
                Some(c @ ('[' | '{')) if open.len() >= MAX_DEPTH => {
                    return Err(Failure::TooDeep { array: c == '[' });
                }
                Some('[') => {
                    i = self.skip_whitespace(i + 1);
                    if self.at(i) != Some(']') {
                        open.push(Open::Array(Vec::new()));
                        continue;
                    }
                    (Value::Array(Vec::new()), i + 1)
                }
                Some('{') => {
                    i = self.skip_whitespace(i + 1);
                    if self.at(i) != Some('}') {
                        let (key, after) = self.key(i)?;
                        open.push(Open::Object(Map::new(), key));
                        i = after;
                        continue;
                    }
                    (Value::Object(Map::new()), i + 1)
                }
                _ => self.scalar(i)?,
            };
            // Put the value in its container, closing every container that ends after it,
            // until one expects another value.
            loop {
                let Some(container) = open.last_mut() else {
                    return Ok((value, end));
                };
                let close = match container {
                    Open::Array(items) => {
                        items.push(value);
                        ']'
                    }
                    Open::Object(map, key) => {
                        // A repeated key keeps its first place and takes the last value,
                        // as a dict does.
                        map.insert(std::mem::take(key), value);
                        '}'
                    }
                };
                let next = self.skip_whitespace(end);
                match self.at(next) {
                    Some(c) if c == close => {
                        value = match open.pop() {
                            Some(Open::Array(items)) => Value::Array(items),
                            Some(Open::Object(map, _)) => Value::Object(map),
                            None => unreachable!("a container was open"),
                        };
                        end = next + 1;
                        continue;
                    }
                    Some(',') => {}
                    _ => return Err(Failure::Json("Expecting ',' delimiter", next)),
                }
                i = self.skip_whitespace(next + 1);
                if self.at(i) == Some(close) {
                    return Err(Failure::Json(
                        if close == ']' {
                            "Illegal trailing comma before end of array"
                        } else {
                            "Illegal trailing comma before end of object"
                        },
                        next,
                    ));
                }
                if let Some(Open::Object(_, key)) = open.last_mut() {
                    let (next_key, after) = self.key(i)?;
                    *key = next_key;
                    i = after;
                }
                break;
            }
        }
    }

    /// An object's key and its `:` at `index`; where its value starts.
    fn key(&self, index: usize) -> Scanned<String> {
        if self.at(index) != Some('"') {
            return Err(Failure::Json(
                "Expecting property name enclosed in double quotes",
                index,
            ));
        }
        let (key, after_key) = self.string(index + 1)?;
        let colon = self.skip_whitespace(after_key);
        if self.at(colon) != Some(':') {
            return Err(Failure::Json("Expecting ':' delimiter", colon));
        }
        Ok((key, self.skip_whitespace(colon + 1)))
    }

    /// A string, number or constant at `index`.
    fn scalar(&self, index: usize) -> Scanned<Value> {
        match self.at(index) {
            None => Err(Failure::NoValue(index)),
            Some('"') => {
                let (text, end) = self.string(index + 1)?;
                Ok((Value::String(text), end))
            }
            Some('n') if self.literal(index, "null") => Ok((Value::Null, index + 4)),
            Some('t') if self.literal(index, "true") => Ok((Value::Bool(true), index + 4)),
            Some('f') if self.literal(index, "false") => Ok((Value::Bool(false), index + 5)),
            Some('N') if self.literal(index, "NaN") => Ok((Value::String("nan".into()), index + 3)),
            Some('I') if self.literal(index, "Infinity") => {
                Ok((Value::String("inf".into()), index + 8))
            }
            Some('-') if self.literal(index, "-Infinity") => {
                Ok((Value::String("-inf".into()), index + 9))
            }
            Some(_) => self.number(index),
        }
    }

    /// `_match_number_unicode`: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`, where
    /// an incomplete fraction or exponent is left for the caller (`1.` reads `1`).
    fn number(&self, start: usize) -> Scanned<Value> {
        let digit = |i: usize| self.at(i).is_some_and(|c| c.is_ascii_digit());
        let mut i = start;
        if self.at(i) == Some('-') {
            i += 1;
        }
        match self.at(i) {
            Some('1'..='9') => {
                i += 1;
                while digit(i) {
                    i += 1;
                }
            }
            Some('0') => i += 1,
            _ => return Err(Failure::NoValue(start)),
        }
        let mut is_float = false;
        if self.at(i) == Some('.') && digit(i + 1) {
            is_float = true;
            i += 2;
            while digit(i) {
                i += 1;
            }
        }
        if matches!(self.at(i), Some('e' | 'E')) {
            let mut j = i + 1;
            if matches!(self.at(j), Some('-' | '+')) {
                j += 1;
            }
            if digit(j) {
                while digit(j) {
                    j += 1;
                }
                is_float = true;
                i = j;
            }
        }
        let literal: String = self.chars[start..i].iter().collect();
        let value = if is_float {
            // Python's float() rounds correctly, as Rust's parse does; overflow is inf.
            let float: f64 = literal.parse().unwrap_or(f64::NAN);
            match Number::from_f64(float) {
                Some(n) => Value::Number(n),
                None if float > 0.0 => Value::String("inf".into()),
                None => Value::String("-inf".into()),
            }
        } else if let Ok(n) = literal.parse::<i64>() {
            Value::Number(n.into())
        } else if let Ok(n) = literal.parse::<u64>() {
            Value::Number(n.into())
        } else {
            let digits = literal.trim_start_matches('-').len();
            if digits > MAX_INT_DIGITS {
                return Err(Failure::IntTooLong(digits));
            }
            Value::String(literal)
        };
        Ok((value, i))
    }

    /// `scanstring` (strict): the string whose opening quote is just before `start`.
    fn string(&self, start: usize) -> Scanned<String> {
        let begin = start - 1;
        let unterminated = Failure::Json("Unterminated string starting at", begin);
        let mut out = String::new();
        let mut i = start;
        loop {
            let Some(c) = self.at(i) else {
                return Err(unterminated);
            };
            match c {
                '"' => return Ok((out, i + 1)),
                '\\' => {}
                c if c <= '\u{1f}' => {
                    return Err(Failure::Json("Invalid control character at", i));
                }
                c => {
                    out.push(c);
                    i += 1;
                    continue;
                }
            }
            // A backslash at `i`.
            let Some(escape) = self.at(i + 1) else {
                return Err(unterminated);
            };
            if escape != 'u' {
                out.push(match escape {
                    '"' => '"',
                    '\\' => '\\',
                    '/' => '/',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    _ => return Err(Failure::Json("Invalid \\escape", i)),
                });
                i += 2;
                continue;
            }
            let u = i + 1;
            // CPython wants four digits and one more character (the closing quote at
            // least) after them.
            if u + 5 >= self.chars.len() {
                return Err(Failure::Json("Invalid \\uXXXX escape", u));
            }
            let first = self
                .hex4(u + 1)
                .ok_or(Failure::Json("Invalid \\uXXXX escape", u))?;
            let mut end = u + 5;
            let mut code = first;
            if (0xD800..0xDC00).contains(&first)
                && end + 6 < self.chars.len()
                && self.at(end) == Some('\\')
                && self.at(end + 1) == Some('u')
            {
                let second = self
                    .hex4(end + 2)
                    .ok_or(Failure::Json("Invalid \\uXXXX escape", end + 1))?;
                if (0xDC00..0xE000).contains(&second) {
                    code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                    end += 6;
                }
            }
            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
            i = end;
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.chars.get(at..at + 4)?;
        digits
            .iter()
            .try_fold(0, |acc, c| Some(acc * 16 + c.to_digit(16)?))
    }

    /// The exception's text: `JSONDecodeError`'s `MSG: line L column C (char P)`, with
    /// line and column counted as Python counts them (characters, `\n` only).
    fn message(&self, failure: Failure) -> String {
        let (msg, pos) = match failure {
            Failure::Json(msg, pos) => (msg, pos),
            Failure::NoValue(pos) => ("Expecting value", pos),
            Failure::IntTooLong(digits) => {
                return format!("Exceeds the limit ({MAX_INT_DIGITS} digits) for integer string conversion: value has {digits} digits; use sys.set_int_max_str_digits() to increase the limit");
            }
            Failure::TooDeep { array } => {
                let what = if array { "array" } else { "object" };
                return format!(
                    "maximum recursion depth exceeded while decoding a JSON {what} from a unicode string"
                );
            }
        };
        let before = &self.chars[..pos.min(self.chars.len())];
        let line = before.iter().filter(|c| **c == '\n').count() + 1;
        let column = match before.iter().rposition(|c| *c == '\n') {
            Some(newline) => pos - newline,
            None => pos + 1,
        };
        format!("{msg}: line {line} column {column} (char {pos})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each input with the text CPython's exception gives (checked with CPython 3.11's
    /// `json.loads` and `bytes.decode`; the trailing-comma messages are 3.13's, the
    /// Python AWS CLI v2 bundles, from CPython's own `test_json/test_fail.py`).
    const FAILURES: &[(&[u8], &str)] = &[
        (b"", "Expecting value: line 1 column 1 (char 0)"),
        (b"   ", "Expecting value: line 1 column 4 (char 3)"),
        (b"nope", "Expecting value: line 1 column 1 (char 0)"),
        (b"not json\n", "Expecting value: line 1 column 1 (char 0)"),
        (
            b"{\"Version\": 1,",
            "Expecting property name enclosed in double quotes: line 1 column 15 (char 14)",
        ),
        (
            b"{\"Version\": 1} trailing",
            "Extra data: line 1 column 16 (char 15)",
        ),
        (
            b"{\"Version\": 1}\n{\"x\":2}",
            "Extra data: line 2 column 1 (char 15)",
        ),
        (
            b"\n\n  {\"a\" 1}",
            "Expecting ':' delimiter: line 3 column 8 (char 9)",
        ),
        (
            b"{\"a\":\n\"x",
            "Unterminated string starting at: line 2 column 1 (char 6)",
        ),
        (
            b"{\"a\":\"\\q\"}",
            "Invalid \\escape: line 1 column 7 (char 6)",
        ),
        (
            b"{\"a\":\"\\u12\"}",
            "Invalid \\uXXXX escape: line 1 column 8 (char 7)",
        ),
        (
            b"{\"a\":\"\\u12G4\"}",
            "Invalid \\uXXXX escape: line 1 column 8 (char 7)",
        ),
        (
            b"{\"a\":\"\\ud800\\u12G4\"}",
            "Invalid \\uXXXX escape: line 1 column 14 (char 13)",
        ),
        (
            b"{\"a\":\"\\ud800\\x\"}",
            "Invalid \\escape: line 1 column 13 (char 12)",
        ),
        (
            b"{\"a\":\"a\tb\"}",
            "Invalid control character at: line 1 column 8 (char 7)",
        ),
        (
            b"{a:1}",
            "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        ),
        (
            b"[1 2]",
            "Expecting ',' delimiter: line 1 column 4 (char 3)",
        ),
        (b"[1,", "Expecting value: line 1 column 4 (char 3)"),
        (b"-", "Expecting value: line 1 column 1 (char 0)"),
        (b"-x", "Expecting value: line 1 column 1 (char 0)"),
        (b"01", "Extra data: line 1 column 2 (char 1)"),
        (b"1.", "Extra data: line 1 column 2 (char 1)"),
        (b"1e+", "Extra data: line 1 column 2 (char 1)"),
        (
            b"[1.e5]",
            "Expecting ',' delimiter: line 1 column 3 (char 2)",
        ),
        (b"tru", "Expecting value: line 1 column 1 (char 0)"),
        (b"\"\xc3\xa9\" x", "Extra data: line 1 column 5 (char 4)"),
        (
            b"\xef\xbb\xbf{}",
            "Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)",
        ),
        (
            b"{\"\xc3\xa9\":1,\"b\" 2}",
            "Expecting ':' delimiter: line 1 column 12 (char 11)",
        ),
        (
            b"{\"a\":\"\\",
            "Unterminated string starting at: line 1 column 6 (char 5)",
        ),
        (
            b"{\"a\":\"\\u",
            "Invalid \\uXXXX escape: line 1 column 8 (char 7)",
        ),
        (
            b"{\"a\":\"\\u1234",
            "Invalid \\uXXXX escape: line 1 column 8 (char 7)",
        ),
        (
            b"\"\\ud83d\\ude00",
            "Invalid \\uXXXX escape: line 1 column 9 (char 8)",
        ),
        (b"[", "Expecting value: line 1 column 2 (char 1)"),
        (
            b"{",
            "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        ),
        (
            b"{\"a\"",
            "Expecting ':' delimiter: line 1 column 5 (char 4)",
        ),
        (b"{\"a\":", "Expecting value: line 1 column 6 (char 5)"),
        (
            b"{\"a\":1",
            "Expecting ',' delimiter: line 1 column 7 (char 6)",
        ),
        (b"[1", "Expecting ',' delimiter: line 1 column 3 (char 2)"),
        (
            b"\r\n{\"a\":\r\n}",
            "Expecting value: line 3 column 1 (char 9)",
        ),
        (
            b"{\"a\":1,}",
            "Illegal trailing comma before end of object: line 1 column 7 (char 6)",
        ),
        (
            b"{\"spam\":42 , }",
            "Illegal trailing comma before end of object: line 1 column 12 (char 11)",
        ),
        (
            b"[123  , ]",
            "Illegal trailing comma before end of array: line 1 column 7 (char 6)",
        ),
        (
            b"\xff",
            "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte",
        ),
        (
            b"a\xe2\x82",
            "'utf-8' codec can't decode bytes in position 1-2: unexpected end of data",
        ),
        (
            b"\xe2",
            "'utf-8' codec can't decode byte 0xe2 in position 0: unexpected end of data",
        ),
        (
            b"\xe2(\xa1",
            "'utf-8' codec can't decode byte 0xe2 in position 0: invalid continuation byte",
        ),
        (
            b"\xf0\x90(",
            "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte",
        ),
        (
            b"\xed\xa0\x80",
            "'utf-8' codec can't decode byte 0xed in position 0: invalid continuation byte",
        ),
        (
            b"\xf4\x90\x80\x80",
            "'utf-8' codec can't decode byte 0xf4 in position 0: invalid continuation byte",
        ),
        (
            b"\xe0\x80",
            "'utf-8' codec can't decode byte 0xe0 in position 0: invalid continuation byte",
        ),
        (
            b"ab\xe0\xa0",
            "'utf-8' codec can't decode bytes in position 2-3: unexpected end of data",
        ),
        (
            b"\xc0\x80",
            "'utf-8' codec can't decode byte 0xc0 in position 0: invalid start byte",
        ),
        (
            b"\xf5",
            "'utf-8' codec can't decode byte 0xf5 in position 0: invalid start byte",
        ),
        (
            b"\x80",
            "'utf-8' codec can't decode byte 0x80 in position 0: invalid start byte",
        ),
        (
            b"\xf0\x90\x80",
            "'utf-8' codec can't decode bytes in position 0-2: unexpected end of data",
        ),
        (
            b"x\xf0\x90\x80x",
            "'utf-8' codec can't decode bytes in position 1-3: invalid continuation byte",
        ),
    ];

    fn loads(bytes: &[u8]) -> Result<Value, DecodeError> {
        json_loads(utf8(bytes)?)
    }

    #[test]
    fn failures_read_as_python_s_exceptions() {
        for (input, expected) in FAILURES {
            let got = loads(input).unwrap_err();
            assert_eq!(
                got.to_string(),
                *expected,
                "{}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn integers_are_refused_beyond_python_s_digit_limit() {
        let digits = |n: usize| "1".repeat(n);
        let long = format!("[{}]", digits(4301));
        assert_eq!(
            json_loads(&long).unwrap_err().to_string(),
            "Exceeds the limit (4300 digits) for integer string conversion: value has 4301 digits; use sys.set_int_max_str_digits() to increase the limit"
        );
        let negative = format!("-{}", digits(4301));
        assert!(json_loads(&negative).is_err());
        // Up to the limit, an integer too large for 64 bits reads as its digits.
        assert_eq!(
            json_loads(&digits(4300)).unwrap(),
            Value::String(digits(4300))
        );
    }

    #[test]
    fn what_python_accepts_is_accepted() {
        let value = loads(
            br#" {"a": NaN, "b": -Infinity, "c": 1e400, "d": 18446744073709551616, "a": [1.5, -0, true, null, "\ud83d\ude00\ud800x\/"]} "#,
        )
        .unwrap();
        assert_eq!(
            value,
            serde_json::json!({
                "a": [1.5, 0, true, null, "\u{1F600}\u{FFFD}x/"],
                "b": "-inf",
                "c": "inf",
                "d": "18446744073709551616",
            })
        );
        // The repeated key kept its first place.
        assert_eq!(value.as_object().unwrap().keys().next().unwrap(), "a");
    }

    #[test]
    fn nesting_stops_at_python_s_recursion_limit() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(json_loads(&ok).is_ok());
        let deep = "[".repeat(400_000);
        assert_eq!(
            json_loads(&deep).unwrap_err().to_string(),
            "maximum recursion depth exceeded while decoding a JSON array from a unicode string"
        );
        let deep = format!("{}{{\"a\":{{", "[".repeat(MAX_DEPTH - 1));
        assert_eq!(
            json_loads(&deep).unwrap_err().to_string(),
            "maximum recursion depth exceeded while decoding a JSON object from a unicode string"
        );
    }

    #[test]
    fn type_names() {
        for (text, name) in [
            ("{}", "dict"),
            (" []", "list"),
            ("\"s\"", "str"),
            ("1", "int"),
            ("-12345678901234567890123", "int"),
            ("1.5", "float"),
            ("1E3", "float"),
            ("NaN", "float"),
            ("-Infinity", "float"),
            ("true", "bool"),
            ("null", "NoneType"),
        ] {
            assert!(json_loads(text).is_ok(), "{text}");
            assert_eq!(json_type_name(text), name, "{text}");
        }
    }
}
