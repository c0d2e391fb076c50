//! Response builders shaped like AWS's: status, `x-amzn-ErrorType`, bodies per protocol; and
//! the hostile answers of `Faults::raw_next`, whose bodies are generated while they stream.
//! `x-amzn-RequestId` is added to every response by the dispatcher in `server.rs`.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::http::{header, HeaderName, HeaderValue, Response, StatusCode};
use bytes::Bytes;
use http_body::{Frame, SizeHint};

use crate::faults::{self, RawAnswer};

pub type Reply = Response<Body>;

/// The suffix real SSO OIDC appends to `x-amzn-ErrorType` (seen in botocore debug logs).
const OIDC_ERROR_SUFFIX: &str = ":http://internal.amazon.com/coral/com.amazonaws.sso.oidc/";

/// STS's XML namespace (`xmlNamespace` in the service model).
pub const STS_NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn with_body(code: u16, content_type: &str, body: impl Into<Body>) -> Reply {
    let mut response = Response::new(body.into());
    *response.status_mut() = status(code);
    if let Ok(value) = HeaderValue::from_str(content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

fn set_error_type(response: &mut Reply, error_type: &str) {
    if let Ok(value) = HeaderValue::from_str(error_type) {
        response.headers_mut().insert("x-amzn-ErrorType", value);
    }
}

/// 200 with a JSON body.
pub fn json(value: &serde_json::Value) -> Reply {
    with_body(200, "application/json", value.to_string())
}

/// 200 with a JSON body given as text (for values serde_json cannot hold, such as a raw
/// number of any size).
pub fn json_text(text: String) -> Reply {
    with_body(200, "application/json", text)
}

/// Any status with a body of this content type.
pub fn text(code: u16, content_type: &str, body: String) -> Reply {
    with_body(code, content_type, body)
}

/// 200 with no body (portal Logout).
pub fn empty_ok() -> Reply {
    let mut response = Response::new(Body::empty());
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
    response
}

/// An SSO OIDC error: `{"error","error_description"}` and the coral-suffixed error type.
pub fn oidc_error(code: u16, exception: &str, error: &str, description: &str) -> Reply {
    let body = serde_json::json!({"error": error, "error_description": description});
    let mut response = with_body(code, "application/json", body.to_string());
    set_error_type(&mut response, &format!("{exception}{OIDC_ERROR_SUFFIX}"));
    response
}

/// A portal error: `{"message"}`.
pub fn portal_error(code: u16, exception: &str, message: &str) -> Reply {
    let body = serde_json::json!({ "message": message });
    let mut response = with_body(code, "application/json", body.to_string());
    set_error_type(&mut response, exception);
    response
}

/// The portal's answer to a missing, unknown, expired or revoked bearer token.
pub fn unauthorized() -> Reply {
    portal_error(
        401,
        "UnauthorizedException",
        "Session token not found or invalid",
    )
}

/// A 200 awsQuery response: `<{Action}Response>` with `<{Action}Result>` and the request id.
pub fn sts_result(action: &str, result_xml: &str, request_id: &str) -> Reply {
    let body = format!(
        "<{action}Response xmlns=\"{STS_NAMESPACE}\">\n  <{action}Result>\n{result_xml}  </{action}Result>\n  <ResponseMetadata>\n    <RequestId>{request_id}</RequestId>\n  </ResponseMetadata>\n</{action}Response>\n"
    );
    with_body(200, "text/xml", body)
}

/// An awsQuery error: `ErrorResponse` with `Error/{Type,Code,Message}` and `RequestId` as a
/// direct child. `Type` is `Sender` for 4xx, `Receiver` for 5xx.
pub fn sts_error(code: u16, error_code: &str, message: &str, request_id: &str) -> Reply {
    let kind = if code >= 500 { "Receiver" } else { "Sender" };
    let body = format!(
        "<ErrorResponse xmlns=\"{STS_NAMESPACE}\">\n  <Error>\n    <Type>{kind}</Type>\n    <Code>{}</Code>\n    <Message>{}</Message>\n  </Error>\n  <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n",
        xml_escape(error_code),
        xml_escape(message)
    );
    with_body(code, "text/xml", body)
}

/// A status with an empty body (a 503 from a load balancer, a 413).
pub fn bare(code: u16) -> Reply {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status(code);
    response
}

/// A small HTML page for the browser routes.
pub fn html(code: u16, title: &str, message: &str) -> Reply {
    let body = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{0}</title></head>\n<body><h1>{0}</h1><p>{1}</p></body></html>\n",
        xml_escape(title),
        xml_escape(message)
    );
    with_body(code, "text/html; charset=utf-8", body)
}

/// 302 to `location`.
pub fn redirect(location: &str) -> Reply {
    let mut response = bare(302);
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Escapes text for XML and HTML element content (quotes need no escape there).
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// A [`RawAnswer`] as given: status, content type, headers, body.
pub fn raw(answer: RawAnswer) -> Reply {
    let body = match answer.body {
        faults::Body::Bytes(bytes) => Body::from(bytes),
        faults::Body::Repeat { chunk, total } => {
            Body::new(Generated::new(vec![(chunk.as_slice(), total)]))
        }
        faults::Body::NestedXml { depth } => Body::new(Generated::new(vec![
            (b"<a>".as_slice(), Some(depth.saturating_mul(3))),
            (b"</a>".as_slice(), Some(depth.saturating_mul(4))),
        ])),
    };
    let mut response = Response::new(body);
    *response.status_mut() = status(answer.status);
    if let Some(value) = answer
        .content_type
        .and_then(|c| HeaderValue::from_str(&c).ok())
    {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    for (name, value) in answer.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    response
}

/// Each frame a generated body sends: big enough that sending costs little per byte, small
/// enough that the emulator's memory does not notice.
const BLOCK: usize = 64 * 1024;

/// A body generated while it streams: parts, each a pattern repeated to a number of bytes
/// (or endlessly). Each part holds one block of its pattern, handed out again and again
/// (cloning `Bytes` is a reference count), so memory stays at one block per part whatever
/// the length. hyper asks for the next frame only when the socket took the last one, so a
/// slow or stopped reader holds the generator back.
struct Generated {
    parts: VecDeque<Part>,
}

struct Part {
    /// Whole repetitions of the pattern, so consecutive blocks continue it seamlessly.
    block: Bytes,
    /// Bytes still to send; `None` for no end.
    remaining: Option<u64>,
}

impl Generated {
    fn new(parts: Vec<(&[u8], Option<u64>)>) -> Generated {
        let parts = parts
            .into_iter()
            .filter(|(pattern, remaining)| !pattern.is_empty() && *remaining != Some(0))
            .map(|(pattern, remaining)| {
                let repetitions = BLOCK.div_ceil(pattern.len());
                Part {
                    block: Bytes::from(pattern.repeat(repetitions)),
                    remaining,
                }
            })
            .collect();
        Generated { parts }
    }
}

impl http_body::Body for Generated {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let Some(part) = self.parts.front_mut() else {
            return Poll::Ready(None);
        };
        let frame = match part.remaining {
            None => part.block.clone(),
            Some(remaining) => {
                let take = remaining.min(part.block.len() as u64);
                part.remaining = Some(remaining - take);
                // take <= BLOCK, so the cast cannot truncate.
                part.block.slice(..take as usize)
            }
        };
        if part.remaining == Some(0) {
            self.parts.pop_front();
        }
        Poll::Ready(Some(Ok(Frame::data(frame))))
    }

    fn is_end_stream(&self) -> bool {
        self.parts.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        let total = self
            .parts
            .iter()
            .try_fold(0u64, |sum, part| sum.checked_add(part.remaining?));
        match total {
            Some(total) => SizeHint::with_exact(total),
            None => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body::Body as _;

    fn collect(mut body: Generated, limit: usize) -> Vec<u8> {
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        let mut out = Vec::new();
        while out.len() < limit {
            match Pin::new(&mut body).poll_frame(&mut cx) {
                Poll::Ready(Some(Ok(frame))) => out.extend_from_slice(frame.data_ref().unwrap()),
                Poll::Ready(None) => break,
                Poll::Ready(Some(Err(never))) => match never {},
                Poll::Pending => unreachable!("never pending"),
            }
        }
        out
    }

    #[test]
    fn repeats_to_the_exact_total_across_blocks() {
        let body = Generated::new(vec![(b"abc".as_slice(), Some(200_000))]);
        assert_eq!(body.size_hint().exact(), Some(200_000));
        let bytes = collect(body, usize::MAX);
        assert_eq!(bytes.len(), 200_000);
        assert!(bytes.chunks(3).all(|c| b"abc".starts_with(c)));
    }

    #[test]
    fn nested_xml_parts_and_endless_bodies() {
        let body = Generated::new(vec![
            (b"<a>".as_slice(), Some(9)),
            (b"</a>".as_slice(), Some(12)),
        ]);
        assert_eq!(body.size_hint().exact(), Some(21));
        assert_eq!(collect(body, usize::MAX), b"<a><a><a></a></a></a>");
        let endless = Generated::new(vec![(b"x".as_slice(), None)]);
        assert_eq!(endless.size_hint().exact(), None);
        assert!(!endless.is_end_stream());
        assert_eq!(collect(endless, 1 << 20).len(), 1 << 20);
        let empty = Generated::new(vec![(b"".as_slice(), None), (b"y".as_slice(), Some(0))]);
        assert!(empty.is_end_stream());
        assert_eq!(empty.size_hint().exact(), Some(0));
    }
}
