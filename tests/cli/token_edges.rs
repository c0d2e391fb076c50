//! End-to-end tests of the SSO token at its edges: a cached token no request can carry, and
//! every `expiresAt` and `Expiration` form botocore reads, checked live against the AWS CLI.

use awsso_emulator::Options;
use chrono::{TimeDelta, Utc};

use crate::get_caller_identity::{setup, sso_json, token_path, START_URL};
use crate::support::*;

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
