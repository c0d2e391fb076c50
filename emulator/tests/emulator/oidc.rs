//! SSO OIDC: RegisterClient, StartDeviceAuthorization, CreateToken (device code, authorization
//! code with PKCE, refresh token), `/authorize` and the device verification page.

use std::time::Duration;

use awsso_emulator::{s256_challenge, Emulator, Options};
use serde_json::json;

use crate::support::*;

#[test]
fn register_client_returns_credentials_with_expiry() {
    let emu = Emulator::start(Options::default().registration_ttl(Duration::from_secs(1000)));
    let response = post_json(
        emu.url(),
        "/client/register",
        &json!({"clientName": "c", "clientType": "public", "scopes": ["sso:account:access"]}),
    );
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert!(response.header("x-amzn-RequestId").is_some());
    let body = response.json();
    let keys: Vec<_> = body.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        [
            "clientId",
            "clientSecret",
            "clientIdIssuedAt",
            "clientSecretExpiresAt"
        ]
    );
    let issued = body["clientIdIssuedAt"].as_i64().unwrap();
    assert_eq!(
        body["clientSecretExpiresAt"].as_i64().unwrap(),
        issued + 1000
    );
}

#[test]
fn register_client_refuses_bad_metadata() {
    let emu = Emulator::start(Options::default());
    let url = emu.url();
    post_json(
        url,
        "/client/register",
        &json!({"clientName": "c", "clientType": "confidential"}),
    )
    .assert_oidc_error(
        400,
        "InvalidClientMetadataException",
        "invalid_client_metadata",
    );
    post_json(url, "/client/register", &json!({"clientType": "public"})).assert_oidc_error(
        400,
        "InvalidRequestException",
        "invalid_request",
    );
    post_json(
        url,
        "/client/register",
        &json!({"clientName": "c", "clientType": "public", "scopes": "x"}),
    )
    .assert_oidc_error(400, "InvalidRequestException", "invalid_request");
    post_json(
        url,
        "/client/register",
        &json!({"clientName": "c", "clientType": "public", "grantTypes": ["password"]}),
    )
    .assert_oidc_error(
        400,
        "UnsupportedGrantTypeException",
        "unsupported_grant_type",
    );
    post_json(
        url,
        "/client/register",
        &json!({"clientName": "c", "clientType": "public", "grantTypes": ["authorization_code"]}),
    )
    .assert_oidc_error(400, "InvalidRedirectUriException", "invalid_redirect_uri");
    post_json(
        url,
        "/client/register",
        &json!({"clientName": "c", "clientType": "public", "redirectUris": ["not a url"]}),
    )
    .assert_oidc_error(400, "InvalidRedirectUriException", "invalid_redirect_uri");
    send(url, "POST", "/client/register", &[], b"{not json").assert_oidc_error(
        400,
        "InvalidRequestException",
        "invalid_request",
    );
    send(url, "POST", "/client/register", &[], b"[1]").assert_oidc_error(
        400,
        "InvalidRequestException",
        "invalid_request",
    );
}

#[test]
fn device_authorization_describes_the_verification_page() {
    let emu = Emulator::start(Options::default());
    let reg = register(emu.url(), &[]);
    let device = start_device(emu.url(), &reg);
    let user_code = device["userCode"].as_str().unwrap();
    assert_eq!(user_code.len(), 9);
    assert_eq!(&user_code[4..5], "-");
    assert_eq!(device["verificationUri"], format!("{}/device", emu.url()));
    assert_eq!(
        device["verificationUriComplete"],
        format!("{}/device?user_code={user_code}", emu.url())
    );
    assert_eq!(device["expiresIn"], 600);
    assert_eq!(device["interval"], 1);
    assert!(device["deviceCode"].as_str().unwrap().len() > 20);
}

#[test]
fn device_authorization_interval_is_configurable() {
    let emu = Emulator::start(Options::default().interval(7));
    let reg = register(emu.url(), &[]);
    assert_eq!(start_device(emu.url(), &reg)["interval"], 7);
}

#[test]
fn device_authorization_needs_a_valid_client() {
    let emu = Emulator::start(Options::default());
    let reg = register(emu.url(), &[]);
    let bad = Registration {
        client_id: reg.client_id.clone(),
        client_secret: "wrong".into(),
    };
    post_json(
        emu.url(),
        "/device_authorization",
        &bad.with(json!({"startUrl": START_URL})),
    )
    .assert_oidc_error(401, "InvalidClientException", "invalid_client");
    let unknown = Registration {
        client_id: "nobody".into(),
        client_secret: reg.client_secret.clone(),
    };
    post_json(
        emu.url(),
        "/device_authorization",
        &unknown.with(json!({"startUrl": START_URL})),
    )
    .assert_oidc_error(401, "InvalidClientException", "invalid_client");
    post_json(emu.url(), "/device_authorization", &reg.with(json!({}))).assert_oidc_error(
        400,
        "InvalidRequestException",
        "invalid_request",
    );
    post_json(
        emu.url(),
        "/device_authorization",
        &reg.with(json!({"startUrl": "nope"})),
    )
    .assert_oidc_error(400, "InvalidRequestException", "invalid_request");
    // An authorization-code client may not start a device flow.
    let pkce = register_pkce(emu.url());
    post_json(
        emu.url(),
        "/device_authorization",
        &pkce.with(json!({"startUrl": START_URL})),
    )
    .assert_oidc_error(400, "UnauthorizedClientException", "unauthorized_client");
}

#[test]
fn expired_registration_is_an_invalid_client() {
    let emu = Emulator::start(Options::default().registration_ttl(Duration::ZERO));
    let reg = register(emu.url(), &[]);
    post_json(
        emu.url(),
        "/device_authorization",
        &reg.with(json!({"startUrl": START_URL})),
    )
    .assert_oidc_error(401, "InvalidClientException", "invalid_client");
    post_json(
        emu.url(),
        "/token",
        &reg.with(json!({"grantType": "refresh_token", "refreshToken": "x"})),
    )
    .assert_oidc_error(401, "InvalidClientException", "invalid_client");
}

#[test]
fn device_code_waits_for_the_user_to_visit_the_verification_page() {
    let emu = Emulator::start(Options::default());
    let reg = register(emu.url(), &["sso:account:access"]);
    let device = start_device(emu.url(), &reg);
    let code = device["deviceCode"].as_str().unwrap();
    let pending = poll(emu.url(), &reg, code);
    pending.assert_oidc_error(
        400,
        "AuthorizationPendingException",
        "authorization_pending",
    );
    assert_eq!(
        pending.json(),
        json!({"error": "authorization_pending", "error_description": "Authorization is still pending"})
    );
    // The user opens verificationUriComplete in a browser.
    let complete = device["verificationUriComplete"].as_str().unwrap();
    let page = get(emu.url(), complete.strip_prefix(emu.url()).unwrap(), &[]);
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(page.body.contains("approved"), "{}", page.body);
    let tokens = poll(emu.url(), &reg, code);
    assert_eq!(tokens.status, 200, "{tokens:?}");
    let body = tokens.json();
    assert_eq!(body["tokenType"], "Bearer");
    assert_eq!(body["expiresIn"], 28800);
    assert!(body["accessToken"].as_str().unwrap().len() > 20);
    // Registered with scopes: a refresh token comes too.
    assert!(body["refreshToken"].is_string());
    // A device code is good for one token.
    poll(emu.url(), &reg, code).assert_oidc_error(400, "InvalidGrantException", "invalid_grant");
}

#[test]
fn device_page_without_or_with_an_unknown_code() {
    let emu = Emulator::start(Options::default());
    let page = get(emu.url(), "/device", &[]);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("user_code"));
    assert_eq!(
        get(emu.url(), "/device?user_code=BCDF-GHJK", &[]).status,
        404
    );
}

#[test]
fn approve_user_code_from_a_test() {
    let emu = Emulator::start(Options::default());
    let reg = register(emu.url(), &[]);
    let device = start_device(emu.url(), &reg);
    assert!(emu.approve_user_code(device["userCode"].as_str().unwrap()));
    assert!(!emu.approve_user_code("XXXX-XXXX"));
    assert_eq!(
        poll(emu.url(), &reg, device["deviceCode"].as_str().unwrap()).status,
        200
    );
}

#[test]
fn auto_approve_gives_tokens_on_the_first_poll_without_refresh_for_unscoped_clients() {
    let emu = Emulator::start(
        Options::default()
            .auto_approve(true)
            .token_ttl(Duration::from_secs(90)),
    );
    let body = device_login(&emu, &[]);
    assert_eq!(body["expiresIn"], 90);
    // Like IdC: no scopes registered, no refresh token (legacy device flow).
    assert!(body.get("refreshToken").is_none(), "{body}");
    let keys: Vec<_> = body.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["accessToken", "tokenType", "expiresIn"]);
}

#[test]
fn device_poll_errors() {
    let emu = Emulator::start(Options::default().auto_approve(true));
    let reg = register(emu.url(), &[]);
    let other = register(emu.url(), &[]);
    let device = start_device(emu.url(), &reg);
    let code = device["deviceCode"].as_str().unwrap();
    // Another client's device code, an unknown code, a missing code.
    poll(emu.url(), &other, code).assert_oidc_error(400, "InvalidGrantException", "invalid_grant");
    poll(emu.url(), &reg, "nope").assert_oidc_error(400, "InvalidGrantException", "invalid_grant");
    post_json(
        emu.url(),
        "/token",
        &reg.with(json!({"grantType": DEVICE_GRANT})),
    )
    .assert_oidc_error(400, "InvalidRequestException", "invalid_request");
    post_json(
        emu.url(),
        "/token",
        &reg.with(json!({"grantType": "password"})),
    )
    .assert_oidc_error(
        400,
        "UnsupportedGrantTypeException",
        "unsupported_grant_type",
    );
    post_json(emu.url(), "/token", &reg.with(json!({}))).assert_oidc_error(
        400,
        "InvalidRequestException",
        "invalid_request",
    );
    // A device-flow client may not redeem authorization codes.
    post_json(
        emu.url(),
        "/token",
        &reg.with(json!({"grantType": "authorization_code", "code": "c", "redirectUri": REDIRECT, "codeVerifier": "v"})),
    )
    .assert_oidc_error(400, "UnauthorizedClientException", "unauthorized_client");
    assert_eq!(poll(emu.url(), &reg, code).status, 200);
}

/// Follows the `/authorize` redirect like a browser and returns the callback's query pairs.
fn authorize(
    url: &str,
    reg: &Registration,
    redirect: &str,
    challenge: &str,
    state: &str,
) -> Vec<(String, String)> {
    let target = format!(
        "/authorize?response_type=code&client_id={}&redirect_uri={}&state={state}&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge={challenge}",
        reg.client_id,
        percent(redirect),
    );
    let response = get(url, &target, &[]);
    assert_eq!(response.status, 302, "{response:?}");
    let location = url::Url::parse(response.header("location").unwrap()).unwrap();
    assert_eq!(
        format!(
            "{}://{}{}",
            location.scheme(),
            location.authority(),
            location.path()
        ),
        redirect
    );
    location
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn percent(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn pair<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk.some~more_chars-abcdefghij";

#[test]
fn authorization_code_with_pkce() {
    let emu = Emulator::start(Options::default());
    let reg = register_pkce(emu.url());
    let redirect = "http://127.0.0.1:54321/oauth/callback";
    let pairs = authorize(emu.url(), &reg, redirect, &s256_challenge(VERIFIER), "st-1");
    assert_eq!(pair(&pairs, "state"), Some("st-1"));
    let code = pair(&pairs, "code").unwrap().to_string();
    let exchange = |code: &str, redirect: &str, verifier: &str| {
        post_json(
            emu.url(),
            "/token",
            &reg.with(json!({"grantType": "authorization_code", "code": code, "redirectUri": redirect, "codeVerifier": verifier})),
        )
    };
    let tokens = exchange(&code, redirect, VERIFIER);
    assert_eq!(tokens.status, 200, "{tokens:?}");
    assert!(tokens.json()["refreshToken"].is_string());
    // Single use.
    exchange(&code, redirect, VERIFIER).assert_oidc_error(
        400,
        "InvalidGrantException",
        "invalid_grant",
    );

    // A wrong verifier or another redirect URI is refused, and spends the code.
    let pairs = authorize(emu.url(), &reg, redirect, &s256_challenge(VERIFIER), "st-2");
    let code = pair(&pairs, "code").unwrap().to_string();
    exchange(
        &code,
        redirect,
        "another-verifier-another-verifier-another-verifier",
    )
    .assert_oidc_error(400, "InvalidGrantException", "invalid_grant");
    exchange(&code, redirect, VERIFIER).assert_oidc_error(
        400,
        "InvalidGrantException",
        "invalid_grant",
    );
    let pairs = authorize(emu.url(), &reg, redirect, &s256_challenge(VERIFIER), "st-3");
    let code = pair(&pairs, "code").unwrap().to_string();
    exchange(&code, "http://127.0.0.1:1/oauth/callback", VERIFIER).assert_oidc_error(
        400,
        "InvalidGrantException",
        "invalid_grant",
    );
    // Missing verifier.
    let pairs = authorize(emu.url(), &reg, redirect, &s256_challenge(VERIFIER), "st-4");
    let code = pair(&pairs, "code").unwrap().to_string();
    post_json(
        emu.url(),
        "/token",
        &reg.with(
            json!({"grantType": "authorization_code", "code": code, "redirectUri": redirect}),
        ),
    )
    .assert_oidc_error(400, "InvalidRequestException", "invalid_request");
}

#[test]
fn authorize_refuses_bad_requests_with_a_page() {
    let emu = Emulator::start(Options::default());
    let reg = register_pkce(emu.url());
    let device_client = register(emu.url(), &[]);
    let challenge = s256_challenge(VERIFIER);
    let redirect = percent("http://127.0.0.1:5555/oauth/callback");
    let base = |client: &str, redirect: &str| {
        format!("/authorize?response_type=code&client_id={client}&redirect_uri={redirect}&state=s&code_challenge_method=S256&code_challenge={challenge}&scopes=sso%3Aaccount%3Aaccess")
    };
    let good = base(&reg.client_id, &redirect);
    for target in [
        "/authorize".to_string(),
        base("unknown", &redirect),
        base(&reg.client_id, &percent("http://127.0.0.1:5555/elsewhere")),
        base(
            &reg.client_id,
            &percent("http://evil.example/oauth/callback"),
        ),
        base(&reg.client_id, "not%20a%20url"),
        base(&device_client.client_id, &redirect),
        good.replace("response_type=code", "response_type=token"),
        good.replace("code_challenge_method=S256", "code_challenge_method=plain"),
        good.replace(&format!("&code_challenge={challenge}"), ""),
        good.replace("scopes=sso%3Aaccount%3Aaccess", "scopes=admin"),
        good.replace(
            "scopes=sso%3Aaccount%3Aaccess",
            "scope=sso%3Aaccount%3Aaccess",
        ),
        good.replace("scopes=sso%3Aaccount%3Aaccess", "scopes="),
    ] {
        let page = get(emu.url(), &target, &[]);
        assert_eq!(page.status, 400, "{target}: {page:?}");
        assert!(page
            .header("content-type")
            .unwrap()
            .starts_with("text/html"));
        assert!(page.header("location").is_none());
    }
    assert_eq!(get(emu.url(), &good, &[]).status, 302);
}

#[test]
fn refresh_tokens_rotate_and_are_single_use() {
    let emu = Emulator::start(Options::default().auto_approve(true));
    let reg = register(emu.url(), &["sso:account:access"]);
    let device = start_device(emu.url(), &reg);
    let first = poll(emu.url(), &reg, device["deviceCode"].as_str().unwrap()).json();
    let refresh = |token: &str| {
        post_json(
            emu.url(),
            "/token",
            &reg.with(json!({"grantType": "refresh_token", "refreshToken": token})),
        )
    };
    let old_refresh = first["refreshToken"].as_str().unwrap();
    let second = refresh(old_refresh);
    assert_eq!(second.status, 200, "{second:?}");
    let second = second.json();
    assert_ne!(second["accessToken"], first["accessToken"]);
    let new_refresh = second["refreshToken"].as_str().unwrap();
    assert_ne!(new_refresh, old_refresh);
    // The new access token works at the portal.
    assert_eq!(
        portal_get(
            emu.url(),
            "/assignment/accounts",
            second["accessToken"].as_str().unwrap()
        )
        .status,
        200
    );
    // The spent one is refused, the new one works.
    refresh(old_refresh).assert_oidc_error(400, "InvalidGrantException", "invalid_grant");
    refresh("unknown").assert_oidc_error(400, "InvalidGrantException", "invalid_grant");
    assert_eq!(refresh(new_refresh).status, 200);
    // Another client cannot use this client's refresh token.
    let other = register(emu.url(), &["sso:account:access"]);
    let third = poll(
        emu.url(),
        &reg,
        start_device(emu.url(), &reg)["deviceCode"]
            .as_str()
            .unwrap(),
    )
    .json();
    post_json(
        emu.url(),
        "/token",
        &other.with(json!({"grantType": "refresh_token", "refreshToken": third["refreshToken"]})),
    )
    .assert_oidc_error(400, "InvalidGrantException", "invalid_grant");
}
