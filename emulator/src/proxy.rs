//! A forward proxy on 127.0.0.1 for tests of `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`:
//! `CONNECT host:port` opens a tunnel (bytes pass both ways untouched, TLS included), and an
//! absolute-form request (`GET http://host:port/path HTTP/1.1`) is forwarded to its origin in
//! origin form. It can demand `Proxy-Authorization: Basic` credentials (407 otherwise), and it
//! records every request line, so a test can assert which requests went through it and which
//! did not. It connects wherever it is asked: a tool for loopback tests, not a real proxy.
//!
//! ```no_run
//! use awsso_emulator::proxy::{Proxy, ProxyOptions};
//! let proxy = Proxy::start(ProxyOptions::default().basic_auth("user", "secret"));
//! println!("export HTTPS_PROXY={}", proxy.url_with_credentials().unwrap());
//! // ... run the client ...
//! assert_eq!(proxy.request_lines(), ["CONNECT 127.0.0.1:4443"]);
//! ```

use std::io;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The longest request head the proxy reads before answering 400.
const MAX_HEAD: usize = 64 * 1024;

/// Headers that concern this hop only and are not forwarded to an origin.
const HOP_BY_HOP: [&str; 4] = [
    "proxy-authorization",
    "proxy-connection",
    "connection",
    "keep-alive",
];

/// How the proxy starts. `ProxyOptions::default()` lets every request through.
#[derive(Clone, Default)]
pub struct ProxyOptions {
    credentials: Option<(String, String)>,
    port: u16,
}

impl ProxyOptions {
    /// Requires `Proxy-Authorization: Basic base64(user:password)` on every request; others
    /// get 407 with `Proxy-Authenticate: Basic realm="awsso-emulator"`.
    pub fn basic_auth(mut self, user: &str, password: &str) -> Self {
        self.credentials = Some((user.to_string(), password.to_string()));
        self
    }

    /// The port on 127.0.0.1 (default 0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }
}

impl std::fmt::Debug for ProxyOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyOptions")
            .field("user", &self.credentials.as_ref().map(|(user, _)| user))
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

/// One request the proxy received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyRequest {
    /// `CONNECT`, `GET`, `POST`, ...
    pub method: String,
    /// As sent: `127.0.0.1:4443` for CONNECT, `http://127.0.0.1:1234/path` for a forward.
    pub target: String,
    /// Header names lower-case, in arrival order (`proxy-authorization` included).
    pub headers: Vec<(String, String)>,
    /// What the proxy itself answered: 200 for an established tunnel, 400 for a request it
    /// cannot handle, 407 for missing or wrong credentials, 502 when the origin could not be
    /// reached; `None` when it forwarded a request and the origin answered.
    pub status: Option<u16>,
}

impl ProxyRequest {
    /// `"METHOD target"`, e.g. `"CONNECT 127.0.0.1:4443"` or `"POST http://127.0.0.1:1234/"`.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.target)
    }

    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct Shared {
    requests: Mutex<Vec<ProxyRequest>>,
    /// `user:password`, when credentials are required.
    credentials: Option<String>,
}

impl Shared {
    fn requests(&self) -> MutexGuard<'_, Vec<ProxyRequest>> {
        self.requests.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running proxy. Dropping it closes its port and every tunnel.
pub struct Proxy {
    url: String,
    credentials: Option<(String, String)>,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Proxy {
    /// Starts on 127.0.0.1 on its own thread and runtime.
    ///
    /// # Panics
    /// If the port cannot be bound; use [`Proxy::try_start`] to handle that.
    pub fn start(options: ProxyOptions) -> Proxy {
        Self::try_start(options).expect("start the proxy")
    }

    /// Starts on 127.0.0.1, or says why the port could not be bound.
    pub fn try_start(options: ProxyOptions) -> io::Result<Proxy> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", options.port))?;
        listener.set_nonblocking(true)?;
        let url = format!("http://127.0.0.1:{}", listener.local_addr()?.port());
        let shared = Arc::new(Shared {
            requests: Mutex::new(Vec::new()),
            credentials: options
                .credentials
                .as_ref()
                .map(|(user, password)| format!("{user}:{password}")),
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = shared.clone();
        let thread = std::thread::Builder::new()
            .name("awsso-emulator-proxy".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let Ok(listener) = TcpListener::from_std(listener) else {
                        return;
                    };
                    tokio::select! {
                        _ = accept_loop(listener, serving) => {}
                        _ = stopped => {}
                    }
                });
                // Dropping the runtime here ends every tunnel.
            })?;
        Ok(Proxy {
            url,
            credentials: options.credentials,
            shared,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`, for `HTTPS_PROXY` and `HTTP_PROXY`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `http://USER:PASSWORD@127.0.0.1:PORT` (percent-encoded) when credentials are required.
    pub fn url_with_credentials(&self) -> Option<String> {
        let (user, password) = self.credentials.as_ref()?;
        let encode = |text: &str| {
            percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
        };
        let host = self.url.strip_prefix("http://").unwrap_or(&self.url);
        Some(format!(
            "http://{}:{}@{host}",
            encode(user),
            encode(password)
        ))
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<ProxyRequest> {
        self.shared.requests().clone()
    }

    /// `"METHOD target"` of every request so far.
    pub fn request_lines(&self) -> Vec<String> {
        self.shared
            .requests()
            .iter()
            .map(ProxyRequest::line)
            .collect()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.shared.requests().clear();
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy").field("url", &self.url).finish()
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of descriptors and the like: wait for connections to close.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(serve(stream, shared.clone()));
    }
}

/// A request head: method, target, headers, and the bytes read past it.
struct Head {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    rest: Vec<u8>,
}

/// Reads up to the blank line ending the head. `Err(true)` when the head was malformed or too
/// long (worth a 400), `Err(false)` when the client went away.
async fn read_head(stream: &mut TcpStream) -> Result<Head, bool> {
    let mut bytes = Vec::new();
    let mut buf = [0u8; 4096];
    let end = loop {
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        if bytes.len() > MAX_HEAD {
            return Err(true);
        }
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return Err(false),
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
        }
    };
    let text = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let mut lines = text.split("\r\n");
    let words: Vec<&str> = lines.next().unwrap_or_default().split(' ').collect();
    let [method, target, version] = words[..] else {
        return Err(true);
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || target.is_empty() {
        return Err(true);
    }
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Ok(Head {
        method: method.to_string(),
        target: target.to_string(),
        headers,
        rest: bytes[end + 4..].to_vec(),
    })
}

/// Whether the head carries the required `Proxy-Authorization: Basic` credentials.
fn authorized(shared: &Shared, head: &Head) -> bool {
    let Some(expected) = &shared.credentials else {
        return true;
    };
    let Some((_, value)) = head
        .headers
        .iter()
        .find(|(n, _)| n == "proxy-authorization")
    else {
        return false;
    };
    let Some((scheme, encoded)) = value.split_once(' ') else {
        return false;
    };
    scheme.eq_ignore_ascii_case("basic")
        && base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .is_ok_and(|decoded| decoded == expected.as_bytes())
}

async fn answer(stream: &mut TcpStream, status: u16, reason: &str, extra: &str) {
    let text = format!(
        "HTTP/1.1 {status} {reason}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
    let _ = stream.write_all(text.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// `host:port` and the origin-form request line target of an absolute-form `http://` target.
fn origin(target: &str) -> Option<(String, String)> {
    let url = url::Url::parse(target).ok()?;
    if url.scheme() != "http" {
        return None;
    }
    let host = url.host_str()?;
    let port = url.port_or_known_default()?;
    let mut path = url.path().to_string();
    if let Some(query) = url.query() {
        path.push('?');
        path.push_str(query);
    }
    Some((format!("{host}:{port}"), path))
}

async fn serve(mut client: TcpStream, shared: Arc<Shared>) {
    let head = match read_head(&mut client).await {
        Ok(head) => head,
        Err(true) => return answer(&mut client, 400, "Bad Request", "").await,
        Err(false) => return,
    };
    let record = |status: Option<u16>| {
        shared.requests().push(ProxyRequest {
            method: head.method.clone(),
            target: head.target.clone(),
            headers: head.headers.clone(),
            status,
        });
    };
    if !authorized(&shared, &head) {
        record(Some(407));
        let challenge = "Proxy-Authenticate: Basic realm=\"awsso-emulator\"\r\n";
        return answer(&mut client, 407, "Proxy Authentication Required", challenge).await;
    }
    if head.method.eq_ignore_ascii_case("CONNECT") {
        let Ok(mut upstream) = TcpStream::connect(&head.target).await else {
            record(Some(502));
            return answer(&mut client, 502, "Bad Gateway", "").await;
        };
        record(Some(200));
        let _ = upstream.set_nodelay(true);
        let established = b"HTTP/1.1 200 Connection established\r\n\r\n";
        if client.write_all(established).await.is_err()
            || upstream.write_all(&head.rest).await.is_err()
        {
            return;
        }
        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
        return;
    }
    let Some((address, path)) = origin(&head.target) else {
        record(Some(400));
        return answer(&mut client, 400, "Bad Request", "").await;
    };
    let Ok(mut upstream) = TcpStream::connect(&address).await else {
        record(Some(502));
        return answer(&mut client, 502, "Bad Gateway", "").await;
    };
    record(None);
    let _ = upstream.set_nodelay(true);
    // One request per connection: the origin is told to close after answering, which tells
    // the client too, so a second request never reaches this origin unrewritten.
    let mut forwarded = format!("{} {path} HTTP/1.1\r\n", head.method);
    if !head.headers.iter().any(|(n, _)| n == "host") {
        forwarded.push_str(&format!("Host: {address}\r\n"));
    }
    for (name, value) in &head.headers {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            forwarded.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    forwarded.push_str("Connection: close\r\n\r\n");
    if upstream.write_all(forwarded.as_bytes()).await.is_err()
        || upstream.write_all(&head.rest).await.is_err()
    {
        return;
    }
    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_form_targets_become_origin_form() {
        assert_eq!(
            origin("http://127.0.0.1:1234/a/b?x=1"),
            Some(("127.0.0.1:1234".into(), "/a/b?x=1".into()))
        );
        assert_eq!(
            origin("http://example.com"),
            Some(("example.com:80".into(), "/".into()))
        );
        for bad in ["/path", "https://127.0.0.1/", "127.0.0.1:80", "http://"] {
            assert_eq!(origin(bad), None, "{bad}");
        }
    }

    #[test]
    fn basic_credentials_are_checked_exactly() {
        let shared = Shared {
            requests: Mutex::new(Vec::new()),
            credentials: Some("user:p@ss:word".into()),
        };
        let head = |value: &str| Head {
            method: "CONNECT".into(),
            target: "x:1".into(),
            headers: vec![("proxy-authorization".into(), value.into())],
            rest: Vec::new(),
        };
        let good = base64::engine::general_purpose::STANDARD.encode("user:p@ss:word");
        assert!(authorized(&shared, &head(&format!("Basic {good}"))));
        assert!(authorized(&shared, &head(&format!("basic {good}"))));
        for bad in [
            format!("Bearer {good}"),
            "Basic".to_string(),
            "Basic !!!".to_string(),
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode("user:other")
            ),
        ] {
            assert!(!authorized(&shared, &head(&bad)), "{bad}");
        }
        let mut none = head("");
        none.headers.clear();
        assert!(!authorized(&shared, &none));
    }
}
