//! End-to-end tests of `awsso console`: SSO and assume-role profiles signed in through the
//! emulator's federation endpoint, `--print` and the browser (the recording stand-in), service
//! shortcuts and full URLs, the console host of each partition, `--duration`, endpoint
//! overrides, and the refusals (long-term keys, rejected, expired and role-chained
//! credentials, bad flags) with their exit codes and one-line messages. Every URL is followed
//! to the emulator's redirect, which must lead to the destination.

use std::collections::BTreeMap;
use std::time::Duration;

use awsso_emulator::{Directory, Emulator, IssuedSigninToken, Options};
use chrono::TimeDelta;

use crate::get_caller_identity::{setup, write_token, ACCOUNT, START_URL};
use crate::login::http_get;
use crate::support::*;

/// The console home of us-east-1, `dev`'s region.
const HOME_US_EAST_1: &str =
    "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1";

/// An emulator, a sandbox with the shared profiles, and a fresh token for `dev`'s session.
fn signed_in(options: Options) -> (Emulator, Sandbox) {
    let (emu, sandbox) = setup(options);
    write_token(&sandbox, &emu, "corp", START_URL, TimeDelta::hours(8));
    (emu, sandbox)
}

/// The one sign-in token the emulator issued.
fn only_token(emu: &Emulator) -> IssuedSigninToken {
    let tokens = emu.signin_tokens();
    assert_eq!(tokens.len(), 1, "{tokens:?}");
    tokens[0].clone()
}

/// RFC 3986 encoding of everything but unreserved characters, as awsso encodes query values.
fn encode(value: &str) -> String {
    awsso::http::encode(value)
}

/// The login URL awsso must give for `token` and `destination` on the emulator.
fn login_url(emu: &Emulator, destination: &str, token: &IssuedSigninToken) -> String {
    format!(
        "{}/federation?Action=login&Destination={}&SigninToken={}",
        emu.url(),
        encode(destination),
        encode(&token.signin_token)
    )
}

/// The query of a URL, decoded.
fn query(url: &str) -> BTreeMap<String, String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Follows a login URL as the browser would: the emulator must send it to `destination`.
#[track_caller]
fn assert_leads_to(url: &str, destination: &str) {
    let (status, location, _) = http_get(url);
    assert_eq!(
        (status, location.as_deref()),
        (302, Some(destination)),
        "{url}"
    );
}

/// The query parameters of the getSigninToken requests the emulator received (a GET, as
/// aws-vault and Granted send it to the real endpoint).
fn signin_token_requests(emu: &Emulator) -> Vec<BTreeMap<String, String>> {
    emu.requests()
        .into_iter()
        .filter(|r| r.path == "/federation" && r.query.contains("Action=getSigninToken"))
        .map(|r| {
            assert_eq!(r.method, "GET");
            assert!(r.body.is_empty());
            url::form_urlencoded::parse(r.query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .collect()
}

fn error_line(message: &str) -> String {
    format!("\nawsso: [ERROR]: {message}\n")
}

// ----- the two kinds of profile, the two ways of handing over the URL -----

#[test]
fn an_sso_profile_prints_a_url_that_signs_in_to_the_console_home() {
    let (emu, sandbox) = signed_in(Options::default());
    let out = sandbox.run(&["console", "--profile", "dev", "--print"]);
    let token = only_token(&emu);
    out.assert(
        0,
        &format!("{}\n", login_url(&emu, HOME_US_EAST_1, &token)),
        "",
    );
    // The token is for the profile's SSO role credentials, with the endpoint's default
    // session length.
    let (arn, _) = Directory::default().sso_role_identity(ACCOUNT, "AdministratorAccess");
    assert_eq!(token.arn, arn);
    assert_eq!(token.session_duration, None);
    let issued = emu.credentials(&token.access_key_id).unwrap();
    let requests = signin_token_requests(&emu);
    assert_eq!(requests.len(), 1);
    let session: serde_json::Value = serde_json::from_str(&requests[0]["Session"]).unwrap();
    assert_eq!(
        session,
        serde_json::json!({
            "sessionId": issued.access_key_id,
            "sessionKey": issued.secret_access_key,
            "sessionToken": issued.session_token,
        })
    );
    assert_eq!(
        requests[0].keys().collect::<Vec<_>>(),
        ["Action", "Session"]
    );
    assert_eq!(requests[0]["Action"], "getSigninToken");
    assert_eq!(
        emu.request_lines(),
        ["GET /federation/credentials", "GET /federation"]
    );
    assert_leads_to(out.stdout.trim_end(), HOME_US_EAST_1);
    assert_eq!(only_token(&emu).logins, 1);
}

#[test]
fn an_assume_role_profile_opens_the_browser_at_a_service_shortcut() {
    let (emu, mut sandbox) = setup(Options::default());
    let record = sandbox.browser_recorder();
    let out = sandbox.run(&[
        "console",
        "--profile",
        "admin",
        "--destination",
        "s3",
        "--region",
        "eu-west-1",
    ]);
    out.assert(0, "", "");
    let opened = Sandbox::opened_urls(&record, 1);
    let token = only_token(&emu);
    let s3 = "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1";
    assert_eq!(opened, [login_url(&emu, s3, &token)]);
    // AssumeRole with the ci user's keys: the role session signs in, not the user.
    assert_eq!(
        token.arn,
        "arn:aws:sts::111122223333:assumed-role/Admin/awsso-test"
    );
    assert_eq!(
        emu.request_lines(),
        ["POST /", "GET /federation"],
        "AssumeRole, then getSigninToken"
    );
    assert_leads_to(&opened[0], s3);
}

#[test]
fn duration_is_the_console_session_s_length() {
    let (emu, mut sandbox) = setup(Options::default());
    let record = sandbox.browser_recorder();
    sandbox
        .run(&["console", "--profile", "admin", "--duration", "43200"])
        .assert(0, "", "");
    let token = only_token(&emu);
    assert_eq!(token.session_duration, Some(Duration::from_secs(43200)));
    assert_eq!(signin_token_requests(&emu)[0]["SessionDuration"], "43200");
    let opened = Sandbox::opened_urls(&record, 1);
    // No region anywhere for this profile: the console home of the aws partition.
    let home = "https://console.aws.amazon.com/console/home";
    assert_eq!(opened, [login_url(&emu, home, &token)]);
    assert_leads_to(&opened[0], home);
}

#[test]
fn a_full_destination_url_is_used_as_given() {
    let (emu, sandbox) = signed_in(Options::default());
    let alarms =
        "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:";
    let out = sandbox.run(&[
        "console",
        "--profile",
        "dev",
        "--print",
        "--destination",
        alarms,
    ]);
    let token = only_token(&emu);
    out.assert(0, &format!("{}\n", login_url(&emu, alarms, &token)), "");
    assert_leads_to(out.stdout.trim_end(), alarms);
}

#[test]
fn each_partition_has_its_own_console_host_even_with_the_sign_in_host_overridden() {
    let (emu, sandbox) = signed_in(Options::default());
    for (region, destination) in [
        (
            "eu-central-1",
            "https://eu-central-1.console.aws.amazon.com/ec2/home?region=eu-central-1",
        ),
        (
            "cn-north-1",
            "https://cn-north-1.console.amazonaws.cn/ec2/home?region=cn-north-1",
        ),
        (
            "us-gov-west-1",
            "https://us-gov-west-1.console.amazonaws-us-gov.com/ec2/home?region=us-gov-west-1",
        ),
    ] {
        let out = sandbox.run(&[
            "console",
            "--profile",
            "dev",
            "--region",
            region,
            "--print",
            "--destination",
            "ec2",
        ]);
        out.assert_code(0);
        let url = out.stdout.trim_end();
        // The login URL is on the host that issued the token (the emulator) ...
        assert!(
            url.starts_with(&format!("{}/federation?Action=login&", emu.url())),
            "{url}"
        );
        // ... and the destination on the console of the region's partition.
        assert_eq!(query(url)["Destination"], destination, "{region}");
        assert_leads_to(url, destination);
    }
    // The console host follows the partition; the region shortcut follows --region.
    let upper = sandbox.run(&[
        "console",
        "--profile",
        "dev",
        "--region",
        "cn-northwest-1",
        "--print",
        "--destination",
        "IAM",
    ]);
    upper.assert_code(0);
    assert_eq!(
        query(upper.stdout.trim_end())["Destination"],
        "https://cn-northwest-1.console.amazonaws.cn/iam/home?region=cn-northwest-1"
    );
    assert_eq!(emu.signin_tokens().len(), 4);
}

#[test]
fn the_sign_in_endpoint_of_its_own_variable_beats_the_global_one() {
    let (emu, mut sandbox) = signed_in(Options::default());
    // Everything else at the emulator; the global variable at a dead port.
    sandbox.remove_env("AWS_ENDPOINT_URL");
    sandbox.set_env("AWS_ENDPOINT_URL_SSO", emu.url());
    sandbox.set_env("AWS_ENDPOINT_URL_SIGNIN", &format!("{}/", emu.url()));
    let out = sandbox.run(&["console", "--profile", "dev", "--print"]);
    let token = only_token(&emu);
    out.assert(
        0,
        &format!("{}\n", login_url(&emu, HOME_US_EAST_1, &token)),
        "",
    );
    // A [services] entry, with AWS_ENDPOINT_URL_SIGNIN gone, serves as well.
    sandbox.remove_env("AWS_ENDPOINT_URL_SIGNIN");
    let config = std::fs::read_to_string(sandbox.config_path())
        .unwrap()
        .replace("[profile dev]\n", "[profile dev]\nservices = local\n")
        + &format!(
            "\n[services local]\nsignin =\n  endpoint_url = {}\n",
            emu.url()
        );
    sandbox.config(&config);
    let out = sandbox.run(&["console", "--profile", "dev", "--print"]);
    out.assert_code(0);
    assert!(
        out.stdout
            .starts_with(&format!("{}/federation?", emu.url())),
        "{}",
        out.stdout
    );
    assert_eq!(emu.signin_tokens().len(), 2);
}

#[test]
fn output_and_query_do_not_apply_to_the_url() {
    let (emu, sandbox) = signed_in(Options::default());
    let out = sandbox.run(&[
        "console",
        "--profile",
        "dev",
        "--print",
        "--output",
        "table",
        "--query",
        "[",
    ]);
    let token = only_token(&emu);
    out.assert(
        0,
        &format!("{}\n", login_url(&emu, HOME_US_EAST_1, &token)),
        "",
    );
}

#[test]
fn debug_never_shows_the_credentials_the_session_or_the_token() {
    let (emu, sandbox) = signed_in(Options::default());
    let out = sandbox.run(&["console", "--profile", "dev", "--print", "--debug"]);
    out.assert_code(0);
    let token = only_token(&emu);
    let issued = emu.credentials(&token.access_key_id).unwrap();
    for secret in [
        token.signin_token.as_str(),
        encode(&token.signin_token).as_str(),
        issued.secret_access_key.as_str(),
        issued.session_token.as_deref().unwrap(),
        encode(issued.session_token.as_deref().unwrap()).as_str(),
        "sessionKey",
    ] {
        assert!(!out.stderr.contains(secret), "{secret} in:\n{}", out.stderr);
    }
    assert!(
        out.stderr.contains("GET http://127.0.0.1:"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("/federation?Action=getSigninToken&Session=*** headers={} body=b''"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(r#"body={"SigninToken":"***"}"#),
        "{}",
        out.stderr
    );
    assert_eq!(
        out.stdout,
        format!("{}\n", login_url(&emu, HOME_US_EAST_1, &token))
    );
}

// ----- refusals -----

#[test]
fn long_term_keys_are_refused_without_asking_the_endpoint() {
    let (emu, sandbox) = setup(Options::default());
    let out = sandbox.run(&["console", "--profile", "cfgkeys", "--print"]);
    out.assert(
        255,
        "",
        &error_line("Console sign-in needs temporary credentials, but the ones from the config file are long-term IAM user keys (no session token), which the federation endpoint refuses. Use an SSO profile (awsso configure sso) or an assume-role profile (role_arn with source_profile) instead."),
    );
    assert!(emu.request_lines().is_empty(), "{:?}", emu.request_lines());
}

#[test]
fn credentials_the_endpoint_did_not_issue_are_refused_with_254() {
    let (emu, mut sandbox) = setup(Options::default());
    sandbox.set_env("AWS_ACCESS_KEY_ID", "ASIANOTISSUEDBYAWS01");
    sandbox.set_env("AWS_SECRET_ACCESS_KEY", "not-a-secret-anyone-issued");
    sandbox.set_env("AWS_SESSION_TOKEN", "not-a-session-token");
    let out = sandbox.run(&["console", "--print"]);
    out.assert(
        254,
        "",
        &error_line("An error occurred (400) when calling the getSigninToken operation: Invalid credentials parameter"),
    );
    assert_eq!(emu.request_lines(), ["GET /federation"]);
    assert!(emu.signin_tokens().is_empty());
}

#[test]
fn expired_credentials_are_refused_by_the_endpoint_or_before_it() {
    // Role credentials that expire as they are issued.
    let (emu, mut sandbox) = signed_in(Options::default().credentials_ttl(Duration::ZERO));
    sandbox
        .run(&[
            "sso",
            "get-role-credentials",
            "--profile",
            "dev",
            "--account-id",
            ACCOUNT,
            "--role-name",
            "AdministratorAccess",
        ])
        .assert_code(0);
    let issued = emu.issued_credentials().pop().unwrap();
    sandbox.set_env("AWS_ACCESS_KEY_ID", &issued.access_key_id);
    sandbox.set_env("AWS_SECRET_ACCESS_KEY", &issued.secret_access_key);
    sandbox.set_env(
        "AWS_SESSION_TOKEN",
        issued.session_token.as_deref().unwrap(),
    );
    // Without an expiry awsso cannot tell: the endpoint refuses them.
    let out = sandbox.run(&["console", "--print"]);
    out.assert(
        254,
        "",
        &error_line("An error occurred (400) when calling the getSigninToken operation: Invalid credentials parameter"),
    );
    // With one, awsso refuses them itself, as botocore does, and asks nobody.
    emu.clear_requests();
    sandbox.set_env("AWS_CREDENTIAL_EXPIRATION", "2020-01-01T00:00:00Z");
    let out = sandbox.run(&["console", "--print"]);
    out.assert(
        255,
        "",
        &error_line("Credentials were refreshed, but the refreshed credentials are still expired."),
    );
    assert!(emu.request_lines().is_empty());
    assert!(emu.signin_tokens().is_empty());
}

#[test]
fn duration_with_role_chained_credentials_is_refused_with_the_reason() {
    // deploy assumes a role with dev's SSO role credentials: role chaining.
    let (emu, sandbox) = signed_in(Options::default());
    let out = sandbox.run(&[
        "console",
        "--profile",
        "deploy",
        "--print",
        "--duration",
        "3600",
    ]);
    out.assert(
        254,
        "",
        &error_line("An error occurred (400) when calling the getSigninToken operation: Invalid credentials parameter (the federation endpoint refuses --duration for role-chained credentials: a role assumed with another role's credentials)"),
    );
    assert!(emu.signin_tokens().is_empty());
    // Without --duration the chained role signs in.
    let out = sandbox.run(&["console", "--profile", "deploy", "--print"]);
    out.assert_code(0);
    assert_eq!(
        only_token(&emu).arn,
        "arn:aws:sts::444455556666:assumed-role/Deploy/chained"
    );
}

#[test]
fn bad_flags_exit_252_before_any_request() {
    let (emu, sandbox) = signed_in(Options::default());
    let cases: [(&[&str], String); 6] = [
        (
            &["--duration", "899"],
            "An error occurred (ParamValidation): Invalid value for --duration: \"899\". It must be a whole number of seconds from 900 (15 minutes) to 43200 (12 hours).".to_owned(),
        ),
        (
            &["--duration", "1h"],
            "An error occurred (ParamValidation): Invalid value for --duration: \"1h\". It must be a whole number of seconds from 900 (15 minutes) to 43200 (12 hours).".to_owned(),
        ),
        (
            &["--duration", "43201"],
            "An error occurred (ParamValidation): Invalid value for --duration: \"43201\". It must be a whole number of seconds from 900 (15 minutes) to 43200 (12 hours).".to_owned(),
        ),
        (
            &["--destination", "http://console.aws.amazon.com/"],
            "An error occurred (ParamValidation): Invalid value for --destination: \"http://console.aws.amazon.com/\". A console URL must start with https:// and name a host.".to_owned(),
        ),
        (
            &["--destination", "s4"],
            format!(
                "An error occurred (ParamValidation): Invalid value for --destination: \"s4\". Use a console URL (https://...) or a service shortcut: {}.",
                awsso::signin::SHORTCUTS
                    .iter()
                    .map(|(name, _)| *name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        (
            &["--nope"],
            "An error occurred (ParamValidation): Unknown options: --nope".to_owned(),
        ),
    ];
    for (flags, message) in cases {
        let mut args = vec!["console", "--profile", "dev", "--print"];
        args.extend_from_slice(flags);
        sandbox.run(&args).assert(252, "", &error_line(&message));
    }
    assert!(emu.request_lines().is_empty(), "{:?}", emu.request_lines());
}

#[test]
fn no_credentials_and_no_browser_exit_255() {
    let (emu, mut sandbox) = signed_in(Options::default());
    let out = sandbox.run(&["console", "--print"]);
    out.assert(
        255,
        "",
        "\nawsso: [ERROR]: An error occurred (NoCredentials): Unable to locate credentials. You can configure credentials by running \"awsso login\".\n",
    );
    // No browser anywhere: nothing on stdout (the URL is a credential), one line on stderr.
    let empty = tempfile::tempdir().unwrap();
    sandbox.set_env("PATH", &empty.path().display().to_string());
    sandbox.set_env("BROWSER", "/nonexistent/browser");
    let out = sandbox.run(&["console", "--profile", "dev"]);
    out.assert(
        255,
        "",
        &error_line("Unable to open a browser for the console sign-in URL. Run awsso console --print to get the URL and open it yourself."),
    );
    // The token was issued but never used.
    assert_eq!(only_token(&emu).logins, 0);
}
