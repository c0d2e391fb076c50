//! `awsso sso logout` (alias `awsso logout`): AWS CLI v2's sweep of the shared caches
//! (`awscli/customizations/sso/logout.py`), plus awsso's sign-out of one session.
//!
//! Without options, as v2: every top-level file of `~/.aws/sso/cache` that parses as a JSON
//! object with `accessToken` is signed out at the portal in its `region` (`POST /logout`) and
//! deleted; then every JSON file of `~/.aws/cli/cache` with `"ProviderType": "sso"` is deleted.
//! Client registrations, unparsable files and other tools' credentials stay. Nothing is printed
//! and the exit code is 0, also when there is nothing to do. The portal calls run concurrently
//! (at most [`MAX_CONCURRENT_LOGOUTS`] at once). A portal error answer (the token was already
//! expired or revoked) is only debug-logged, as v2 does; a portal that cannot be reached does
//! not stop the local clean-up either (CONTRACT.md, Logout): one warning line on stderr, exit 0.
//!
//! `--sso-session S`, or an explicit `--profile P` (the flag only: an `AWS_PROFILE` left in the
//! shell keeps v2's sign-out-of-everything meaning), signs out of that one session: its token
//! file (`sha1(session name)`, or `sha1(start URL)` for a legacy profile), its portal Logout,
//! and the role-credential files whose keys derive from the profiles using that session
//! (reference §4). Other sessions stay signed in. `--sso-session` wins over `--profile`, as in
//! `sso login`.

use std::path::{Path, PathBuf};

use crate::cache::role::{self, SsoKey};
use crate::cache::token;
use crate::cli::{GlobalArgs, LogoutArgs};
use crate::config::{self, AwsConfig, Props};
use crate::context::Context;
use crate::ctx_debug;
use crate::error::{Error, Result};
use crate::http::{self, EndpointConfig, HttpClient, Service};
use crate::portal::PortalClient;
use crate::settings;

/// How many portal Logout calls may be in flight at once.
pub const MAX_CONCURRENT_LOGOUTS: usize = 8;

pub fn run(ctx: &Context, global: &GlobalArgs, args: &LogoutArgs) -> Result<()> {
    let plan = match (&args.sso_session, &global.profile) {
        (None, None) => sweep_everything(ctx)?,
        (session, profile) => {
            let config = AwsConfig::load(ctx)?;
            let target = SessionTarget::resolve(&config, session.as_deref(), profile.as_deref())?;
            target.plan(ctx, &config)
        }
    };
    if plan.is_empty() {
        return Ok(());
    }
    sign_out_at_portal(ctx, global, &plan.tokens)?;
    for token in &plan.tokens {
        remove_file(ctx, &token.path);
    }
    for path in &plan.role_credentials {
        remove_file(ctx, path);
    }
    Ok(())
}

/// What one logout removes.
#[derive(Debug, Default, PartialEq, Eq)]
struct Plan {
    tokens: Vec<CachedToken>,
    role_credentials: Vec<PathBuf>,
}

impl Plan {
    fn is_empty(&self) -> bool {
        self.tokens.is_empty() && self.role_credentials.is_empty()
    }
}

/// A token file to delete, and what the portal needs to revoke it.
#[derive(Debug, PartialEq, Eq)]
struct CachedToken {
    path: PathBuf,
    /// The token and its SSO region, when the file has both (v2 calls Logout only then).
    logout: Option<(String, String)>,
}

/// v2's sweep: every token file, every sso role-credential file.
fn sweep_everything(ctx: &Context) -> Result<Plan> {
    let tokens = json_files(ctx, &ctx.paths.sso_cache_dir)
        .into_iter()
        .filter_map(|(path, value)| token_to_remove(path, &value))
        .collect();
    let role_credentials = json_files(ctx, &ctx.paths.cli_cache_dir)
        .into_iter()
        .filter(|(_, value)| is_sso_role_credentials(value))
        .map(|(path, _)| path)
        .collect();
    Ok(Plan {
        tokens,
        role_credentials,
    })
}

/// The session `--sso-session`/`--profile` names, as the cache keys it.
#[derive(Debug, PartialEq, Eq)]
enum SessionTarget {
    /// `[sso-session NAME]`.
    Session(String),
    /// A legacy profile's `sso_start_url`.
    StartUrl(String),
}

impl SessionTarget {
    fn resolve(config: &AwsConfig, session: Option<&str>, profile: Option<&str>) -> Result<Self> {
        let session = match (session, profile) {
            (Some(session), _) => session.to_owned(),
            (None, Some(profile)) => {
                let props = config
                    .profile(profile)
                    .ok_or_else(|| Error::ProfileNotFound {
                        name: profile.to_owned(),
                    })?;
                match config::get(props, "sso_session") {
                    Some(session) => session.to_owned(),
                    None => {
                        return match config::get(props, "sso_start_url") {
                            Some(url) => Ok(SessionTarget::StartUrl(url.to_owned())),
                            // v2's wording for a profile that is not set up for SSO (sso login).
                            None => Err(Error::Configuration(
                                "Missing the following required SSO configuration values: sso_start_url. To make sure this profile is properly configured to use SSO, please run: awsso configure sso".into(),
                            )),
                        };
                    }
                }
            }
            (None, None) => unreachable!("a target needs --sso-session or --profile"),
        };
        if config.sso_session(&session).is_none() {
            return Err(Error::Configuration(format!(
                "The specified sso-session does not exist: \"{session}\""
            )));
        }
        Ok(SessionTarget::Session(session))
    }

    /// The session's token file and the role credentials of the profiles that use it.
    fn plan(&self, ctx: &Context, config: &AwsConfig) -> Plan {
        let token_key = match self {
            SessionTarget::Session(name) => token::token_key(Some(name), ""),
            SessionTarget::StartUrl(url) => token::token_key(None, url),
        };
        let token_path = ctx.paths.sso_cache_dir.join(format!("{token_key}.json"));
        let tokens = read_json(ctx, &token_path)
            .and_then(|value| token_to_remove(token_path, &value))
            .into_iter()
            .collect();
        let role_credentials = config
            .profiles
            .values()
            .filter_map(|props| self.role_cache_key(props))
            .map(|key| ctx.paths.cli_cache_dir.join(format!("{key}.json")))
            .filter(|path| read_json(ctx, path).is_some_and(|v| is_sso_role_credentials(&v)))
            .collect::<Vec<_>>();
        let mut role_credentials = role_credentials;
        role_credentials.sort();
        role_credentials.dedup();
        Plan {
            tokens,
            role_credentials,
        }
    }

    /// The role-credential cache key of `props` when that profile gets its credentials from
    /// this session (reference §4); `None` for every other profile.
    fn role_cache_key(&self, props: &Props) -> Option<String> {
        let account_id = config::get(props, "sso_account_id")?;
        let role_name = config::get(props, "sso_role_name")?;
        match (self, config::get(props, "sso_session")) {
            (SessionTarget::Session(name), Some(session)) if session == name => {
                Some(role::sso_key(&SsoKey::Session {
                    account_id,
                    role_name,
                    session_name: name,
                }))
            }
            (SessionTarget::StartUrl(url), None)
                if config::get(props, "sso_start_url") == Some(url.as_str()) =>
            {
                Some(role::sso_key(&SsoKey::Legacy {
                    account_id,
                    role_name,
                    start_url: url,
                }))
            }
            _ => None,
        }
    }
}

/// The token entry for a parsed file of `~/.aws/sso/cache`, if v2 would delete it: a JSON
/// object with `accessToken`. Logout is called only with a string token and a non-empty region.
fn token_to_remove(path: PathBuf, value: &serde_json::Value) -> Option<CachedToken> {
    let object = value.as_object()?;
    let token = object.get("accessToken")?;
    let logout = match (
        token.as_str(),
        object.get("region").and_then(|r| r.as_str()),
    ) {
        (Some(token), Some(region)) if !region.is_empty() => {
            Some((token.to_owned(), region.to_owned()))
        }
        _ => None,
    };
    Some(CachedToken { path, logout })
}

fn is_sso_role_credentials(value: &serde_json::Value) -> bool {
    value.get("ProviderType").and_then(|v| v.as_str()) == Some("sso")
}

/// The top-level entries of `dir` that parse as JSON, sorted by name; a missing directory
/// has none. Unreadable and unparsable entries are skipped (debug-logged without contents:
/// they may hold secrets).
fn json_files(ctx: &Context, dir: &Path) -> Vec<(PathBuf, serde_json::Value)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| Some((path.clone(), read_json(ctx, &path)?)))
        .collect()
}

fn read_json(ctx: &Context, path: &Path) -> Option<serde_json::Value> {
    let bytes = std::fs::read(path).ok()?;
    match serde_json::from_slice(&bytes) {
        Ok(value) => Some(value),
        Err(_) => {
            ctx_debug!(ctx, "Failed to load: {}", path.display());
            None
        }
    }
}

fn remove_file(ctx: &Context, path: &Path) {
    match std::fs::remove_file(path) {
        Ok(()) => ctx_debug!(ctx, "Deleted {}", path.display()),
        // Another logout got there first: the goal is reached.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => ctx_debug!(ctx, "Unable to delete {}: {e}", path.display()),
    }
}

/// Calls the portal's Logout for every token that names its region, a few at a time. Error
/// answers are ignored as in v2; tokens whose portal could not be reached are summed up in one
/// warning line.
fn sign_out_at_portal(ctx: &Context, global: &GlobalArgs, tokens: &[CachedToken]) -> Result<()> {
    let calls: Vec<&(String, String)> = tokens.iter().filter_map(|t| t.logout.as_ref()).collect();
    if calls.is_empty() {
        return Ok(());
    }
    // v2 builds the sso client from the session: the profile's endpoint settings and TLS
    // options apply, and a profile named by AWS_PROFILE that does not exist fails here.
    let config = AwsConfig::load(ctx)?;
    let choice = settings::profile_choice(ctx, global);
    let profile = settings::scoped_profile(&config, &choice)?;
    let transport = settings::transport(ctx, global, &profile);
    let http = HttpClient::new(ctx, &transport, Some(&profile))?;
    let endpoint_config = EndpointConfig {
        // v2 does not pass --endpoint-url to the clients it makes for logout.
        flag: None,
        profile: Some(&profile),
        config: Some(&config),
    };
    let runtime = http::runtime()?;
    let failures = runtime.block_on(async {
        let permits = tokio::sync::Semaphore::new(MAX_CONCURRENT_LOGOUTS);
        let calls = calls.iter().map(|(token, region)| {
            let endpoint = http::checked_endpoint(ctx, Service::Sso, region, endpoint_config);
            let (permits, http) = (&permits, &http);
            async move {
                let client = PortalClient {
                    http,
                    endpoint: endpoint?,
                };
                let _permit = permits.acquire().await.ok();
                client.logout(ctx, token).await
            }
        });
        let results = join_all(calls.collect()).await;
        results
            .into_iter()
            .filter_map(|result| match result {
                Ok(()) => None,
                Err(e @ Error::Service { .. }) => {
                    // The token may already be expired or otherwise invalid.
                    ctx_debug!(ctx, "Failed to call logout API: {e}");
                    None
                }
                Err(e) => Some(e),
            })
            .collect::<Vec<_>>()
    });
    if let Some(first) = failures.first() {
        let count = failures.len();
        let tokens = if count == 1 { "token" } else { "tokens" };
        ctx.err(&format!(
            "awsso: [WARNING]: Unable to sign out {count} SSO {tokens} at the portal ({first}); removed from this machine anyway.\n"
        ));
    }
    Ok(())
}

/// Polls every future until all are done (a small `join_all`: the futures borrow the
/// command's HTTP client, so they can't be spawned as tasks).
async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().map(Option::unwrap).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Env;

    fn ctx(home: &Path) -> Context {
        Context::for_tests(
            Env::from_pairs([("HOME", home.display().to_string())]),
            std::time::SystemTime::UNIX_EPOCH,
        )
    }

    #[test]
    fn only_json_objects_with_an_access_token_are_tokens() {
        let path = PathBuf::from("x.json");
        let token = serde_json::json!({"accessToken": "t", "region": "us-east-1"});
        assert_eq!(
            token_to_remove(path.clone(), &token),
            Some(CachedToken {
                path: path.clone(),
                logout: Some(("t".into(), "us-east-1".into()))
            })
        );
        let no_region = serde_json::json!({"accessToken": "t", "region": ""});
        assert_eq!(
            token_to_remove(path.clone(), &no_region).unwrap().logout,
            None
        );
        let registration = serde_json::json!({"clientId": "c", "clientSecret": "s"});
        assert_eq!(token_to_remove(path.clone(), &registration), None);
        assert_eq!(
            token_to_remove(path, &serde_json::json!(["accessToken"])),
            None
        );
    }

    #[test]
    fn sweep_keeps_what_v2_keeps() {
        let home = tempfile::tempdir().unwrap();
        let ctx = ctx(home.path());
        let sso = &ctx.paths.sso_cache_dir;
        let cli = &ctx.paths.cli_cache_dir;
        std::fs::create_dir_all(sso.join("subdir")).unwrap();
        std::fs::create_dir_all(cli).unwrap();
        std::fs::write(sso.join("a.json"), r#"{"accessToken":"t","region":"r"}"#).unwrap();
        std::fs::write(sso.join("reg.json"), r#"{"clientId":"c"}"#).unwrap();
        std::fs::write(sso.join("bad.json"), "{not json").unwrap();
        std::fs::write(sso.join("subdir/b.json"), r#"{"accessToken":"t"}"#).unwrap();
        std::fs::write(cli.join("sso.json"), r#"{"ProviderType":"sso"}"#).unwrap();
        std::fs::write(cli.join("role.json"), r#"{"Credentials":{}}"#).unwrap();
        let plan = sweep_everything(&ctx).unwrap();
        assert_eq!(
            plan.tokens,
            [CachedToken {
                path: sso.join("a.json"),
                logout: Some(("t".into(), "r".into()))
            }]
        );
        assert_eq!(plan.role_credentials, [cli.join("sso.json")]);
        assert!(sweep_everything(&Context::for_tests(
            Env::from_pairs([("HOME", "/nonexistent-home")]),
            std::time::SystemTime::UNIX_EPOCH
        ))
        .unwrap()
        .is_empty());
    }

    #[test]
    fn targets_follow_session_and_legacy_profiles() {
        let config = AwsConfig::from_config_text(
            "[profile dev]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n[profile old]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n[profile plain]\nregion = us-east-1\n[sso-session corp]\nsso_start_url = https://y.awsapps.com/start\nsso_region = us-east-1\n",
        )
        .unwrap();
        assert_eq!(
            SessionTarget::resolve(&config, None, Some("dev")).unwrap(),
            SessionTarget::Session("corp".into())
        );
        assert_eq!(
            SessionTarget::resolve(&config, Some("corp"), Some("old")).unwrap(),
            SessionTarget::Session("corp".into())
        );
        assert_eq!(
            SessionTarget::resolve(&config, None, Some("old")).unwrap(),
            SessionTarget::StartUrl("https://x.awsapps.com/start".into())
        );
        let err = SessionTarget::resolve(&config, Some("nope"), None).unwrap_err();
        assert_eq!(
            (err.exit_code(), err.to_string().as_str()),
            (
                253,
                "An error occurred (Configuration): The specified sso-session does not exist: \"nope\""
            )
        );
        let err = SessionTarget::resolve(&config, None, Some("ghost")).unwrap_err();
        assert_eq!(err.exit_code(), 255);
        let err = SessionTarget::resolve(&config, None, Some("plain")).unwrap_err();
        assert_eq!(err.exit_code(), 253);
    }

    #[test]
    fn join_all_keeps_order() {
        let runtime = http::runtime().unwrap();
        let futures = (1..=3).map(|n| async move { n }).collect();
        let out = runtime.block_on(join_all(futures));
        assert_eq!(out, [1, 2, 3]);
    }
}
