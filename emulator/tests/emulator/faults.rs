//! Fault injection: scripted polls, denials, early expiry, failures, throttling, delay and
//! revocation, from Options at start and from set_faults while running.

use std::time::{Duration, Instant};

use awsso_emulator::{s256_challenge, Emulator, Faults, Options};
use serde_json::json;

use crate::support::*;

#[test]
fn pending_then_slow_down_then_tokens() {
    let faults = Faults {
        pending_polls: 2,
        slow_down_polls: 1,
        ..Faults::default()
    };
    let emu = Emulator::start(Options::default().auto_approve(true).faults(faults));
    let reg = register(emu.url(), &[]);
    let device = start_device(emu.url(), &reg);
    let code = device["deviceCode"].as_str().unwrap();
    poll(emu.url(), &reg, code).assert_oidc_error(
        400,
        "AuthorizationPendingException",
        "authorization_pending",
    );
    poll(emu.url(), &reg, code).assert_oidc_error(
        400,
        "AuthorizationPendingException",
        "authorization_pending",
    );
    poll(emu.url(), &reg, code).assert_oidc_error(400, "SlowDownException", "slow_down");
    assert_eq!(poll(emu.url(), &reg, code).status, 200);
}

#[test]
fn pending_polls_builder_and_runtime_switch() {
    let emu = Emulator::start(Options::default().auto_approve(true).pending_polls(1));
    let reg = register(emu.url(), &[]);
    let code = start_device(emu.url(), &reg)["deviceCode"]
        .as_str()
        .unwrap()
        .to_string();
    poll(emu.url(), &reg, &code).assert_oidc_error(
        400,
        "AuthorizationPendingException",
        "authorization_pending",
    );
    assert_eq!(poll(emu.url(), &reg, &code).status, 200);
    emu.set_faults(|f| f.slow_down_polls = 1);
    let code = start_device(emu.url(), &reg)["deviceCode"]
        .as_str()
        .unwrap()
        .to_string();
    poll(emu.url(), &reg, &code).assert_oidc_error(
        400,
        "AuthorizationPendingException",
        "authorization_pending",
    );
    poll(emu.url(), &reg, &code).assert_oidc_error(400, "SlowDownException", "slow_down");
    assert_eq!(poll(emu.url(), &reg, &code).status, 200);
}

#[test]
fn denied_device_code() {
    let emu = Emulator::start(Options::default());
    emu.set_faults(|f| f.deny_device = true);
    let reg = register(emu.url(), &[]);
    let device = start_device(emu.url(), &reg);
    let complete = device["verificationUriComplete"].as_str().unwrap();
    let page = get(emu.url(), complete.strip_prefix(emu.url()).unwrap(), &[]);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("denied"), "{}", page.body);
    let code = device["deviceCode"].as_str().unwrap();
    poll(emu.url(), &reg, code).assert_oidc_error(400, "AccessDeniedException", "access_denied");
    // Even auto-approved codes are denied while the fault is on.
    let emu = Emulator::start(Options::default().auto_approve(true).faults(Faults {
        deny_device: true,
        ..Faults::default()
    }));
    let reg = register(emu.url(), &[]);
    let code = start_device(emu.url(), &reg)["deviceCode"]
        .as_str()
        .unwrap()
        .to_string();
    poll(emu.url(), &reg, &code).assert_oidc_error(400, "AccessDeniedException", "access_denied");
}

#[test]
fn denied_authorization_redirects_with_access_denied() {
    let emu = Emulator::start(Options::default().faults(Faults {
        deny_authorization: true,
        ..Faults::default()
    }));
    let reg = register_pkce(emu.url());
    let target = format!(
        "/authorize?response_type=code&client_id={}&redirect_uri=http%3A%2F%2F127.0.0.1%3A4444%2Foauth%2Fcallback&state=abc&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge={}",
        reg.client_id,
        s256_challenge("verifier-verifier-verifier-verifier-verifier-verifier")
    );
    let response = get(emu.url(), &target, &[]);
    assert_eq!(response.status, 302);
    assert_eq!(
        response.header("location"),
        Some("http://127.0.0.1:4444/oauth/callback?error=access_denied&state=abc")
    );
}

#[test]
fn device_codes_expire_early() {
    let emu = Emulator::start(Options::default().auto_approve(true));
    emu.set_faults(|f| f.device_code_ttl = Some(Duration::ZERO));
    let reg = register(emu.url(), &[]);
    let device = start_device(emu.url(), &reg);
    assert_eq!(device["expiresIn"], 0);
    poll(emu.url(), &reg, device["deviceCode"].as_str().unwrap()).assert_oidc_error(
        400,
        "ExpiredTokenException",
        "expired_token",
    );
    let complete = device["verificationUriComplete"].as_str().unwrap();
    assert_eq!(
        get(emu.url(), complete.strip_prefix(emu.url()).unwrap(), &[]).status,
        400
    );
    emu.set_faults(|f| f.device_code_ttl = Some(Duration::from_secs(5)));
    assert_eq!(start_device(emu.url(), &reg)["expiresIn"], 5);
}

#[test]
fn fail_next_answers_each_status_once_per_service_shape() {
    let emu = Emulator::start(Options::default().auto_approve(true));
    let token = emu.issue_token_for_tests();
    emu.set_faults(|f| f.fail_next = vec![500, 503, 500, 500, 502]);
    let register_body = json!({"clientName": "c", "clientType": "public"});
    post_json(emu.url(), "/client/register", &register_body).assert_oidc_error(
        500,
        "InternalServerException",
        "server_error",
    );
    let bare = post_json(emu.url(), "/client/register", &register_body);
    assert_eq!(
        (
            bare.status,
            bare.body.as_str(),
            bare.header("x-amzn-ErrorType")
        ),
        (503, "", None)
    );
    assert!(bare.header("x-amzn-RequestId").is_some());
    portal_get(emu.url(), "/assignment/accounts", &token).assert_portal_error(
        500,
        "InternalServerException",
        "An internal server error occurred",
    );
    sts_post(emu.url(), &static_user(), GET_CALLER_IDENTITY).assert_sts_error(
        500,
        "InternalFailure",
        "The request processing has failed because of an unknown error, exception or failure.",
    );
    // Browser pages are not API calls: the fault waits for the next API request.
    assert_eq!(get(emu.url(), "/device", &[]).status, 200);
    assert_eq!(emu.faults().fail_next, [502]);
    assert_eq!(
        portal_get(emu.url(), "/assignment/accounts", &token).status,
        502
    );
    assert_eq!(
        portal_get(emu.url(), "/assignment/accounts", &token).status,
        200
    );
    assert_eq!(emu.faults(), Faults::default());
}

#[test]
fn throttling_per_service() {
    let emu = Emulator::start(Options::default().faults(Faults {
        throttle_next: 3,
        ..Faults::default()
    }));
    let token = emu.issue_token_for_tests();
    post_json(
        emu.url(),
        "/client/register",
        &json!({"clientName": "c", "clientType": "public"}),
    )
    .assert_oidc_error(429, "SlowDownException", "slow_down");
    portal_get(emu.url(), "/assignment/accounts", &token).assert_portal_error(
        429,
        "TooManyRequestsException",
        "Rate exceeded",
    );
    sts_post(emu.url(), &static_user(), GET_CALLER_IDENTITY).assert_sts_error(
        400,
        "Throttling",
        "Rate exceeded",
    );
    assert_eq!(
        portal_get(emu.url(), "/assignment/accounts", &token).status,
        200
    );
}

#[test]
fn delay_slows_every_answer() {
    let emu = Emulator::start(Options::default());
    emu.set_faults(|f| f.delay = Duration::from_millis(300));
    let started = Instant::now();
    assert_eq!(get(emu.url(), "/device", &[]).status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    emu.set_faults(|f| f.delay = Duration::ZERO);
    let started = Instant::now();
    get(emu.url(), "/device", &[]);
    assert!(started.elapsed() < Duration::from_millis(300));
}

#[test]
fn revoke_all_tokens_ends_every_session_but_not_role_credentials() {
    let emu = Emulator::start(Options::default().auto_approve(true));
    let reg = register(emu.url(), &["sso:account:access"]);
    let tokens = poll(
        emu.url(),
        &reg,
        start_device(emu.url(), &reg)["deviceCode"]
            .as_str()
            .unwrap(),
    )
    .json();
    let access = tokens["accessToken"].as_str().unwrap();
    let creds = role_credentials(emu.url(), access, "111122223333", "ReadOnlyAccess");
    let other = emu.issue_token_for_tests();
    emu.revoke_all_tokens();
    for token in [access, other.as_str()] {
        portal_get(emu.url(), "/assignment/accounts", token).assert_portal_error(
            401,
            "UnauthorizedException",
            "Session token not found or invalid",
        );
    }
    post_json(
        emu.url(),
        "/token",
        &reg.with(json!({"grantType": "refresh_token", "refreshToken": tokens["refreshToken"]})),
    )
    .assert_oidc_error(400, "InvalidGrantException", "invalid_grant");
    assert_eq!(sts_post(emu.url(), &creds, GET_CALLER_IDENTITY).status, 200);
    // A new sign-in works again.
    let fresh = poll(
        emu.url(),
        &reg,
        start_device(emu.url(), &reg)["deviceCode"]
            .as_str()
            .unwrap(),
    )
    .json();
    assert_eq!(
        portal_get(
            emu.url(),
            "/assignment/accounts",
            fresh["accessToken"].as_str().unwrap()
        )
        .status,
        200
    );
}

#[test]
fn list_rate_throttles_list_calls_beyond_a_token_bucket() {
    let emu = Emulator::start(Options::default().faults(Faults {
        list_rate: Some(2),
        ..Faults::default()
    }));
    let token = emu.issue_token_for_tests();
    // ListAccounts and ListAccountRoles share the bucket of 2.
    assert_eq!(
        portal_get(emu.url(), "/assignment/accounts", &token).status,
        200
    );
    assert_eq!(
        portal_get(
            emu.url(),
            "/assignment/roles?account_id=111122223333",
            &token
        )
        .status,
        200
    );
    let throttled = portal_get(emu.url(), "/assignment/accounts", &token);
    throttled.assert_portal_error(429, "TooManyRequestsException", "Rate exceeded");
    assert!(throttled.header("x-amzn-RequestId").is_some());
    // Other portal calls and other services are not limited.
    role_credentials(emu.url(), &token, "111122223333", "ReadOnlyAccess");
    assert_eq!(
        sts_post(emu.url(), &static_user(), GET_CALLER_IDENTITY).status,
        200
    );
    assert_eq!(emu.list_calls(), (2, 1));
    // At 2 a second one call's token is back after half a second, and only one.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        portal_get(emu.url(), "/assignment/accounts", &token).status,
        200
    );
    assert_eq!(
        portal_get(emu.url(), "/assignment/accounts", &token).status,
        429
    );
    assert_eq!(emu.list_calls(), (3, 2));
}

#[test]
fn a_client_that_backs_off_lists_everything_at_the_allowed_rate() {
    let emu = Emulator::start(
        Options::default()
            .directory(awsso_emulator::Directory::generated(200, 1))
            .faults(Faults {
                list_rate: Some(50),
                ..Faults::default()
            }),
    );
    let token = emu.issue_token_for_tests();
    let started = Instant::now();
    let (mut accounts, mut next) = (0, None::<String>);
    loop {
        let target = match &next {
            Some(t) => format!("/assignment/accounts?next_token={t}"),
            None => "/assignment/accounts".into(),
        };
        let response = portal_get(emu.url(), &target, &token);
        if response.status == 429 {
            // One call's token comes back every 1/50 s.
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        let body = response.json();
        accounts += body["accountList"].as_array().unwrap().len();
        match body["nextToken"].as_str() {
            Some(t) => next = Some(t.into()),
            None => break,
        }
    }
    assert_eq!(accounts, 200);
    let (served, throttled) = emu.list_calls();
    assert_eq!(served, 100, "pages of 2");
    assert!(throttled > 0);
    // A burst of 50, then 50 more pages at 50 a second.
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn changing_list_rate_refills_the_bucket_and_none_lifts_it() {
    let emu = Emulator::start(Options::default());
    let token = emu.issue_token_for_tests();
    let status = || portal_get(emu.url(), "/assignment/accounts", &token).status;
    emu.set_faults(|f| f.list_rate = Some(1));
    assert_eq!((status(), status()), (200, 429));
    emu.set_faults(|f| f.list_rate = Some(3));
    assert_eq!(
        [status(), status(), status(), status()],
        [200, 200, 200, 429]
    );
    emu.set_faults(|f| f.list_rate = Some(0));
    assert_eq!(status(), 429);
    emu.set_faults(|f| f.list_rate = None);
    assert!((0..10).all(|_| status() == 200));
    assert_eq!(emu.list_calls(), (14, 3));
    // Scripted faults come first and are counted by neither.
    emu.set_faults(|f| {
        f.throttle_next = 1;
        f.list_rate = Some(1);
    });
    assert_eq!([status(), status(), status()], [429, 200, 429]);
    assert_eq!(emu.list_calls(), (15, 4));
}
