//! `--output text`: a port of AWS CLI v2's `awscli/text.py`. Scalars of a dict go on one
//! tab-separated line in sorted-key order, nested values follow under their key as an
//! upper-cased identifier, lists of dicts share one column set, bare lists are joined by
//! tabs.

use serde_json::{Map, Value};

/// The Python error v2's `TextFormatter` raises on a shape it cannot print (a general
/// error, 255).
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    /// An `AttributeError`: Python calls `.items()` on every element of a list whose first
    /// element is a dict.
    #[error("'{type_name}' object has no attribute 'items'")]
    NotADict { type_name: &'static str },
}

impl From<TextError> for crate::error::Error {
    fn from(e: TextError) -> Self {
        crate::error::Error::Other(Box::new(e))
    }
}

type Result<T, E = TextError> = std::result::Result<T, E>;
use crate::python;

/// `format_text(data, stream)`.
pub fn format(value: &Value, out: &mut String) -> Result<()> {
    format_item(value, out, None, None)
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

fn format_item(
    item: &Value,
    out: &mut String,
    identifier: Option<&str>,
    scalar_keys: Option<&[String]>,
) -> Result<()> {
    match item {
        Value::Object(map) => format_dict(scalar_keys, map, identifier, out),
        Value::Array(items) => format_list(items, identifier, out),
        scalar => {
            out.push_str(&python::str(scalar));
            out.push('\n');
            Ok(())
        }
    }
}

fn format_list(items: &[Value], identifier: Option<&str>, out: &mut String) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    if items.iter().any(Value::is_object) {
        let all_keys = all_scalar_keys(items)?;
        for element in items {
            format_item(element, out, identifier, Some(&all_keys))?;
        }
    } else if items.iter().any(Value::is_array) {
        let (scalars, non_scalars): (Vec<&Value>, Vec<&Value>) =
            items.iter().partition(|v| is_scalar(v));
        if !scalars.is_empty() {
            format_scalar_list(&scalars, identifier, out);
        }
        for non_scalar in non_scalars {
            format_item(non_scalar, out, identifier, None)?;
        }
    } else {
        let scalars: Vec<&Value> = items.iter().collect();
        format_scalar_list(&scalars, identifier, out);
    }
    Ok(())
}

fn format_scalar_list(elements: &[&Value], identifier: Option<&str>, out: &mut String) {
    match identifier {
        Some(identifier) => {
            let upper = identifier.to_uppercase();
            for item in elements {
                out.push_str(&upper);
                out.push('\t');
                out.push_str(&python::str(item));
                out.push('\n');
            }
        }
        None => {
            let joined: Vec<String> = elements.iter().map(|v| python::str(v)).collect();
            out.push_str(&joined.join("\t"));
            out.push('\n');
        }
    }
}

fn format_dict(
    scalar_keys: Option<&[String]>,
    map: &Map<String, Value>,
    identifier: Option<&str>,
    out: &mut String,
) -> Result<()> {
    let mut scalars: Vec<String> = Vec::new();
    let mut non_scalars: Vec<(&str, &Value)> = Vec::new();
    match scalar_keys {
        None => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            for key in keys {
                let value = &map[key.as_str()];
                if is_scalar(value) {
                    scalars.push(python::str(value));
                } else {
                    non_scalars.push((key, value));
                }
            }
        }
        Some(keys) => {
            for key in keys {
                scalars.push(map.get(key).map(python::str).unwrap_or_default());
            }
            let mut remaining: Vec<&String> = map.keys().filter(|k| !keys.contains(k)).collect();
            remaining.sort();
            for key in remaining {
                non_scalars.push((key, &map[key.as_str()]));
            }
        }
    }
    if !scalars.is_empty() {
        if let Some(identifier) = identifier {
            scalars.insert(0, identifier.to_uppercase());
        }
        out.push_str(&scalars.join("\t"));
        out.push('\n');
    }
    for (key, value) in non_scalars {
        format_item(value, out, Some(key), None)?;
    }
    Ok(())
}

fn all_scalar_keys(items: &[Value]) -> Result<Vec<String>> {
    let mut keys: Vec<String> = Vec::new();
    for item in items {
        let Value::Object(map) = item else {
            return Err(TextError::NotADict {
                type_name: python_type(item),
            });
        };
        for (key, value) in map {
            if is_scalar(value) && !keys.contains(key) {
                keys.push(key.clone());
            }
        }
    }
    keys.sort();
    Ok(keys)
}

pub(crate) fn python_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(value: Value) -> String {
        let mut out = String::new();
        format(&value, &mut out).unwrap();
        out
    }

    #[test]
    fn dict_scalars_are_sorted_and_tab_joined() {
        assert_eq!(
            text(json!({"UserId": "AIDA:u", "Account": "123", "Arn": "arn:x"})),
            "123\tarn:x\tAIDA:u\n"
        );
    }

    #[test]
    fn lists_of_dicts_share_columns_under_an_identifier() {
        let value = json!({"accountList": [
            {"accountId": "1", "accountName": "A", "emailAddress": "a@x"},
            {"accountId": "2", "emailAddress": "b@x", "tags": ["t1", "t2"]}
        ]});
        assert_eq!(
            text(value),
            "ACCOUNTLIST\t1\tA\ta@x\nACCOUNTLIST\t2\t\tb@x\nTAGS\tt1\nTAGS\tt2\n"
        );
    }

    #[test]
    fn scalars_and_bare_lists() {
        assert_eq!(text(json!("123")), "123\n");
        assert_eq!(text(json!(null)), "None\n");
        assert_eq!(text(json!(true)), "True\n");
        assert_eq!(text(json!(1.0)), "1.0\n");
        assert_eq!(text(json!(["a", 1, null])), "a\t1\tNone\n");
        assert_eq!(text(json!([])), "");
        assert_eq!(text(json!({})), "");
        assert_eq!(text(json!([["a", "b"], "c", ["d"]])), "c\na\tb\nd\n");
    }

    #[test]
    fn nested_dicts_use_their_key_as_identifier() {
        let value = json!({"roleCredentials": {"accessKeyId": "AK", "secretAccessKey": "SK", "sessionToken": "ST", "expiration": 1700000000000u64}});
        assert_eq!(text(value), "ROLECREDENTIALS\tAK\t1700000000000\tSK\tST\n");
    }

    #[test]
    fn a_list_mixing_dicts_and_scalars_fails_like_python() {
        let mut out = String::new();
        let err = format(&json!([{"a": 1}, "x"]), &mut out).unwrap_err();
        assert_eq!(err.to_string(), "'str' object has no attribute 'items'");
    }
}
