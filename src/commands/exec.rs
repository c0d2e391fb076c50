//! `awsso exec [--server] [--auto-login] -- CMD [ARGS...]` (awsso; docs/compatibility.md,
//! "Credentials handed to other processes"): runs CMD with the profile's credentials and
//! region in its environment, for tools that never read the SSO cache, as aws-vault `exec`
//! and Granted's `assume --exec` do.
//!
//! CMD's environment loses the variables of [`CLEARED`], then gets the four credential
//! variables or, with `--server`, a container credentials endpoint that serves fresh
//! credentials for as long as CMD runs ([`crate::container_credentials`]), and the region and
//! [`MARKER`]. CMD's exit code is awsso's; a signal that ends CMD ends awsso the same way;
//! SIGINT and SIGTERM sent to awsso are passed on to CMD while it runs; 127 when CMD cannot be
//! started.

use std::process::{Child, Command, ExitStatus};
use std::sync::mpsc;

use crate::chain::Resolver;
use crate::cli::ExecArgs;
use crate::commands::serve::Provider;
use crate::container_credentials::{self, Ask, FULL_URI_VAR, TOKEN_VAR};
use crate::context::ctx_debug;
use crate::credentials::Credentials;
use crate::error::{Error, Result};
use crate::settings::Session;

/// Set to the profile in CMD's environment; an `exec` that finds it refuses to run.
pub const MARKER: &str = "AWSSO_PROFILE";

/// Removed from CMD's environment before anything is set: credentials, profiles and
/// endpoints that would otherwise win over, or mix with, what exec hands over.
pub const CLEARED: [&str; 11] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];

#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// `exec` inside `exec`: the inner one would hand over the outer one's credentials as
    /// if they were its profile's (255).
    #[error("awsso exec is already running for the profile {profile} (AWSSO_PROFILE is set); run the command without exec, or unset AWSSO_PROFILE first")]
    Nested { profile: String },
    /// CMD could not be started (127).
    #[error("Unable to run {command}: {}", crate::python::os_error_str(.source, None))]
    CannotRun {
        command: String,
        source: std::io::Error,
    },
    /// Waiting for CMD failed (255).
    #[error("Unable to wait for {command}: {}", crate::python::os_error_str(.source, None))]
    Wait {
        command: String,
        source: std::io::Error,
    },
    /// SIGINT and SIGTERM could not be watched (255).
    #[error("Unable to forward signals to the command: {}", crate::python::os_error_str(.0, None))]
    Signals(std::io::Error),
}

impl From<ExecError> for Error {
    fn from(e: ExecError) -> Self {
        match e {
            ExecError::CannotRun { .. } => Error::NotRun(Box::new(e)),
            _ => Error::Other(Box::new(e)),
        }
    }
}

pub fn run(session: &Session, args: &ExecArgs) -> Result<()> {
    let ctx = session.ctx;
    if let Some(profile) = ctx.env.get_set(MARKER) {
        return Err(ExecError::Nested {
            profile: profile.to_owned(),
        }
        .into());
    }
    session.profile_props()?;
    let region = session.region()?;
    // Resolved before CMD starts, with the errors and codes `sts get-caller-identity` gives:
    // an unknown profile, no credentials, a session that needs a login (or, with
    // `--auto-login`, the login itself, on the terminal).
    let credentials = Resolver::new(session)
        .with_auto_login(args.auto_login)
        .resolve()?
        .ok_or(Error::NoCredentials)?;
    let (program, arguments) = args
        .command
        .split_first()
        .expect("clap requires the command");
    let name = program.to_string_lossy().into_owned();
    let mut command = Command::new(program);
    command.args(arguments);
    for variable in CLEARED {
        command.env_remove(variable);
    }
    if let Some(region) = &region {
        command
            .env("AWS_REGION", region)
            .env("AWS_DEFAULT_REGION", region);
    }
    command.env(MARKER, &session.profile.name);
    let signals = Signals::watch()?;
    let status = if args.server {
        let (events, received) = mpsc::channel();
        let asks = events.clone();
        let endpoint = container_credentials::start(0, move |ask| {
            let _ = asks.send(Event::Ask(ask));
        })?;
        ctx_debug!(ctx, "Serving credentials to {name} at {}", endpoint.url());
        command
            .env(FULL_URI_VAR, endpoint.url())
            .env(TOKEN_VAR, endpoint.token().expose_secret());
        let mut child = spawn(&mut command, &name, &signals)?;
        let wait_name = name.clone();
        std::thread::spawn(move || {
            let status = child.wait().map_err(|source| ExecError::Wait {
                command: wait_name,
                source,
            });
            let _ = events.send(Event::Exited(status));
        });
        let mut provider = Provider::new(session, args.auto_login, Some(credentials));
        let status = loop {
            match received.recv() {
                Ok(Event::Ask(ask)) => provider.answer(ask),
                Ok(Event::Exited(status)) => break status?,
                // Unreachable: the waiting thread always reports.
                Err(_) => return Err(Error::Exit(255)),
            }
        };
        drop(endpoint);
        status
    } else {
        set_credentials(&mut command, &credentials);
        let mut child = spawn(&mut command, &name, &signals)?;
        child.wait().map_err(|source| ExecError::Wait {
            command: name.clone(),
            source,
        })?
    };
    drop(signals);
    pass_on(status)
}

enum Event {
    Ask(Ask),
    Exited(std::result::Result<ExitStatus, ExecError>),
}

/// The four credential variables (the token and expiration when there are any), as
/// `configure export-credentials --format env` prints them.
fn set_credentials(command: &mut Command, credentials: &Credentials) {
    command
        .env("AWS_ACCESS_KEY_ID", &credentials.access_key_id)
        .env(
            "AWS_SECRET_ACCESS_KEY",
            credentials.secret_access_key.expose_secret(),
        );
    if let Some(token) = &credentials.session_token {
        command.env("AWS_SESSION_TOKEN", token.expose_secret());
    }
    if let Some(expiration) = credentials.expiration {
        command.env("AWS_CREDENTIAL_EXPIRATION", expiration.isoformat());
    }
}

fn spawn(command: &mut Command, name: &str, signals: &Signals) -> Result<Child> {
    let child = command.spawn().map_err(|source| ExecError::CannotRun {
        command: name.to_owned(),
        source,
    })?;
    signals.forward_to(&child);
    Ok(child)
}

/// CMD's end as awsso's own: its exit code, or the signal that ended it, raised again with
/// its default action (so a shell sees `awsso` killed by SIGTERM, and Ctrl-C stops a loop
/// around it).
fn pass_on(status: ExitStatus) -> Result<()> {
    if let Some(code) = status.code() {
        return match code {
            0 => Ok(()),
            code => Err(Error::Exit(u8::try_from(code & 0xff).unwrap_or(255))),
        };
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            // A signal whose default is to be ignored or to stop: a shell's code for it.
            return Err(Error::Exit(u8::try_from(128 + signal).unwrap_or(255)));
        }
    }
    Err(Error::Exit(255))
}

/// SIGINT and SIGTERM sent to awsso, passed on to CMD while it runs. Watched before CMD
/// starts, so none is lost to awsso's default action in between (one that arrives before
/// CMD's process id is known is delivered as soon as it is); dropping the value stops the
/// watch.
struct Signals {
    #[cfg(unix)]
    handle: signal_hook::iterator::Handle,
    #[cfg(unix)]
    target: std::sync::Arc<std::sync::Mutex<Target>>,
}

/// Where the watch sends what it receives.
#[cfg(unix)]
#[derive(Default)]
struct Target {
    /// CMD, while it runs.
    child: Option<rustix::process::Pid>,
    /// Signals received before CMD was known.
    pending: Vec<rustix::process::Signal>,
    /// CMD has ended: nothing more is sent (its process id may be reused).
    done: bool,
}

#[cfg(unix)]
impl Target {
    fn send(&mut self, signal: rustix::process::Signal) {
        match self.child {
            Some(pid) if !self.done => {
                let _ = rustix::process::kill_process(pid, signal);
            }
            None if !self.done => self.pending.push(signal),
            _ => {}
        }
    }
}

impl Signals {
    #[cfg(unix)]
    fn watch() -> Result<Signals> {
        use signal_hook::consts::SIGINT;
        use signal_hook::consts::SIGTERM;
        let mut signals =
            signal_hook::iterator::Signals::new([SIGINT, SIGTERM]).map_err(ExecError::Signals)?;
        let handle = signals.handle();
        let target = std::sync::Arc::new(std::sync::Mutex::new(Target::default()));
        let watched = std::sync::Arc::clone(&target);
        std::thread::spawn(move || {
            for signal in signals.forever() {
                let signal = if signal == SIGINT {
                    rustix::process::Signal::INT
                } else {
                    rustix::process::Signal::TERM
                };
                lock(&watched).send(signal);
            }
        });
        Ok(Signals { handle, target })
    }

    #[cfg(not(unix))]
    fn watch() -> Result<Signals> {
        Ok(Signals {})
    }

    fn forward_to(&self, child: &Child) {
        #[cfg(unix)]
        {
            let mut target = lock(&self.target);
            target.child = Some(rustix::process::Pid::from_child(child));
            for signal in std::mem::take(&mut target.pending) {
                target.send(signal);
            }
        }
        #[cfg(not(unix))]
        let _ = child;
    }
}

#[cfg(unix)]
fn lock(target: &std::sync::Mutex<Target>) -> std::sync::MutexGuard<'_, Target> {
    target
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(unix)]
impl Drop for Signals {
    fn drop(&mut self) {
        lock(&self.target).done = true;
        self.handle.close();
    }
}
