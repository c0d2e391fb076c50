//! Implicit logins (docs/compatibility.md, "Implicit logins"): a login the user did not
//! start by running `sso login` itself, but that `sso login --if-needed`,
//! `configure export-credentials --auto-login` or `exec --auto-login` needs.
//!
//! - It starts only when someone can answer: the controlling terminal opens ([`terminal`]).
//!   Its instructions go there ([`Messages::Terminal`]), never to stdout, which may be what an
//!   SDK parses. Otherwise nothing is requested and no browser is opened, and the caller
//!   reports what it reports without a login.
//! - Single flight ([`single_flight`]): one implicit login per session at a time across
//!   processes, under a lock beside the token file. A process that waited for it uses the
//!   token it wrote; when that login ended without one (the user closed the tab, the code
//!   expired), the waiter does not start another, so eight SDK processes asking at once open
//!   one browser tab, and a refusal is not asked again seven times.

use std::sync::Mutex;
use std::time::Duration;

use super::{fetch_token, FlowOptions, Messages};
use crate::cache::token::{self, CachedToken};
use crate::config::file::{LockFailure, WriteLock};
use crate::context::{ctx_debug, Context};
use crate::error::Result;
use crate::settings::{LoginTarget, Session};
use crate::sso_token;

/// Why an implicit login did not give a token, as `sso login --if-needed` says it (one line,
/// then exit 1); credential commands give the error they give without `--auto-login`.
#[derive(Debug, thiserror::Error)]
pub enum ImplicitError {
    /// No controlling terminal: `ssh host cmd`, cron, a service.
    #[error(
        "awsso: a browser login is needed and no terminal can answer it; run: {login_command}"
    )]
    NoTerminal { login_command: String },
    /// The login of another process, which this one waited for, ended without a token.
    #[error("awsso: a browser login is needed and the one another process started did not finish; run: {login_command}")]
    Abandoned { login_command: String },
}

/// How long a process waits for another's implicit login of the same session: longer than
/// either flow lets the user take (PKCE's 600 s, a device code's `expiresIn`: 600 s at IAM
/// Identity Center).
const FLIGHT_WAIT: Duration = Duration::from_secs(15 * 60);

/// The controlling terminal as the place for a login's instructions, or `None` when the
/// process has none and so no one can answer a login.
pub fn terminal(ctx: &Context) -> Option<Messages> {
    let tty = ctx.controlling_terminal.open()?;
    Some(Messages::Terminal(Mutex::new(tty)))
}

/// What this process does about a login of its session that may be under way elsewhere.
pub enum Flight {
    /// This process logs in, holding the lock until this value is dropped (`None`: the
    /// file system locks no files, and the login goes ahead unlocked, as v2's always does).
    Lead(Option<WriteLock>),
    /// Another process logged in meanwhile: its token.
    Joined(CachedToken),
    /// The login of another process, which this one waited for, ended without a token.
    Abandoned,
}

/// Takes the session's login lock, waiting for another process's login if one is under
/// way, then looks at the cache again: a token that is not expired and is not `stale` (the
/// token this process found unusable, if any) was written by another login and is used.
pub fn single_flight(ctx: &Context, target: &LoginTarget, stale: Option<&CachedToken>) -> Flight {
    let dir = &ctx.paths.sso_cache_dir;
    let key = target.token_key();
    let (lock, waited) = match token::lock_login(dir, &key, Duration::ZERO) {
        Ok(lock) => (Some(lock), false),
        Err(LockFailure::TimedOut) => {
            ctx_debug!(
                ctx,
                "Waiting for another process's login to {}",
                target.start_url
            );
            match token::lock_login(dir, &key, FLIGHT_WAIT) {
                Ok(lock) => (Some(lock), true),
                Err(LockFailure::TimedOut) => return Flight::Abandoned,
                Err(e) => {
                    ctx_debug!(ctx, "Logging in without a lock: {e:?}");
                    (None, true)
                }
            }
        }
        Err(e) => {
            ctx_debug!(ctx, "Logging in without a lock: {e:?}");
            (None, false)
        }
    };
    if let Some(token) = newer_token(ctx, target, stale) {
        ctx_debug!(ctx, "Using the SSO token another process's login wrote");
        return Flight::Joined(token);
    }
    if waited {
        ctx_debug!(ctx, "The login this process waited for wrote no token");
        return Flight::Abandoned;
    }
    Flight::Lead(lock)
}

/// A token in the cache for `target` that is not expired and is not `stale`.
fn newer_token(
    ctx: &Context,
    target: &LoginTarget,
    stale: Option<&CachedToken>,
) -> Option<CachedToken> {
    sso_token::cached_token(ctx, target)
        .found()
        .filter(|token| {
            !token.is_expired(ctx.now())
                && stale.is_none_or(|stale| stale.access_token != token.access_token)
                && token
                    .start_url
                    .as_deref()
                    .is_none_or(|url| url == target.start_url)
        })
}

/// The implicit login of a credential command (`--auto-login`): the new token (this
/// process's login, or the one another process's login wrote), or `None` when no login may
/// start (no terminal) or the login this process waited for ended without a token; the
/// caller then fails as it would without `--auto-login`. v2's flow for the target (PKCE for
/// an sso-session, the device code for a legacy profile), its instructions and v2's closing
/// line on the terminal.
pub fn log_in(
    session: &Session,
    target: &LoginTarget,
    stale: Option<&CachedToken>,
) -> Result<Option<CachedToken>> {
    let ctx = session.ctx;
    let Some(messages) = terminal(ctx) else {
        ctx_debug!(ctx, "No terminal to log in from: not logging in");
        return Ok(None);
    };
    match single_flight(ctx, target, stale) {
        Flight::Joined(token) => Ok(Some(token)),
        Flight::Abandoned => Ok(None),
        Flight::Lead(_lock) => {
            let transport = session.transport()?;
            let fetched = session.block_on(fetch_token(
                ctx,
                transport,
                target,
                &FlowOptions::default(),
                &messages,
            ))??;
            messages.say(
                ctx,
                &format!("Successfully logged into Start URL: {}\n", target.start_url),
            );
            Ok(Some(fetched.token))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{Env, RecordingTerminal};
    use crate::secret::Secret;
    use crate::timestamp::Timestamp;

    fn target() -> LoginTarget {
        LoginTarget {
            session_name: Some("corp".into()),
            start_url: "https://d-1.awsapps.com/start".into(),
            region: "us-east-1".into(),
            scopes: None,
            profile_name: Some("dev".into()),
        }
    }

    fn token(access: &str, expires: &str) -> CachedToken {
        CachedToken {
            start_url: Some("https://d-1.awsapps.com/start".into()),
            region: Some("us-east-1".into()),
            access_token: Secret::new(access),
            expires_at: Timestamp::parse(expires).unwrap(),
            client_id: None,
            client_secret: None,
            registration_expires_at: None,
            refresh_token: None,
        }
    }

    fn ctx(home: &std::path::Path) -> Context {
        let env = Env::from_pairs([("HOME", home.display().to_string())]);
        let now = Timestamp::parse("2030-01-01T12:00:00Z").unwrap().utc();
        Context::for_tests(env, now.into())
    }

    #[test]
    fn only_a_controlling_terminal_can_answer() {
        let home = tempfile::tempdir().unwrap();
        let mut ctx = ctx(home.path());
        assert!(terminal(&ctx).is_none());
        let recording = RecordingTerminal::default();
        ctx.controlling_terminal = std::sync::Arc::new(recording.clone());
        let messages = terminal(&ctx).unwrap();
        messages.say(&ctx, "Then enter the code:\n");
        assert_eq!(
            String::from_utf8(recording.written.lock().unwrap().clone()).unwrap(),
            "Then enter the code:\n"
        );
        assert_eq!(ctx.take_stdout(), "");
    }

    #[test]
    fn the_flight_leads_joins_or_gives_up() {
        let home = tempfile::tempdir().unwrap();
        let ctx = ctx(home.path());
        let target = target();
        let dir = &ctx.paths.sso_cache_dir;
        let lock_file = dir.join(format!(".{}.json.lock", target.token_key()));
        // Nothing cached, nobody logging in: this process leads, under the lock.
        let Flight::Lead(Some(lock)) = single_flight(&ctx, &target, None) else {
            panic!("expected to lead");
        };
        assert_eq!(lock.path(), lock_file);
        drop(lock);
        assert!(!lock_file.exists(), "the holder removes the lock file");
        // An expired token is no reason to join, nor is the stale token itself.
        let stale = token("old", "2029-12-31T00:00:00Z");
        token::save_token(dir, &target.token_key(), &stale).unwrap();
        assert!(matches!(
            single_flight(&ctx, &target, Some(&stale)),
            Flight::Lead(_)
        ));
        let revoked = token("revoked", "2030-01-01T20:00:00Z");
        token::save_token(dir, &target.token_key(), &revoked).unwrap();
        assert!(matches!(
            single_flight(&ctx, &target, Some(&revoked)),
            Flight::Lead(_)
        ));
        // A fresh token another process wrote is used.
        let fresh = token("fresh", "2030-01-01T20:00:00Z");
        token::save_token(dir, &target.token_key(), &fresh).unwrap();
        let Flight::Joined(joined) = single_flight(&ctx, &target, Some(&stale)) else {
            panic!("expected to join");
        };
        assert_eq!(joined.access_token.expose_secret(), "fresh");
    }

    #[test]
    fn a_waiter_does_not_start_the_login_that_just_failed_again() {
        let home = tempfile::tempdir().unwrap();
        let ctx = ctx(home.path());
        let target = target();
        let held = token::lock_login(
            &ctx.paths.sso_cache_dir,
            &target.token_key(),
            Duration::ZERO,
        )
        .unwrap();
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            drop(held);
        });
        assert!(matches!(
            single_flight(&ctx, &target, None),
            Flight::Abandoned
        ));
        release.join().unwrap();
    }

    #[test]
    fn messages_name_the_command_to_run() {
        let e = ImplicitError::NoTerminal {
            login_command: target().login_command(),
        };
        assert_eq!(
            e.to_string(),
            "awsso: a browser login is needed and no terminal can answer it; run: awsso sso login --profile dev"
        );
    }
}
