//! Every side effect a command may have, behind one value: the environment, file paths, the
//! clock, the browser, the terminal streams and the `--debug` log.
//!
//! [`Context::from_process`] is the only place that reads the real process environment;
//! everything below takes `&Context`, so unit tests build one with [`Context::for_tests`] and
//! control time, HOME and the browser as values (no globals, no test-only flags).

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// A snapshot of the environment variables the process started with.
#[derive(Clone, Debug, Default)]
pub struct Env {
    // foldhash: std's SipHash made copying the environment a tenth of a small command's run.
    vars: HashMap<String, String, foldhash::fast::RandomState>,
}

impl Env {
    pub fn from_process() -> Self {
        Env {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
        }
    }

    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Env {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The variable's value, treating an empty value as unset (as botocore does for most
    /// settings).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// The variable's value whenever it is set, empty or not (botocore's
    /// `EnvironmentProvider` checks `name in os.environ`, so `AWS_PROFILE=""` names a profile).
    pub fn get_set(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// Every variable, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.vars.insert(name.into(), value.into());
    }
}

/// Where the shared AWS files live, resolved once from the environment.
#[derive(Clone, Debug)]
pub struct Paths {
    pub home: PathBuf,
    /// `AWS_CONFIG_FILE` or `~/.aws/config`.
    pub config_file: PathBuf,
    /// `AWS_SHARED_CREDENTIALS_FILE` or `~/.aws/credentials`.
    pub credentials_file: PathBuf,
    /// `~/.aws/sso/cache`: tokens and client registrations (hard-coded in v2, no override).
    pub sso_cache_dir: PathBuf,
    /// `~/.aws/cli/cache`: role credentials.
    pub cli_cache_dir: PathBuf,
}

impl Paths {
    pub fn resolve(env: &Env) -> Self {
        let home = env
            .get("HOME")
            .or_else(|| env.get("USERPROFILE"))
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/"));
        let expand = |value: &str| expand_user(value, &home, env);
        let config_file = env
            .get("AWS_CONFIG_FILE")
            .map(expand)
            .unwrap_or_else(|| home.join(".aws").join("config"));
        let credentials_file = env
            .get("AWS_SHARED_CREDENTIALS_FILE")
            .map(expand)
            .unwrap_or_else(|| home.join(".aws").join("credentials"));
        Paths {
            sso_cache_dir: home.join(".aws").join("sso").join("cache"),
            cli_cache_dir: home.join(".aws").join("cli").join("cache"),
            config_file,
            credentials_file,
            home,
        }
    }
}

/// Expands a leading `~` and `$VAR`/`${VAR}` references, as botocore does for the config
/// file path on read.
fn expand_user(value: &str, home: &Path, env: &Env) -> PathBuf {
    let mut out = String::new();
    let rest = if value == "~" {
        out.push_str(&home.to_string_lossy());
        ""
    } else if let Some(rest) = value.strip_prefix("~/") {
        out.push_str(&home.to_string_lossy());
        out.push('/');
        rest
    } else {
        value
    };
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        let braced = chars.peek() == Some(&'{');
        if braced {
            chars.next();
        }
        let mut name = String::new();
        while let Some(&n) = chars.peek() {
            if n.is_ascii_alphanumeric() || n == '_' {
                name.push(n);
                chars.next();
            } else {
                break;
            }
        }
        if braced && chars.peek() == Some(&'}') {
            chars.next();
        }
        match env.get(&name) {
            Some(v) if !name.is_empty() => out.push_str(v),
            _ => {
                // Python's expandvars leaves unknown references as they were.
                out.push('$');
                if braced {
                    out.push('{');
                }
                out.push_str(&name);
                if braced {
                    out.push('}');
                }
            }
        }
    }
    PathBuf::from(out)
}

/// The wall clock, injectable so expiry logic is testable.
pub trait Clock: Send + Sync {
    fn now(&self) -> SystemTime;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that stands still at a chosen instant (unit tests).
pub struct FixedClock(pub SystemTime);

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

/// Opens a URL for the user. The real one uses the `webbrowser` crate, which honours
/// `BROWSER`; end-to-end tests set `BROWSER` to a stand-in script.
pub trait Browser: Send + Sync {
    /// Returns whether a browser was started. Failure is not an error: the URL has already
    /// been printed (v2 only debug-logs it).
    fn open(&self, url: &str) -> bool;
}

pub struct SystemBrowser;

impl Browser for SystemBrowser {
    fn open(&self, url: &str) -> bool {
        webbrowser::open(url).is_ok()
    }
}

/// Records the URLs it was asked to open (unit tests).
#[derive(Default)]
pub struct RecordingBrowser {
    pub opened: Mutex<Vec<String>>,
}

impl Browser for RecordingBrowser {
    fn open(&self, url: &str) -> bool {
        self.opened.lock().unwrap().push(url.to_owned());
        true
    }
}

/// Whether this process runs in a container, told by the marker file the container engine
/// leaves (docker's `/.dockerenv`, podman's `/run/.containerenv`): the login flow choice
/// (`settings::login_flow`) prefers the device code there.
pub trait Container: Send + Sync {
    /// The marker file found, if any.
    fn marker(&self) -> Option<PathBuf>;
}

/// The real markers, looked up when asked (a login only).
pub struct ContainerMarkers;

impl Container for ContainerMarkers {
    fn marker(&self) -> Option<PathBuf> {
        ["/.dockerenv", "/run/.containerenv"]
            .into_iter()
            .map(PathBuf::from)
            .find(|path| path.exists())
    }
}

/// A fixed answer (unit tests; `None` by default).
pub struct FixedContainer(pub Option<PathBuf>);

impl Container for FixedContainer {
    fn marker(&self) -> Option<PathBuf> {
        self.0.clone()
    }
}

/// The controlling terminal, where an implicit login asks (docs/compatibility.md, "Implicit
/// logins"): whoever runs awsso can answer there even when stdout is a pipe an SDK reads.
pub trait ControllingTerminal: Send + Sync {
    /// The terminal opened for writing, or `None` when the process has none (`ssh host cmd`,
    /// cron, a service, `setsid`): then no one can answer a login.
    fn open(&self) -> Option<Box<dyn Write + Send>>;
}

/// `/dev/tty`: it opens exactly when the process has a controlling terminal.
pub struct DevTty;

impl ControllingTerminal for DevTty {
    fn open(&self) -> Option<Box<dyn Write + Send>> {
        let tty = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .ok()?;
        Some(Box::new(tty))
    }
}

/// A process with no controlling terminal (unit tests' default).
pub struct NoTerminal;

impl ControllingTerminal for NoTerminal {
    fn open(&self) -> Option<Box<dyn Write + Send>> {
        None
    }
}

/// A terminal whose output is kept (unit tests).
#[derive(Clone, Default)]
pub struct RecordingTerminal {
    pub written: Arc<Mutex<Vec<u8>>>,
}

impl ControllingTerminal for RecordingTerminal {
    fn open(&self) -> Option<Box<dyn Write + Send>> {
        Some(Box::new(self.clone()))
    }
}

impl Write for RecordingTerminal {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.written.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Where a command writes: the real stdout/stderr, or buffers in unit tests.
pub enum Stream {
    Stdout,
    Stderr,
    Buffer(Vec<u8>),
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Stream::Stdout => std::io::stdout().write(buf),
            Stream::Stderr => std::io::stderr().write(buf),
            Stream::Buffer(b) => b.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Stream::Stdout => std::io::stdout().flush(),
            Stream::Stderr => std::io::stderr().flush(),
            Stream::Buffer(_) => Ok(()),
        }
    }
}

/// stdout refused what a command printed.
#[derive(Debug, thiserror::Error)]
pub enum StdoutError {
    /// v2 prints through Python's buffered `sys.stdout`, so a full disk surfaces when the
    /// interpreter flushes it at exit (CPython `Python/pylifecycle.c` `flush_std_files`, as in
    /// the Python 3.14 v2 bundles): this unraisable-exception report, then exit 120.
    #[error(
        "Exception ignored while flushing sys.stdout:\n{}: {}",
        crate::python::os_error_class(.0),
        crate::python::os_error_str(.0, None)
    )]
    Unwritable(std::io::Error),
}

impl From<StdoutError> for crate::error::Error {
    fn from(e: StdoutError) -> Self {
        crate::error::Error::Stdout(Box::new(e))
    }
}

/// Whether each standard stream is a terminal, decided once.
#[derive(Clone, Copy, Debug, Default)]
pub struct Terminal {
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
}

pub struct Context {
    pub env: Env,
    pub paths: Paths,
    pub clock: Arc<dyn Clock>,
    pub browser: Arc<dyn Browser>,
    pub terminal: Terminal,
    /// The controlling terminal, opened only by an implicit login.
    pub controlling_terminal: Arc<dyn ControllingTerminal>,
    /// Whether this is a container (its marker files).
    pub container: Arc<dyn Container>,
    stdout: RefCell<Stream>,
    /// The first write to stdout that failed: nothing more is written after it, and the
    /// runner reports it when the command is done ([`Context::take_stdout_failure`]).
    stdout_failure: RefCell<Option<std::io::Error>>,
    stderr: RefCell<Stream>,
    /// `--debug`: log lines to stderr. Set by the command runner once arguments are parsed.
    pub debug: bool,
}

impl Context {
    /// The real process: its environment, HOME, clock, browser and streams.
    pub fn from_process() -> Self {
        let env = Env::from_process();
        Context {
            paths: Paths::resolve(&env),
            env,
            clock: Arc::new(SystemClock),
            browser: Arc::new(SystemBrowser),
            terminal: Terminal {
                stdin: std::io::stdin().is_terminal(),
                stdout: std::io::stdout().is_terminal(),
                stderr: std::io::stderr().is_terminal(),
            },
            controlling_terminal: Arc::new(DevTty),
            container: Arc::new(ContainerMarkers),
            stdout: RefCell::new(Stream::Stdout),
            stdout_failure: RefCell::new(None),
            stderr: RefCell::new(Stream::Stderr),
            debug: false,
        }
    }

    /// A context over the given environment with buffered streams, a fixed clock and a
    /// recording browser, and no controlling terminal.
    pub fn for_tests(env: Env, now: SystemTime) -> Self {
        Context {
            paths: Paths::resolve(&env),
            env,
            clock: Arc::new(FixedClock(now)),
            browser: Arc::new(RecordingBrowser::default()),
            terminal: Terminal::default(),
            controlling_terminal: Arc::new(NoTerminal),
            container: Arc::new(FixedContainer(None)),
            stdout: RefCell::new(Stream::Buffer(Vec::new())),
            stdout_failure: RefCell::new(None),
            stderr: RefCell::new(Stream::Buffer(Vec::new())),
            debug: false,
        }
    }

    pub fn now(&self) -> SystemTime {
        self.clock.now()
    }

    /// Writes to stdout, the only way anything reaches it. A write that fails is kept for
    /// the runner, which reports it after the command ([`Context::take_stdout_failure`]), so
    /// no command can ignore it; what comes after it is dropped, as v2's buffered stdout
    /// never delivers it either.
    pub fn out(&self, text: &str) {
        if self.stdout_failure.borrow().is_some() {
            return;
        }
        let mut out = self.stdout.borrow_mut();
        if let Err(error) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            *self.stdout_failure.borrow_mut() = Some(error);
        }
    }

    /// Why stdout could not take what was written to it, if it could not. Taken once, by the
    /// runner.
    pub fn take_stdout_failure(&self) -> Option<std::io::Error> {
        self.stdout_failure.borrow_mut().take()
    }

    pub fn err(&self, text: &str) {
        let mut err = self.stderr.borrow_mut();
        let _ = err.write_all(text.as_bytes());
        let _ = err.flush();
    }

    /// One `--debug` line on stderr. Callers must never pass secrets: use
    /// the HTTP layer's redaction for anything that came off the wire.
    pub fn debug_log(&self, args: std::fmt::Arguments<'_>) {
        if self.debug {
            let now = chrono::DateTime::<chrono::Utc>::from(self.now());
            self.err(&format!(
                "{} - awsso - DEBUG - {}\n",
                now.format("%Y-%m-%d %H:%M:%S,%3f"),
                args
            ));
        }
    }

    /// What a buffered stdout received (unit tests).
    pub fn take_stdout(&self) -> String {
        take(&self.stdout)
    }

    /// What a buffered stderr received (unit tests).
    pub fn take_stderr(&self) -> String {
        take(&self.stderr)
    }
}

fn take(stream: &RefCell<Stream>) -> String {
    match &mut *stream.borrow_mut() {
        Stream::Buffer(b) => String::from_utf8_lossy(&std::mem::take(b)).into_owned(),
        _ => String::new(),
    }
}

/// `ctx_debug!(ctx, "format", args)`: a `--debug` line, formatted only when enabled.
macro_rules! ctx_debug {
    ($ctx:expr, $($arg:tt)*) => {
        if $ctx.debug {
            $ctx.debug_log(format_args!($($arg)*));
        }
    };
}
pub(crate) use ctx_debug;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_home_and_overrides() {
        let env = Env::from_pairs([("HOME", "/h"), ("AWS_CONFIG_FILE", "~/cfg/$WHO")]);
        let paths = Paths::resolve(&env);
        assert_eq!(paths.config_file, PathBuf::from("/h/cfg/$WHO"));
        assert_eq!(paths.credentials_file, PathBuf::from("/h/.aws/credentials"));
        assert_eq!(paths.sso_cache_dir, PathBuf::from("/h/.aws/sso/cache"));
        let env = Env::from_pairs([
            ("HOME", "/h"),
            ("AWS_CONFIG_FILE", "${D}/config"),
            ("D", "/x"),
        ]);
        assert_eq!(Paths::resolve(&env).config_file, PathBuf::from("/x/config"));
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let env = Env::from_pairs([("AWS_PROFILE", "")]);
        assert_eq!(env.get("AWS_PROFILE"), None);
    }
}
