//! Runs the JMESPath compliance suite in `tests/data/jmespath-compliance/` (where it comes
//! from: the README there) against this port, every case of every file.
//!
//! A case with `result` must compile, search `given` and give exactly that JSON (same
//! numbers, ints staying ints, and keys in the same order, since v2 prints what jmespath
//! returns). A case with `error` must fail with that error class. Python jmespath 1.0.1, the
//! reference for `--query`, passes every case of this copy of the suite (each run through
//! the virtualenv of `requirements-test.txt` with the same class mapping), so no case needs
//! an exception for Python's sake. Benchmark cases (`bench`) have no expectation of their
//! own; [`bench_expectation`] holds what jmespath 1.0.1 returns for each.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::{Expression, JmesError, RuntimeKind};

/// Every file of the suite, so one that goes missing fails the test.
const FILES: [&str; 16] = [
    "basic.json",
    "benchmarks.json",
    "boolean.json",
    "current.json",
    "escape.json",
    "filters.json",
    "functions.json",
    "identifiers.json",
    "indices.json",
    "literal.json",
    "multiselect.json",
    "pipe.json",
    "slice.json",
    "syntax.json",
    "unicode.json",
    "wildcard.json",
];

/// Cases in [`FILES`], so a lost case fails the test too.
const CASES: usize = 875;

#[derive(Debug, PartialEq)]
enum Expected {
    Result(Value),
    Error(&'static str),
}

/// The suite's error class for an error, following jmespath 1.0.1's exception classes:
/// lexer, parse, incomplete and empty-expression errors are `syntax`; `ArityError` and
/// `VariadictArityError` (parse errors by inheritance, raised while searching) are
/// `invalid-arity`; `JMESPathTypeError` and Python's own `TypeError` are `invalid-type`;
/// Python's `ValueError` (a zero slice step) is `invalid-value`.
fn error_class(error: &JmesError) -> &'static str {
    match error {
        JmesError::Empty
        | JmesError::Lexer(_)
        | JmesError::Parse(_)
        | JmesError::Incomplete { .. } => "syntax",
        // The suite has no class for Python's RecursionError; no case should raise it.
        JmesError::Recursion => "recursion",
        JmesError::Runtime { kind, .. } => match kind {
            RuntimeKind::UnknownFunction => "unknown-function",
            RuntimeKind::Arity => "invalid-arity",
            RuntimeKind::Type | RuntimeKind::PythonType => "invalid-type",
            RuntimeKind::PythonValue => "invalid-value",
        },
    }
}

/// What jmespath 1.0.1 gives for each benchmark case (`jmespath.search(expression, given)`).
fn bench_expectation(comment: &str) -> Option<Expected> {
    let deep = |from: char| {
        // {"b": {"c": ... {"p": true}}} starting at `from`.
        (from..='p').rev().fold(Value::Bool(true), |inner, key| {
            let mut map = serde_json::Map::new();
            map.insert(key.to_string(), inner);
            Value::Object(map)
        })
    };
    Some(match comment {
        "simple field" | "simple or" => Expected::Result(deep('b')),
        "simple subexpression" => Expected::Result(deep('c')),
        "deep field selection" | "field 50" | "pipe 50" | "index 50" | "deep projection 104" => {
            Expected::Result(Value::Null)
        }
        "deep ands" | "deep ors" => Expected::Result(json!(25)),
        "lots of multi list" => {
            Expected::Result(Value::Array((0..26).rev().map(Value::from).collect()))
        }
        "long raw string literal" => {
            Expected::Result(Value::String("abcdefghijklmnopqrstuvwxyz".repeat(8)))
        }
        // `sum` takes one argument: ArityError.
        "lots of summing" => Expected::Error("invalid-arity"),
        // `foo[bar > baz]` is not a filter (`[?` is): "Expecting: star, got:
        // unquoted_identifier".
        "filter projection" => Expected::Error("syntax"),
        _ => return None,
    })
}

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/jmespath-compliance")
}

/// Compiles and searches; a syntax error has to come from compiling, as in Python.
fn run(expression: &str, given: &Value) -> Result<Value, (&'static str, bool)> {
    let compiled = Expression::compile(expression).map_err(|e| (error_class(&e), true))?;
    compiled.search(given).map_err(|e| (error_class(&e), false))
}

/// Why `case` failed, or `None` when it passed.
fn check(case: &Value, given: &Value) -> Option<String> {
    let Some(expression) = case["expression"].as_str() else {
        return Some("no expression".into());
    };
    let expected = if let Some(result) = case.get("result") {
        Expected::Result(result.clone())
    } else if let Some(class) = case["error"].as_str() {
        match class {
            "syntax" => Expected::Error("syntax"),
            "invalid-type" => Expected::Error("invalid-type"),
            "invalid-value" => Expected::Error("invalid-value"),
            "invalid-arity" => Expected::Error("invalid-arity"),
            "unknown-function" => Expected::Error("unknown-function"),
            other => return Some(format!("unknown error class {other:?}")),
        }
    } else if case.get("bench").is_some() {
        match bench_expectation(case["comment"].as_str().unwrap_or_default()) {
            Some(expected) => expected,
            None => return Some("a benchmark case with no expectation here".into()),
        }
    } else {
        return Some("neither result, error nor bench".into());
    };
    let outcome = run(expression, given);
    let passed = match (&expected, &outcome) {
        (Expected::Result(want), Ok(got)) => {
            // Value equality ignores key order; the printed form does not.
            got == want && serde_json::to_string(got).ok() == serde_json::to_string(want).ok()
        }
        (Expected::Error("syntax"), Err((class, at_compile))) => *class == "syntax" && *at_compile,
        (Expected::Error(want), Err((class, _))) => want == class,
        _ => false,
    };
    let got = match &outcome {
        Ok(value) => format!("result {value}"),
        Err((class, true)) => format!("{class} error from compile"),
        Err((class, false)) => format!("{class} error from search"),
    };
    (!passed).then(|| format!("{expression:?}: expected {expected:?}, got {got}"))
}

#[test]
fn every_compliance_case_passes() {
    let dir = suite_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    names.sort();
    assert_eq!(names, FILES, "the suite's files in {}", dir.display());

    let mut cases = 0;
    let mut failures = Vec::new();
    for name in FILES {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let suites: Vec<Value> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        for (s, suite) in suites.iter().enumerate() {
            let Some(list) = suite["cases"].as_array() else {
                failures.push(format!("{name} suite {s}: no cases"));
                continue;
            };
            for (c, case) in list.iter().enumerate() {
                cases += 1;
                if let Some(why) = check(case, &suite["given"]) {
                    failures.push(format!("{name} suite {s} case {c}: {why}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} compliance cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(cases, CASES, "compliance cases run");
}
