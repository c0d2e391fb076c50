//! Two SDKs nobody here wrote as consumers of the credentials awsso hands to other tools:
//! botocore (PyPI, the test virtualenv) and the AWS SDK for JavaScript v3 (npm, pinned in
//! `tests/js/package.json`, installed by `scripts/test` with `npm ci`). Each gets
//! credentials through `credential_process = awsso configure export-credentials`, through
//! `awsso exec`, and through `awsso exec --server`, and calls STS GetCallerIdentity on the
//! emulator. For `credential_process` and `--server`, the emulator's role credentials live
//! a minute, less than any refresh margin (awsso's 5 minutes, the JavaScript SDK's 5,
//! botocore's 15), so every call crosses their expiry: each must be signed with credentials
//! fetched anew, with no test sleeping. Missing packages fail these tests; they never skip.

use std::path::PathBuf;
use std::time::Duration;

use awsso_emulator::{Directory, Emulator, Options};
use chrono::TimeDelta;

use crate::get_caller_identity::{setup, write_token, ACCOUNT, CONFIG, START_URL};
use crate::support::*;

/// How many calls each consumer makes across expiry.
const CALLS: usize = 3;

/// botocore's default chain, one client, `CALLS` (argv[1]) GetCallerIdentity calls: each
/// answer's Arn, then the provider that found the credentials.
const BOTOCORE: &str = r#"
import sys
import botocore.session
session = botocore.session.Session()
sts = session.create_client("sts", region_name="us-east-1")
for _ in range(int(sys.argv[1])):
    print(sts.get_caller_identity()["Arn"])
print(session.get_credentials().method)
"#;

/// The JavaScript SDK's consumer script, failing when `scripts/test` has not installed the
/// packages it needs.
fn js_script() -> PathBuf {
    let dir = repo_root().join("tests/js");
    for package in ["@aws-sdk/client-sts", "@aws-sdk/credential-providers"] {
        let installed = dir.join("node_modules").join(package).join("package.json");
        assert!(
            installed.exists(),
            "the JavaScript consumer tests need {package}: run scripts/test (npm ci in tests/js)"
        );
    }
    dir.join("caller_identity.mjs")
}

fn node() -> PathBuf {
    PathBuf::from("node")
}

/// An emulator whose role credentials live `ttl`, and a sandbox logged in to `dev`, with a
/// `proc` profile whose `credential_process` is awsso's export of `dev`.
fn consumer_setup(ttl: Duration) -> (Emulator, Sandbox) {
    let (emu, mut sandbox) = setup(Options::default().credentials_ttl(ttl));
    write_token(&sandbox, &emu, "corp", START_URL, TimeDelta::hours(8));
    sandbox.config(&format!(
        "{CONFIG}\n[profile proc]\ncredential_process = {} configure export-credentials --profile dev --format process\n",
        awsso_bin().display()
    ));
    sandbox.set_env("AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED", "true");
    (emu, sandbox)
}

/// The access key of each STS request the emulator got, in order.
fn sts_access_keys(emu: &Emulator) -> Vec<String> {
    emu.requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/")
        .map(|r| {
            let authorization = r.header("authorization").expect("signed");
            let credential = authorization.split("Credential=").nth(1).unwrap();
            credential.split('/').next().unwrap().to_owned()
        })
        .collect()
}

fn role_arn() -> String {
    Directory::default()
        .sso_role_identity(ACCOUNT, "AdministratorAccess")
        .0
}

/// `calls` Arns, one a line, then (botocore only) the provider's method.
fn expected(calls: usize, method: Option<&str>) -> String {
    let mut out = format!("{}\n", role_arn()).repeat(calls);
    if let Some(method) = method {
        out.push_str(method);
        out.push('\n');
    }
    out
}

/// Every STS call was signed with credentials of its own: each one crossed the expiry of
/// the ones before, and the consumer fetched new ones through awsso.
#[track_caller]
fn assert_fresh_credentials_per_call(emu: &Emulator) {
    let keys = sts_access_keys(emu);
    assert_eq!(keys.len(), CALLS, "{keys:?}");
    let mut distinct = keys.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), CALLS, "one key per call: {keys:?}");
}

// ----- credential_process -----

#[test]
fn botocore_runs_awsso_as_its_credential_process_across_expiry() {
    let (emu, mut sandbox) = consumer_setup(Duration::from_secs(60));
    sandbox.set_env("AWS_PROFILE", "proc");
    sandbox
        .run_program(&python(), &["-c", BOTOCORE, &CALLS.to_string()])
        .assert(0, &expected(CALLS, Some("custom-process")), "");
    assert_fresh_credentials_per_call(&emu);
}

#[test]
fn the_javascript_sdk_runs_awsso_as_its_credential_process_across_expiry() {
    let script = js_script().display().to_string();
    let (emu, mut sandbox) = consumer_setup(Duration::from_secs(60));
    sandbox.set_env("AWS_PROFILE", "proc");
    // The default chain finds the profile's credential_process.
    sandbox
        .run_program(&node(), &[&script, "chain"])
        .assert(0, &expected(1, None), "");
    emu.clear_requests();
    // That link alone, across expiry.
    sandbox
        .run_program(&node(), &[&script, "process", &CALLS.to_string()])
        .assert(0, &expected(CALLS, None), "");
    assert_fresh_credentials_per_call(&emu);
}

// ----- exec: static keys in the environment -----

#[test]
fn botocore_takes_the_keys_exec_hands_over() {
    let (emu, mut sandbox) = consumer_setup(Duration::from_secs(3600));
    // exec clears these: without that the consumer would use the profile instead.
    sandbox.set_env("AWS_PROFILE", "proc");
    let python = python().display().to_string();
    sandbox
        .run(&[
            "exec",
            "--profile",
            "dev",
            "--",
            &python,
            "-c",
            BOTOCORE,
            "2",
        ])
        .assert(0, &expected(2, Some("env")), "");
    let keys = sts_access_keys(&emu);
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1], "the same static keys");
    assert_eq!(
        emu.request_lines()
            .iter()
            .filter(|l| *l == "GET /federation/credentials")
            .count(),
        1
    );
}

#[test]
fn the_javascript_sdk_takes_the_keys_exec_hands_over() {
    let script = js_script().display().to_string();
    let (emu, mut sandbox) = consumer_setup(Duration::from_secs(3600));
    sandbox.set_env("AWS_PROFILE", "proc");
    sandbox
        .run(&[
            "exec",
            "--profile",
            "dev",
            "--",
            "node",
            &script,
            "chain",
            "2",
        ])
        .assert(0, &expected(2, None), "");
    assert_eq!(sts_access_keys(&emu).len(), 2);
}

// ----- exec --server: the container credentials endpoint -----

#[test]
fn botocore_uses_the_exec_server_endpoint_across_expiry() {
    let (emu, mut sandbox) = consumer_setup(Duration::from_secs(60));
    sandbox.set_env("AWS_PROFILE", "proc");
    let python = python().display().to_string();
    let calls = CALLS.to_string();
    sandbox
        .run(&[
            "exec",
            "--profile",
            "dev",
            "--server",
            "--",
            &python,
            "-c",
            BOTOCORE,
            &calls,
        ])
        .assert(0, &expected(CALLS, Some("container-role")), "");
    assert_fresh_credentials_per_call(&emu);
}

#[test]
fn the_javascript_sdk_uses_the_exec_server_endpoint_across_expiry() {
    let script = js_script().display().to_string();
    let (emu, mut sandbox) = consumer_setup(Duration::from_secs(60));
    sandbox.set_env("AWS_PROFILE", "proc");
    // The default chain, with AWS_PROFILE cleared by exec, finds the endpoint.
    let exec = [
        "exec",
        "--profile",
        "dev",
        "--server",
        "--",
        "node",
        &script,
    ];
    sandbox
        .run(&[&exec[..], &["chain"]].concat())
        .assert(0, &expected(1, None), "");
    emu.clear_requests();
    // That link alone, across expiry.
    let calls = CALLS.to_string();
    sandbox
        .run(&[&exec[..], &["http", &calls]].concat())
        .assert(0, &expected(CALLS, None), "");
    assert_fresh_credentials_per_call(&emu);
}

/// A consumer of the endpoint while the session needs a browser login: the SDK reports the
/// endpoint's LoginRequired answer, naming the command to run.
#[test]
fn botocore_reports_login_required_from_the_endpoint() {
    let (emu, mut sandbox) = consumer_setup(Duration::from_secs(60));
    let python = python().display().to_string();
    // The first credentials are fetched before CMD starts; then the session ends.
    let script = format!(
        "import sys\nopen(sys.argv[2], 'w').write('{{\"startUrl\": \"{START_URL}\", \"region\": \"us-east-1\", \"accessToken\": \"old\", \"expiresAt\": \"2020-01-01T00:00:00Z\"}}')\n{BOTOCORE}"
    );
    let token = crate::get_caller_identity::token_path(&sandbox, "corp")
        .display()
        .to_string();
    sandbox.set_env("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "1");
    let out = sandbox.run(&[
        "exec",
        "--profile",
        "dev",
        "--server",
        "--",
        &python,
        "-c",
        &script,
        "1",
        &token,
    ]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("run: awsso sso login --profile dev"),
        "{}",
        out.stderr
    );
    assert!(sts_access_keys(&emu).is_empty());
}
