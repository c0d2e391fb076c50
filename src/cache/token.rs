//! The SSO token cache `~/.aws/sso/cache/<sha1>.json` and the OIDC client-registration cache
//! beside it, read and written exactly as AWS CLI v2 / botocore do: keys, field order and
//! timestamps of botocore/utils.py `SSOTokenLoader` and `SSOTokenFetcher` and
//! botocore/tokens.py `SSOTokenProvider` (docs/compatibility.md, "Caches and timestamps").
//!
//! Parsing is pure ([`CachedToken::parse`], [`ClientRegistration::parse`]) and tested without
//! a filesystem; [`load_token`] / [`save_token`] and friends do the I/O. Writes are atomic
//! ([`crate::atomic`]), 0600, in a 0700 directory, with Python's `json.dumps`
//! layout and no trailing newline, so botocore reads our files and we read its files.
//! Secrets never show in `Debug` output.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;
use std::time::SystemTime;

use serde_json::{Map, Value};

use crate::cache::{entry_name, entry_path, members, python_json, sha1_hex};
use crate::config::file::{LockFailure, WriteLock};
use crate::error::Result;
use crate::regular_file::Dir;
use crate::secret::Secret;
use crate::timestamp::Timestamp;

/// How close to expiry a token or registration may be before botocore replaces it
/// (`SSOTokenProvider._REFRESH_WINDOW`, `_client_registration_is_expired`): 15 minutes.
pub const REFRESH_WINDOW: chrono::TimeDelta = chrono::TimeDelta::minutes(15);

/// An SSO access token as the shared cache holds it.
#[derive(Clone, PartialEq, Eq)]
pub struct CachedToken {
    /// The start URL as configured (not the resolved vanity URL). Other tools may omit it.
    pub start_url: Option<String>,
    /// The SSO region. Other tools may omit it.
    pub region: Option<String>,
    pub access_token: Secret,
    pub expires_at: Timestamp,
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    pub registration_expires_at: Option<Timestamp>,
    pub refresh_token: Option<Secret>,
}

/// Why a cache file could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// Not a JSON object.
    NotJson,
    /// `accessToken` or `expiresAt` (tokens), `clientId`, `clientSecret` or `expiresAt`
    /// (registrations) missing or not a string.
    Missing(&'static str),
    /// A timestamp that is not one of the accepted forms.
    BadTimestamp(&'static str),
    /// An `accessToken` that cannot travel in the portal's `x-amz-sso_bearer_token` header
    /// (a control character such as a newline): no request could use it.
    UnsendableAccessToken,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::NotJson => f.write_str("not a JSON object"),
            ParseError::Missing(key) => write!(f, "missing {key}"),
            ParseError::BadTimestamp(key) => write!(f, "unreadable timestamp in {key}"),
            ParseError::UnsendableAccessToken => {
                f.write_str("accessToken cannot be sent in an HTTP header")
            }
        }
    }
}

/// When a cached token expires and whether it can be refreshed: what `sso status` needs of a
/// token, read by [`TokenLife::parse`] without copying the token's secrets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenLife {
    pub expires_at: Timestamp,
    pub registration_expires_at: Option<Timestamp>,
    /// `refreshToken`, `clientId` and `clientSecret` are all there.
    pub has_refresh_parts: bool,
}

impl TokenLife {
    /// A token file's [`TokenLife`], under the same rules as [`CachedToken::parse`].
    pub fn parse(bytes: &[u8]) -> Result<Self, ParseError> {
        TokenFields::parse(bytes).map(|fields| fields.life)
    }

    /// Time left before expiry at `now` (negative once expired).
    pub fn remaining(&self, now: SystemTime) -> chrono::TimeDelta {
        self.expires_at.remaining(now)
    }

    /// botocore's expiry test: `expiresAt <= now`.
    pub fn is_expired(&self, now: SystemTime) -> bool {
        self.remaining(now) <= chrono::TimeDelta::zero()
    }

    /// Fewer than 15 minutes left: botocore tries a refresh.
    pub fn expires_within_refresh_window(&self, now: SystemTime) -> bool {
        self.remaining(now) < REFRESH_WINDOW
    }

    /// botocore's refresh precondition: refreshToken, clientId, clientSecret and
    /// registrationExpiresAt present, and the registration not expired.
    pub fn is_refreshable(&self, now: SystemTime) -> bool {
        self.has_refresh_parts
            && self
                .registration_expires_at
                .is_some_and(|at| at.remaining(now) > chrono::TimeDelta::zero())
    }
}

/// A token file's members, checked as a token, borrowed from the file's bytes.
struct TokenFields<'a> {
    start_url: Option<Cow<'a, str>>,
    region: Option<Cow<'a, str>>,
    access_token: Cow<'a, str>,
    client_id: Option<Cow<'a, str>>,
    client_secret: Option<Cow<'a, str>>,
    refresh_token: Option<Cow<'a, str>>,
    life: TokenLife,
}

impl<'a> TokenFields<'a> {
    /// Only `accessToken` and `expiresAt` are required, as in botocore's `SSOTokenLoader`;
    /// unknown members are ignored. An access token that no request could carry (see
    /// [`ParseError::UnsendableAccessToken`]) makes the file unusable, as a missing one
    /// does, rather than a request that fails on the way out.
    fn parse(bytes: &'a [u8]) -> Result<Self, ParseError> {
        let [start_url, region, access_token, expires_at, client_id, client_secret, registration_expires_at, refresh_token] =
            members::strings(
                bytes,
                [
                    "startUrl",
                    "region",
                    "accessToken",
                    "expiresAt",
                    "clientId",
                    "clientSecret",
                    "registrationExpiresAt",
                    "refreshToken",
                ],
            )
            .flatten()
            .ok_or(ParseError::NotJson)?;
        let access_token = access_token.ok_or(ParseError::Missing("accessToken"))?;
        if !crate::secret::is_header_value(&access_token) {
            return Err(ParseError::UnsendableAccessToken);
        }
        let expires_at = expires_at.ok_or(ParseError::Missing("expiresAt"))?;
        let expires_at =
            Timestamp::parse(&expires_at).ok_or(ParseError::BadTimestamp("expiresAt"))?;
        let registration_expires_at = registration_expires_at
            .map(|at| {
                Timestamp::parse(&at).ok_or(ParseError::BadTimestamp("registrationExpiresAt"))
            })
            .transpose()?;
        let life = TokenLife {
            expires_at,
            registration_expires_at,
            has_refresh_parts: refresh_token.is_some()
                && client_id.is_some()
                && client_secret.is_some(),
        };
        Ok(TokenFields {
            start_url,
            region,
            access_token,
            client_id,
            client_secret,
            refresh_token,
            life,
        })
    }
}

impl CachedToken {
    /// Reads a token file's bytes (the rules are [`TokenFields::parse`]'s).
    pub fn parse(bytes: &[u8]) -> Result<Self, ParseError> {
        let fields = TokenFields::parse(bytes)?;
        Ok(CachedToken {
            start_url: fields.start_url.map(Cow::into_owned),
            region: fields.region.map(Cow::into_owned),
            access_token: Secret::new(fields.access_token),
            expires_at: fields.life.expires_at,
            client_id: fields.client_id.map(Cow::into_owned),
            client_secret: fields.client_secret.map(Secret::new),
            registration_expires_at: fields.life.registration_expires_at,
            refresh_token: fields.refresh_token.map(Secret::new),
        })
    }

    /// When this token expires and whether it can be refreshed.
    pub fn life(&self) -> TokenLife {
        TokenLife {
            expires_at: self.expires_at,
            registration_expires_at: self.registration_expires_at,
            has_refresh_parts: self.refresh_token.is_some()
                && self.client_id.is_some()
                && self.client_secret.is_some(),
        }
    }

    /// The file's bytes: botocore's field order (`startUrl, region, accessToken, expiresAt,
    /// clientId, clientSecret, registrationExpiresAt, refreshToken`), absent fields left out,
    /// Python `json.dumps` layout, no trailing newline.
    pub fn to_json(&self) -> String {
        let mut map = Map::new();
        if let Some(url) = &self.start_url {
            map.insert("startUrl".into(), url.clone().into());
        }
        if let Some(region) = &self.region {
            map.insert("region".into(), region.clone().into());
        }
        map.insert(
            "accessToken".into(),
            self.access_token.expose_secret().into(),
        );
        map.insert("expiresAt".into(), self.expires_at.to_cache_string().into());
        if let Some(id) = &self.client_id {
            map.insert("clientId".into(), id.clone().into());
        }
        if let Some(secret) = &self.client_secret {
            map.insert("clientSecret".into(), secret.expose_secret().into());
        }
        if let Some(at) = self.registration_expires_at {
            map.insert("registrationExpiresAt".into(), at.to_cache_string().into());
        }
        if let Some(refresh) = &self.refresh_token {
            map.insert("refreshToken".into(), refresh.expose_secret().into());
        }
        python_json(&Value::Object(map))
    }

    /// [`TokenLife::remaining`].
    pub fn remaining(&self, now: SystemTime) -> chrono::TimeDelta {
        self.life().remaining(now)
    }

    /// [`TokenLife::is_expired`].
    pub fn is_expired(&self, now: SystemTime) -> bool {
        self.life().is_expired(now)
    }

    /// [`TokenLife::expires_within_refresh_window`].
    pub fn expires_within_refresh_window(&self, now: SystemTime) -> bool {
        self.life().expires_within_refresh_window(now)
    }

    /// [`TokenLife::is_refreshable`].
    pub fn is_refreshable(&self, now: SystemTime) -> bool {
        self.life().is_refreshable(now)
    }
}

impl fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedToken")
            .field("start_url", &self.start_url)
            .field("region", &self.region)
            .field("access_token", &self.access_token)
            .field("expires_at", &self.expires_at)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("registration_expires_at", &self.registration_expires_at)
            .field("refresh_token", &self.refresh_token)
            .finish()
    }
}

/// A registered OIDC public client, cached so later logins skip RegisterClient.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientRegistration {
    pub client_id: String,
    pub client_secret: Secret,
    /// `clientSecretExpiresAt` (about 90 days after registration).
    pub expires_at: Timestamp,
    /// Device flow: the configured scopes, only when non-empty. PKCE flow: the scopes
    /// actually registered.
    pub scopes: Option<Vec<String>>,
    /// PKCE flow only: `["authorization_code", "refresh_token"]`.
    pub grant_types: Option<Vec<String>>,
}

impl ClientRegistration {
    pub fn parse(bytes: &[u8]) -> Result<Self, ParseError> {
        let object = json_object(bytes)?;
        let list = |key: &str| -> Option<Vec<String>> {
            object.get(key)?.as_array().map(|items| {
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
        };
        Ok(ClientRegistration {
            client_id: string(&object, "clientId").ok_or(ParseError::Missing("clientId"))?,
            client_secret: string(&object, "clientSecret")
                .map(Secret::new)
                .ok_or(ParseError::Missing("clientSecret"))?,
            expires_at: required_time(&object, "expiresAt")?,
            scopes: list("scopes"),
            grant_types: list("grantTypes"),
        })
    }

    /// `clientId, clientSecret, expiresAt[, scopes][, grantTypes]` in Python's layout.
    pub fn to_json(&self) -> String {
        let mut map = Map::new();
        map.insert("clientId".into(), self.client_id.clone().into());
        map.insert(
            "clientSecret".into(),
            self.client_secret.expose_secret().into(),
        );
        map.insert("expiresAt".into(), self.expires_at.to_cache_string().into());
        if let Some(scopes) = &self.scopes {
            map.insert("scopes".into(), scopes.clone().into());
        }
        if let Some(grants) = &self.grant_types {
            map.insert("grantTypes".into(), grants.clone().into());
        }
        python_json(&Value::Object(map))
    }

    /// Whether this registration was made for the authorization-code (PKCE) flow.
    pub fn is_auth_code(&self) -> bool {
        self.grant_types
            .as_ref()
            .is_some_and(|g| g.iter().any(|t| t == "authorization_code"))
    }

    /// v2 re-uses a registration only with more than 15 minutes left.
    pub fn is_usable(&self, now: SystemTime) -> bool {
        self.expires_at.remaining(now) > REFRESH_WINDOW
    }
}

impl fmt::Debug for ClientRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientRegistration")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .field("grant_types", &self.grant_types)
            .finish()
    }
}

/// The token file's key: sha1 of the session name, or of the exact start URL for legacy
/// profiles (`SSOTokenLoader._generate_cache_key`).
pub fn token_key(session_name: Option<&str>, start_url: &str) -> String {
    sha1_hex(session_name.unwrap_or(start_url).as_bytes())
}

/// The registration file's key (`_registration_cache_key`): sha1 of the sorted-keys,
/// default-separator JSON of `{tool, startUrl, region, scopes, session_name}`. `scopes` is
/// the parsed config list (`None` when the key is absent), not the registered default.
pub fn registration_key(
    start_url: &str,
    region: &str,
    scopes: Option<&[String]>,
    session_name: Option<&str>,
) -> String {
    // Inserted in sorted order; `python_json` keeps insertion order.
    let mut map = Map::new();
    map.insert("region".into(), region.into());
    map.insert(
        "scopes".into(),
        scopes.map_or(Value::Null, |s| Value::from(s.to_vec())),
    );
    map.insert(
        "session_name".into(),
        session_name.map_or(Value::Null, Value::from),
    );
    map.insert("startUrl".into(), start_url.into());
    map.insert("tool".into(), "botocore".into());
    sha1_hex(python_json(&Value::Object(map)).as_bytes())
}

/// What reading a cache file gave.
#[derive(Debug)]
pub enum Loaded<T> {
    Found(T),
    Missing,
    /// The file exists but is not a usable cache entry (or could not be read).
    Invalid(String),
}

impl<T> Loaded<T> {
    /// For login: a corrupt or unreadable file counts as absent (it is overwritten).
    pub fn found(self) -> Option<T> {
        match self {
            Loaded::Found(t) => Some(t),
            _ => None,
        }
    }
}

fn load<T>(dir: &Dir, key: &str, parse: impl FnOnce(&[u8]) -> Result<T, ParseError>) -> Loaded<T> {
    // botocore asks `os.path.isfile` first: no regular file there (nothing, a directory or a
    // FIFO in its place, or a cache "directory" that is a file) is a missing token.
    match dir.read_regular(&entry_name(key)) {
        Ok(Some(bytes)) => match parse(&bytes) {
            Ok(value) => Loaded::Found(value),
            Err(e) => Loaded::Invalid(e.to_string()),
        },
        Ok(None) => Loaded::Missing,
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound
                    | std::io::ErrorKind::NotADirectory
                    | std::io::ErrorKind::IsADirectory
            ) =>
        {
            Loaded::Missing
        }
        Err(e) => Loaded::Invalid(e.to_string()),
    }
}

pub fn load_token(dir: &Path, key: &str) -> Loaded<CachedToken> {
    load_token_in(&Dir::unopened(dir), key)
}

/// [`load_token`] from a directory opened once for many reads (`sso status`).
pub fn load_token_in(dir: &Dir, key: &str) -> Loaded<CachedToken> {
    load(dir, key, CachedToken::parse)
}

/// The [`TokenLife`] of the token under `key`, read as [`load_token_in`] reads the token.
pub fn load_token_life_in(dir: &Dir, key: &str) -> Loaded<TokenLife> {
    load(dir, key, TokenLife::parse)
}

pub fn save_token(dir: &Path, key: &str, token: &CachedToken) -> Result<()> {
    crate::atomic::write_private(&entry_path(dir, key), token.to_json().as_bytes())
}

/// The lock an implicit login of the token under `key` holds, so one login per session runs
/// at a time across processes (docs/compatibility.md, "Implicit logins"): `.<key>.json.lock`
/// beside the token file, created 0600 in the 0700 cache directory and removed by its holder;
/// the OS releases it when its holder ends. Waits up to `wait` for another process's login.
/// Token refreshes lock the token file itself ([`crate::sso_token::lock_token_file`]).
pub fn lock_login(
    dir: &Path,
    key: &str,
    wait: std::time::Duration,
) -> std::result::Result<WriteLock, LockFailure> {
    // A directory that cannot be made fails the lock below with its reason.
    let _ = crate::atomic::ensure_dir(dir);
    WriteLock::acquire(&entry_path(dir, key), wait)
}

pub fn load_registration(dir: &Path, key: &str) -> Loaded<ClientRegistration> {
    load(&Dir::unopened(dir), key, ClientRegistration::parse)
}

pub fn save_registration(dir: &Path, key: &str, registration: &ClientRegistration) -> Result<()> {
    crate::atomic::write_private(&entry_path(dir, key), registration.to_json().as_bytes())
}

fn json_object(bytes: &[u8]) -> Result<Map<String, Value>, ParseError> {
    match serde_json::from_slice(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ParseError::NotJson),
    }
}

fn string(object: &Map<String, Value>, key: &str) -> Option<String> {
    object.get(key)?.as_str().map(str::to_owned)
}

fn required_time(object: &Map<String, Value>, key: &'static str) -> Result<Timestamp, ParseError> {
    let text = object
        .get(key)
        .and_then(Value::as_str)
        .ok_or(ParseError::Missing(key))?;
    Timestamp::parse(text).ok_or(ParseError::BadTimestamp(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn full_token() -> CachedToken {
        CachedToken {
            start_url: Some("https://d-123.awsapps.com/start".into()),
            region: Some("us-west-2".into()),
            access_token: Secret::new("secret-access"),
            expires_at: at("2024-05-01T20:00:00Z"),
            client_id: Some("client-1".into()),
            client_secret: Some(Secret::new("secret-client")),
            registration_expires_at: Some(at("2024-07-30T12:00:00Z")),
            refresh_token: Some(Secret::new("secret-refresh")),
        }
    }

    #[test]
    fn token_key_vectors() {
        assert_eq!(
            token_key(Some("admin"), "https://ignored"),
            "d033e22ae348aeb5660fc2140aec35850c4da997"
        );
        assert_eq!(
            token_key(None, "https://d-123.awsapps.com/start"),
            "2b829a45f04c9828cb45b7d092d8e4aa30818393"
        );
    }

    #[test]
    fn registration_key_vectors() {
        let start = "https://d-123.awsapps.com/start";
        assert_eq!(
            registration_key(start, "us-west-2", None, None),
            "f8da95e56dba21016e9eaba950873ed6f9d0a31b"
        );
        let scopes = vec!["sso:account:access".to_owned()];
        assert_eq!(
            registration_key(start, "us-west-2", Some(&scopes), Some("admin")),
            "b8e2c73342c2897e7eaf29fee6f99870802069ce"
        );
        assert_eq!(
            registration_key(start, "us-west-2", None, Some("admin")),
            "ee7404f33efcc96e1d53e8dafc7e2ac4c57f2d26"
        );
    }

    #[test]
    fn token_layout_matches_botocore() {
        assert_eq!(
            full_token().to_json(),
            r#"{"startUrl": "https://d-123.awsapps.com/start", "region": "us-west-2", "accessToken": "secret-access", "expiresAt": "2024-05-01T20:00:00Z", "clientId": "client-1", "clientSecret": "secret-client", "registrationExpiresAt": "2024-07-30T12:00:00Z", "refreshToken": "secret-refresh"}"#
        );
        let mut token = full_token();
        token.refresh_token = None;
        assert!(!token.to_json().contains("refreshToken"));
        assert_eq!(
            CachedToken::parse(full_token().to_json().as_bytes()).unwrap(),
            full_token()
        );
    }

    #[test]
    fn registration_layout_per_flow() {
        let device = ClientRegistration {
            client_id: "id".into(),
            client_secret: Secret::new("sec"),
            expires_at: at("2024-07-30T12:00:00Z"),
            scopes: None,
            grant_types: None,
        };
        assert_eq!(
            device.to_json(),
            r#"{"clientId": "id", "clientSecret": "sec", "expiresAt": "2024-07-30T12:00:00Z"}"#
        );
        assert!(!device.is_auth_code());
        let pkce = ClientRegistration {
            scopes: Some(vec!["sso:account:access".into()]),
            grant_types: Some(vec!["authorization_code".into(), "refresh_token".into()]),
            ..device
        };
        assert_eq!(
            pkce.to_json(),
            r#"{"clientId": "id", "clientSecret": "sec", "expiresAt": "2024-07-30T12:00:00Z", "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]}"#
        );
        assert!(pkce.is_auth_code());
        assert_eq!(
            ClientRegistration::parse(pkce.to_json().as_bytes()).unwrap(),
            pkce
        );
    }

    #[test]
    fn parse_requires_access_token_and_expiry() {
        assert_eq!(CachedToken::parse(b"nope"), Err(ParseError::NotJson));
        assert_eq!(CachedToken::parse(b"[]"), Err(ParseError::NotJson));
        assert_eq!(
            CachedToken::parse(br#"{"expiresAt": "2024-05-01T20:00:00Z"}"#),
            Err(ParseError::Missing("accessToken"))
        );
        assert_eq!(
            CachedToken::parse(br#"{"accessToken": "a", "expiresAt": "soon"}"#),
            Err(ParseError::BadTimestamp("expiresAt"))
        );
        for unsendable in [r"a\nb", r"a\r\nb", r"\u0000", r"a\u007fb", r"\nab"] {
            let file = format!(
                r#"{{"accessToken": "{unsendable}", "expiresAt": "2024-05-01T20:00:00Z"}}"#
            );
            let err = CachedToken::parse(file.as_bytes()).unwrap_err();
            assert_eq!(err, ParseError::UnsendableAccessToken, "{unsendable}");
            assert_eq!(
                err.to_string(),
                "accessToken cannot be sent in an HTTP header"
            );
        }
        for sendable in ["a b", r"a\tb", r"caf\u00e9", "aoa-1.2_3/4+5="] {
            let file =
                format!(r#"{{"accessToken": "{sendable}", "expiresAt": "2024-05-01T20:00:00Z"}}"#);
            assert!(CachedToken::parse(file.as_bytes()).is_ok(), "{sendable}");
        }
        let minimal = CachedToken::parse(
            br#"{"accessToken": "a", "expiresAt": "2024-05-01T20:00:00Z", "x": 1}"#,
        )
        .unwrap();
        assert_eq!(minimal.start_url, None);
        assert!(!minimal.is_refreshable(SystemTime::UNIX_EPOCH));
    }

    #[test]
    fn a_token_life_reads_as_the_whole_token_does() {
        let full = full_token().to_json();
        let escaped = full.replace("secret-refresh", r"secret\u002drefresh");
        let cases = [
            full.as_str(),
            escaped.as_str(),
            r#"{"accessToken": "a", "expiresAt": "2024-05-01T20:00:00Z"}"#,
            r#"{"accessToken": "a", "expiresAt": "2024-05-01T20:00:00Z", "refreshToken": "r", "clientId": "c"}"#,
            r#"{"accessToken": "a", "expiresAt": "2024-05-01T20:00:00Z", "refreshToken": "r", "clientId": "c", "clientSecret": 1, "registrationExpiresAt": "2099-01-01T00:00:00Z"}"#,
            r#"{"accessToken": "a", "expiresAt": "2024-05-01T20:00:00Z", "registrationExpiresAt": "later"}"#,
            r#"{"accessToken": "a\nb", "expiresAt": "2024-05-01T20:00:00Z"}"#,
            r#"{"expiresAt": "2024-05-01T20:00:00Z"}"#,
            r#"{"accessToken": "a", "expiresAt": "soon"}"#,
            "[]",
            "{",
        ];
        for case in cases {
            let whole = CachedToken::parse(case.as_bytes());
            assert_eq!(
                TokenLife::parse(case.as_bytes()),
                whole.as_ref().map(CachedToken::life).map_err(Clone::clone),
                "{case}"
            );
        }
        let life = TokenLife::parse(escaped.as_bytes()).unwrap();
        assert!(life.has_refresh_parts);
        assert!(life.is_refreshable(SystemTime::from(at("2024-05-01T19:00:00Z").utc())));
        assert!(!life.is_refreshable(SystemTime::from(at("2024-08-01T00:00:00Z").utc())));
    }

    #[test]
    fn debug_output_redacts_secrets() {
        let shown = format!("{:?}", full_token());
        for secret in ["secret-access", "secret-client", "secret-refresh"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(
            shown.contains("client-1") && shown.contains("redacted"),
            "{shown}"
        );
        let registration = ClientRegistration {
            client_id: "id".into(),
            client_secret: Secret::new("secret-client"),
            expires_at: at("2024-07-30T12:00:00Z"),
            scopes: None,
            grant_types: None,
        };
        assert!(!format!("{registration:?}").contains("secret-client"));
    }

    #[test]
    fn expiry_windows() {
        let token = full_token();
        let now = |text: &str| SystemTime::from(at(text).utc());
        assert!(!token.expires_within_refresh_window(now("2024-05-01T19:45:00Z")));
        assert!(token.expires_within_refresh_window(now("2024-05-01T19:45:01Z")));
        assert!(!token.is_expired(now("2024-05-01T19:59:59Z")));
        assert!(token.is_expired(now("2024-05-01T20:00:00Z")));
        assert!(token.is_refreshable(now("2024-07-30T11:59:59Z")));
        assert!(!token.is_refreshable(now("2024-07-30T12:00:00Z")));
    }

    /// A FIFO where the token file should be is no token (botocore's `isfile`), and reading
    /// it must not block.
    #[cfg(unix)]
    #[test]
    fn a_fifo_in_the_cache_is_a_missing_token() {
        let dir = tempfile::tempdir().unwrap();
        let key = token_key(Some("dev"), "");
        let status = std::process::Command::new("mkfifo")
            .arg(crate::cache::entry_path(dir.path(), &key))
            .status()
            .unwrap();
        assert!(status.success());
        assert!(matches!(load_token(dir.path(), &key), Loaded::Missing));
        assert!(crate::cache::role::load(dir.path(), &key, SystemTime::UNIX_EPOCH).is_none());
    }

    #[test]
    fn files_round_trip_and_corrupt_files_are_invalid() {
        let dir = tempfile::tempdir().unwrap();
        let key = token_key(Some("dev"), "");
        assert!(matches!(load_token(dir.path(), &key), Loaded::Missing));
        save_token(dir.path(), &key, &full_token()).unwrap();
        assert_eq!(load_token(dir.path(), &key).found(), Some(full_token()));
        std::fs::write(crate::cache::entry_path(dir.path(), &key), b"{broken").unwrap();
        assert!(matches!(load_token(dir.path(), &key), Loaded::Invalid(_)));
        assert_eq!(load_token(dir.path(), &key).found(), None);
    }
}
