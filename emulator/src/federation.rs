//! The console sign-in federation endpoint (real AWS: `https://signin.aws.amazon.com/federation`),
//! as tools that open the AWS console from credentials use it (aws-vault `login`, Granted
//! `assume -c`):
//!
//! * `Action=getSigninToken&Session=<JSON {"sessionId","sessionKey","sessionToken"}>`
//!   `[&SessionDuration=900..43200]` exchanges temporary credentials this emulator issued for
//!   `{"SigninToken": ...}`;
//! * `Action=login&Issuer=..&Destination=<url>&SigninToken=..` sends the browser on to the
//!   destination with a 302 while the token is fresh (15 minutes).
//!
//! Refusals are what the real endpoint sends, as AWS's knowledge-center article
//! "invalid-credentials-parameter" quotes it: HTTP 400 with a servlet container's status-report
//! page, "Invalid credentials parameter" / "The request sent by the client was syntactically
//! incorrect". That article gives it for invalid temporary credentials and for a
//! `SessionDuration` with role-chained credentials; aws-vault (99designs/aws-vault#106) reports
//! a bare "Bad Request" for long-term IAM user keys. One page serves every getSigninToken
//! refusal here. What `login` shows for a bad or stale token was not found; it uses the same
//! page shape with its own message.

use std::time::Duration;

use serde_json::{json, Value};

use crate::reply::{self, xml_escape, Reply};
use crate::request::{query_pairs, Ctx, Req};
use crate::state::{later, random_token, IssuedSigninToken, State};

/// Sign-in tokens are valid for 15 minutes (IAM user guide, "Enable custom identity broker
/// access to the AWS console").
pub const SIGNIN_TOKEN_TTL: Duration = Duration::from_secs(15 * 60);

/// The console session lengths `SessionDuration` may ask for, in seconds (15 min to 12 h).
const SESSION_DURATION: std::ops::RangeInclusive<u64> = 900..=43200;

/// The parameters of a request: the query, then a form body (tools may POST to keep the
/// credentials out of URLs).
fn params(req: &Req) -> Vec<(String, String)> {
    let mut params = query_pairs(&req.query);
    if req.method == "POST" {
        params.extend(
            url::form_urlencoded::parse(&req.body).map(|(k, v)| (k.into_owned(), v.into_owned())),
        );
    }
    params
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Whether this request is a browser's `Action=login` (a page, not an API call).
pub fn is_login(query: &str) -> bool {
    param(&query_pairs(query), "Action") == Some("login")
}

/// The servlet container's 400 status report the real endpoint answers with.
fn status_report(message: &str, description: &str) -> Reply {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><title>HTTP Status 400 - {0}</title></head><body><h1>HTTP Status 400 - {0}</h1><hr/><p><b>type</b> Status report</p><p><b>message</b> <u>{0}</u></p><p><b>description</b> <u>{1}</u></p><hr/></body></html>",
        xml_escape(message),
        xml_escape(description)
    );
    reply::text(400, "text/html;charset=utf-8", body)
}

fn invalid_credentials() -> Reply {
    status_report(
        "Invalid credentials parameter",
        "The request sent by the client was syntactically incorrect.",
    )
}

/// `GET|POST /federation`
pub fn handle(state: &mut State, ctx: &Ctx, req: &Req) -> Reply {
    let params = params(req);
    match param(&params, "Action") {
        Some("getSigninToken") => get_signin_token(state, ctx, &params),
        Some("login") => login(state, ctx, &params),
        _ => status_report(
            "Invalid Action parameter",
            "The request sent by the client was syntactically incorrect.",
        ),
    }
}

fn get_signin_token(state: &mut State, ctx: &Ctx, params: &[(String, String)]) -> Reply {
    let Some(session) = param(params, "Session") else {
        return invalid_credentials();
    };
    let Ok(Value::Object(session)) = serde_json::from_str::<Value>(session) else {
        return invalid_credentials();
    };
    let member = |name: &str| session.get(name).and_then(Value::as_str);
    let (Some(key_id), Some(secret), Some(token)) = (
        member("sessionId"),
        member("sessionKey"),
        member("sessionToken"),
    ) else {
        return invalid_credentials();
    };
    // Only temporary credentials with their own session token: an IAM user's long-term key
    // (no token, or tools' empty one) is refused, as AWS refuses it.
    let Some(creds) = state.credentials.get(key_id).filter(|c| {
        c.secret_access_key == secret
            && c.session_token.as_deref() == Some(token)
            && c.expiration.is_some_and(|e| ctx.now < e)
    }) else {
        return invalid_credentials();
    };
    let session_duration = match param(params, "SessionDuration") {
        None => None,
        Some(text) => {
            let seconds = text.parse::<u64>().ok().filter(|s| {
                text.bytes().all(|b| b.is_ascii_digit()) && SESSION_DURATION.contains(s)
            });
            // AWS's knowledge center: credentials of a role assumed with role credentials
            // (role chaining) cannot ask for a SessionDuration at all.
            match seconds {
                Some(s) if !state.role_chained.contains(key_id) => Some(Duration::from_secs(s)),
                _ => return invalid_credentials(),
            }
        }
    };
    let signin_token = random_token(320);
    let record = IssuedSigninToken {
        signin_token: signin_token.clone(),
        access_key_id: creds.access_key_id.clone(),
        arn: creds.arn.clone(),
        session_duration,
        issued_at: ctx.now,
        expires_at: later(ctx.now, state.settings.signin_token_ttl),
        logins: 0,
    };
    state.signin_tokens.push(record);
    reply::json(&json!({ "SigninToken": signin_token }))
}

fn login(state: &mut State, ctx: &Ctx, params: &[(String, String)]) -> Reply {
    let Some(destination) = param(params, "Destination")
        .filter(|d| url::Url::parse(d).is_ok_and(|u| matches!(u.scheme(), "http" | "https")))
    else {
        return status_report(
            "Invalid Destination parameter",
            "The request sent by the client was syntactically incorrect.",
        );
    };
    let token = param(params, "SigninToken").unwrap_or_default();
    let Some(record) = state
        .signin_tokens
        .iter_mut()
        .find(|t| t.signin_token == token && ctx.now < t.expires_at)
    else {
        return status_report(
            "Invalid SigninToken parameter",
            "The sign-in token is invalid or has expired.",
        );
    };
    record.logins = record.logins.saturating_add(1);
    reply::redirect(destination)
}
