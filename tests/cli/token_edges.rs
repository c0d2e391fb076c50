//! End-to-end tests of the SSO token at its edges: lifetimes from the server that no cache
//! can hold (login, the device code, refresh), parallel refreshes near the end of a session,
//! a cached token no request can carry, and every `expiresAt` and `Expiration` form botocore
//! reads, checked live against the AWS CLI.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use awsso_emulator::{Emulator, Options};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;

use crate::get_caller_identity::{setup, sso_json, token_path, CONFIG, START_URL};
use crate::support::*;

const OUT_OF_RANGE: &str = "\nawsso: [ERROR]: The SSO token's expiration is out of range\n";

/// `expiresIn` values that end beyond year 9999 (or before year 1): a float, i64::MAX,
/// u64::MAX, one beyond f64, and a huge negative one.
const HUGE: [&str; 5] = [
    "1e15",
    "9223372036854775807",
    "18446744073709551615",
    "1e400",
    "-1e15",
];

const LOGGED_IN: &str =
    "Successfully logged into Start URL: https://d-1234567890.awsapps.com/start\n";

/// Seconds from now to the `expiresAt` of the token file at `path`.
fn token_seconds_left(path: &Path) -> i64 {
    let token: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let at = DateTime::parse_from_rfc3339(token["expiresAt"].as_str().unwrap()).unwrap();
    (at.to_utc() - Utc::now()).num_seconds()
}

/// The `grantType`s of the CreateToken calls the emulator got.
fn token_grants(emu: &Emulator) -> Vec<String> {
    emu.requests()
        .iter()
        .filter(|r| r.line() == "POST /token")
        .map(|r| {
            let body: Value = serde_json::from_str(&r.body).unwrap();
            body["grantType"].as_str().unwrap().to_owned()
        })
        .collect()
}

/// A token file for session `corp` in botocore's layout, refreshable with `session`'s
/// registration and single-use refresh token.
fn write_refreshable_token(path: &Path, session: &awsso_emulator::TestSession, expires_at: &str) {
    write_file(
        path,
        &format!(
            r#"{{"startUrl": "{START_URL}", "region": "us-east-1", "accessToken": "{}", "expiresAt": "{expires_at}", "clientId": "{}", "clientSecret": "{}", "registrationExpiresAt": "2099-01-01T00:00:00Z", "refreshToken": "{}"}}"#,
            session.access_token, session.client_id, session.client_secret, session.refresh_token
        ),
    );
}

fn in_five_minutes() -> String {
    (Utc::now() + TimeDelta::minutes(5))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

#[test]
fn a_token_lifetime_beyond_year_9999_ends_the_device_login_with_an_error() {
    let emu = Emulator::start(Options::default().auto_approve(true));
    for raw in HUGE {
        let mut sandbox = Sandbox::new();
        sandbox.endpoints(emu.url()).config(CONFIG);
        emu.clear_requests();
        emu.set_faults(|f| f.expires_in_raw = Some(raw.into()));
        // Approved at once: the first poll gets the token, before anything is printed.
        sandbox
            .run(&["sso", "login", "--profile", "dev", "--use-device-code"])
            .assert(255, "", OUT_OF_RANGE);
        assert_eq!(
            emu.request_lines(),
            [
                "POST /client/register",
                "POST /device_authorization",
                "POST /token"
            ],
            "{raw}"
        );
        assert!(!token_path(&sandbox, "corp").exists(), "{raw}");
    }
}

#[test]
fn a_token_lifetime_beyond_year_9999_ends_the_pkce_login_with_an_error() {
    let (emu, mut sandbox) = setup(Options::default());
    sandbox.browser_standin();
    emu.set_faults(|f| f.expires_in_raw = Some("9223372036854775807".into()));
    let out = sandbox.run(&["sso", "login", "--profile", "dev"]);
    let url = out
        .stdout
        .lines()
        .find(|line| line.starts_with(&format!("{}/authorize?", emu.url())))
        .unwrap_or_else(|| panic!("no authorize URL in:\n{}", out.stdout))
        .to_owned();
    Output {
        stdout: out.stdout.replacen(&url, "<URL>", 1),
        ..out
    }
    .assert(
        255,
        "Attempting to open your default browser. If the browser does not open, open the following URL.\nIf you are unable to open the URL on this device, run this command again with the '--use-device-code' option.\n\n<URL>\n\n",
        OUT_OF_RANGE,
    );
    assert!(!token_path(&sandbox, "corp").exists());
}

/// The device code's own `expiresIn` bounds the polling: one no clock can reach ends the
/// login before a code is shown or a poll is made.
#[test]
fn a_device_code_lifetime_beyond_year_9999_ends_the_login_before_it_starts() {
    let emu = Emulator::start(Options::default());
    for raw in HUGE {
        let mut sandbox = Sandbox::new();
        sandbox.endpoints(emu.url()).config(CONFIG);
        emu.clear_requests();
        emu.set_faults(|f| f.device_expires_in_raw = Some(raw.into()));
        sandbox
            .run(&["sso", "login", "--profile", "dev", "--use-device-code"])
            .assert(255, "", OUT_OF_RANGE);
        assert_eq!(
            emu.request_lines(),
            ["POST /client/register", "POST /device_authorization"],
            "{raw}"
        );
    }
}

/// Lifetimes written as floats are numbers like any other, as in botocore.
#[test]
fn lifetimes_written_as_floats_are_read() {
    let (emu, sandbox) = setup(Options::default().auto_approve(true));
    emu.set_faults(|f| {
        f.expires_in_raw = Some("2.88e4".into());
        f.device_expires_in_raw = Some("600.0".into());
    });
    sandbox
        .run(&["sso", "login", "--profile", "dev", "--use-device-code"])
        .assert(0, LOGGED_IN, "");
    let left = token_seconds_left(&token_path(&sandbox, "corp"));
    assert!((8 * 3600 - 60..=8 * 3600).contains(&left), "{left}");
}

/// A refresh answered with a lifetime no cache can hold: the clear error, the cache as it
/// was, and no login started in its place.
#[test]
fn a_refreshed_lifetime_beyond_year_9999_is_an_error_not_a_crash() {
    for args in [
        &["sts", "get-caller-identity", "--profile", "dev"][..],
        &["sso", "login", "--profile", "dev", "--if-needed"],
    ] {
        let (emu, sandbox) = setup(Options::default());
        let session = emu.sign_in_for_tests();
        let path = token_path(&sandbox, "corp");
        write_refreshable_token(&path, &session, &in_five_minutes());
        let before = std::fs::read(&path).unwrap();
        emu.clear_requests();
        emu.set_faults(|f| f.expires_in_raw = Some("18446744073709551615".into()));
        sandbox.run(args).assert(255, "", OUT_OF_RANGE);
        assert_eq!(token_grants(&emu), ["refresh_token"], "{args:?}");
        assert_eq!(emu.request_lines(), ["POST /token"], "{args:?}");
        assert_eq!(std::fs::read(&path).unwrap(), before, "{args:?}");
    }
}

/// Whether process `pid` has `path` open (Linux: its `/proc/PID/fd` links).
#[cfg(target_os = "linux")]
fn has_open(pid: u32, path: &Path) -> bool {
    std::fs::read_dir(format!("/proc/{pid}/fd")).is_ok_and(|fds| {
        fds.flatten()
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|target| target == path))
    })
}

/// Starts `n` awsso processes while this test holds the lock of the token file at `token`,
/// and lets them go only when each has the file open: awsso opens it only to wait for that
/// lock, after reading the token and finding it due for a refresh. So every one of them read
/// the stale token before any refresh, however the machine schedules them, which is the
/// case of several shells started at once. Returns their outputs in start order.
#[cfg(target_os = "linux")]
fn run_all_behind_the_token_lock(
    sandbox: &Sandbox,
    token: &Path,
    args: &[&str],
    n: usize,
) -> Vec<Output> {
    let lock = std::fs::File::open(token).unwrap();
    lock.lock().unwrap();
    let mut children: Vec<_> = (0..n)
        .map(|_| {
            let mut command = sandbox.command(args);
            command
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            command.spawn().expect("spawn awsso")
        })
        .collect();
    let token = token.canonicalize().unwrap();
    // Well within the 15 s awsso waits for a lock before it refreshes without one.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut waiting = 0;
        for child in &mut children {
            if has_open(child.id(), &token) || child.try_wait().unwrap().is_some() {
                waiting += 1;
            }
        }
        if waiting == n {
            break;
        }
        if Instant::now() > deadline {
            for child in &mut children {
                let _ = child.kill();
            }
            panic!("only {waiting} of {n} processes came to wait for the token lock");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    drop(lock);
    children.into_iter().map(wait_with_watchdog).collect()
}

/// Eight processes find the same expired token due for a refresh, and the refreshed token has
/// 15 minutes or less left (a short `expiresIn`, the end of an IdC session): the one that
/// refreshes first uses up the refresh token, and the seven that waited for its lock use the
/// token it cached, fresh though inside the refresh window. One refresh, eight successes.
#[cfg(target_os = "linux")]
#[test]
fn parallel_refreshes_near_the_end_of_a_session_make_one_refresh_call() {
    let (emu, sandbox) = setup(Options::default().token_ttl(Duration::from_secs(600)));
    let session = emu.sign_in_for_tests();
    let path = token_path(&sandbox, "corp");
    write_refreshable_token(&path, &session, "2020-01-01T00:00:00Z");
    let args = ["sts", "get-caller-identity", "--profile", "dev"];
    for output in run_all_behind_the_token_lock(&sandbox, &path, &args, 8) {
        output.assert(0, &sso_json("AdministratorAccess"), "");
    }
    assert_eq!(token_grants(&emu), ["refresh_token"]);
    let left = token_seconds_left(&path);
    assert!((540..=600).contains(&left), "{left}");
}

/// `sso login --if-needed` in eight new shells at once, at the end of a session: the same
/// single refresh, no login started by the seven that waited, and nothing printed.
#[cfg(target_os = "linux")]
#[test]
fn parallel_if_needed_runs_near_the_end_of_a_session_make_one_refresh_call() {
    let (emu, sandbox) = setup(Options::default().token_ttl(Duration::from_secs(600)));
    let session = emu.sign_in_for_tests();
    let path = token_path(&sandbox, "corp");
    write_refreshable_token(&path, &session, "2020-01-01T00:00:00Z");
    let args = ["sso", "login", "--profile", "dev", "--if-needed"];
    for output in run_all_behind_the_token_lock(&sandbox, &path, &args, 8) {
        output.assert(0, "", "");
    }
    assert_eq!(emu.request_lines(), ["POST /token"]);
}

/// A cached access token with a newline cannot be sent in a header: it is a corrupt cache
/// entry, reported as botocore reports one, before any request; the token is never shown.
#[test]
fn a_cached_token_no_request_can_carry_is_an_invalid_token() {
    let (emu, sandbox) = setup(Options::default());
    let later = (Utc::now() + TimeDelta::hours(8)).format("%Y-%m-%dT%H:%M:%SZ");
    write_file(
        &token_path(&sandbox, "corp"),
        &format!(
            r#"{{"startUrl": "{START_URL}", "region": "us-east-1", "accessToken": "tok-SECRET\nsecond-line", "expiresAt": "{later}"}}"#
        ),
    );
    let invalid =
        format!("\nawsso: [ERROR]: Error loading SSO Token: Token for {START_URL} is invalid\n");
    for args in [
        &["sts", "get-caller-identity", "--profile", "dev"][..],
        &["sso", "list-accounts", "--profile", "dev"],
        &["configure", "export-credentials", "--profile", "dev"],
    ] {
        sandbox.run(args).assert(255, "", &invalid);
    }
    let debug = sandbox.run(&["sts", "get-caller-identity", "--profile", "dev", "--debug"]);
    debug.assert_code(255);
    assert!(debug.stderr.ends_with(&invalid), "{}", debug.stderr);
    assert!(
        debug.stderr.contains(
            "Unusable SSO token cache file: accessToken cannot be sent in an HTTP header"
        ),
        "{}",
        debug.stderr
    );
    assert!(!debug.stderr.contains("tok-SECRET") && !debug.stderr.contains("second-line"));
    assert!(emu.request_lines().is_empty());
}

/// Every `expiresAt` form of docs/compatibility.md, "Caches and timestamps", as other tools
/// write them (the AWS SDK for JavaScript writes milliseconds, HTTP dates are RFC 2822):
/// awsso and the AWS CLI both use the token; an epoch number both refuse, and an expired RFC
/// 2822 time is expired for both.
#[test]
fn every_expires_at_form_botocore_reads_is_read_and_the_aws_cli_agrees() {
    let (emu, sandbox) = setup(Options::default());
    let aws = aws_cli();
    let access_token = emu.issue_token_for_tests();
    let write = |expires_at: &str| {
        write_file(
            &token_path(&sandbox, "corp"),
            &format!(
                r#"{{"startUrl": "{START_URL}", "region": "us-east-1", "accessToken": "{access_token}", "expiresAt": "{expires_at}"}}"#
            ),
        );
        // Cached role credentials would spare both tools a look at the token.
        let _ = std::fs::remove_dir_all(sandbox.cli_cache_dir());
    };
    let later = Utc::now() + TimeDelta::hours(8);
    let identity = sso_json("AdministratorAccess");
    // (form, whether the AWS CLI can use it too): botocore reads a time without a zone as
    // naive and then fails to compare it ("can't subtract offset-naive and offset-aware
    // datetimes"); awsso takes it as UTC (docs/compatibility.md, "Caches and timestamps").
    for (expires_at, aws_reads_it) in [
        (later.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(), true),
        (
            later.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string(),
            true,
        ),
        (
            (later + TimeDelta::hours(2))
                .format("%Y-%m-%dT%H:%M:%S+0200")
                .to_string(),
            true,
        ),
        (later.format("%a, %d %b %Y %H:%M:%S GMT").to_string(), true),
        (
            later.format("%a, %d %b %Y %H:%M:%S -0000").to_string(),
            true,
        ),
        (later.format("%d %b %Y %H:%M:%S UTC").to_string(), true),
        (later.format("%Y%m%dT%H%M%SZ").to_string(), true),
        (later.format("%Y-%m-%d %H:%M:%S").to_string(), false),
    ] {
        write(&expires_at);
        sandbox
            .run(&["sts", "get-caller-identity", "--profile", "dev"])
            .assert(0, &identity, "");
        let aws_out =
            sandbox.run_program(&aws, &["sts", "get-caller-identity", "--profile", "dev"]);
        if aws_reads_it {
            aws_out.assert(0, &identity, "");
        } else {
            aws_out.assert(
                255,
                "",
                "\ncan't subtract offset-naive and offset-aware datetimes\n",
            );
        }
    }
    let earlier = Utc::now() - TimeDelta::hours(1);
    write(&earlier.format("%a, %d %b %Y %H:%M:%S GMT").to_string());
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "dev"])
        .assert(
            255,
            "",
            "\nawsso: [ERROR]: Error when retrieving token from sso: Token has expired and refresh failed. To refresh this SSO session run: awsso sso login --profile dev\n",
        );
    let aws_out = sandbox.run_program(&aws, &["sts", "get-caller-identity", "--profile", "dev"]);
    assert_eq!(aws_out.code, 255, "{}", aws_out.stderr);
    write(&later.timestamp().to_string());
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "dev"])
        .assert(
            255,
            "",
            &format!(
                "\nawsso: [ERROR]: Error loading SSO Token: Token for {START_URL} is invalid\n"
            ),
        );
    let aws_out = sandbox.run_program(&aws, &["sts", "get-caller-identity", "--profile", "dev"]);
    assert_eq!(aws_out.code, 255, "{}", aws_out.stderr);
}

/// `credential_process` output read as botocore reads it, printed back as Python's
/// `isoformat()` of what dateutil gives.
#[test]
fn credential_process_expirations_in_every_form() {
    let (_emu, sandbox) = setup(Options::default());
    let script = sandbox.home().join("creds.sh");
    for (expiration, printed) in [
        ("Thu, 01 Jan 2099 00:00:00 GMT", "2099-01-01T00:00:00+00:00"),
        (
            "Thu, 01 Jan 2099 00:00:00 -0500",
            "2099-01-01T00:00:00-05:00",
        ),
        (
            "2099-01-01T02:00:00.250+02:00",
            "2099-01-01T02:00:00.250000+02:00",
        ),
        (
            "2099-01-01T00:00:00.123Z",
            "2099-01-01T00:00:00.123000+00:00",
        ),
        ("2099-01-01 00:00:00", "2099-01-01T00:00:00"),
    ] {
        write_file(
            &script,
            &format!("#!/bin/sh\nprintf '{{\"Version\": 1, \"AccessKeyId\": \"AKIAEMULATORSTATIC01\", \"SecretAccessKey\": \"emulatorStaticSecretKey0000000000000001\", \"SessionToken\": \"tok\", \"Expiration\": \"{expiration}\"}}'\n"),
        );
        sandbox.config(&format!(
            "[profile proc]\ncredential_process = sh {}\n",
            script.display()
        ));
        sandbox
            .run(&["configure", "export-credentials", "--profile", "proc", "--format", "env-no-export"])
            .assert(
                0,
                &format!("AWS_ACCESS_KEY_ID=AKIAEMULATORSTATIC01\nAWS_SECRET_ACCESS_KEY=emulatorStaticSecretKey0000000000000001\nAWS_SESSION_TOKEN=tok\nAWS_CREDENTIAL_EXPIRATION={printed}\n"),
                "",
            );
    }
}
