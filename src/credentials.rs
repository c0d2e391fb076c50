//! The credential provider chain in AWS CLI v2's order (CONTRACT.md, reference §6.1, botocore
//! `create_credential_resolver`): environment (skipped under an explicit `--profile`), assume
//! role (`role_arn` + `source_profile`, chained, cached in `~/.aws/cli/cache`), SSO (legacy or
//! sso-session, role credentials cached in `~/.aws/cli/cache`), the credentials file,
//! `credential_process`, config-file static keys.
//!
//! Out of scope, and said so with a clear error when a profile relies on them: web identity
//! (`web_identity_token_file`), `aws login` sessions (`login_session`) and the
//! `EcsContainer`/`Ec2InstanceMetadata` `credential_source`s. Container and instance metadata
//! credentials are never looked up (awsso never calls the metadata service).
//!
//! Every message is botocore's. Errors carry the phase v2 raises them in
//! ([`ChainError::deferred`]): `configure export-credentials` wraps only load-phase errors.

use std::cell::{OnceCell, RefCell};
use std::time::SystemTime;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use indexmap::IndexMap;

use crate::cache::role::{self, AssumeRoleKey, CachedCredentials, SsoKey};
use crate::config::{self, parse, AwsConfig, Props};
use crate::context::Context;
use crate::ctx_debug;
use crate::error::{Error, Result};
use crate::http::{self, EndpointConfig, HttpClient, Service};
use crate::oidc::OidcClient;
use crate::portal::PortalClient;
use crate::settings::{ProfileChoice, TransportSettings};
use crate::sso_token::{self, LoginTarget};
use crate::sts::{AssumeRoleParams, StsClient, StsEndpoint};

/// A secret string whose `Debug` never shows it and which has no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value, for the few places that must send or print it (signing, export).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(** redacted **)")
    }
}

/// Which provider found the credentials (botocore's `METHOD` names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Environment,
    AssumeRole,
    Sso,
    SharedCredentialsFile,
    Process,
    ConfigFile,
}

impl Source {
    pub fn method(self) -> &'static str {
        match self {
            Source::Environment => "env",
            Source::AssumeRole => "assume-role",
            Source::Sso => "sso",
            Source::SharedCredentialsFile => "shared-credentials-file",
            Source::Process => "custom-process",
            Source::ConfigFile => "config-file",
        }
    }
}

/// Resolved AWS credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
    /// Set for temporary credentials (SSO, assume role, process/env with an expiry).
    pub expiration: Option<Timestamp>,
    pub account_id: Option<String>,
    pub source: Source,
}

impl Credentials {
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expiration: Option<Timestamp>,
        source: Source,
    ) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: Secret::new(secret_access_key),
            // botocore sends no token header for an empty token.
            session_token: session_token.filter(|t| !t.is_empty()).map(Secret),
            expiration,
            account_id: None,
            source,
        }
    }

    fn with_account(mut self, account_id: Option<String>) -> Self {
        self.account_id = account_id.filter(|a| !a.is_empty());
        self
    }

    fn from_cached(cached: CachedCredentials, source: Source) -> Self {
        Credentials::new(
            cached.access_key_id,
            cached.secret_access_key,
            Some(cached.session_token),
            Some(cached.expiration),
            source,
        )
        .with_account(cached.account_id)
    }
}

/// An instant as some tool wrote it: compared in UTC, printed back as Python's
/// `datetime.isoformat()` of what dateutil parsed (offset kept, `+00:00` for `Z`/`UTC`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp {
    utc: DateTime<Utc>,
    /// None for a time written without a zone (naive; compared as UTC).
    offset: Option<FixedOffset>,
}

impl Timestamp {
    pub fn from_utc(utc: DateTime<Utc>) -> Self {
        Timestamp {
            utc,
            offset: FixedOffset::east_opt(0),
        }
    }

    /// The forms botocore's dateutil reads in practice: `YYYY-MM-DD[T ]HH:MM:SS[.frac]`
    /// followed by nothing, `Z`, `UTC`/`GMT`, or `±HH[:]MM`/`±HH`.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (date, rest) = (text.get(..10)?, text.get(10..)?);
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
        let rest = rest.strip_prefix(['T', 't', ' '])?;
        let time_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
            .unwrap_or(rest.len());
        let (time, zone) = rest.split_at(time_end);
        let time = NaiveTime::parse_from_str(time, "%H:%M:%S%.f")
            .or_else(|_| NaiveTime::parse_from_str(time, "%H:%M"))
            .ok()?;
        // dateutil keeps microseconds only.
        let time = time.with_nanosecond(time.nanosecond() / 1000 * 1000)?;
        let naive = NaiveDateTime::new(date, time);
        let zone = zone.trim();
        let offset = if zone.is_empty() {
            None
        } else if zone.eq_ignore_ascii_case("z")
            || zone.eq_ignore_ascii_case("utc")
            || zone.eq_ignore_ascii_case("gmt")
        {
            Some(FixedOffset::east_opt(0)?)
        } else {
            Some(parse_offset(zone)?)
        };
        let utc = match offset {
            Some(off) => off
                .from_local_datetime(&naive)
                .single()?
                .with_timezone(&Utc),
            None => Utc.from_utc_datetime(&naive),
        };
        Some(Timestamp { utc, offset })
    }

    pub fn utc(&self) -> DateTime<Utc> {
        self.utc
    }

    /// Whole seconds from `now` until this instant (negative once past).
    pub fn seconds_after(&self, now: SystemTime) -> i64 {
        let now = DateTime::<Utc>::from(now);
        (self.utc - now).num_seconds()
    }

    /// Python's `datetime.isoformat()`: `2024-05-01T12:00:00+00:00`, microseconds only when
    /// not zero, no offset for a naive time.
    pub fn isoformat(&self) -> String {
        let offset = self.offset.unwrap_or(FixedOffset::east_opt(0).unwrap());
        let local = self.utc.with_timezone(&offset);
        let mut out = local.format("%Y-%m-%dT%H:%M:%S").to_string();
        let micros = local.timestamp_subsec_micros();
        if micros != 0 {
            out.push_str(&format!(".{micros:06}"));
        }
        if self.offset.is_some() {
            out.push_str(&local.format("%:z").to_string());
        }
        out
    }
}

use chrono::Timelike;

fn parse_offset(zone: &str) -> Option<FixedOffset> {
    let (sign, digits) = match zone.as_bytes().first()? {
        b'+' => (1, &zone[1..]),
        b'-' => (-1, &zone[1..]),
        _ => return None,
    };
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (digits[..2].parse().ok()?, digits[2..].parse::<i32>().ok()?),
        _ => return None,
    };
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

/// A failure of the chain, and whether v2 raises it while loading providers (false) or
/// only when the credentials are first used (true: SSO and AssumeRole fetches, expiry).
#[derive(Debug)]
pub struct ChainError {
    pub error: Error,
    pub deferred: bool,
}

impl From<ChainError> for Error {
    fn from(e: ChainError) -> Self {
        e.error
    }
}

type ChainResult<T> = std::result::Result<T, ChainError>;

fn load_phase(error: Error) -> ChainError {
    ChainError {
        error,
        deferred: false,
    }
}

fn fetch_phase(error: Error) -> ChainError {
    ChainError {
        error,
        deferred: true,
    }
}

/// The shared config and credentials files, read once: botocore's merged `full_config` and
/// each file on its own (the credentials-file and config-file providers read only theirs).
#[derive(Clone, Debug, Default)]
pub struct CredentialFiles {
    /// Both files merged, credentials-file keys winning.
    pub config: AwsConfig,
    config_profiles: IndexMap<String, Props>,
    credentials_profiles: IndexMap<String, Props>,
}

impl CredentialFiles {
    pub fn load(ctx: &Context) -> Result<Self> {
        let config_text = config::read_optional(ctx, &ctx.paths.config_file)?;
        let credentials_text = config::read_optional(ctx, &ctx.paths.credentials_file)?;
        Self::from_texts(ctx, &config_text, &credentials_text)
    }

    fn from_texts(ctx: &Context, config_text: &str, credentials_text: &str) -> Result<Self> {
        let config = AwsConfig::from_config_text(config_text).map_err(|e| Error::ConfigParse {
            path: ctx.paths.config_file.clone(),
            detail: e.to_string(),
        })?;
        let credentials_error = |e: parse::ParseError| Error::ConfigParse {
            path: ctx.paths.credentials_file.clone(),
            detail: e.to_string(),
        };
        let mut credentials_profiles = IndexMap::new();
        for section in parse::parse(credentials_text).map_err(credentials_error)? {
            credentials_profiles.insert(section.header, section.values);
        }
        let config_profiles = config.profiles.clone();
        let mut merged = config;
        for (name, values) in &credentials_profiles {
            let props = merged.profiles.entry(name.clone()).or_default();
            for (key, value) in values {
                props.insert(key.clone(), value.clone());
            }
        }
        Ok(CredentialFiles {
            config: merged,
            config_profiles,
            credentials_profiles,
        })
    }
}

/// Resolves the credentials of one profile, making network calls only when a provider needs
/// them (one HTTP client, built on first use).
pub struct Resolver<'a> {
    ctx: &'a Context,
    files: &'a CredentialFiles,
    profile: String,
    /// The user named the profile (`--profile`, `AWS_PROFILE`...), so hints can name it.
    profile_named: bool,
    use_environment: bool,
    region: Option<String>,
    transport: TransportSettings,
    process_env: Vec<(String, String)>,
    http: OnceCell<HttpClient>,
    /// botocore's `_visited_profiles` of the assume-role provider.
    visited: RefCell<Vec<String>>,
}

static EMPTY: std::sync::LazyLock<Props> = std::sync::LazyLock::new(Props::new);

impl<'a> Resolver<'a> {
    /// `region` is the client region (AssumeRole calls STS there; None: the global endpoint).
    pub fn new(
        ctx: &'a Context,
        files: &'a CredentialFiles,
        choice: &ProfileChoice,
        region: Option<String>,
        transport: TransportSettings,
    ) -> Self {
        Resolver {
            ctx,
            files,
            profile: choice.name.clone(),
            profile_named: choice.named,
            use_environment: !choice.explicit_flag,
            region,
            transport,
            process_env: Vec::new(),
            http: OnceCell::new(),
            visited: RefCell::new(vec![choice.name.clone()]),
        }
    }

    /// An extra variable for `credential_process` children (export-credentials' recursion
    /// guard).
    pub fn with_process_env(mut self, name: &str, value: &str) -> Self {
        self.process_env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The HTTP client of this command, built on first use.
    pub fn http(&self) -> Result<&HttpClient> {
        if let Some(client) = self.http.get() {
            return Ok(client);
        }
        let client = HttpClient::new(self.ctx, &self.transport, Some(self.top_profile()))?;
        Ok(self.http.get_or_init(|| client))
    }

    fn top_profile(&self) -> &'a Props {
        self.profile_props(&self.profile)
    }

    fn profile_props(&self, name: &str) -> &'a Props {
        self.files.config.profiles.get(name).unwrap_or(&EMPTY)
    }

    /// Endpoint settings of the session's profile for the providers' internal clients
    /// (`--endpoint-url` applies to the command's own client only).
    fn endpoint_config(&self) -> EndpointConfig<'a> {
        EndpointConfig {
            flag: None,
            profile: Some(self.top_profile()),
            config: Some(&self.files.config),
        }
    }

    /// The first provider that has credentials; None when none has.
    pub async fn resolve(&self) -> ChainResult<Option<Credentials>> {
        if self.use_environment {
            if let Some(creds) = environment(self.ctx).map_err(load_phase)? {
                ctx_debug!(self.ctx, "Found credentials in environment variables.");
                return check_not_expired(creds, self.ctx.now())
                    .map(Some)
                    .map_err(fetch_phase);
            }
        } else {
            ctx_debug!(
                self.ctx,
                "Skipping environment variable credential check because profile name was explicitly set."
            );
        }
        let top = self.top_profile();
        if has_assume_role_vars(top) {
            let profile = self.profile.clone();
            return self.assume_role(&profile).await.map(Some);
        }
        self.profile_providers(&self.profile.clone(), true, self.use_environment)
            .await
    }

    /// botocore's `ProfileProviderBuilder.providers`: web identity, SSO, credentials file,
    /// `aws login`, credential_process, config file.
    async fn profile_providers(
        &self,
        name: &str,
        top_level: bool,
        env_allowed: bool,
    ) -> ChainResult<Option<Credentials>> {
        let props = self.profile_props(name);
        if config::get(props, "web_identity_token_file").is_some()
            || (env_allowed && self.ctx.env.get("AWS_WEB_IDENTITY_TOKEN_FILE").is_some())
        {
            return Err(load_phase(Error::InvalidConfig(format!(
                "awsso does not support web identity credentials (web_identity_token_file) used by the profile \"{name}\"; use the AWS CLI for it"
            ))));
        }
        if let Some(sso) = self.sso_config(name).map_err(load_phase)? {
            return self.sso_credentials(&sso, top_level).await.map(Some);
        }
        if let Some(creds) = static_keys(
            self.files.credentials_profiles.get(name),
            Source::SharedCredentialsFile,
        )
        .map_err(load_phase)?
        {
            ctx_debug!(self.ctx, "Found credentials in shared credentials file.");
            return Ok(Some(creds));
        }
        if config::get(props, "login_session").is_some() {
            return Err(load_phase(Error::InvalidConfig(format!(
                "awsso does not support aws login sessions (login_session) used by the profile \"{name}\"; use the AWS CLI for it"
            ))));
        }
        if let Some(command) = config::get(props, "credential_process") {
            return self.process(command, props).map(Some);
        }
        if let Some(creds) = static_keys(self.files.config_profiles.get(name), Source::ConfigFile)
            .map_err(load_phase)?
        {
            ctx_debug!(self.ctx, "Credentials found in config file.");
            return Ok(Some(creds));
        }
        Ok(None)
    }

    // ----- SSO -----

    /// `SSOProvider._load_sso_config`: None unless the profile has `sso_account_id` or
    /// `sso_role_name`; v2's messages for a missing session, inconsistent or missing keys.
    fn sso_config(&self, name: &str) -> Result<Option<SsoConfig>> {
        let profile = self.profile_props(name);
        if !profile.contains_key("sso_account_id") && !profile.contains_key("sso_role_name") {
            return Ok(None);
        }
        let mut resolved = profile.clone();
        let session_name = match profile.get("sso_session") {
            None => None,
            Some(value) => {
                let session_name = value.as_str().unwrap_or_default().to_owned();
                let Some(session) = self.files.config.sso_session(&session_name) else {
                    return Err(Error::InvalidConfig(format!(
                        "The specified sso-session does not exist: \"{session_name}\""
                    )));
                };
                for (key, value) in session {
                    if let Some(existing) = resolved.get(key) {
                        if existing != value {
                            return Err(Error::InvalidConfig(format!(
                                "The value for {key} is inconsistent between profile ({}) and sso-session ({}).",
                                display_value(existing),
                                display_value(value)
                            )));
                        }
                    }
                    resolved.insert(key.clone(), value.clone());
                }
                Some(session_name)
            }
        };
        let mut required = vec![
            "sso_role_name",
            "sso_account_id",
            "sso_start_url",
            "sso_region",
        ];
        if session_name.is_some() {
            required.push("sso_session");
        }
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|key| !resolved.contains_key(*key))
            .collect();
        if !missing.is_empty() {
            return Err(Error::InvalidConfig(format!(
                "The profile \"{name}\" is configured to use SSO but is missing required configuration: {}",
                missing.join(", ")
            )));
        }
        let get = |key: &str| config::get(&resolved, key).unwrap_or_default().to_owned();
        Ok(Some(SsoConfig {
            profile: name.to_owned(),
            session_name,
            start_url: get("sso_start_url"),
            sso_region: get("sso_region"),
            account_id: get("sso_account_id"),
            role_name: get("sso_role_name"),
            session: resolved,
        }))
    }

    /// `SSOCredentialFetcher`: the role-credentials cache (the file for the profile's own
    /// provider, none for a source profile), else a token and GetRoleCredentials.
    async fn sso_credentials(&self, sso: &SsoConfig, file_cache: bool) -> ChainResult<Credentials> {
        let key = role::sso_key(&match &sso.session_name {
            Some(session_name) => SsoKey::Session {
                account_id: &sso.account_id,
                role_name: &sso.role_name,
                session_name,
            },
            None => SsoKey::Legacy {
                account_id: &sso.account_id,
                role_name: &sso.role_name,
                start_url: &sso.start_url,
            },
        });
        let dir = &self.ctx.paths.cli_cache_dir;
        if file_cache {
            if let Some(cached) = role::load(dir, &key, self.ctx.now()) {
                ctx_debug!(self.ctx, "Credentials for role retrieved from cache.");
                return Ok(Credentials::from_cached(cached, Source::Sso));
            }
        }
        let token = self.sso_access_token(sso).await.map_err(fetch_phase)?;
        let http = self.http().map_err(fetch_phase)?;
        let portal = PortalClient {
            http,
            endpoint: http::checked_endpoint(
                self.ctx,
                Service::Sso,
                &sso.sso_region,
                self.endpoint_config(),
            )
            .map_err(fetch_phase)?,
        };
        let fetched = portal
            .get_role_credentials(self.ctx, &token, &sso.account_id, &sso.role_name)
            .await
            .map_err(|e| match e {
                Error::Service { code, .. } if code == "UnauthorizedException" => {
                    sso_token::session_expired_error(&self.login_target(sso))
                }
                other => other,
            })
            .map_err(fetch_phase)?;
        // botocore keeps whole seconds (`strftime('%Y-%m-%dT%H:%M:%SZ')`).
        let expiration = DateTime::<Utc>::from_timestamp(fetched.expiration.div_euclid(1000), 0)
            .ok_or_else(|| {
                fetch_phase(Error::Other(format!(
                    "Unable to parse the GetRoleCredentials response: invalid expiration {}",
                    fetched.expiration
                )))
            })?;
        let cached = CachedCredentials {
            access_key_id: fetched.access_key_id,
            secret_access_key: fetched.secret_access_key,
            session_token: fetched.session_token,
            expiration: Timestamp::from_utc(expiration),
            account_id: Some(sso.account_id.clone()),
        };
        if file_cache {
            if let Err(e) = role::save(dir, &key, &role::sso_document(&cached)) {
                // The credentials are good; a cache we cannot write only costs a call later.
                ctx_debug!(self.ctx, "Unable to cache role credentials: {e}");
            }
        }
        check_not_expired(
            Credentials::from_cached(cached, Source::Sso),
            self.ctx.now(),
        )
        .map_err(fetch_phase)
    }

    /// The access token for GetRoleCredentials, from the shared SSO token provider: the
    /// session's token refreshed when within 15 minutes of expiry, or the legacy token,
    /// rejected locally once expired (v2 2.25.3+).
    async fn sso_access_token(&self, sso: &SsoConfig) -> Result<String> {
        let target = self.login_target(sso);
        let http = self.http()?;
        let oidc = OidcClient {
            http,
            endpoint: http::checked_endpoint(
                self.ctx,
                Service::SsoOidc,
                &sso.sso_region,
                self.endpoint_config(),
            )?,
        };
        Ok(sso_token::sso_token(self.ctx, &oidc, &target)
            .await?
            .access_token)
    }

    /// The login a profile's SSO settings point at; messages name `awsso sso login
    /// --profile P` for the profile that needs it.
    fn login_target(&self, sso: &SsoConfig) -> LoginTarget {
        let named = sso.profile != self.profile || self.profile_named;
        LoginTarget {
            session_name: sso.session_name.clone(),
            start_url: sso.start_url.clone(),
            region: sso.sso_region.clone(),
            scopes: config::get(&sso.session, "sso_registration_scopes")
                .filter(|_| sso.session_name.is_some())
                .map(sso_token::parse_scopes),
            profile_name: named.then(|| sso.profile.clone()),
        }
    }

    // ----- assume role -----

    /// `AssumeRoleProvider._load_creds_via_assume_role`, with the assume-role cache checked
    /// before the source credentials are resolved (so a cache hit costs no source call).
    /// Every link of a chain shares the CLI's file cache, as in v2.
    fn assume_role<'s>(
        &'s self,
        name: &'s str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ChainResult<Credentials>> + 's>> {
        Box::pin(async move {
            let role = self.role_config(name).map_err(load_phase)?;
            let key = role::assume_role_key(&AssumeRoleKey {
                role_arn: &role.role_arn,
                role_session_name: role.role_session_name.as_deref(),
                external_id: role.external_id.as_deref(),
                serial_number: role.mfa_serial.as_deref(),
                duration_seconds: role.duration_seconds,
            });
            let dir = &self.ctx.paths.cli_cache_dir;
            if let Some(cached) = role::load(dir, &key, self.ctx.now()) {
                ctx_debug!(self.ctx, "Credentials for role retrieved from cache.");
                return Ok(Credentials::from_cached(cached, Source::AssumeRole));
            }
            let source = self.source_credentials(&role, name).await?;
            let session_name = role.role_session_name.clone().unwrap_or_else(|| {
                let secs = self
                    .ctx
                    .now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_secs();
                format!("botocore-session-{secs}")
            });
            let token_code = match &role.mfa_serial {
                Some(serial) => Some(prompt_mfa(serial).map_err(fetch_phase)?),
                None => None,
            };
            let http = self.http().map_err(fetch_phase)?;
            let sts = StsClient {
                http,
                endpoint: StsEndpoint::resolve(
                    self.ctx,
                    self.region.as_deref(),
                    self.endpoint_config(),
                )
                .map_err(fetch_phase)?,
            };
            let params = AssumeRoleParams {
                role_arn: role.role_arn.clone(),
                role_session_name: session_name,
                duration_seconds: role.duration_seconds,
                external_id: role.external_id.clone(),
                serial_number: role.mfa_serial.clone(),
                token_code,
            };
            let output = sts
                .assume_role(self.ctx, &source, &params)
                .await
                .map_err(fetch_phase)?;
            let cached = CachedCredentials {
                access_key_id: output.access_key_id,
                secret_access_key: output.secret_access_key,
                session_token: output.session_token,
                expiration: output.expiration,
                account_id: output.arn.as_deref().and_then(arn_account),
            };
            let user = role::AssumedRoleUser {
                assumed_role_id: output.assumed_role_id,
                arn: output.arn,
                request_id: output.request_id,
            };
            if let Err(e) = role::save(dir, &key, &role::assume_role_document(&cached, &user)) {
                ctx_debug!(self.ctx, "Unable to cache assumed-role credentials: {e}");
            }
            check_not_expired(
                Credentials::from_cached(cached, Source::AssumeRole),
                self.ctx.now(),
            )
            .map_err(fetch_phase)
        })
    }

    /// `AssumeRoleProvider._get_role_config` with its validations, in v2's order.
    fn role_config(&self, name: &str) -> Result<RoleConfig> {
        let profile = self.profile_props(name);
        let get = |key: &str| config::get(profile, key).map(str::to_owned);
        let role = RoleConfig {
            role_arn: get("role_arn").unwrap_or_default(),
            source_profile: get("source_profile"),
            credential_source: get("credential_source"),
            mfa_serial: get("mfa_serial"),
            external_id: get("external_id"),
            role_session_name: get("role_session_name"),
            // botocore: int(duration_seconds), silently ignored when not a number.
            duration_seconds: get("duration_seconds").and_then(|d| d.trim().parse().ok()),
        };
        match (&role.credential_source, &role.source_profile) {
            (Some(_), Some(_)) => Err(Error::InvalidConfig(format!(
                "The profile \"{name}\" contains both source_profile and credential_source."
            ))),
            (None, None) => Err(Error::Other(
                "Partial credentials found in assume-role, missing: source_profile or credential_source"
                    .into(),
            )),
            (Some(source), None) => {
                if !matches!(
                    source.as_str(),
                    "Environment" | "EcsContainer" | "Ec2InstanceMetadata"
                ) {
                    return Err(Error::InvalidConfig(format!(
                        "The credential source \"{source}\" referenced in profile \"{name}\" is not valid."
                    )));
                }
                Ok(role)
            }
            (None, Some(source)) => {
                self.validate_source_profile(name, source)?;
                Ok(role)
            }
        }
    }

    fn validate_source_profile(&self, parent: &str, source: &str) -> Result<()> {
        let Some(source_props) = self.files.config.profile(source) else {
            return Err(Error::InvalidConfig(format!(
                "The source_profile \"{source}\" referenced in the profile \"{parent}\" does not exist."
            )));
        };
        let visited = self.visited.borrow();
        if !visited.iter().any(|v| v == source) {
            return Ok(());
        }
        // A profile may source itself for static keys kept beside its role_arn.
        if source != parent || !has_static_keys(source_props) {
            let list: Vec<String> = visited.iter().map(|v| python_str_repr(v)).collect();
            return Err(Error::InvalidConfig(format!(
                "Infinite loop in credential configuration detected. Attempting to load from profile {source} which has already been visited. Visited profiles: [{}]",
                list.join(", ")
            )));
        }
        Ok(())
    }

    async fn source_credentials(&self, role: &RoleConfig, name: &str) -> ChainResult<Credentials> {
        if let Some(source) = &role.credential_source {
            return match source.as_str() {
                "Environment" => match environment(self.ctx).map_err(load_phase)? {
                    Some(creds) => Ok(creds),
                    None => Err(load_phase(Error::Other(format!(
                        "Error when retrieving credentials from {source}: No credentials found in credential_source referenced in profile {name}"
                    )))),
                },
                other => Err(load_phase(Error::InvalidConfig(format!(
                    "awsso does not support credential_source = {other} (profile \"{name}\"): it never calls the container or instance metadata services; use source_profile or the AWS CLI"
                )))),
            };
        }
        let source = role.source_profile.clone().unwrap_or_default();
        self.visited.borrow_mut().push(source.clone());
        let props = self.profile_props(&source);
        if has_static_keys(props) || !has_assume_role_vars(props) {
            return match self.profile_providers(&source, false, false).await? {
                Some(creds) => Ok(creds),
                None => Err(load_phase(Error::InvalidConfig(format!(
                    "The source profile \"{source}\" must have credentials."
                )))),
            };
        }
        self.assume_role(&source).await
    }

    // ----- credential_process -----

    /// `ProcessProvider`: runs the command (shell-split, no shell), parses the Version 1
    /// JSON; an expiry within 15 minutes makes v2 run it once more, as here.
    fn process(&self, command: &str, props: &Props) -> ChainResult<Credentials> {
        let first = self.run_process(command, props).map_err(load_phase)?;
        let Some(expiration) = first.expiration else {
            return Ok(first);
        };
        let remaining = expiration.seconds_after(self.ctx.now());
        if remaining >= ADVISORY_REFRESH_SECONDS {
            return Ok(first);
        }
        match self.run_process(command, props) {
            Ok(second) => check_not_expired(second, self.ctx.now()).map_err(fetch_phase),
            // Outside the mandatory window a failed refresh keeps the current credentials.
            Err(_) if remaining >= MANDATORY_REFRESH_SECONDS => Ok(first),
            Err(e) => Err(fetch_phase(e)),
        }
    }

    fn run_process(&self, command: &str, props: &Props) -> Result<Credentials> {
        let provider_error = |message: String| {
            Error::Other(format!(
                "Error when retrieving credentials from custom-process: {message}"
            ))
        };
        let argv = parse::shlex_split(command)
            .ok_or_else(|| Error::Other("No closing quotation".into()))?;
        let Some((program, args)) = argv.split_first() else {
            return Err(provider_error("credential_process is empty".into()));
        };
        ctx_debug!(self.ctx, "Running credential_process {program}");
        let output = std::process::Command::new(program)
            .args(args)
            .envs(self.process_env.iter().map(|(k, v)| (k, v)))
            .stdin(std::process::Stdio::inherit())
            .output()
            .map_err(|e| {
                Error::Other(format!(
                    "[Errno {}] {e}: '{program}'",
                    e.raw_os_error().unwrap_or(2)
                ))
            })?;
        if !output.status.success() {
            return Err(provider_error(
                String::from_utf8_lossy(&output.stderr).into_owned(),
            ));
        }
        let parsed: serde_json::Value = serde_json::from_slice(&output.stdout)
            .map_err(|e| provider_error(format!("the process did not print valid JSON: {e}")))?;
        let version = parsed.get("Version");
        let version_ok = matches!(version, Some(serde_json::Value::Bool(true)))
            || version.and_then(serde_json::Value::as_f64) == Some(1.0);
        if !version_ok {
            let shown =
                version.map_or_else(|| "<Version key not provided>".to_owned(), python_repr);
            return Err(provider_error(format!(
                "Unsupported version '{shown}' for credential process provider, supported versions: 1"
            )));
        }
        let text = |key: &str| -> Result<Option<String>> {
            match parsed.get(key) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Ok(Some(other.to_string())),
            }
        };
        let required = |key: &str| -> Result<String> {
            match parsed.get(key) {
                Some(_) => Ok(text(key)?.unwrap_or_default()),
                None => Err(provider_error(format!(
                    "Missing required key in response: '{key}'"
                ))),
            }
        };
        let access_key = required("AccessKeyId")?;
        let secret_key = required("SecretAccessKey")?;
        let expiration = match text("Expiration")? {
            None => None,
            Some(raw) => Some(Timestamp::parse(&raw).ok_or_else(|| {
                provider_error(format!("Unable to parse the Expiration \"{raw}\""))
            })?),
        };
        let account =
            text("AccountId")?.or_else(|| config::get(props, "aws_account_id").map(str::to_owned));
        Ok(Credentials::new(
            access_key,
            secret_key,
            text("SessionToken")?,
            expiration,
            Source::Process,
        )
        .with_account(account))
    }
}

/// botocore's refresh windows: a refresh is attempted with less than 15 minutes left and
/// must succeed with less than 10.
const ADVISORY_REFRESH_SECONDS: i64 = 15 * 60;
const MANDATORY_REFRESH_SECONDS: i64 = 10 * 60;

/// The SSO settings of a profile, session keys merged in.
#[derive(Clone, Debug)]
struct SsoConfig {
    profile: String,
    session_name: Option<String>,
    start_url: String,
    sso_region: String,
    account_id: String,
    role_name: String,
    /// The profile's keys with the session's merged in (for the token provider).
    session: Props,
}

#[derive(Clone, Debug)]
struct RoleConfig {
    role_arn: String,
    source_profile: Option<String>,
    credential_source: Option<String>,
    mfa_serial: Option<String>,
    external_id: Option<String>,
    role_session_name: Option<String>,
    duration_seconds: Option<i64>,
}

fn has_assume_role_vars(props: &Props) -> bool {
    props.contains_key("role_arn") && !props.contains_key("web_identity_token_file")
}

fn has_static_keys(props: &Props) -> bool {
    props.contains_key("aws_access_key_id") || props.contains_key("aws_secret_access_key")
}

/// `EnvProvider`: `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, the token from
/// `AWS_SECURITY_TOKEN` or `AWS_SESSION_TOKEN`, `AWS_CREDENTIAL_EXPIRATION`, `AWS_ACCOUNT_ID`.
fn environment(ctx: &Context) -> Result<Option<Credentials>> {
    let Some(access_key) = ctx.env.get("AWS_ACCESS_KEY_ID") else {
        return Ok(None);
    };
    let secret = ctx.env.get("AWS_SECRET_ACCESS_KEY").ok_or_else(|| {
        Error::Other("Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY".into())
    })?;
    let token = ctx
        .env
        .get("AWS_SECURITY_TOKEN")
        .or_else(|| ctx.env.get("AWS_SESSION_TOKEN"))
        .map(str::to_owned);
    let expiration = match ctx.env.get("AWS_CREDENTIAL_EXPIRATION") {
        None => None,
        Some(raw) => Some(Timestamp::parse(raw).ok_or_else(|| {
            Error::Other(format!(
                "Unable to parse AWS_CREDENTIAL_EXPIRATION: \"{raw}\""
            ))
        })?),
    };
    Ok(Some(
        Credentials::new(access_key, secret, token, expiration, Source::Environment)
            .with_account(ctx.env.get("AWS_ACCOUNT_ID").map(str::to_owned)),
    ))
}

/// `SharedCredentialProvider` / `ConfigProvider`: keys of one file's section, used when
/// `aws_access_key_id` is there.
fn static_keys(props: Option<&Props>, source: Source) -> Result<Option<Credentials>> {
    let Some(props) = props else {
        return Ok(None);
    };
    let Some(access_key) = props.get("aws_access_key_id") else {
        return Ok(None);
    };
    let secret = props.get("aws_secret_access_key").ok_or_else(|| {
        Error::Other(format!(
            "Partial credentials found in {}, missing: aws_secret_access_key",
            source.method()
        ))
    })?;
    let token = ["aws_security_token", "aws_session_token"]
        .iter()
        .find_map(|k| props.get(*k))
        .map(display_value);
    Ok(Some(
        Credentials::new(
            display_value(access_key),
            display_value(secret),
            token,
            None,
            source,
        )
        .with_account(config::get(props, "aws_account_id").map(str::to_owned)),
    ))
}

/// Temporary credentials already past their expiry: botocore refreshes them, gets the same
/// ones back and gives up with this message.
fn check_not_expired(creds: Credentials, now: SystemTime) -> Result<Credentials> {
    match creds.expiration {
        Some(exp) if exp.utc() < DateTime::<Utc>::from(now) => Err(Error::Other(
            "Credentials were refreshed, but the refreshed credentials are still expired.".into(),
        )),
        _ => Ok(creds),
    }
}

/// The account of an ARN (`arn:partition:service:region:account:resource`).
fn arn_account(arn: &str) -> Option<String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    (parts.len() == 6 && parts[0] == "arn").then(|| parts[4].to_owned())
}

fn display_value(value: &config::Value) -> String {
    match value {
        config::Value::Str(s) => s.clone(),
        config::Value::Nested(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", python_str_repr(k), python_str_repr(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

/// Python's `repr()` of a str, as botocore messages print lists of names.
fn python_str_repr(s: &str) -> String {
    if s.contains('\'') && !s.contains('"') {
        format!("\"{s}\"")
    } else {
        format!("'{}'", s.replace('\'', "\\'"))
    }
}

/// Python's `%s` of a JSON value as `json.loads` returns it.
fn python_repr(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|v| match v {
                    Value::String(s) => python_str_repr(s),
                    other => python_repr(other),
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!(
                    "{}: {}",
                    python_str_repr(k),
                    match v {
                        Value::String(s) => python_str_repr(s),
                        other => python_repr(other),
                    }
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// botocore's MFA prompt (`getpass`): on the terminal, not echoed.
fn prompt_mfa(serial: &str) -> Result<String> {
    let term = console::Term::stderr();
    term.write_str(&format!("Enter MFA code for {serial}: "))
        .and_then(|()| term.read_secure_line())
        .map_err(|e| Error::Other(format!("Unable to read the MFA code: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Env;

    fn at(text: &str) -> SystemTime {
        SystemTime::from(Timestamp::parse(text).unwrap().utc())
    }

    /// A context whose HOME holds the given config and credentials files.
    fn sandbox(
        config: &str,
        credentials: &str,
        env: &[(&str, &str)],
    ) -> (tempfile::TempDir, Context) {
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(home.path().join(".aws")).unwrap();
        std::fs::write(home.path().join(".aws/config"), config).unwrap();
        std::fs::write(home.path().join(".aws/credentials"), credentials).unwrap();
        let mut vars = vec![("HOME".to_owned(), home.path().display().to_string())];
        vars.extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let ctx = Context::for_tests(Env::from_pairs(vars), at("2024-05-01T12:00:00Z"));
        (home, ctx)
    }

    fn choice(name: &str, explicit_flag: bool) -> ProfileChoice {
        ProfileChoice {
            name: name.to_owned(),
            explicit_flag,
            named: true,
        }
    }

    fn resolve(ctx: &Context, choice: &ProfileChoice) -> ChainResult<Option<Credentials>> {
        let files = CredentialFiles::load(ctx).unwrap();
        let resolver = Resolver::new(ctx, &files, choice, None, TransportSettings::default());
        crate::http::runtime().unwrap().block_on(resolver.resolve())
    }

    fn message(result: ChainResult<Option<Credentials>>) -> (String, bool) {
        let e = result.unwrap_err();
        (e.error.to_string(), e.deferred)
    }

    #[test]
    fn timestamps_parse_like_dateutil_and_print_like_isoformat() {
        for (input, iso) in [
            ("2024-05-01T12:00:00Z", "2024-05-01T12:00:00+00:00"),
            ("2024-05-01T12:00:00UTC", "2024-05-01T12:00:00+00:00"),
            ("2024-05-01T12:00:00.000Z", "2024-05-01T12:00:00+00:00"),
            (
                "2024-05-01T12:00:00.5+02:00",
                "2024-05-01T12:00:00.500000+02:00",
            ),
            ("2024-05-01 12:00:00-0130", "2024-05-01T12:00:00-01:30"),
            ("2024-05-01T12:00:00", "2024-05-01T12:00:00"),
        ] {
            assert_eq!(Timestamp::parse(input).unwrap().isoformat(), iso, "{input}");
        }
        assert_eq!(
            Timestamp::parse("2024-05-01T14:00:00+02:00").unwrap().utc(),
            Timestamp::parse("2024-05-01T12:00:00Z").unwrap().utc()
        );
        for bad in [
            "",
            "tomorrow",
            "2024-13-01T00:00:00Z",
            "2024-05-01T12:00:00 PST",
        ] {
            assert!(Timestamp::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn secrets_are_not_debug_printed() {
        let creds = Credentials::new(
            "AKIA",
            "very-secret",
            Some("tok-secret".into()),
            None,
            Source::ConfigFile,
        );
        let shown = format!("{creds:?}");
        assert!(
            !shown.contains("very-secret") && !shown.contains("tok-secret"),
            "{shown}"
        );
    }

    #[test]
    fn environment_wins_unless_profile_flag_is_explicit() {
        let (_home, ctx) = sandbox(
            "[profile p]\naws_access_key_id = CFG\naws_secret_access_key = cfg\n",
            "",
            &[
                ("AWS_ACCESS_KEY_ID", "ENV"),
                ("AWS_SECRET_ACCESS_KEY", "env"),
                ("AWS_SESSION_TOKEN", "t"),
            ],
        );
        let creds = resolve(&ctx, &choice("p", false)).unwrap().unwrap();
        assert_eq!(
            (creds.access_key_id.as_str(), creds.source),
            ("ENV", Source::Environment)
        );
        assert_eq!(creds.session_token.unwrap().expose(), "t");
        let creds = resolve(&ctx, &choice("p", true)).unwrap().unwrap();
        assert_eq!(
            (creds.access_key_id.as_str(), creds.source),
            ("CFG", Source::ConfigFile)
        );
    }

    #[test]
    fn environment_errors_are_botocore_s() {
        let (_home, ctx) = sandbox("", "", &[("AWS_ACCESS_KEY_ID", "ENV")]);
        assert_eq!(
            message(resolve(&ctx, &choice("default", false))),
            (
                "Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY".into(),
                false
            )
        );
        let (_home, ctx) = sandbox(
            "",
            "",
            &[
                ("AWS_ACCESS_KEY_ID", "ENV"),
                ("AWS_SECRET_ACCESS_KEY", "s"),
                ("AWS_CREDENTIAL_EXPIRATION", "2024-05-01T11:00:00Z"),
            ],
        );
        assert_eq!(
            message(resolve(&ctx, &choice("default", false))).0,
            "Credentials were refreshed, but the refreshed credentials are still expired."
        );
    }

    #[test]
    fn credentials_file_beats_process_which_beats_config_keys() {
        let config = "[profile p]\ncredential_process = sh -c 'printf \"{\\\"Version\\\": 1, \\\"AccessKeyId\\\": \\\"PROC\\\", \\\"SecretAccessKey\\\": \\\"s\\\", \\\"Expiration\\\": \\\"2024-05-01T14:00:00Z\\\"}\"'\naws_access_key_id = CFG\naws_secret_access_key = cfg\n";
        let (_home, ctx) = sandbox(config, "[p]\naws_access_key_id = FILE\naws_secret_access_key = f\naws_session_token = tok\naws_account_id = 111122223333\n", &[]);
        let creds = resolve(&ctx, &choice("p", true)).unwrap().unwrap();
        assert_eq!(
            (creds.access_key_id.as_str(), creds.source),
            ("FILE", Source::SharedCredentialsFile)
        );
        assert_eq!(creds.account_id.as_deref(), Some("111122223333"));
        let (_home, ctx) = sandbox(config, "", &[]);
        let creds = resolve(&ctx, &choice("p", true)).unwrap().unwrap();
        assert_eq!(
            (creds.access_key_id.as_str(), creds.source),
            ("PROC", Source::Process)
        );
        assert_eq!(
            creds.expiration.unwrap().isoformat(),
            "2024-05-01T14:00:00+00:00"
        );
        let (_home, ctx) = sandbox("[profile p]\naws_access_key_id = CFG\n", "", &[]);
        assert_eq!(
            message(resolve(&ctx, &choice("p", true))).0,
            "Partial credentials found in config-file, missing: aws_secret_access_key"
        );
        let (_home, ctx) = sandbox("[profile p]\nregion = x\n", "", &[]);
        assert!(resolve(&ctx, &choice("p", true)).unwrap().is_none());
    }

    #[test]
    fn credential_process_errors_are_botocore_s() {
        let cases = [
            ("sh -c 'echo boom >&2; exit 3'", "Error when retrieving credentials from custom-process: boom"),
            ("sh -c 'echo {\\\"Version\\\": 2}'", "Error when retrieving credentials from custom-process: Unsupported version '2' for credential process provider, supported versions: 1"),
            ("sh -c 'echo {}'", "Error when retrieving credentials from custom-process: Unsupported version '<Version key not provided>' for credential process provider, supported versions: 1"),
            ("sh -c 'echo {\\\"Version\\\": 1, \\\"AccessKeyId\\\": \\\"A\\\"}'", "Error when retrieving credentials from custom-process: Missing required key in response: 'SecretAccessKey'"),
        ];
        for (command, expected) in cases {
            let (_home, ctx) = sandbox(
                &format!("[default]\ncredential_process = {command}\n"),
                "",
                &[],
            );
            let (text, deferred) = message(resolve(&ctx, &choice("default", false)));
            assert_eq!(text.trim(), expected, "{command}");
            assert!(!deferred);
        }
    }

    #[test]
    fn sso_configuration_is_validated_as_v2() {
        let cases = [
            ("[profile p]\nsso_role_name = R\n", "The profile \"p\" is configured to use SSO but is missing required configuration: sso_account_id, sso_start_url, sso_region"),
            ("[profile p]\nsso_account_id = 1\nsso_role_name = R\nsso_session = s\n", "The specified sso-session does not exist: \"s\""),
            ("[profile p]\nsso_account_id = 1\nsso_role_name = R\nsso_session = s\nsso_region = us-east-1\n[sso-session s]\nsso_start_url = https://x.awsapps.com/start\nsso_region = eu-west-1\n", "The value for sso_region is inconsistent between profile (us-east-1) and sso-session (eu-west-1)."),
            ("[profile p]\nsso_account_id = 1\nsso_role_name = R\nsso_session = s\n[sso-session s]\nsso_start_url = https://x.awsapps.com/start\n", "The profile \"p\" is configured to use SSO but is missing required configuration: sso_region"),
        ];
        for (config, expected) in cases {
            let (_home, ctx) = sandbox(config, "", &[]);
            assert_eq!(
                message(resolve(&ctx, &choice("p", true))),
                (expected.to_owned(), false)
            );
        }
    }

    #[test]
    fn cached_sso_role_credentials_are_used_without_network() {
        let config = "[profile p]\nsso_session = s\nsso_account_id = 111122223333\nsso_role_name = Admin\n[sso-session s]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n";
        let (_home, ctx) = sandbox(config, "", &[("AWS_ENDPOINT_URL", "http://127.0.0.1:9")]);
        let key = role::sso_key(&SsoKey::Session {
            account_id: "111122223333",
            role_name: "Admin",
            session_name: "s",
        });
        let cached = CachedCredentials {
            access_key_id: "ASIACACHED".into(),
            secret_access_key: "s".into(),
            session_token: "t".into(),
            expiration: Timestamp::parse("2024-05-01T13:00:00Z").unwrap(),
            account_id: Some("111122223333".into()),
        };
        role::save(&ctx.paths.cli_cache_dir, &key, &role::sso_document(&cached)).unwrap();
        let creds = resolve(&ctx, &choice("p", true)).unwrap().unwrap();
        assert_eq!(
            (creds.access_key_id.as_str(), creds.source),
            ("ASIACACHED", Source::Sso)
        );
        assert_eq!(creds.account_id.as_deref(), Some("111122223333"));
    }

    #[test]
    fn assume_role_configuration_is_validated_as_v2() {
        let cases = [
            ("[profile a]\nrole_arn = arn:aws:iam::1:role/R\n", "Partial credentials found in assume-role, missing: source_profile or credential_source"),
            ("[profile a]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = b\ncredential_source = Environment\n", "The profile \"a\" contains both source_profile and credential_source."),
            ("[profile a]\nrole_arn = arn:aws:iam::1:role/R\ncredential_source = Nope\n", "The credential source \"Nope\" referenced in profile \"a\" is not valid."),
            ("[profile a]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = b\n", "The source_profile \"b\" referenced in the profile \"a\" does not exist."),
            ("[profile a]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/S\nsource_profile = a\n", "Infinite loop in credential configuration detected. Attempting to load from profile a which has already been visited. Visited profiles: ['a', 'b']"),
            ("[profile a]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = b\n[profile b]\nregion = x\n", "The source profile \"b\" must have credentials."),
        ];
        for (config, expected) in cases {
            let (_home, ctx) = sandbox(config, "", &[]);
            assert_eq!(
                message(resolve(&ctx, &choice("a", true))).0,
                expected,
                "{config}"
            );
        }
    }

    #[test]
    fn cached_assumed_role_credentials_skip_the_source() {
        // The source would fail (no keys): a valid cache entry must be used without it.
        let config = "[profile a]\nrole_arn = arn:aws:iam::111122223333:role/Admin\nsource_profile = b\n[profile b]\ncredential_process = false\n";
        let (_home, ctx) = sandbox(config, "", &[]);
        let key = role::assume_role_key(&AssumeRoleKey {
            role_arn: "arn:aws:iam::111122223333:role/Admin",
            ..Default::default()
        });
        assert_eq!(key, "20d1c4c47209b5c6f6727fa999b7ec9c34fe8643");
        let cached = CachedCredentials {
            access_key_id: "ASIAROLE".into(),
            secret_access_key: "s".into(),
            session_token: "t".into(),
            expiration: Timestamp::parse("2024-05-01T13:00:00Z").unwrap(),
            account_id: None,
        };
        role::save(
            &ctx.paths.cli_cache_dir,
            &key,
            &role::assume_role_document(&cached, &Default::default()),
        )
        .unwrap();
        let creds = resolve(&ctx, &choice("a", true)).unwrap().unwrap();
        assert_eq!(
            (creds.access_key_id.as_str(), creds.source),
            ("ASIAROLE", Source::AssumeRole)
        );
    }

    #[test]
    fn unsupported_providers_say_so() {
        let (_home, ctx) = sandbox(
            "[profile p]\nweb_identity_token_file = /t\nrole_arn = r\n",
            "",
            &[],
        );
        assert!(message(resolve(&ctx, &choice("p", true)))
            .0
            .contains("does not support web identity"));
        let (_home, ctx) = sandbox("[profile p]\nrole_arn = arn:aws:iam::1:role/R\ncredential_source = Ec2InstanceMetadata\n", "", &[]);
        assert!(message(resolve(&ctx, &choice("p", true)))
            .0
            .contains("does not support credential_source = Ec2InstanceMetadata"));
    }

    #[test]
    fn arn_accounts() {
        assert_eq!(
            arn_account("arn:aws:sts::123:assumed-role/R/s").as_deref(),
            Some("123")
        );
        assert_eq!(arn_account("nope"), None);
    }
}
