//! `awsso serve [--port N]` (awsso; docs/compatibility.md, "Credentials handed to other
//! processes"): the profile's credentials on a container credentials endpoint on 127.0.0.1,
//! for IDEs and containers run with host networking. It prints the two `export` lines that
//! point the SDKs at it, as they are (`--output` and `--query` do not apply), and serves
//! until interrupted (Ctrl-C: 130).
//!
//! [`Provider`] answers the endpoint's requests, here and for `exec --server`: on the thread
//! that owns the session, since the provider chain is synchronous and runs its requests on
//! the session's runtime.

use std::sync::mpsc;

use crate::chain::Resolver;
use crate::cli::ServeArgs;
use crate::container_credentials::{self, Answer, Ask, FULL_URI_VAR, MIN_LIFETIME, TOKEN_VAR};
use crate::context::ctx_debug;
use crate::credentials::Credentials;
use crate::error::{Error, Result};
use crate::settings::Session;
use crate::sso_token;

/// `serve`'s notice when the session needs a browser login already at start.
#[derive(Debug, thiserror::Error)]
pub enum ServeNotice {
    #[error("awsso: the endpoint answers LoginRequired until a browser login is made; run: {login_command}")]
    LoginRequired { login_command: String },
}

pub fn run(session: &Session, args: &ServeArgs) -> Result<()> {
    let ctx = session.ctx;
    session.profile_props()?;
    // A profile without credentials fails now, not at the first request; a session that needs
    // a browser login is served (503) until the user logs in.
    let mut provider = Provider::new(session, false, None);
    let first = provider.resolve();
    match &first {
        Err(e) if sso_token::needs_login(e) => ctx.err(&format!(
            "{}\n",
            ServeNotice::LoginRequired {
                login_command: provider.login_command(e)
            }
        )),
        _ => provider.last = Some(first?),
    }
    let (events, received) = mpsc::channel();
    let interrupts = interrupts(events.clone())?;
    let endpoint = container_credentials::start(args.port.unwrap_or(0), move |ask| {
        let _ = events.send(Event::Ask(ask));
    })?;
    ctx.out(&format!(
        "export {FULL_URI_VAR}={}\nexport {TOKEN_VAR}={}\n",
        endpoint.url(),
        endpoint.token().expose_secret()
    ));
    for event in received {
        match event {
            Event::Ask(ask) => provider.answer(ask),
            Event::Interrupted => break,
        }
    }
    drop(endpoint);
    drop(interrupts);
    Err(Error::Interrupted)
}

enum Event {
    Ask(Ask),
    Interrupted,
}

/// Turns Ctrl-C into [`Event::Interrupted`] for as long as the value lives.
#[cfg(unix)]
fn interrupts(events: mpsc::Sender<Event>) -> Result<signal_hook::iterator::Handle> {
    use signal_hook::consts::SIGINT;
    let mut signals = signal_hook::iterator::Signals::new([SIGINT])
        .map_err(crate::login::LoginError::InterruptUnwatchable)?;
    let handle = signals.handle();
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            let _ = events.send(Event::Interrupted);
        }
    });
    Ok(handle)
}

#[cfg(not(unix))]
fn interrupts(_events: mpsc::Sender<Event>) -> Result<()> {
    Ok(())
}

/// Answers a credentials endpoint's requests from the session's provider chain: the last
/// credentials while they have at least [`MIN_LIFETIME`] left, else the chain again (which
/// reuses the shared role-credentials cache while it has 15 minutes left, refreshes the SSO
/// token silently, and fetches new role credentials otherwise).
pub struct Provider<'s, 'a> {
    session: &'s Session<'a>,
    /// `exec --server --auto-login`: after answering `LoginRequired`, log in on the terminal
    /// (the request that found the session expired does not wait for it; the next one gets
    /// the new credentials).
    auto_login: bool,
    last: Option<Credentials>,
}

impl<'s, 'a> Provider<'s, 'a> {
    pub fn new(session: &'s Session<'a>, auto_login: bool, first: Option<Credentials>) -> Self {
        Provider {
            session,
            auto_login,
            last: first,
        }
    }

    /// Answers one request.
    pub fn answer(&mut self, ask: Ask) {
        let ctx = self.session.ctx;
        let now = ctx.now();
        if let Some(last) = self.last.as_ref().filter(|last| {
            last.expiration
                .is_none_or(|at| at.remaining(now) >= MIN_LIFETIME)
        }) {
            ctx_debug!(ctx, "Serving the credentials served before");
            return ask.answer(Answer::Credentials(last.clone()));
        }
        match self.resolve() {
            Ok(credentials) => {
                self.last = Some(credentials.clone());
                ask.answer(Answer::Credentials(credentials));
            }
            Err(e) if sso_token::needs_login(&e) => {
                ctx_debug!(ctx, "Answering LoginRequired: {e}");
                ask.answer(Answer::LoginRequired {
                    login_command: self.login_command(&e),
                });
                if self.auto_login {
                    match Resolver::new(self.session).with_auto_login(true).resolve() {
                        Ok(Some(credentials)) => self.last = Some(credentials),
                        Ok(None) => {}
                        Err(e) => ctx_debug!(ctx, "No login: {}", e.error),
                    }
                }
            }
            Err(e) => {
                ctx_debug!(ctx, "Answering CredentialsUnavailable: {e}");
                ask.answer(Answer::Failed {
                    message: e.to_string().trim().to_owned(),
                });
            }
        }
    }

    /// The profile's credentials through the chain, as `sts get-caller-identity` resolves
    /// them.
    fn resolve(&self) -> Result<Credentials> {
        Resolver::new(self.session)
            .resolve()?
            .ok_or(Error::NoCredentials)
    }

    /// The command that fixes a session that needs a login, as the error names it.
    fn login_command(&self, error: &Error) -> String {
        sso_token::login_command(error).unwrap_or_else(|| "awsso sso login".to_owned())
    }
}
