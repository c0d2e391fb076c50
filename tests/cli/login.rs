//! End-to-end tests of `awsso sso login`: both flows against the emulator, the browser
//! stand-in and the test driving the pages itself, the shared cache files byte by byte,
//! registration re-use, polling faults, callback errors, Ctrl-C, `--if-needed`, `--force`
//! and the start-URL check with a local TLS server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use awsso::cache::{python_json, sha1_hex};
use awsso_emulator::{Emulator, Options};
use serde_json::Value;

use crate::support::vanity;
use crate::support::*;

const START_URL: &str = "https://d-90670ca891.awsapps.com/start";
const LEGACY_URL: &str = "https://d-legacy01.awsapps.com/start";

const CONFIG: &str = "[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnlyAccess
region = us-east-1

[sso-session corp]
sso_start_url = https://d-90670ca891.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile legacy]
sso_start_url = https://d-legacy01.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 111122223333
sso_role_name = ReadOnlyAccess
";

const SUCCESS: &str =
    "Successfully logged into Start URL: https://d-90670ca891.awsapps.com/start\n";

const PKCE_INTRO: &str = "Attempting to open your default browser. If the browser does not open, open the following URL.\nIf you are unable to open the URL on this device, run this command again with the '--use-device-code' option.\n\n";

const PENDING_EXPIRED: &str = "\nawsso: [ERROR]: The pending authorization to retrieve an SSO token has expired. The login flow to retrieve an SSO token must be restarted.\n";

fn sandbox(emu: &Emulator) -> Sandbox {
    let mut home = Sandbox::new();
    home.endpoints(emu.url());
    home.config(CONFIG);
    home
}

/// The registration cache key of the `corp` session (reference §3.3 layout).
fn corp_registration_key() -> String {
    sha1_hex(
        br#"{"region": "us-east-1", "scopes": ["sso:account:access"], "session_name": "corp", "startUrl": "https://d-90670ca891.awsapps.com/start", "tool": "botocore"}"#,
    )
}

fn corp_token_path(home: &Sandbox) -> std::path::PathBuf {
    home.sso_cache_dir()
        .join(format!("{}.json", sha1_hex(b"corp")))
}

/// Reads a cache file, checks it is exactly Python's `json.dumps` of itself (separators,
/// order, no trailing newline) and private, and returns it.
fn read_cache(path: &Path) -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(python_json(&value), text, "layout of {}", path.display());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "mode of {}", path.display());
        let dir = path.parent().unwrap();
        let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "mode of {}", dir.display());
    }
    value.as_object().unwrap().clone()
}

fn keys(map: &serde_json::Map<String, Value>) -> Vec<&str> {
    map.keys().map(String::as_str).collect()
}

fn s<'a>(map: &'a serde_json::Map<String, Value>, key: &str) -> &'a str {
    map[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string"))
}

/// Seconds from now to a cache timestamp (`YYYY-MM-DDTHH:MM:SSZ`).
fn seconds_until(timestamp: &str) -> i64 {
    assert_eq!(timestamp.len(), 20, "{timestamp}");
    assert!(timestamp.ends_with('Z'), "{timestamp}");
    let at = chrono::DateTime::parse_from_rfc3339(timestamp).unwrap();
    (at.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_seconds()
}

/// Asserts the token file of a successful login and returns it.
fn assert_token(
    path: &Path,
    start_url: &str,
    region: &str,
    registration: &serde_json::Map<String, Value>,
    refresh: bool,
) -> serde_json::Map<String, Value> {
    let token = read_cache(path);
    let mut expected = vec![
        "startUrl",
        "region",
        "accessToken",
        "expiresAt",
        "clientId",
        "clientSecret",
        "registrationExpiresAt",
    ];
    if refresh {
        expected.push("refreshToken");
    }
    assert_eq!(keys(&token), expected);
    assert_eq!(s(&token, "startUrl"), start_url);
    assert_eq!(s(&token, "region"), region);
    assert!(!s(&token, "accessToken").is_empty());
    let left = seconds_until(s(&token, "expiresAt"));
    assert!(
        (8 * 3600 - 60..=8 * 3600).contains(&left),
        "expires in {left}s"
    );
    assert_eq!(s(&token, "clientId"), s(registration, "clientId"));
    assert_eq!(s(&token, "clientSecret"), s(registration, "clientSecret"));
    assert_eq!(
        s(&token, "registrationExpiresAt"),
        s(registration, "expiresAt")
    );
    token
}

fn assert_registration(
    path: &Path,
    scopes: Option<&[&str]>,
    auth_code: bool,
) -> serde_json::Map<String, Value> {
    let registration = read_cache(path);
    let mut expected = vec!["clientId", "clientSecret", "expiresAt"];
    if scopes.is_some() {
        expected.push("scopes");
    }
    if auth_code {
        expected.push("grantTypes");
    }
    assert_eq!(keys(&registration), expected);
    let left = seconds_until(s(&registration, "expiresAt"));
    assert!((90 * 86400 - 60..=90 * 86400).contains(&left), "{left}");
    if let Some(scopes) = scopes {
        assert_eq!(registration["scopes"], serde_json::json!(scopes));
    }
    if auth_code {
        assert_eq!(
            registration["grantTypes"],
            serde_json::json!(["authorization_code", "refresh_token"])
        );
    }
    registration
}

/// Takes the one line starting with `prefix` out of `stdout`, replacing it with `<URL>`.
fn cut_line(stdout: &str, prefix: &str) -> (String, String) {
    let line = stdout
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix} in:\n{stdout}"))
        .to_owned();
    (stdout.replacen(&line, "<URL>", 1), line)
}

/// Checks an authorize URL is v2's, piece by piece, and returns its port and state.
fn check_authorize_url(url: &str, emu: &Emulator, client_id: &str) -> (u16, String) {
    let prefix = format!(
        "{}/authorize?response_type=code&client_id={client_id}&redirect_uri=http%3A%2F%2F127.0.0.1%3A",
        emu.url()
    );
    let rest = url.strip_prefix(&prefix).unwrap_or_else(|| panic!("{url}"));
    let (port, rest) = rest.split_once("%2Foauth%2Fcallback&state=").unwrap();
    let (state, rest) = rest
        .split_once("&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge=")
        .unwrap();
    assert_eq!(state.len(), 36, "{state}");
    assert_eq!(rest.len(), 43, "challenge {rest}");
    assert!(rest
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    (port.parse().unwrap(), state.to_owned())
}

/// A tiny blocking HTTP/1.1 GET for `http://` URLs: status, `Location`, body.
pub fn http_get(url: &str) -> (u16, Option<String>, String) {
    let rest = url.strip_prefix("http://").expect("http URL");
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let mut stream = TcpStream::connect(authority).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap();
    let location = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("location")
                .then(|| value.trim().to_owned())
        })
        .map(|l| l.to_owned());
    (status, location, body.to_owned())
}

/// An awsso process whose stdout the test reads as it comes.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: String,
    stderr: std::thread::JoinHandle<String>,
}

impl Running {
    fn start(home: &Sandbox, args: &[&str]) -> Running {
        let mut cmd = home.command(args);
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut stderr = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut line = String::new();
                match reader.read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if tx.send(line).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Running {
            child,
            lines,
            seen: String::new(),
            stderr,
        }
    }

    /// Reads stdout until a line starts with `prefix`; returns that line (without `\n`).
    fn wait_for_line(&mut self, prefix: &str) -> String {
        let deadline = Instant::now() + WATCHDOG;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push_str(&line);
                    if line.starts_with(prefix) {
                        return line.trim_end().to_owned();
                    }
                }
                Err(_) => {
                    let _ = self.child.kill();
                    panic!(
                        "no line starting with {prefix:?}; stdout so far:\n{}",
                        self.seen
                    );
                }
            }
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the exit (under the watchdog) and returns the whole output.
    fn finish(mut self) -> Output {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > WATCHDOG {
                let _ = self.child.kill();
                panic!(
                    "process still running after {WATCHDOG:?}; stdout:\n{}",
                    self.seen
                );
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.seen.push_str(&line);
        }
        Output {
            code: status.code().unwrap_or(-1),
            stdout: self.seen,
            stderr: self.stderr.join().unwrap(),
            signal: None,
        }
    }
}

fn count(lines: &[String], line: &str) -> usize {
    lines.iter().filter(|l| *l == line).count()
}

#[test]
fn pkce_login_is_the_default_for_sessions_and_writes_the_aws_cli_cache() {
    let emu = Emulator::start(Options::default());
    let mut home = sandbox(&emu);
    home.browser_standin();
    let out = home.run(&["sso", "login", "--profile", "dev"]);
    let (stdout, url) = cut_line(&out.stdout, emu.url());
    out.assert_code(0);
    assert_eq!(
        (stdout.as_str(), out.stderr.as_str()),
        (format!("{PKCE_INTRO}<URL>\n\n{SUCCESS}").as_str(), "")
    );
    let registration_path = home
        .sso_cache_dir()
        .join(format!("{}.json", corp_registration_key()));
    let registration = assert_registration(&registration_path, Some(&["sso:account:access"]), true);
    let (port, _state) = check_authorize_url(&url, &emu, s(&registration, "clientId"));
    assert_token(
        &corp_token_path(&home),
        START_URL,
        "us-east-1",
        &registration,
        true,
    );
    assert_eq!(Sandbox::list_dir(&home.sso_cache_dir()), {
        let mut names = vec![
            format!("{}.json", sha1_hex(b"corp")),
            format!("{}.json", corp_registration_key()),
        ];
        names.sort();
        names
    });
    assert_eq!(
        emu.request_lines(),
        ["POST /client/register", "GET /authorize", "POST /token"]
    );
    let requests = emu.requests();
    let register: Value = serde_json::from_str(&requests[0].body).unwrap();
    assert_eq!(
        register,
        serde_json::json!({
            "clientName": "botocore-client-corp",
            "clientType": "public",
            "scopes": ["sso:account:access"],
            "grantTypes": ["authorization_code", "refresh_token"],
            "redirectUris": ["http://127.0.0.1/oauth/callback"],
            "issuerUrl": START_URL,
        })
    );
    let token: Value = serde_json::from_str(&requests[2].body).unwrap();
    assert_eq!(token["grantType"], "authorization_code");
    assert_eq!(
        token["redirectUri"],
        format!("http://127.0.0.1:{port}/oauth/callback")
    );
    assert_eq!(token["codeVerifier"].as_str().unwrap().len(), 64);
    // The listener is gone.
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
}

fn device_intro(emu: &Emulator, code: &str) -> String {
    format!(
        "Attempting to open your default browser.\nIf the browser does not open or you wish to use a different device to authorize this request, open the following URL:\n\n{}/device\n\nThen enter the code:\n\n{code}\n",
        emu.url()
    )
}

/// The user code printed after `Then enter the code:`.
fn user_code(stdout: &str) -> String {
    let after = stdout
        .split("Then enter the code:\n\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no code in:\n{stdout}"));
    after.lines().next().unwrap().to_owned()
}

#[test]
fn device_code_login_with_the_browser_stand_in() {
    let emu = Emulator::start(Options::default());
    let mut home = sandbox(&emu);
    home.browser_standin();
    let out = home.run(&["login", "--profile", "dev", "--use-device-code"]);
    let code = user_code(&out.stdout);
    out.assert(0, &format!("{}{SUCCESS}", device_intro(&emu, &code)), "");
    let registration = assert_registration(
        &home
            .sso_cache_dir()
            .join(format!("{}.json", corp_registration_key())),
        Some(&["sso:account:access"]),
        false,
    );
    assert_token(
        &corp_token_path(&home),
        START_URL,
        "us-east-1",
        &registration,
        true,
    );
    let lines: Vec<String> = emu
        .request_lines()
        .into_iter()
        .filter(|l| l != "GET /device")
        .collect();
    assert_eq!(
        &lines[..2],
        ["POST /client/register", "POST /device_authorization"]
    );
    assert!(lines.len() >= 4, "{lines:?}");
    assert!(lines[2..].iter().all(|l| l == "POST /token"), "{lines:?}");
    let requests = emu.requests();
    let register: Value = serde_json::from_str(&requests[0].body).unwrap();
    assert_eq!(
        register,
        serde_json::json!({"clientName": "botocore-client-corp", "clientType": "public", "scopes": ["sso:account:access"]})
    );
    let start: Value = serde_json::from_str(&requests[1].body).unwrap();
    assert_eq!(start["startUrl"], START_URL);
    assert!(requests
        .iter()
        .any(|r| r.line() == "GET /device" && r.query == format!("user_code={code}")));
}

#[test]
fn no_browser_pkce_prints_the_url_and_the_test_visits_it() {
    let emu = Emulator::start(Options::default());
    let home = sandbox(&emu);
    let mut run = Running::start(
        &home,
        &["sso", "login", "--sso-session", "corp", "--no-browser"],
    );
    let url = run.wait_for_line(emu.url());
    let (status, location, _) = http_get(&url);
    assert_eq!(status, 302);
    let callback = location.unwrap();
    assert!(callback.starts_with("http://127.0.0.1:"), "{callback}");
    let (status, _, page) = http_get(&callback);
    assert_eq!(status, 200);
    assert!(page.contains("Your credentials have been shared successfully and can be used until your session expires. You can now close this tab."));
    let out = run.finish();
    let (stdout, _) = cut_line(&out.stdout, emu.url());
    out.assert_code(0);
    assert_eq!(
        (stdout.as_str(), out.stderr.as_str()),
        (
            format!("Browser will not be automatically opened.\nPlease visit the following URL:\n\n<URL>\n{SUCCESS}").as_str(),
            ""
        )
    );
    assert!(corp_token_path(&home).exists());
}

#[test]
fn no_browser_device_flow_prints_the_autofill_url() {
    let emu = Emulator::start(Options::default());
    let home = sandbox(&emu);
    let mut run = Running::start(
        &home,
        &[
            "sso",
            "login",
            "--profile",
            "dev",
            "--use-device-code",
            "--no-browser",
        ],
    );
    let autofill = run.wait_for_line(&format!("{}/device?user_code=", emu.url()));
    let (status, _, _) = http_get(&autofill);
    assert_eq!(status, 200);
    let out = run.finish();
    let code = user_code(&out.stdout);
    out.assert(
        0,
        &format!(
            "Browser will not be automatically opened.\nPlease visit the following URL:\n\n{url}/device\n\nThen enter the code:\n\n{code}\n\nAlternatively, you may visit the following URL which will autofill the code upon loading:\n{url}/device?user_code={code}\n{SUCCESS}",
            url = emu.url()
        ),
        "",
    );
}

#[test]
fn legacy_profiles_always_use_the_device_flow() {
    let emu = Emulator::start(Options::default().auto_approve(true));
    let home = sandbox(&emu);
    let out = home.run(&["sso", "login", "--profile", "legacy"]);
    // Auto-approved: the first CreateToken succeeds, so no instructions are printed.
    out.assert(
        0,
        &format!("Successfully logged into Start URL: {LEGACY_URL}\n"),
        "",
    );
    let registration_key = sha1_hex(
        format!(r#"{{"region": "eu-west-1", "scopes": null, "session_name": null, "startUrl": "{LEGACY_URL}", "tool": "botocore"}}"#)
            .as_bytes(),
    );
    let registration = assert_registration(
        &home
            .sso_cache_dir()
            .join(format!("{registration_key}.json")),
        None,
        false,
    );
    let token_path = home
        .sso_cache_dir()
        .join(format!("{}.json", sha1_hex(LEGACY_URL.as_bytes())));
    assert_token(&token_path, LEGACY_URL, "eu-west-1", &registration, false);
    assert_eq!(
        emu.request_lines(),
        [
            "POST /client/register",
            "POST /device_authorization",
            "POST /token"
        ]
    );
    let register: Value = serde_json::from_str(&emu.requests()[0].body).unwrap();
    let name = register["clientName"].as_str().unwrap();
    let stamp: i64 = name
        .strip_prefix("botocore-client-")
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (chrono::Utc::now().timestamp() - stamp).abs() < 60,
        "{name}"
    );
    assert_eq!(
        keys(register.as_object().unwrap()),
        ["clientName", "clientType"]
    );
}

#[test]
fn registrations_are_reused_and_replaced_when_the_flow_changes() {
    let emu = Emulator::start(Options::default().auto_approve(true));
    let home = sandbox(&emu);
    for _ in 0..2 {
        home.run(&["sso", "login", "--profile", "dev", "--use-device-code"])
            .assert(0, SUCCESS, "");
    }
    let lines = emu.request_lines();
    assert_eq!(count(&lines, "POST /client/register"), 1, "{lines:?}");
    assert_eq!(count(&lines, "POST /device_authorization"), 2, "{lines:?}");
    // A PKCE login needs an authorization-code registration: v2 registers anew and
    // overwrites the file.
    let mut home = home;
    home.browser_standin();
    home.run(&["sso", "login", "--profile", "dev"])
        .assert_code(0);
    assert_eq!(count(&emu.request_lines(), "POST /client/register"), 2);
    assert_registration(
        &home
            .sso_cache_dir()
            .join(format!("{}.json", corp_registration_key())),
        Some(&["sso:account:access"]),
        true,
    );
}

#[test]
fn pending_and_slow_down_polls_are_waited_out() {
    let emu = Emulator::start(Options::default().auto_approve(true).interval(0));
    emu.set_faults(|f| {
        f.pending_polls = 2;
        f.slow_down_polls = 1;
    });
    let home = sandbox(&emu);
    let started = Instant::now();
    let out = home.run(&[
        "sso",
        "login",
        "--profile",
        "dev",
        "--use-device-code",
        "--no-browser",
    ]);
    let elapsed = started.elapsed();
    let code = user_code(&out.stdout);
    out.assert_code(0);
    assert!(out.stdout.ends_with(SUCCESS) && out.stdout.contains(&code));
    // pending (before the message), pending, slow_down (+5 s), success.
    assert_eq!(count(&emu.request_lines(), "POST /token"), 4);
    assert!(elapsed >= Duration::from_secs(5), "{elapsed:?}");
}

#[test]
fn access_denied_is_a_service_error_with_details() {
    let emu = Emulator::start(Options::default().auto_approve(true).pending_polls(1));
    emu.set_faults(|f| f.deny_device = true);
    let home = sandbox(&emu);
    let out = home.run(&[
        "sso",
        "login",
        "--profile",
        "dev",
        "--use-device-code",
        "--no-browser",
    ]);
    let code = user_code(&out.stdout);
    out.assert(
        254,
        &format!(
            "Browser will not be automatically opened.\nPlease visit the following URL:\n\n{url}/device\n\nThen enter the code:\n\n{code}\n\nAlternatively, you may visit the following URL which will autofill the code upon loading:\n{url}/device?user_code={code}\n",
            url = emu.url()
        ),
        "\nawsso: [ERROR]: An error occurred (AccessDeniedException) when calling the CreateToken operation: \n\nAdditional error details:\nerror: access_denied\nerror_description: Access denied by the user\n",
    );
    assert!(!corp_token_path(&home).exists());
}

#[test]
fn an_expired_device_code_ends_the_login() {
    let emu = Emulator::start(Options::default());
    emu.set_faults(|f| f.device_code_ttl = Some(Duration::from_secs(1)));
    let home = sandbox(&emu);
    let out = home.run(&["sso", "login", "--profile", "dev", "--use-device-code"]);
    let code = user_code(&out.stdout);
    out.assert(255, &device_intro(&emu, &code), PENDING_EXPIRED);
    assert!(!corp_token_path(&home).exists());
}

/// Starts a `--no-browser` PKCE login and returns it with its callback port and state.
fn pkce_waiting(home: &Sandbox, emu: &Emulator) -> (Running, u16, String) {
    let mut run = Running::start(home, &["sso", "login", "--profile", "dev", "--no-browser"]);
    let url = run.wait_for_line(emu.url());
    let client_id = url
        .split("client_id=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    let (port, state) = check_authorize_url(&url, emu, &client_id);
    (run, port, state)
}

#[test]
fn a_wrong_state_on_the_callback_fails_and_other_paths_get_404() {
    let emu = Emulator::start(Options::default());
    let home = sandbox(&emu);
    let (run, port, _state) = pkce_waiting(&home, &emu);
    let base = format!("http://127.0.0.1:{port}");
    assert_eq!(http_get(&format!("{base}/favicon.ico")).0, 404);
    assert_eq!(http_get(&format!("{base}/oauth/callback?code=abc")).0, 400);
    assert_eq!(
        http_get(&format!(
            "{base}/oauth/callback?code=abc&state=not-the-state"
        ))
        .0,
        400
    );
    let out = run.finish();
    assert_eq!(out.code, 255);
    assert_eq!(
        out.stderr,
        "\nawsso: [ERROR]: Error loading authorization code: State parameter does not match expected value.\n"
    );
    assert!(out
        .stdout
        .starts_with("Browser will not be automatically opened.\n"));
    assert!(!out.stdout.contains("Successfully"));
    assert!(!corp_token_path(&home).exists());
    assert_eq!(count(&emu.request_lines(), "POST /token"), 0);
}

#[test]
fn an_error_on_the_callback_fails_the_login() {
    let emu = Emulator::start(Options::default());
    let home = sandbox(&emu);
    let (run, port, state) = pkce_waiting(&home, &emu);
    let (status, _, _) = http_get(&format!(
        "http://127.0.0.1:{port}/oauth/callback?error=access_denied&state={state}"
    ));
    assert_eq!(status, 400);
    let out = run.finish();
    let (stdout, _) = cut_line(&out.stdout, emu.url());
    assert_eq!(
        (out.code, stdout.as_str(), out.stderr.as_str()),
        (
            255,
            "Browser will not be automatically opened.\nPlease visit the following URL:\n\n<URL>\n",
            "\nawsso: [ERROR]: Error loading authorization code: Failed to retrieve an authorization code.\n"
        )
    );
}

#[test]
fn ctrl_c_exits_130_and_closes_the_listener() {
    let emu = Emulator::start(Options::default());
    let home = sandbox(&emu);
    let (run, port, _state) = pkce_waiting(&home, &emu);
    let kill = std::process::Command::new("kill")
        .args(["-INT", &run.pid().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = run.finish();
    let (stdout, _) = cut_line(&out.stdout, emu.url());
    assert_eq!(
        (out.code, stdout.as_str(), out.stderr.as_str()),
        (
            130,
            "Browser will not be automatically opened.\nPlease visit the following URL:\n\n<URL>\n\n",
            ""
        )
    );
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
    // Only the registration, made before the wait: no token, no temp files.
    assert_eq!(
        Sandbox::list_dir(&home.sso_cache_dir()),
        [format!("{}.json", corp_registration_key())]
    );
}

#[test]
fn if_needed_skips_a_fresh_token_without_any_request() {
    let emu = Emulator::start(Options::default().auto_approve(true));
    let home = sandbox(&emu);
    home.run(&["sso", "login", "--profile", "dev", "--use-device-code"])
        .assert(0, SUCCESS, "");
    let before = std::fs::read(corp_token_path(&home)).unwrap();
    let requests = emu.request_lines().len();
    let started = Instant::now();
    home.run(&["sso", "login", "--profile", "dev", "--if-needed"])
        .assert(0, "", "");
    assert!(started.elapsed() < Duration::from_secs(2));
    // What it decided is in the debug log.
    let debug = home.run(&["sso", "login", "--profile", "dev", "--if-needed", "--debug"]);
    assert!(
        debug.stderr.contains(
            " - awsso - DEBUG - Already logged into Start URL: https://d-90670ca891.awsapps.com/start\n"
        ),
        "{}",
        debug.stderr
    );
    assert_eq!(emu.request_lines().len(), requests, "no network call");
    assert_eq!(std::fs::read(corp_token_path(&home)).unwrap(), before);
}

#[test]
fn if_needed_refreshes_a_token_close_to_expiry() {
    // Ten-minute tokens are inside the 15-minute window from the start.
    let emu = Emulator::start(
        Options::default()
            .auto_approve(true)
            .token_ttl(Duration::from_secs(600)),
    );
    let home = sandbox(&emu);
    home.run(&["sso", "login", "--profile", "dev", "--use-device-code"])
        .assert(0, SUCCESS, "");
    let old = read_cache(&corp_token_path(&home));
    emu.clear_requests();
    home.run(&["sso", "login", "--profile", "dev", "--if-needed"])
        .assert(0, "", "");
    assert_eq!(emu.request_lines(), ["POST /token"]);
    let body: Value = serde_json::from_str(&emu.requests()[0].body).unwrap();
    assert_eq!(body["grantType"], "refresh_token");
    assert_eq!(body["refreshToken"], old["refreshToken"]);
    let new = read_cache(&corp_token_path(&home));
    assert_eq!(keys(&new), keys(&old));
    assert_ne!(new["accessToken"], old["accessToken"]);
    assert_ne!(new["refreshToken"], old["refreshToken"]);
    for same in [
        "startUrl",
        "region",
        "clientId",
        "clientSecret",
        "registrationExpiresAt",
    ] {
        assert_eq!(new[same], old[same], "{same}");
    }
    let left = seconds_until(s(&new, "expiresAt"));
    assert!((540..=600).contains(&left), "{left}");
}

/// Two `--if-needed` runs at once: the other one refreshes first and uses up the
/// single-use refresh token, so this one's refresh fails. The fresh token the other wrote is
/// in the cache: this run is done, without opening a browser for a new login.
#[test]
fn if_needed_uses_the_token_a_parallel_run_refreshed() {
    let emu = Emulator::start(Options::default());
    let mut home = sandbox(&emu);
    let session = emu.sign_in_for_tests();
    let stale = format!(
        r#"{{"startUrl": "{START_URL}", "region": "us-east-1", "accessToken": "stale", "expiresAt": "2020-01-01T00:00:00Z", "clientId": "{}", "clientSecret": "{}", "registrationExpiresAt": "2099-01-01T00:00:00Z", "refreshToken": "used-up"}}"#,
        session.client_id, session.client_secret
    );
    let path = corp_token_path(&home);
    write_file(&path, &stale);
    let fresh = format!(
        r#"{{"startUrl": "{START_URL}", "region": "us-east-1", "accessToken": "{}", "expiresAt": "2099-01-01T00:00:00Z"}}"#,
        session.access_token
    );
    let (written_by_other, fresh_path) = (fresh.clone(), path.clone());
    let oidc = answer_server(
        400,
        br#"{"error":"invalid_grant","error_description":"Invalid refresh token"}"#,
        move || write_file(&fresh_path, &written_by_other),
    );
    home.set_env("AWS_ENDPOINT_URL_SSO_OIDC", &oidc);
    home.run(&["sso", "login", "--profile", "dev", "--if-needed"])
        .assert(0, "", "");
    assert!(emu.request_lines().is_empty(), "no login");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), fresh);
}

/// Eight `--if-needed` runs at once on a token due for a refresh (an rc file in several new
/// terminals): one refreshes it, the others wait for its lock and find the fresh token.
#[test]
fn parallel_if_needed_runs_refresh_once() {
    let emu = Emulator::start(Options::default());
    let home = sandbox(&emu);
    let session = emu.sign_in_for_tests();
    write_token_due_for_refresh(&corp_token_path(&home), START_URL, &session);
    for output in home.run_parallel(&["sso", "login", "--profile", "dev", "--if-needed"], 8) {
        output.assert(0, "", "");
    }
    assert_eq!(emu.request_lines(), ["POST /token"]);
}

/// A legacy token that expired (legacy tokens are never refreshed) under `--if-needed`.
fn expired_legacy_token(home: &Sandbox) -> std::path::PathBuf {
    let token_path = home
        .sso_cache_dir()
        .join(format!("{}.json", sha1_hex(LEGACY_URL.as_bytes())));
    write_file(
        &token_path,
        &format!(
            r#"{{"startUrl": "{LEGACY_URL}", "region": "eu-west-1", "accessToken": "old", "expiresAt": "2020-01-01T00:00:00Z"}}"#
        ),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let private = std::fs::Permissions::from_mode(0o700);
        std::fs::set_permissions(home.sso_cache_dir(), private).unwrap();
    }
    token_path
}

/// With a terminal, `--if-needed` logs in when nothing can be refreshed: an implicit login,
/// whose instructions and closing line go to the terminal, and nothing to stdout.
#[test]
fn if_needed_logs_in_on_the_terminal_when_nothing_can_be_refreshed() {
    // Pending polls, so the instructions are shown before the approval, and the spinner
    // drawn while the login waits a polling interval.
    let emu = Emulator::start(Options::default().auto_approve(true).pending_polls(2));
    let home = sandbox(&emu);
    let token_path = expired_legacy_token(&home);
    let stdout = home.home().join("stdout");
    let terminal = home.run_in_terminal(&format!(
        "{} >{} 2>&1",
        awsso_line(&[
            "sso",
            "login",
            "--profile",
            "legacy",
            "--if-needed",
            "--no-browser"
        ]),
        stdout.display()
    ));
    assert_eq!(terminal.code, 0, "{terminal:?}");
    let user_code = user_code(&terminal.stdout);
    assert!(terminal.stdout.contains(" Waiting for authorization..."));
    assert_eq!(
        without_spinner(&terminal.stdout),
        format!(
            "Browser will not be automatically opened.\nPlease visit the following URL:\n\n{url}/device\n\nThen enter the code:\n\n{user_code}\n\nAlternatively, you may visit the following URL which will autofill the code upon loading:\n{url}/device?user_code={user_code}\nSuccessfully logged into Start URL: {LEGACY_URL}\n",
            url = emu.url()
        )
    );
    assert_eq!(std::fs::read_to_string(&stdout).unwrap(), "");
    assert_eq!(
        emu.request_lines(),
        [
            "POST /client/register",
            "POST /device_authorization",
            "POST /token",
            "POST /token",
            "POST /token"
        ]
    );
    assert_ne!(s(&read_cache(&token_path), "accessToken"), "old");
}

/// No terminal (`ssh host cmd`, cron, a service): no one can answer a login, so
/// `--if-needed` says what to run and exits 1, with no request and no browser.
#[test]
fn if_needed_without_a_terminal_names_the_login_and_exits_1() {
    let emu = Emulator::start(Options::default().auto_approve(true));
    let mut home = sandbox(&emu);
    let record = home.browser_recorder();
    let token_path = expired_legacy_token(&home);
    let before = std::fs::read(&token_path).unwrap();
    home.run_without_terminal(&["sso", "login", "--profile", "legacy", "--if-needed"])
        .assert(
            1,
            "",
            "awsso: a browser login is needed and no terminal can answer it; run: awsso sso login --profile legacy\n",
        );
    assert!(emu.request_lines().is_empty(), "no request");
    assert!(!record.exists(), "no browser");
    assert_eq!(std::fs::read(&token_path).unwrap(), before);
    // The same for an sso-session whose token expired with nothing to refresh it with.
    write_file(
        &corp_token_path(&home),
        &format!(
            r#"{{"startUrl": "{START_URL}", "region": "us-east-1", "accessToken": "old", "expiresAt": "2020-01-01T00:00:00Z"}}"#
        ),
    );
    home.run_without_terminal(&["sso", "login", "--profile", "dev", "--if-needed"])
        .assert(
            1,
            "",
            "awsso: a browser login is needed and no terminal can answer it; run: awsso sso login --profile dev\n",
        );
    assert!(emu.request_lines().is_empty(), "no request");
    assert!(!record.exists(), "no browser");
    // Plain `sso login` remains the way to wait for a login, terminal or not.
    home.run_without_terminal(&["sso", "login", "--profile", "legacy", "--no-browser"])
        .assert_code(0);
}

#[test]
fn force_signs_out_the_cached_token_first() {
    let emu = Emulator::start(Options::default().auto_approve(true));
    let home = sandbox(&emu);
    home.run(&["sso", "login", "--profile", "dev", "--use-device-code"])
        .assert(0, SUCCESS, "");
    let old = read_cache(&corp_token_path(&home));
    emu.clear_requests();
    home.run(&[
        "sso",
        "login",
        "--profile",
        "dev",
        "--use-device-code",
        "--force",
    ])
    .assert(0, SUCCESS, "");
    assert_eq!(
        emu.request_lines(),
        ["POST /logout", "POST /device_authorization", "POST /token"]
    );
    assert_eq!(
        emu.requests()[0].header("x-amz-sso_bearer_token"),
        old["accessToken"].as_str()
    );
    assert_ne!(
        read_cache(&corp_token_path(&home))["accessToken"],
        old["accessToken"]
    );
}

#[test]
fn configuration_errors_exit_253() {
    let emu = Emulator::start(Options::default());
    let home = sandbox(&emu);
    home.config(&format!(
        "{CONFIG}\n[profile plain]\nregion = us-east-1\n[profile lost]\nsso_session = nope\n[profile insecure]\nsso_start_url = http://d-1.awsapps.com/start\nsso_region = us-east-1\n"
    ));
    home.run(&["sso", "login", "--profile", "plain"]).assert(
        253,
        "",
        "\nawsso: [ERROR]: An error occurred (Configuration): Missing the following required SSO configuration values: sso_start_url, sso_region. To make sure this profile is properly configured to use SSO, please run: awsso configure sso\n",
    );
    home.run(&["sso", "login", "--profile", "lost"]).assert(
        253,
        "",
        "\nawsso: [ERROR]: An error occurred (Configuration): The specified sso-session does not exist: \"nope\"\n",
    );
    home.run(&["sso", "login", "--profile", "ghost"]).assert(
        255,
        "",
        "\nawsso: [ERROR]: The config profile (ghost) could not be found\n",
    );
    home.run(&["sso", "login", "--profile", "insecure"]).assert(
        253,
        "",
        "\nawsso: [ERROR]: An error occurred (Configuration): The sso_start_url must use the https scheme.\n",
    );
    assert!(emu.request_lines().is_empty());
}

fn vanity_sandbox(emu: &Emulator, server: &vanity::VanityServer) -> Sandbox {
    let mut home = Sandbox::new();
    home.endpoints(emu.url());
    let ca = home.home().join("ca.pem");
    write_file(&ca, &server.ca_pem);
    home.set_env("AWS_CA_BUNDLE", &ca.display().to_string());
    home.config(&format!(
        "[profile dev]\nsso_session = corp\n\n[sso-session corp]\nsso_start_url = {}\nsso_region = us-east-1\n",
        server.url()
    ));
    home
}

#[test]
fn a_vanity_start_url_is_resolved_once_and_may_set_the_region() {
    let server = vanity::VanityServer::start(
        302,
        Some("https://ssoins-7223fa5d1e0e7cfb.portal.eu-west-1.app.aws/?x=1"),
    );
    let emu = Emulator::start(Options::default().auto_approve(true));
    let home = vanity_sandbox(&emu, &server);
    let out = home.run(&["sso", "login", "--use-device-code", "--profile", "dev"]);
    out.assert(
        0,
        &format!(
            "SSO region updated to eu-west-1\nSuccessfully logged into Start URL: {}\n",
            server.url()
        ),
        "",
    );
    assert_eq!(*server.requests.lock().unwrap(), ["HEAD /start"]);
    let start: Value = serde_json::from_str(&emu.requests()[1].body).unwrap();
    assert_eq!(
        start["startUrl"],
        "https://ssoins-7223fa5d1e0e7cfb.portal.eu-west-1.app.aws"
    );
    // The cache keeps the configured URL and the region in use.
    let token = read_cache(&corp_token_path(&home));
    assert_eq!(s(&token, "startUrl"), server.url());
    assert_eq!(s(&token, "region"), "eu-west-1");
    assert_eq!(
        std::fs::read_to_string(home.config_path()).unwrap(),
        format!(
            "[profile dev]\nsso_session = corp\n\n[sso-session corp]\nsso_start_url = {}\nsso_region = eu-west-1\n",
            server.url()
        )
    );
}

#[test]
fn a_vanity_start_url_must_lead_to_aws() {
    let server = vanity::VanityServer::start(302, Some("https://sso.example.com/start"));
    let emu = Emulator::start(Options::default().auto_approve(true));
    let home = vanity_sandbox(&emu, &server);
    home.run(&["sso", "login", "--profile", "dev"]).assert(
        253,
        "",
        &format!(
            "\nawsso: [ERROR]: An error occurred (Configuration): Could not resolve start URL '{}' to an AWS-owned endpoint. Final URL: 'https://sso.example.com/start'\n",
            server.url()
        ),
    );
    assert_eq!(*server.requests.lock().unwrap(), ["HEAD /start"]);
    assert!(emu.request_lines().is_empty());
}

#[test]
fn two_logins_at_once_leave_one_whole_file() {
    let emu = Emulator::start(Options::default().auto_approve(true));
    let home = sandbox(&emu);
    let runs: Vec<Running> = (0..2)
        .map(|_| {
            Running::start(
                &home,
                &["sso", "login", "--profile", "dev", "--use-device-code"],
            )
        })
        .collect();
    for run in runs {
        run.finish().assert(0, SUCCESS, "");
    }
    let token = read_cache(&corp_token_path(&home));
    assert_eq!(keys(&token).len(), 8);
    assert!(Sandbox::list_dir(&home.sso_cache_dir())
        .iter()
        .all(|name| !name.starts_with('.')));
}

#[test]
fn debug_output_never_shows_secrets() {
    let emu = Emulator::start(Options::default());
    let mut home = sandbox(&emu);
    home.browser_standin();
    let out = home.run(&["sso", "login", "--profile", "dev", "--debug"]);
    out.assert_code(0);
    assert!(out.stderr.contains("DEBUG"), "{}", out.stderr);
    let token = read_cache(&corp_token_path(&home));
    let requests = emu.requests();
    let exchange: Value = serde_json::from_str(&requests[2].body).unwrap();
    let secrets = [
        s(&token, "accessToken"),
        s(&token, "refreshToken"),
        s(&token, "clientSecret"),
        exchange["code"].as_str().unwrap(),
        exchange["codeVerifier"].as_str().unwrap(),
    ];
    for secret in secrets {
        assert!(!out.stderr.contains(secret), "secret in --debug output");
    }
}

#[test]
fn ctrl_c_while_polling_exits_130_without_a_token() {
    let emu = Emulator::start(Options::default());
    let home = sandbox(&emu);
    let mut run = Running::start(
        &home,
        &[
            "sso",
            "login",
            "--profile",
            "dev",
            "--use-device-code",
            "--no-browser",
        ],
    );
    run.wait_for_line(&format!("{}/device?user_code=", emu.url()));
    let kill = std::process::Command::new("kill")
        .args(["-INT", &run.pid().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = run.finish();
    let code = user_code(&out.stdout);
    out.assert(
        130,
        &format!(
            "Browser will not be automatically opened.\nPlease visit the following URL:\n\n{url}/device\n\nThen enter the code:\n\n{code}\n\nAlternatively, you may visit the following URL which will autofill the code upon loading:\n{url}/device?user_code={code}\n\n",
            url = emu.url()
        ),
        "",
    );
    assert_eq!(
        Sandbox::list_dir(&home.sso_cache_dir()),
        [format!("{}.json", corp_registration_key())]
    );
}

#[test]
fn a_spinner_shows_on_a_terminal_while_waiting() {
    use portable_pty::{native_pty_system, CommandBuilder, PtySize};
    let emu = Emulator::start(Options::default().auto_approve(true).pending_polls(2));
    let home = sandbox(&emu);
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(awsso_bin());
    cmd.args([
        "sso",
        "login",
        "--profile",
        "dev",
        "--use-device-code",
        "--no-browser",
    ]);
    cmd.env_clear();
    for (name, value) in &home.env {
        cmd.env(name, value);
    }
    cmd.cwd(home.home());
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let mut buf = [0u8; 4096];
        // A pty master reads EIO once the child is gone: that is the end.
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&buf[..n]);
        }
        let _ = tx.send(bytes);
    });
    let status = child.wait().unwrap();
    drop(pair.master);
    let screen = String::from_utf8(rx.recv_timeout(WATCHDOG).unwrap()).unwrap();
    assert!(status.success(), "{screen}");
    let spinner = screen
        .find("\r| Waiting for authorization...")
        .unwrap_or_else(|| panic!("no spinner in {screen:?}"));
    let cleared = screen.rfind("\r\x1b[2K").unwrap();
    let success = screen.find("Successfully logged into Start URL").unwrap();
    assert!(spinner < cleared && cleared < success, "{screen:?}");
}
