//! `awsso sso status` (alias `awsso status`): whether each SSO session of the config can be
//! used without a browser, read from the shared caches only (no request, no runtime, no
//! HTTP client), for shell prompts and rc files (docs/compatibility.md, "Status").
//!
//! One entry per `[sso-session]` section, in file order, then one per legacy start URL (a
//! profile's `sso_start_url` without `sso_session`), in the order profiles first name them.
//! `--sso-session S`, or the `--profile P` flag (as in `sso logout`, an `AWS_PROFILE` left in
//! the shell does not narrow), shows that one session. Each entry's state comes from its
//! token file (`~/.aws/sso/cache/<sha1>.json`, keyed as botocore keys it), with the token
//! provider's 15-minute window and refresh precondition (botocore/tokens.py
//! `SSOTokenProvider`):
//!
//! - `valid`: more than 15 minutes left;
//! - `refreshable`: 15 minutes or less, or expired, but a refresh token and an unexpired
//!   client registration let any tool renew it silently (never for a legacy start URL:
//!   botocore does not refresh those);
//! - `expired`: a cached token that is neither;
//! - `none`: no token file, or one no tool can use.
//!
//! Each profile of the session shows the expiry of its cached role credentials (the key
//! botocore derives from account, role and session: `cache::role::sso_key`), whatever that
//! expiry is. The model goes through the formatter as operation `SsoStatus` (the table's
//! title); `--prompt` prints `NAME 6h12m`, `NAME refresh`, `NAME expired` or `NAME none`
//! instead. Exit status 0 when every listed session is `valid` or `refreshable`, 1 when one
//! needs a browser login; a `--profile` that does not exist or has no SSO settings, or an
//! `--sso-session` that does not exist, is a configuration error (253).

use std::time::SystemTime;

use serde::Serialize;

use crate::cache::role::{self, SsoKey};
use crate::cache::token::{self, Loaded, TokenLife, REFRESH_WINDOW};
use crate::cli::StatusArgs;
use crate::config::{self, AwsConfig, Props};
use crate::context::{ctx_debug, Context};
use crate::error::{Error, Result};
use crate::regular_file::Dir;
use crate::settings::{Session, SsoConfigError};
use crate::timestamp::Timestamp;

/// The status model's name in the formatter: the table's title, in v2's style of operation
/// names.
pub const OPERATION: &str = "SsoStatus";

/// A `--profile` that status cannot show.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    /// A configuration error here (253), where credential commands report it as 255: the
    /// selection is the command's whole input.
    #[error("The config profile ({name}) could not be found")]
    ProfileNotFound { name: String },
}

impl From<StatusError> for Error {
    fn from(e: StatusError) -> Self {
        Error::Configuration(Box::new(e))
    }
}

/// Whether a session can be used without a browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Valid,
    Refreshable,
    Expired,
    None,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Valid => "valid",
            State::Refreshable => "refreshable",
            State::Expired => "expired",
            State::None => "none",
        }
    }

    /// `valid` and `refreshable` need no browser.
    pub fn is_usable(self) -> bool {
        matches!(self, State::Valid | State::Refreshable)
    }

    /// The state of a cached token at `now` (`None`: no usable token file). `legacy`: a
    /// legacy start URL's token, which no tool refreshes.
    pub fn of(token: Option<&TokenLife>, legacy: bool, now: SystemTime) -> State {
        match token {
            None => State::None,
            Some(t) if t.remaining(now) > REFRESH_WINDOW => State::Valid,
            Some(t) if !legacy && t.is_refreshable(now) => State::Refreshable,
            Some(_) => State::Expired,
        }
    }
}

/// One SSO session of the config, or one legacy start URL, borrowed from the config.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry<'c> {
    /// The session name, or a legacy entry's start URL.
    pub name: &'c str,
    pub start_url: Option<&'c str>,
    pub region: Option<&'c str>,
    /// A legacy start URL (no `[sso-session]`).
    pub legacy: bool,
    pub profiles: Vec<ProfileEntry<'c>>,
}

/// A profile that uses an entry's session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileEntry<'c> {
    pub name: &'c str,
    pub account_id: Option<&'c str>,
    pub role_name: Option<&'c str>,
}

impl Entry<'_> {
    /// `~/.aws/sso/cache/<this>.json`: sha1 of the session name, or of a legacy start URL.
    fn token_key(&self) -> String {
        if self.legacy {
            token::token_key(None, self.name)
        } else {
            token::token_key(Some(self.name), "")
        }
    }

    /// The role-credentials cache key of `profile`, when it names both account and role.
    fn role_key(&self, profile: &ProfileEntry) -> Option<String> {
        let account_id = profile.account_id?;
        let role_name = profile.role_name?;
        Some(role::sso_key(&if self.legacy {
            SsoKey::Legacy {
                account_id,
                role_name,
                start_url: self.name,
            }
        } else {
            SsoKey::Session {
                account_id,
                role_name,
                session_name: self.name,
            }
        }))
    }
}

fn profile_entry<'c>(name: &'c str, props: &'c Props) -> ProfileEntry<'c> {
    ProfileEntry {
        name,
        account_id: config::get(props, "sso_account_id"),
        role_name: config::get(props, "sso_role_name"),
    }
}

/// Every session of the config, then every legacy start URL, each with its profiles.
pub fn entries(config: &AwsConfig) -> Vec<Entry<'_>> {
    let mut entries: Vec<Entry> = config
        .sso_sessions
        .iter()
        .map(|(name, props)| Entry {
            name,
            start_url: config::get(props, "sso_start_url"),
            region: config::get(props, "sso_region"),
            legacy: false,
            profiles: Vec::new(),
        })
        .collect();
    let sessions = entries.len();
    for (name, props) in &config.profiles {
        if props.contains_key("sso_session") {
            // Entry `i` is session `i` of the config.
            let session = config::get(props, "sso_session");
            if let Some(i) = session.and_then(|s| config.sso_sessions.get_index_of(s)) {
                entries[i].profiles.push(profile_entry(name, props));
            }
            continue;
        }
        let Some(url) = config::get(props, "sso_start_url") else {
            continue;
        };
        match entries[sessions..].iter_mut().find(|e| e.name == url) {
            Some(entry) => entry.profiles.push(profile_entry(name, props)),
            None => entries.push(Entry {
                name: url,
                start_url: Some(url),
                region: config::get(props, "sso_region"),
                legacy: true,
                profiles: vec![profile_entry(name, props)],
            }),
        }
    }
    entries
}

/// The one entry `--sso-session` (first) or `--profile` names, or all of them.
pub fn select<'c>(
    config: &'c AwsConfig,
    sso_session: Option<&str>,
    profile: Option<&str>,
) -> Result<Vec<Entry<'c>>> {
    let all = entries(config);
    let (name, legacy) = match (sso_session, profile) {
        (None, None) => return Ok(all),
        (Some(session), _) => (session.to_owned(), false),
        (None, Some(profile)) => {
            let props = config
                .profile(profile)
                .ok_or_else(|| StatusError::ProfileNotFound {
                    name: profile.to_owned(),
                })?;
            match (
                config::get(props, "sso_session"),
                config::get(props, "sso_start_url"),
            ) {
                (Some(session), _) => (session.to_owned(), false),
                (None, Some(url)) => (url.to_owned(), true),
                (None, None) => {
                    // v2's wording for a profile that is not set up for SSO (`sso login`).
                    let missing = ["sso_start_url", "sso_region"]
                        .into_iter()
                        .filter(|key| !props.contains_key(*key))
                        .collect();
                    return Err(SsoConfigError::ProfileIncomplete { missing }.into());
                }
            }
        }
    };
    let selected: Vec<Entry> = all
        .into_iter()
        .filter(|e| e.legacy == legacy && e.name == name)
        .collect();
    if selected.is_empty() {
        return Err(SsoConfigError::SessionNotFound { name }.into());
    }
    Ok(selected)
}

/// The two cache directories, each opened once for all its reads.
struct CacheDirs<'p> {
    tokens: Dir<'p>,
    credentials: Dir<'p>,
}

/// An entry with what the caches say about it.
struct Report<'a> {
    entry: &'a Entry<'a>,
    /// The token's expiry and its client registration's (its secrets are never copied out
    /// of the file's bytes).
    token: Option<TokenLife>,
    state: State,
    /// Per profile, its role credentials' expiry.
    credentials: Vec<Option<Timestamp>>,
}

/// `with_credentials`: read the profiles' role-credential files too (the model shows them;
/// the prompt line does not, and skips those reads).
fn report<'a>(
    ctx: &Context,
    dirs: &CacheDirs,
    entry: &'a Entry,
    with_credentials: bool,
) -> Report<'a> {
    let token = match token::load_token_life_in(&dirs.tokens, &entry.token_key()) {
        Loaded::Found(token) => Some(token),
        Loaded::Missing => None,
        Loaded::Invalid(reason) => {
            ctx_debug!(
                ctx,
                "Unusable SSO token cache file for {}: {reason}",
                entry.name
            );
            None
        }
    };
    let state = State::of(token.as_ref(), entry.legacy, ctx.now());
    let credentials = entry
        .profiles
        .iter()
        .map(|p| {
            if !with_credentials {
                return None;
            }
            let key = entry.role_key(p)?;
            role::read_expiration_in(&dirs.credentials, &key)
        })
        .collect();
    Report {
        entry,
        token,
        state,
        credentials,
    }
}

/// One entry of the model, keys in the documented order (CONTRACT.md, "sso status").
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SessionModel<'a> {
    name: &'a str,
    start_url: Option<&'a str>,
    region: Option<&'a str>,
    state: &'static str,
    #[serde(serialize_with = "cache_time")]
    expires_at: Option<Timestamp>,
    #[serde(serialize_with = "cache_time")]
    registration_expires_at: Option<Timestamp>,
    profiles: Vec<ProfileModel<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ProfileModel<'a> {
    name: &'a str,
    account_id: Option<&'a str>,
    role_name: Option<&'a str>,
    #[serde(serialize_with = "cache_time")]
    credentials_expire_at: Option<Timestamp>,
}

/// A time as the caches write it, or `null`.
fn cache_time<S: serde::Serializer>(at: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(t) => t.with_cache_str(|text| s.serialize_str(text)),
        None => s.serialize_none(),
    }
}

/// `{"Sessions": [...]}`: typed, so that json is written straight from it
/// (`output::Formatter::print_serialize`).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Model<'a> {
    sessions: Vec<SessionModel<'a>>,
}

fn model<'a>(reports: &'a [Report]) -> Model<'a> {
    let sessions = reports
        .iter()
        .map(|r| SessionModel {
            name: r.entry.name,
            start_url: r.entry.start_url,
            region: r.entry.region,
            state: r.state.name(),
            expires_at: r.token.as_ref().map(|t| t.expires_at),
            registration_expires_at: r.token.as_ref().and_then(|t| t.registration_expires_at),
            profiles: r
                .entry
                .profiles
                .iter()
                .zip(&r.credentials)
                .map(|(p, expires)| ProfileModel {
                    name: p.name,
                    account_id: p.account_id,
                    role_name: p.role_name,
                    credentials_expire_at: *expires,
                })
                .collect(),
        })
        .collect();
    Model { sessions }
}

/// `6h12m`, or `12m` under an hour: whole minutes left, rounded down.
pub fn time_left(left: chrono::TimeDelta) -> String {
    let minutes = left.num_minutes().max(0);
    if minutes < 60 {
        format!("{minutes}m")
    } else {
        format!("{}h{}m", minutes / 60, minutes % 60)
    }
}

/// The `--prompt` line of one entry.
fn prompt_line(report: &Report, now: SystemTime) -> String {
    let what = match (report.state, &report.token) {
        (State::Valid, Some(token)) => time_left(token.expires_at.remaining(now)),
        (State::Refreshable, _) => "refresh".to_owned(),
        (State::Expired, _) | (State::Valid, None) => "expired".to_owned(),
        (State::None, _) => "none".to_owned(),
    };
    format!("{} {what}\n", report.entry.name)
}

pub fn run(session: &Session, args: &StatusArgs) -> Result<()> {
    let ctx = session.ctx;
    let config = session.config()?;
    let selected = select(
        config,
        args.sso_session.as_deref(),
        session.global.profile.as_deref(),
    )?;
    let formatter = if args.prompt {
        None
    } else {
        Some(session.formatter()?)
    };
    let dirs = CacheDirs {
        tokens: Dir::open(&ctx.paths.sso_cache_dir),
        // The prompt line reads no role credentials.
        credentials: if formatter.is_some() {
            Dir::open(&ctx.paths.cli_cache_dir)
        } else {
            Dir::unopened(&ctx.paths.cli_cache_dir)
        },
    };
    let reports: Vec<Report> = selected
        .iter()
        .map(|e| report(ctx, &dirs, e, formatter.is_some()))
        .collect();
    match formatter {
        None => {
            let now = ctx.now();
            let lines: String = reports.iter().map(|r| prompt_line(r, now)).collect();
            ctx.out(&lines);
        }
        Some(formatter) => formatter.print_serialize(ctx, OPERATION, &model(&reports))?,
    }
    if reports.iter().all(|r| r.state.is_usable()) {
        Ok(())
    } else {
        Err(Error::Exit(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::token::CachedToken;
    use crate::secret::Secret;

    const CONFIG: &str = "\
[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnly
[profile old]
sso_start_url = https://old.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 444455556666
sso_role_name = Admin
[profile plain]
region = us-east-1
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
[profile ops]
sso_session = corp
[profile old2]
sso_start_url = https://old.awsapps.com/start
[sso-session idle]
sso_start_url = https://idle.awsapps.com/start
";

    fn config() -> AwsConfig {
        AwsConfig::from_config_text(CONFIG).unwrap()
    }

    fn names<'c>(entries: &[Entry<'c>]) -> Vec<&'c str> {
        entries.iter().map(|e| e.name).collect()
    }

    #[test]
    fn sessions_first_then_legacy_start_urls_once_each() {
        let config = config();
        let entries = entries(&config);
        assert_eq!(
            names(&entries),
            ["corp", "idle", "https://old.awsapps.com/start"]
        );
        let corp = &entries[0];
        assert_eq!(
            corp.profiles.iter().map(|p| p.name).collect::<Vec<_>>(),
            ["dev", "ops"]
        );
        assert_eq!(corp.region, Some("us-east-1"));
        assert_eq!(entries[1].region, None);
        assert!(entries[1].profiles.is_empty());
        let old = &entries[2];
        assert!(old.legacy);
        assert_eq!(old.region, Some("eu-west-1"));
        assert_eq!(old.profiles.len(), 2);
        assert_eq!(old.profiles[1].account_id, None);
        // Keys as botocore derives them.
        assert_eq!(corp.token_key(), token::token_key(Some("corp"), ""));
        assert_eq!(
            old.token_key(),
            token::token_key(None, "https://old.awsapps.com/start")
        );
        assert_eq!(
            corp.role_key(&corp.profiles[0]),
            Some(role::sso_key(&SsoKey::Session {
                account_id: "111122223333",
                role_name: "ReadOnly",
                session_name: "corp"
            }))
        );
        assert_eq!(corp.role_key(&corp.profiles[1]), None);
    }

    #[test]
    fn selection_by_session_or_profile_flag() {
        let config = config();
        assert_eq!(names(&select(&config, None, None).unwrap()).len(), 3);
        assert_eq!(
            names(&select(&config, Some("idle"), Some("dev")).unwrap()),
            ["idle"]
        );
        assert_eq!(
            names(&select(&config, None, Some("dev")).unwrap()),
            ["corp"]
        );
        assert_eq!(
            names(&select(&config, None, Some("old2")).unwrap()),
            ["https://old.awsapps.com/start"]
        );
        let err = |s: Option<&str>, p: Option<&str>| {
            let e = select(&config, s, p).unwrap_err();
            (e.exit_code(), e.to_string())
        };
        assert_eq!(
            err(None, Some("ghost")),
            (
                253,
                "An error occurred (Configuration): The config profile (ghost) could not be found"
                    .into()
            )
        );
        assert_eq!(
            err(None, Some("plain")),
            (253, "An error occurred (Configuration): Missing the following required SSO configuration values: sso_start_url, sso_region. To make sure this profile is properly configured to use SSO, please run: awsso configure sso".into())
        );
        assert_eq!(
            err(Some("nope"), None),
            (
                253,
                "An error occurred (Configuration): The specified sso-session does not exist: \"nope\"".into()
            )
        );
    }

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn token(expires: &str, refresh: bool, registration: Option<&str>) -> CachedToken {
        CachedToken {
            start_url: None,
            region: None,
            access_token: Secret::new("a"),
            expires_at: at(expires),
            client_id: refresh.then(|| "id".to_owned()),
            client_secret: refresh.then(|| Secret::new("s")),
            registration_expires_at: registration.map(at),
            refresh_token: refresh.then(|| Secret::new("r")),
        }
    }

    #[test]
    fn states_follow_the_window_and_the_refresh_precondition() {
        let now = SystemTime::from(at("2026-01-01T12:00:00Z").utc());
        let reg = Some("2026-03-01T00:00:00Z");
        let state = |t: &CachedToken, legacy| State::of(Some(&t.life()), legacy, now);
        assert_eq!(State::of(None, false, now), State::None);
        assert_eq!(
            state(&token("2026-01-01T12:15:01Z", false, None), false),
            State::Valid
        );
        // Exactly 15 minutes is inside the window.
        assert_eq!(
            state(&token("2026-01-01T12:15:00Z", false, None), false),
            State::Expired
        );
        assert_eq!(
            state(&token("2026-01-01T12:15:00Z", true, reg), false),
            State::Refreshable
        );
        assert_eq!(
            state(&token("2025-12-01T00:00:00Z", true, reg), false),
            State::Refreshable
        );
        // Legacy tokens are never refreshed; an expired registration stops a refresh.
        assert_eq!(
            state(&token("2026-01-01T12:05:00Z", true, reg), true),
            State::Expired
        );
        assert_eq!(
            state(
                &token("2026-01-01T12:05:00Z", true, Some("2026-01-01T11:00:00Z")),
                false
            ),
            State::Expired
        );
        assert!(State::Refreshable.is_usable() && !State::None.is_usable());
    }

    #[test]
    fn time_left_is_whole_minutes() {
        let t = |s: i64| time_left(chrono::TimeDelta::seconds(s));
        assert_eq!(t(6 * 3600 + 12 * 60 + 59), "6h12m");
        assert_eq!(t(3600), "1h0m");
        assert_eq!(t(3599), "59m");
        assert_eq!(t(16 * 60), "16m");
        assert_eq!(t(30 * 24 * 3600), "720h0m");
    }
}
