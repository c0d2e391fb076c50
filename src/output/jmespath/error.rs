//! The errors of the JMESPath port, with Python's `str()` of each exception as `Display`.

/// Why an expression did not compile or did not evaluate. `Display` is Python's `str(e)`.
///
/// The bulky variants are boxed: every `?` in the parser and interpreter moves this value
/// through a few temporaries, and in a debug build those add up in each recursion frame.
#[derive(Clone, Debug, PartialEq)]
pub enum JmesError {
    /// `EmptyExpressionError`.
    Empty,
    /// `LexerError`.
    Lexer(Box<LexerError>),
    /// `ParseError`.
    Parse(Box<ParseError>),
    /// `IncompleteExpressionError`.
    Incomplete { expression: String },
    /// Python's `RecursionError`: an expression nested deeper than the parser allows
    /// (raised by `compile`), or a search reaching a tree too deep to walk (see
    /// `parser::MAX_NESTING` and `parser::MAX_DEPTH`).
    Recursion,
    /// Raised while searching. v2 reports these as general errors (255) and prints only
    /// the message; `kind` is the Python exception class behind it.
    Runtime { kind: RuntimeKind, message: String },
}

#[derive(Clone, Debug, PartialEq)]
pub struct LexerError {
    pub position: usize,
    pub message: String,
    pub expression: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub position: usize,
    pub value: String,
    pub kind: String,
    pub message: String,
    pub expression: String,
}

/// The Python exception behind a [`JmesError::Runtime`] (jmespath 1.0.1's
/// `exceptions.py`, or a builtin one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuntimeKind {
    /// `UnknownFunctionError`.
    UnknownFunction,
    /// `ArityError` and `VariadictArityError`.
    Arity,
    /// `JMESPathTypeError`, from a function's signature check.
    Type,
    /// Python's own `TypeError`, from an operator jmespath applies unchecked (`<` on a
    /// string and a number, `in` on a string, iterating a number).
    PythonType,
    /// Python's own `ValueError` (a slice step of zero).
    PythonValue,
}

impl std::fmt::Display for JmesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JmesError::Empty => write!(f, "Invalid JMESPath expression: cannot be empty."),
            JmesError::Lexer(e) => write!(
                f,
                "Bad jmespath expression: {}:\n{}\n{}^",
                e.message,
                e.expression,
                " ".repeat(e.position)
            ),
            JmesError::Parse(e) => write!(
                f,
                "{}: Parse error at column {}, token \"{}\" ({}), for expression:\n\"{}\"\n{}^",
                e.message,
                e.position,
                e.value,
                e.kind,
                e.expression,
                " ".repeat(e.position + 1)
            ),
            JmesError::Incomplete { expression } => write!(
                f,
                "Invalid jmespath expression: Incomplete expression:\n\"{expression}\"\n{}^",
                " ".repeat(expression.chars().count() + 1)
            ),
            // `str(RecursionError)` for Python-to-Python recursion, on every Python 3 v2
            // has bundled.
            JmesError::Recursion => f.write_str("maximum recursion depth exceeded"),
            JmesError::Runtime { message, .. } => f.write_str(message),
        }
    }
}
