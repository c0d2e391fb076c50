//! How Python spells values, since the AWS CLI and botocore are Python code (their output
//! formatters and the JSON of the caches they share with awsso): `json.dumps`
//! (indented or compact, `ensure_ascii` on or off), `str()` and `repr()`, and float `repr`
//! (`1e+16`, `1.0`, `1e-05`). Numbers keep Python's int/float split: a JSON number written
//! with a fraction or exponent is a float, everything else an int. And how Python reads
//! a process's output (`bytes.decode`, `json.loads`), with its exceptions' texts.

pub mod decode;
pub mod json;
pub mod number;
pub mod repr;
pub mod unicode_tables;

pub use json::{json_compact, json_dumps_indented, json_indented, write_json_string};
pub use number::{float_repr, number};
pub use repr::{os_error_class, os_error_str, repr, str, str_repr};

#[cfg(test)]
mod tests {
    use super::unicode_tables::{is_double_width, is_python_printable};

    /// The widths `awscli.table.get_text_length` gives a hand-picked sample, written here
    /// as Python 3.11's unicodedata (Unicode 14.0.0) gives them, so the generated tables are
    /// checked without the host's Python.
    #[test]
    fn widths_of_a_hand_picked_sample() {
        let sample = [
            ('a', 1, "ASCII"),
            ('~', 1, "ASCII"),
            ('中', 2, "CJK wide"),
            ('한', 2, "Hangul wide"),
            ('Ａ', 2, "full-width"),
            ('ｱ', 1, "half-width"),
            ('\u{0301}', 2, "combining acute: ambiguous"),
            ('\u{200B}', 1, "zero-width space: neutral"),
            ('😀', 2, "emoji"),
            ('\u{1F1EF}', 1, "regional indicator: neutral"),
            ('é', 2, "ambiguous"),
            ('°', 2, "ambiguous"),
        ];
        for (c, width, what) in sample {
            let got = if is_double_width(c) { 2 } else { 1 };
            assert_eq!(got, width, "{what}: U+{:04X}", c as u32);
        }
    }

    #[test]
    fn printable_as_python_sees_it() {
        for c in ['a', '中', '😀', '\u{0301}', 'é'] {
            assert!(is_python_printable(c), "U+{:04X}", c as u32);
        }
        for c in [
            '\t',
            '\x7f',
            '\u{00AD}',
            '\u{200B}',
            '\u{2028}',
            '\u{10FFFF}',
        ] {
            assert!(!is_python_printable(c), "U+{:04X}", c as u32);
        }
    }
}
