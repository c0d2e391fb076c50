//! STS: GetCallerIdentity and AssumeRole over awsQuery, with SigV4 verified on every request.

use std::time::{Duration, SystemTime};

use awsso_emulator::{role_id, Directory, Emulator, Options};

use crate::support::*;

const MISMATCH: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

fn sso_creds(emu: &Emulator, account: &str, role: &str) -> Creds {
    let token = emu.issue_token_for_tests();
    role_credentials(emu.url(), &token, account, role)
}

#[test]
fn get_caller_identity_with_role_credentials() {
    let emu = Emulator::start(Options::default());
    let creds = sso_creds(&emu, "111122223333", "AdministratorAccess");
    let response = sts_post(emu.url(), &creds, GET_CALLER_IDENTITY);
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.header("content-type"), Some("text/xml"));
    let request_id = response.header("x-amzn-RequestId").unwrap();
    let role = Directory::reserved_role_name("111122223333", "AdministratorAccess");
    let expected = format!(
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">
  <GetCallerIdentityResult>
    <Arn>arn:aws:sts::111122223333:assumed-role/{role}/jane@example.com</Arn>
    <UserId>{}:jane@example.com</UserId>
    <Account>111122223333</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>{request_id}</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
",
        role_id("111122223333", &role)
    );
    assert_eq!(response.body, expected);
    // Deterministic: new credentials for the same role, same identity.
    let again = sts_post(
        emu.url(),
        &sso_creds(&emu, "111122223333", "AdministratorAccess"),
        GET_CALLER_IDENTITY,
    );
    assert_eq!(again.xml("Arn"), response.xml("Arn"));
    assert_eq!(again.xml("UserId"), response.xml("UserId"));
}

#[test]
fn get_caller_identity_with_the_static_iam_user() {
    let emu = Emulator::start(Options::default());
    let response = sts_post(emu.url(), &static_user(), GET_CALLER_IDENTITY);
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(
        response.xml("Arn").as_deref(),
        Some("arn:aws:iam::111122223333:user/ci-bot")
    );
    assert_eq!(
        response.xml("UserId").as_deref(),
        Some("AIDAEMULATORCIBOT0001")
    );
    assert_eq!(response.xml("Account").as_deref(), Some("111122223333"));
}

#[test]
fn content_type_with_or_without_charset_and_any_signed_header_set() {
    let emu = Emulator::start(Options::default());
    let creds = static_user();
    let now = SystemTime::now();
    for content_type in ["application/x-www-form-urlencoded", FORM] {
        let response = sts_post_with(
            emu.url(),
            &creds,
            GET_CALLER_IDENTITY,
            content_type,
            "sts",
            now,
        );
        assert_eq!(response.status, 200, "{response:?}");
    }
    // Extra headers signed (as the Rust SDK signs x-amz-user-agent), repeated spaces in values.
    let body = GET_CALLER_IDENTITY.as_bytes();
    let base = [
        ("content-type", "application/x-www-form-urlencoded"),
        ("x-amz-user-agent", "aws-sdk-rust/1.0   os/linux"),
        ("x-custom", "  padded  value "),
    ];
    let signed = sign(emu.url(), &creds, "POST", "/", &base, body, "sts", now);
    let mut headers: Vec<(&str, &str)> = base.to_vec();
    headers.extend(signed.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let response = send(emu.url(), "POST", "/", &headers, body);
    assert_eq!(response.status, 200, "{response:?}");
    let authorization = &emu
        .requests()
        .last()
        .unwrap()
        .header("authorization")
        .unwrap()
        .to_string();
    assert!(
        authorization
            .contains("SignedHeaders=content-type;host;x-amz-date;x-amz-user-agent;x-custom"),
        "{authorization}"
    );
    // A signed header that changes in transit breaks the signature.
    let tampered: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| {
            if *n == "x-custom" {
                (*n, "other")
            } else {
                (*n, *v)
            }
        })
        .collect();
    send(emu.url(), "POST", "/", &tampered, body).assert_sts_error(
        403,
        "SignatureDoesNotMatch",
        MISMATCH,
    );
    // So does a changed body.
    send(
        emu.url(),
        "POST",
        "/",
        &headers,
        b"Action=GetCallerIdentity&Version=2011-06-16",
    )
    .assert_sts_error(403, "SignatureDoesNotMatch", MISMATCH);
}

#[test]
fn get_query_form() {
    let emu = Emulator::start(Options::default());
    let creds = static_user();
    let target = "/?Action=GetCallerIdentity&Version=2011-06-15";
    let signed = sign(
        emu.url(),
        &creds,
        "GET",
        target,
        &[],
        b"",
        "sts",
        SystemTime::now(),
    );
    let headers: Vec<(&str, &str)> = signed
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let response = get(emu.url(), target, &headers);
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(
        response.xml("UserId").as_deref(),
        Some("AIDAEMULATORCIBOT0001")
    );
}

#[test]
fn wrong_secret_is_signature_does_not_match() {
    let emu = Emulator::start(Options::default());
    let mut creds = sso_creds(&emu, "111122223333", "ReadOnlyAccess");
    creds.secret_access_key.push('x');
    sts_post(emu.url(), &creds, GET_CALLER_IDENTITY).assert_sts_error(
        403,
        "SignatureDoesNotMatch",
        MISMATCH,
    );
}

#[test]
fn unknown_key_or_wrong_session_token_is_invalid_client_token_id() {
    let emu = Emulator::start(Options::default());
    let message = "The security token included in the request is invalid";
    let mut unknown = static_user();
    unknown.access_key_id = "AKIAUNKNOWNUNKNOWN00".into();
    sts_post(emu.url(), &unknown, GET_CALLER_IDENTITY).assert_sts_error(
        403,
        "InvalidClientTokenId",
        message,
    );
    let creds = sso_creds(&emu, "111122223333", "ReadOnlyAccess");
    let mut wrong_token = creds.clone();
    wrong_token.session_token = Some("forged".into());
    sts_post(emu.url(), &wrong_token, GET_CALLER_IDENTITY).assert_sts_error(
        403,
        "InvalidClientTokenId",
        message,
    );
    let mut no_token = creds;
    no_token.session_token = None;
    sts_post(emu.url(), &no_token, GET_CALLER_IDENTITY).assert_sts_error(
        403,
        "InvalidClientTokenId",
        message,
    );
    let mut static_with_token = static_user();
    static_with_token.session_token = Some("x".into());
    sts_post(emu.url(), &static_with_token, GET_CALLER_IDENTITY).assert_sts_error(
        403,
        "InvalidClientTokenId",
        message,
    );
}

#[test]
fn expired_credentials_are_expired_token() {
    let emu = Emulator::start(Options::default().credentials_ttl(Duration::ZERO));
    let creds = sso_creds(&emu, "111122223333", "ReadOnlyAccess");
    sts_post(emu.url(), &creds, GET_CALLER_IDENTITY).assert_sts_error(
        403,
        "ExpiredToken",
        "The security token included in the request is expired",
    );
}

#[test]
fn missing_authentication() {
    let emu = Emulator::start(Options::default());
    send(
        emu.url(),
        "POST",
        "/",
        &[("Content-Type", FORM)],
        GET_CALLER_IDENTITY.as_bytes(),
    )
    .assert_sts_error(
        403,
        "MissingAuthenticationToken",
        "Request is missing Authentication Token",
    );
}

#[test]
fn scope_date_and_malformed_headers() {
    let emu = Emulator::start(Options::default());
    let creds = static_user();
    // Signed for another service.
    let response = sts_post_with(
        emu.url(),
        &creds,
        GET_CALLER_IDENTITY,
        FORM,
        "iam",
        SystemTime::now(),
    );
    response.assert_sts_error(
        403,
        "SignatureDoesNotMatch",
        "Credential should be scoped to correct service: 'sts'. ",
    );
    // Signed an hour ago.
    let old = SystemTime::now() - Duration::from_secs(3600);
    let response = sts_post_with(emu.url(), &creds, GET_CALLER_IDENTITY, FORM, "sts", old);
    assert_eq!(response.status, 403);
    assert_eq!(
        response.xml("Code").as_deref(),
        Some("SignatureDoesNotMatch")
    );
    assert!(
        response
            .xml("Message")
            .unwrap()
            .starts_with("Signature expired: "),
        "{response:?}"
    );
    // Malformed Authorization headers.
    for (authorization, date) in [
        ("AWS4-HMAC-SHA1 Credential=x", "20250101T000000Z"),
        (
            "AWS4-HMAC-SHA256 Credential=AKIAEMULATORSTATIC01/20250101/us-east-1/sts/aws4_request",
            "20250101T000000Z",
        ),
        (
            "AWS4-HMAC-SHA256 Credential=AKIAEMULATORSTATIC01/x, SignedHeaders=host, Signature=00",
            "20250101T000000Z",
        ),
        ("garbage", "x"),
    ] {
        let response = send(
            emu.url(),
            "POST",
            "/",
            &[
                ("Content-Type", FORM),
                ("Authorization", authorization),
                ("X-Amz-Date", date),
            ],
            GET_CALLER_IDENTITY.as_bytes(),
        );
        assert_eq!(response.status, 400, "{authorization}: {response:?}");
        assert_eq!(response.xml("Code").as_deref(), Some("IncompleteSignature"));
    }
    // A scope date that is not the X-Amz-Date's day.
    let now = SystemTime::now();
    let body = GET_CALLER_IDENTITY.as_bytes();
    let signed = sign(
        emu.url(),
        &creds,
        "POST",
        "/",
        &[("content-type", FORM)],
        body,
        "sts",
        now,
    );
    let headers: Vec<(String, String)> = signed
        .iter()
        .map(|(n, v)| {
            if n == "authorization" {
                let (head, rest) = v.split_once('/').unwrap();
                (
                    n.clone(),
                    format!("{head}/19990101/{}", rest.split_once('/').unwrap().1),
                )
            } else {
                (n.clone(), v.clone())
            }
        })
        .collect();
    let mut all: Vec<(&str, &str)> = vec![("content-type", FORM)];
    all.extend(headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let response = send(emu.url(), "POST", "/", &all, body);
    assert_eq!(
        response.xml("Code").as_deref(),
        Some("SignatureDoesNotMatch"),
        "{response:?}"
    );
    assert!(response
        .xml("Message")
        .unwrap()
        .starts_with("Date in Credential scope does not match"));
}

#[test]
fn unknown_and_missing_actions() {
    let emu = Emulator::start(Options::default());
    let creds = static_user();
    sts_post(
        emu.url(),
        &creds,
        "Action=GetSessionToken2&Version=2011-06-15",
    )
    .assert_sts_error(
        400,
        "InvalidAction",
        "Could not find operation GetSessionToken2 for version 2011-06-15",
    );
    sts_post(emu.url(), &creds, "Version=2011-06-15").assert_sts_error(
        400,
        "MissingAction",
        "Missing Action",
    );
}

fn assume(emu: &Emulator, creds: &Creds, params: &str) -> Response {
    sts_post(
        emu.url(),
        creds,
        &format!("Action=AssumeRole&Version=2011-06-15&{params}"),
    )
}

#[test]
fn assume_role_issues_session_credentials() {
    let emu = Emulator::start(Options::default());
    let source = sso_creds(&emu, "111122223333", "AdministratorAccess");
    let response = assume(
        &emu,
        &source,
        "RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fteam%2FDeployer&RoleSessionName=ci-run.1&DurationSeconds=900",
    );
    assert_eq!(response.status, 200, "{response:?}");
    assert!(response.body.starts_with("<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <AssumeRoleResult>\n"));
    let arn = "arn:aws:sts::444455556666:assumed-role/Deployer/ci-run.1";
    assert_eq!(response.xml("Arn").as_deref(), Some(arn));
    let role_user = format!("{}:ci-run.1", role_id("444455556666", "Deployer"));
    assert_eq!(response.xml("AssumedRoleId"), Some(role_user.clone()));
    let key = response.xml("AccessKeyId").unwrap();
    assert!(key.starts_with("ASIA"));
    let expiration = response.xml("Expiration").unwrap();
    assert_eq!(
        expiration.len(),
        "2026-01-01T00:00:00Z".len(),
        "{expiration}"
    );
    assert!(expiration.ends_with('Z'));
    assert!(response.xml("RequestId").is_some());
    // The new credentials work and say who they are.
    let assumed = Creds {
        access_key_id: key,
        secret_access_key: response.xml("SecretAccessKey").unwrap(),
        session_token: response.xml("SessionToken"),
    };
    let identity = sts_post(emu.url(), &assumed, GET_CALLER_IDENTITY);
    assert_eq!(identity.xml("Arn").as_deref(), Some(arn));
    assert_eq!(identity.xml("UserId"), Some(role_user));
    assert_eq!(identity.xml("Account").as_deref(), Some("444455556666"));
}

#[test]
fn assume_role_validation() {
    let emu = Emulator::start(Options::default());
    let user = static_user();
    let arn = "RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2FDeployer";
    let cases = [
        ("RoleSessionName=s1".to_string(), "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null"),
        (arn.to_string(), "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null"),
        ("RoleArn=nope&RoleSessionName=s1".to_string(), "nope is invalid"),
        (format!("{arn}&RoleSessionName=a%20b"), "1 validation error detected: Value 'a b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"),
        (format!("{arn}&RoleSessionName=s1&DurationSeconds=899"), "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"),
        (format!("{arn}&RoleSessionName=s1&DurationSeconds=43201"), "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."),
    ];
    for (params, message) in cases {
        assume(&emu, &user, &params).assert_sts_error(400, "ValidationError", message);
    }
    // Long-term keys may ask for 12 hours; role sessions are capped at one (role chaining).
    assert_eq!(
        assume(
            &emu,
            &user,
            &format!("{arn}&RoleSessionName=s1&DurationSeconds=43200")
        )
        .status,
        200
    );
    let role = sso_creds(&emu, "111122223333", "AdministratorAccess");
    assume(&emu, &role, &format!("{arn}&RoleSessionName=s1&DurationSeconds=3601")).assert_sts_error(
        400,
        "ValidationError",
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    );
}
