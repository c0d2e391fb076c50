//! What a route handler gets: the request ([`Req`]), per-request facts ([`Ctx`]) and the
//! query-string decoder the services share. The router (`server.rs`) builds these; the
//! services (`oidc.rs`, `portal.rs`, `sts.rs`, `federation.rs`) read them.

use std::time::SystemTime;

/// A request as the handlers see it: header names lower-case, values lossily UTF-8.
pub(crate) struct Req {
    pub method: String,
    /// As received, still percent-encoded.
    pub path: String,
    /// As received, without `?`.
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Req {
    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Per-request facts handlers need.
pub(crate) struct Ctx {
    pub now: SystemTime,
    pub request_id: String,
    pub base_url: String,
}

/// Decoded `application/x-www-form-urlencoded` pairs of a query string.
pub(crate) fn query_pairs(query: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}
