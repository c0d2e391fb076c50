//! botocore's paginator as the AWS CLI drives it (`botocore/paginate.py`,
//! `awscli/customizations/paginate.py`): pages fetched until the service stops sending
//! `nextToken`, merged (`build_full_result`); `--max-items` truncates and adds botocore's
//! resumption token (base64 of `{"nextToken": ..., "boto_truncate_amount": N}`), which
//! `--starting-token` accepts back, from awsso or from the AWS CLI; `--page-size` is the
//! service's `max_result`; `--no-paginate` makes one call and shows the raw response.

use base64::Engine as _;

use super::model::{normalize, Shape, LIST_ACCOUNTS_OUTPUT, LIST_ACCOUNT_ROLES_OUTPUT};
use crate::error::{Error, Result};

/// Why paging stopped or could not start, in v2's words.
#[derive(Debug, thiserror::Error)]
pub enum PaginationError {
    /// `ensure_paging_params_not_set` (`ParamValidation`).
    #[error("Cannot specify --no-paginate along with pagination arguments: {}", .used.join(", "))]
    PagingWithNoPaginate { used: Vec<&'static str> },
    /// botocore's parameter validation of the first request (`ParamValidation`): its report,
    /// one line per problem (`botocore/validate.py`).
    #[error(
        "Parameter validation failed:\n{}",
        .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    )]
    InvalidParameters { problems: Vec<InvalidParameter> },
    /// A `--starting-token` that is neither botocore's encoding nor `TOKEN___INDEX`.
    #[error("Bad starting token: {token}")]
    BadStartingToken { token: String },
    /// botocore's `PaginationError`: the service handed back a token it gave before.
    #[error(
        "Error during pagination: The same next token was received twice: {{'nextToken': {}}}",
        crate::python::str_repr(.token)
    )]
    RepeatedNextToken { token: String },
}

/// One line of botocore's parameter validation report, in the order it checks: the
/// members the input shape does not have (in the order given), then each member's value.
#[derive(Debug, thiserror::Error)]
pub enum InvalidParameter {
    /// A key of a `--starting-token` that is not a member of the operation's input: the
    /// paginator passes every key of the decoded token on as a request parameter
    /// (`botocore/paginate.py` `_inject_token_into_kwargs`).
    #[error("Unknown parameter in input: \"{name}\", must be one of: {}", .members.join(", "))]
    Unknown {
        name: String,
        members: &'static [&'static str],
    },
    /// `--page-size` below `maxResults`'s minimum of 1.
    #[error("Invalid value for parameter maxResults, value: {value}, valid min value: 1")]
    MaxResultsBelowMinimum { value: i64 },
}

impl From<PaginationError> for Error {
    fn from(e: PaginationError) -> Self {
        match e {
            PaginationError::PagingWithNoPaginate { .. }
            | PaginationError::InvalidParameters { .. } => Error::ParamValidation(Box::new(e)),
            PaginationError::BadStartingToken { .. }
            | PaginationError::RepeatedNextToken { .. } => Error::Other(Box::new(e)),
        }
    }
}

/// One page of a list operation: the raw JSON body (for output, which must show exactly what
/// the service sent, in its order) and its `nextToken`.
#[derive(Clone, Debug)]
pub struct Page {
    pub body: serde_json::Value,
    pub next_token: Option<String>,
}

/// One paginated operation (`paginators-1.json`).
pub struct Paginated {
    pub operation: &'static str,
    output: &'static Shape,
    /// The input shape's members, in the model's order (`ListAccountsRequest`...), which
    /// botocore's validation lists.
    input_members: &'static [&'static str],
    /// `result_key`; `input_token`/`output_token` are `nextToken` for both operations.
    result_key: &'static str,
}

pub const LIST_ACCOUNTS: Paginated = Paginated {
    operation: "ListAccounts",
    output: &LIST_ACCOUNTS_OUTPUT,
    input_members: &["nextToken", "maxResults", "accessToken"],
    result_key: "accountList",
};
pub const LIST_ACCOUNT_ROLES: Paginated = Paginated {
    operation: "ListAccountRoles",
    output: &LIST_ACCOUNT_ROLES_OUTPUT,
    input_members: &["nextToken", "maxResults", "accessToken", "accountId"],
    result_key: "roleList",
};

/// The pagination options, checked as v2 checks them.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Paging {
    /// `--no-paginate`: one call, raw response.
    single_page: bool,
    starting: Option<StartingToken>,
    page_size: Option<i64>,
    /// Any integer: argparse takes `-1` as a value, and botocore's arithmetic with a
    /// non-positive one is the "undefined behavior" v2 warns about, reproduced as it is.
    max_items: Option<i64>,
}

impl Paging {
    /// The pagination options as given (`--no-paginate`, `--starting-token`, `--page-size`,
    /// `--max-items`), checked as v2 checks them before any request.
    pub fn new(
        no_paginate: bool,
        starting_token: Option<&str>,
        page_size: Option<i64>,
        max_items: Option<i64>,
    ) -> Result<Self> {
        if no_paginate {
            // `ensure_paging_params_not_set`: Python truthiness, so 0 counts as unset.
            let used: Vec<&str> = [
                (
                    "--starting-token",
                    starting_token.is_some_and(|s| !s.is_empty()),
                ),
                ("--page-size", page_size.is_some_and(|n| n != 0)),
                ("--max-items", max_items.is_some_and(|n| n != 0)),
            ]
            .iter()
            .filter(|(_, used)| *used)
            .map(|(name, _)| *name)
            .collect();
            if !used.is_empty() {
                return Err(PaginationError::PagingWithNoPaginate { used }.into());
            }
        }
        Ok(Paging {
            single_page: no_paginate,
            starting: starting_token.map(StartingToken::decode).transpose()?,
            page_size,
            max_items,
        })
    }

    /// v2's warning for `--max-items` 0 or below (`PageArgument.add_to_params`), for the
    /// command to print.
    pub fn warning(&self) -> Option<&'static str> {
        self.max_items.is_some_and(|n| n <= 0).then_some(
            "warning: Non-positive values for --max-items may result in undefined behavior.\n",
        )
    }
}

impl Paging {
    /// botocore's parameter validation of the first request `operation` builds: the keys a
    /// `--starting-token` adds that the input shape does not have, then `maxResults`'s
    /// minimum of 1. Every problem is reported at once, as botocore does.
    pub fn validate(&self, operation: &Paginated) -> Result<()> {
        let mut problems: Vec<InvalidParameter> = self
            .starting
            .iter()
            .flat_map(|start| &start.extra_keys)
            .filter(|key| !operation.input_members.contains(&key.as_str()))
            .map(|key| InvalidParameter::Unknown {
                name: key.clone(),
                members: operation.input_members,
            })
            .collect();
        if let Some(value) = self.page_size.filter(|n| *n < 1) {
            problems.push(InvalidParameter::MaxResultsBelowMinimum { value });
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(PaginationError::InvalidParameters { problems }.into())
        }
    }
}

/// A decoded `--starting-token`: the service token to resume with and how many items of that
/// page were already shown.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct StartingToken {
    next_token: Option<String>,
    /// `boto_truncate_amount`, used as a Python slice start (a negative one counts from the
    /// end of the page, as botocore's `all_data[starting_truncation:]` does).
    skip: i64,
    /// The token's other keys with a value (not `null`, not `"None"`): botocore sends them
    /// as request parameters, so parameter validation sees them.
    extra_keys: Vec<String>,
}

impl StartingToken {
    /// botocore's `TokenDecoder` (base64 of a JSON object), falling back like
    /// `_parse_starting_token_deprecated` to `TOKEN___INDEX` and then to a raw service token.
    fn decode(text: &str) -> Result<Self> {
        if let Some(token) = Self::decode_encoded(text) {
            return Ok(token);
        }
        let parts: Vec<&str> = text.split("___").collect();
        let (parts, skip) = match parts.as_slice() {
            [token, index] => match index.trim().parse::<i64>() {
                Ok(index) => (vec![*token], index),
                Err(_) => (vec![text], 0),
            },
            _ => (parts, 0),
        };
        match parts.as_slice() {
            [token] => Ok(StartingToken {
                next_token: (*token != "None").then(|| (*token).to_owned()),
                skip,
                extra_keys: Vec::new(),
            }),
            _ => Err(PaginationError::BadStartingToken {
                token: text.to_owned(),
            }
            .into()),
        }
    }

    fn decode_encoded(text: &str) -> Option<Self> {
        // Python's b64decode discards characters outside the alphabet.
        let cleaned: String = text
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
            .collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(cleaned)
            .ok()?;
        let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
        let object = value.as_object()?;
        // `_inject_token_into_kwargs` passes on every key whose value is not None or 'None'.
        let extra_keys = object
            .iter()
            .filter(|(key, _)| {
                !matches!(
                    key.as_str(),
                    "nextToken" | "boto_truncate_amount" | "boto_encoded_keys"
                )
            })
            .filter(|(_, value)| !value.is_null() && value.as_str() != Some("None"))
            .map(|(key, _)| key.clone())
            .collect();
        Some(StartingToken {
            next_token: object
                .get("nextToken")
                .and_then(|v| v.as_str())
                .filter(|s| *s != "None")
                .map(str::to_owned),
            skip: object
                .get("boto_truncate_amount")
                .and_then(|v| v.as_i64())
                .unwrap_or(0),
            extra_keys,
        })
    }
}

/// Python's `len(items[start:])`-style bound: where a slice index lands in a list of `len`
/// items (negative counts from the end; clamped to the list).
fn slice_index(index: i64, len: usize) -> usize {
    let len = len as i64;
    let index = if index < 0 { len + index } else { index };
    index.clamp(0, len) as usize
}

/// botocore's `TokenEncoder`: base64 of `json.dumps({"nextToken": ..., ...})`.
fn encode_resume_token(next_token: Option<&str>, truncate_amount: Option<i64>) -> String {
    let mut object = serde_json::Map::new();
    object.insert(
        "nextToken".into(),
        next_token.map_or(serde_json::Value::Null, |t| t.into()),
    );
    if let Some(amount) = truncate_amount {
        object.insert("boto_truncate_amount".into(), amount.into());
    }
    let json = crate::python::json_compact(&serde_json::Value::Object(object), ", ", ": ", true);
    base64::engine::general_purpose::STANDARD.encode(json)
}

/// What a portal command shows.
#[derive(Debug, PartialEq)]
pub enum Response {
    /// One response (`get-role-credentials`, `--no-paginate`).
    Single(serde_json::Value),
    /// Auto-paginated: every page as parsed (after `--starting-token`/`--max-items`
    /// slicing) and the merged result, with `NextToken` when `--max-items` cut short.
    Pages {
        pages: Vec<serde_json::Value>,
        merged: serde_json::Value,
    },
}

/// Runs botocore's `PageIterator` over `fetch(next_token, page_size)` and, for the merged
/// view, its `build_full_result`. With `--no-paginate`, one call and its raw response.
pub async fn paginate<F, Fut>(
    operation: &Paginated,
    paging: &Paging,
    mut fetch: F,
) -> Result<Response>
where
    F: FnMut(Option<String>, Option<u32>) -> Fut,
    Fut: std::future::Future<Output = Result<Page>>,
{
    use serde_json::Value;
    if paging.single_page {
        let page = fetch(None, None).await?;
        return Ok(Response::Single(normalize(&page.body, operation.output)));
    }
    let key = operation.result_key;
    let mut request_token = paging.starting.as_ref().and_then(|s| s.next_token.clone());
    let mut previous_token: Option<String> = None;
    let mut total = 0i64;
    let mut first = true;
    let mut pages = Vec::new();
    let mut resume_token = None;
    // `maxResults` is never below 1 here: `Paging::validate` refused it before any request.
    let page_size = paging.page_size.and_then(|n| u32::try_from(n).ok());
    loop {
        let page = fetch(request_token.clone(), page_size).await?;
        let mut body = normalize(&page.body, operation.output);
        let mut starting_truncation = 0;
        if first {
            first = false;
            if let Some(start) = &paging.starting {
                // `_handle_first_request`: skip what the previous run already showed.
                starting_truncation = start.skip;
                let sliced = match body.get(key) {
                    Some(Value::Array(items)) => {
                        Value::Array(items[slice_index(start.skip, items.len())..].to_vec())
                    }
                    _ => Value::Null,
                };
                set_member(&mut body, key, sliced);
            }
        }
        let items = match body.get(key) {
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        };
        let count = items.len() as i64;
        if let Some(max_items) = paging.max_items {
            if total + count > max_items {
                // `_truncate_response`: keep what fits (`original[:amount_to_keep]`, which a
                // non-positive --max-items makes negative), remember where to resume within
                // this page (counting the items skipped at its start).
                let keep = max_items - total;
                let kept = slice_index(keep, items.len());
                set_member(
                    &mut body,
                    key,
                    Value::Array(items.into_iter().take(kept).collect()),
                );
                resume_token = Some(encode_resume_token(
                    request_token.as_deref(),
                    Some(keep + starting_truncation),
                ));
                pages.push(body);
                break;
            }
        }
        total += count;
        pages.push(body);
        let Some(next_token) = page.next_token else {
            break;
        };
        if paging.max_items == Some(total) {
            // On a page boundary: the service's token is the resumption point.
            resume_token = Some(encode_resume_token(Some(&next_token), None));
            break;
        }
        if previous_token.as_deref() == Some(next_token.as_str()) {
            return Err(PaginationError::RepeatedNextToken { token: next_token }.into());
        }
        previous_token = Some(next_token.clone());
        request_token = Some(next_token);
    }
    let merged = merge_pages(key, &pages, resume_token.as_deref());
    Ok(Response::Pages { pages, merged })
}

/// `PageIterator.build_full_result`: the result key's lists concatenated, then `NextToken`.
fn merge_pages(
    key: &str,
    pages: &[serde_json::Value],
    resume_token: Option<&str>,
) -> serde_json::Value {
    use serde_json::Value;
    let mut merged = serde_json::Map::new();
    for page in pages {
        let value = match page.get(key) {
            None | Some(Value::Null) => continue,
            Some(value) => value,
        };
        match (merged.get_mut(key), value) {
            (Some(Value::Array(existing)), Value::Array(items)) => {
                existing.extend(items.iter().cloned())
            }
            (Some(_), _) => {}
            (None, value) => {
                merged.insert(key.to_owned(), value.clone());
            }
        }
    }
    if let Some(token) = resume_token {
        merged.insert("NextToken".into(), token.into());
    }
    Value::Object(merged)
}

/// `set_value_from_jmespath` for a top-level key: replaces the member in place, or appends it.
fn set_member(body: &mut serde_json::Value, key: &str, value: serde_json::Value) {
    if let Some(object) = body.as_object_mut() {
        object.insert(key.to_owned(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resume_tokens_are_botocores() {
        assert_eq!(
            encode_resume_token(Some("abc"), Some(1)),
            "eyJuZXh0VG9rZW4iOiAiYWJjIiwgImJvdG9fdHJ1bmNhdGVfYW1vdW50IjogMX0="
        );
        assert_eq!(
            encode_resume_token(None, Some(2)),
            "eyJuZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAyfQ=="
        );
        assert_eq!(
            encode_resume_token(Some("tok/é"), None),
            "eyJuZXh0VG9rZW4iOiAidG9rL1x1MDBlOSJ9"
        );
    }

    #[test]
    fn starting_tokens_decode_like_botocore() {
        let decoded = StartingToken::decode(
            "eyJuZXh0VG9rZW4iOiAiYWJjIiwgImJvdG9fdHJ1bmNhdGVfYW1vdW50IjogMX0=",
        )
        .unwrap();
        assert_eq!(
            decoded,
            StartingToken {
                next_token: Some("abc".into()),
                skip: 1,
                extra_keys: Vec::new(),
            }
        );
        let decoded = StartingToken::decode(
            "eyJuZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAyfQ==",
        )
        .unwrap();
        assert_eq!(
            decoded,
            StartingToken {
                next_token: None,
                skip: 2,
                extra_keys: Vec::new(),
            }
        );
        // Old `TOKEN___INDEX` tokens and raw service tokens.
        assert_eq!(
            StartingToken::decode("raw___3").unwrap(),
            StartingToken {
                next_token: Some("raw".into()),
                skip: 3,
                extra_keys: Vec::new(),
            }
        );
        assert_eq!(
            StartingToken::decode("not-base64!").unwrap(),
            StartingToken {
                next_token: Some("not-base64!".into()),
                skip: 0,
                extra_keys: Vec::new(),
            }
        );
        assert_eq!(
            StartingToken::decode("a___b___c").unwrap_err().to_string(),
            "Bad starting token: a___b___c"
        );
    }

    /// A service with `items` served `page_size` at a time (tokens are offsets).
    fn service(
        items: usize,
        default_page: usize,
    ) -> impl FnMut(Option<String>, Option<u32>) -> std::future::Ready<Result<Page>> {
        move |token, size| {
            let start: usize = token.map_or(0, |t| t.parse().unwrap());
            let size = size.map_or(default_page, |s| s as usize);
            let end = (start + size).min(items);
            let list: Vec<_> = (start..end)
                .map(|i| json!({"accountId": i.to_string()}))
                .collect();
            let next_token = (end < items).then(|| end.to_string());
            let mut body = json!({ "accountList": list });
            if let Some(t) = &next_token {
                body["nextToken"] = t.clone().into();
            }
            std::future::ready(Ok(Page { body, next_token }))
        }
    }

    fn run(paging: Paging, items: usize) -> Response {
        crate::http::runtime()
            .unwrap()
            .block_on(paginate(&LIST_ACCOUNTS, &paging, service(items, 1)))
            .unwrap()
    }

    fn ids(value: &serde_json::Value) -> Vec<String> {
        value["accountList"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["accountId"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn pages_are_merged_and_max_items_resumes() {
        let Response::Pages { pages, merged } = run(Paging::default(), 3) else {
            panic!()
        };
        assert_eq!(pages.len(), 3);
        assert_eq!(ids(&merged), ["0", "1", "2"]);
        assert_eq!(merged.as_object().unwrap().len(), 1);

        // Cut inside a page of 2: resume in that page, skipping what was shown.
        let paging = Paging {
            page_size: Some(2),
            max_items: Some(3),
            ..Paging::default()
        };
        let Response::Pages { merged, .. } = run(paging, 5) else {
            panic!()
        };
        let resume_token = merged
            .get("NextToken")
            .and_then(|t| t.as_str())
            .map(str::to_owned);
        assert_eq!(ids(&merged), ["0", "1", "2"]);
        let token = resume_token.unwrap();
        let start = StartingToken::decode(&token).unwrap();
        assert_eq!(
            start,
            StartingToken {
                next_token: Some("2".into()),
                skip: 1,
                extra_keys: Vec::new(),
            }
        );
        let paging = Paging {
            page_size: Some(2),
            starting: Some(start),
            ..Paging::default()
        };
        let Response::Pages { merged, .. } = run(paging, 5) else {
            panic!()
        };
        let resume_token = merged
            .get("NextToken")
            .and_then(|t| t.as_str())
            .map(str::to_owned);
        assert_eq!(ids(&merged), ["3", "4"]);
        assert_eq!(resume_token, None);

        // Cut on a page boundary: the service token itself.
        let paging = Paging {
            max_items: Some(2),
            ..Paging::default()
        };
        let Response::Pages { merged, .. } = run(paging, 5) else {
            panic!()
        };
        let resume_token = merged
            .get("NextToken")
            .and_then(|t| t.as_str())
            .map(str::to_owned);
        assert_eq!(ids(&merged), ["0", "1"]);
        assert_eq!(resume_token.unwrap(), encode_resume_token(Some("2"), None));
    }

    #[test]
    fn no_paginate_shows_the_raw_first_page() {
        let paging = Paging {
            single_page: true,
            ..Paging::default()
        };
        assert_eq!(
            run(paging, 3),
            Response::Single(json!({"nextToken": "1", "accountList": [{"accountId": "0"}]}))
        );
    }

    #[test]
    fn a_repeated_next_token_stops_pagination() {
        let fetch = |_token: Option<String>, _size| {
            std::future::ready(Ok(Page {
                body: json!({"accountList": [], "nextToken": "same"}),
                next_token: Some("same".into()),
            }))
        };
        let err = crate::http::runtime()
            .unwrap()
            .block_on(paginate(&LIST_ACCOUNTS, &Paging::default(), fetch))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Error during pagination: The same next token was received twice: {'nextToken': 'same'}"
        );
    }

    /// The token in the message is a Python repr: a quote picks the other quote character,
    /// and a backslash is doubled (one of the two hand-written reprs here got it wrong).
    #[test]
    fn a_repeated_token_is_shown_as_python_repr() {
        let token = "it's\\x";
        let fetch = |_token: Option<String>, _size| {
            std::future::ready(Ok(Page {
                body: json!({"accountList": [], "nextToken": token}),
                next_token: Some(token.into()),
            }))
        };
        let err = crate::http::runtime()
            .unwrap()
            .block_on(paginate(&LIST_ACCOUNTS, &Paging::default(), fetch))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Error during pagination: The same next token was received twice: {'nextToken': \"it's\\\\x\"}"
        );
    }

    #[test]
    fn pagination_flags_are_checked_like_v2() {
        let err = Paging::new(true, Some("x"), Some(0), Some(2)).unwrap_err();
        assert_eq!(
            (err.exit_code(), err.to_string().as_str()),
            (252, "An error occurred (ParamValidation): Cannot specify --no-paginate along with pagination arguments: --starting-token, --max-items")
        );
        let paging = Paging::new(false, None, Some(0), Some(0)).unwrap();
        let err = paging.validate(&LIST_ACCOUNTS).unwrap_err();
        assert_eq!(
            err.to_string(),
            "An error occurred (ParamValidation): Parameter validation failed:\nInvalid value for parameter maxResults, value: 0, valid min value: 1"
        );
        assert_eq!(
            paging.warning(),
            Some(
                "warning: Non-positive values for --max-items may result in undefined behavior.\n"
            )
        );
        let negative = Paging::new(false, None, Some(-1), Some(-1)).unwrap();
        assert!(negative.warning().is_some());
        assert_eq!(
            negative.validate(&LIST_ACCOUNTS).unwrap_err().to_string(),
            "An error occurred (ParamValidation): Parameter validation failed:\nInvalid value for parameter maxResults, value: -1, valid min value: 1"
        );
        assert_eq!(
            Paging::new(false, None, None, Some(1)).unwrap().warning(),
            None
        );
    }

    fn encoded(json: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(json)
    }

    #[test]
    fn starting_token_keys_are_request_parameters() {
        // Keys with a value become parameters the input shape must have; null and 'None'
        // ones are dropped, and botocore's own keys are not parameters.
        let token = encoded(
            r#"{"x": 1, "nextToken": "abc", "y": null, "z": "None", "accountId": "1", "boto_truncate_amount": 1, "w": ""}"#,
        );
        let paging = Paging::new(false, Some(&token), Some(0), None).unwrap();
        assert_eq!(
            paging.validate(&LIST_ACCOUNTS).unwrap_err().to_string(),
            "An error occurred (ParamValidation): Parameter validation failed:\nUnknown parameter in input: \"x\", must be one of: nextToken, maxResults, accessToken\nUnknown parameter in input: \"accountId\", must be one of: nextToken, maxResults, accessToken\nUnknown parameter in input: \"w\", must be one of: nextToken, maxResults, accessToken\nInvalid value for parameter maxResults, value: 0, valid min value: 1"
        );
        let err = Paging::new(false, Some(&token), None, None)
            .unwrap()
            .validate(&LIST_ACCOUNT_ROLES)
            .unwrap_err();
        assert_eq!(
            (err.exit_code(), err.to_string().as_str()),
            (252, "An error occurred (ParamValidation): Parameter validation failed:\nUnknown parameter in input: \"x\", must be one of: nextToken, maxResults, accessToken, accountId\nUnknown parameter in input: \"w\", must be one of: nextToken, maxResults, accessToken, accountId")
        );
        let known = encoded(r#"{"nextToken": "abc", "y": null}"#);
        Paging::new(false, Some(&known), None, None)
            .unwrap()
            .validate(&LIST_ACCOUNTS)
            .unwrap();
    }

    /// botocore's arithmetic with a non-positive `--max-items`, as v2 runs it after its
    /// warning: the first page loses `1 - max_items` items from its end (Python's negative
    /// slice) and the resume token carries the negative amount.
    #[test]
    fn a_negative_max_items_slices_like_python() {
        let paging = Paging {
            page_size: Some(3),
            max_items: Some(-1),
            ..Paging::default()
        };
        let Response::Pages { pages, merged } = run(paging, 5) else {
            panic!()
        };
        assert_eq!(pages.len(), 1);
        assert_eq!(ids(&merged), ["0", "1"]);
        let token = merged["NextToken"].as_str().unwrap();
        assert_eq!(token, encode_resume_token(None, Some(-1)));
        // Resuming with it starts at the page's last item.
        let paging = Paging {
            page_size: Some(3),
            starting: Some(StartingToken::decode(token).unwrap()),
            ..Paging::default()
        };
        let Response::Pages { merged, .. } = run(paging, 5) else {
            panic!()
        };
        assert_eq!(ids(&merged), ["2", "3", "4"]);
        let paging = Paging {
            max_items: Some(0),
            ..Paging::default()
        };
        let Response::Pages { merged, .. } = run(paging, 5) else {
            panic!()
        };
        assert_eq!(ids(&merged), Vec::<String>::new());
        assert_eq!(
            merged["NextToken"].as_str().unwrap(),
            encode_resume_token(None, Some(0))
        );
    }
}
