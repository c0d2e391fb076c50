//! Response builders shaped like AWS's: status, `x-amzn-ErrorType`, bodies per protocol.
//! `x-amzn-RequestId` is added to every response by the dispatcher in `server.rs`.

use axum::body::Body;
use axum::http::{header, HeaderValue, Response, StatusCode};

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
