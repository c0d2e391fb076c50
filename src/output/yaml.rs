//! `--output yaml` and `yaml-stream`, as AWS CLI v2's `YAMLDumper` writes them.
//!
//! v2 dumps with ruamel.yaml `YAML(typ='safe')` in block style, which with
//! ruamel.yaml.clib installed (v2 ships it) means: ruamel's `SafeRepresenter` (mapping keys
//! **sorted**, floats as Python `repr`, `null`/`true`), ruamel's YAML 1.2 implicit
//! resolvers deciding which strings must be quoted (`'123'`, `'true'`, `'null'`,
//! `'2024-01-01'`, `''`), and libyaml's C emitter writing the text: 2-space indentation,
//! sequences in a mapping not indented, empty collections as `[]`/`{}`, plain scalars
//! where allowed, else single quotes, else double quotes with escapes (tabs, control
//! characters and characters beyond the BMP, which libyaml does not count as printable),
//! long scalars folded at spaces once past column 80. A top-level scalar is written as
//! JSON (`"foo"`, `1`), as v2 does to avoid YAML's `...` end marker.
//!
//! Not reproduced: ruamel emits anchors (`&id001`/`*id001`) when a `--query` result holds
//! the very same object twice; awsso's query results are copies and never alias.

use serde_json::Value;

use crate::python;

/// What v2's `YAMLDumper.dump(value, stream)` writes.
pub fn dump(value: &Value) -> String {
    match value {
        Value::Array(_) | Value::Object(_) => {
            let mut emitter = Emitter::default();
            emitter.emit_node(&represent(value), false, false);
            // Document end: an implicit end only finishes the line.
            emitter.write_indent();
            emitter.out
        }
        scalar => format!("{}\n", python::json_compact(scalar, ", ", ": ", false)),
    }
}

/// A representation node: ruamel's `SafeRepresenter` output.
enum Node {
    Scalar {
        value: String,
        /// The resolver would read the plain text back as this same type.
        plain_implicit: bool,
    },
    Sequence(Vec<Node>),
    Mapping(Vec<(Node, Node)>),
}

fn represent(value: &Value) -> Node {
    match value {
        Value::Null => typed_scalar("null".into()),
        Value::Bool(b) => typed_scalar(if *b { "true" } else { "false" }.into()),
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(0.0);
            typed_scalar(python::float_repr(f).to_lowercase())
        }
        Value::Number(n) => typed_scalar(n.to_string()),
        Value::String(s) => Node::Scalar {
            plain_implicit: !resolves_to_other_type(s),
            value: s.clone(),
        },
        Value::Array(items) => Node::Sequence(items.iter().map(represent).collect()),
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Node::Mapping(
                keys.into_iter()
                    .map(|k| {
                        (
                            represent(&Value::String(k.clone())),
                            represent(&map[k.as_str()]),
                        )
                    })
                    .collect(),
            )
        }
    }
}

/// null, bool, int and float scalars: their text always resolves back to their type.
fn typed_scalar(value: String) -> Node {
    Node::Scalar {
        value,
        plain_implicit: true,
    }
}

// ---------------------------------------------------------------------------------------
// ruamel.yaml's YAML 1.2 implicit resolvers (`resolver.py`, the `(1, 2)` entries).
// ---------------------------------------------------------------------------------------

/// Whether a plain scalar with this text would load as something other than a string.
fn resolves_to_other_type(value: &str) -> bool {
    // Python's `$` also matches before one trailing newline.
    let body = value.strip_suffix('\n').unwrap_or(value);
    let s = body.as_bytes();
    match value.chars().next() {
        None => true, // the null resolver matches ''
        Some('t' | 'T' | 'f' | 'F') => {
            matches!(body, "true" | "True" | "TRUE" | "false" | "False" | "FALSE")
        }
        Some('~' | 'n' | 'N') => matches!(body, "~" | "null" | "Null" | "NULL"),
        Some('<') => body == "<<",
        Some('=') => body == "=",
        Some('!' | '&' | '*') => matches!(body, "!" | "&" | "*"),
        Some('.') => is_float(s),
        Some('-' | '+') => is_float(s) || is_int(s),
        Some(c) if c.is_ascii_digit() => is_float(s) || is_int(s) || is_timestamp(s),
        Some(_) => false,
    }
}

fn is_digit(b: u8) -> bool {
    b.is_ascii_digit()
}

/// Consumes `[0-9_]*` (or the given class) from `i`; returns the new position.
fn span(s: &[u8], mut i: usize, class: impl Fn(u8) -> bool) -> usize {
    while i < s.len() && class(s[i]) {
        i += 1;
    }
    i
}

fn digit_or_underscore(b: u8) -> bool {
    b.is_ascii_digit() || b == b'_'
}

fn skip_sign(s: &[u8]) -> usize {
    usize::from(matches!(s.first(), Some(b'-' | b'+')))
}

/// `[eE][-+]?[0-9]+` (sign required when `sign_required`) ending exactly at the end.
fn exponent_to_end(s: &[u8], i: usize, sign_required: bool) -> bool {
    if !matches!(s.get(i), Some(b'e' | b'E')) {
        return false;
    }
    let mut j = i + 1;
    if matches!(s.get(j), Some(b'-' | b'+')) {
        j += 1;
    } else if sign_required {
        return false;
    }
    let end = span(s, j, is_digit);
    end > j && end == s.len()
}

fn is_float(s: &[u8]) -> bool {
    let start = skip_sign(s);
    let rest = &s[start..];
    if rest.first().copied().is_some_and(is_digit) {
        let i = span(s, start + 1, digit_or_underscore);
        if s.get(i) == Some(&b'.') {
            // [0-9][0-9_]*\.[0-9_]*(exp)?
            let j = span(s, i + 1, digit_or_underscore);
            return j == s.len() || exponent_to_end(s, j, false);
        }
        // [0-9][0-9_]*(exp)
        return exponent_to_end(s, i, false);
    }
    if rest.first() == Some(&b'.') {
        if matches!(&rest[1..], b"inf" | b"Inf" | b"INF") {
            return true;
        }
        if start == 0 && matches!(&rest[1..], b"nan" | b"NaN" | b"NAN") {
            return true;
        }
        // \.[0-9_]+([eE][-+][0-9]+)?
        let i = span(s, start + 1, digit_or_underscore);
        return i > start + 1 && (i == s.len() || exponent_to_end(s, i, true));
    }
    false
}

fn is_int(s: &[u8]) -> bool {
    let rest = &s[skip_sign(s)..];
    let all = |from: usize, class: fn(u8) -> bool| {
        rest.len() > from && rest[from..].iter().all(|b| class(*b))
    };
    (rest.starts_with(b"0b") && all(2, |b| matches!(b, b'0' | b'1' | b'_')))
        || (rest.starts_with(b"0o") && all(2, |b| matches!(b, b'0'..=b'7' | b'_')))
        || (rest.starts_with(b"0") && all(1, |b| matches!(b, b'0'..=b'7' | b'_')))
        || all(0, digit_or_underscore)
        || (rest.starts_with(b"0x") && all(2, |b| b.is_ascii_hexdigit() || b == b'_'))
}

/// `[0-9]{n,m}` from `i`; returns the end position.
fn digits_between(s: &[u8], i: usize, min: usize, max: usize) -> Option<usize> {
    let mut j = i;
    while j < s.len() && j - i < max && is_digit(s[j]) {
        j += 1;
    }
    (j - i >= min).then_some(j)
}

fn is_timestamp(s: &[u8]) -> bool {
    // YYYY-MM-DD exactly.
    if s.len() == 10
        && s.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                is_digit(*b)
            }
        })
    {
        return true;
    }
    let step = |i: Option<usize>, byte: u8| i.filter(|&i| s.get(i) == Some(&byte)).map(|i| i + 1);
    let Some(i) = digits_between(s, 0, 4, 4) else {
        return false;
    };
    let Some(i) = step(Some(i), b'-').and_then(|i| digits_between(s, i, 1, 2)) else {
        return false;
    };
    let Some(mut i) = step(Some(i), b'-').and_then(|i| digits_between(s, i, 1, 2)) else {
        return false;
    };
    // [Tt] or [ \t]+
    if matches!(s.get(i), Some(b'T' | b't')) {
        i += 1;
    } else {
        let j = span(s, i, |b| b == b' ' || b == b'\t');
        if j == i {
            return false;
        }
        i = j;
    }
    let Some(i) = digits_between(s, i, 1, 2) else {
        return false;
    };
    let Some(i) = step(Some(i), b':').and_then(|i| digits_between(s, i, 2, 2)) else {
        return false;
    };
    let Some(mut i) = step(Some(i), b':').and_then(|i| digits_between(s, i, 2, 2)) else {
        return false;
    };
    if s.get(i) == Some(&b'.') {
        i = span(s, i + 1, is_digit);
    }
    if i == s.len() {
        return true;
    }
    let i = span(s, i, |b| b == b' ' || b == b'\t');
    match s.get(i) {
        Some(b'Z') => i + 1 == s.len(),
        Some(b'-' | b'+') => {
            let Some(j) = digits_between(s, i + 1, 1, 2) else {
                return false;
            };
            if j == s.len() {
                return true;
            }
            step(Some(j), b':')
                .and_then(|k| digits_between(s, k, 2, 2))
                .is_some_and(|k| k == s.len())
        }
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------
// libyaml's emitter (`emitter.c`), the paths a block-style safe dump reaches.
// ---------------------------------------------------------------------------------------

const BEST_INDENT: i64 = 2;
const BEST_WIDTH: usize = 80;

struct Emitter {
    out: String,
    column: usize,
    whitespace: bool,
    indention: bool,
    indent: i64,
    indents: Vec<i64>,
    flow_level: usize,
}

impl Default for Emitter {
    fn default() -> Self {
        Emitter {
            out: String::new(),
            column: 0,
            whitespace: true,
            indention: true,
            indent: -1,
            indents: Vec::new(),
            flow_level: 0,
        }
    }
}

/// `yaml_emitter_analyze_scalar`'s verdict.
struct Analysis {
    length: usize,
    multiline: bool,
    flow_plain_allowed: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// libyaml's `IS_PRINTABLE` (over UTF-8 bytes; nothing beyond the BMP).
fn is_printable(c: char) -> bool {
    let c = c as u32;
    c == 0x0a
        || (0x20..=0x7e).contains(&c)
        || (0xa0..=0xd7ff).contains(&c)
        || ((0xe000..=0xfffd).contains(&c) && c != 0xfeff)
}

/// `IS_BLANKZ`: space, tab, a line break, NUL or the end of the string.
fn is_blankz(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c == ' ' || c == '\t' || c == '\0' || is_break(c),
    }
}

fn analyze(value: &str) -> Analysis {
    let chars: Vec<char> = value.chars().collect();
    if chars.is_empty() {
        return Analysis {
            length: 0,
            multiline: false,
            flow_plain_allowed: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
        };
    }
    let mut block_indicators = false;
    let mut flow_indicators = false;
    let mut line_breaks = false;
    let mut special_characters = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    let mut previous_space = false;
    let mut previous_break = false;

    if value.starts_with("---") || value.starts_with("...") {
        block_indicators = true;
        flow_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut followed_by_whitespace = is_blankz(chars.get(1).copied());
    let last = chars.len() - 1;
    for (i, &c) in chars.iter().enumerate() {
        if i == 0 {
            if matches!(
                c,
                '#' | ','
                    | '['
                    | ']'
                    | '{'
                    | '}'
                    | '&'
                    | '*'
                    | '!'
                    | '|'
                    | '>'
                    | '\''
                    | '"'
                    | '%'
                    | '@'
                    | '`'
            ) {
                flow_indicators = true;
                block_indicators = true;
            }
            if c == '?' || c == ':' {
                flow_indicators = true;
                if followed_by_whitespace {
                    block_indicators = true;
                }
            }
            if c == '-' && followed_by_whitespace {
                flow_indicators = true;
                block_indicators = true;
            }
        } else {
            if matches!(c, ',' | '?' | '[' | ']' | '{' | '}') {
                flow_indicators = true;
            }
            if c == ':' {
                flow_indicators = true;
                if followed_by_whitespace {
                    block_indicators = true;
                }
            }
            if c == '#' && preceded_by_whitespace {
                flow_indicators = true;
                block_indicators = true;
            }
        }
        if !is_printable(c) {
            special_characters = true;
        }
        if is_break(c) {
            line_breaks = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i == last {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            if i == 0 {
                leading_break = true;
            }
            if i == last {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blankz(Some(c));
        if i < last {
            followed_by_whitespace = is_blankz(chars.get(i + 2).copied());
        }
    }

    let mut analysis = Analysis {
        length: value.len(),
        multiline: line_breaks,
        flow_plain_allowed: true,
        block_plain_allowed: true,
        single_quoted_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        analysis.flow_plain_allowed = false;
        analysis.block_plain_allowed = false;
    }
    if break_space {
        analysis.flow_plain_allowed = false;
        analysis.block_plain_allowed = false;
        analysis.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        analysis.flow_plain_allowed = false;
        analysis.block_plain_allowed = false;
        analysis.single_quoted_allowed = false;
    }
    if line_breaks {
        analysis.flow_plain_allowed = false;
        analysis.block_plain_allowed = false;
    }
    if flow_indicators {
        analysis.flow_plain_allowed = false;
    }
    if block_indicators {
        analysis.block_plain_allowed = false;
    }
    analysis
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
}

impl Emitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    /// `WRITE_BREAK`: a `\n` is the configured break; other break characters are copied.
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in indicator.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    /// `yaml_emitter_emit_node` in a mapping (value or key) or elsewhere.
    fn emit_node(&mut self, node: &Node, mapping: bool, simple_key: bool) {
        match node {
            Node::Scalar {
                value,
                plain_implicit,
            } => self.emit_scalar(value, *plain_implicit, simple_key),
            Node::Sequence(items) if self.flow_level > 0 || items.is_empty() => {
                self.emit_empty_flow("[", "]");
            }
            Node::Mapping(pairs) if self.flow_level > 0 || pairs.is_empty() => {
                self.emit_empty_flow("{", "}");
            }
            Node::Sequence(items) => {
                self.increase_indent(false, mapping && !self.indention);
                for item in items {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.emit_node(item, false, false);
                }
                self.pop_indent();
            }
            Node::Mapping(pairs) => {
                self.increase_indent(false, false);
                for (key, value) in pairs {
                    self.write_indent();
                    if is_simple_key(key) {
                        self.emit_node(key, true, true);
                        self.write_indicator(":", false, false, false);
                    } else {
                        self.write_indicator("?", true, false, true);
                        self.emit_node(key, true, false);
                        self.write_indent();
                        self.write_indicator(":", true, false, true);
                    }
                    self.emit_node(value, true, false);
                }
                self.pop_indent();
            }
        }
    }

    /// Only empty collections are in flow style (libyaml's `check_empty_*`).
    fn emit_empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.increase_indent(true, false);
        self.flow_level += 1;
        self.flow_level -= 1;
        self.pop_indent();
        self.write_indicator(close, false, false, false);
    }

    fn emit_scalar(&mut self, value: &str, plain_implicit: bool, simple_key: bool) {
        let analysis = analyze(value);
        // yaml_emitter_select_scalar_style
        let mut style = Style::Plain;
        if simple_key && analysis.multiline {
            style = Style::Double;
        }
        if style == Style::Plain {
            let flow = self.flow_level > 0;
            if (flow && !analysis.flow_plain_allowed) || (!flow && !analysis.block_plain_allowed) {
                style = Style::Single;
            }
            if analysis.length == 0 && (flow || simple_key) {
                style = Style::Single;
            }
            if !plain_implicit {
                style = Style::Single;
            }
        }
        if style == Style::Single && !analysis.single_quoted_allowed {
            style = Style::Double;
        }
        self.increase_indent(true, false);
        let allow_breaks = !simple_key;
        match style {
            Style::Plain => self.write_plain(value, allow_breaks),
            Style::Single => self.write_single_quoted(value, allow_breaks),
            Style::Double => self.write_double_quoted(value, allow_breaks),
        }
        self.pop_indent();
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace && (!value.is_empty() || self.flow_level > 0) {
            self.put(' ');
        }
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                self.indention = false;
                spaces = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let last = chars.len().saturating_sub(1);
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i != 0
                    && i != last
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        if breaks {
            self.write_indent();
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let last = chars.len().saturating_sub(1);
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || c == '\u{feff}' || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                let escape = match c {
                    '\0' => Some('0'),
                    '\u{07}' => Some('a'),
                    '\u{08}' => Some('b'),
                    '\t' => Some('t'),
                    '\n' => Some('n'),
                    '\u{0b}' => Some('v'),
                    '\u{0c}' => Some('f'),
                    '\r' => Some('r'),
                    '\u{1b}' => Some('e'),
                    '"' => Some('"'),
                    '\\' => Some('\\'),
                    '\u{85}' => Some('N'),
                    '\u{a0}' => Some('_'),
                    '\u{2028}' => Some('L'),
                    '\u{2029}' => Some('P'),
                    _ => None,
                };
                match escape {
                    Some(e) => self.put(e),
                    None => {
                        let code = c as u32;
                        let (letter, width) = if code <= 0xff {
                            ('x', 2)
                        } else if code <= 0xffff {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for digit in format!("{code:0width$X}").chars() {
                            self.put(digit);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i != 0 && i != last {
                    self.write_indent();
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }
}

/// `yaml_emitter_check_simple_key` for a scalar key: one line, at most 128 bytes.
fn is_simple_key(key: &Node) -> bool {
    match key {
        Node::Scalar { value, .. } => {
            let analysis = analyze(value);
            !analysis.multiline && analysis.length <= 128
        }
        Node::Sequence(items) => items.is_empty(),
        Node::Mapping(pairs) => pairs.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_at_the_top_are_json() {
        assert_eq!(dump(&json!(1)), "1\n");
        assert_eq!(dump(&json!(1.2)), "1.2\n");
        assert_eq!(dump(&json!(true)), "true\n");
        assert_eq!(dump(&json!("foo")), "\"foo\"\n");
        assert_eq!(dump(&json!(null)), "null\n");
    }

    #[test]
    fn mappings_sort_keys_and_sequences_sit_under_their_key() {
        assert_eq!(
            dump(
                &json!({"UserId": "AROA:jane", "Account": "111122223333", "Arn": "arn:aws:sts::1:x"})
            ),
            "Account: '111122223333'\nArn: arn:aws:sts::1:x\nUserId: AROA:jane\n"
        );
        assert_eq!(
            dump(
                &json!({"TableNames": ["MyTable", "b"], "n": {"x": 1, "y": [1, 2]}, "e": [], "d": {}})
            ),
            "TableNames:\n- MyTable\n- b\nd: {}\ne: []\nn:\n  x: 1\n  y:\n  - 1\n  - 2\n"
        );
        assert_eq!(
            dump(&json!([{"TableNames": ["MyTable"]}])),
            "- TableNames:\n  - MyTable\n"
        );
        assert_eq!(dump(&json!([[1, [2]], []])), "- - 1\n  - - 2\n- []\n");
    }

    #[test]
    fn strings_that_read_back_as_other_types_are_quoted() {
        for s in [
            "123",
            "1_000",
            "0x1F",
            "0o17",
            "1e5",
            ".5",
            "-1.5",
            "true",
            "False",
            "null",
            "~",
            "",
            "2024-01-31",
            "2024-1-2 3:04:05 +1",
            "<<",
            "=",
            "!",
        ] {
            assert!(resolves_to_other_type(s), "{s}");
        }
        for s in [
            "yes",
            "no",
            "on",
            "1.2.3",
            "0x",
            "123abc",
            "2024-01-3",
            "nan",
            "Infinity",
            "-",
            "_",
        ] {
            assert!(!resolves_to_other_type(s), "{s}");
        }
    }

    #[test]
    fn styles_follow_libyaml() {
        let out = dump(&json!({
            "a": "it's", "b": "tab\there", "c": "lead ", "d": "- x", "e": "x: y", "f": "#c",
            "g": "a #b", "h": "line1\nline2", "i": "smile 😀", "j": "née", "k": "\"q\""
        }));
        assert_eq!(
            out,
            "a: it's\nb: \"tab\\there\"\nc: 'lead '\nd: '- x'\ne: 'x: y'\nf: '#c'\ng: 'a #b'\nh: 'line1\n\n  line2'\ni: \"smile \\U0001F600\"\nj: née\nk: '\"q\"'\n"
        );
    }

    #[test]
    fn long_plain_scalars_fold_past_column_80() {
        let words = "word ".repeat(20);
        let out = dump(&json!({"key": words.trim_end()}));
        assert_eq!(
            out,
            format!(
                "key: {}\n  word word word word\n",
                "word ".repeat(16).trim_end()
            )
        );
    }
}
