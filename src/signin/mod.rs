//! The console sign-in federation endpoint (`https://signin.aws.amazon.com/federation`, IAM
//! user guide "Enable custom identity broker access to the AWS console"), as aws-vault's
//! `cli/login.go` and Granted's `pkg/console` use it: `Action=getSigninToken` exchanges
//! temporary credentials (the session JSON `{"sessionId","sessionKey","sessionToken"}`, and
//! `SessionDuration` when asked) for a sign-in token, and the `Action=login` URL on the same
//! host sends a browser into the console at a [`Destination`].
//!
//! Both actions are GETs with the parameters in the query, as aws-vault and Granted send
//! them to the real endpoint (the documented request shape). The token and the login URL
//! are [`Secret`]s, and the transport masks `Session` and `SigninToken` in every URL it
//! logs or reports (`http::redact_url`). The
//! endpoint refuses with HTTP 400 and a servlet status page ("Invalid credentials
//! parameter", AWS knowledge center "invalid-credentials-parameter"), reported as a service
//! error (254) in botocore's words. Long-term IAM user keys are refused here, before any
//! request: they have no session token and the endpoint would refuse them.

pub mod destination;

use serde::Deserialize;

use crate::context::Context;
use crate::credentials::{Credentials, Source};
use crate::error::{Error, Result};
use crate::http::{encode, HttpClient, HttpRequest, HttpResponse, Service, Transport};
use crate::secret::Secret;

pub use destination::{Destination, DestinationError, SHORTCUTS};

/// The federation API's action, named as v2 names operations in its messages.
const OPERATION: &str = "getSigninToken";

/// The console session lengths `SessionDuration` accepts, in seconds (15 minutes to 12 hours).
pub const SESSION_DURATION: std::ops::RangeInclusive<u32> = 900..=43200;

/// What the federation endpoint cannot be asked, or answered that awsso cannot use.
#[derive(Debug, thiserror::Error)]
pub enum FederationError {
    /// `--duration` that is not a whole number of seconds in [`SESSION_DURATION`] (252).
    #[error("Invalid value for --duration: \"{value}\". It must be a whole number of seconds from 900 (15 minutes) to 43200 (12 hours).")]
    BadDuration { value: String },
    /// Credentials without a session token (255): the endpoint takes only temporary ones.
    #[error("Console sign-in needs temporary credentials, but the ones from {} are long-term IAM user keys (no session token), which the federation endpoint refuses. Use an SSO profile (awsso configure sso) or an assume-role profile (role_arn with source_profile) instead.", describe(*.found))]
    LongTermKeys { found: Source },
    /// A success whose body is not `{"SigninToken": "..."}` (255). The body is not quoted:
    /// it may hold the token.
    #[error("The federation endpoint's answer to getSigninToken holds no SigninToken.")]
    NoToken,
}

impl From<FederationError> for Error {
    fn from(e: FederationError) -> Self {
        match e {
            FederationError::BadDuration { .. } => Error::ParamValidation(Box::new(e)),
            FederationError::LongTermKeys { .. } | FederationError::NoToken => {
                Error::Other(Box::new(e))
            }
        }
    }
}

/// Where credentials came from, in a user's words.
fn describe(source: Source) -> &'static str {
    match source {
        Source::Environment => "the environment",
        Source::AssumeRole => "assume role",
        Source::Sso => "SSO",
        Source::SharedCredentialsFile => "the shared credentials file",
        Source::Process => "credential_process",
        Source::ConfigFile => "the config file",
    }
}

/// A console session length from `--duration`, in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionDuration(u32);

impl SessionDuration {
    /// Digits only (no sign, no unit), 900 to 43200.
    pub fn parse(value: &str) -> Result<SessionDuration, FederationError> {
        value
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| value.parse::<u32>().ok())
            .flatten()
            .filter(|s| SESSION_DURATION.contains(s))
            .map(SessionDuration)
            .ok_or_else(|| FederationError::BadDuration {
                value: value.to_owned(),
            })
    }

    pub fn seconds(self) -> u32 {
        self.0
    }
}

/// The federation endpoint of one partition, or the one configured for `signin`.
pub struct FederationClient<'a> {
    pub http: &'a HttpClient,
    /// Base URL, no trailing `/`: the configured endpoint, else the partition's sign-in host.
    pub endpoint: String,
}

impl<'a> FederationClient<'a> {
    /// The sign-in endpoint for `region` (its partition's host; `aws` without a region), or
    /// the configured one (docs/compatibility.md, "Console"). `--endpoint-url` does not
    /// apply, as for the other clients a command makes for its own use.
    pub fn new(transport: &'a Transport, region: Option<&str>) -> Result<Self> {
        Ok(FederationClient {
            http: &transport.http,
            endpoint: transport
                .endpoints
                .url(Service::Signin, region.unwrap_or(""))?,
        })
    }

    fn federation_url(&self) -> String {
        format!("{}/federation", self.endpoint)
    }

    /// `Action=getSigninToken`: the sign-in token for `credentials`, for a console session
    /// of `duration` (the endpoint's default without it).
    pub async fn get_signin_token(
        &self,
        ctx: &Context,
        credentials: &Credentials,
        duration: Option<SessionDuration>,
    ) -> Result<Secret> {
        let Some(session_token) = &credentials.session_token else {
            return Err(FederationError::LongTermKeys {
                found: credentials.source,
            }
            .into());
        };
        let session = serde_json::json!({
            "sessionId": credentials.access_key_id,
            "sessionKey": credentials.secret_access_key.expose_secret(),
            "sessionToken": session_token.expose_secret(),
        })
        .to_string();
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("Action", "getSigninToken");
        if let Some(duration) = duration {
            form.append_pair("SessionDuration", &duration.seconds().to_string());
        }
        form.append_pair("Session", &session);
        let request = HttpRequest {
            operation: OPERATION,
            method: reqwest::Method::GET,
            url: format!("{}?{}", self.federation_url(), form.finish()),
            headers: Vec::new(),
            body: Vec::new(),
        };
        let response = self.http.send(ctx, &request).await?;
        if !response.is_success() {
            return Err(refusal(&response, duration.is_some()));
        }
        #[derive(Deserialize)]
        struct Body {
            #[serde(rename = "SigninToken")]
            signin_token: Secret,
        }
        match serde_json::from_slice::<Body>(&response.body) {
            Ok(body) if !body.signin_token.is_empty() => Ok(body.signin_token),
            _ => Err(FederationError::NoToken.into()),
        }
    }

    /// The `Action=login` URL on the host that issued `token`: opening it signs a browser
    /// into the console at `destination`. It is a credential for 15 minutes.
    pub fn login_url(&self, token: &Secret, destination: &str) -> Secret {
        Secret::new(format!(
            "{}?Action=login&Destination={}&SigninToken={}",
            self.federation_url(),
            encode(destination),
            encode(token.expose_secret())
        ))
    }
}

/// The endpoint's refusal as a service error (254) in botocore's words for an answer that is
/// not AWS JSON: the status code as the code, and as the message the status page's own
/// message ("Invalid credentials parameter"), else the status reason. A refusal after
/// `--duration` says what the endpoint refuses it for, since its page does not.
fn refusal(response: &HttpResponse, duration_asked: bool) -> Error {
    let reason = || {
        reqwest::StatusCode::from_u16(response.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("")
            .to_owned()
    };
    let mut message = status_page_message(&response.body, response.status).unwrap_or_else(reason);
    if duration_asked && response.status == 400 {
        message.push_str(" (the federation endpoint refuses --duration for role-chained credentials: a role assumed with another role's credentials)");
    }
    Error::Service {
        operation: OPERATION,
        code: response.status.to_string(),
        message,
        details: Vec::new(),
        retries_exhausted: response.retries_exhausted,
    }
}

/// The message of a servlet container's status page: its `<title>` without the
/// `HTTP Status NNN - ` prefix, on one line and at most 200 characters.
fn status_page_message(body: &[u8], status: u16) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let lower = text.to_ascii_lowercase();
    let start = lower.find("<title>")? + "<title>".len();
    let end = start + lower[start..].find("</title>")?;
    let title = text[start..end].trim();
    let prefix = format!("HTTP Status {status} - ");
    let message = title.strip_prefix(&prefix).unwrap_or(title);
    let message: String = unescape(message)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(200)
        .collect();
    (!message.is_empty()).then_some(message)
}

/// The five XML entities, as the status page escapes its message.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_whole_seconds_from_15_minutes_to_12_hours() {
        assert_eq!(SessionDuration::parse("900").unwrap().seconds(), 900);
        assert_eq!(SessionDuration::parse("43200").unwrap().seconds(), 43200);
        for bad in [
            "899",
            "43201",
            "",
            "1h",
            "+900",
            "-900",
            " 900",
            "9e2",
            "99999999999",
        ] {
            let err = Error::from(SessionDuration::parse(bad).unwrap_err());
            assert_eq!(
                err.to_string(),
                format!("An error occurred (ParamValidation): Invalid value for --duration: \"{bad}\". It must be a whole number of seconds from 900 (15 minutes) to 43200 (12 hours).")
            );
            assert_eq!(err.exit_code(), 252);
        }
    }

    fn response(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: reqwest::header::HeaderMap::new(),
            body: body.as_bytes().to_vec(),
            retries_exhausted: None,
        }
    }

    #[test]
    fn refusals_are_service_errors_with_the_page_s_message() {
        let page = "<!doctype html><html lang=\"en\"><head><title>HTTP Status 400 - Invalid credentials parameter</title></head><body><h1>HTTP Status 400 - Invalid credentials parameter</h1></body></html>";
        let err = refusal(&response(400, page), false);
        assert_eq!(
            err.to_string(),
            "An error occurred (400) when calling the getSigninToken operation: Invalid credentials parameter"
        );
        assert_eq!(err.exit_code(), 254);
        let err = refusal(&response(400, page), true);
        assert_eq!(
            err.to_string(),
            "An error occurred (400) when calling the getSigninToken operation: Invalid credentials parameter (the federation endpoint refuses --duration for role-chained credentials: a role assumed with another role's credentials)"
        );
        // Anything else: the status reason.
        let err = refusal(&response(503, "<html>busy</html>"), false);
        assert_eq!(
            err.to_string(),
            "An error occurred (503) when calling the getSigninToken operation: Service Unavailable"
        );
        let err = refusal(&response(400, ""), false);
        assert_eq!(
            err.to_string(),
            "An error occurred (400) when calling the getSigninToken operation: Bad Request"
        );
        let long = format!("<title>a &amp; b\n{}</title>", "x".repeat(500));
        let message = status_page_message(long.as_bytes(), 400).unwrap();
        assert_eq!(message.chars().count(), 200);
        assert!(message.starts_with("a & b x"), "{message}");
    }

    #[test]
    fn the_login_url_encodes_destination_and_token() {
        let http = HttpClient::new(Default::default());
        let client = FederationClient {
            http: &http,
            endpoint: "https://signin.aws.amazon.com".to_owned(),
        };
        let url = client.login_url(
            &Secret::new("tok+en/="),
            "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1",
        );
        assert_eq!(
            url.expose_secret(),
            "https://signin.aws.amazon.com/federation?Action=login&Destination=https%3A%2F%2Feu-west-1.console.aws.amazon.com%2Fs3%2Fhome%3Fregion%3Deu-west-1&SigninToken=tok%2Ben%2F%3D"
        );
        assert_eq!(format!("{url:?}"), "Secret(** redacted **)");
    }

    #[test]
    fn long_term_keys_are_refused_before_any_request() {
        let http = HttpClient::new(Default::default());
        // Port 9 on loopback: a request would fail with a connection error instead.
        let client = FederationClient {
            http: &http,
            endpoint: "http://127.0.0.1:9".to_owned(),
        };
        let ctx = Context::for_tests(
            crate::context::Env::default(),
            std::time::SystemTime::UNIX_EPOCH,
        );
        let keys = Credentials::new("AKIA", "s", None, None, Source::SharedCredentialsFile);
        let runtime = crate::http::runtime().unwrap();
        let err = runtime
            .block_on(client.get_signin_token(&ctx, &keys, None))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Console sign-in needs temporary credentials, but the ones from the shared credentials file are long-term IAM user keys (no session token), which the federation endpoint refuses. Use an SSO profile (awsso configure sso) or an assume-role profile (role_arn with source_profile) instead."
        );
        assert_eq!(err.exit_code(), 255);
    }
}
