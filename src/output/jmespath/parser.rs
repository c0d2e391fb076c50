//! Python jmespath 1.0.1's Pratt parser, rule for rule: the same binding powers, the same
//! tree shapes (which matter: `a[0][1:2]` appends the slice to the index expression and so
//! does not project) and the same parse errors.

use serde_json::Value;

use super::lexer::{Token, TokenValue};
use super::JmesError;

/// The expression tree, in the shape Python's parser builds it.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Field(String),
    Subexpression(Vec<Node>),
    IndexExpression(Vec<Node>),
    Index(i64),
    Slice(Option<i64>, Option<i64>, Option<i64>),
    Identity,
    Current,
    Literal(Value),
    Projection(Box<Node>, Box<Node>),
    ValueProjection(Box<Node>, Box<Node>),
    /// Left, right, condition.
    FilterProjection(Box<Node>, Box<Node>, Box<Node>),
    Flatten(Box<Node>),
    Pipe(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    And(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Comparator(Comparator, Box<Node>, Box<Node>),
    MultiSelectList(Vec<Node>),
    MultiSelectDict(Vec<(String, Node)>),
    Function(String, Vec<Node>),
    Expref(Box<Node>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparator {
    Eq,
    Ne,
    Lt,
    Gt,
    Lte,
    Gte,
}

fn binding_power(kind: &str) -> u8 {
    match kind {
        "pipe" => 1,
        "or" => 2,
        "and" => 3,
        "eq" | "gt" | "lt" | "gte" | "lte" | "ne" => 5,
        "flatten" => 9,
        "star" => 20,
        "filter" => 21,
        "dot" => 40,
        "not" => 45,
        "lbrace" => 50,
        "lbracket" => 55,
        "lparen" => 60,
        _ => 0,
    }
}

/// Tokens below this binding power end a projection.
const PROJECTION_STOP: u8 = 10;

pub struct Parser {
    tokens: Vec<Token>,
    index: usize,
    expression: String,
}

type ParseResult = Result<Node, JmesError>;

/// Parses the tokens of `expression`.
pub fn parse(expression: &str, tokens: Vec<Token>) -> ParseResult {
    let mut parser = Parser {
        tokens,
        index: 0,
        expression: expression.to_owned(),
    };
    let parsed = parser.expression(0)?;
    if parser.current() != "eof" {
        let t = parser.lookahead_token(0).clone();
        let message = format!("Unexpected token: {}", t.value.python_str());
        return Err(parser.parse_error(&t, message));
    }
    Ok(parsed)
}

impl Parser {
    fn current(&self) -> &'static str {
        self.lookahead(0)
    }

    fn lookahead(&self, n: usize) -> &'static str {
        self.lookahead_token(n).kind
    }

    fn lookahead_token(&self, n: usize) -> &Token {
        // Past the end Python would raise IndexError; the eof token is the kinder answer.
        let last = self.tokens.len() - 1;
        &self.tokens[(self.index + n).min(last)]
    }

    fn advance(&mut self) {
        self.index += 1;
    }

    fn parse_error(&self, token: &Token, message: String) -> JmesError {
        JmesError::Parse {
            position: token.start,
            value: token.value.python_str(),
            kind: token.kind.to_uppercase(),
            message,
            expression: self.expression.clone(),
        }
    }

    fn incomplete(&self) -> JmesError {
        JmesError::Incomplete {
            expression: self.expression.clone(),
        }
    }

    fn error_for_current(&self, reason: &str) -> JmesError {
        self.parse_error(self.lookahead_token(0), reason.to_owned())
    }

    fn expression(&mut self, bp: u8) -> ParseResult {
        let left_token = self.lookahead_token(0).clone();
        self.advance();
        let mut left = self.nud(&left_token)?;
        let mut current = self.current();
        while bp < binding_power(current) {
            self.advance();
            left = match current {
                "dot" => self.led_dot(left)?,
                "pipe" => Node::Pipe(Box::new(left), Box::new(self.expression(1)?)),
                "or" => Node::Or(Box::new(left), Box::new(self.expression(2)?)),
                "and" => Node::And(Box::new(left), Box::new(self.expression(3)?)),
                "lparen" => self.led_lparen(left)?,
                "filter" => self.led_filter(left)?,
                "eq" => self.comparator(left, Comparator::Eq)?,
                "ne" => self.comparator(left, Comparator::Ne)?,
                "gt" => self.comparator(left, Comparator::Gt)?,
                "gte" => self.comparator(left, Comparator::Gte)?,
                "lt" => self.comparator(left, Comparator::Lt)?,
                "lte" => self.comparator(left, Comparator::Lte)?,
                "flatten" => {
                    let left = Node::Flatten(Box::new(left));
                    let right = self.projection_rhs(binding_power("flatten"))?;
                    Node::Projection(Box::new(left), Box::new(right))
                }
                "lbracket" => self.led_lbracket(left)?,
                _ => {
                    // No led rule (star, not, lbrace): Python reports the token itself.
                    self.index -= 1;
                    return Err(self.error_for_current("invalid token"));
                }
            };
            current = self.current();
        }
        Ok(left)
    }

    fn nud(&mut self, token: &Token) -> ParseResult {
        match token.kind {
            "literal" => match &token.value {
                TokenValue::Json(v) => Ok(Node::Literal(v.clone())),
                other => Ok(Node::Literal(Value::String(other.python_str()))),
            },
            "unquoted_identifier" => Ok(Node::Field(token.value.python_str())),
            "quoted_identifier" => {
                if self.current() == "lparen" {
                    let t = self.lookahead_token(0).clone();
                    let mut err = self.parse_error(
                        &t,
                        "Quoted identifier not allowed for function names.".into(),
                    );
                    if let JmesError::Parse { position, .. } = &mut err {
                        *position = 0;
                    }
                    return Err(err);
                }
                Ok(Node::Field(token.value.python_str()))
            }
            "star" => {
                let right = if self.current() == "rbracket" {
                    Node::Identity
                } else {
                    self.projection_rhs(binding_power("star"))?
                };
                Ok(Node::ValueProjection(
                    Box::new(Node::Identity),
                    Box::new(right),
                ))
            }
            "filter" => self.led_filter(Node::Identity),
            "lbrace" => self.multi_select_hash(),
            "lparen" => {
                let expression = self.expression(0)?;
                self.expect("rparen")?;
                Ok(expression)
            }
            "flatten" => {
                let left = Node::Flatten(Box::new(Node::Identity));
                let right = self.projection_rhs(binding_power("flatten"))?;
                Ok(Node::Projection(Box::new(left), Box::new(right)))
            }
            "not" => Ok(Node::Not(Box::new(self.expression(binding_power("not"))?))),
            "lbracket" => {
                if matches!(self.current(), "number" | "colon") {
                    let right = self.index_expression()?;
                    self.project_if_slice(Node::Identity, right)
                } else if self.current() == "star" && self.lookahead(1) == "rbracket" {
                    self.advance();
                    self.advance();
                    let right = self.projection_rhs(binding_power("star"))?;
                    Ok(Node::Projection(Box::new(Node::Identity), Box::new(right)))
                } else {
                    self.multi_select_list()
                }
            }
            "current" => Ok(Node::Current),
            "expref" => Ok(Node::Expref(Box::new(self.expression(0)?))),
            "eof" => Err(self.incomplete()),
            _ => Err(self.parse_error(token, "invalid token".into())),
        }
    }

    fn index_expression(&mut self) -> ParseResult {
        if self.lookahead(0) == "colon" || self.lookahead(1) == "colon" {
            return self.slice_expression();
        }
        let node = match &self.lookahead_token(0).value {
            TokenValue::Number(n) => Node::Index(*n),
            _ => Node::Index(0),
        };
        self.advance();
        self.expect("rbracket")?;
        Ok(node)
    }

    fn slice_expression(&mut self) -> ParseResult {
        let mut parts = [None, None, None];
        let mut index = 0;
        let mut current = self.current();
        while current != "rbracket" && index < 3 {
            if current == "colon" {
                index += 1;
                if index == 3 {
                    return Err(self.error_for_current("syntax error"));
                }
                self.advance();
            } else if current == "number" {
                if let TokenValue::Number(n) = self.lookahead_token(0).value {
                    parts[index] = Some(n);
                }
                self.advance();
            } else {
                return Err(self.error_for_current("syntax error"));
            }
            current = self.current();
        }
        self.expect("rbracket")?;
        Ok(Node::Slice(parts[0], parts[1], parts[2]))
    }

    fn project_if_slice(&mut self, left: Node, right: Node) -> ParseResult {
        let is_slice = matches!(right, Node::Slice(..));
        let index_expr = Node::IndexExpression(vec![left, right]);
        if is_slice {
            let rhs = self.projection_rhs(binding_power("star"))?;
            Ok(Node::Projection(Box::new(index_expr), Box::new(rhs)))
        } else {
            Ok(index_expr)
        }
    }

    fn led_dot(&mut self, left: Node) -> ParseResult {
        if self.current() != "star" {
            let right = self.dot_rhs(binding_power("dot"))?;
            match left {
                Node::Subexpression(mut children) => {
                    children.push(right);
                    Ok(Node::Subexpression(children))
                }
                left => Ok(Node::Subexpression(vec![left, right])),
            }
        } else {
            self.advance();
            let right = self.projection_rhs(binding_power("dot"))?;
            Ok(Node::ValueProjection(Box::new(left), Box::new(right)))
        }
    }

    fn led_lparen(&mut self, left: Node) -> ParseResult {
        let Node::Field(name) = left else {
            // -1 is the '(' just consumed, -2 the token that was meant as a name.
            let prev = self.tokens[self.index.saturating_sub(2)].clone();
            let message = format!("Invalid function name '{}'", prev.value.python_str());
            return Err(self.parse_error(&prev, message));
        };
        let mut args = Vec::new();
        while self.current() != "rparen" {
            let expression = self.expression(0)?;
            if self.current() == "comma" {
                self.expect("comma")?;
            }
            args.push(expression);
        }
        self.expect("rparen")?;
        Ok(Node::Function(name, args))
    }

    fn led_filter(&mut self, left: Node) -> ParseResult {
        let condition = self.expression(0)?;
        self.expect("rbracket")?;
        let right = if self.current() == "flatten" {
            Node::Identity
        } else {
            self.projection_rhs(binding_power("filter"))?
        };
        Ok(Node::FilterProjection(
            Box::new(left),
            Box::new(right),
            Box::new(condition),
        ))
    }

    fn led_lbracket(&mut self, left: Node) -> ParseResult {
        if matches!(self.current(), "number" | "colon") {
            let right = self.index_expression()?;
            match left {
                Node::IndexExpression(mut children) => {
                    children.push(right);
                    Ok(Node::IndexExpression(children))
                }
                left => self.project_if_slice(left, right),
            }
        } else {
            self.expect("star")?;
            self.expect("rbracket")?;
            let right = self.projection_rhs(binding_power("star"))?;
            Ok(Node::Projection(Box::new(left), Box::new(right)))
        }
    }

    fn comparator(&mut self, left: Node, comparator: Comparator) -> ParseResult {
        let right = self.expression(5)?;
        Ok(Node::Comparator(
            comparator,
            Box::new(left),
            Box::new(right),
        ))
    }

    fn multi_select_list(&mut self) -> ParseResult {
        let mut expressions = Vec::new();
        loop {
            expressions.push(self.expression(0)?);
            if self.current() == "rbracket" {
                break;
            }
            self.expect("comma")?;
        }
        self.expect("rbracket")?;
        Ok(Node::MultiSelectList(expressions))
    }

    fn multi_select_hash(&mut self) -> ParseResult {
        let mut pairs = Vec::new();
        loop {
            let key_token = self.lookahead_token(0).clone();
            if !matches!(self.current(), "quoted_identifier" | "unquoted_identifier") {
                return Err(
                    self.expecting("['quoted_identifier', 'unquoted_identifier']", &key_token)
                );
            }
            self.advance();
            self.expect("colon")?;
            let value = self.expression(0)?;
            pairs.push((key_token.value.python_str(), value));
            if self.current() == "comma" {
                self.expect("comma")?;
            } else if self.current() == "rbrace" {
                self.expect("rbrace")?;
                break;
            }
        }
        Ok(Node::MultiSelectDict(pairs))
    }

    fn projection_rhs(&mut self, bp: u8) -> ParseResult {
        let current = self.current();
        if binding_power(current) < PROJECTION_STOP {
            Ok(Node::Identity)
        } else if current == "lbracket" || current == "filter" {
            self.expression(bp)
        } else if current == "dot" {
            self.expect("dot")?;
            self.dot_rhs(bp)
        } else {
            Err(self.error_for_current("syntax error"))
        }
    }

    fn dot_rhs(&mut self, bp: u8) -> ParseResult {
        match self.current() {
            "quoted_identifier" | "unquoted_identifier" | "star" => self.expression(bp),
            "lbracket" => {
                self.expect("lbracket")?;
                self.multi_select_list()
            }
            "lbrace" => {
                self.expect("lbrace")?;
                self.multi_select_hash()
            }
            other => {
                let message = format!(
                    "Expecting: ['quoted_identifier', 'unquoted_identifier', 'lbracket', 'lbrace'], got: {other}"
                );
                Err(self.error_for_current(&message))
            }
        }
    }

    fn expect(&mut self, kind: &str) -> Result<(), JmesError> {
        if self.current() == kind {
            self.advance();
            Ok(())
        } else {
            let token = self.lookahead_token(0).clone();
            Err(self.expecting(kind, &token))
        }
    }

    /// Python's `_raise_parse_error_maybe_eof`.
    fn expecting(&self, expected: &str, token: &Token) -> JmesError {
        if token.kind == "eof" {
            return self.incomplete();
        }
        self.parse_error(token, format!("Expecting: {expected}, got: {}", token.kind))
    }
}
