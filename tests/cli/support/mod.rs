//! The sandbox every end-to-end test runs in: a temporary HOME, an environment cleared of
//! the developer's `AWS_*` settings, the emulator's endpoints, a 30 s watchdog per process,
//! and whole-output assertions.

#![allow(dead_code)]

pub mod pty;
pub mod vanity;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long any process started by a test may run before it is killed and the test fails.
pub const WATCHDOG: Duration = Duration::from_secs(30);

pub fn awsso_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_awsso"))
}

/// The repository root (for scripts such as the browser stand-in).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A throwaway HOME and the environment awsso runs with.
pub struct Sandbox {
    pub home: tempfile::TempDir,
    pub env: BTreeMap<String, String>,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    /// A HOME with nothing in it and an environment with no `AWS_*` variables, a fixed
    /// `COLUMNS=80`, `TERM=dumb`, `NO_COLOR=1`, and the metadata service disabled.
    pub fn new() -> Self {
        let home = tempfile::tempdir().expect("temp HOME");
        let mut env = BTreeMap::new();
        env.insert("HOME".into(), home.path().display().to_string());
        env.insert(
            "PATH".into(),
            std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into()),
        );
        env.insert("AWS_EC2_METADATA_DISABLED".into(), "true".into());
        env.insert("COLUMNS".into(), "80".into());
        env.insert("TERM".into(), "dumb".into());
        env.insert("NO_COLOR".into(), "1".into());
        // A browser that does nothing unless a test sets the stand-in.
        env.insert("BROWSER".into(), "true".into());
        Sandbox { home, env }
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    pub fn aws_dir(&self) -> PathBuf {
        self.home().join(".aws")
    }

    pub fn config_path(&self) -> PathBuf {
        self.aws_dir().join("config")
    }

    pub fn sso_cache_dir(&self) -> PathBuf {
        self.aws_dir().join("sso").join("cache")
    }

    pub fn cli_cache_dir(&self) -> PathBuf {
        self.aws_dir().join("cli").join("cache")
    }

    /// Writes `~/.aws/config`.
    pub fn config(&self, text: &str) -> &Self {
        write_file(&self.config_path(), text);
        self
    }

    /// Writes `~/.aws/credentials`.
    pub fn credentials(&self, text: &str) -> &Self {
        write_file(&self.aws_dir().join("credentials"), text);
        self
    }

    pub fn set_env(&mut self, name: &str, value: &str) -> &mut Self {
        self.env.insert(name.into(), value.into());
        self
    }

    pub fn remove_env(&mut self, name: &str) -> &mut Self {
        self.env.remove(name);
        self
    }

    /// Points every service at the emulator, as a user would with `AWS_ENDPOINT_URL`.
    pub fn endpoints(&mut self, url: &str) -> &mut Self {
        self.set_env("AWS_ENDPOINT_URL", url)
    }

    /// Sets `BROWSER` to the stand-in that fetches the URL like a user clicking Allow.
    pub fn browser_standin(&mut self) -> &mut Self {
        let script = repo_root().join("tests/support/browser");
        self.set_env("BROWSER", &script.display().to_string())
    }

    /// Sets `BROWSER` to the stand-in in its recording mode: it appends each URL it is
    /// given to the returned file and fetches nothing ([`Sandbox::opened_urls`] reads it).
    pub fn browser_recorder(&mut self) -> PathBuf {
        let record = self.home().join("browser-opened-urls");
        self.browser_standin();
        self.set_env("BROWSER_STANDIN_RECORD", &record.display().to_string());
        record
    }

    /// The URLs the recording stand-in was given, once `count` of them are there (the
    /// browser is started in the background, so it may finish after awsso); fails after
    /// the watchdog.
    pub fn opened_urls(record: &Path, count: usize) -> Vec<String> {
        let start = Instant::now();
        loop {
            let text = std::fs::read_to_string(record).unwrap_or_default();
            if text.ends_with('\n') && text.lines().count() >= count {
                return text.lines().map(str::to_owned).collect();
            }
            assert!(
                start.elapsed() < WATCHDOG,
                "the browser stand-in was not given {count} URL(s) within {WATCHDOG:?}"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// A `Command` for the awsso binary with exactly this sandbox's environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(awsso_bin());
        cmd.args(args)
            .env_clear()
            .envs(&self.env)
            .current_dir(self.home());
        cmd
    }

    /// Runs awsso to completion (no stdin) under the watchdog.
    pub fn run(&self, args: &[&str]) -> Output {
        run_with_watchdog(self.command(args))
    }

    /// Starts `n` awsso processes with the same arguments at once and waits for all of them
    /// (each under the watchdog), in start order.
    pub fn run_parallel(&self, args: &[&str], n: usize) -> Vec<Output> {
        let children: Vec<_> = (0..n)
            .map(|_| {
                let mut command = self.command(args);
                command
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped());
                command.spawn().expect("spawn awsso")
            })
            .collect();
        children.into_iter().map(wait_with_watchdog).collect()
    }

    /// Runs awsso in a new session without a controlling terminal (`setsid`), as `ssh host
    /// cmd`, cron and services run it: `/dev/tty` cannot be opened.
    pub fn run_without_terminal(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new("setsid");
        cmd.arg("-w")
            .arg(awsso_bin())
            .args(args)
            .env_clear()
            .envs(&self.env)
            .current_dir(self.home());
        run_with_watchdog(cmd)
    }

    /// Runs the shell command `line` with a controlling terminal of its own (`script -qec
    /// LINE /dev/null`, util-linux), under the watchdog. The returned stdout is what reached
    /// the terminal (line ends as `\n`); redirect a command's own stdout in `line` to tell
    /// the two apart. [`awsso_line`] quotes an awsso command line for it.
    pub fn run_in_terminal(&self, line: &str) -> Output {
        let mut cmd = Command::new("script");
        cmd.args(["-qec", line, "/dev/null"])
            .env_clear()
            .envs(&self.env)
            .current_dir(self.home());
        let mut output = run_with_watchdog(cmd);
        output.stdout = output.stdout.replace("\r\n", "\n");
        output
    }

    /// Runs any program in this sandbox's environment (the AWS CLI, python, a shell).
    pub fn run_program(&self, program: &Path, args: &[&str]) -> Output {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .env_clear()
            .envs(&self.env)
            .current_dir(self.home());
        run_with_watchdog(cmd)
    }

    /// The files directly in `dir`, sorted by name.
    pub fn list_dir(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = match std::fs::read_dir(dir) {
            Ok(entries) => entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect(),
            Err(_) => Vec::new(),
        };
        names.sort();
        names
    }
}

/// Writes an sso-session token for `start_url` (region us-east-1) at `path` that is due for a
/// refresh (5 minutes left) and can be refreshed with the emulator session's single-use
/// refresh token.
pub fn write_token_due_for_refresh(
    path: &Path,
    start_url: &str,
    session: &awsso_emulator::TestSession,
) {
    let due = chrono::Utc::now() + chrono::TimeDelta::minutes(5);
    write_file(
        path,
        &format!(
            r#"{{"startUrl": "{start_url}", "region": "us-east-1", "accessToken": "{}", "expiresAt": "{}", "clientId": "{}", "clientSecret": "{}", "registrationExpiresAt": "2099-01-01T00:00:00Z", "refreshToken": "{}"}}"#,
            session.access_token,
            due.format("%Y-%m-%dT%H:%M:%SZ"),
            session.client_id,
            session.client_secret,
            session.refresh_token
        ),
    );
}

/// A terminal's text without the login's spinner (`\r| Waiting for authorization...`
/// frames and the `\r\x1b[2K` that clears them), which a test asserts separately.
pub fn without_spinner(text: &str) -> String {
    let mut out = text.replace("\r\x1b[2K", "");
    for frame in ['|', '/', '-', '\\'] {
        out = out.replace(&format!("\r{frame} Waiting for authorization..."), "");
    }
    out
}

/// `awsso ARGS...` as one shell command line, every word quoted.
pub fn awsso_line(args: &[&str]) -> String {
    let mut words = vec![shell_quote(&awsso_bin().display().to_string())];
    words.extend(args.iter().map(|a| shell_quote(a)));
    words.join(" ")
}

/// A word for `sh`, in single quotes.
pub fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\\''"))
}

pub fn write_file(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// What a finished process did.
#[derive(Debug)]
pub struct Output {
    /// The exit code; -1 when a signal ended the process ([`Output::signal`]).
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// The signal that ended the process, if one did.
    pub signal: Option<i32>,
}

impl Output {
    /// Asserts exit code, stdout and stderr together, whole.
    #[track_caller]
    pub fn assert(&self, code: i32, stdout: &str, stderr: &str) {
        assert_eq!(
            (self.code, self.stdout.as_str(), self.stderr.as_str()),
            (code, stdout, stderr),
            "unexpected result (left: actual)"
        );
    }

    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code; stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// Runs `cmd` with stdin closed, killing it and failing the test after [`WATCHDOG`].
pub fn run_with_watchdog(mut cmd: Command) -> Output {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = cmd.spawn().expect("spawn");
    wait_with_watchdog(child)
}

/// Waits for a spawned child (stdout/stderr piped) under the watchdog.
pub fn wait_with_watchdog(mut child: std::process::Child) -> Output {
    use std::io::Read;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        if let Some(o) = stdout.as_mut() {
            let _ = o.read_to_end(&mut s);
        }
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        if let Some(e) = stderr.as_mut() {
            let _ = e.read_to_end(&mut s);
        }
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > WATCHDOG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("process still running after {WATCHDOG:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned();
    Output {
        code: status.code().unwrap_or(-1),
        #[cfg(unix)]
        signal: std::os::unix::process::ExitStatusExt::signal(&status),
        #[cfg(not(unix))]
        signal: None,
        stdout,
        stderr,
    }
}

/// The Python of the test virtualenv (`scripts/test` creates it). Interop tests fail, never
/// skip, when it is missing (CONTRACT.md).
pub fn python() -> PathBuf {
    let path = std::env::var("AWSSO_TEST_PYTHON")
        .unwrap_or_else(|_| repo_root().join(".venv/bin/python").display().to_string());
    let path = PathBuf::from(path);
    assert!(
        path.exists(),
        "interop tests need the test virtualenv: run scripts/test (missing {})",
        path.display()
    );
    path
}

/// The `aws` (AWS CLI v1 from PyPI) of the test virtualenv.
pub fn aws_cli() -> PathBuf {
    let aws = python().parent().unwrap().join("aws");
    assert!(aws.exists(), "missing {}: run scripts/test", aws.display());
    aws
}

/// A broken server: answers every HTTP request on 127.0.0.1 with the same status and body
/// (an HTML page, an empty body...), for tests of what awsso does with answers no AWS
/// service gives. The thread lives until the test process ends.
pub fn fixed_answer_server(status: u16, body: &'static [u8]) -> String {
    answer_server(status, body, || {})
}

/// [`fixed_answer_server`] that runs `before_answer` on each request before answering it
/// (to change files under a running awsso, as a parallel process would).
pub fn answer_server(
    status: u16,
    body: &'static [u8],
    before_answer: impl Fn() + Send + 'static,
) -> String {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut length = 0usize;
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                if let Some((name, value)) = line.split_once(':') {
                    if name.eq_ignore_ascii_case("content-length") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                }
                line.clear();
            }
            let _ = reader
                .by_ref()
                .take(length as u64)
                .read_to_end(&mut Vec::new());
            let mut stream = reader.into_inner();
            before_answer();
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body);
        }
    });
    url
}
