//! botocore drives the emulator (emulator/tests/interop/botocore_flow.py): a client nobody here
//! wrote must sign in, paginate, fetch role credentials and have its SigV4 signatures accepted,
//! and a wrong secret refused. Needs the test virtualenv (`scripts/test`); fails without it.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use awsso_emulator::{role_id, Directory, Emulator, Faults, Options};
use serde_json::{json, Value};

const WATCHDOG: Duration = Duration::from_secs(30);

/// The virtualenv's Python: `AWSSO_TEST_PYTHON`, else the workspace's `.venv`.
pub fn python() -> PathBuf {
    let path = std::env::var_os("AWSSO_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python"));
    assert!(
        path.exists(),
        "the botocore interop test needs the test virtualenv: run scripts/test (missing {})",
        path.display()
    );
    path
}

/// Runs a command to completion under the watchdog; returns (status code, stdout, stderr).
fn run(mut command: Command) -> (i32, String, String) {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start python");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if started.elapsed() > WATCHDOG {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!(
                "watchdog: killed after {WATCHDOG:?}\nstderr: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn botocore_signs_in_paginates_and_is_verified() {
    let faults = Faults {
        fail_next: vec![500, 503],
        ..Faults::default()
    };
    let emu = Emulator::start(Options::default().faults(faults));
    let home = tempfile::tempdir().unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/interop/botocore_flow.py");
    let mut command = Command::new(python());
    command
        .arg(&script)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("AWS_ENDPOINT_URL", emu.url())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", home.path().join("config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.path().join("credentials"),
        )
        .current_dir(home.path());
    let (code, stdout, stderr) = run(command);
    assert_eq!(code, 0, "stdout: {stdout}\nstderr: {stderr}");
    let summary: Value = serde_json::from_str(stdout.trim()).expect("one JSON line");

    let (arn, user_id) = Directory::default().sso_role_identity("111122223333", "ReadOnlyAccess");
    let forbidden = json!(["ForbiddenException", 403, "No access"]);
    let expected = json!({
        "register_retries": 2,
        "interval": 1,
        "expires_in": 600,
        "first_poll": "AuthorizationPendingException",
        "verification_page": 200,
        "token_type": "Bearer",
        "has_refresh_token": true,
        "account_pages": [["111122223333", "444455556666"], ["777788889999"]],
        "account_pages_of_one": 3,
        "roles": {
            "111122223333": ["AdministratorAccess", "ReadOnlyAccess"],
            "444455556666": ["ReadOnlyAccess"],
            "777788889999": ["AdministratorAccess"],
        },
        "expiration_is_ms": true,
        "forbidden": forbidden,
        "identity": {"UserId": user_id, "Account": "111122223333", "Arn": arn},
        "wrong_secret": ["SignatureDoesNotMatch", 403, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."],
        "unknown_key": ["InvalidClientTokenId", 403, "The security token included in the request is invalid"],
        "static_user": "arn:aws:iam::111122223333:user/ci-bot",
        "assumed_arn": "arn:aws:sts::777788889999:assumed-role/Deployer/interop",
        "refresh_rotated": true,
        "refresh_reuse": ["InvalidGrantException", 400],
        "after_logout": ["UnauthorizedException", 401, "Session token not found or invalid"],
    });
    assert_eq!(summary, expected);
    assert!(role_id("777788889999", "Deployer").starts_with("AROA"));

    // What botocore sent, as the emulator saw it.
    let lines = emu.request_lines();
    assert_eq!(
        lines[..5],
        [
            "POST /client/register",
            "POST /client/register",
            "POST /client/register",
            "POST /device_authorization",
            "POST /token"
        ]
    );
    let requests = emu.requests();
    let sts = requests
        .iter()
        .find(|r| r.path == "/" && r.body == "Action=GetCallerIdentity&Version=2011-06-15")
        .expect("a GetCallerIdentity request");
    assert_eq!(
        sts.header("content-type"),
        Some("application/x-www-form-urlencoded; charset=utf-8")
    );
    let authorization = sts.header("authorization").unwrap();
    assert!(
        authorization.starts_with("AWS4-HMAC-SHA256 Credential=ASIA"),
        "{authorization}"
    );
    assert!(
        authorization.contains("/us-east-1/sts/aws4_request"),
        "{authorization}"
    );
    assert!(sts.header("x-amz-security-token").is_some());
    let logout = requests.iter().find(|r| r.path == "/logout").unwrap();
    assert_eq!((logout.method.as_str(), logout.body.as_str()), ("POST", ""));
}
