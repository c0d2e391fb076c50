//! End-to-end tests of the SSO token at its edges: a cached token no request can carry.

use awsso_emulator::Options;
use chrono::{TimeDelta, Utc};

use crate::get_caller_identity::{setup, token_path, START_URL};
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
