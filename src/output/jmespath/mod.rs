//! JMESPath for `--query`, a port of the Python jmespath 1.0.1 that AWS CLI v2 bundles.
//!
//! Why not the `jmespath` crate: it stores objects in a `BTreeMap`, so a query that returns
//! an object (`--query roleCredentials`, `{Id: UserId, Acct: Account}`) comes back with its
//! keys sorted, where v2 keeps the response's order; and its error texts are not Python's,
//! which v2 prints verbatim after `Bad value for --query EXPR:`. This port keeps
//! `serde_json`'s ordered maps, Python's comparison and truthiness rules, and the exact
//! lexer/parser/function error messages. Where Python would run out of recursion (an
//! expression nested too deep), this port stops at fixed bounds (`parser.rs`) with
//! Python's `maximum recursion depth exceeded`, so no query can overflow the stack.

#[cfg(test)]
mod compliance;
#[cfg(test)]
mod depth;
mod error;
mod interpreter;
// The crate's fuzz entry points drive the lexer and the parser on their own.
pub(crate) mod lexer;
pub(crate) mod parser;

use serde_json::Value;

pub use error::{JmesError, LexerError, ParseError, RuntimeKind};

/// A compiled expression.
#[derive(Clone, Debug)]
pub struct Expression {
    ast: parser::Node,
}

impl Expression {
    pub fn compile(expression: &str) -> Result<Expression, JmesError> {
        let tokens = lexer::tokenize(expression)?;
        Ok(Expression {
            ast: parser::parse(expression, tokens)?,
        })
    }

    pub fn search(&self, value: &Value) -> Result<Value, JmesError> {
        interpreter::search(&self.ast, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn search(expr: &str, data: &Value) -> Value {
        Expression::compile(expr)
            .unwrap_or_else(|e| panic!("{expr}: {e}"))
            .search(data)
            .unwrap_or_else(|e| panic!("{expr}: {e}"))
    }

    fn compile_error(expr: &str) -> String {
        Expression::compile(expr).unwrap_err().to_string()
    }

    fn runtime_error(expr: &str, data: &Value) -> String {
        Expression::compile(expr)
            .unwrap()
            .search(data)
            .unwrap_err()
            .to_string()
    }

    fn accounts() -> Value {
        json!({
            "accountList": [
                {"accountId": "111122223333", "accountName": "Development", "emailAddress": "dev@example.com"},
                {"accountId": "444455556666", "accountName": "Production", "emailAddress": "prod@example.com"},
                {"accountId": "777788889999", "accountName": "Sandbox", "emailAddress": "sandbox@example.com"}
            ]
        })
    }

    #[test]
    fn queries_users_write() {
        let data = accounts();
        let cases: &[(&str, Value)] = &[
            ("accountList[0].accountId", json!("111122223333")),
            ("accountList[-1].accountName", json!("Sandbox")),
            (
                "accountList[].accountId",
                json!(["111122223333", "444455556666", "777788889999"]),
            ),
            (
                "accountList[?accountName=='Production'].accountId | [0]",
                json!("444455556666"),
            ),
            (
                "accountList[?starts_with(accountName, 'D')].emailAddress",
                json!(["dev@example.com"]),
            ),
            ("length(accountList)", json!(3)),
            (
                "sort_by(accountList, &accountName)[-1].{Id: accountId, Name: accountName}",
                json!({"Id": "777788889999", "Name": "Sandbox"}),
            ),
            (
                "accountList[1:].accountId",
                json!(["444455556666", "777788889999"]),
            ),
            (
                "accountList[::-2].accountName",
                json!(["Sandbox", "Development"]),
            ),
            (
                "join(', ', accountList[*].accountName)",
                json!("Development, Production, Sandbox"),
            ),
            (
                "max_by(accountList, &accountId).accountName",
                json!("Sandbox"),
            ),
            (
                "accountList[0].[accountId, accountName]",
                json!(["111122223333", "Development"]),
            ),
            (
                "accountList[0] | keys(@)",
                json!(["accountId", "accountName", "emailAddress"]),
            ),
            ("missing", Value::Null),
            ("missing || 'default'", json!("default")),
            ("`[1, 2.5, 3]` | sum(@)", json!(6.5)),
            ("`[1, 2]` | avg(@)", json!(1.5)),
            (
                "to_string(`{\"b\": 1, \"a\": [true]}`)",
                json!("{\"b\":1,\"a\":[true]}"),
            ),
            ("to_number('42')", json!(42)),
            ("`0` == `false`", json!(false)),
            ("`[0]` == `[false]`", json!(true)),
            ("!`0`", json!(false)),
            ("type(@)", json!("object")),
            (
                "accountList[0].*",
                json!(["111122223333", "Development", "dev@example.com"]),
            ),
        ];
        for (expr, expected) in cases {
            assert_eq!(&search(expr, &data), expected, "{expr}");
        }
    }

    #[test]
    fn objects_keep_their_order() {
        let data = json!({"roleCredentials": {"accessKeyId": "A", "secretAccessKey": "S", "sessionToken": "T", "expiration": 1}});
        let result = search("roleCredentials", &data);
        let keys: Vec<&String> = result.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "accessKeyId",
                "secretAccessKey",
                "sessionToken",
                "expiration"
            ]
        );
        let result = search("roleCredentials.{Z: expiration, A: accessKeyId}", &data);
        let keys: Vec<&String> = result.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["Z", "A"]);
    }

    #[test]
    fn an_index_after_an_index_does_not_project_a_slice() {
        // Python's parser appends the slice to the index expression: no projection.
        let data = json!({"a": [[{"b": 1}, {"b": 2}]]});
        assert_eq!(search("a[0][0:1].b", &data), Value::Null);
        assert_eq!(search("a[0] | [0:1].b", &data), json!([1]));
    }

    #[test]
    fn compile_errors_are_pythons() {
        assert_eq!(
            compile_error("accountList[0"),
            "Invalid jmespath expression: Incomplete expression:\n\"accountList[0\"\n              ^"
        );
        assert_eq!(
            compile_error("foo.bar[?"),
            "Invalid jmespath expression: Incomplete expression:\n\"foo.bar[?\"\n          ^"
        );
        assert_eq!(
            compile_error("foo]"),
            "Unexpected token: ]: Parse error at column 3, token \"]\" (RBRACKET), for expression:\n\"foo]\"\n    ^"
        );
        assert_eq!(
            compile_error("foo.1"),
            "Expecting: ['quoted_identifier', 'unquoted_identifier', 'lbracket', 'lbrace'], got: number: Parse error at column 4, token \"1\" (NUMBER), for expression:\n\"foo.1\"\n     ^"
        );
        assert_eq!(
            compile_error("{a b}"),
            "Expecting: colon, got: unquoted_identifier: Parse error at column 3, token \"b\" (UNQUOTED_IDENTIFIER), for expression:\n\"{a b}\"\n    ^"
        );
        assert_eq!(
            compile_error(""),
            "Invalid JMESPath expression: cannot be empty."
        );
        assert_eq!(
            compile_error("\"foo\"(@)"),
            "Quoted identifier not allowed for function names.: Parse error at column 0, token \"(\" (LPAREN), for expression:\n\"\"foo\"(@)\"\n ^"
        );
    }

    #[test]
    fn runtime_errors_are_pythons() {
        let data = json!({"a": "x", "n": 1});
        assert_eq!(runtime_error("nope(@)", &data), "Unknown function: nope()");
        assert_eq!(
            runtime_error("length(n)", &data),
            "In function length(), invalid type for value: 1, expected one of: ['string', 'array', 'object'], received: \"number\""
        );
        assert_eq!(
            runtime_error("length(a, n)", &data),
            "Expected 1 argument for function length(), received 2"
        );
        assert_eq!(
            runtime_error("a < n", &data),
            "'<' not supported between instances of 'str' and 'int'"
        );
        assert_eq!(
            runtime_error("sum(`[1, \"x\"]`)", &data),
            "In function sum(), invalid type for value: x, expected one of: ['array-number'], received: \"str\""
        );
    }
}
