//! `awsso sso logout` (alias `awsso logout`): AWS CLI v2's sweep of the shared caches
//! (`awscli/customizations/sso/logout.py`), plus awsso's sign-out of one session.
//!
//! Without options, as v2: every top-level file of `~/.aws/sso/cache` that parses as a JSON
//! object with `accessToken` is signed out at the portal in its `region` (`POST /logout`)
//! and deleted; then every JSON file of `~/.aws/cli/cache` with `"ProviderType": "sso"` is
//! deleted. Client registrations, unparsable files and other tools' credentials stay.
//! Nothing is printed and the exit code is 0, also when there is nothing to do. The portal
//! calls run concurrently (at most [`MAX_CONCURRENT_LOGOUTS`] at once). A portal error
//! answer (the token was already expired or revoked) is only debug-logged, as v2 does; a
//! portal that cannot be reached does not stop the local clean-up either
//! (docs/compatibility.md, "Logout"): one warning line on stderr, exit 0. A file that
//! cannot be deleted (a read-only cache) is an error after all the portal calls and the
//! other deletions: one line naming every file left, in Python's `OSError` words, 255.
//!
//! `--sso-session S`, or an explicit `--profile P` (the flag only: an `AWS_PROFILE` left in
//! the shell keeps v2's sign-out-of-everything meaning), signs out of that one session: its
//! token file (`sha1(session name)`, or `sha1(start URL)` for a legacy profile), its portal
//! Logout, and the role-credential files whose keys derive from the profiles using that
//! session (botocore/credentials.py `SSOCredentialFetcher._create_cache_key`). Other
//! sessions stay signed in. `--sso-session` wins over `--profile`, as in `sso login`.

use crate::cache::role::{self, SsoKey};
use crate::cache::sweep::{Sweep, TokenFile};
use crate::cache::token;
use crate::cli::LogoutArgs;
use crate::config::{self, AwsConfig, Props};
use crate::context::ctx_debug;
use crate::error::{Error, Result};
use crate::portal::PortalClient;
use crate::settings::{Session, SsoConfigError};

/// How many portal Logout calls may be in flight at once.
pub const MAX_CONCURRENT_LOGOUTS: usize = 8;

pub fn run(session: &Session, args: &LogoutArgs) -> Result<()> {
    let ctx = session.ctx;
    // Only a `--profile` flag narrows (an empty one is no flag, as in v2).
    let profile = &session.profile;
    let profile_flag = profile.explicit_flag.then_some(profile.name.as_str());
    let sweep = match (&args.sso_session, profile_flag) {
        (None, None) => Sweep::everything(ctx),
        (sso_session, profile) => {
            let config = session.config()?;
            let target = SessionTarget::resolve(config, sso_session.as_deref(), profile)?;
            Sweep::session(ctx, &target.token_key(), target.role_cache_keys(config))
        }
    };
    if sweep.is_empty() {
        return Ok(());
    }
    sign_out_at_portal(session, &sweep.tokens)?;
    // Files that cannot be deleted (a read-only cache) leave the user signed in on this
    // machine: named, 255.
    sweep.remove_files(ctx)?;
    Ok(())
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
                            None => Err(SsoConfigError::ProfileIncomplete {
                                missing: vec!["sso_start_url"],
                            }
                            .into()),
                        };
                    }
                }
            }
            (None, None) => unreachable!("a target needs --sso-session or --profile"),
        };
        if config.sso_session(&session).is_none() {
            return Err(SsoConfigError::SessionNotFound { name: session }.into());
        }
        Ok(SessionTarget::Session(session))
    }

    /// The key of the session's token file.
    fn token_key(&self) -> String {
        match self {
            SessionTarget::Session(name) => token::token_key(Some(name), ""),
            SessionTarget::StartUrl(url) => token::token_key(None, url),
        }
    }

    /// The role-credential cache keys of the profiles that use this session.
    fn role_cache_keys<'c>(&'c self, config: &'c AwsConfig) -> impl Iterator<Item = String> + 'c {
        config
            .profiles
            .values()
            .filter_map(|props| self.role_cache_key(props))
    }

    /// The role-credential cache key of `props` when that profile gets its credentials from
    /// this session (botocore/credentials.py `SSOCredentialFetcher._create_cache_key`);
    /// `None` for every other profile.
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

/// Calls the portal's Logout for every token that names its region, a few at a time. Error
/// answers are ignored as in v2; tokens whose portal could not be reached are summed up in one
/// warning line.
fn sign_out_at_portal(session: &Session, tokens: &[TokenFile]) -> Result<()> {
    let ctx = session.ctx;
    let calls: Vec<&(crate::secret::Secret, String)> =
        tokens.iter().filter_map(|t| t.logout.as_ref()).collect();
    if calls.is_empty() {
        return Ok(());
    }
    // v2 builds the sso client from the session: the profile's endpoint settings and TLS
    // options apply, and a profile named by AWS_PROFILE that does not exist fails here.
    // v2 does not pass --endpoint-url to the clients it makes for logout.
    let transport = session.transport()?;
    let failures = session.block_on(async {
        let permits = tokio::sync::Semaphore::new(MAX_CONCURRENT_LOGOUTS);
        let calls = calls.iter().map(|(token, region)| {
            let client = PortalClient::new(transport, region);
            let permits = &permits;
            async move {
                let client = client?;
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
    })?;
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
        let runtime = crate::http::runtime().unwrap();
        let futures = (1..=3).map(|n| async move { n }).collect();
        let out = runtime.block_on(join_all(futures));
        assert_eq!(out, [1, 2, 3]);
    }
}
