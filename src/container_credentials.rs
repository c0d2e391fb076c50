//! The container credentials endpoint of `exec --server` and `serve` (docs/compatibility.md,
//! "Credentials handed to other processes"): the HTTP protocol the AWS SDKs and the AWS CLI
//! speak to `AWS_CONTAINER_CREDENTIALS_FULL_URI` with `AWS_CONTAINER_AUTHORIZATION_TOKEN`
//! (botocore/credentials.py `ContainerProvider`, botocore/utils.py `ContainerMetadataFetcher`;
//! the JavaScript SDK's `fromHttp`).
//!
//! - It binds 127.0.0.1 only: over http the SDKs accept loopback, `localhost` and AWS's
//!   link-local addresses, nothing else, and no other machine should reach it.
//! - A request whose `Authorization` is not exactly the random token gets 401, whatever its
//!   path; then `GET /` is the only route (404, 405 otherwise).
//! - The credentials come from whoever started the endpoint ([`start`]'s `ask`), asked once
//!   per request on the thread that owns the session: the provider chain is synchronous and
//!   runs its requests on that session's runtime, so it never runs inside this server's.
//!   [`Answer::Credentials`] is 200 with `AccessKeyId`, `SecretAccessKey`, `Token`,
//!   `Expiration` (and `AccountId` when known); [`Answer::LoginRequired`] is 503
//!   `{"Code": "LoginRequired", "Message": "run: awsso sso login --profile P"}`;
//!   [`Answer::Failed`] is 500 with the error's one line (no error carries a secret).
//!
//! The server is hyper's HTTP/1 on a current-thread runtime in its own thread; it stops when
//! the [`Endpoint`] is dropped.

use std::convert::Infallible;
use std::net::TcpListener as StdListener;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{Map, Value};

use crate::credentials::Credentials;
use crate::error::Error;
use crate::secret::Secret;
use crate::timestamp::Timestamp;

/// The variables that point the SDKs at the endpoint.
pub const FULL_URI_VAR: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
pub const TOKEN_VAR: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";

/// How much life the credentials of every answer have left at least: less than the SDKs'
/// own refresh margins (botocore refreshes container credentials with 15 minutes left, and
/// must at 10), so they come back for new ones before these run out.
pub const MIN_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// The `Expiration` given for credentials that do not expire (long-term keys): the SDKs
/// require one, and ask again when it passes.
const STATIC_KEYS_LIFETIME: f64 = 3600.0;

/// Why the endpoint could not start (255).
#[derive(Debug, thiserror::Error)]
pub enum EndpointError {
    #[error("Unable to listen on 127.0.0.1:{port}: {}", crate::python::os_error_str(.source, None))]
    Bind { port: u16, source: std::io::Error },
    #[error("Unable to start the credentials endpoint: {0}")]
    Start(std::io::Error),
}

impl From<EndpointError> for Error {
    fn from(e: EndpointError) -> Self {
        Error::Other(Box::new(e))
    }
}

/// What one request is answered with.
#[derive(Debug)]
pub enum Answer {
    Credentials(Credentials),
    /// Only a browser login can help: `login_command` is the command to run.
    LoginRequired {
        login_command: String,
    },
    /// Any other failure, as one line.
    Failed {
        message: String,
    },
}

/// One request waiting for its answer.
pub struct Ask {
    reply: tokio::sync::oneshot::Sender<Answer>,
}

impl Ask {
    /// Answers the request (a request whose client went away takes it and drops it).
    pub fn answer(self, answer: Answer) {
        let _ = self.reply.send(answer);
    }
}

/// A running endpoint. Dropping it stops the server and closes its port.
pub struct Endpoint {
    url: String,
    token: Secret,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Endpoint {
    /// `http://127.0.0.1:PORT/`, the value of [`FULL_URI_VAR`].
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The value of [`TOKEN_VAR`] and of every request's `Authorization`.
    pub fn token(&self) -> &Secret {
        &self.token
    }
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts the endpoint on `127.0.0.1:port` (0: a free port) with a new random token. Each
/// request that passes the token check calls `ask` once, from the server's thread; the
/// request waits until the [`Ask`] is answered.
pub fn start(port: u16, ask: impl Fn(Ask) + Send + Sync + 'static) -> Result<Endpoint, Error> {
    let listener = StdListener::bind(("127.0.0.1", port))
        .map_err(|source| EndpointError::Bind { port, source })?;
    let port = listener.local_addr().map_err(EndpointError::Start)?.port();
    listener
        .set_nonblocking(true)
        .map_err(EndpointError::Start)?;
    let token = new_token();
    let state = Arc::new(State {
        authorization: HeaderValue::from_str(token.expose_secret()).expect("hex is a header value"),
        ask: Box::new(ask),
    });
    let runtime = crate::http::runtime()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("credentials endpoint".into())
        .spawn(move || runtime.block_on(serve(listener, state, stopped)))
        .map_err(EndpointError::Start)?;
    Ok(Endpoint {
        url: format!("http://127.0.0.1:{port}/"),
        token,
        stop: Some(stop),
        thread: Some(thread),
    })
}

/// 32 random bytes as hex: a header value the SDKs send as it is.
fn new_token() -> Secret {
    Secret::new(hex::encode(rand::random::<[u8; 32]>()))
}

struct State {
    authorization: HeaderValue,
    ask: Box<dyn Fn(Ask) + Send + Sync>,
}

/// Accepts connections until `stopped`, each served on its own task (HTTP/1 keep-alive, as
/// the SDKs' connection pools use it).
async fn serve(
    listener: StdListener,
    state: Arc<State>,
    mut stopped: tokio::sync::oneshot::Receiver<()>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors and the like: wait, and go on.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stopped => return,
        };
        let _ = stream.set_nodelay(true);
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let state = Arc::clone(&state);
                async move { Ok::<_, Infallible>(respond(&state, request).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn respond(state: &State, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let authorized = request
        .headers()
        .get(AUTHORIZATION)
        .is_some_and(|value| same_bytes(value.as_bytes(), state.authorization.as_bytes()));
    if !authorized {
        return json(
            StatusCode::UNAUTHORIZED,
            &error_body(
                "AccessDenied",
                "The Authorization header is not the endpoint's AWS_CONTAINER_AUTHORIZATION_TOKEN",
            ),
        );
    }
    if request.uri().path() != "/" {
        return json(StatusCode::NOT_FOUND, &error_body("NotFound", "Not found"));
    }
    if request.method() != Method::GET {
        return json(
            StatusCode::METHOD_NOT_ALLOWED,
            &error_body("MethodNotAllowed", "Only GET is served"),
        );
    }
    let (reply, answered) = tokio::sync::oneshot::channel();
    (state.ask)(Ask { reply });
    let answer = answered.await.unwrap_or_else(|_| Answer::Failed {
        message: "awsso stopped before it could answer".to_owned(),
    });
    match answer {
        Answer::Credentials(credentials) => json(
            StatusCode::OK,
            &credentials_body(&credentials, SystemTime::now()),
        ),
        Answer::LoginRequired { login_command } => json(
            StatusCode::SERVICE_UNAVAILABLE,
            &error_body("LoginRequired", &format!("run: {login_command}")),
        ),
        Answer::Failed { message } => json(
            StatusCode::INTERNAL_SERVER_ERROR,
            &error_body("CredentialsUnavailable", &message),
        ),
    }
}

/// Compares the whole of both, so the time taken says nothing about where they differ.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn json(status: StatusCode, body: &Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(crate::cache::python_json(body))));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn error_body(code: &str, message: &str) -> Value {
    let mut body = Map::new();
    body.insert("Code".into(), code.into());
    body.insert("Message".into(), message.into());
    Value::Object(body)
}

/// The answer's JSON: `Token` and `Expiration` always (the SDKs require them; long-term keys
/// get an empty token and an hour), `Expiration` as botocore writes its caches.
pub fn credentials_body(credentials: &Credentials, now: SystemTime) -> Value {
    let expiration = credentials
        .expiration
        .or_else(|| Timestamp::after_seconds(now, STATIC_KEYS_LIFETIME))
        .map(|at| at.to_cache_string())
        .unwrap_or_default();
    let mut body = Map::new();
    body.insert(
        "AccessKeyId".into(),
        credentials.access_key_id.clone().into(),
    );
    body.insert(
        "SecretAccessKey".into(),
        credentials.secret_access_key.expose_secret().into(),
    );
    body.insert(
        "Token".into(),
        credentials
            .session_token
            .as_ref()
            .map_or("", Secret::expose_secret)
            .into(),
    );
    body.insert("Expiration".into(), expiration.into());
    if let Some(account) = &credentials.account_id {
        body.insert("AccountId".into(), account.clone().into());
    }
    Value::Object(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Source;
    use std::io::{Read, Write};

    fn get(url: &str, authorization: Option<&str>, path: &str) -> (u16, String) {
        let address = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        let mut request =
            format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
        if let Some(value) = authorization {
            request.push_str(&format!("Authorization: {value}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        let status = reply[9..12].parse().unwrap();
        let body = reply.split_once("\r\n\r\n").unwrap().1.to_owned();
        (status, body)
    }

    #[test]
    fn answers_need_the_exact_token() {
        let endpoint = start(0, |ask| {
            ask.answer(Answer::LoginRequired {
                login_command: "awsso sso login --profile dev".into(),
            })
        })
        .unwrap();
        let url = endpoint.url().to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        let token = endpoint.token().expose_secret().to_owned();
        assert_eq!(token.len(), 64);
        for wrong in [None, Some(""), Some(&token[1..]), Some("Bearer x")] {
            assert_eq!(get(&url, wrong, "/").0, 401, "{wrong:?}");
        }
        assert_eq!(get(&url, None, "/other").0, 401);
        assert_eq!(get(&url, Some(&token), "/other").0, 404);
        assert_eq!(
            get(&url, Some(&token), "/"),
            (
                503,
                r#"{"Code": "LoginRequired", "Message": "run: awsso sso login --profile dev"}"#
                    .to_owned()
            )
        );
        drop(endpoint);
        let address = url.trim_start_matches("http://").trim_end_matches('/');
        assert!(std::net::TcpStream::connect(address).is_err(), "closed");
    }

    #[test]
    fn credentials_are_answered_as_the_sdks_read_them() {
        let now = SystemTime::from(Timestamp::parse("2030-01-01T00:00:00Z").unwrap().utc());
        let temporary = Credentials::new(
            "ASIAX",
            "secret",
            Some(Secret::new("token")),
            Timestamp::parse("2030-01-01T01:00:00Z"),
            Source::Sso,
        )
        .with_account(Some("111122223333".into()));
        assert_eq!(
            crate::cache::python_json(&credentials_body(&temporary, now)),
            r#"{"AccessKeyId": "ASIAX", "SecretAccessKey": "secret", "Token": "token", "Expiration": "2030-01-01T01:00:00Z", "AccountId": "111122223333"}"#
        );
        let long_term = Credentials::new("AKIAX", "secret", None, None, Source::ConfigFile);
        assert_eq!(
            crate::cache::python_json(&credentials_body(&long_term, now)),
            r#"{"AccessKeyId": "AKIAX", "SecretAccessKey": "secret", "Token": "", "Expiration": "2030-01-01T01:00:00Z"}"#
        );
    }
}
