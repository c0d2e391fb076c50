//! `awsso sso list-accounts`, `list-account-roles` and `get-role-credentials`: the portal
//! operations as AWS CLI v2 generates them from the `sso` service model, with its
//! auto-pagination (botocore `paginate.py` + `awscli/customizations/paginate.py`).
//!
//! - Pages are fetched until the service stops sending `nextToken` and merged
//!   (`build_full_result`); `--max-items` truncates and adds botocore's `NextToken`
//!   resumption token (base64 of `{"nextToken": ..., "boto_truncate_amount": N}`), which
//!   `--starting-token` accepts back, from awsso or from the AWS CLI; `--page-size` is the
//!   service's `max_result`; `--no-paginate` makes one call and shows the raw `nextToken`.
//! - Responses are shown as botocore parses them: the model's members in the model's order,
//!   unknown members and nulls dropped.
//! - The token: `--access-token` (required in v2) with the client region (`--region`, env,
//!   profile); without it (awsso) the cached token of `--sso-session` or the profile, through
//!   the SSO token provider, in the session's `sso_region` unless `--region` is given
//!   (CONTRACT.md, Profiles). With neither a flag nor an SSO profile, v2's
//!   `the following arguments are required: --access-token`.

use base64::Engine as _;

use crate::cli::{
    GetRoleCredentialsArgs, GlobalArgs, ListAccountRolesArgs, ListAccountsArgs, PaginationArgs,
    PortalTokenArgs,
};
use crate::config::{self, AwsConfig, Props};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::http::{self, EndpointConfig, HttpClient, Service};
use crate::oidc::OidcClient;
use crate::output::{Formatter, Query};
use crate::portal::{Page, PortalClient};
use crate::settings;
use crate::sso_token::{self, LoginTarget};

pub fn list_accounts(ctx: &Context, global: &GlobalArgs, args: &ListAccountsArgs) -> Result<()> {
    let loaded = Loaded::check_required(ctx, global, &args.token, Vec::new())?;
    let paging = Paging::from_args(ctx, global, &args.pagination)?;
    let call = loaded.resolve(ctx, global, &args.token)?;
    paging.validate()?;
    let http = call.http(ctx, global)?;
    let client = &call.client(ctx, global, &http)?;
    let response = http::runtime()?.block_on(async {
        let access_token = &call.access_token(ctx, &http).await?;
        paginate(&LIST_ACCOUNTS, &paging, |token, size| async move {
            client
                .list_accounts_page(ctx, access_token, token.as_deref(), size)
                .await
        })
        .await
    })?;
    call.show(ctx, global, LIST_ACCOUNTS.operation, response)
}

pub fn list_account_roles(
    ctx: &Context,
    global: &GlobalArgs,
    args: &ListAccountRolesArgs,
) -> Result<()> {
    let missing = missing_required(&[("--account-id", &args.account_id)]);
    let loaded = Loaded::check_required(ctx, global, &args.token, missing)?;
    let paging = Paging::from_args(ctx, global, &args.pagination)?;
    let call = loaded.resolve(ctx, global, &args.token)?;
    paging.validate()?;
    let account_id = args.account_id.as_deref().unwrap_or_default();
    let http = call.http(ctx, global)?;
    let client = &call.client(ctx, global, &http)?;
    let response = http::runtime()?.block_on(async {
        let access_token = &call.access_token(ctx, &http).await?;
        paginate(&LIST_ACCOUNT_ROLES, &paging, |token, size| async move {
            client
                .list_account_roles_page(ctx, access_token, account_id, token.as_deref(), size)
                .await
        })
        .await
    })?;
    call.show(ctx, global, LIST_ACCOUNT_ROLES.operation, response)
}

pub fn get_role_credentials(
    ctx: &Context,
    global: &GlobalArgs,
    args: &GetRoleCredentialsArgs,
) -> Result<()> {
    // v2's argument table follows the input shape: roleName, accountId, accessToken.
    let missing = missing_required(&[
        ("--role-name", &args.role_name),
        ("--account-id", &args.account_id),
    ]);
    let call = Loaded::check_required(ctx, global, &args.token, missing)?.resolve(
        ctx,
        global,
        &args.token,
    )?;
    let http = call.http(ctx, global)?;
    let client = call.client(ctx, global, &http)?;
    let credentials = http::runtime()?.block_on(async {
        let access_token = call.access_token(ctx, &http).await?;
        client
            .get_role_credentials(
                ctx,
                &access_token,
                args.account_id.as_deref().unwrap_or_default(),
                args.role_name.as_deref().unwrap_or_default(),
            )
            .await
    })?;
    let body = serde_json::json!({ "roleCredentials": credentials });
    let response = Response::Single(normalize(&body, &GET_ROLE_CREDENTIALS_OUTPUT));
    call.show(ctx, global, "GetRoleCredentials", response)
}

/// The required parameters (in v2's argument-table order) that were not given.
fn missing_required(params: &[(&'static str, &Option<String>)]) -> Vec<&'static str> {
    params
        .iter()
        .filter(|(_, value)| value.is_none())
        .map(|(name, _)| *name)
        .collect()
}

/// The config as loaded (an error is reported only once the arguments are known to be
/// complete, as v2 parses arguments before it reads any file) and the profile choice.
struct Loaded {
    config: Result<AwsConfig>,
    choice: settings::ProfileChoice,
}

impl Loaded {
    /// Reports missing required parameters as v2's argument parser does (usage block, 252).
    fn check_required(
        ctx: &Context,
        global: &GlobalArgs,
        token: &PortalTokenArgs,
        mut missing: Vec<&'static str>,
    ) -> Result<Self> {
        // v2 compiles --query with the global options, before the operation's own.
        if let Some(query) = &global.query {
            Query::parse(query)?;
        }
        let config = AwsConfig::load(ctx);
        let choice = settings::profile_choice(ctx, global);
        // Without --access-token and with nothing configured to supply one, v2's
        // "required: --access-token" is the most helpful answer.
        let has_token_source = token.access_token.is_some()
            || token.sso_session.is_some()
            || config.as_ref().is_ok_and(|config| {
                config.profile(&choice.name).is_some_and(|props| {
                    config::get(props, "sso_session").is_some()
                        || config::get(props, "sso_start_url").is_some()
                })
            });
        if !has_token_source {
            missing.push("--access-token");
        }
        if !missing.is_empty() {
            // argparse's `error()` as v2 reports it: message, blank line, usage block.
            return Err(Error::ParamValidation(format!(
                "the following arguments are required: {}\n\n{}",
                missing.join(", "),
                crate::usage::USAGE
            )));
        }
        Ok(Loaded { config, choice })
    }

    /// Settles profile, token and region.
    fn resolve(
        self,
        ctx: &Context,
        global: &GlobalArgs,
        token: &PortalTokenArgs,
    ) -> Result<Invocation> {
        let config = self.config?;
        let profile = settings::scoped_profile(&config, &self.choice)?.into_owned();
        let (token, region) = match &token.access_token {
            Some(access_token) => {
                let region = settings::region(ctx, global, &profile).ok_or(Error::NoRegion)?;
                (TokenSource::Given(access_token.clone()), region)
            }
            None => {
                let target = sso_token::resolve_login_target(
                    &config,
                    &self.choice,
                    &profile,
                    token.sso_session.as_deref(),
                )?;
                let region = global.region.clone().unwrap_or(target.region.clone());
                (TokenSource::Cached(target), region)
            }
        };
        Ok(Invocation {
            config,
            profile,
            token,
            region,
        })
    }
}

/// Where the access token comes from.
enum TokenSource {
    /// `--access-token`.
    Given(String),
    /// The SSO token cache of this session or legacy profile (awsso).
    Cached(LoginTarget),
}

/// Everything a portal command settles before its first request.
struct Invocation {
    config: AwsConfig,
    profile: Props,
    token: TokenSource,
    /// The portal's region.
    region: String,
}

impl Invocation {
    /// The access token: the flag's, or the cached one through the shared SSO token provider
    /// (refreshed when due, v2's errors when missing or expired).
    async fn access_token(&self, ctx: &Context, http: &HttpClient) -> Result<String> {
        match &self.token {
            TokenSource::Given(token) => Ok(token.clone()),
            TokenSource::Cached(target) => {
                let oidc = OidcClient {
                    http,
                    endpoint: http::checked_endpoint(
                        ctx,
                        Service::SsoOidc,
                        &target.region,
                        EndpointConfig {
                            flag: None,
                            profile: Some(&self.profile),
                            config: Some(&self.config),
                        },
                    )?,
                };
                Ok(sso_token::sso_token(ctx, &oidc, target).await?.access_token)
            }
        }
    }

    fn http(&self, ctx: &Context, global: &GlobalArgs) -> Result<HttpClient> {
        let transport = settings::transport(ctx, global, &self.profile);
        HttpClient::new(ctx, &transport, Some(&self.profile))
    }

    fn client<'a>(
        &self,
        ctx: &Context,
        global: &GlobalArgs,
        http: &'a HttpClient,
    ) -> Result<PortalClient<'a>> {
        let endpoint = http::checked_endpoint(
            ctx,
            Service::Sso,
            &self.region,
            EndpointConfig {
                flag: global.endpoint_url.as_deref(),
                profile: Some(&self.profile),
                config: Some(&self.config),
            },
        )?;
        Ok(PortalClient { http, endpoint })
    }

    fn show(
        &self,
        ctx: &Context,
        global: &GlobalArgs,
        operation: &'static str,
        response: Response,
    ) -> Result<()> {
        print_response(ctx, global, &self.profile, operation, response)
    }
}

// ---------------------------------------------------------------------------------------------
// What the service returns, as botocore parses it.

/// A fragment of the `sso` service model: enough to parse responses the way botocore does.
enum Shape {
    Scalar,
    List(&'static Shape),
    Structure(&'static [(&'static str, Shape)]),
}

const ACCOUNT_INFO: Shape = Shape::Structure(&[
    ("accountId", Shape::Scalar),
    ("accountName", Shape::Scalar),
    ("emailAddress", Shape::Scalar),
]);
const ROLE_INFO: Shape =
    Shape::Structure(&[("roleName", Shape::Scalar), ("accountId", Shape::Scalar)]);
const LIST_ACCOUNTS_OUTPUT: Shape = Shape::Structure(&[
    ("nextToken", Shape::Scalar),
    ("accountList", Shape::List(&ACCOUNT_INFO)),
]);
const LIST_ACCOUNT_ROLES_OUTPUT: Shape = Shape::Structure(&[
    ("nextToken", Shape::Scalar),
    ("roleList", Shape::List(&ROLE_INFO)),
]);
const GET_ROLE_CREDENTIALS_OUTPUT: Shape = Shape::Structure(&[(
    "roleCredentials",
    Shape::Structure(&[
        ("accessKeyId", Shape::Scalar),
        ("secretAccessKey", Shape::Scalar),
        ("sessionToken", Shape::Scalar),
        ("expiration", Shape::Scalar),
    ]),
)]);

/// botocore's rest-json parser: a structure keeps its modeled members that are present and not
/// null, in model order; scalars pass through as sent.
fn normalize(value: &serde_json::Value, shape: &Shape) -> serde_json::Value {
    use serde_json::Value;
    match (shape, value) {
        (Shape::Structure(members), Value::Object(object)) => Value::Object(
            members
                .iter()
                .filter_map(|(name, member)| match object.get(*name) {
                    None | Some(Value::Null) => None,
                    Some(v) => Some(((*name).to_owned(), normalize(v, member))),
                })
                .collect(),
        ),
        (Shape::List(item), Value::Array(items)) => {
            Value::Array(items.iter().map(|v| normalize(v, item)).collect())
        }
        _ => value.clone(),
    }
}

/// One paginated operation (`paginators-1.json`).
struct Paginated {
    operation: &'static str,
    output: &'static Shape,
    /// `result_key`; `input_token`/`output_token` are `nextToken` for both operations.
    result_key: &'static str,
}

const LIST_ACCOUNTS: Paginated = Paginated {
    operation: "ListAccounts",
    output: &LIST_ACCOUNTS_OUTPUT,
    result_key: "accountList",
};
const LIST_ACCOUNT_ROLES: Paginated = Paginated {
    operation: "ListAccountRoles",
    output: &LIST_ACCOUNT_ROLES_OUTPUT,
    result_key: "roleList",
};

// ---------------------------------------------------------------------------------------------
// Pagination.

/// The pagination options, checked as v2 checks them.
#[derive(Debug, Default, PartialEq, Eq)]
struct Paging {
    /// `--no-paginate`: one call, raw response.
    single_page: bool,
    starting: Option<StartingToken>,
    page_size: Option<u32>,
    max_items: Option<u32>,
}

impl Paging {
    fn from_args(ctx: &Context, global: &GlobalArgs, args: &PaginationArgs) -> Result<Self> {
        if global.no_paginate {
            // `ensure_paging_params_not_set`: Python truthiness, so 0 counts as unset.
            let used: Vec<&str> = [
                (
                    "--starting-token",
                    args.starting_token
                        .as_deref()
                        .is_some_and(|s| !s.is_empty()),
                ),
                ("--page-size", args.page_size.is_some_and(|n| n != 0)),
                ("--max-items", args.max_items.is_some_and(|n| n != 0)),
            ]
            .iter()
            .filter(|(_, used)| *used)
            .map(|(name, _)| *name)
            .collect();
            if !used.is_empty() {
                return Err(Error::ParamValidation(format!(
                    "Cannot specify --no-paginate along with pagination arguments: {}",
                    used.join(", ")
                )));
            }
        }
        if args.max_items == Some(0) {
            ctx.err(
                "warning: Non-positive values for --max-items may result in undefined behavior.\n",
            );
        }
        Ok(Paging {
            single_page: global.no_paginate,
            starting: args
                .starting_token
                .as_deref()
                .map(StartingToken::decode)
                .transpose()?,
            page_size: args.page_size,
            max_items: args.max_items,
        })
    }
}

impl Paging {
    /// botocore's parameter validation, run when the request is built: `maxResults` has a
    /// minimum of 1.
    fn validate(&self) -> Result<()> {
        match self.page_size {
            Some(0) => Err(Error::ParamValidation(
                "Parameter validation failed:\nInvalid value for parameter maxResults, value: 0, valid min value: 1".into(),
            )),
            _ => Ok(()),
        }
    }
}

/// A decoded `--starting-token`: the service token to resume with and how many items of that
/// page were already shown.
#[derive(Debug, Default, PartialEq, Eq)]
struct StartingToken {
    next_token: Option<String>,
    skip: usize,
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
            [token, index] => match index.trim().parse::<usize>() {
                Ok(index) => (vec![*token], index),
                Err(_) => (vec![text], 0),
            },
            _ => (parts, 0),
        };
        match parts.as_slice() {
            [token] => Ok(StartingToken {
                next_token: (*token != "None").then(|| (*token).to_owned()),
                skip,
            }),
            _ => Err(Error::Other(format!("Bad starting token: {text}"))),
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
        Some(StartingToken {
            next_token: object
                .get("nextToken")
                .and_then(|v| v.as_str())
                .filter(|s| *s != "None")
                .map(str::to_owned),
            skip: object
                .get("boto_truncate_amount")
                .and_then(|v| v.as_u64())
                .unwrap_or(0) as usize,
        })
    }
}

/// botocore's `TokenEncoder`: base64 of `json.dumps({"nextToken": ..., ...})`.
fn encode_resume_token(next_token: Option<&str>, truncate_amount: Option<usize>) -> String {
    let mut object = serde_json::Map::new();
    object.insert(
        "nextToken".into(),
        next_token.map_or(serde_json::Value::Null, |t| t.into()),
    );
    if let Some(amount) = truncate_amount {
        object.insert("boto_truncate_amount".into(), amount.into());
    }
    let json = crate::cache::python_json(&serde_json::Value::Object(object));
    base64::engine::general_purpose::STANDARD.encode(json)
}

/// What a portal command shows.
#[derive(Debug, PartialEq)]
enum Response {
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
async fn paginate<F, Fut>(operation: &Paginated, paging: &Paging, mut fetch: F) -> Result<Response>
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
    let mut total = 0usize;
    let mut first = true;
    let mut pages = Vec::new();
    let mut resume_token = None;
    loop {
        let page = fetch(request_token.clone(), paging.page_size).await?;
        let mut body = normalize(&page.body, operation.output);
        let mut starting_truncation = 0;
        if first {
            first = false;
            if let Some(start) = &paging.starting {
                // `_handle_first_request`: skip what the previous run already showed.
                starting_truncation = start.skip;
                let sliced = match body.get(key) {
                    Some(Value::Array(items)) => {
                        Value::Array(items.iter().skip(start.skip).cloned().collect())
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
        if let Some(max_items) = paging.max_items.map(|n| n as usize) {
            if total + items.len() > max_items {
                // `_truncate_response`: keep what fits, remember where to resume within
                // this page (counting the items skipped at its start).
                let keep = max_items - total;
                set_member(
                    &mut body,
                    key,
                    Value::Array(items.into_iter().take(keep).collect()),
                );
                resume_token = Some(encode_resume_token(
                    request_token.as_deref(),
                    Some(keep + starting_truncation),
                ));
                pages.push(body);
                break;
            }
        }
        total += items.len();
        pages.push(body);
        let Some(next_token) = page.next_token else {
            break;
        };
        if paging.max_items.map(|n| n as usize) == Some(total) {
            // On a page boundary: the service's token is the resumption point.
            resume_token = Some(encode_resume_token(Some(&next_token), None));
            break;
        }
        if previous_token.as_deref() == Some(next_token.as_str()) {
            return Err(Error::Other(format!(
                "Error during pagination: The same next token was received twice: {{'nextToken': {}}}",
                python_str_repr(&next_token)
            )));
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

/// Python's `repr` of a str, for botocore messages that embed one.
fn python_str_repr(s: &str) -> String {
    if s.contains('\'') && !s.contains('"') {
        format!("\"{s}\"")
    } else {
        format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

/// Shows the response in the chosen output format (the shared formatter: for paginated
/// responses, text applies `--query` page by page as v2 does).
fn print_response(
    ctx: &Context,
    global: &GlobalArgs,
    profile: &Props,
    operation: &'static str,
    response: Response,
) -> Result<()> {
    let formatter = Formatter::from_settings(ctx, global, profile)?;
    let text = match &response {
        Response::Single(value) => formatter.format(operation, value)?,
        Response::Pages { pages, merged } => formatter.format_pages(operation, pages, merged)?,
    };
    ctx.out(&text);
    Ok(())
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
                skip: 1
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
                skip: 2
            }
        );
        // Old `TOKEN___INDEX` tokens and raw service tokens.
        assert_eq!(
            StartingToken::decode("raw___3").unwrap(),
            StartingToken {
                next_token: Some("raw".into()),
                skip: 3
            }
        );
        assert_eq!(
            StartingToken::decode("not-base64!").unwrap(),
            StartingToken {
                next_token: Some("not-base64!".into()),
                skip: 0
            }
        );
        assert_eq!(
            StartingToken::decode("a___b___c").unwrap_err().to_string(),
            "Bad starting token: a___b___c"
        );
    }

    #[test]
    fn responses_are_parsed_like_botocore() {
        let body = json!({
            "accountList": [{"emailAddress": "e", "extra": 1, "accountId": "1", "accountName": null}],
            "nextToken": "t",
            "unknown": true
        });
        let parsed = normalize(&body, &LIST_ACCOUNTS_OUTPUT);
        assert_eq!(
            serde_json::to_string(&parsed).unwrap(),
            r#"{"nextToken":"t","accountList":[{"accountId":"1","emailAddress":"e"}]}"#
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
        http::runtime()
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
                skip: 1
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
        let err = http::runtime()
            .unwrap()
            .block_on(paginate(&LIST_ACCOUNTS, &Paging::default(), fetch))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Error during pagination: The same next token was received twice: {'nextToken': 'same'}"
        );
    }

    #[test]
    fn pagination_flags_are_checked_like_v2() {
        let ctx = Context::for_tests(
            crate::context::Env::default(),
            std::time::SystemTime::UNIX_EPOCH,
        );
        let global = GlobalArgs {
            no_paginate: true,
            ..GlobalArgs::default()
        };
        let args = PaginationArgs {
            starting_token: Some("x".into()),
            page_size: Some(0),
            max_items: Some(2),
        };
        let err = Paging::from_args(&ctx, &global, &args).unwrap_err();
        assert_eq!(
            (err.exit_code(), err.to_string().as_str()),
            (252, "An error occurred (ParamValidation): Cannot specify --no-paginate along with pagination arguments: --starting-token, --max-items")
        );
        let args = PaginationArgs {
            max_items: Some(0),
            page_size: Some(0),
            ..PaginationArgs::default()
        };
        let paging = Paging::from_args(&ctx, &GlobalArgs::default(), &args).unwrap();
        let err = paging.validate().unwrap_err();
        assert_eq!(
            err.to_string(),
            "An error occurred (ParamValidation): Parameter validation failed:\nInvalid value for parameter maxResults, value: 0, valid min value: 1"
        );
        assert_eq!(
            ctx.take_stderr(),
            "warning: Non-positive values for --max-items may result in undefined behavior.\n"
        );
    }
}
