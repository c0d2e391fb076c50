//! The HTTP front: request recording, request ids, routing, hostile input, shutdown.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use awsso_emulator::{Emulator, Options, MAX_BODY};
use serde_json::json;

use crate::support::*;

#[test]
fn requests_are_recorded_in_order() {
    let emu = Emulator::start(Options::default().auto_approve(true));
    device_login(&emu, &[]);
    let token = emu.issue_token_for_tests();
    portal_get(
        emu.url(),
        "/assignment/roles?account_id=111122223333&max_result=1",
        &token,
    );
    assert_eq!(
        emu.request_lines(),
        [
            "POST /client/register",
            "POST /device_authorization",
            "POST /token",
            "GET /assignment/roles",
        ]
    );
    let requests = emu.requests();
    let last = requests.last().unwrap();
    assert_eq!(last.method, "GET");
    assert_eq!(last.path, "/assignment/roles");
    assert_eq!(last.query, "account_id=111122223333&max_result=1");
    assert_eq!(last.header("X-Amz-SSO_Bearer_Token"), Some(token.as_str()));
    assert_eq!(last.body, "");
    assert!(requests[0].body.contains("\"clientType\":\"public\""));
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    emu.clear_requests();
    assert!(emu.requests().is_empty());
}

#[test]
fn every_answer_has_a_request_id_and_unknown_routes_are_404() {
    let emu = Emulator::start(Options::default());
    let mut ids = Vec::new();
    for (method, target) in [
        ("GET", "/"),
        ("GET", "/nope"),
        ("DELETE", "/token"),
        ("GET", "/client/register"),
    ] {
        let response = send(emu.url(), method, target, &[], b"");
        ids.push(response.header("x-amzn-RequestId").unwrap().to_string());
        if target != "/" {
            response.assert_portal_error(404, "UnknownOperationException", "Unknown operation");
        } else {
            assert_eq!(response.status, 200);
            assert!(response.body.contains(emu.url()));
        }
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4);
}

#[test]
fn oversized_bodies_are_refused_and_the_server_carries_on() {
    let emu = Emulator::start(Options::default());
    let big = vec![b'a'; MAX_BODY + 1];
    let response = send(emu.url(), "POST", "/client/register", &[], &big);
    assert_eq!(response.status, 413);
    assert!(response.header("x-amzn-RequestId").is_some());
    register(emu.url(), &[]);
}

#[test]
fn hostile_input_never_breaks_the_server() {
    let emu = Emulator::start(Options::default());
    let url = emu.url();
    // Not HTTP at all.
    let mut stream = TcpStream::connect(url.strip_prefix("http://").unwrap()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(b"\x00\x01\x02 garbage\r\n\r\n").unwrap();
    let mut sink = Vec::new();
    let _ = stream.read_to_end(&mut sink);
    // Deeply nested JSON, wrong types, non-UTF-8 header values, bad percent-encoding.
    let deep = "[".repeat(10_000);
    send(url, "POST", "/token", &[], deep.as_bytes()).assert_oidc_error(
        400,
        "InvalidRequestException",
        "invalid_request",
    );
    post_json(
        url,
        "/token",
        &json!({"clientId": 5, "clientSecret": [], "grantType": {}}),
    )
    .assert_oidc_error(400, "InvalidRequestException", "invalid_request");
    post_json(url, "/device_authorization", &json!(null)).assert_oidc_error(
        400,
        "InvalidRequestException",
        "invalid_request",
    );
    let mut raw = b"GET /assignment/accounts?max_result=%zz&next_token=%ff%fe HTTP/1.1\r\nHost: x\r\nx-amz-sso_bearer_token: \xff\xfe\r\nConnection: close\r\n\r\n".to_vec();
    let response = send_raw(url, &raw);
    assert_eq!(response.status, 401);
    raw = b"POST / HTTP/1.1\r\nHost: x\r\nAuthorization: AWS4-HMAC-SHA256 Credential=\xff/\xfe/x/sts/aws4_request, SignedHeaders=host;\xff, Signature=zz\r\nX-Amz-Date: \xff\xff\r\nContent-Length: 3\r\nConnection: close\r\n\r\na=%".to_vec();
    let response = send_raw(url, &raw);
    assert_eq!(response.status, 403, "{response:?}");
    for target in [
        "/authorize?client_id=%ff&redirect_uri=%zz",
        "/authorize?client_id",
        "/device?user_code=%00%ff",
        "/federation/credentials?role_name&account_id",
    ] {
        let response = get(url, target, &[]);
        assert!(
            matches!(response.status, 400 | 401 | 404),
            "{target}: {response:?}"
        );
    }
    // Still serving.
    register(url, &[]);
}

#[test]
fn concurrent_clients_are_served() {
    let emu = Emulator::start(Options::default().auto_approve(true));
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                let tokens = device_login(&emu, &["sso:account:access"]);
                let creds = role_credentials(
                    emu.url(),
                    tokens["accessToken"].as_str().unwrap(),
                    "777788889999",
                    "AdministratorAccess",
                );
                assert_eq!(sts_post(emu.url(), &creds, GET_CALLER_IDENTITY).status, 200);
            });
        }
    });
    assert_eq!(emu.issued_credentials().len(), 8);
}

#[test]
fn dropping_the_emulator_closes_the_port() {
    let emu = Emulator::start(Options::default());
    let address = emu.url().strip_prefix("http://").unwrap().to_string();
    // An idle keep-alive connection must not keep it alive.
    let idle = TcpStream::connect(&address).unwrap();
    drop(emu);
    assert!(TcpStream::connect(&address).is_err());
    drop(idle);
}

#[test]
fn the_port_option_binds_that_port_on_loopback() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = probe.local_addr().unwrap().port();
    drop(probe);
    let emu = Emulator::start(Options::default().port(port));
    assert_eq!(emu.url(), format!("http://127.0.0.1:{port}"));
    assert!(Emulator::try_start(Options::default().port(port)).is_err());
}

#[test]
fn absurd_lifetimes_do_not_overflow() {
    let faults = awsso_emulator::Faults {
        device_code_ttl: Some(Duration::MAX),
        ..Default::default()
    };
    let emu = Emulator::start(
        Options::default()
            .auto_approve(true)
            .token_ttl(Duration::MAX)
            .registration_ttl(Duration::MAX)
            .credentials_ttl(Duration::MAX)
            .faults(faults),
    );
    let tokens = device_login(&emu, &[]);
    let creds = role_credentials(
        emu.url(),
        tokens["accessToken"].as_str().unwrap(),
        "111122223333",
        "ReadOnlyAccess",
    );
    assert_eq!(sts_post(emu.url(), &creds, GET_CALLER_IDENTITY).status, 200);
    emu.sign_in_for_tests();
}

#[test]
fn sign_in_for_tests_gives_a_working_registration_and_tokens() {
    let emu = Emulator::start(Options::default());
    let session = emu.sign_in_for_tests();
    assert_eq!(
        portal_get(emu.url(), "/assignment/accounts", &session.access_token).status,
        200
    );
    let reg = Registration {
        client_id: session.client_id.clone(),
        client_secret: session.client_secret.clone(),
    };
    let refreshed = post_json(
        emu.url(),
        "/token",
        &reg.with(json!({"grantType": "refresh_token", "refreshToken": session.refresh_token})),
    );
    assert_eq!(refreshed.status, 200, "{refreshed:?}");
    assert!(session.expires_at > std::time::SystemTime::now());
    assert!(session.registration_expires_at > session.expires_at);
    assert_eq!(
        emu.request_lines(),
        ["GET /assignment/accounts", "POST /token"]
    );
}
