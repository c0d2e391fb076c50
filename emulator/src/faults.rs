//! Faults a test can switch on, at start ([`crate::Options::faults`]) or while the emulator runs
//! ([`crate::Emulator::set_faults`]), to drive a client through the service's unhappy paths,
//! and the hostile answers ([`RawAnswer`]) a client must survive: huge lifetimes, huge or
//! endless bodies, deeply nested XML.

use std::time::Duration;

/// Scripted misbehaviour. The default is a perfectly healthy service.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// CreateToken polls of each device code answered `authorization_pending` before anything
    /// else, even when the code is already approved.
    pub pending_polls: u32,
    /// Polls answered `slow_down` after the pending ones (RFC 8628 3.5).
    pub slow_down_polls: u32,
    /// Device codes end in `access_denied`, as if the user clicked Deny.
    pub deny_device: bool,
    /// `/authorize` redirects with `error=access_denied`, as if the user clicked Deny.
    pub deny_authorization: bool,
    /// Lifetime of new device codes, reported as `expiresIn` (default 600 s); polls after it get
    /// `expired_token`. `Some(Duration::ZERO)` makes codes expire at once.
    pub device_code_ttl: Option<Duration>,
    /// Statuses the next API requests answer, one each, in order (e.g. `[500, 503]`), before the
    /// service works again. 500 is the service's internal error shape; other statuses are bare.
    /// Browser pages (`/authorize`, `/device`) are not affected.
    pub fail_next: Vec<u16>,
    /// Number of next API requests answered with the service's throttling error.
    pub throttle_next: u32,
    /// Added before every answer (browser pages included).
    pub delay: Duration,
    /// The portal's rate limit on listing: ListAccounts and ListAccountRoles together may be
    /// called at most N times a second. A token bucket holds N calls and refills continuously
    /// at N a second, so a burst of N passes at once and then one call every 1/N s; a call
    /// finding the bucket empty is throttled exactly as `throttle_next` throttles the portal
    /// (429 `TooManyRequestsException`, "Rate exceeded"). `Some(0)` throttles every list call.
    /// The bucket starts full, and again whenever the rate changes.
    /// [`crate::Emulator::list_calls`] counts the calls served and throttled.
    pub list_rate: Option<u32>,
    /// CreateToken answers carry this text, verbatim, as the value of `expiresIn` (e.g. `1e15`,
    /// `9223372036854775807`, `18446744073709551615`, `-1`); the rest of the answer, and the
    /// token's real lifetime, are unchanged. Any JSON value text works (`"3600"`, `null`); text
    /// that is not one makes the body invalid JSON, which may be the point.
    pub expires_in_raw: Option<String>,
    /// The same for StartDeviceAuthorization's `expiresIn`; the device code still lives
    /// `device_code_ttl`.
    pub device_expires_in_raw: Option<String>,
    /// Answers the next API requests get instead of the service's, one each, in order (browser
    /// pages are not affected). Checked before `fail_next`.
    pub raw_next: Vec<RawAnswer>,
}

/// An answer given verbatim by [`Faults::raw_next`]: any status, content type, headers and a
/// body that may be generated while it streams, so a test can send gigabytes or an endless
/// body while the emulator holds one small block in memory.
///
/// ```
/// use awsso_emulator::{Body, RawAnswer};
/// let huge = RawAnswer::repeat(200, "application/json", b"[", 10 << 30); // 10 GiB of [
/// let endless = RawAnswer::endless(500, "text/plain", b"x");
/// let deep = RawAnswer::nested_xml(200, 1_000_000); // <a> x 10^6, then </a> x 10^6
/// let odd = RawAnswer::json(200, r#"{"accessToken":"a","expiresIn":1e400}"#)
///     .header("x-amzn-ErrorType", "Weird");
/// assert_eq!(deep.body, Body::NestedXml { depth: 1_000_000 });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawAnswer {
    /// The HTTP status (one outside 100..=999 becomes 500).
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// More headers, added as given (invalid names or values are skipped).
    /// `x-amzn-RequestId` is added to every answer regardless.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Body,
}

/// The body of a [`RawAnswer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// These bytes, with their `Content-Length`.
    Bytes(Vec<u8>),
    /// `chunk` again and again, generated as it is sent: `total` bytes in all (the last
    /// repetition cut short), announced in `Content-Length`; or, with `None`, endlessly
    /// (chunked transfer encoding) until the client hangs up. An empty chunk is an empty body.
    Repeat {
        /// The bytes repeated.
        chunk: Vec<u8>,
        /// How many bytes to send in all; `None` for no end.
        total: Option<u64>,
    },
    /// `<a>` `depth` times then `</a>` `depth` times (7 × depth bytes, with their
    /// `Content-Length`), generated as it is sent: XML nested deeper than any parser's stack.
    NestedXml {
        /// How deep the elements nest.
        depth: u64,
    },
}

impl Body {
    /// `chunk` repeated to `total` bytes.
    pub fn repeat(chunk: impl Into<Vec<u8>>, total: u64) -> Body {
        Body::Repeat {
            chunk: chunk.into(),
            total: Some(total),
        }
    }

    /// `chunk` repeated until the client hangs up.
    pub fn endless(chunk: impl Into<Vec<u8>>) -> Body {
        Body::Repeat {
            chunk: chunk.into(),
            total: None,
        }
    }

    /// `<a>` `depth` times then `</a>` `depth` times.
    pub fn nested_xml(depth: u64) -> Body {
        Body::NestedXml { depth }
    }

    /// The length in bytes, `None` for an endless body.
    pub fn len(&self) -> Option<u64> {
        match self {
            Body::Bytes(bytes) => Some(bytes.len() as u64),
            Body::Repeat { chunk, .. } if chunk.is_empty() => Some(0),
            Body::Repeat { total, .. } => *total,
            Body::NestedXml { depth } => Some(depth.saturating_mul(7)),
        }
    }

    /// Whether the body has no bytes at all.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }
}

impl RawAnswer {
    /// `status`, `content_type` and `body`, no other headers.
    pub fn new(status: u16, content_type: &str, body: Body) -> RawAnswer {
        RawAnswer {
            status,
            content_type: Some(content_type.to_string()),
            headers: Vec::new(),
            body,
        }
    }

    /// Given bytes with a content type.
    pub fn bytes(status: u16, content_type: &str, bytes: impl Into<Vec<u8>>) -> RawAnswer {
        RawAnswer::new(status, content_type, Body::Bytes(bytes.into()))
    }

    /// `application/json` text, valid or not.
    pub fn json(status: u16, text: &str) -> RawAnswer {
        RawAnswer::bytes(status, "application/json", text)
    }

    /// `text/xml` text, valid or not (STS's content type).
    pub fn xml(status: u16, text: &str) -> RawAnswer {
        RawAnswer::bytes(status, "text/xml", text)
    }

    /// `chunk` repeated to `total` bytes, generated while streaming.
    pub fn repeat(
        status: u16,
        content_type: &str,
        chunk: impl Into<Vec<u8>>,
        total: u64,
    ) -> RawAnswer {
        RawAnswer::new(status, content_type, Body::repeat(chunk, total))
    }

    /// `chunk` repeated until the client hangs up.
    pub fn endless(status: u16, content_type: &str, chunk: impl Into<Vec<u8>>) -> RawAnswer {
        RawAnswer::new(status, content_type, Body::endless(chunk))
    }

    /// `text/xml`: `<a>` `depth` times then `</a>` `depth` times, generated while streaming.
    pub fn nested_xml(status: u16, depth: u64) -> RawAnswer {
        RawAnswer::new(status, "text/xml", Body::nested_xml(depth))
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> RawAnswer {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Sends no `Content-Type` at all.
    pub fn without_content_type(mut self) -> RawAnswer {
        self.content_type = None;
        self
    }
}
