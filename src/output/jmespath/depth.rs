//! Deep `--query` expressions end in Python's `maximum recursion depth exceeded`, never in
//! a stack overflow: every recursive shape, at the limits of `parser.rs` and far past them,
//! on a 2 MiB thread (what `cargo test` gives its threads) in a debug build.

use serde_json::{json, Value};

use super::parser::{MAX_DEPTH, MAX_NESTING};
use super::{Expression, JmesError};
use crate::error::Error;
use crate::output::{Formatter, Query};

/// Where a too-deep expression fails, as in Python: nesting makes the parser recurse
/// (`jmespath.compile` raises), a left-nested chain only makes the tree deep (`search`
/// raises).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fails {
    Compiling,
    Searching,
}

/// A shape: its name, the expression with `n` levels, the most levels that still work,
/// and where one more fails.
type Shape = (&'static str, fn(usize) -> String, usize, Fails);

fn nested(open: &str, inner: &str, close: &str, n: usize) -> String {
    format!("{}{inner}{}", open.repeat(n), close.repeat(n))
}

fn chain(link: &str, n: usize) -> String {
    format!("a{}", link.repeat(n))
}

/// Every way the grammar nests, one level per `n`.
#[rustfmt::skip]
fn shapes() -> Vec<Shape> {
    use Fails::*;
    // One `expression` call a level: MAX_NESTING - 1 levels and the outermost call.
    let per_call = MAX_NESTING - 1;
    vec![
        ("parentheses", |n| nested("(", "a", ")", n), per_call, Compiling),
        ("multi-select lists", |n| nested("[", "a", "]", n), per_call, Compiling),
        ("multi-select hashes", |n| nested("{a:", "b", "}", n), per_call, Compiling),
        ("function calls", |n| nested("not_null(", "a", ")", n), per_call, Compiling),
        ("nots", |n| nested("!", "a", "", n), per_call, Compiling),
        ("expression references", |n| nested("& ", "a", "", n), per_call, Compiling),
        ("filters in filters", |n| nested("a[?", "b", "]", n), per_call, Compiling),
        ("bare filters", |n| nested("[?", "a", "]", n), per_call, Compiling),
        ("projections", |n| chain("[*].a", n), per_call, Compiling),
        ("dot multi-select lists", |n| nested("a.[", "a", "]", n), per_call, Compiling),
        ("dot multi-select hashes", |n| nested("a.{a:", "a", "}", n), per_call, Compiling),
        ("slices, hashes", |n| nested("a[1:].{a:", "a", "}", n), per_call, Compiling),
        ("slices, lists", |n| nested("a[1:].[", "a", "]", n), per_call, Compiling),
        ("filters, hashes", |n| nested("a[?b].{a:", "a", "}", n), per_call, Compiling),
        ("flattens, hashes", |n| nested("a[].{a:", "a", "}", n), per_call, Compiling),
        ("wildcards, hashes", |n| nested("a[*].{a:", "a", "}", n), per_call, Compiling),
        // The last `[*]`, `.*` or `[1:]` ends without an `expression` call of its own.
        ("list wildcards", |n| chain("[*]", n), MAX_NESTING, Compiling),
        ("object wildcards", |n| chain(".*", n), MAX_NESTING, Compiling),
        ("slices", |n| chain("[1:]", n), MAX_NESTING, Compiling),
        // A function argument and the reference in it: two calls a level.
        ("map", |n| nested("map(&", "a", ", @)", n), MAX_NESTING / 2 - 1, Compiling),
        ("sort_by", |n| nested("sort_by(@, &", "a", ")", n), MAX_NESTING / 2 - 1, Compiling),
        // Left-nested chains: one tree level per operator (two for a flatten).
        ("pipes", |n| chain("|a", n), MAX_DEPTH - 1, Searching),
        ("ors", |n| chain("||a", n), MAX_DEPTH - 1, Searching),
        ("ands", |n| chain("&&a", n), MAX_DEPTH - 1, Searching),
        ("comparisons", |n| chain("==a", n), MAX_DEPTH - 1, Searching),
        ("flattens", |n| chain("[]", n), MAX_DEPTH / 2 - 1, Searching),
    ]
}

fn data() -> Value {
    json!({"a": [{"a": [1], "b": true}], "b": true})
}

/// `Ok` when `expression` compiles and searches without a recursion error (other errors,
/// such as `map` over an object, are fine: they are not about depth).
fn outcome(expression: &str) -> Result<(), Fails> {
    let compiled = match Expression::compile(expression) {
        Ok(compiled) => compiled,
        Err(JmesError::Recursion) => return Err(Fails::Compiling),
        Err(e) => panic!("{}: {e}", &expression[..expression.len().min(40)]),
    };
    match compiled.search(&data()) {
        Err(JmesError::Recursion) => Err(Fails::Searching),
        _ => Ok(()),
    }
}

fn on_small_stack(test: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(test)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn deep_queries_fail_cleanly_on_a_small_stack() {
    on_small_stack(|| {
        for (name, build, _, fails) in shapes() {
            for n in [4_000, 400_000] {
                assert_eq!(outcome(&build(n)), Err(fails), "{name} x{n}");
            }
        }
    });
}

#[test]
fn queries_just_inside_the_limits_work() {
    on_small_stack(|| {
        for (name, build, max, fails) in shapes() {
            assert_eq!(outcome(&build(max)), Ok(()), "{name} x{max}");
            assert_eq!(outcome(&build(max + 1)), Err(fails), "{name} x{}", max + 1);
        }
    });
}

#[test]
fn too_deep_is_reported_as_v2_reports_recursion_error() {
    on_small_stack(|| {
        // Nesting: `jmespath.compile` raises, `_resolve_query` wraps it (252).
        let expression = "(".repeat(4_000) + "a" + &")".repeat(4_000);
        let error = Query::parse(&expression).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "An error occurred (ParamValidation): Bad value for --query {expression}: maximum recursion depth exceeded"
            )
        );
        assert_eq!(error.exit_code(), 252);

        // A long chain: compiles, and the search raises a general error (255).
        let query = Query::parse(&format!("a{}", "|a".repeat(4_000))).unwrap();
        let error = query.search(&data()).unwrap_err();
        assert!(
            matches!(&error, Error::Other(m) if m.to_string() == "maximum recursion depth exceeded")
        );
        assert_eq!(error.exit_code(), 255);
        // Python only recurses into what it evaluates: a chain the search never reaches
        // raises nothing.
        let query = Query::parse(&format!("b || (a{})", "|a".repeat(4_000))).unwrap();
        assert_eq!(query.search(&data()).unwrap(), json!(true));
    });
}

/// The deepest value a `--query` can hand the formatters: a response at serde_json's
/// nesting limit (it parses every response, `portal.rs`, `sts.rs`), under the most levels a
/// query can add. They recurse per level, so this is checked on the 8 MiB stack of a
/// process's main thread.
#[test]
fn the_deepest_query_result_formats_on_a_main_thread_stack() {
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(|| {
            let deep = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
            // serde_json refuses more than 127 nested arrays and objects (its default
            // recursion limit), and awsso wraps a parsed body in at most one object of its
            // own (`{"roleCredentials": ...}`), so no response is deeper than this.
            assert!(serde_json::from_str::<Value>(&deep(128)).is_err());
            let response = json!({"r": serde_json::from_str::<Value>(&deep(127)).unwrap()});
            // Each `[@]` wraps the result once; a chain of them is as deep as a tree gets.
            let query = Query::parse(&format!("@{}", "|[@]".repeat(MAX_DEPTH - 2))).unwrap();
            let result = query.search(&response).unwrap();
            assert_eq!(containers(&result), 128 + MAX_DEPTH - 2);
            use crate::cli::OutputFormat::*;
            for format in [Json, Text, Table, Yaml, YamlStream] {
                let mut formatter = Formatter::new(format);
                formatter.query = Some(query.clone());
                // Whether v2's formatter takes the shape is not the point here; not crashing is.
                let _ = formatter.format("Op", &response);
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

/// How many arrays and objects nest in `value`.
fn containers(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(containers).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(containers).max().unwrap_or(0),
        _ => 0,
    }
}
