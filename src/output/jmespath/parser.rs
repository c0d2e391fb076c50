//! Python jmespath 1.0.1's Pratt parser, rule for rule: the same binding powers, the same
//! tree shapes (which matter: `a[0][1:2]` appends the slice to the index expression and so
//! does not project) and the same parse errors.
//!
//! It also owns the two bounds Python gets from its recursion limit, so no expression can
//! overflow the stack here or in the interpreter (see [`MAX_NESTING`] and [`MAX_DEPTH`]).

use serde_json::Value;

use super::error::{JmesError, ParseError};
use super::lexer::{Token, TokenValue};

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
    /// Boxed, as the largest payload: it would set the size of every node.
    Literal(Box<Value>),
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
    /// Stands in for a subtree deeper than [`MAX_DEPTH`]: searching it is Python's
    /// `RecursionError`, as visiting the real subtree would be.
    TooDeep,
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

/// How many `expression` calls may be open at once: a `--query` nested deeper (`((((a))))`,
/// `[[[[a]]]]`, `!!!!a`, `abs(abs(a))`, `a[?b[?c]]`, `{a: {b: c}}`, `a[*].b[*].c`, ...) does not
/// compile, and fails with Python's `maximum recursion depth exceeded`.
///
/// Python jmespath 1.0.1 recurses the same way (`Parser._expression`) and spends two to
/// four of its 1000 frames a level (`_expression`, `_token_nud_*` or `_token_led_*`,
/// `_parse_projection_rhs`, `_parse_multi_select_list`, ...), so it gives up somewhere
/// between about 250 and 495 levels depending on the shape, and v2's `_resolve_query`
/// (`awscli/customizations/globalargs.py`) turns what `jmespath.compile` raises,
/// `RecursionError` included, into `Bad value for --query EXPR: <str(e)>` (252). A fixed
/// bound cannot follow Python's per-shape frame counts; 256 is far above any query a
/// person writes and near the bottom of Python's range, and its worst shape costs about
/// 1 MiB of stack in a debug build (`depth.rs` checks every shape on a 2 MiB thread).
pub const MAX_NESTING: usize = 256;

/// The deepest tree the interpreter (and the tree's own drop) will walk. Left-nested
/// chains (`a | b | c ...`, `a || b ...`, `a && b ...`, `a == b == c ...`, `a[][][] ...`)
/// grow the tree one level per operator without the parser recursing, so Python compiles
/// them at any length and hits its recursion limit only when `TreeInterpreter` visits
/// them (about two frames a level, so near 495 levels); v2 then prints `maximum recursion
/// depth exceeded` as a general error (255, `GeneralExceptionHandler` in
/// `awscli/errorhandler.py`). Here a subtree that would pass this depth is replaced by
/// [`Node::TooDeep`], which fails the same way when, and only when, the search reaches it.
///
/// Twice [`MAX_NESTING`], because one level of nesting can add two levels of tree
/// (`a.[b]` is a subexpression over a list), so nested shapes still stop at compile time
/// as in Python. It also bounds what a query builds (`[@] | [@] | ...`) to this many
/// levels above the data it was given: serde_json's 127 for a response, so the
/// formatters, which recurse per level, see at most about 640.
pub const MAX_DEPTH: usize = 2 * MAX_NESTING;

/// A subtree and its depth (nodes on its longest root-to-leaf path), so depth is known as
/// the tree is built, without walking it. The node is boxed to keep this, and every
/// `Result` the parser passes up, two words wide.
struct Tree {
    node: Box<Node>,
    depth: usize,
}

fn leaf(node: Node) -> Tree {
    Tree {
        node: Box::new(node),
        depth: 1,
    }
}

/// A node over subtrees whose deepest is `below` deep; past [`MAX_DEPTH`], the stand-in.
fn over(below: usize, node: Node) -> Tree {
    if below >= MAX_DEPTH {
        // Dropping `node` recurses at most MAX_DEPTH + 1 levels.
        leaf(Node::TooDeep)
    } else {
        Tree {
            node: Box::new(node),
            depth: below + 1,
        }
    }
}

fn over1(child: Tree, build: impl FnOnce(Box<Node>) -> Node) -> Tree {
    over(child.depth, build(child.node))
}

fn over2(left: Tree, right: Tree, build: impl FnOnce(Box<Node>, Box<Node>) -> Node) -> Tree {
    over(left.depth.max(right.depth), build(left.node, right.node))
}

/// A node over a list of subtrees.
fn over_all(children: Vec<Tree>, build: impl FnOnce(Vec<Node>) -> Node) -> Tree {
    let below = children.iter().map(|c| c.depth).max().unwrap_or(0);
    over(
        below,
        build(children.into_iter().map(|c| *c.node).collect()),
    )
}

/// `children` (of a subexpression or index expression) with `next` appended, as Python's
/// parser appends to the node it already has.
fn append(children: Vec<Node>, depth: usize, next: Tree, build: fn(Vec<Node>) -> Node) -> Tree {
    let mut children = children;
    let below = (depth - 1).max(next.depth);
    children.push(*next.node);
    over(below, build(children))
}

pub struct Parser {
    tokens: Vec<Token>,
    index: usize,
    expression: String,
    /// `expression` calls open now.
    nesting: usize,
}

type ParseResult = Result<Tree, JmesError>;

/// Parses the tokens of `expression`.
pub fn parse(expression: &str, tokens: Vec<Token>) -> Result<Node, JmesError> {
    let mut parser = Parser {
        tokens,
        index: 0,
        expression: expression.to_owned(),
        nesting: 0,
    };
    let parsed = parser.expression(0)?;
    if parser.current() != "eof" {
        let t = parser.lookahead_token(0).clone();
        let message = format!("Unexpected token: {}", t.value.python_str());
        return Err(parser.parse_error(&t, message));
    }
    Ok(*parsed.node)
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
        JmesError::Parse(Box::new(ParseError {
            position: token.start,
            value: token.value.python_str(),
            kind: token.kind.to_uppercase(),
            message,
            expression: self.expression.clone(),
        }))
    }

    fn incomplete(&self) -> JmesError {
        JmesError::Incomplete {
            expression: self.expression.clone(),
        }
    }

    fn error_for_current(&self, reason: &str) -> JmesError {
        self.parse_error(self.lookahead_token(0), reason.to_owned())
    }

    /// Every recursion of the parser passes through here, so counting here bounds them all.
    fn expression(&mut self, bp: u8) -> ParseResult {
        if self.nesting >= MAX_NESTING {
            return Err(JmesError::Recursion);
        }
        self.nesting += 1;
        let result = self.expression_at(bp);
        self.nesting -= 1;
        result
    }

    // The functions on the recursion's path (`expression_at`, `nud`, `led` and what they
    // call) each do one thing, so the frames repeated per level stay small even in a debug
    // build, where one function's `match` reserves room for every arm's temporaries.

    fn expression_at(&mut self, bp: u8) -> ParseResult {
        let at = self.index;
        self.advance();
        let mut left = self.nud(at)?;
        let mut current = self.current();
        while bp < binding_power(current) {
            self.advance();
            left = self.led(current, left)?;
            current = self.current();
        }
        Ok(left)
    }

    fn led(&mut self, kind: &str, left: Tree) -> ParseResult {
        match kind {
            "dot" => self.led_dot(left),
            "pipe" => self.led_binary(left, 1, Node::Pipe),
            "or" => self.led_binary(left, 2, Node::Or),
            "and" => self.led_binary(left, 3, Node::And),
            "lparen" => self.led_lparen(left),
            "filter" => self.led_filter(left),
            "eq" => self.comparator(left, Comparator::Eq),
            "ne" => self.comparator(left, Comparator::Ne),
            "gt" => self.comparator(left, Comparator::Gt),
            "gte" => self.comparator(left, Comparator::Gte),
            "lt" => self.comparator(left, Comparator::Lt),
            "lte" => self.comparator(left, Comparator::Lte),
            "flatten" => self.led_flatten(left),
            "lbracket" => self.led_lbracket(left),
            _ => {
                // No led rule (star, not, lbrace): Python reports the token itself.
                self.index -= 1;
                Err(self.error_for_current("invalid token"))
            }
        }
    }

    /// `token` is the index of the token just consumed.
    fn nud(&mut self, token: usize) -> ParseResult {
        match self.tokens[token].kind {
            "literal" => Ok(leaf(Node::Literal(Box::new(
                match &self.tokens[token].value {
                    TokenValue::Json(v) => v.clone(),
                    other => Value::String(other.python_str()),
                },
            )))),
            "unquoted_identifier" => Ok(leaf(Node::Field(self.tokens[token].value.python_str()))),
            "quoted_identifier" => self.nud_quoted_identifier(token),
            "star" => self.nud_star(),
            "filter" => self.led_filter(leaf(Node::Identity)),
            "lbrace" => self.multi_select_hash(),
            "lparen" => self.nud_lparen(),
            "flatten" => self.nud_flatten(),
            "not" => self.nud_not(),
            "lbracket" => self.nud_lbracket(),
            "current" => Ok(leaf(Node::Current)),
            "expref" => self.nud_expref(),
            "eof" => Err(self.incomplete()),
            _ => Err(self.parse_error(&self.tokens[token], "invalid token".into())),
        }
    }

    fn nud_quoted_identifier(&mut self, token: usize) -> ParseResult {
        if self.current() == "lparen" {
            let mut err =
                self.error_for_current("Quoted identifier not allowed for function names.");
            if let JmesError::Parse(e) = &mut err {
                e.position = 0;
            }
            return Err(err);
        }
        Ok(leaf(Node::Field(self.tokens[token].value.python_str())))
    }

    fn nud_star(&mut self) -> ParseResult {
        let right = if self.current() == "rbracket" {
            leaf(Node::Identity)
        } else {
            self.projection_rhs(binding_power("star"))?
        };
        Ok(over2(leaf(Node::Identity), right, Node::ValueProjection))
    }

    fn nud_lparen(&mut self) -> ParseResult {
        let expression = self.expression(0)?;
        self.expect("rparen")?;
        Ok(expression)
    }

    fn nud_flatten(&mut self) -> ParseResult {
        let left = over1(leaf(Node::Identity), Node::Flatten);
        let right = self.projection_rhs(binding_power("flatten"))?;
        Ok(over2(left, right, Node::Projection))
    }

    fn nud_not(&mut self) -> ParseResult {
        let child = self.expression(binding_power("not"))?;
        Ok(over1(child, Node::Not))
    }

    fn nud_lbracket(&mut self) -> ParseResult {
        if matches!(self.current(), "number" | "colon") {
            let right = self.index_expression()?;
            self.project_if_slice(leaf(Node::Identity), right)
        } else if self.current() == "star" && self.lookahead(1) == "rbracket" {
            self.advance();
            self.advance();
            let right = self.projection_rhs(binding_power("star"))?;
            Ok(over2(leaf(Node::Identity), right, Node::Projection))
        } else {
            self.multi_select_list()
        }
    }

    fn nud_expref(&mut self) -> ParseResult {
        let child = self.expression(0)?;
        Ok(over1(child, Node::Expref))
    }

    fn led_binary(
        &mut self,
        left: Tree,
        bp: u8,
        build: fn(Box<Node>, Box<Node>) -> Node,
    ) -> ParseResult {
        let right = self.expression(bp)?;
        Ok(over2(left, right, build))
    }

    fn led_flatten(&mut self, left: Tree) -> ParseResult {
        let left = over1(left, Node::Flatten);
        let right = self.projection_rhs(binding_power("flatten"))?;
        Ok(over2(left, right, Node::Projection))
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
        Ok(leaf(node))
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
        Ok(leaf(Node::Slice(parts[0], parts[1], parts[2])))
    }

    fn project_if_slice(&mut self, left: Tree, right: Tree) -> ParseResult {
        let is_slice = matches!(*right.node, Node::Slice(..));
        let index_expr = over_all(vec![left, right], Node::IndexExpression);
        if is_slice {
            let rhs = self.projection_rhs(binding_power("star"))?;
            Ok(over2(index_expr, rhs, Node::Projection))
        } else {
            Ok(index_expr)
        }
    }

    fn led_dot(&mut self, left: Tree) -> ParseResult {
        if self.current() != "star" {
            let right = self.dot_rhs(binding_power("dot"))?;
            match *left.node {
                Node::Subexpression(children) => {
                    Ok(append(children, left.depth, right, Node::Subexpression))
                }
                _ => Ok(over_all(vec![left, right], Node::Subexpression)),
            }
        } else {
            self.advance();
            let right = self.projection_rhs(binding_power("dot"))?;
            Ok(over2(left, right, Node::ValueProjection))
        }
    }

    fn led_lparen(&mut self, left: Tree) -> ParseResult {
        let Node::Field(name) = *left.node else {
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
        Ok(over_all(args, |args| Node::Function(name, args)))
    }

    fn led_filter(&mut self, left: Tree) -> ParseResult {
        let condition = self.expression(0)?;
        self.expect("rbracket")?;
        let right = if self.current() == "flatten" {
            leaf(Node::Identity)
        } else {
            self.projection_rhs(binding_power("filter"))?
        };
        let below = left.depth.max(right.depth).max(condition.depth);
        Ok(over(
            below,
            Node::FilterProjection(left.node, right.node, condition.node),
        ))
    }

    fn led_lbracket(&mut self, left: Tree) -> ParseResult {
        if matches!(self.current(), "number" | "colon") {
            let right = self.index_expression()?;
            match *left.node {
                Node::IndexExpression(children) => {
                    Ok(append(children, left.depth, right, Node::IndexExpression))
                }
                _ => self.project_if_slice(left, right),
            }
        } else {
            self.expect("star")?;
            self.expect("rbracket")?;
            let right = self.projection_rhs(binding_power("star"))?;
            Ok(over2(left, right, Node::Projection))
        }
    }

    fn comparator(&mut self, left: Tree, comparator: Comparator) -> ParseResult {
        let right = self.expression(5)?;
        Ok(over2(left, right, |l, r| {
            Node::Comparator(comparator, l, r)
        }))
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
        Ok(over_all(expressions, Node::MultiSelectList))
    }

    fn multi_select_hash(&mut self) -> ParseResult {
        let mut keys = Vec::new();
        let mut values = Vec::new();
        loop {
            let key_token = self.lookahead_token(0).clone();
            if !matches!(self.current(), "quoted_identifier" | "unquoted_identifier") {
                return Err(
                    self.expecting("['quoted_identifier', 'unquoted_identifier']", &key_token)
                );
            }
            self.advance();
            self.expect("colon")?;
            values.push(self.expression(0)?);
            keys.push(key_token.value.python_str());
            if self.current() == "comma" {
                self.expect("comma")?;
            } else if self.current() == "rbrace" {
                self.expect("rbrace")?;
                break;
            }
        }
        Ok(over_all(values, |values| {
            Node::MultiSelectDict(keys.into_iter().zip(values).collect())
        }))
    }

    fn projection_rhs(&mut self, bp: u8) -> ParseResult {
        let current = self.current();
        if binding_power(current) < PROJECTION_STOP {
            Ok(leaf(Node::Identity))
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
