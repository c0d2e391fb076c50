//! The SSO portal API (`portal.sso.{region}.amazonaws.com`, restJson1, unsigned): the
//! bearer token travels in `x-amz-sso_bearer_token`. GetRoleCredentials, ListAccounts,
//! ListAccountRoles (a page per call, or every page gathered) and Logout; botocore's
//! paginator with its resumption tokens ([`paginate`]) and its response parsing
//! ([`model`]).

pub mod model;
pub mod paginate;

use serde::{Deserialize, Serialize};

use crate::context::Context;
use crate::error::{Error, Result};
use crate::http::Transport;
use crate::http::{
    is_throttling_response, json_error, HttpClient, HttpRequest, HttpResponse, Service,
};
use crate::rate_limit::RateLimiter;
use crate::secret::Secret;

pub use model::RoleCredentials;
pub use paginate::Page;

use paginate::PaginationError;

/// A portal answer awsso cannot read (a general error, 255).
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    /// A body that is not the operation's JSON.
    #[error("Unable to parse the {operation} response from the SSO portal: {reason}")]
    Unparseable {
        operation: String,
        reason: serde_json::Error,
    },
}

impl From<PortalError> for Error {
    fn from(e: PortalError) -> Self {
        Error::Other(Box::new(e))
    }
}

/// For `map_err`: `operation`'s answer did not read as its model.
fn unparseable(operation: &str) -> impl FnOnce(serde_json::Error) -> PortalError + '_ {
    move |reason| PortalError::Unparseable {
        operation: operation.to_owned(),
        reason,
    }
}

const TOKEN_HEADER: &str = "x-amz-sso_bearer_token";

/// The most items a ListAccounts or ListAccountRoles page holds (`maxResults`, 1 to 100 in
/// the service model).
pub const MAX_PAGE_SIZE: u32 = 100;

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AccountInfo {
    pub account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RoleInfo {
    pub role_name: String,
    pub account_id: String,
}

pub struct PortalClient<'a> {
    pub http: &'a HttpClient,
    /// Base URL, no trailing `/`.
    pub endpoint: String,
    /// Paces every attempt ([`PortalClient::rate_limited`]); else the transport's own.
    pub limiter: Option<&'a RateLimiter>,
    /// `max_result` of the full listings; `None` sends none, as botocore's paginator.
    pub page_size: Option<u32>,
    /// Further tries of a call the portal still throttles once the transport's own attempts
    /// are spent ([`PortalClient::retry_throttling`]).
    pub throttle_retries: u32,
}

impl<'a> PortalClient<'a> {
    /// The portal of `region` for the command's own clients (credential providers, login,
    /// logout): `--endpoint-url` does not apply.
    pub fn new(transport: &'a Transport, region: &str) -> Result<Self> {
        Ok(PortalClient {
            http: &transport.http,
            endpoint: transport.endpoints.url(Service::Sso, region)?,
            limiter: None,
            page_size: None,
            throttle_retries: 0,
        })
    }

    /// Every attempt of this client's calls takes a token of `limiter` first
    /// ([`crate::rate_limit`]): many calls share one rate that follows the portal's throttling.
    pub fn rate_limited(self, limiter: &'a RateLimiter) -> Self {
        PortalClient {
            limiter: Some(limiter),
            ..self
        }
    }

    /// A call the portal still throttles after the transport's attempts (`max_attempts`) is
    /// made again, up to `retries` times, after a pause with full jitter that doubles each
    /// time up to 20 s (botocore's standard backoff, continued): a long listing outlasts a
    /// busy minute instead of failing on it.
    pub fn retry_throttling(self, retries: u32) -> Self {
        PortalClient {
            throttle_retries: retries,
            ..self
        }
    }

    /// Pages of `max_result` items in the full listings ([`PortalClient::list_all_accounts`],
    /// [`PortalClient::list_all_account_roles`]).
    pub fn page_size(self, max_results: u32) -> Self {
        PortalClient {
            page_size: Some(max_results),
            ..self
        }
    }

    /// The portal of `region` for the `sso` commands themselves: `--endpoint-url` first.
    pub fn for_command(transport: &'a Transport, region: &str) -> Result<Self> {
        Ok(PortalClient {
            http: &transport.http,
            endpoint: transport.endpoints.command_url(Service::Sso, region)?,
            limiter: None,
            page_size: None,
            throttle_retries: 0,
        })
    }

    pub async fn get_role_credentials(
        &self,
        ctx: &Context,
        access_token: &Secret,
        account_id: &str,
        role_name: &str,
    ) -> Result<RoleCredentials> {
        let url = with_query(
            format!("{}/federation/credentials", self.endpoint),
            &[
                ("role_name", Some(role_name)),
                ("account_id", Some(account_id)),
            ],
        );
        let response = self
            .call(
                ctx,
                "GetRoleCredentials",
                reqwest::Method::GET,
                url,
                access_token,
            )
            .await?;
        role_credentials(&response)
    }

    pub async fn list_accounts_page(
        &self,
        ctx: &Context,
        access_token: &Secret,
        next_token: Option<&str>,
        max_results: Option<u32>,
    ) -> Result<Page> {
        let max = max_results.map(|n| n.to_string());
        let url = with_query(
            format!("{}/assignment/accounts", self.endpoint),
            &[("next_token", next_token), ("max_result", max.as_deref())],
        );
        let response = self
            .call(ctx, "ListAccounts", reqwest::Method::GET, url, access_token)
            .await?;
        page(&response, "ListAccounts")
    }

    pub async fn list_account_roles_page(
        &self,
        ctx: &Context,
        access_token: &Secret,
        account_id: &str,
        next_token: Option<&str>,
        max_results: Option<u32>,
    ) -> Result<Page> {
        let max = max_results.map(|n| n.to_string());
        let url = with_query(
            format!("{}/assignment/roles", self.endpoint),
            &[
                ("next_token", next_token),
                ("max_result", max.as_deref()),
                ("account_id", Some(account_id)),
            ],
        );
        let response = self
            .call(
                ctx,
                "ListAccountRoles",
                reqwest::Method::GET,
                url,
                access_token,
            )
            .await?;
        page(&response, "ListAccountRoles")
    }

    /// Every account, all pages gathered.
    pub async fn list_all_accounts(
        &self,
        ctx: &Context,
        access_token: &Secret,
    ) -> Result<Vec<AccountInfo>> {
        let mut accounts = Vec::new();
        let mut token: Option<String> = None;
        let mut seen = SeenTokens::default();
        loop {
            let page = self
                .list_accounts_page(ctx, access_token, token.as_deref(), self.page_size)
                .await?;
            accounts.extend(items::<AccountInfo>(
                page.body,
                "accountList",
                "ListAccounts",
            )?);
            match page.next_token {
                Some(next) => token = Some(seen.check(next)?),
                None => return Ok(accounts),
            }
        }
    }

    /// Every role of one account, all pages gathered.
    pub async fn list_all_account_roles(
        &self,
        ctx: &Context,
        access_token: &Secret,
        account_id: &str,
    ) -> Result<Vec<RoleInfo>> {
        let mut roles = Vec::new();
        let mut token: Option<String> = None;
        let mut seen = SeenTokens::default();
        loop {
            let page = self
                .list_account_roles_page(
                    ctx,
                    access_token,
                    account_id,
                    token.as_deref(),
                    self.page_size,
                )
                .await?;
            roles.extend(items::<RoleInfo>(
                page.body,
                "roleList",
                "ListAccountRoles",
            )?);
            match page.next_token {
                Some(next) => token = Some(seen.check(next)?),
                None => return Ok(roles),
            }
        }
    }

    /// Signs the token out at the portal (`POST /logout`, empty body).
    pub async fn logout(&self, ctx: &Context, access_token: &Secret) -> Result<()> {
        let url = format!("{}/logout", self.endpoint);
        self.call(ctx, "Logout", reqwest::Method::POST, url, access_token)
            .await?;
        Ok(())
    }

    async fn call(
        &self,
        ctx: &Context,
        operation: &'static str,
        method: reqwest::Method,
        url: String,
        access_token: &Secret,
    ) -> Result<HttpResponse> {
        let request = HttpRequest {
            operation,
            method,
            url,
            headers: vec![(
                TOKEN_HEADER.to_owned(),
                access_token.expose_secret().to_owned(),
            )],
            body: Vec::new(),
        };
        let mut retries = 0;
        loop {
            let response = self.http.send_limited(ctx, &request, self.limiter).await?;
            if response.is_success() {
                return Ok(response);
            }
            if retries == self.throttle_retries || !is_throttling_response(&response) {
                return Err(json_error(operation, &response));
            }
            retries += 1;
            let pause = throttle_pause(retries);
            crate::context::ctx_debug!(
                ctx,
                "{operation} still throttled; try {retries} of {} more in {:.3}s",
                self.throttle_retries,
                pause.as_secs_f64()
            );
            tokio::time::sleep(pause).await;
        }
    }
}

/// The pause before the `retry`-th further try of a throttled call: full jitter over a
/// ceiling that doubles from 2 s to botocore's cap of 20 s (`botocore/retries/standard.py`
/// `ExponentialBackoff`; the transport's attempts already used 1 s and 2 s).
fn throttle_pause(retry: u32) -> std::time::Duration {
    let ceiling = 2f64.powi(retry.min(16) as i32).min(20.0);
    std::time::Duration::from_secs_f64(rand::random::<f64>() * ceiling)
}

/// `base?a=b&c=d`, or `base` alone when no value is present: botocore adds no bare `?`,
/// and the URL shows in error messages (`Could not connect to the endpoint URL: "..."`).
fn with_query(base: String, pairs: &[(&str, Option<&str>)]) -> String {
    match query(pairs) {
        q if q.is_empty() => base,
        q => format!("{base}?{q}"),
    }
}

/// `a=b&c=d` with RFC 3986 encoding, skipping absent values.
fn query(pairs: &[(&str, Option<&str>)]) -> String {
    pairs
        .iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k}={}", crate::http::encode(v))))
        .collect::<Vec<_>>()
        .join("&")
}

fn parse<T: serde::de::DeserializeOwned>(response: &HttpResponse, operation: &str) -> Result<T> {
    Ok(serde_json::from_slice(&response.body).map_err(unparseable(operation))?)
}

/// GetRoleCredentials' `roleCredentials` from a 2xx answer. Pure.
pub fn role_credentials(response: &HttpResponse) -> Result<RoleCredentials> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Body {
        role_credentials: RoleCredentials,
    }
    let body: Body = parse(response, "GetRoleCredentials")?;
    Ok(body.role_credentials)
}

/// A 2xx ListAccounts or ListAccountRoles answer: the page and its next token. Pure.
pub fn page(response: &HttpResponse, operation: &str) -> Result<Page> {
    let body: serde_json::Value = parse(response, operation)?;
    let next_token = body
        .get("nextToken")
        .and_then(|v| v.as_str())
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    Ok(Page { body, next_token })
}

/// The page's `key` list, moved out of the page (a full listing keeps no copy); none when
/// absent.
pub fn items<T: serde::de::DeserializeOwned>(
    mut body: serde_json::Value,
    key: &str,
    operation: &str,
) -> Result<Vec<T>> {
    match body.get_mut(key).map(serde_json::Value::take) {
        None | Some(serde_json::Value::Null) => Ok(Vec::new()),
        Some(list) => Ok(serde_json::from_value(list).map_err(unparseable(operation))?),
    }
}

/// The next tokens a full listing has followed, so a service that hands back a token it
/// gave before ends the listing with botocore's `PaginationError` instead of looping
/// forever (botocore catches only a token equal to the previous one; any repeat is caught
/// here).
#[derive(Default)]
struct SeenTokens(std::collections::HashSet<String>);

impl SeenTokens {
    fn check(&mut self, token: String) -> Result<String> {
        if !self.0.insert(token.clone()) {
            return Err(PaginationError::RepeatedNextToken { token }.into());
        }
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_encoding() {
        assert_eq!(
            query(&[
                ("role_name", Some("A B/c")),
                ("next_token", None),
                ("account_id", Some("1"))
            ]),
            "role_name=A%20B%2Fc&account_id=1"
        );
    }

    #[test]
    fn urls_without_query_values_end_without_a_question_mark() {
        assert_eq!(
            with_query(
                "http://h/assignment/accounts".into(),
                &[("next_token", None)]
            ),
            "http://h/assignment/accounts"
        );
        assert_eq!(
            with_query("http://h/a".into(), &[("x", Some("1")), ("y", Some("2"))]),
            "http://h/a?x=1&y=2"
        );
    }

    /// A portal that answers every page with a token it already gave (here A, B, A, ...):
    /// the full listing stops with botocore's pagination error instead of looping.
    #[test]
    fn full_listings_stop_when_the_service_repeats_a_token() {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for (n, stream) in listener.incoming().flatten().enumerate().take(20) {
                let mut reader = BufReader::new(stream);
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                    line.clear();
                }
                let token = if n % 2 == 0 { "A" } else { "B" };
                let body = format!(
                    r#"{{"accountList": [{{"accountId": "1"}}], "roleList": [{{"roleName": "R", "accountId": "1"}}], "nextToken": "{token}"}}"#
                );
                let _ = reader.into_inner().write_all(
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                );
            }
        });
        let ctx = Context::for_tests(
            crate::context::Env::from_pairs([("HOME", "/nonexistent")]),
            std::time::SystemTime::now(),
        );
        let http = HttpClient::new(Default::default());
        let client = PortalClient {
            http: &http,
            endpoint,
            limiter: None,
            page_size: None,
            throttle_retries: 0,
        };
        let runtime = crate::http::runtime().unwrap();
        let expected =
            "Error during pagination: The same next token was received twice: {'nextToken': 'A'}";
        let err = runtime
            .block_on(client.list_all_accounts(&ctx, &Secret::new("token")))
            .unwrap_err();
        assert_eq!(err.to_string(), expected);
        assert_eq!(err.exit_code(), 255);
        let err = runtime
            .block_on(client.list_all_account_roles(&ctx, &Secret::new("token"), "1"))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Error during pagination: The same next token was received twice: {'nextToken': 'B'}"
        );
    }
}
