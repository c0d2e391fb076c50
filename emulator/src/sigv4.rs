//! AWS Signature Version 4, server side: parse the `Authorization` header and recompute the
//! signature from the request's own `SignedHeaders` (never a fixed set), as AWS does.

use hmac::{Hmac, Mac};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// RFC 3986 unreserved characters stay as they are; everything else is `%XX` (upper-case hex).
const URI_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');
const PATH_ENCODE: &AsciiSet = &URI_ENCODE.remove(b'/');

/// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=.., SignedHeaders=.., Signature=..`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthHeader {
    pub access_key_id: String,
    /// `YYYYMMDD` of the credential scope.
    pub date: String,
    pub region: String,
    pub service: String,
    pub terminator: String,
    /// Lower-case header names, in the order given.
    pub signed_headers: Vec<String>,
    pub signature: String,
}

impl AuthHeader {
    pub fn scope(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.date, self.region, self.service, self.terminator
        )
    }
}

/// Parses the header; the error is the message of an `IncompleteSignature` answer.
pub fn parse_authorization(value: &str) -> Result<AuthHeader, String> {
    let value = value.trim();
    let (algorithm, rest) = value.split_once(' ').unwrap_or((value, ""));
    if algorithm != ALGORITHM {
        return Err(format!("Unsupported AWS 'algorithm': '{algorithm}'"));
    }
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let Some((key, val)) = part.trim().split_once('=') else {
            continue;
        };
        match key.trim() {
            "Credential" => credential = Some(val.trim()),
            "SignedHeaders" => signed = Some(val.trim()),
            "Signature" => signature = Some(val.trim()),
            _ => {}
        }
    }
    let mut missing = String::new();
    for (name, found) in [
        ("Credential", credential.is_some()),
        ("Signature", signature.is_some()),
        ("SignedHeaders", signed.is_some()),
    ] {
        if !found {
            missing.push_str(&format!(
                "Authorization header requires '{name}' parameter. "
            ));
        }
    }
    if !missing.is_empty() {
        return Err(format!("{missing}Authorization={value}"));
    }
    let credential = credential.unwrap_or_default();
    let parts: Vec<&str> = credential.split('/').collect();
    let [key, date, region, service, terminator] = parts[..] else {
        return Err(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{credential}'"
        ));
    };
    if key.is_empty() {
        return Err("Credential must have a non-empty access key id".into());
    }
    let signed_headers: Vec<String> = signed
        .unwrap_or_default()
        .split(';')
        .filter(|h| !h.is_empty())
        .map(|h| h.to_ascii_lowercase())
        .collect();
    if signed_headers.is_empty() {
        return Err("SignedHeaders must list at least one header".into());
    }
    Ok(AuthHeader {
        access_key_id: key.to_string(),
        date: date.to_string(),
        region: region.to_string(),
        service: service.to_string(),
        terminator: terminator.to_string(),
        signed_headers,
        signature: signature.unwrap_or_default().to_ascii_lowercase(),
    })
}

/// The canonical URI as botocore builds it for non-S3 services: dot segments removed, then
/// every segment URI-encoded (an already encoded `%` becomes `%25`).
pub fn canonical_uri(raw_path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in raw_path.split('/') {
        match segment {
            "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut path = segments.join("/");
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    if raw_path.ends_with("/.") || raw_path.ends_with("/..") {
        path.push('/');
    }
    utf8_percent_encode(&path, PATH_ENCODE).to_string()
}

/// The canonical query string: each name and value decoded, re-encoded, sorted by name then
/// value. `X-Amz-Signature` is left out (it cannot sign itself).
pub fn canonical_query(raw_query: &str) -> String {
    let mut pairs: Vec<(String, String)> = raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (encode(k), encode(v))
        })
        .filter(|(k, _)| k != "X-Amz-Signature")
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(raw: &str) -> String {
    let decoded = percent_decode_str(raw).collect::<Vec<u8>>();
    percent_encoding::percent_encode(&decoded, URI_ENCODE).to_string()
}

/// A header value as it enters the canonical request: trimmed, inner runs of spaces collapsed.
fn canonical_value(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The canonical request (SigV4 step 1) for the headers named in `signed_headers`; values of
/// a repeated header are joined with `,`. A signed header absent from the request gives an
/// empty value, so its signature cannot match.
pub fn canonical_request(
    method: &str,
    raw_path: &str,
    raw_query: &str,
    headers: &[(String, String)],
    signed_headers: &[String],
    payload_hash: &str,
) -> String {
    let mut canonical_headers = String::new();
    for name in signed_headers {
        let values: Vec<String> = headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| canonical_value(v))
            .collect();
        canonical_headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    format!(
        "{method}\n{}\n{}\n{canonical_headers}\n{}\n{payload_hash}",
        canonical_uri(raw_path),
        canonical_query(raw_query),
        signed_headers.join(";")
    )
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// SigV4 step 2.
pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so new_from_slice cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// SigV4 steps 3 and 4: the hex signature of `string_to_sign`.
pub fn signature(
    secret: &str,
    date: &str,
    region: &str,
    service: &str,
    string_to_sign: &str,
) -> String {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    let k_signing = hmac(&k_service, b"aws4_request");
    hex::encode(hmac(&k_signing, string_to_sign.as_bytes()))
}

/// Compares two signatures without stopping at the first difference.
pub fn signatures_equal(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    //! Vectors from the AWS SigV4 test suite (Apache-2.0; copy in botocore
    //! `tests/unit/auth/aws4_testsuite/`): access key AKIDEXAMPLE, region us-east-1, service
    //! `service`, 20150830T123600Z.
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const EMPTY_HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn check(creq: &str, expected_signature: &str) {
        let sts = string_to_sign(
            "20150830T123600Z",
            "20150830/us-east-1/service/aws4_request",
            creq,
        );
        assert_eq!(
            signature(SECRET, "20150830", "us-east-1", "service", &sts),
            expected_signature
        );
    }

    #[test]
    fn get_vanilla() {
        let creq = canonical_request(
            "GET",
            "/",
            "",
            &headers(&[
                ("host", "example.amazonaws.com"),
                ("x-amz-date", "20150830T123600Z"),
            ]),
            &["host".into(), "x-amz-date".into()],
            EMPTY_HASH,
        );
        assert_eq!(
            creq,
            format!("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n{EMPTY_HASH}")
        );
        check(
            &creq,
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        );
    }

    #[test]
    fn get_vanilla_query_order_key_case() {
        let creq = canonical_request(
            "GET",
            "/",
            "Param2=value2&Param1=value1",
            &headers(&[
                ("host", "example.amazonaws.com"),
                ("x-amz-date", "20150830T123600Z"),
            ]),
            &["host".into(), "x-amz-date".into()],
            EMPTY_HASH,
        );
        assert!(creq.contains("\nParam1=value1&Param2=value2\n"));
        check(
            &creq,
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
        );
    }

    #[test]
    fn post_x_www_form_urlencoded() {
        let body = b"Param1=value1";
        let creq = canonical_request(
            "POST",
            "/",
            "",
            &headers(&[
                ("content-type", "application/x-www-form-urlencoded"),
                ("host", "example.amazonaws.com"),
                ("x-amz-date", "20150830T123600Z"),
            ]),
            &["content-type".into(), "host".into(), "x-amz-date".into()],
            &sha256_hex(body),
        );
        check(
            &creq,
            "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
        );
    }

    #[test]
    fn header_values_are_trimmed_and_repeated_headers_joined() {
        let creq = canonical_request(
            "GET",
            "/",
            "",
            &headers(&[
                ("host", "example.amazonaws.com"),
                ("my-header1", "value2"),
                ("my-header1", "  value2  "),
                ("my-header1", "value1"),
                ("x-amz-date", "20150830T123600Z"),
            ]),
            &["host".into(), "my-header1".into(), "x-amz-date".into()],
            EMPTY_HASH,
        );
        assert!(creq.contains("\nmy-header1:value2,value2,value1\n"));
        check(
            &creq,
            "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea",
        );
    }

    #[test]
    fn parses_the_authorization_header() {
        let auth = parse_authorization(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ABC",
        )
        .unwrap();
        assert_eq!(auth.access_key_id, "AKIDEXAMPLE");
        assert_eq!(auth.scope(), "20150830/us-east-1/sts/aws4_request");
        assert_eq!(auth.signed_headers, ["content-type", "host", "x-amz-date"]);
        assert_eq!(auth.signature, "abc");
        assert!(parse_authorization("AWS4-HMAC-SHA1 Credential=a/b/c/d/e").is_err());
        assert!(parse_authorization(
            "AWS4-HMAC-SHA256 Credential=a/b/c, SignedHeaders=host, Signature=x"
        )
        .is_err());
        let missing = parse_authorization("AWS4-HMAC-SHA256 Credential=a/b/c/d/e").unwrap_err();
        assert!(missing.contains("'Signature'") && missing.contains("'SignedHeaders'"));
        assert!(parse_authorization("").is_err());
    }

    #[test]
    fn canonical_uri_and_query_encoding() {
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/a/./b/../c"), "/a/c");
        assert_eq!(canonical_uri("/%20x"), "/%2520x");
        assert_eq!(canonical_query("b=2&a=x%20y&a=1&c"), "a=1&a=x%20y&b=2&c=");
        assert_eq!(canonical_query("k=a+b"), "k=a%2Bb");
        assert!(
            signatures_equal("ab", "ab")
                && !signatures_equal("ab", "ac")
                && !signatures_equal("a", "ab")
        );
    }
}
