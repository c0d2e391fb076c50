//! Python jmespath 1.0.1's `TreeInterpreter` and built-in functions over ordered
//! `serde_json` values, keeping Python's semantics where they are not the spec's: `0 == false`
//! is false but `[0] == [false]` is true, ordering compares numbers and strings (and
//! mixing them raises Python's `TypeError`), objects keep their key order, `sort_by` is
//! stable, `max_by` keeps the first maximum.

use std::cmp::Ordering;

use serde_json::{Map, Number, Value};

use super::error::{JmesError, RuntimeKind};
use super::parser::{Comparator, Node};
use crate::python;

type Eval = Result<Value, JmesError>;

fn runtime(kind: RuntimeKind, message: impl Into<String>) -> JmesError {
    JmesError::Runtime {
        kind,
        message: message.into(),
    }
}

/// Evaluates `node` against `value`. Recursion here is as deep as the tree, which the parser
/// keeps within `parser::MAX_DEPTH`; each node kind has its own function so that the frame
/// repeated per level stays small even in a debug build (one `match` holding every arm's
/// temporaries took over 13 KiB a level).
pub fn search(node: &Node, value: &Value) -> Eval {
    match node {
        Node::Subexpression(children) | Node::IndexExpression(children) => chain(children, value),
        Node::Pipe(left, right) => pipe(left, right, value),
        Node::Projection(left, right) => projection(left, right, value),
        Node::ValueProjection(left, right) => value_projection(left, right, value),
        Node::FilterProjection(left, right, condition) => {
            filter_projection(left, right, condition, value)
        }
        Node::Flatten(child) => flatten(child, value),
        Node::Or(left, right) => or(left, right, value),
        Node::And(left, right) => and(left, right, value),
        Node::Not(child) => not(child, value),
        Node::Comparator(op, left, right) => comparator(*op, left, right, value),
        Node::MultiSelectList(children) => multi_select_list(children, value),
        Node::MultiSelectDict(pairs) => multi_select_dict(pairs, value),
        Node::Function(name, children) => function(name, children, value),
        Node::TooDeep => Err(JmesError::Recursion),
        leaf @ (Node::Field(_)
        | Node::Index(_)
        | Node::Slice(..)
        | Node::Identity
        | Node::Current
        | Node::Literal(_)
        | Node::Expref(_)) => search_leaf(leaf, value),
    }
}

/// The nodes with no subtree to search.
fn search_leaf(node: &Node, value: &Value) -> Eval {
    match node {
        Node::Field(name) => Ok(field(name, value)),
        Node::Index(i) => Ok(index(*i, value)),
        Node::Slice(start, stop, step) => match value {
            Value::Array(items) => slice(items, *start, *stop, *step).map(Value::Array),
            _ => Ok(Value::Null),
        },
        Node::Identity | Node::Current => Ok(value.clone()),
        Node::Literal(v) => Ok(Value::clone(v)),
        // An expression reference outside a function argument has no JSON value.
        Node::Expref(_) => Ok(Value::Null),
        _ => unreachable!("`search` takes the nodes with subtrees"),
    }
}

fn field(name: &str, value: &Value) -> Value {
    match value {
        Value::Object(map) => map.get(name).cloned().unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

fn chain(children: &[Node], value: &Value) -> Eval {
    let mut result = value.clone();
    for child in children {
        result = search(child, &result)?;
    }
    Ok(result)
}

fn pipe(left: &Node, right: &Node, value: &Value) -> Eval {
    search(right, &search(left, value)?)
}

fn index(i: i64, value: &Value) -> Value {
    match value {
        Value::Array(items) => {
            let len = items.len() as i64;
            let at = if i < 0 { len + i } else { i };
            if (0..len).contains(&at) {
                items[at as usize].clone()
            } else {
                Value::Null
            }
        }
        _ => Value::Null,
    }
}

fn projection(left: &Node, right: &Node, value: &Value) -> Eval {
    let Value::Array(items) = search(left, value)? else {
        return Ok(Value::Null);
    };
    collect_projection(right, &items)
}

fn value_projection(left: &Node, right: &Node, value: &Value) -> Eval {
    let Value::Object(map) = search(left, value)? else {
        return Ok(Value::Null);
    };
    let items: Vec<Value> = map.into_iter().map(|(_, v)| v).collect();
    collect_projection(right, &items)
}

fn filter_projection(left: &Node, right: &Node, condition: &Node, value: &Value) -> Eval {
    let Value::Array(items) = search(left, value)? else {
        return Ok(Value::Null);
    };
    let mut collected = Vec::new();
    for item in &items {
        if is_true(&search(condition, item)?) {
            let current = search(right, item)?;
            if !current.is_null() {
                collected.push(current);
            }
        }
    }
    Ok(Value::Array(collected))
}

fn flatten(child: &Node, value: &Value) -> Eval {
    let Value::Array(items) = search(child, value)? else {
        return Ok(Value::Null);
    };
    let mut merged = Vec::new();
    for item in items {
        match item {
            Value::Array(inner) => merged.extend(inner),
            other => merged.push(other),
        }
    }
    Ok(Value::Array(merged))
}

fn or(left: &Node, right: &Node, value: &Value) -> Eval {
    let matched = search(left, value)?;
    if is_false(&matched) {
        search(right, value)
    } else {
        Ok(matched)
    }
}

fn and(left: &Node, right: &Node, value: &Value) -> Eval {
    let matched = search(left, value)?;
    if is_false(&matched) {
        Ok(matched)
    } else {
        search(right, value)
    }
}

fn not(child: &Node, value: &Value) -> Eval {
    let result = search(child, value)?;
    Ok(Value::Bool(match &result {
        // `!0` is false: 0 is not a falsy value in JMESPath.
        Value::Number(_) => false,
        other => !python_truthy(other),
    }))
}

fn comparator(op: Comparator, left: &Node, right: &Node, value: &Value) -> Eval {
    let left = search(left, value)?;
    let right = search(right, value)?;
    compare(op, &left, &right)
}

fn multi_select_list(children: &[Node], value: &Value) -> Eval {
    if value.is_null() {
        return Ok(Value::Null);
    }
    let mut collected = Vec::with_capacity(children.len());
    for child in children {
        collected.push(search(child, value)?);
    }
    Ok(Value::Array(collected))
}

fn multi_select_dict(pairs: &[(String, Node)], value: &Value) -> Eval {
    if value.is_null() {
        return Ok(Value::Null);
    }
    let mut collected = Map::new();
    for (key, child) in pairs {
        collected.insert(key.clone(), search(child, value)?);
    }
    Ok(Value::Object(collected))
}

fn function(name: &str, children: &[Node], value: &Value) -> Eval {
    let mut args = Vec::with_capacity(children.len());
    for child in children {
        args.push(match child {
            Node::Expref(inner) => Arg::Expref(inner),
            other => Arg::Value(search(other, value)?),
        });
    }
    call_function(name, args)
}

fn collect_projection(right: &Node, items: &[Value]) -> Eval {
    let mut collected = Vec::new();
    for item in items {
        let current = search(right, item)?;
        if !current.is_null() {
            collected.push(current);
        }
    }
    Ok(Value::Array(collected))
}

/// Python's slice semantics, `value[start:stop:step]`.
fn slice(
    items: &[Value],
    start: Option<i64>,
    stop: Option<i64>,
    step: Option<i64>,
) -> Result<Vec<Value>, JmesError> {
    let step = step.unwrap_or(1);
    if step == 0 {
        return Err(runtime(
            RuntimeKind::PythonValue,
            "slice step cannot be zero",
        ));
    }
    let len = items.len() as i64;
    let (lower, upper) = if step > 0 { (0, len) } else { (-1, len - 1) };
    let bound = |v: Option<i64>, default: i64| match v {
        None => default,
        Some(v) if v < 0 => (v + len).max(lower),
        Some(v) => v.min(upper),
    };
    let start = bound(start, if step > 0 { lower } else { upper });
    let stop = bound(stop, if step > 0 { upper } else { lower });
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        out.push(items[i as usize].clone());
        i += step;
    }
    Ok(out)
}

/// JMESPath falsiness as Python jmespath checks it: `''`, `[]`, `{}`, `None`, `False`
/// (but not 0).
fn is_false(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

fn is_true(value: &Value) -> bool {
    !is_false(value)
}

/// Python's `bool(value)`.
fn python_truthy(value: &Value) -> bool {
    match value {
        Value::Number(n) => as_f64(n) != 0.0,
        other => !is_false(other),
    }
}

fn as_f64(n: &Number) -> f64 {
    n.as_f64().unwrap_or(0.0)
}

fn is_int(n: &Number) -> bool {
    !n.is_f64()
}

/// Python's `==`, where `True == 1` and `1 == 1.0`.
fn python_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| python_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| python_eq(v, w)))
        }
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => numbers_equal(x, y),
        (Value::Bool(x), Value::Number(n)) | (Value::Number(n), Value::Bool(x)) => {
            as_f64(n) == if *x { 1.0 } else { 0.0 }
        }
        _ => false,
    }
}

fn numbers_equal(x: &Number, y: &Number) -> bool {
    match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
        (Some(a), Some(b), _, _) => a == b,
        (_, _, Some(a), Some(b)) => a == b,
        _ => as_f64(x) == as_f64(y),
    }
}

/// jmespath's `_equals`: 0 and 1 never equal a boolean at the top level.
fn jmes_equals(a: &Value, b: &Value) -> bool {
    let zero_or_one =
        |v: &Value| matches!(v, Value::Number(n) if as_f64(n) == 0.0 || as_f64(n) == 1.0);
    let special = if zero_or_one(a) {
        b.is_boolean()
    } else if zero_or_one(b) {
        a.is_boolean()
    } else {
        false
    };
    !special && python_eq(a, b)
}

fn python_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if is_int(n) => "int",
        Value::Number(_) => "float",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// Python's `a < b` (and friends) for numbers and strings; anything else is Python's
/// `TypeError`.
fn python_order(op: &str, a: &Value, b: &Value) -> Result<Ordering, JmesError> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Ok(compare_numbers(x, y)),
        (Value::String(x), Value::String(y)) => Ok(x.cmp(y)),
        _ => Err(runtime(
            RuntimeKind::PythonType,
            format!(
                "'{op}' not supported between instances of '{}' and '{}'",
                python_type_name(a),
                python_type_name(b)
            ),
        )),
    }
}

fn compare_numbers(x: &Number, y: &Number) -> Ordering {
    match (x.as_i64(), y.as_i64()) {
        (Some(a), Some(b)) => a.cmp(&b),
        _ => as_f64(x).partial_cmp(&as_f64(y)).unwrap_or(Ordering::Equal),
    }
}

fn compare(op: Comparator, left: &Value, right: &Value) -> Eval {
    let comparable = |v: &Value| v.is_number() || v.is_string();
    let (symbol, accept): (&str, fn(Ordering) -> bool) = match op {
        Comparator::Eq => return Ok(Value::Bool(jmes_equals(left, right))),
        Comparator::Ne => return Ok(Value::Bool(!jmes_equals(left, right))),
        Comparator::Lt => ("<", Ordering::is_lt),
        Comparator::Gt => (">", Ordering::is_gt),
        Comparator::Lte => ("<=", Ordering::is_le),
        Comparator::Gte => (">=", Ordering::is_ge),
    };
    if !(comparable(left) && comparable(right)) {
        return Ok(Value::Null);
    }
    Ok(Value::Bool(accept(python_order(symbol, left, right)?)))
}

/// A function argument: a value, or an expression reference (`&expr`).
enum Arg<'a> {
    Value(Value),
    Expref(&'a Node),
}

impl Arg<'_> {
    fn python_type(&self) -> &'static str {
        match self {
            Arg::Value(v) => python_type_name(v),
            Arg::Expref(_) => "_Expression",
        }
    }

    fn python_str(&self) -> String {
        match self {
            Arg::Value(v) => python::str(v),
            Arg::Expref(_) => "<jmespath.visitor._Expression object>".into(),
        }
    }

    fn value(&self) -> &Value {
        match self {
            Arg::Value(v) => v,
            Arg::Expref(_) => &Value::Null,
        }
    }
}

/// jmespath's `TYPES_MAP`: Python type name to JMESPath type name.
fn jmespath_type(python_type: &str) -> &'static str {
    match python_type {
        "bool" => "boolean",
        "list" => "array",
        "dict" => "object",
        "NoneType" => "null",
        "str" => "string",
        "float" | "int" => "number",
        "_Expression" => "expref",
        _ => "unknown",
    }
}

/// jmespath's `REVERSE_TYPES_MAP`.
fn python_types(jmespath_type: &str) -> &'static [&'static str] {
    match jmespath_type {
        "boolean" => &["bool"],
        "array" => &["list"],
        "object" => &["dict"],
        "null" => &["NoneType"],
        "string" => &["str"],
        "number" => &["float", "int"],
        "expref" => &["_Expression"],
        _ => &[],
    }
}

fn type_error(function: &str, value: &str, actual: &str, expected: &[&str]) -> JmesError {
    let expected = expected
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(", ");
    runtime(
        RuntimeKind::Type,
        format!(
        "In function {function}(), invalid type for value: {value}, expected one of: [{expected}], received: \"{actual}\""
    ))
}

/// `(types, variadic)` per argument, as jmespath's `@signature` declares them.
fn signature(name: &str) -> Option<(&'static [&'static [&'static str]], bool)> {
    const NUMBER: &[&str] = &["number"];
    const ANY: &[&str] = &[];
    const STRING: &[&str] = &["string"];
    const ARRAY: &[&str] = &["array"];
    const OBJECT: &[&str] = &["object"];
    const EXPREF: &[&str] = &["expref"];
    Some(match name {
        "abs" | "ceil" | "floor" => (&[NUMBER], false),
        "avg" | "sum" => (&[&["array-number"]], false),
        "not_null" => (&[ANY], true),
        "to_array" | "to_string" | "to_number" | "type" => (&[ANY], false),
        "contains" => (&[&["array", "string"], ANY], false),
        "length" => (&[&["string", "array", "object"]], false),
        "ends_with" | "starts_with" => (&[STRING, STRING], false),
        "reverse" => (&[&["array", "string"]], false),
        "join" => (&[STRING, &["array-string"]], false),
        "map" => (&[EXPREF, ARRAY], false),
        "max" | "min" => (&[&["array-number", "array-string"]], false),
        "merge" => (&[OBJECT], true),
        "sort" => (&[&["array-string", "array-number"]], false),
        "keys" | "values" => (&[OBJECT], false),
        "sort_by" | "min_by" | "max_by" => (&[ARRAY, EXPREF], false),
        _ => return None,
    })
}

fn check_arguments(name: &str, args: &[Arg]) -> Result<(), JmesError> {
    let Some((types, variadic)) = signature(name) else {
        return Err(runtime(
            RuntimeKind::UnknownFunction,
            format!("Unknown function: {name}()"),
        ));
    };
    let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
    if variadic {
        if args.len() < types.len() {
            return Err(runtime(
                RuntimeKind::Arity,
                format!(
                    "Expected at least {} {} for function {name}(), received {}",
                    types.len(),
                    plural(types.len()),
                    args.len()
                ),
            ));
        }
    } else if args.len() != types.len() {
        return Err(runtime(
            RuntimeKind::Arity,
            format!(
                "Expected {} {} for function {name}(), received {}",
                types.len(),
                plural(types.len()),
                args.len()
            ),
        ));
    }
    for (arg, allowed) in args.iter().zip(types.iter()) {
        if !allowed.is_empty() {
            check_type(name, arg, allowed)?;
        }
    }
    Ok(())
}

/// jmespath's `_type_check_single` and `_subtype_check`, error texts included (the
/// element errors name the Python type, as jmespath does).
fn check_type(name: &str, arg: &Arg, types: &[&str]) -> Result<(), JmesError> {
    let mut allowed: Vec<&str> = Vec::new();
    let mut subtypes: Vec<&[&str]> = Vec::new();
    for t in types {
        match t.split_once('-') {
            Some((outer, inner)) => {
                allowed.extend(python_types(outer));
                subtypes.push(python_types(inner));
            }
            None => allowed.extend(python_types(t)),
        }
    }
    let actual = arg.python_type();
    if !allowed.contains(&actual) {
        return Err(type_error(
            name,
            &arg.python_str(),
            jmespath_type(actual),
            types,
        ));
    }
    let Value::Array(items) = arg.value() else {
        return Ok(());
    };
    let element_error = |v: &Value| type_error(name, &python::str(v), python_type_name(v), types);
    if subtypes.len() == 1 {
        for item in items {
            if !subtypes[0].contains(&python_type_name(item)) {
                return Err(element_error(item));
            }
        }
    } else if subtypes.len() > 1 && !items.is_empty() {
        let first = python_type_name(&items[0]);
        let Some(group) = subtypes.iter().find(|s| s.contains(&first)) else {
            return Err(element_error(&items[0]));
        };
        for item in items {
            if !group.contains(&python_type_name(item)) {
                return Err(element_error(item));
            }
        }
    }
    Ok(())
}

fn int_value(i: i128) -> Value {
    if let Ok(v) = i64::try_from(i) {
        Value::from(v)
    } else if let Ok(v) = u64::try_from(i) {
        Value::from(v)
    } else {
        float_value(i as f64)
    }
}

fn float_value(f: f64) -> Value {
    Number::from_f64(f)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

fn number_as_int(n: &Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}

/// Python's `sum()`: ints stay ints until a float joins.
fn python_sum(items: &[Value]) -> Value {
    let mut int_total: i128 = 0;
    let mut float_total: Option<f64> = None;
    for item in items {
        let Value::Number(n) = item else { continue };
        match (float_total, number_as_int(n)) {
            (None, Some(i)) => match int_total.checked_add(i) {
                Some(t) => int_total = t,
                None => float_total = Some(int_total as f64 + i as f64),
            },
            (None, None) => float_total = Some(int_total as f64 + as_f64(n)),
            (Some(f), _) => float_total = Some(f + as_f64(n)),
        }
    }
    match float_total {
        Some(f) => float_value(f),
        None => int_value(int_total),
    }
}

fn apply_expref(expref: &Node, value: &Value) -> Eval {
    search(expref, value)
}

fn call_function(name: &str, args: Vec<Arg>) -> Eval {
    check_arguments(name, &args)?;
    // The functions that take an expression reference search again, so they sit on the
    // recursion's path and get small frames of their own; the rest share one big `match`.
    match name {
        "map" => map(&args),
        "sort_by" => sort_by(&args),
        "min_by" | "max_by" => min_max_by(name, &args),
        _ => call_plain(name, &args),
    }
}

/// The argument at `i`, as a value (null for an expression reference).
fn value_at<'a>(args: &'a [Arg], i: usize) -> &'a Value {
    args[i].value()
}

/// The expression reference at `i` (identity for a value, which the signature check rules
/// out).
fn expref_at<'a>(args: &[Arg<'a>], i: usize) -> &'a Node {
    match &args[i] {
        Arg::Expref(node) => node,
        Arg::Value(_) => &Node::Identity,
    }
}

fn map(args: &[Arg]) -> Eval {
    let Value::Array(items) = value_at(args, 1) else {
        return Ok(Value::Null);
    };
    let node = expref_at(args, 0);
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(apply_expref(node, item)?);
    }
    Ok(Value::Array(out))
}

fn sort_by(args: &[Arg]) -> Eval {
    let Value::Array(items) = value_at(args, 0) else {
        return Ok(Value::Null);
    };
    if items.is_empty() {
        return Ok(Value::Array(Vec::new()));
    }
    let node = expref_at(args, 1);
    let first = apply_expref(node, &items[0])?;
    let required = jmespath_type(python_type_name(&first));
    if required != "number" && required != "string" {
        return Err(type_error(
            "sort_by",
            &python::str(&items[0]),
            required,
            &["string", "number"],
        ));
    }
    let keys = keys_of(node, items, &[required], "sort_by")?;
    let mut order: Vec<usize> = (0..items.len()).collect();
    // Stable, like Python's sorted(); keys all have one type here.
    order.sort_by(|&a, &b| python_order("<", &keys[a], &keys[b]).unwrap_or(Ordering::Equal));
    Ok(Value::Array(
        order.into_iter().map(|i| items[i].clone()).collect(),
    ))
}

fn min_max_by(name: &str, args: &[Arg]) -> Eval {
    let Value::Array(items) = value_at(args, 0) else {
        return Ok(Value::Null);
    };
    let keys = keys_of(expref_at(args, 1), items, &["number", "string"], name)?;
    extreme(name == "max_by", keys.iter().zip(items.iter().cloned()))
}

/// The built-in functions that take no expression reference.
fn call_plain(name: &str, args: &[Arg]) -> Eval {
    let value = |i: usize| value_at(args, i);
    match name {
        "abs" => Ok(match value(0) {
            Value::Number(n) => match number_as_int(n) {
                Some(i) => int_value(i.abs()),
                None => float_value(as_f64(n).abs()),
            },
            other => other.clone(),
        }),
        "avg" => {
            let Value::Array(items) = value(0) else {
                return Ok(Value::Null);
            };
            if items.is_empty() {
                return Ok(Value::Null);
            }
            let total = match python_sum(items) {
                Value::Number(n) => as_f64(&n),
                _ => 0.0,
            };
            Ok(float_value(total / items.len() as f64))
        }
        "ceil" | "floor" => Ok(match value(0) {
            Value::Number(n) if is_int(n) => Value::Number(n.clone()),
            Value::Number(n) => {
                let f = as_f64(n);
                let r = if name == "ceil" { f.ceil() } else { f.floor() };
                if r.abs() < 9.0e18 {
                    int_value(r as i128)
                } else {
                    float_value(r)
                }
            }
            other => other.clone(),
        }),
        "not_null" => Ok(args
            .iter()
            .map(Arg::value)
            .find(|v| !v.is_null())
            .cloned()
            .unwrap_or(Value::Null)),
        "to_array" => Ok(match value(0) {
            Value::Array(_) => value(0).clone(),
            other => Value::Array(vec![other.clone()]),
        }),
        "to_string" => Ok(match value(0) {
            Value::String(_) => value(0).clone(),
            other => Value::String(python::json_compact(other, ",", ":", true)),
        }),
        "to_number" => Ok(match value(0) {
            Value::Number(_) => value(0).clone(),
            Value::String(s) => python_number_from_str(s),
            _ => Value::Null,
        }),
        "contains" => match value(0) {
            Value::Array(items) => Ok(Value::Bool(items.iter().any(|i| python_eq(i, value(1))))),
            Value::String(s) => match value(1) {
                Value::String(needle) => Ok(Value::Bool(s.contains(needle.as_str()))),
                other => Err(runtime(
                    RuntimeKind::PythonType,
                    format!(
                        "'in <string>' requires string as left operand, not {}",
                        python_type_name(other)
                    ),
                )),
            },
            _ => Ok(Value::Null),
        },
        "length" => Ok(Value::from(match value(0) {
            Value::String(s) => s.chars().count(),
            Value::Array(a) => a.len(),
            Value::Object(m) => m.len(),
            _ => 0,
        })),
        "ends_with" | "starts_with" => {
            let (Value::String(subject), Value::String(affix)) = (value(0), value(1)) else {
                return Ok(Value::Null);
            };
            Ok(Value::Bool(if name == "ends_with" {
                subject.ends_with(affix.as_str())
            } else {
                subject.starts_with(affix.as_str())
            }))
        }
        "reverse" => Ok(match value(0) {
            Value::String(s) => Value::String(s.chars().rev().collect()),
            Value::Array(a) => Value::Array(a.iter().rev().cloned().collect()),
            other => other.clone(),
        }),
        "join" => {
            let (Value::String(sep), Value::Array(items)) = (value(0), value(1)) else {
                return Ok(Value::Null);
            };
            let parts: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            Ok(Value::String(parts.join(sep)))
        }
        "max" | "min" => {
            let Value::Array(items) = value(0) else {
                return Ok(Value::Null);
            };
            extreme(name == "max", items.iter().map(|v| (v, v.clone())))
        }
        "merge" => {
            let mut merged = Map::new();
            for arg in args {
                match arg.value() {
                    Value::Object(map) => {
                        for (k, v) in map {
                            merged.insert(k.clone(), v.clone());
                        }
                    }
                    Value::Array(a) if a.is_empty() => {}
                    other => {
                        return Err(runtime(
                            RuntimeKind::PythonType,
                            format!("'{}' object is not iterable", python_type_name(other)),
                        ))
                    }
                }
            }
            Ok(Value::Object(merged))
        }
        "sort" => {
            let Value::Array(items) = value(0) else {
                return Ok(Value::Null);
            };
            let mut sorted = items.clone();
            let mut failure = None;
            sorted.sort_by(|a, b| {
                python_order("<", a, b).unwrap_or_else(|e| {
                    failure.get_or_insert(e);
                    Ordering::Equal
                })
            });
            match failure {
                Some(e) => Err(e),
                None => Ok(Value::Array(sorted)),
            }
        }
        "sum" => {
            let Value::Array(items) = value(0) else {
                return Ok(Value::Null);
            };
            Ok(python_sum(items))
        }
        "keys" | "values" => {
            let Value::Object(map) = value(0) else {
                return Ok(Value::Null);
            };
            Ok(Value::Array(if name == "keys" {
                map.keys().cloned().map(Value::String).collect()
            } else {
                map.values().cloned().collect()
            }))
        }
        "type" => Ok(match &args[0] {
            Arg::Expref(_) => Value::Null,
            Arg::Value(v) => Value::String(jmespath_type(python_type_name(v)).into()),
        }),
        _ => Err(runtime(
            RuntimeKind::UnknownFunction,
            format!("Unknown function: {name}()"),
        )),
    }
}

/// The sort keys of `items` under `expref`, each checked against `allowed` JMESPath types.
fn keys_of(
    expref: &Node,
    items: &[Value],
    allowed: &[&str],
    function: &str,
) -> Result<Vec<Value>, JmesError> {
    let mut keys = Vec::with_capacity(items.len());
    for item in items {
        let key = apply_expref(expref, item)?;
        let kind = jmespath_type(python_type_name(&key));
        if !allowed.contains(&kind) {
            return Err(type_error(function, &python::str(&key), kind, allowed));
        }
        keys.push(key);
    }
    Ok(keys)
}

/// Python's `max()`/`min()` over `(key, item)` pairs: the first item whose key beats all
/// earlier ones strictly; `None` for an empty input.
fn extreme<'k>(max: bool, mut pairs: impl Iterator<Item = (&'k Value, Value)>) -> Eval {
    let Some((mut best_key, mut best)) = pairs.next() else {
        return Ok(Value::Null);
    };
    let op = if max { ">" } else { "<" };
    for (key, item) in pairs {
        let ordering = python_order(op, key, best_key)?;
        if (max && ordering.is_gt()) || (!max && ordering.is_lt()) {
            best_key = key;
            best = item;
        }
    }
    Ok(best)
}

/// `to_number` on a string: Python's `int(s)`, else `float(s)`, else null.
fn python_number_from_str(s: &str) -> Value {
    let trimmed = s.trim();
    if valid_digit_underscores(trimmed.trim_start_matches(['+', '-'])) {
        let digits: String = trimmed.chars().filter(|c| *c != '_').collect();
        if let Ok(i) = digits.parse::<i128>() {
            return int_value(i);
        }
    }
    let lowered = trimmed.to_ascii_lowercase();
    let unsigned = lowered.trim_start_matches(['+', '-']);
    if matches!(unsigned, "inf" | "infinity" | "nan") {
        // Not representable as JSON: json.dumps would print NaN/Infinity; awsso gives null.
        return Value::Null;
    }
    let float_ok = !trimmed.is_empty()
        && trimmed.split(['e', 'E', '.']).all(|part| {
            part.is_empty() || valid_digit_underscores(part.trim_start_matches(['+', '-']))
        });
    if float_ok {
        let cleaned: String = trimmed.chars().filter(|c| *c != '_').collect();
        if let Ok(f) = cleaned.parse::<f64>() {
            return float_value(f);
        }
    }
    Value::Null
}

/// Digits with single underscores between them, as Python's number parsing allows.
fn valid_digit_underscores(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('_')
        && !s.ends_with('_')
        && !s.contains("__")
        && s.chars().all(|c| c.is_ascii_digit() || c == '_')
}
