//! The `awsso-emulator` command: the first stdout lines, flags, and a clean stop on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::*;

const WATCHDOG: Duration = Duration::from_secs(30);

/// A running emulator process, killed if the test ends without stopping it.
struct Running {
    child: Child,
    url: String,
    export_line: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_awsso-emulator"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start awsso-emulator");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    let mut second = String::new();
    stdout.read_line(&mut first).unwrap();
    stdout.read_line(&mut second).unwrap();
    let url = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .trim_end()
        .to_string();
    assert!(
        url.starts_with("http://127.0.0.1:") || url.starts_with("https://127.0.0.1:"),
        "{url}"
    );
    Running {
        child,
        url,
        export_line: second,
    }
}

/// Sends SIGTERM and waits (under the watchdog) for the exit status.
fn terminate(mut running: Running) -> std::process::ExitStatus {
    let pid = running.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let started = Instant::now();
    loop {
        if let Some(status) = running.child.try_wait().unwrap() {
            return status;
        }
        assert!(started.elapsed() < WATCHDOG, "no exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn prints_the_url_and_export_line_then_stops_on_sigterm() {
    let running = start(&["--port", "0"]);
    assert_eq!(
        running.export_line,
        format!("export AWS_ENDPOINT_URL={}\n", running.url)
    );
    let url = running.url.clone();
    assert_eq!(get(&url, "/", &[]).status, 200);
    let status = terminate(running);
    assert!(status.success(), "{status:?}");
    assert!(std::net::TcpStream::connect(url.strip_prefix("http://").unwrap()).is_err());
}

#[test]
fn flags_configure_the_service() {
    let running = start(&[
        "--auto-approve",
        "--page-size",
        "1",
        "--interval",
        "3",
        "--token-ttl",
        "120",
        "--registration-ttl",
        "500",
        "--device-code-ttl",
        "30",
        "--pending-polls",
        "1",
        "--slow-down-polls",
        "1",
    ]);
    let url = running.url.as_str();
    let registered = post_json(
        url,
        "/client/register",
        &json!({"clientName": "c", "clientType": "public"}),
    )
    .json();
    assert_eq!(
        registered["clientSecretExpiresAt"].as_i64().unwrap()
            - registered["clientIdIssuedAt"].as_i64().unwrap(),
        500
    );
    let reg = Registration {
        client_id: registered["clientId"].as_str().unwrap().into(),
        client_secret: registered["clientSecret"].as_str().unwrap().into(),
    };
    let device = start_device(url, &reg);
    assert_eq!(
        (device["interval"].clone(), device["expiresIn"].clone()),
        (json!(3), json!(30))
    );
    let code = device["deviceCode"].as_str().unwrap();
    poll(url, &reg, code).assert_oidc_error(
        400,
        "AuthorizationPendingException",
        "authorization_pending",
    );
    poll(url, &reg, code).assert_oidc_error(400, "SlowDownException", "slow_down");
    let tokens = poll(url, &reg, code).json();
    assert_eq!(tokens["expiresIn"], 120);
    let first = portal_get(
        url,
        "/assignment/accounts",
        tokens["accessToken"].as_str().unwrap(),
    )
    .json();
    assert_eq!(first["accountList"].as_array().unwrap().len(), 1);
    assert!(terminate(running).success());
}

#[test]
fn fault_flags() {
    let running = start(&[
        "--fail-next",
        "500,503",
        "--throttle-next",
        "1",
        "--deny-authorization",
        "--deny-device",
        "--delay-ms",
        "1",
    ]);
    let url = running.url.as_str();
    let body = json!({"clientName": "c", "clientType": "public"});
    post_json(url, "/client/register", &body).assert_oidc_error(
        500,
        "InternalServerException",
        "server_error",
    );
    assert_eq!(post_json(url, "/client/register", &body).status, 503);
    post_json(url, "/client/register", &body).assert_oidc_error(
        429,
        "SlowDownException",
        "slow_down",
    );
    let reg = register(url, &[]);
    let device = start_device(url, &reg);
    poll(url, &reg, device["deviceCode"].as_str().unwrap()).assert_oidc_error(
        400,
        "AccessDeniedException",
        "access_denied",
    );
}

#[test]
fn directory_flag_and_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("directory.json");
    std::fs::write(
        &file,
        r#"{"user": "bob@example.org", "accounts": [{"accountId": "123456789012", "accountName": "Solo", "emailAddress": "solo@example.org", "roles": ["Deploy"]}]}"#,
    )
    .unwrap();
    let running = start(&["--directory", file.to_str().unwrap(), "--auto-approve"]);
    let reg = register(&running.url, &[]);
    let device = start_device(&running.url, &reg);
    let tokens = poll(&running.url, &reg, device["deviceCode"].as_str().unwrap()).json();
    let accounts = portal_get(
        &running.url,
        "/assignment/accounts",
        tokens["accessToken"].as_str().unwrap(),
    );
    assert_eq!(
        accounts.json(),
        json!({"accountList": [{"accountId": "123456789012", "accountName": "Solo", "emailAddress": "solo@example.org"}]})
    );
    drop(running);

    std::fs::write(&file, "{").unwrap();
    for args in [
        vec!["--directory", file.to_str().unwrap()],
        vec!["--directory", "/nonexistent/directory.json"],
        vec!["--fail-next", "42"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_awsso-emulator"))
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(output.stdout, b"");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(
            stderr.starts_with("awsso-emulator: ") && stderr.lines().count() == 1,
            "{stderr}"
        );
    }
}

#[test]
fn generated_directory_flags() {
    let running = start(&[
        "--generate-accounts",
        "5000",
        "--roles-per-account",
        "3",
        "--page-size",
        "100",
        "--auto-approve",
    ]);
    let tokens = device_login_at(&running.url);
    let token = tokens["accessToken"].as_str().unwrap();
    let first = portal_get(&running.url, "/assignment/accounts", token).json();
    let list = first["accountList"].as_array().unwrap();
    assert_eq!(list.len(), 100);
    assert_eq!(list[0]["accountName"], "account-00001");
    let roles = portal_get(
        &running.url,
        "/assignment/roles?account_id=100000005000",
        token,
    )
    .json();
    assert_eq!(roles["roleList"].as_array().unwrap().len(), 3);
    drop(running);

    for args in [
        vec!["--generate-accounts", "2", "--directory", "/dev/null"],
        vec!["--roles-per-account", "2"],
        vec!["--generate-accounts", "900000000000"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_awsso-emulator"))
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(output.stdout, b"");
    }
}

#[test]
fn list_rate_flag() {
    let running = start(&["--list-rate", "1", "--auto-approve"]);
    let tokens = device_login_at(&running.url);
    let token = tokens["accessToken"].as_str().unwrap();
    assert_eq!(
        portal_get(&running.url, "/assignment/accounts", token).status,
        200
    );
    portal_get(&running.url, "/assignment/accounts", token).assert_portal_error(
        429,
        "TooManyRequestsException",
        "Rate exceeded",
    );
}

/// A device sign-in against an auto-approving emulator process.
fn device_login_at(url: &str) -> serde_json::Value {
    let reg = register(url, &[]);
    let device = start_device(url, &reg);
    poll(url, &reg, device["deviceCode"].as_str().unwrap()).json()
}

#[test]
fn raw_expires_in_flags() {
    let running = start(&[
        "--auto-approve",
        "--expires-in-raw",
        "1e15",
        "--device-expires-in-raw",
        "-5",
    ]);
    let url = running.url.as_str();
    let reg = register(url, &[]);
    let device = post_json(
        url,
        "/device_authorization",
        &reg.with(json!({"startUrl": START_URL})),
    );
    assert!(device.body.contains("\"expiresIn\":-5,"), "{}", device.body);
    let tokens = poll(url, &reg, device.json()["deviceCode"].as_str().unwrap());
    assert!(
        tokens.body.contains("\"expiresIn\":1e15"),
        "{}",
        tokens.body
    );
}

#[test]
fn tls_flags_serve_https() {
    let ca = awsso_emulator::tls::TestCa::new();
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    std::fs::write(&cert, ca.cert_pem()).unwrap();
    std::fs::write(&key, ca.key_pem()).unwrap();
    let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());
    let running = start(&["--tls-cert", cert, "--tls-key", key]);
    assert!(
        running.url.starts_with("https://127.0.0.1:"),
        "{}",
        running.url
    );
    assert_eq!(
        running.export_line,
        format!("export AWS_ENDPOINT_URL={}\n", running.url)
    );
    let index = tls_send(
        &running.url,
        &ca.ca_pem(),
        "127.0.0.1",
        "GET",
        "/",
        &[],
        b"",
    )
    .unwrap();
    assert_eq!(index.status, 200);
    assert!(terminate(running).success());

    for args in [
        vec!["--tls-cert", cert],
        vec!["--tls-key", key],
        vec!["--tls-cert", key, "--tls-key", key],
        vec!["--tls-cert", cert, "--tls-key", "/nonexistent/key.pem"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_awsso-emulator"))
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(output.stdout, b"");
    }
}

#[test]
fn help_lists_every_flag() {
    let output = Command::new(env!("CARGO_BIN_EXE_awsso-emulator"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for flag in [
        "--port",
        "--auto-approve",
        "--directory",
        "--token-ttl",
        "--registration-ttl",
        "--credentials-ttl",
        "--page-size",
        "--interval",
        "--pending-polls",
        "--slow-down-polls",
        "--deny-device",
        "--deny-authorization",
        "--device-code-ttl",
        "--fail-next",
        "--throttle-next",
        "--delay-ms",
        "--generate-accounts",
        "--roles-per-account",
        "--list-rate",
        "--expires-in-raw",
        "--device-expires-in-raw",
        "--tls-cert",
        "--tls-key",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help");
    }
}
