//! The SSO OIDC API (`oidc.{region}.amazonaws.com`, restJson1, unsigned): RegisterClient,
//! StartDeviceAuthorization, CreateToken (device code, authorization code + PKCE, refresh
//! token), and the PKCE values and `/authorize` URL of the AWS CLI.
//!
//! Wire shapes: botocore's `data/sso-oidc/2019-06-10/service-2.json`. Errors become
//! [`Error::Service`] through [`json_error`], so OIDC's `error` / `error_description` members
//! show as v2's `Additional error details`. Secrets are [`Secret`]s.

use std::fmt;
use std::time::{Duration, SystemTime};

use base64::Engine;
use rand::Rng;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::context::Context;
use crate::error::{Error, Result};
use crate::http::{json_error, HttpClient, HttpRequest, HttpResponse, Service};
use crate::secret::Secret;
use crate::timestamp::Timestamp;

/// An OIDC answer awsso cannot read or use (255).
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// A body that is not the operation's JSON (a general error).
    #[error("Unable to parse the {operation} response from SSO OIDC: {reason}")]
    Unparseable {
        operation: String,
        reason: serde_json::Error,
    },
    /// An `expiresIn` (of a token or of a device code) that ends beyond year 9999 or before
    /// year 1, which no cache could hold (docs/compatibility.md, "Caches and timestamps"); an
    /// SSO token error.
    #[error("The SSO token's expiration is out of range")]
    ExpirationOutOfRange,
}

impl From<OidcError> for Error {
    fn from(e: OidcError) -> Self {
        match e {
            OidcError::Unparseable { .. } => Error::Other(Box::new(e)),
            OidcError::ExpirationOutOfRange => Error::Token(Box::new(e)),
        }
    }
}

/// A number of seconds as the service wrote it (a lifetime, or a time since the epoch): any
/// JSON number, as botocore takes any Python number: an integer of any size, a fraction, an
/// exponent (`1e15`, `18446744073709551615`, `1e400`). Kept as an `f64`, which holds every
/// whole number of seconds up to 2^53 exactly (far beyond year 9999), and turned into a time
/// only through [`Timestamp`]'s checked arithmetic. Anything but a number is unparseable.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Seconds(pub f64);

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{Error as _, Unexpected};
        // The raw text, so that a number beyond f64 is still read as a (huge) number
        // rather than failing the whole answer.
        let raw = Box::<serde_json::value::RawValue>::deserialize(deserializer)?;
        let text = raw.get().trim();
        let unexpected = match text.as_bytes().first() {
            Some(b'-' | b'0'..=b'9') => match text.parse::<f64>() {
                Ok(seconds) => return Ok(Seconds(seconds)),
                Err(_) => Unexpected::Other("number"),
            },
            Some(b'"') => Unexpected::Other("string"),
            Some(b't' | b'f') => Unexpected::Other("boolean"),
            Some(b'n') => Unexpected::Unit,
            Some(b'[') => Unexpected::Seq,
            _ => Unexpected::Map,
        };
        Err(D::Error::invalid_type(unexpected, &"a number of seconds"))
    }
}

impl Seconds {
    /// `now` plus these seconds, or [`OidcError::ExpirationOutOfRange`].
    pub fn after(self, now: SystemTime) -> Result<Timestamp> {
        Ok(Timestamp::after_seconds(now, self.0).ok_or(OidcError::ExpirationOutOfRange)?)
    }

    /// As a duration to wait: negative is zero, too long for a `Duration` is its maximum.
    fn duration(self) -> Duration {
        Duration::try_from_secs_f64(self.0.max(0.0)).unwrap_or(Duration::MAX)
    }
}

/// The device-code grant type of RFC 8628.
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The scope v2 registers for PKCE clients when the session configures none.
pub const DEFAULT_SCOPE: &str = "sso:account:access";

/// The redirect URI registered for PKCE clients: no port (the port is only known per login).
pub const REGISTERED_REDIRECT_URI: &str = "http://127.0.0.1/oauth/callback";

/// An SSO OIDC endpoint reached through one command's HTTP client.
pub struct OidcClient<'a> {
    pub http: &'a HttpClient,
    /// Base URL, no trailing `/`.
    pub endpoint: String,
}

impl<'a> OidcClient<'a> {
    /// The OIDC service of `region` for the command's own clients (`--endpoint-url` does not
    /// apply).
    pub fn new(transport: &'a crate::http::Transport, region: &str) -> Result<Self> {
        Ok(OidcClient {
            http: &transport.http,
            endpoint: transport.endpoints.url(Service::SsoOidc, region)?,
        })
    }
}

/// RegisterClient's arguments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegisterClientRequest {
    pub client_name: String,
    /// Sent only when `Some` (the device flow leaves empty scopes out).
    pub scopes: Option<Vec<String>>,
    pub grant_types: Option<Vec<String>>,
    pub redirect_uris: Option<Vec<String>>,
    pub issuer_url: Option<String>,
}

/// RegisterClient's answer.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisteredClient {
    pub client_id: String,
    pub client_secret: Secret,
    /// Epoch seconds.
    #[serde(default)]
    pub client_id_issued_at: Option<Seconds>,
    /// Epoch seconds.
    pub client_secret_expires_at: Seconds,
}

impl RegisteredClient {
    /// When the registration ends; a time beyond the range a cache can hold is held at its
    /// edge ([`Timestamp::from_epoch_seconds`]).
    pub fn expires_at(&self) -> Timestamp {
        // `as` saturates, and a fraction of a second is dropped as the cache drops it.
        Timestamp::from_epoch_seconds(self.client_secret_expires_at.0 as i64)
    }
}

impl fmt::Debug for RegisteredClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegisteredClient")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("client_secret_expires_at", &self.client_secret_expires_at)
            .finish()
    }
}

/// StartDeviceAuthorization's answer.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceAuthorization {
    pub device_code: Secret,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: String,
    /// Seconds the device code lives.
    pub expires_in: Seconds,
    /// Minimum seconds between polls; the client defaults to 5.
    #[serde(default)]
    pub interval: Option<Seconds>,
}

impl DeviceAuthorization {
    /// How long the device code lives from `now`, checked as a token's lifetime is
    /// ([`Seconds::after`]): polling stops then.
    pub fn lifetime(&self, now: SystemTime) -> Result<Duration> {
        self.expires_in.after(now)?;
        Ok(self.expires_in.duration())
    }

    /// The pause between polls the service asks for; `None` when it names none, or a
    /// negative one.
    pub fn interval(&self) -> Option<Duration> {
        self.interval
            .filter(|seconds| seconds.0 >= 0.0)
            .map(Seconds::duration)
    }
}

impl fmt::Debug for DeviceAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceAuthorization")
            .field("device_code", &self.device_code)
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("expires_in", &self.expires_in)
            .field("interval", &self.interval)
            .finish()
    }
}

/// CreateToken's answer.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    /// Refused when no request could carry it: a token the cache would write and then not
    /// read back (src/cache/token.rs, `UnsendableAccessToken`).
    #[serde(deserialize_with = "sendable_access_token")]
    pub access_token: Secret,
    #[serde(default)]
    pub token_type: Option<String>,
    /// Seconds from now.
    pub expires_in: Seconds,
    #[serde(default)]
    pub refresh_token: Option<Secret>,
}

fn sendable_access_token<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Secret, D::Error> {
    let token = Secret::deserialize(deserializer)?;
    if token.is_header_value() {
        Ok(token)
    } else {
        // The cache reader's own words for the same condition.
        Err(serde::de::Error::custom(
            crate::cache::token::ParseError::UnsendableAccessToken,
        ))
    }
}

impl TokenResponse {
    /// When the token expires, `expiresIn` after `now`; [`OidcError::ExpirationOutOfRange`]
    /// when that is not a time a cache can hold (botocore: `OverflowError` from
    /// `timedelta`).
    pub fn expires_at(&self, now: SystemTime) -> Result<Timestamp> {
        self.expires_in.after(now)
    }
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &self.access_token)
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("refresh_token", &self.refresh_token)
            .finish()
    }
}

/// The grant CreateToken is asked for.
#[derive(Clone, Copy)]
pub enum Grant<'a> {
    DeviceCode {
        device_code: &'a Secret,
    },
    AuthorizationCode {
        code: &'a Secret,
        /// With the port the listener actually got.
        redirect_uri: &'a str,
        code_verifier: &'a Secret,
    },
    RefreshToken {
        refresh_token: &'a Secret,
    },
}

impl OidcClient<'_> {
    pub async fn register_client(
        &self,
        ctx: &Context,
        request: &RegisterClientRequest,
    ) -> Result<RegisteredClient> {
        let mut body = Map::new();
        body.insert("clientName".into(), request.client_name.clone().into());
        body.insert("clientType".into(), "public".into());
        if let Some(scopes) = &request.scopes {
            body.insert("scopes".into(), scopes.clone().into());
        }
        if let Some(grants) = &request.grant_types {
            body.insert("grantTypes".into(), grants.clone().into());
        }
        if let Some(uris) = &request.redirect_uris {
            body.insert("redirectUris".into(), uris.clone().into());
        }
        if let Some(issuer) = &request.issuer_url {
            body.insert("issuerUrl".into(), issuer.clone().into());
        }
        let response = self
            .post(
                ctx,
                "RegisterClient",
                "/client/register",
                Value::Object(body),
            )
            .await?;
        parse(&response, "RegisterClient")
    }

    pub async fn start_device_authorization(
        &self,
        ctx: &Context,
        client_id: &str,
        client_secret: &Secret,
        start_url: &str,
    ) -> Result<DeviceAuthorization> {
        let body = json!({
            "clientId": client_id,
            "clientSecret": client_secret.expose_secret(),
            "startUrl": start_url,
        });
        let response = self
            .post(
                ctx,
                "StartDeviceAuthorization",
                "/device_authorization",
                body,
            )
            .await?;
        parse(&response, "StartDeviceAuthorization")
    }

    pub async fn create_token(
        &self,
        ctx: &Context,
        client_id: &str,
        client_secret: &Secret,
        grant: Grant<'_>,
    ) -> Result<TokenResponse> {
        let mut body = Map::new();
        let grant_type = match grant {
            Grant::DeviceCode { .. } => DEVICE_CODE_GRANT,
            Grant::AuthorizationCode { .. } => "authorization_code",
            Grant::RefreshToken { .. } => "refresh_token",
        };
        body.insert("grantType".into(), grant_type.into());
        body.insert("clientId".into(), client_id.into());
        body.insert("clientSecret".into(), client_secret.expose_secret().into());
        match grant {
            Grant::DeviceCode { device_code } => {
                body.insert("deviceCode".into(), device_code.expose_secret().into());
            }
            Grant::AuthorizationCode {
                code,
                redirect_uri,
                code_verifier,
            } => {
                body.insert("redirectUri".into(), redirect_uri.into());
                body.insert("codeVerifier".into(), code_verifier.expose_secret().into());
                body.insert("code".into(), code.expose_secret().into());
            }
            Grant::RefreshToken { refresh_token } => {
                body.insert("refreshToken".into(), refresh_token.expose_secret().into());
            }
        }
        let response = self
            .post(ctx, "CreateToken", "/token", Value::Object(body))
            .await?;
        parse(&response, "CreateToken")
    }

    async fn post(
        &self,
        ctx: &Context,
        operation: &'static str,
        path: &str,
        body: Value,
    ) -> Result<HttpResponse> {
        let request = HttpRequest {
            operation,
            method: reqwest::Method::POST,
            url: format!("{}{path}", self.endpoint),
            headers: vec![("content-type".to_owned(), "application/json".to_owned())],
            body: body.to_string().into_bytes(),
        };
        let response = self.http.send(ctx, &request).await?;
        if !response.is_success() {
            return Err(json_error(operation, &response));
        }
        Ok(response)
    }
}

/// A 2xx answer's body as the operation's output (`RegisteredClient`,
/// `DeviceAuthorization`, `TokenResponse`). Pure.
pub fn parse<T: serde::de::DeserializeOwned>(
    response: &HttpResponse,
    operation: &str,
) -> Result<T> {
    Ok(
        serde_json::from_slice(&response.body).map_err(|reason| OidcError::Unparseable {
            operation: operation.to_owned(),
            reason,
        })?,
    )
}

/// The service error code of an error, if it is one (`AuthorizationPendingException`...).
pub fn service_code(error: &Error) -> Option<&str> {
    match error {
        Error::Service { code, .. } => Some(code),
        _ => None,
    }
}

/// A PKCE pair (RFC 7636, S256).
pub struct Pkce {
    /// 64 characters from `[A-Za-z0-9-._~]`, as v2 draws them.
    pub verifier: Secret,
    /// base64url(SHA-256(verifier)) without `=` padding: 43 characters.
    pub challenge: String,
}

impl fmt::Debug for Pkce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkce")
            .field("verifier", &self.verifier)
            .field("challenge", &self.challenge)
            .finish()
    }
}

impl Pkce {
    pub fn generate() -> Self {
        const ALPHABET: &[u8] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
        let mut rng = rand::rng();
        let verifier: String = (0..64)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect();
        let challenge = code_challenge(&verifier);
        Pkce {
            verifier: Secret::new(verifier),
            challenge,
        }
    }
}

/// S256: base64url of the verifier's SHA-256, padding removed.
pub fn code_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A fresh `state` value: a lower-case hyphenated UUID v4, as v2.
pub fn new_state() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// v2's authorize URL: `{endpoint}/authorize?` with `response_type, client_id, redirect_uri,
/// state, code_challenge_method, scopes` RFC 3986-encoded in that order (space as `%20`),
/// then `code_challenge` appended unencoded.
pub fn authorize_url(
    endpoint: &str,
    client_id: &str,
    redirect_uri: &str,
    state: &str,
    scopes: &[String],
    challenge: &str,
) -> String {
    let scopes = if scopes.is_empty() {
        DEFAULT_SCOPE.to_owned()
    } else {
        scopes.join(" ")
    };
    let pairs = [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("state", state),
        ("code_challenge_method", "S256"),
        ("scopes", &scopes),
    ];
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", crate::http::encode(v)))
        .collect();
    format!(
        "{}/authorize?{}&code_challenge={challenge}",
        endpoint.trim_end_matches('/'),
        query.join("&")
    )
}

/// `http://127.0.0.1:PORT/oauth/callback`, the redirect URI of one PKCE login.
pub fn redirect_uri_with_port(port: u16) -> String {
    format!("http://127.0.0.1:{port}/oauth/callback")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_is_rfc7636_s256() {
        // RFC 7636 appendix B (checked with Python's hashlib + base64).
        assert_eq!(
            code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifier_uses_the_unreserved_alphabet() {
        for _ in 0..20 {
            let pkce = Pkce::generate();
            assert_eq!(pkce.verifier.expose_secret().len(), 64);
            assert!(pkce
                .verifier
                .expose_secret()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c)));
            assert_eq!(pkce.challenge.len(), 43);
            assert_eq!(
                pkce.challenge,
                code_challenge(pkce.verifier.expose_secret())
            );
            assert!(!format!("{pkce:?}").contains(pkce.verifier.expose_secret()));
        }
        let state = new_state();
        assert_eq!(state.len(), 36);
        assert_eq!(state, state.to_lowercase());
    }

    #[test]
    fn authorize_url_matches_v2_order_and_encoding() {
        let url = authorize_url(
            "https://oidc.us-east-1.amazonaws.com",
            "client-1",
            &redirect_uri_with_port(54321),
            "0b5c1a8e-0000-4000-8000-000000000000",
            &[],
            "E9Melhoa2OwvFrEMTJguCHaoeK1t9URWbuGrSwhf3cM",
        );
        assert_eq!(
            url,
            "https://oidc.us-east-1.amazonaws.com/authorize?response_type=code&client_id=client-1&redirect_uri=http%3A%2F%2F127.0.0.1%3A54321%2Foauth%2Fcallback&state=0b5c1a8e-0000-4000-8000-000000000000&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t9URWbuGrSwhf3cM"
        );
        let two = authorize_url(
            "http://127.0.0.1:9/",
            "c",
            "r",
            "s",
            &["sso:foo".into(), "sso:bar".into()],
            "x",
        );
        assert_eq!(
            two,
            "http://127.0.0.1:9/authorize?response_type=code&client_id=c&redirect_uri=r&state=s&code_challenge_method=S256&scopes=sso%3Afoo%20sso%3Abar&code_challenge=x"
        );
    }

    #[test]
    fn a_token_no_request_could_carry_is_refused_at_create_token() {
        // Found by fuzzing (fuzz/regressions/oidc_json): a DEL in accessToken was cached,
        // and then the cache reader refused the file awsso had just written.
        let response = HttpResponse {
            status: 200,
            headers: Default::default(),
            body: b"{\"accessToken\":\"OP\x7f-\",\"expiresIn\":0}".to_vec(),
            retries_exhausted: None,
        };
        let err = parse::<TokenResponse>(&response, "CreateToken").unwrap_err();
        assert_eq!(
            err.to_string(),
            "Unable to parse the CreateToken response from SSO OIDC: accessToken cannot be sent in an HTTP header at line 1 column 21"
        );
        assert_eq!(err.exit_code(), 255);
        for sendable in ["tok", "a b~!", ""] {
            let body = format!(r#"{{"accessToken":"{sendable}","expiresIn":1}}"#);
            assert!(
                serde_json::from_str::<TokenResponse>(&body).is_ok(),
                "{sendable}"
            );
        }
    }

    #[test]
    fn responses_redact_secrets_in_debug() {
        let token: TokenResponse = serde_json::from_str(
            r#"{"accessToken":"tok-secret","tokenType":"Bearer","expiresIn":28800,"refreshToken":"ref-secret"}"#,
        )
        .unwrap();
        let shown = format!("{token:?}");
        assert!(
            !shown.contains("tok-secret") && !shown.contains("ref-secret"),
            "{shown}"
        );
        let client: RegisteredClient = serde_json::from_str(
            r#"{"clientId":"id","clientSecret":"sec-secret","clientIdIssuedAt":1,"clientSecretExpiresAt":2}"#,
        )
        .unwrap();
        assert!(!format!("{client:?}").contains("sec-secret"));
        let device: DeviceAuthorization = serde_json::from_str(
            r#"{"deviceCode":"dev-secret","userCode":"ABCD-EFGH","verificationUri":"u","verificationUriComplete":"uc","expiresIn":600}"#,
        )
        .unwrap();
        assert_eq!(device.interval, None);
        assert!(!format!("{device:?}").contains("dev-secret"));
    }

    /// `expiresIn` as any JSON number, and what becomes of it: a time, or the out-of-range
    /// error (255) for one no cache can hold, never an overflow.
    #[test]
    fn lifetimes_are_any_json_number_and_checked() {
        let now = SystemTime::from(Timestamp::parse("2024-05-01T20:00:00Z").unwrap().utc());
        let token = |raw: &str| {
            serde_json::from_str::<TokenResponse>(&format!(
                r#"{{"accessToken":"t","expiresIn":{raw}}}"#
            ))
        };
        for (raw, expires_at) in [
            ("28800", "2024-05-02T04:00:00Z"),
            ("28800.0", "2024-05-02T04:00:00Z"),
            ("2.88e4", "2024-05-02T04:00:00Z"),
            ("-1", "2024-05-01T19:59:59Z"),
        ] {
            let at = token(raw).unwrap().expires_at(now).unwrap();
            assert_eq!(at.to_cache_string(), expires_at, "{raw}");
        }
        for raw in [
            "1e15",
            "9223372036854775807",
            "18446744073709551615",
            "-18446744073709551615",
            "1e400",
            "123456789012345678901234567890",
        ] {
            let err = token(raw).unwrap().expires_at(now).unwrap_err();
            assert_eq!(
                (err.to_string().as_str(), err.exit_code()),
                ("The SSO token's expiration is out of range", 255),
                "{raw}"
            );
        }
        for raw in [r#""3600""#, "null", "true", "[]", "{}"] {
            let err = token(raw).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.contains("expected a number of seconds"), "{raw}: {err}");
        }
        let device = |raw: &str, interval: &str| {
            serde_json::from_str::<DeviceAuthorization>(&format!(
                r#"{{"deviceCode":"d","userCode":"u","verificationUri":"v","verificationUriComplete":"vc","expiresIn":{raw},"interval":{interval}}}"#
            ))
            .unwrap()
        };
        assert_eq!(
            device("600.5", "1.5").lifetime(now).unwrap(),
            Duration::from_millis(600_500)
        );
        assert_eq!(
            device("600", "1.5").interval(),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(device("600", "-1").interval(), None);
        assert_eq!(device("600", "1e400").interval(), Some(Duration::MAX));
        assert_eq!(device("-5", "0").lifetime(now).unwrap(), Duration::ZERO);
        for raw in ["1e15", "18446744073709551615", "1e400"] {
            let err = device(raw, "1").lifetime(now).unwrap_err();
            assert_eq!(
                err.to_string(),
                "The SSO token's expiration is out of range"
            );
        }
        let client = |raw: &str| {
            serde_json::from_str::<RegisteredClient>(&format!(
                r#"{{"clientId":"id","clientSecret":"s","clientIdIssuedAt":1.5,"clientSecretExpiresAt":{raw}}}"#
            ))
            .unwrap()
            .expires_at()
            .to_cache_string()
        };
        assert_eq!(client("1714593600"), "2024-05-01T20:00:00Z");
        assert_eq!(client("1714593600.9"), "2024-05-01T20:00:00Z");
        assert_eq!(client("18446744073709551615"), "9999-12-31T23:59:59Z");
        assert_eq!(client("1e400"), "9999-12-31T23:59:59Z");
    }
}
