//! The loopback listener of the PKCE login (docs/compatibility.md, "Login"): bound to
//! 127.0.0.1 only (v2 binds every interface; we don't) on a random port before the browser
//! opens. A GET of `/oauth/callback` with `code` and the right `state` ends the wait with
//! the code; a wrong `state` or an `error` parameter ends it with v2's errors; any other
//! path gets 404 and the wait goes on. Each connection is served on its own task, so an
//! idle browser pre-connect cannot stall the real redirect.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use crate::error::Error;
use crate::secret::Secret;

/// How long one connection may take to send its request (v2's per-request timeout).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Larger request heads are refused.
const MAX_REQUEST_HEAD: usize = 16 * 1024;

/// Why the wait for the browser's redirect ended without a code.
#[derive(Debug, thiserror::Error)]
pub enum CallbackError {
    /// The listener could not be set up (a general error, 255).
    #[error("Unable to initialize the OAuth 2.0 authorization callback handler: {0} \n You may use --use-device-code to fall back to the device code flow which does not require the callback handler.")]
    Unavailable(std::io::Error),
    /// A redirect whose `state` is not this login's (v2's `AuthCodeFetcherError`, 255).
    #[error("Error loading authorization code: State parameter does not match expected value.")]
    StateMismatch,
    /// A redirect with an `error` parameter: the user denied access, or the portal failed.
    #[error("Error loading authorization code: Failed to retrieve an authorization code.")]
    NoCode,
}

impl From<CallbackError> for Error {
    fn from(e: CallbackError) -> Self {
        match e {
            CallbackError::Unavailable(_) => Error::Other(Box::new(e)),
            CallbackError::StateMismatch | CallbackError::NoCode => Error::Token(Box::new(e)),
        }
    }
}

type Result<T, E = CallbackError> = std::result::Result<T, E>;

/// What one request to the listener means for the login.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Callback {
    /// The authorization code, with the expected state.
    Code(Secret),
    /// `state` did not match.
    StateMismatch,
    /// The service redirected with `error=...`.
    Denied,
    /// `/oauth/callback` without the parameters needed: answered 400, the wait goes on.
    Incomplete,
    /// Another path or method: answered 404 (405), the wait goes on.
    NotFound,
}

/// The first two words of a request head's first line: the method and the request target.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestLine {
    pub method: String,
    pub target: String,
}

impl RequestLine {
    /// Reads the request line of a raw head as the listener received it (bytes that are not
    /// UTF-8 replaced; missing words empty). Pure.
    pub fn parse(head: &[u8]) -> RequestLine {
        let text = String::from_utf8_lossy(head);
        let mut words = text.lines().next().unwrap_or_default().split_whitespace();
        RequestLine {
            method: words.next().unwrap_or_default().to_owned(),
            target: words.next().unwrap_or_default().to_owned(),
        }
    }
}

/// Whether `head` holds a whole request head: a blank line (`\r\n\r\n`, or `\n\n` from a
/// lax client) has arrived.
pub fn head_is_complete(head: &[u8]) -> bool {
    head.windows(4).any(|w| w == b"\r\n\r\n") || head.windows(2).any(|w| w == b"\n\n")
}

/// Reads a request line's method and target against the expected state. Pure.
pub fn interpret(method: &str, target: &str, expected_state: &str) -> Callback {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if method != "GET" || path != "/oauth/callback" {
        return Callback::NotFound;
    }
    let mut code = None;
    let mut state = None;
    let mut error = false;
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "code" if code.is_none() => code = Some(value.into_owned()),
            "state" if state.is_none() => state = Some(value.into_owned()),
            "error" => error = true,
            _ => {}
        }
    }
    if error {
        return Callback::Denied;
    }
    match (code, state) {
        (Some(code), Some(state)) if state == expected_state => Callback::Code(Secret::new(code)),
        (Some(_), Some(_)) => Callback::StateMismatch,
        _ => Callback::Incomplete,
    }
}

/// The listener of one PKCE login.
pub struct CallbackListener {
    listener: TcpListener,
    port: u16,
}

impl CallbackListener {
    /// Binds `127.0.0.1:0`. Must run inside the runtime.
    pub async fn bind() -> Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(CallbackError::Unavailable)?;
        let port = listener
            .local_addr()
            .map_err(CallbackError::Unavailable)?
            .port();
        Ok(CallbackListener { listener, port })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves requests until one ends the wait. The listener is closed when this returns
    /// (or when the future is dropped, e.g. on Ctrl-C), so the port refuses connections.
    /// The overall deadline is the caller's (600 s in v2).
    pub async fn wait_for_code(self, expected_state: &str) -> Result<Secret> {
        let (tx, mut rx) = mpsc::channel::<Callback>(16);
        loop {
            tokio::select! {
                accepted = self.listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    let tx = tx.clone();
                    let state = expected_state.to_owned();
                    tokio::spawn(async move {
                        if let Ok(Ok(outcome)) =
                            tokio::time::timeout(REQUEST_TIMEOUT, serve(stream, &state)).await
                        {
                            let _ = tx.send(outcome).await;
                        }
                    });
                }
                Some(outcome) = rx.recv() => match outcome {
                    Callback::Code(code) => return Ok(code),
                    Callback::StateMismatch => return Err(CallbackError::StateMismatch),
                    Callback::Denied => return Err(CallbackError::NoCode),
                    Callback::Incomplete | Callback::NotFound => {}
                },
            }
        }
    }
}

/// Reads one request head, answers it, and says what it meant. The answer is fully written
/// before the outcome is reported, so the browser shows the page.
async fn serve(mut stream: TcpStream, expected_state: &str) -> std::io::Result<Callback> {
    let _ = stream.set_nodelay(true);
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    while !head_is_complete(&head) {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
        if head.len() > MAX_REQUEST_HEAD {
            respond(
                &mut stream,
                431,
                "Request Header Fields Too Large",
                FAILURE_PAGE,
            )
            .await?;
            return Ok(Callback::NotFound);
        }
    }
    let RequestLine { method, target } = RequestLine::parse(&head);
    let outcome = interpret(&method, &target, expected_state);
    match &outcome {
        Callback::Code(_) => respond(&mut stream, 200, "OK", SUCCESS_PAGE).await?,
        Callback::StateMismatch | Callback::Denied | Callback::Incomplete => {
            respond(&mut stream, 400, "Bad Request", FAILURE_PAGE).await?
        }
        Callback::NotFound if method == "GET" || method == "HEAD" => {
            respond(&mut stream, 404, "Not Found", NOT_FOUND_PAGE).await?
        }
        Callback::NotFound => {
            respond(&mut stream, 405, "Method Not Allowed", NOT_FOUND_PAGE).await?
        }
    }
    Ok(outcome)
}

async fn respond(
    stream: &mut TcpStream,
    status: u16,
    reason: &str,
    body: &str,
) -> std::io::Result<()> {
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nServer: awsso/{}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        env!("CARGO_PKG_VERSION"),
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.flush().await?;
    let _ = stream.shutdown().await;
    Ok(())
}

const SUCCESS_PAGE: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in to AWS</title></head>\n<body style=\"font-family: sans-serif; max-width: 40em; margin: 4em auto\">\n<h1>Sign in to AWS</h1>\n<p>Your credentials have been shared successfully and can be used until your session expires. You can now close this tab.</p>\n</body></html>\n";

const FAILURE_PAGE: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in to AWS</title></head>\n<body style=\"font-family: sans-serif; max-width: 40em; margin: 4em auto\">\n<h1>Sign in to AWS</h1>\n<p>The sign-in did not complete. Return to your terminal for details, then run the login again.</p>\n</body></html>\n";

const NOT_FOUND_PAGE: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not Found</title></head><body><p>Not Found</p></body></html>\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_requests_are_interpreted() {
        let s = "st-1";
        assert_eq!(
            interpret("GET", "/oauth/callback?code=abc%2Bd&state=st-1", s),
            Callback::Code("abc+d".into())
        );
        assert_eq!(
            interpret("GET", "/oauth/callback?state=st-1&code=abc", s),
            Callback::Code("abc".into())
        );
        assert_eq!(
            interpret("GET", "/oauth/callback?code=abc&state=other", s),
            Callback::StateMismatch
        );
        assert_eq!(
            interpret("GET", "/oauth/callback?error=access_denied&state=st-1", s),
            Callback::Denied
        );
        assert_eq!(
            interpret("GET", "/oauth/callback?code=abc", s),
            Callback::Incomplete
        );
        assert_eq!(interpret("GET", "/favicon.ico", s), Callback::NotFound);
        assert_eq!(
            interpret("GET", "/?code=a&state=st-1", s),
            Callback::NotFound
        );
        assert_eq!(
            interpret("POST", "/oauth/callback?code=a&state=st-1", s),
            Callback::NotFound
        );
    }

    #[test]
    fn request_heads_are_read_to_their_request_line() {
        assert_eq!(
            RequestLine::parse(b"GET /oauth/callback?code=a HTTP/1.1\r\nHost: x\r\n\r\n"),
            RequestLine {
                method: "GET".into(),
                target: "/oauth/callback?code=a".into()
            }
        );
        assert_eq!(
            RequestLine::parse(b"\xffGET\t/x"),
            RequestLine {
                method: "\u{fffd}GET".into(),
                target: "/x".into()
            }
        );
        assert_eq!(RequestLine::parse(b""), RequestLine::default());
        assert!(head_is_complete(b"GET / HTTP/1.1\r\n\r\n"));
        assert!(head_is_complete(b"GET /\n\n"));
        assert!(!head_is_complete(b"GET / HTTP/1.1\r\nHost: x\r\n"));
    }

    #[test]
    fn listener_answers_and_reports() {
        let rt = crate::http::runtime().unwrap();
        rt.block_on(async {
            let listener = CallbackListener::bind().await.unwrap();
            let port = listener.port();
            let wait = tokio::spawn(async move { listener.wait_for_code("st").await });
            let get = |path: &'static str| async move {
                let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
                stream
                    .write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
                    .await
                    .unwrap();
                let mut reply = String::new();
                stream.read_to_string(&mut reply).await.unwrap();
                reply
            };
            // An idle connection does not block the others.
            let _idle = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
            assert!(get("/favicon.ico")
                .await
                .starts_with("HTTP/1.1 404 Not Found\r\n"));
            let reply = get("/oauth/callback?code=c0de&state=st").await;
            assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
            assert!(reply.contains("You can now close this tab."));
            assert_eq!(wait.await.unwrap().unwrap().expose_secret(), "c0de");
            // The listener is gone with the wait.
            assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
        });
    }
}
