//! The forward proxy: CONNECT tunnels (plain and TLS), absolute-form forwarding, Basic
//! credentials, and the request lines it records; then Python's urllib as a real client.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use awsso_emulator::proxy::{Proxy, ProxyOptions};
use awsso_emulator::tls::TestCa;
use awsso_emulator::{Emulator, Options};
use base64::Engine;
use serde_json::json;

use crate::support::*;

fn basic(user_password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(user_password)
    )
}

/// Sends `CONNECT target` and reads the proxy's answer head byte by byte, so nothing of the
/// tunnel is consumed. Returns the stream and the head.
fn connect(proxy: &Proxy, target: &str, headers: &[(&str, &str)]) -> (TcpStream, String) {
    let mut stream = TcpStream::connect(host_port(proxy.url())).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).unwrap() == 0 {
            break;
        }
        head.push(byte[0]);
    }
    (stream, String::from_utf8(head).unwrap())
}

/// An absolute-form request through the proxy.
fn forward(
    proxy: &Proxy,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let host = host_port(url).split('/').next().unwrap().to_string();
    let raw = request_bytes(&host, method, url, headers, body);
    send_raw(proxy.url(), &raw)
}

#[test]
fn connect_tunnels_bytes_to_the_origin() {
    let emu = Emulator::start(Options::default());
    let proxy = Proxy::start(ProxyOptions::default());
    let target = host_port(emu.url());
    let (mut tunnel, head) = connect(&proxy, target, &[]);
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    let response = exchange(&mut tunnel, &request_bytes(target, "GET", "/", &[], b"")).unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(proxy.request_lines(), [format!("CONNECT {target}")]);
    assert_eq!(proxy.requests()[0].status, Some(200));
    assert_eq!(emu.request_lines(), ["GET /"]);
}

#[test]
fn tls_passes_through_a_tunnel_untouched() {
    let ca = TestCa::new();
    let emu = Emulator::start(Options::default().tls(ca.cert_pem(), ca.key_pem()));
    let proxy = Proxy::start(ProxyOptions::default());
    let target = host_port(emu.url());
    let (tunnel, head) = connect(&proxy, target, &[]);
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    let mut tls = tls_over(tunnel, "127.0.0.1", &ca.ca_pem());
    let token = emu.issue_token_for_tests();
    let raw = request_bytes(
        target,
        "GET",
        "/assignment/accounts",
        &[("x-amz-sso_bearer_token", &token)],
        b"",
    );
    let response = exchange(&mut tls, &raw).unwrap();
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(proxy.request_lines(), [format!("CONNECT {target}")]);
}

#[test]
fn absolute_form_requests_are_forwarded_in_origin_form() {
    let emu = Emulator::start(Options::default());
    let proxy = Proxy::start(ProxyOptions::default());
    let url = format!("{}/client/register", emu.url());
    let body = json!({"clientName": "c", "clientType": "public"}).to_string();
    let response = forward(
        &proxy,
        "POST",
        &url,
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    );
    assert_eq!(response.status, 200, "{response:?}");
    assert!(response.json()["clientId"].is_string());
    assert_eq!(proxy.request_lines(), [format!("POST {url}")]);
    assert_eq!(proxy.requests()[0].status, None);
    let seen = &emu.requests()[0];
    assert_eq!(seen.line(), "POST /client/register");
    assert_eq!(seen.body, body);
    assert_eq!(seen.header("host"), Some(host_port(emu.url())));
    // The query survives, and the origin hears nothing of the hop.
    let token = emu.issue_token_for_tests();
    let listed = forward(
        &proxy,
        "GET",
        &format!("{}/assignment/roles?account_id=111122223333", emu.url()),
        &[
            ("x-amz-sso_bearer_token", &token),
            ("Proxy-Connection", "keep-alive"),
        ],
        b"",
    );
    assert_eq!(listed.status, 200);
    let seen = &emu.requests()[1];
    assert_eq!(seen.query, "account_id=111122223333");
    assert_eq!(seen.header("proxy-connection"), None);
    assert_eq!(seen.header("connection"), Some("close"));
}

#[test]
fn credentials_are_required_when_configured() {
    let emu = Emulator::start(Options::default());
    let proxy = Proxy::start(ProxyOptions::default().basic_auth("user", "p@ss word"));
    assert_eq!(
        proxy.url_with_credentials().unwrap(),
        format!("http://user:p%40ss%20word@{}", host_port(proxy.url()))
    );
    let target = host_port(emu.url());
    let (_, head) = connect(&proxy, target, &[]);
    assert!(head.starts_with("HTTP/1.1 407 "), "{head}");
    assert!(
        head.contains("\r\nProxy-Authenticate: Basic realm=\"awsso-emulator\"\r\n"),
        "{head}"
    );
    let wrong = basic("user:wrong");
    let (_, head) = connect(&proxy, target, &[("Proxy-Authorization", &wrong)]);
    assert!(head.starts_with("HTTP/1.1 407 "), "{head}");
    let right = basic("user:p@ss word");
    let (mut tunnel, head) = connect(&proxy, target, &[("Proxy-Authorization", &right)]);
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    let through = exchange(&mut tunnel, &request_bytes(target, "GET", "/", &[], b"")).unwrap();
    assert_eq!(through.status, 200);

    let url = format!("{}/", emu.url());
    let refused = forward(&proxy, "GET", &url, &[], b"");
    assert_eq!(refused.status, 407);
    assert!(refused.header("proxy-authenticate").is_some());
    let forwarded = forward(&proxy, "GET", &url, &[("Proxy-Authorization", &right)], b"");
    assert_eq!(forwarded.status, 200);
    // The credentials are for the proxy only.
    assert!(emu
        .requests()
        .iter()
        .all(|r| r.header("proxy-authorization").is_none()));
    let statuses: Vec<_> = proxy.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(407), Some(407), Some(200), Some(407), None]);
    assert_eq!(
        proxy.requests()[2].header("proxy-authorization"),
        Some(right.as_str())
    );
    proxy.clear_requests();
    assert!(proxy.requests().is_empty());
}

#[test]
fn unreachable_origins_are_502_and_odd_requests_400() {
    let proxy = Proxy::start(ProxyOptions::default());
    let closed = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().to_string()
    };
    let (_, head) = connect(&proxy, &closed, &[]);
    assert!(head.starts_with("HTTP/1.1 502 "), "{head}");
    let response = forward(&proxy, "GET", &format!("http://{closed}/"), &[], b"");
    assert_eq!(response.status, 502);
    for raw in [
        "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET https://127.0.0.1:1/ HTTP/1.1\r\nHost: x\r\n\r\n",
        "nonsense\r\n\r\n",
    ] {
        let response = send_raw(proxy.url(), raw.as_bytes());
        assert_eq!(response.status, 400, "{raw:?}");
    }
    assert_eq!(
        proxy.request_lines(),
        [
            format!("CONNECT {closed}"),
            format!("GET http://{closed}/"),
            "GET /".to_string(),
            "GET https://127.0.0.1:1/".to_string(),
        ]
    );
}

#[test]
fn python_urllib_uses_the_proxy_for_http_and_https() {
    let ca = TestCa::new();
    let tls = Emulator::start(Options::default().tls(ca.cert_pem(), ca.key_pem()));
    let plain = Emulator::start(Options::default());
    let proxy = Proxy::start(ProxyOptions::default().basic_auth("me", "pw"));
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    ca.write_ca_pem(&ca_file).unwrap();
    let script = "import ssl, sys, urllib.request\n\
        proxy = sys.argv[2]\n\
        ctx = ssl.create_default_context(cafile=sys.argv[1])\n\
        opener = urllib.request.build_opener(\n    urllib.request.ProxyHandler({'http': proxy, 'https': proxy}),\n    urllib.request.HTTPSHandler(context=ctx))\n\
        for url in sys.argv[3:]:\n    print(opener.open(url).status)\n";
    let output = Command::new(crate::interop::python())
        .args([
            "-c",
            script,
            ca_file.to_str().unwrap(),
            &proxy.url_with_credentials().unwrap(),
            &format!("{}/", tls.url()),
            &format!("{}/device", plain.url()),
        ])
        .env_clear()
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout), "200\n200\n");
    assert_eq!(
        proxy.request_lines(),
        [
            format!("CONNECT {}", host_port(tls.url())),
            format!("GET {}/device", plain.url()),
        ]
    );
    assert_eq!(tls.request_lines(), ["GET /"]);
    assert_eq!(plain.request_lines(), ["GET /device"]);
}

#[test]
fn dropping_the_proxy_closes_its_port_and_tunnels() {
    let emu = Emulator::start(Options::default());
    let proxy = Proxy::start(ProxyOptions::default());
    let address = host_port(proxy.url()).to_string();
    let (mut tunnel, head) = connect(&proxy, host_port(emu.url()), &[]);
    assert!(head.starts_with("HTTP/1.1 200 "));
    drop(proxy);
    assert!(TcpStream::connect(&address).is_err());
    let mut rest = Vec::new();
    assert_eq!(tunnel.read_to_end(&mut rest).unwrap_or(0), 0);
}
