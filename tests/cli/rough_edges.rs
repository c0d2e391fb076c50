//! Rough edges found in QA, each pinned end to end: TLS spoken to a plain HTTP port, error
//! answers that are not AWS JSON, negative `--cli-*-timeout` values, a token refresh whose
//! cache write fails, and the MFA prompt of an assume-role profile.

use std::io::Write;

use crate::support::{self, aws_cli, fixed_answer_server, Sandbox};

/// A plain HTTP server that, like any HTTP server given a TLS ClientHello, answers
/// `400 Bad Request` at once and closes.
fn plain_http_port() -> u16 {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let _ = stream.write_all(
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    port
}

fn list_accounts(sb: &Sandbox) -> support::Output {
    sb.run(&[
        "sso",
        "list-accounts",
        "--access-token",
        "x",
        "--region",
        "us-east-1",
    ])
}

#[test]
fn https_to_a_plain_http_port_is_an_ssl_validation_failure() {
    let port = plain_http_port();
    let mut sb = Sandbox::new();
    sb.endpoints(&format!("https://127.0.0.1:{port}"))
        .set_env("AWS_MAX_ATTEMPTS", "1");
    list_accounts(&sb).assert(
        255,
        "",
        &format!(
            "\nawsso: [ERROR]: SSL validation failed for https://127.0.0.1:{port}/assignment/accounts received corrupt message of type InvalidContentType\n"
        ),
    );
}

#[test]
fn an_untrusted_certificate_is_an_ssl_validation_failure_naming_the_reason() {
    let server = support::vanity::VanityServer::start(200, None);
    let mut sb = Sandbox::new();
    sb.endpoints(&format!("https://127.0.0.1:{}", server.port))
        .set_env("AWS_MAX_ATTEMPTS", "1");
    list_accounts(&sb).assert(
        255,
        "",
        &format!(
            "\nawsso: [ERROR]: SSL validation failed for https://127.0.0.1:{}/assignment/accounts invalid peer certificate: UnknownIssuer\n",
            server.port
        ),
    );
}

#[test]
fn a_refused_connection_names_the_url_without_a_bare_question_mark() {
    let port = {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut sb = Sandbox::new();
    sb.endpoints(&format!("http://127.0.0.1:{port}"))
        .set_env("AWS_MAX_ATTEMPTS", "1");
    list_accounts(&sb).assert(
        255,
        "",
        &format!(
            "\nawsso: [ERROR]: Could not connect to the endpoint URL: \"http://127.0.0.1:{port}/assignment/accounts\"\n"
        ),
    );
}

/// Error answers that are not AWS JSON, as botocore's rest-json parser reads them: a 5xx
/// with an empty or `<html>` body is generic (status code, status reason); any other body
/// that is not JSON is the message as it is, with the status code as the code.
const NON_JSON_ERRORS: &[(u16, &[u8], &str)] = &[
    (403, b"Forbidden", "(403) when calling the ListAccounts operation (reached max retries: 0): Forbidden"),
    (
        403,
        b"<html><body>Forbidden</body></html>\n",
        "(403) when calling the ListAccounts operation (reached max retries: 0): <html><body>Forbidden</body></html>",
    ),
    (
        404,
        b"<!DOCTYPE html>\n<html>gone</html>",
        "(404) when calling the ListAccounts operation (reached max retries: 0): <!DOCTYPE html>\n<html>gone</html>",
    ),
    (403, b"", "(403) when calling the ListAccounts operation (reached max retries: 0):"),
    (
        502,
        b"  <html><body>upstream down</body></html>",
        "(502) when calling the ListAccounts operation (reached max retries: 0): Bad Gateway",
    ),
    (503, b"", "(503) when calling the ListAccounts operation (reached max retries: 0): Service Unavailable"),
    (500, b"oops", "(500) when calling the ListAccounts operation (reached max retries: 0): oops"),
];

#[test]
fn portal_errors_that_are_not_json_read_as_botocore_reads_them() {
    for (status, body, message) in NON_JSON_ERRORS {
        let mut sb = Sandbox::new();
        sb.endpoints(&fixed_answer_server(*status, body))
            .set_env("AWS_MAX_ATTEMPTS", "1");
        list_accounts(&sb).assert(
            254,
            "",
            &format!("\nawsso: [ERROR]: An error occurred {message}\n"),
        );
    }
}

/// The same answers through the AWS CLI (v1, whose botocore parses errors as v2's does; its
/// standard retry mode is v2's default): the messages are equal, only the exit code (v1 255,
/// v2 254) and the error prefix differ.
#[test]
fn portal_errors_that_are_not_json_match_the_aws_cli() {
    let aws = aws_cli();
    for (status, body, _) in NON_JSON_ERRORS {
        let mut sb = Sandbox::new();
        sb.endpoints(&fixed_answer_server(*status, body))
            .set_env("AWS_MAX_ATTEMPTS", "1")
            .set_env("AWS_RETRY_MODE", "standard");
        let args = [
            "sso",
            "list-accounts",
            "--access-token",
            "x",
            "--region",
            "us-east-1",
        ];
        let theirs = sb.run_program(&aws, &args);
        let ours = sb.run(&args);
        assert_eq!((theirs.code, ours.code), (255, 254), "{theirs:?} {ours:?}");
        let ours_message = ours
            .stderr
            .strip_prefix("\nawsso: [ERROR]: ")
            .unwrap_or_else(|| panic!("{ours:?}"));
        assert_eq!(
            ours_message.trim(),
            theirs.stderr.trim(),
            "status {status} body {:?}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn oidc_errors_that_are_not_json_read_as_botocore_reads_them() {
    let mut sb = Sandbox::new();
    sb.endpoints(&fixed_answer_server(403, b"Request blocked by the proxy"))
        .set_env("AWS_MAX_ATTEMPTS", "1");
    sb.config(
        "[profile dev]\nsso_session = corp\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n",
    );
    sb.run(&["sso", "login", "--profile", "dev", "--use-device-code"])
        .assert(
            254,
            "",
            "\nawsso: [ERROR]: An error occurred (403) when calling the RegisterClient operation (reached max retries: 0): Request blocked by the proxy\n",
        );
}

#[test]
fn negative_timeouts_are_taken_as_values_and_refused_as_urllib3_refuses_them() {
    let mut sb = Sandbox::new();
    sb.endpoints(&fixed_answer_server(403, b"Forbidden"));
    let run = |extra: &[&str]| {
        let mut args = vec![
            "sso",
            "list-accounts",
            "--access-token",
            "x",
            "--region",
            "us-east-1",
        ];
        args.extend_from_slice(extra);
        sb.run(&args)
    };
    let refused = |name: &str, value: &str| {
        format!("\nawsso: [ERROR]: Attempted to set {name} timeout to {value}, but the timeout cannot be set to a value less than or equal to 0.\n")
    };
    run(&["--cli-connect-timeout", "-1"]).assert(255, "", &refused("connect", "-1"));
    run(&["--cli-read-timeout=-5"]).assert(255, "", &refused("read", "-5"));
    // urllib3 checks the connect timeout first.
    run(&["--cli-read-timeout", "-2", "--cli-connect-timeout", "-3"]).assert(
        255,
        "",
        &refused("connect", "-3"),
    );
    // 0 means no timeout: the request is made.
    run(&["--cli-connect-timeout", "0", "--cli-read-timeout", "0"]).assert(
        254,
        "",
        "\nawsso: [ERROR]: An error occurred (403) when calling the ListAccounts operation: Forbidden\n",
    );
    // A command that makes no request never builds the client the value is refused by.
    sb.run(&["configure", "list-profiles", "--cli-connect-timeout", "-1"])
        .assert(0, "", "");
}

/// A HOME so deep that `~/.aws/sso/cache/<key>.json` can be read (its path fits in
/// PATH_MAX, 4096 bytes) but the temporary file of the atomic write next to it
/// (`.<key>.json.<pid>.<uuid>.tmp`, 40 bytes more at least) cannot be created: a cache
/// write that fails even for root, where a read-only directory would not.
fn home_whose_cache_cannot_be_written(sb: &Sandbox) -> std::path::PathBuf {
    // Token path: HOME + 61 bytes; temporary file: HOME + 101 bytes at least.
    let mut home = sb.home().to_path_buf();
    while home.as_os_str().len() < 3995 {
        let room = 4010 - home.as_os_str().len() - 1;
        home.push("d".repeat(room.min(200)));
    }
    assert!((3995..=4034).contains(&home.as_os_str().len()));
    std::fs::create_dir_all(&home).unwrap();
    home
}

#[test]
fn a_refreshed_token_that_cannot_be_cached_is_used_with_a_warning() {
    use awsso_emulator::{Emulator, Options};
    let emu = Emulator::start(Options::default());
    let session = emu.sign_in_for_tests();
    let mut sb = Sandbox::new();
    sb.endpoints(emu.url());
    let home = home_whose_cache_cannot_be_written(&sb);
    sb.set_env("HOME", &home.display().to_string());
    support::write_file(
        &home.join(".aws/config"),
        "[profile dev]\nsso_session = corp\n\n[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n",
    );
    let cache = home
        .join(".aws/sso/cache")
        .join(format!("{}.json", awsso::cache::sha1_hex(b"corp")));
    // Expired: without the refresh this command could not run at all.
    let stale = |session: &awsso_emulator::TestSession| {
        format!(
            r#"{{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "accessToken": "stale", "expiresAt": "2020-01-01T00:00:00Z", "clientId": "{}", "clientSecret": "{}", "registrationExpiresAt": "2099-01-01T00:00:00Z", "refreshToken": "{}"}}"#,
            session.client_id, session.client_secret, session.refresh_token
        )
    };
    support::write_file(&cache, &stale(&session));
    let out = sb.run(&[
        "sso",
        "list-accounts",
        "--profile",
        "dev",
        "--query",
        "accountList[].accountId",
        "--output",
        "text",
    ]);
    out.assert(
        0,
        // One text line per page (two accounts a page).
        "111122223333\t444455556666\n777788889999\n",
        &format!(
            "awsso: [WARNING]: Unable to write {}: File name too long (os error 36); the refreshed SSO token is used by this command only.\n",
            cache.display()
        ),
    );
    assert!(!out.stderr.contains(&session.refresh_token));
    assert_eq!(
        emu.request_lines(),
        [
            "POST /token",
            "GET /assignment/accounts",
            "GET /assignment/accounts"
        ]
    );
    // The portal saw the fresh token, not the stale one.
    let used: Vec<_> = emu
        .requests()
        .iter()
        .filter(|r| r.path == "/assignment/accounts")
        .map(|r| {
            r.headers
                .iter()
                .find(|(name, _)| name == "x-amz-sso_bearer_token")
                .map(|(_, value)| value.clone())
        })
        .collect();
    assert!(
        used.iter()
            .all(|t| t.as_deref().is_some_and(|t| t != "stale")),
        "{used:?}"
    );
    assert_eq!(std::fs::read_to_string(&cache).unwrap(), stale(&session));

    // `sso login --if-needed` exists to cache the token: there the failed write is the error
    // (a new refresh token: the first one is used up).
    let session = emu.sign_in_for_tests();
    support::write_file(&cache, &stale(&session));
    emu.clear_requests();
    sb.run(&["sso", "login", "--profile", "dev", "--if-needed"])
        .assert(
            255,
            "",
            &format!(
                "\nawsso: [ERROR]: Unable to write {}: File name too long (os error 36)\n",
                cache.display()
            ),
        );
    assert_eq!(emu.request_lines(), ["POST /token"]);
}

/// v2's MFA prompt for a role profile with `mfa_serial` (botocore's `getpass`: the code is
/// not echoed, a newline follows), answered in a terminal; the AssumeRole call carries
/// `SerialNumber` and `TokenCode`, and the cached role credentials need no second code.
#[test]
fn mfa_for_assume_role_prompts_on_the_terminal_and_sends_the_code() {
    use crate::support::pty::Pty;
    use awsso_emulator::{assumed_role_identity, Emulator, Options};
    let emu = Emulator::start(Options::default());
    let mut sb = Sandbox::new();
    sb.endpoints(emu.url());
    sb.config(
        "[profile mfa]\nrole_arn = arn:aws:iam::111122223333:role/Admin\nrole_session_name = awsso-test\nsource_profile = ci\nmfa_serial = arn:aws:iam::111122223333:mfa/jane\n",
    );
    sb.credentials(
        "[ci]\naws_access_key_id = AKIAEMULATORSTATIC01\naws_secret_access_key = emulatorStaticSecretKey0000000000000001\n",
    );
    let (arn, user_id) = assumed_role_identity("111122223333", "Admin", "awsso-test");
    let identity = format!(
        "{{\n    \"UserId\": \"{user_id}\",\n    \"Account\": \"111122223333\",\n    \"Arn\": \"{arn}\"\n}}\n"
    );

    let mut pty = Pty::spawn(&sb, &["sts", "get-caller-identity", "--profile", "mfa"]);
    pty.expect_screen("Enter MFA code for arn:aws:iam::111122223333:mfa/jane:");
    pty.send("123456");
    // Not echoed.
    pty.expect_screen("Enter MFA code for arn:aws:iam::111122223333:mfa/jane:");
    pty.send("\r");
    assert_eq!(pty.wait(), 0);
    assert_eq!(
        pty.screen(),
        format!("Enter MFA code for arn:aws:iam::111122223333:mfa/jane:\n{identity}").trim_end()
    );
    let assume: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.body.contains("Action=AssumeRole"))
        .collect();
    assert_eq!(assume.len(), 1, "{:?}", emu.request_lines());
    let params: Vec<&str> = assume[0].body.split('&').collect();
    assert!(
        params.contains(&"SerialNumber=arn%3Aaws%3Aiam%3A%3A111122223333%3Amfa%2Fjane")
            && params.contains(&"TokenCode=123456"),
        "{params:?}"
    );

    // The role credentials are cached under a key that includes the serial: no prompt, no
    // STS AssumeRole the second time (even without a terminal).
    emu.clear_requests();
    sb.run(&["sts", "get-caller-identity", "--profile", "mfa"])
        .assert(0, &identity, "");
    assert_eq!(emu.request_lines(), ["POST /"]);
}
