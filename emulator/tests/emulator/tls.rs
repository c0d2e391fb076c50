//! HTTPS serving with a throwaway CA: every route over TLS, trust only through the CA, the
//! names the certificate covers, and a client that stalls its handshake.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use awsso_emulator::tls::TestCa;
use awsso_emulator::{Emulator, Options};
use serde_json::json;

use crate::support::*;

fn https(ca: &TestCa) -> Emulator {
    Emulator::start(
        Options::default()
            .auto_approve(true)
            .tls(ca.cert_pem(), ca.key_pem()),
    )
}

#[test]
fn every_route_is_served_over_https_to_a_client_trusting_the_ca() {
    let ca = TestCa::new();
    let emu = https(&ca);
    assert!(emu.url().starts_with("https://127.0.0.1:"), "{}", emu.url());
    let ca_pem = ca.ca_pem();
    let call = |method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]| {
        tls_send(
            emu.url(),
            &ca_pem,
            "127.0.0.1",
            method,
            target,
            headers,
            body,
        )
        .unwrap()
    };
    let json_headers = [("Content-Type", "application/json")];
    let registered = call(
        "POST",
        "/client/register",
        &json_headers,
        json!({"clientName": "c", "clientType": "public"})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(registered.status, 200, "{registered:?}");
    let reg = Registration {
        client_id: registered.json()["clientId"].as_str().unwrap().into(),
        client_secret: registered.json()["clientSecret"].as_str().unwrap().into(),
    };
    let device = call(
        "POST",
        "/device_authorization",
        &json_headers,
        reg.with(json!({"startUrl": START_URL}))
            .to_string()
            .as_bytes(),
    )
    .json();
    // The pages it points at are on the HTTPS endpoint too.
    assert!(device["verificationUri"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{}/device", emu.url())));
    let tokens = call(
        "POST",
        "/token",
        &json_headers,
        reg.with(json!({"grantType": DEVICE_GRANT, "deviceCode": device["deviceCode"]}))
            .to_string()
            .as_bytes(),
    )
    .json();
    let access = tokens["accessToken"].as_str().unwrap();
    let accounts = call(
        "GET",
        "/assignment/accounts",
        &[("x-amz-sso_bearer_token", access)],
        b"",
    );
    assert_eq!(accounts.status, 200);
    assert_eq!(accounts.json()["accountList"].as_array().unwrap().len(), 2);
    // STS over TLS, signed for the https URL's host.
    let body = GET_CALLER_IDENTITY.as_bytes();
    let length = body.len().to_string();
    let base = [("content-type", FORM), ("content-length", length.as_str())];
    let signed = sign(
        emu.url(),
        &static_user(),
        "POST",
        "/",
        &base,
        body,
        "sts",
        std::time::SystemTime::now(),
    );
    let mut headers: Vec<(&str, &str)> = base.to_vec();
    headers.extend(signed.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let identity = call("POST", "/", &headers, body);
    assert_eq!(identity.status, 200, "{identity:?}");
    assert_eq!(
        identity.xml("Arn").as_deref(),
        Some("arn:aws:iam::111122223333:user/ci-bot")
    );
    assert_eq!(
        emu.request_lines(),
        [
            "POST /client/register",
            "POST /device_authorization",
            "POST /token",
            "GET /assignment/accounts",
            "POST /",
        ]
    );
}

#[test]
fn trust_comes_only_from_the_ca_and_the_names_it_signed() {
    let ca = TestCa::new();
    let emu = https(&ca);
    let get_root =
        |ca_pem: &str, name: &str| tls_send(emu.url(), ca_pem, name, "GET", "/", &[], b"");
    assert_eq!(get_root(&ca.ca_pem(), "127.0.0.1").unwrap().status, 200);
    assert_eq!(get_root(&ca.ca_pem(), "localhost").unwrap().status, 200);
    // Another CA's clients refuse the certificate.
    let stranger = TestCa::new();
    let refused = get_root(&stranger.ca_pem(), "127.0.0.1").unwrap_err();
    assert!(refused.to_string().contains("UnknownIssuer"), "{refused}");
    // A name the certificate does not cover.
    let wrong = get_root(&ca.ca_pem(), "example.com").unwrap_err();
    assert!(wrong.to_string().contains("not valid for name"), "{wrong}");

    // A certificate for localhost only does not cover https://127.0.0.1.
    let (cert, key) = ca.issue(&["localhost"]);
    let named = Emulator::start(Options::default().tls(cert, key));
    let by_ip = tls_send(named.url(), &ca.ca_pem(), "127.0.0.1", "GET", "/", &[], b"");
    assert!(by_ip
        .unwrap_err()
        .to_string()
        .contains("not valid for name"));
    let by_name = tls_send(named.url(), &ca.ca_pem(), "localhost", "GET", "/", &[], b"");
    assert_eq!(by_name.unwrap().status, 200);
}

#[test]
fn plain_http_on_the_tls_port_gets_no_http_answer() {
    let ca = TestCa::new();
    let emu = https(&ca);
    let mut stream = TcpStream::connect(host_port(emu.url())).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    assert!(!bytes.starts_with(b"HTTP/"), "{bytes:?}");
    assert!(emu.request_lines().is_empty());
}

#[test]
fn a_client_stalling_its_handshake_holds_up_nobody() {
    let ca = TestCa::new();
    let emu = https(&ca);
    let silent = TcpStream::connect(host_port(emu.url())).unwrap();
    let half = {
        let mut s = TcpStream::connect(host_port(emu.url())).unwrap();
        s.write_all(&[0x16, 0x03, 0x01]).unwrap(); // the start of a ClientHello, no more
        s
    };
    let response = tls_send(emu.url(), &ca.ca_pem(), "127.0.0.1", "GET", "/", &[], b"");
    assert_eq!(response.unwrap().status, 200);
    drop((silent, half));
}

#[test]
fn unusable_certificates_or_keys_fail_the_start() {
    let ca = TestCa::new();
    for (cert, key) in [
        (String::new(), ca.key_pem()),
        ("not PEM".to_string(), ca.key_pem()),
        (ca.cert_pem(), String::new()),
        (ca.cert_pem(), ca.cert_pem()),
        // A key that is not the certificate's.
        (ca.cert_pem(), ca.issue(&["127.0.0.1"]).1),
    ] {
        let error = Emulator::try_start(Options::default().tls(cert, key)).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput, "{error}");
    }
    // The key is not printed with the options.
    let printed = format!("{:?}", Options::default().tls(ca.cert_pem(), ca.key_pem()));
    assert!(!printed.contains(&ca.key_pem()));
    assert!(printed.contains("redacted"));
}

#[test]
fn the_ca_file_is_trusted_by_python_ssl() {
    let ca = TestCa::new();
    let emu = https(&ca);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ca.pem");
    ca.write_ca_pem(&file).unwrap();
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .starts_with("-----BEGIN CERTIFICATE-----"));
    // OpenSSL, through Python's ssl module, as botocore would verify it (AWS_CA_BUNDLE).
    let script = "import ssl, sys, urllib.request\n\
        ctx = ssl.create_default_context(cafile=sys.argv[1])\n\
        ctx.verify_flags |= getattr(ssl, 'VERIFY_X509_STRICT', 0)\n\
        for url in sys.argv[2:]:\n    print(urllib.request.urlopen(url, context=ctx).status)\n";
    let localhost = emu.url().replace("127.0.0.1", "localhost");
    let output = Command::new(crate::interop::python())
        .args(["-c", script, file.to_str().unwrap(), emu.url(), &localhost])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout), "200\n200\n");
}
