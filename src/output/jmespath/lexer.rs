//! Tokens of a JMESPath expression, exactly as Python jmespath 1.0.1's `Lexer` makes them:
//! the same token types, the same start positions (in characters) and the same lexer
//! errors, because v2 prints those positions in `Bad value for --query` messages.

use serde_json::Value;

use super::error::{JmesError, LexerError};

/// A token's value, printed with Python's `%s` in parse errors.
#[derive(Clone, Debug, PartialEq)]
pub enum TokenValue {
    Text(String),
    Number(i64),
    Json(Value),
}

impl TokenValue {
    pub fn python_str(&self) -> String {
        match self {
            TokenValue::Text(s) => s.clone(),
            TokenValue::Number(n) => n.to_string(),
            TokenValue::Json(v) => crate::python::str(v),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Token {
    /// Python's token type name (`unquoted_identifier`, `lbracket`, `eof`, ...).
    pub kind: &'static str,
    pub value: TokenValue,
    pub start: usize,
}

struct Lexer<'a> {
    expression: &'a str,
    chars: Vec<char>,
    position: usize,
    current: Option<char>,
}

fn text(s: impl Into<String>) -> TokenValue {
    TokenValue::Text(s.into())
}

const SIMPLE_TOKENS: &[(char, &str)] = &[
    ('.', "dot"),
    ('*', "star"),
    (']', "rbracket"),
    (',', "comma"),
    (':', "colon"),
    ('@', "current"),
    ('(', "lparen"),
    (')', "rparen"),
    ('{', "lbrace"),
    ('}', "rbrace"),
];

fn is_start_identifier(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_identifier(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Splits the expression into tokens, ending with `eof`.
pub fn tokenize(expression: &str) -> Result<Vec<Token>, JmesError> {
    if expression.is_empty() {
        return Err(JmesError::Empty);
    }
    let chars: Vec<char> = expression.chars().collect();
    let mut lexer = Lexer {
        expression,
        current: Some(chars[0]),
        chars,
        position: 0,
    };
    let mut tokens = Vec::new();
    while let Some(c) = lexer.current {
        if let Some((_, kind)) = SIMPLE_TOKENS.iter().find(|(ch, _)| *ch == c) {
            tokens.push(Token {
                kind,
                value: text(c),
                start: lexer.position,
            });
            lexer.next();
        } else if is_start_identifier(c) {
            let start = lexer.position;
            let mut buff = c.to_string();
            while let Some(n) = lexer.next().filter(|n| is_identifier(*n)) {
                buff.push(n);
            }
            tokens.push(Token {
                kind: "unquoted_identifier",
                value: text(buff),
                start,
            });
        } else if matches!(c, ' ' | '\t' | '\n' | '\r') {
            lexer.next();
        } else if c == '[' {
            let start = lexer.position;
            match lexer.next() {
                Some(']') => {
                    lexer.next();
                    tokens.push(Token {
                        kind: "flatten",
                        value: text("[]"),
                        start,
                    });
                }
                Some('?') => {
                    lexer.next();
                    tokens.push(Token {
                        kind: "filter",
                        value: text("[?"),
                        start,
                    });
                }
                _ => tokens.push(Token {
                    kind: "lbracket",
                    value: text("["),
                    start,
                }),
            }
        } else if c == '\'' {
            tokens.push(lexer.raw_string_literal()?);
        } else if c == '|' {
            tokens.push(lexer.match_or_else('|', "or", "pipe"));
        } else if c == '&' {
            tokens.push(lexer.match_or_else('&', "and", "expref"));
        } else if c == '`' {
            tokens.push(lexer.literal()?);
        } else if c.is_ascii_digit() || c == '-' {
            let start = lexer.position;
            let buff = lexer.number();
            if buff == "-" {
                return Err(lexer.error(start, "Unknown token '-'".into()));
            }
            // Python's int() has no upper bound; saturate rather than fail.
            let value = buff
                .parse::<i64>()
                .unwrap_or(if c == '-' { i64::MIN } else { i64::MAX });
            tokens.push(Token {
                kind: "number",
                value: TokenValue::Number(value),
                start,
            });
        } else if c == '"' {
            tokens.push(lexer.quoted_identifier()?);
        } else if c == '<' {
            tokens.push(lexer.match_or_else('=', "lte", "lt"));
        } else if c == '>' {
            tokens.push(lexer.match_or_else('=', "gte", "gt"));
        } else if c == '!' {
            tokens.push(lexer.match_or_else('=', "ne", "not"));
        } else if c == '=' {
            if lexer.next() == Some('=') {
                tokens.push(Token {
                    kind: "eq",
                    value: text("=="),
                    start: lexer.position - 1,
                });
                lexer.next();
            } else {
                // At the end the position never advanced, so it is not rewound either.
                let position = if lexer.current.is_none() {
                    lexer.position
                } else {
                    lexer.position - 1
                };
                return Err(lexer.error(position, "Unknown token '='".into()));
            }
        } else {
            return Err(lexer.error(lexer.position, format!("Unknown token {c}")));
        }
    }
    tokens.push(Token {
        kind: "eof",
        value: text(""),
        start: lexer.chars.len(),
    });
    Ok(tokens)
}

impl Lexer<'_> {
    /// Python's `_next`: at the last character the position stays put and `current`
    /// becomes `None`.
    fn next(&mut self) -> Option<char> {
        if self.position == self.chars.len() - 1 {
            self.current = None;
        } else {
            self.position += 1;
            self.current = Some(self.chars[self.position]);
        }
        self.current
    }

    fn error(&self, position: usize, message: String) -> JmesError {
        JmesError::Lexer(Box::new(LexerError {
            position,
            message,
            expression: self.expression.to_owned(),
        }))
    }

    fn number(&mut self) -> String {
        let mut buff = self.current.map(String::from).unwrap_or_default();
        while let Some(n) = self.next().filter(char::is_ascii_digit) {
            buff.push(n);
        }
        buff
    }

    /// Everything up to the closing delimiter; a backslash keeps itself and the next
    /// character.
    fn consume_until(&mut self, delimiter: char) -> Result<String, JmesError> {
        let start = self.position;
        let mut buff = String::new();
        self.next();
        while self.current != Some(delimiter) {
            if self.current == Some('\\') {
                buff.push('\\');
                self.next();
            }
            match self.current {
                None => {
                    return Err(self.error(start, format!("Unclosed {delimiter} delimiter")));
                }
                Some(c) => buff.push(c),
            }
            self.next();
        }
        self.next();
        Ok(buff)
    }

    fn literal(&mut self) -> Result<Token, JmesError> {
        let start = self.position;
        let lexeme = self.consume_until('`')?.replace("\\`", "`");
        let value = match serde_json::from_str::<Value>(&lexeme) {
            Ok(value) => value,
            // JEP-12's deprecated form: an invalid JSON literal is taken as a string.
            Err(_) => {
                let quoted = format!("\"{}\"", lexeme.trim_start());
                match decode_json_string(&quoted) {
                    Ok(s) => Value::String(s),
                    Err(_) => return Err(self.error(start, format!("Bad token {lexeme}"))),
                }
            }
        };
        Ok(Token {
            kind: "literal",
            value: TokenValue::Json(value),
            start,
        })
    }

    fn quoted_identifier(&mut self) -> Result<Token, JmesError> {
        let start = self.position;
        let lexeme = format!("\"{}\"", self.consume_until('"')?);
        match decode_json_string(&lexeme) {
            Ok(s) => Ok(Token {
                kind: "quoted_identifier",
                value: text(s),
                start,
            }),
            Err(message) => Err(self.error(start, message.into())),
        }
    }

    fn raw_string_literal(&mut self) -> Result<Token, JmesError> {
        let start = self.position;
        let lexeme = self.consume_until('\'')?.replace("\\'", "'");
        Ok(Token {
            kind: "literal",
            value: TokenValue::Json(Value::String(lexeme)),
            start,
        })
    }

    fn match_or_else(
        &mut self,
        expected: char,
        match_kind: &'static str,
        else_kind: &'static str,
    ) -> Token {
        let start = self.position;
        let current = self.current.unwrap_or_default();
        if self.next() == Some(expected) {
            self.next();
            Token {
                kind: match_kind,
                value: text(format!("{current}{expected}")),
                start,
            }
        } else {
            Token {
                kind: else_kind,
                value: text(current),
                start,
            }
        }
    }
}

/// Python's `json.loads` of one JSON string literal (the whole input), with the first
/// part of its error message (what the lexer reports for a bad quoted identifier).
fn decode_json_string(input: &str) -> Result<String, &'static str> {
    let chars: Vec<char> = input.chars().collect();
    if chars.first() != Some(&'"') {
        return Err("Expecting value");
    }
    let mut out = String::new();
    let mut i = 1;
    loop {
        let Some(&c) = chars.get(i) else {
            return Err("Unterminated string starting at");
        };
        i += 1;
        match c {
            '"' => break,
            '\\' => {
                let Some(&esc) = chars.get(i) else {
                    return Err("Unterminated string starting at");
                };
                i += 1;
                match esc {
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    '/' => out.push('/'),
                    'b' => out.push('\u{08}'),
                    'f' => out.push('\u{0c}'),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'u' => {
                        let unit = hex4(&chars, i).ok_or("Invalid \\uXXXX escape")?;
                        i += 4;
                        let mut code = unit;
                        if (0xd800..0xdc00).contains(&unit)
                            && chars.get(i) == Some(&'\\')
                            && chars.get(i + 1) == Some(&'u')
                        {
                            if let Some(low) = hex4(&chars, i + 2) {
                                if (0xdc00..0xe000).contains(&low) {
                                    code = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
                                    i += 6;
                                }
                            }
                        }
                        // A lone surrogate is valid in Python but not in a Rust string.
                        out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                    }
                    _ => return Err("Invalid \\escape"),
                }
            }
            c if (c as u32) < 0x20 => return Err("Invalid control character at"),
            c => out.push(c),
        }
    }
    if i != chars.len() {
        return Err("Extra data");
    }
    Ok(out)
}

fn hex4(chars: &[char], at: usize) -> Option<u32> {
    let digits: String = chars.get(at..at + 4)?.iter().collect();
    if digits.chars().all(|c| c.is_ascii_hexdigit()) {
        u32::from_str_radix(&digits, 16).ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(expr: &str) -> Vec<(&'static str, usize)> {
        tokenize(expr)
            .unwrap()
            .into_iter()
            .map(|t| (t.kind, t.start))
            .collect()
    }

    #[test]
    fn tokens_carry_python_types_and_positions() {
        assert_eq!(
            kinds("a[?b>=`1`] || &c"),
            [
                ("unquoted_identifier", 0),
                ("filter", 1),
                ("unquoted_identifier", 3),
                ("gte", 4),
                ("literal", 6),
                ("rbracket", 9),
                ("or", 11),
                ("expref", 14),
                ("unquoted_identifier", 15),
                ("eof", 16)
            ]
        );
    }

    #[test]
    fn literals_and_identifiers_decode() {
        let tokens = tokenize(r#""a\"b" `{"x": [1]}` `foo` 'it\'s'"#).unwrap();
        assert_eq!(tokens[0].value, TokenValue::Text("a\"b".into()));
        assert_eq!(
            tokens[1].value,
            TokenValue::Json(serde_json::json!({"x": [1]}))
        );
        assert_eq!(tokens[2].value, TokenValue::Json("foo".into()));
        assert_eq!(tokens[3].value, TokenValue::Json("it's".into()));
    }

    #[test]
    fn lexer_errors_match_python() {
        let err = tokenize("foo = bar").unwrap_err();
        assert_eq!(
            err.to_string(),
            "Bad jmespath expression: Unknown token '=':\nfoo = bar\n    ^"
        );
        let err = tokenize("a[?b=='x]").unwrap_err();
        assert_eq!(
            err.to_string(),
            "Bad jmespath expression: Unclosed ' delimiter:\na[?b=='x]\n      ^"
        );
        assert_eq!(
            tokenize("a ~").unwrap_err().to_string(),
            "Bad jmespath expression: Unknown token ~:\na ~\n  ^"
        );
        assert_eq!(
            tokenize(r#""\q""#).unwrap_err().to_string(),
            "Bad jmespath expression: Invalid \\escape:\n\"\\q\"\n^"
        );
    }
}
