//! Test helpers: a tiny raw HTTP/1.1 client (so tests control every byte, hostile ones too),
//! the OIDC and portal calls the flows need, and SigV4 signing with the `aws-sigv4` crate, a
//! signer independent of the emulator's verifier.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, SystemTime};

use awsso_emulator::Emulator;
use serde_json::{json, Value};

pub const START_URL: &str = "https://d-1234567890.awsapps.com/start";
pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    /// `x-amzn-ErrorType` up to the first `:`, as SDKs read it.
    pub fn error_type(&self) -> &str {
        let value = self.header("x-amzn-ErrorType").unwrap_or_default();
        value.split(':').next().unwrap_or_default()
    }

    /// Text of the first `<tag>` element of an XML body.
    pub fn xml(&self, tag: &str) -> Option<String> {
        let open = format!("<{tag}>");
        let start = self.body.find(&open)? + open.len();
        let end = self.body[start..].find(&format!("</{tag}>"))? + start;
        Some(self.body[start..end].to_string())
    }

    /// Asserts an OIDC error: status, error type (with the coral suffix) and `error` member.
    pub fn assert_oidc_error(&self, status: u16, exception: &str, error: &str) {
        assert_eq!(self.status, status, "{self:?}");
        assert_eq!(
            self.header("x-amzn-ErrorType"),
            Some(
                format!("{exception}:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/")
                    .as_str()
            ),
            "{self:?}"
        );
        let body = self.json();
        assert_eq!(body["error"], error, "{self:?}");
        assert!(body["error_description"].is_string(), "{self:?}");
        assert_eq!(body.as_object().unwrap().len(), 2, "{self:?}");
        assert!(self.header("x-amzn-RequestId").is_some());
    }

    /// Asserts a portal error: status, error type and `{"message"}` body.
    pub fn assert_portal_error(&self, status: u16, exception: &str, message: &str) {
        assert_eq!(self.status, status, "{self:?}");
        assert_eq!(self.header("x-amzn-ErrorType"), Some(exception), "{self:?}");
        assert_eq!(self.json(), json!({ "message": message }), "{self:?}");
    }

    /// Asserts an STS error: status, `text/xml`, `ErrorResponse` with Type, Code and a
    /// `RequestId` child equal to the header.
    pub fn assert_sts_error(&self, status: u16, code: &str, message: &str) {
        assert_eq!(self.status, status, "{self:?}");
        assert_eq!(self.header("content-type"), Some("text/xml"));
        assert!(
            self.body
                .starts_with("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"),
            "{self:?}"
        );
        assert_eq!(
            self.xml("Type").as_deref(),
            Some(if status >= 500 { "Receiver" } else { "Sender" })
        );
        assert_eq!(self.xml("Code").as_deref(), Some(code), "{self:?}");
        assert_eq!(self.xml("Message").as_deref(), Some(message), "{self:?}");
        assert!(
            self.body.contains("</Error>\n  <RequestId>"),
            "RequestId must be a direct child: {self:?}"
        );
        assert_eq!(
            self.xml("RequestId").as_deref(),
            self.header("x-amzn-RequestId")
        );
    }
}

/// `127.0.0.1:PORT` of an `http://` or `https://` URL.
pub fn host_port(url: &str) -> &str {
    url.strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .expect("http(s) URL")
}

/// Sends one request and reads the whole response (`Connection: close`). `Host` and
/// `Content-Length` are added unless given.
pub fn send(
    url: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let raw = request_bytes(host_port(url), method, target, headers, body);
    send_raw(url, &raw)
}

/// The bytes of one HTTP/1.1 request with `Connection: close`; `Host` (`host`) and
/// `Content-Length` are added unless given.
pub fn request_bytes(
    host: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Vec<u8> {
    let mut raw = format!("{method} {target} HTTP/1.1\r\n").into_bytes();
    let has = |name: &str| headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    if !has("host") {
        raw.extend(format!("Host: {host}\r\n").as_bytes());
    }
    if !has("content-length") && (!body.is_empty() || method == "POST") {
        raw.extend(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    for (name, value) in headers {
        raw.extend(format!("{name}: {value}\r\n").as_bytes());
    }
    raw.extend(b"Connection: close\r\n\r\n");
    raw.extend(body);
    raw
}

/// Writes raw bytes and parses the answer.
pub fn send_raw(url: &str, raw: &[u8]) -> Response {
    let mut stream = TcpStream::connect(host_port(url)).expect("connect to the emulator");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    exchange(&mut stream, raw).expect("an HTTP answer")
}

/// Writes a request on any stream (TCP, TLS, a proxy tunnel) and reads the answer to the end.
/// A TLS peer closing without close_notify still counts as the end once bytes arrived.
pub fn exchange(stream: &mut (impl Read + Write), raw: &[u8]) -> std::io::Result<Response> {
    stream.write_all(raw)?;
    let mut bytes = Vec::new();
    match stream.read_to_end(&mut bytes) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !bytes.is_empty() => {}
        Err(e) => return Err(e),
    }
    Ok(parse_response(&bytes))
}

pub fn parse_response(bytes: &[u8]) -> Response {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(bytes)));
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let body = &bytes[split + 4..];
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_vec()
    };
    Response {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = body.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&body[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend(&body[end + 2..end + 2 + size]);
        body = &body[end + 2 + size + 2..];
    }
}

pub fn post_json(url: &str, path: &str, body: &Value) -> Response {
    send(
        url,
        "POST",
        path,
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    )
}

pub fn get(url: &str, target: &str, headers: &[(&str, &str)]) -> Response {
    send(url, "GET", target, headers, b"")
}

/// GET with the portal's bearer header.
pub fn portal_get(url: &str, target: &str, token: &str) -> Response {
    get(url, target, &[("x-amz-sso_bearer_token", token)])
}

pub struct Registration {
    pub client_id: String,
    pub client_secret: String,
}

impl Registration {
    pub fn with(&self, extra: Value) -> Value {
        let mut body = json!({"clientId": self.client_id, "clientSecret": self.client_secret});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    }
}

/// RegisterClient as the AWS CLI's device flow does (with scopes when given).
pub fn register(url: &str, scopes: &[&str]) -> Registration {
    let mut body = json!({"clientName": "botocore-client-test", "clientType": "public"});
    if !scopes.is_empty() {
        body["scopes"] = json!(scopes);
    }
    registration(post_json(url, "/client/register", &body))
}

pub const REDIRECT: &str = "http://127.0.0.1/oauth/callback";

/// RegisterClient as the AWS CLI's authorization-code flow does.
pub fn register_pkce(url: &str) -> Registration {
    let body = json!({
        "clientName": "botocore-client-test",
        "clientType": "public",
        "grantTypes": ["authorization_code", "refresh_token"],
        "redirectUris": [REDIRECT],
        "issuerUrl": START_URL,
        "scopes": ["sso:account:access"],
    });
    registration(post_json(url, "/client/register", &body))
}

fn registration(response: Response) -> Registration {
    assert_eq!(response.status, 200, "{response:?}");
    let body = response.json();
    Registration {
        client_id: body["clientId"].as_str().unwrap().into(),
        client_secret: body["clientSecret"].as_str().unwrap().into(),
    }
}

pub fn start_device(url: &str, reg: &Registration) -> Value {
    let response = post_json(
        url,
        "/device_authorization",
        &reg.with(json!({"startUrl": START_URL})),
    );
    assert_eq!(response.status, 200, "{response:?}");
    response.json()
}

pub fn poll(url: &str, reg: &Registration, device_code: &str) -> Response {
    post_json(
        url,
        "/token",
        &reg.with(json!({"grantType": DEVICE_GRANT, "deviceCode": device_code})),
    )
}

/// A complete device-code sign-in against an emulator with auto-approve; the token response.
pub fn device_login(emu: &Emulator, scopes: &[&str]) -> Value {
    let reg = register(emu.url(), scopes);
    let device = start_device(emu.url(), &reg);
    let response = poll(emu.url(), &reg, device["deviceCode"].as_str().unwrap());
    assert_eq!(response.status, 200, "{response:?}");
    response.json()
}

#[derive(Debug, Clone)]
pub struct Creds {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

pub fn role_credentials(url: &str, token: &str, account: &str, role: &str) -> Creds {
    let response = portal_get(
        url,
        &format!("/federation/credentials?role_name={role}&account_id={account}"),
        token,
    );
    assert_eq!(response.status, 200, "{response:?}");
    let c = &response.json()["roleCredentials"];
    Creds {
        access_key_id: c["accessKeyId"].as_str().unwrap().into(),
        secret_access_key: c["secretAccessKey"].as_str().unwrap().into(),
        session_token: c["sessionToken"].as_str().map(String::from),
    }
}

pub fn static_user() -> Creds {
    Creds {
        access_key_id: "AKIAEMULATORSTATIC01".into(),
        secret_access_key: "emulatorStaticSecretKey0000000000000001".into(),
        session_token: None,
    }
}

/// SigV4 headers (`authorization`, `x-amz-date`, `x-amz-security-token`) for a request with
/// these headers, signed by `aws-sigv4`. Every given header is signed.
#[allow(clippy::too_many_arguments)] // one request's parts, spelled out for the call sites
pub fn sign(
    url: &str,
    creds: &Creds,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    service: &str,
    time: SystemTime,
) -> Vec<(String, String)> {
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
    let identity = aws_credential_types::Credentials::new(
        &creds.access_key_id,
        &creds.secret_access_key,
        creds.session_token.clone(),
        None,
        "test",
    )
    .into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name(service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let full = format!("{url}{target}");
    let request = SignableRequest::new(
        method,
        &full,
        headers.iter().copied(),
        SignableBody::Bytes(body),
    )
    .unwrap();
    let (instructions, _) = sign(request, &params).unwrap().into_parts();
    instructions
        .headers()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

pub const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// An STS POST signed like botocore: content-type and the body signed, service `sts`.
pub fn sts_post(url: &str, creds: &Creds, body: &str) -> Response {
    sts_post_with(url, creds, body, FORM, "sts", SystemTime::now())
}

pub fn sts_post_with(
    url: &str,
    creds: &Creds,
    body: &str,
    content_type: &str,
    service: &str,
    time: SystemTime,
) -> Response {
    let length = body.len().to_string();
    let base = [
        ("content-type", content_type),
        ("content-length", length.as_str()),
    ];
    let signed = sign(
        url,
        creds,
        "POST",
        "/",
        &base,
        body.as_bytes(),
        service,
        time,
    );
    let mut headers: Vec<(&str, &str)> = base.to_vec();
    headers.extend(signed.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    send(url, "POST", "/", &headers, body.as_bytes())
}

pub const GET_CALLER_IDENTITY: &str = "Action=GetCallerIdentity&Version=2011-06-15";

/// A TLS client stream over `tcp` that trusts only `ca_pem` and checks the certificate against
/// `server_name` (`127.0.0.1` or a host name). The handshake happens on first use.
pub fn tls_over(
    tcp: TcpStream,
    server_name: &str,
    ca_pem: &str,
) -> tokio_rustls::rustls::StreamOwned<tokio_rustls::rustls::ClientConnection, TcpStream> {
    use std::sync::Arc;
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls::pki_types::CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(server_name.to_string()).unwrap();
    let connection = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    rustls::StreamOwned::new(connection, tcp)
}

/// One request over HTTPS to `url` (`https://127.0.0.1:PORT`), trusting only `ca_pem`,
/// presenting `server_name` (SNI and the name checked). Errors are the client's: a refused
/// certificate comes back as the I/O error rustls gives.
pub fn tls_send(
    url: &str,
    ca_pem: &str,
    server_name: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Response> {
    let tcp = TcpStream::connect(host_port(url))?;
    tcp.set_read_timeout(Some(Duration::from_secs(20)))?;
    let mut tls = tls_over(tcp, server_name, ca_pem);
    let raw = request_bytes(host_port(url), method, target, headers, body);
    exchange(&mut tls, &raw)
}
