//! The console sign-in federation endpoint: getSigninToken for role credentials the emulator
//! issued, login redirects, and every refusal as the real endpoint's 400 page.

use std::time::Duration;

use awsso_emulator::{Emulator, Options, RawAnswer, SIGNIN_TOKEN_TTL};
use serde_json::json;

use crate::support::*;

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The `Session` JSON tools build from credentials (aws-vault, Granted).
fn session_json(creds: &Creds) -> String {
    json!({
        "sessionId": creds.access_key_id,
        "sessionKey": creds.secret_access_key,
        "sessionToken": creds.session_token.clone().unwrap_or_default(),
    })
    .to_string()
}

fn get_signin_token(url: &str, session: &str, extra: &str) -> Response {
    get(
        url,
        &format!(
            "/federation?Action=getSigninToken&Session={}{extra}",
            encode(session)
        ),
        &[],
    )
}

fn sso_creds(emu: &Emulator) -> Creds {
    let token = emu.issue_token_for_tests();
    role_credentials(emu.url(), &token, "111122223333", "ReadOnlyAccess")
}

fn assert_refused(response: &Response) {
    assert_eq!(response.status, 400, "{response:?}");
    assert_eq!(
        response.header("content-type"),
        Some("text/html;charset=utf-8")
    );
    assert!(
        response
            .body
            .contains("<h1>HTTP Status 400 - Invalid credentials parameter</h1>"),
        "{}",
        response.body
    );
    assert!(response
        .body
        .contains("The request sent by the client was syntactically incorrect."));
}

#[test]
fn role_credentials_get_a_signin_token_that_logs_the_browser_in() {
    let emu = Emulator::start(Options::default());
    let creds = sso_creds(&emu);
    let response = get_signin_token(emu.url(), &session_json(&creds), "");
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.header("content-type"), Some("application/json"));
    let body = response.json();
    assert_eq!(body.as_object().unwrap().len(), 1);
    let token = body["SigninToken"].as_str().unwrap().to_string();
    assert!(token.len() > 100);

    let issued = emu.signin_tokens();
    assert_eq!(issued.len(), 1);
    let record = &issued[0];
    assert_eq!(record.signin_token, token);
    assert_eq!(record.access_key_id, creds.access_key_id);
    assert_eq!(
        record.arn,
        emu.credentials(&creds.access_key_id).unwrap().arn
    );
    assert_eq!(record.session_duration, None);
    assert_eq!(
        record.expires_at.duration_since(record.issued_at).unwrap(),
        SIGNIN_TOKEN_TTL
    );
    assert_eq!(SIGNIN_TOKEN_TTL, Duration::from_secs(900));
    assert_eq!(record.logins, 0);
    // Neither the sign-in token nor anything secret is printed.
    let printed = format!("{record:?}");
    assert!(!printed.contains(&token), "{printed}");
    assert!(!printed.contains(&creds.secret_access_key));

    let destination = "https://console.aws.amazon.com/console/home?region=eu-west-1#/x";
    let login = get(
        emu.url(),
        &format!(
            "/federation?Action=login&Issuer=awsso&Destination={}&SigninToken={}",
            encode(destination),
            encode(&token)
        ),
        &[],
    );
    assert_eq!(login.status, 302, "{login:?}");
    assert_eq!(login.header("location"), Some(destination));
    // Issuer is optional; the token works while it is fresh.
    let again = get(
        emu.url(),
        &format!(
            "/federation?Action=login&Destination={}&SigninToken={token}",
            encode(destination)
        ),
        &[],
    );
    assert_eq!(again.status, 302);
    assert_eq!(emu.signin_tokens()[0].logins, 2);
    // GetRoleCredentials keeps its own path under /federation.
    assert_eq!(
        emu.request_lines(),
        [
            "GET /federation/credentials",
            "GET /federation",
            "GET /federation",
            "GET /federation",
        ]
    );
}

#[test]
fn session_duration_is_recorded_and_post_works_too() {
    let emu = Emulator::start(Options::default());
    let creds = sso_creds(&emu);
    for seconds in ["900", "3600", "43200"] {
        let response = get_signin_token(
            emu.url(),
            &session_json(&creds),
            &format!("&SessionDuration={seconds}"),
        );
        assert_eq!(response.status, 200, "{response:?}");
    }
    let form = format!(
        "Action=getSigninToken&SessionDuration=1800&Session={}",
        encode(&session_json(&creds))
    );
    let posted = send(
        emu.url(),
        "POST",
        "/federation",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    );
    assert_eq!(posted.status, 200, "{posted:?}");
    let durations: Vec<_> = emu
        .signin_tokens()
        .iter()
        .map(|t| t.session_duration.unwrap().as_secs())
        .collect();
    assert_eq!(durations, [900, 3600, 43200, 1800]);
}

#[test]
fn unknown_malformed_long_term_or_expired_credentials_are_refused() {
    let emu = Emulator::start(Options::default());
    let creds = sso_creds(&emu);
    let token = creds.session_token.clone().unwrap();
    let with = |id: &str, key: &str, tok: &str| {
        json!({"sessionId": id, "sessionKey": key, "sessionToken": tok}).to_string()
    };
    let id = creds.access_key_id.as_str();
    let key = creds.secret_access_key.as_str();
    let static_user = static_user();
    let sessions = [
        "{".to_string(),
        "[]".to_string(),
        "null".to_string(),
        json!({"sessionId": id, "sessionKey": key}).to_string(),
        json!({"sessionId": id, "sessionToken": token}).to_string(),
        json!({"sessionKey": key, "sessionToken": token}).to_string(),
        json!({"sessionId": id, "sessionKey": key, "sessionToken": 5}).to_string(),
        with("ASIAUNKNOWNUNKNOWN00", key, &token),
        with(id, "wrong", &token),
        with(id, key, "wrong"),
        with(id, key, ""),
        // The static IAM user: a long-term AKIA key, with the empty token tools send or none.
        session_json(&static_user),
        json!({"sessionId": static_user.access_key_id, "sessionKey": static_user.secret_access_key})
            .to_string(),
    ];
    for session in &sessions {
        assert_refused(&get_signin_token(emu.url(), session, ""));
    }
    assert_refused(&get(emu.url(), "/federation?Action=getSigninToken", &[]));
    for duration in ["899", "43201", "abc", "", "+900", "-1", "3600.0"] {
        assert_refused(&get_signin_token(
            emu.url(),
            &session_json(&creds),
            &format!("&SessionDuration={duration}"),
        ));
    }
    assert!(emu.signin_tokens().is_empty());

    let expired = Emulator::start(Options::default().credentials_ttl(Duration::ZERO));
    let creds = sso_creds(&expired);
    assert_refused(&get_signin_token(expired.url(), &session_json(&creds), ""));
}

#[test]
fn assumed_role_credentials_and_role_chaining() {
    let emu = Emulator::start(Options::default());
    let assume = |creds: &Creds| {
        let response = sts_post(
            emu.url(),
            creds,
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A777788889999%3Arole%2FDeployer&RoleSessionName=console",
        );
        assert_eq!(response.status, 200, "{response:?}");
        Creds {
            access_key_id: response.xml("AccessKeyId").unwrap(),
            secret_access_key: response.xml("SecretAccessKey").unwrap(),
            session_token: response.xml("SessionToken"),
        }
    };
    // Assumed with the IAM user's long-term key: any SessionDuration in range.
    let from_user = assume(&static_user());
    let response = get_signin_token(
        emu.url(),
        &session_json(&from_user),
        "&SessionDuration=43200",
    );
    assert_eq!(response.status, 200, "{response:?}");
    // Assumed with role credentials (role chaining): no SessionDuration at all.
    let chained = assume(&sso_creds(&emu));
    assert_refused(&get_signin_token(
        emu.url(),
        &session_json(&chained),
        "&SessionDuration=900",
    ));
    assert_eq!(
        get_signin_token(emu.url(), &session_json(&chained), "").status,
        200
    );
    let arns: Vec<_> = emu.signin_tokens().into_iter().map(|t| t.arn).collect();
    assert_eq!(
        arns,
        [
            "arn:aws:sts::777788889999:assumed-role/Deployer/console",
            "arn:aws:sts::777788889999:assumed-role/Deployer/console"
        ]
    );
}

#[test]
fn login_refuses_unknown_stale_or_missing_tokens_and_destinations() {
    let emu = Emulator::start(Options::default().signin_token_ttl(Duration::ZERO));
    let creds = sso_creds(&emu);
    let stale = get_signin_token(emu.url(), &session_json(&creds), "").json()["SigninToken"]
        .as_str()
        .unwrap()
        .to_string();
    let destination = encode("https://console.aws.amazon.com/");
    for target in [
        format!("/federation?Action=login&Destination={destination}&SigninToken={stale}"),
        format!("/federation?Action=login&Destination={destination}&SigninToken=forged"),
        format!("/federation?Action=login&Destination={destination}"),
    ] {
        let response = get(emu.url(), &target, &[]);
        assert_eq!(response.status, 400, "{target}: {response:?}");
        assert!(response.body.contains("Invalid SigninToken parameter"));
        assert_eq!(response.header("location"), None);
    }
    let fresh = Emulator::start(Options::default());
    let creds = sso_creds(&fresh);
    let token = get_signin_token(fresh.url(), &session_json(&creds), "").json()["SigninToken"]
        .as_str()
        .unwrap()
        .to_string();
    for target in [
        format!("/federation?Action=login&SigninToken={token}"),
        format!("/federation?Action=login&Destination=%2Fconsole&SigninToken={token}"),
        format!("/federation?Action=login&Destination=javascript%3Aalert(1)&SigninToken={token}"),
    ] {
        let response = get(fresh.url(), &target, &[]);
        assert_eq!(response.status, 400, "{target}: {response:?}");
        assert!(response.body.contains("Invalid Destination parameter"));
    }
    for target in ["/federation", "/federation?Action=getSignInToken"] {
        let response = get(fresh.url(), target, &[]);
        assert_eq!(response.status, 400);
        assert!(response.body.contains("Invalid Action parameter"));
    }
    assert_eq!(fresh.signin_tokens()[0].logins, 0);
}

#[test]
fn get_signin_token_is_an_api_call_for_faults_and_login_a_page() {
    let emu = Emulator::start(Options::default());
    let creds = sso_creds(&emu);
    let token = get_signin_token(emu.url(), &session_json(&creds), "").json()["SigninToken"]
        .as_str()
        .unwrap()
        .to_string();
    emu.set_faults(|f| {
        f.raw_next = vec![RawAnswer::json(200, "{\"SigninToken\": 5}")];
        f.throttle_next = 1;
    });
    let login = get(
        emu.url(),
        &format!(
            "/federation?Action=login&Destination={}&SigninToken={token}",
            encode("https://console.aws.amazon.com/")
        ),
        &[],
    );
    assert_eq!(login.status, 302);
    let hostile = get_signin_token(emu.url(), &session_json(&creds), "");
    assert_eq!(hostile.body, "{\"SigninToken\": 5}");
    let throttled = get_signin_token(emu.url(), &session_json(&creds), "");
    assert_eq!((throttled.status, throttled.body.as_str()), (429, ""));
    assert_eq!(
        get_signin_token(emu.url(), &session_json(&creds), "").status,
        200
    );
}
