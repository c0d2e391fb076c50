//! STS (awsQuery: form-encoded POST in, XML out, SigV4 via `aws-sigv4`): GetCallerIdentity
//! and AssumeRole, as botocore sends them (`data/sts/2011-06-15/service-2.json`,
//! `botocore/serialize.py` QuerySerializer, `botocore/auth.py` SigV4Auth).
//!
//! The endpoint is the regional `https://sts.{region}.amazonaws.com` or an override
//! (`--endpoint-url`, `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, `[services]`); with no region
//! it is the global `https://sts.amazonaws.com`, signed for us-east-1, as v2 does when IMDS
//! gives no region (docs/compatibility.md, "Profiles, regions and endpoints"). Requests
//! carry `Content-Type: application/x-www-form-urlencoded; charset=utf-8` and sign exactly
//! `content-type;host;x-amz-date[;x-amz-security-token]`, as botocore does.

use std::time::SystemTime;

use crate::context::Context;
use crate::credentials::Credentials;
use crate::error::{Error, Result};
use crate::http::{Endpoints, HttpClient, HttpRequest, HttpResponse, Service};
use crate::secret::Secret;
use crate::timestamp::Timestamp;

const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";
const API_VERSION: &str = "2011-06-15";

/// Where STS requests go and the region they are signed for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StsEndpoint {
    /// Base URL, no trailing `/`.
    pub url: String,
    pub signing_region: String,
}

impl StsEndpoint {
    /// The endpoint for the client `region` (None: the global endpoint, signed us-east-1).
    /// `command`: this is the command's own service, so `--endpoint-url` applies.
    pub fn resolve(endpoints: &Endpoints, region: Option<&str>, command: bool) -> Result<Self> {
        let region = region.unwrap_or("aws-global");
        let signing_region = if region == "aws-global" {
            "us-east-1"
        } else {
            region
        };
        Ok(StsEndpoint {
            url: if command {
                endpoints.command_url(Service::Sts, region)?
            } else {
                endpoints.url(Service::Sts, region)?
            },
            signing_region: signing_region.to_owned(),
        })
    }
}

/// GetCallerIdentity's result members (any may be absent in a hostile answer).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallerIdentity {
    pub user_id: Option<String>,
    pub account: Option<String>,
    pub arn: Option<String>,
}

impl CallerIdentity {
    /// The response as v2 prints it: members in service-model order (UserId, Account, Arn),
    /// absent ones left out, `ResponseMetadata` dropped.
    pub fn to_value(&self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        for (key, value) in [
            ("UserId", &self.user_id),
            ("Account", &self.account),
            ("Arn", &self.arn),
        ] {
            if let Some(v) = value {
                map.insert(key.to_owned(), serde_json::Value::String(v.clone()));
            }
        }
        serde_json::Value::Object(map)
    }
}

/// AssumeRole's inputs (the member names of botocore's `extra_args`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssumeRoleParams {
    pub role_arn: String,
    pub role_session_name: String,
    pub duration_seconds: Option<i64>,
    pub external_id: Option<String>,
    pub serial_number: Option<String>,
    pub token_code: Option<String>,
}

/// AssumeRole's answer: the credentials and the assumed-role user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssumeRoleOutput {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Secret,
    /// As the service wrote it (`2024-05-01T12:00:00Z`).
    pub expiration: Timestamp,
    pub assumed_role_id: Option<String>,
    pub arn: Option<String>,
    pub packed_policy_size: Option<i64>,
    pub source_identity: Option<String>,
    pub request_id: Option<String>,
}

/// An STS answer awsso cannot read, or a request it cannot sign (general errors, 255).
#[derive(Debug, thiserror::Error)]
pub enum StsError {
    /// A 2xx document without the member the operation needs (botocore fails with a
    /// `KeyError`; a success with nothing to print would mislead scripts).
    #[error("Unable to parse response for the {operation} operation: missing {member}")]
    MissingMember {
        operation: &'static str,
        member: &'static str,
    },
    #[error("Unable to parse response for the {operation} operation: invalid timestamp {value:?}")]
    InvalidTimestamp {
        operation: &'static str,
        value: String,
    },
    /// botocore's `ResponseParserError` wording, without the body (it may hold secrets).
    #[error("Unable to parse response for the {operation} operation (HTTP {status}): invalid XML received: {reason}")]
    InvalidXml {
        operation: &'static str,
        status: u16,
        reason: String,
    },
    #[error("Unable to sign the STS request: {reason}")]
    Signing { reason: String },
}

impl From<StsError> for Error {
    fn from(e: StsError) -> Self {
        Error::Other(Box::new(e))
    }
}

pub struct StsClient<'a> {
    pub http: &'a HttpClient,
    pub endpoint: StsEndpoint,
}

impl StsClient<'_> {
    pub async fn get_caller_identity(
        &self,
        ctx: &Context,
        credentials: &Credentials,
    ) -> Result<CallerIdentity> {
        let operation = "GetCallerIdentity";
        let root = self.call(ctx, operation, credentials, &[]).await?;
        caller_identity(&root)
    }

    pub async fn assume_role(
        &self,
        ctx: &Context,
        credentials: &Credentials,
        params: &AssumeRoleParams,
    ) -> Result<AssumeRoleOutput> {
        let operation = "AssumeRole";
        // botocore serialises members in the input shape's order.
        let duration = params.duration_seconds.map(|d| d.to_string());
        let members: Vec<(&str, &str)> = [
            ("RoleArn", Some(params.role_arn.as_str())),
            ("RoleSessionName", Some(params.role_session_name.as_str())),
            ("DurationSeconds", duration.as_deref()),
            ("ExternalId", params.external_id.as_deref()),
            ("SerialNumber", params.serial_number.as_deref()),
            ("TokenCode", params.token_code.as_deref()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
        let root = self.call(ctx, operation, credentials, &members).await?;
        assume_role_output(&root)
    }

    /// One signed awsQuery call; the parsed XML document of a 2xx answer.
    async fn call(
        &self,
        ctx: &Context,
        operation: &'static str,
        credentials: &Credentials,
        members: &[(&str, &str)],
    ) -> Result<XmlNode> {
        let mut body = format!("Action={operation}&Version={API_VERSION}");
        for (name, value) in members {
            body.push('&');
            body.push_str(name);
            body.push('=');
            body.push_str(&crate::http::encode(value));
        }
        let url = format!("{}/", self.endpoint.url);
        // Signed per attempt, so a retry carries a fresh X-Amz-Date.
        let headers = sign(
            &url,
            body.as_bytes(),
            credentials,
            &self.endpoint.signing_region,
            ctx.now(),
        )?;
        let request = HttpRequest {
            operation,
            method: reqwest::Method::POST,
            url,
            headers,
            body: body.into_bytes(),
        };
        let response = self.http.send(ctx, &request).await?;
        document(operation, &response)
    }
}

/// The parsed document of a 2xx answer; any other answer as botocore reports it.
pub fn document(operation: &'static str, response: &HttpResponse) -> Result<XmlNode> {
    if !response.is_success() {
        return Err(xml_error(operation, response));
    }
    parse_xml(&response.body).map_err(|e| unparseable(operation, response, &e))
}

/// GetCallerIdentity's members from a 2xx document. botocore fails on a document without
/// the result wrapper (a KeyError); a success with nothing to print would mislead scripts
/// that test the exit code.
pub fn caller_identity(root: &XmlNode) -> Result<CallerIdentity> {
    let result = root
        .child("GetCallerIdentityResult")
        .ok_or(StsError::MissingMember {
            operation: "GetCallerIdentity",
            member: "GetCallerIdentityResult",
        })?;
    Ok(CallerIdentity {
        user_id: result.text_of("UserId"),
        account: result.text_of("Account"),
        arn: result.text_of("Arn"),
    })
}

/// AssumeRole's credentials and assumed-role user from a 2xx document.
pub fn assume_role_output(root: &XmlNode) -> Result<AssumeRoleOutput> {
    let operation = "AssumeRole";
    let result = root.child("AssumeRoleResult");
    let creds = result.and_then(|r| r.child("Credentials"));
    let field = |name: &str| creds.and_then(|c| c.text_of(name));
    let missing = || StsError::MissingMember {
        operation,
        member: "Credentials",
    };
    let expiration = field("Expiration").ok_or_else(missing)?;
    let user = result.and_then(|r| r.child("AssumedRoleUser"));
    Ok(AssumeRoleOutput {
        access_key_id: field("AccessKeyId").ok_or_else(missing)?,
        secret_access_key: Secret::new(field("SecretAccessKey").ok_or_else(missing)?),
        session_token: Secret::new(field("SessionToken").ok_or_else(missing)?),
        expiration: Timestamp::parse(&expiration).ok_or_else(|| StsError::InvalidTimestamp {
            operation,
            value: expiration.clone(),
        })?,
        assumed_role_id: user.and_then(|u| u.text_of("AssumedRoleId")),
        arn: user.and_then(|u| u.text_of("Arn")),
        packed_policy_size: result
            .and_then(|r| r.text_of("PackedPolicySize"))
            .and_then(|s| s.parse().ok()),
        source_identity: result.and_then(|r| r.text_of("SourceIdentity")),
        request_id: root
            .child("ResponseMetadata")
            .and_then(|m| m.text_of("RequestId")),
    })
}

/// The request headers of a SigV4-signed STS POST: content type, `X-Amz-Date`,
/// `X-Amz-Security-Token` (session credentials) and `Authorization`.
pub fn sign(
    url: &str,
    body: &[u8],
    credentials: &Credentials,
    region: &str,
    now: SystemTime,
) -> Result<Vec<(String, String)>> {
    use aws_sigv4::http_request::{
        sign as sigv4_sign, SignableBody, SignableRequest, SigningSettings,
    };
    use aws_sigv4::sign::v4;

    let signing_error = |e: &dyn std::fmt::Display| StsError::Signing {
        reason: e.to_string(),
    };
    let identity = aws_credential_types::Credentials::new(
        credentials.access_key_id.clone(),
        credentials.secret_access_key.expose_secret().to_owned(),
        credentials
            .session_token
            .as_ref()
            .map(|t| t.expose_secret().to_owned()),
        None,
        "awsso",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("sts")
        .time(now)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| signing_error(&e))?
        .into();
    let signable = SignableRequest::new(
        "POST",
        url,
        std::iter::once(("content-type", CONTENT_TYPE)),
        SignableBody::Bytes(body),
    )
    .map_err(|e| signing_error(&e))?;
    let (instructions, _signature) = sigv4_sign(signable, &params)
        .map_err(|e| signing_error(&e))?
        .into_parts();
    let mut headers = vec![("Content-Type".to_owned(), CONTENT_TYPE.to_owned())];
    for (name, value) in instructions.headers() {
        headers.push((name.to_owned(), value.to_owned()));
    }
    Ok(headers)
}

/// An STS error answer as botocore reports it: `ErrorResponse/Error/{Code,Message}` (254),
/// each `Unknown` when absent (botocore's `ClientError`); a 5xx whose body is empty or an
/// HTML page (`_is_generic_error_response`) gives the status as the code and its reason as
/// the message.
fn xml_error(operation: &'static str, response: &HttpResponse) -> Error {
    let body = response.body.trim_ascii();
    let generic = response.status >= 500 && (body.is_empty() || body.starts_with(b"<html>"));
    let service_error = |code: String, message: String| Error::Service {
        operation,
        code,
        message,
        details: Vec::new(),
        retries_exhausted: response.retries_exhausted,
    };
    let status_reason = || {
        reqwest::StatusCode::from_u16(response.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("")
            .to_owned()
    };
    if generic {
        return service_error(response.status.to_string(), status_reason());
    }
    match parse_xml(&response.body) {
        Ok(root) => {
            let error = root.child("Error");
            let field = |name: &str| {
                error
                    .and_then(|e| e.text_of(name))
                    .unwrap_or_else(|| "Unknown".to_owned())
            };
            service_error(field("Code"), field("Message"))
        }
        Err(_) if response.body.is_empty() => {
            service_error(response.status.to_string(), status_reason())
        }
        Err(e) => unparseable(operation, response, &e),
    }
}

fn unparseable(operation: &'static str, response: &HttpResponse, reason: &str) -> Error {
    StsError::InvalidXml {
        operation,
        status: response.status,
        reason: reason.to_owned(),
    }
    .into()
}

/// A parsed XML element: its local name, text, and child elements in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct XmlNode {
    pub name: String,
    pub text: String,
    pub children: Vec<XmlNode>,
}

impl XmlNode {
    pub fn child(&self, name: &str) -> Option<&XmlNode> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn text_of(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| c.text.clone())
    }
}

/// How deep elements may nest. STS answers nest four deep (`AssumeRoleResponse`,
/// `AssumeRoleResult`, `Credentials`, `AccessKeyId`); a deeper document is refused as
/// invalid XML (botocore's `ResponseParserError`) rather than built into a tree whose
/// drop and walk would recurse once per level (`<a>` 400,000 deep overflowed the stack).
pub const MAX_XML_DEPTH: usize = 64;

/// Parses a whole document into its root element (namespaces ignored, entities decoded),
/// refusing elements nested deeper than [`MAX_XML_DEPTH`].
pub fn parse_xml(bytes: &[u8]) -> std::result::Result<XmlNode, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut stack: Vec<XmlNode> = Vec::new();
    let mut root: Option<XmlNode> = None;
    let local = |name: &[u8]| {
        let name = String::from_utf8_lossy(name).into_owned();
        match name.rsplit_once(':') {
            Some((_, local)) => local.to_owned(),
            None => name,
        }
    };
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| e.to_string())?;
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err("content after the root element".into());
                }
                if stack.len() >= MAX_XML_DEPTH {
                    return Err(format!("elements nested deeper than {MAX_XML_DEPTH}"));
                }
                stack.push(XmlNode {
                    name: local(start.name().as_ref()),
                    ..Default::default()
                });
            }
            Event::Empty(start) => {
                let node = XmlNode {
                    name: local(start.name().as_ref()),
                    ..Default::default()
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None if root.is_none() => root = Some(node),
                    None => return Err("content after the root element".into()),
                }
            }
            Event::End(_) => {
                let node = stack.pop().ok_or("unbalanced end tag")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::Text(text) => {
                if let Some(node) = stack.last_mut() {
                    let decoded = text.decode().map_err(|e| e.to_string())?;
                    let unescaped =
                        quick_xml::escape::unescape(&decoded).map_err(|e| e.to_string())?;
                    node.text.push_str(&unescaped);
                }
            }
            Event::CData(data) => {
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&String::from_utf8_lossy(&data));
                }
            }
            Event::GeneralRef(reference) => {
                if let Some(node) = stack.last_mut() {
                    let name = reference.decode().map_err(|e| e.to_string())?;
                    let entity = format!("&{name};");
                    let unescaped =
                        quick_xml::escape::unescape(&entity).map_err(|e| e.to_string())?;
                    node.text.push_str(&unescaped);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !stack.is_empty() {
        return Err("unexpected end of document".into());
    }
    let mut root = root.ok_or("no root element")?;
    trim_text(&mut root);
    Ok(root)
}

/// Element text is stripped, as botocore's parser does (`node.text.strip()` for scalars).
fn trim_text(node: &mut XmlNode) {
    let trimmed = node.text.trim();
    if trimmed.len() != node.text.len() {
        node.text = trimmed.to_owned();
    }
    node.children.iter_mut().for_each(trim_text);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::{Credentials, Source};

    fn creds(token: Option<&str>) -> Credentials {
        Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            token.map(Secret::new),
            None,
            Source::Environment,
        )
    }

    #[test]
    fn success_document_is_parsed() {
        let xml = br#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:sts::123456789012:assumed-role/R/a&amp;b</Arn>
    <UserId>AROAEXAMPLEID:session</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>"#;
        let root = parse_xml(xml).unwrap();
        let result = root.child("GetCallerIdentityResult").unwrap();
        assert_eq!(
            result.text_of("Arn").as_deref(),
            Some("arn:aws:sts::123456789012:assumed-role/R/a&b")
        );
        let identity = CallerIdentity {
            user_id: result.text_of("UserId"),
            account: result.text_of("Account"),
            arn: result.text_of("Arn"),
        };
        // Model order whatever the XML order.
        assert_eq!(
            identity.to_value().to_string(),
            r#"{"UserId":"AROAEXAMPLEID:session","Account":"123456789012","Arn":"arn:aws:sts::123456789012:assumed-role/R/a&b"}"#
        );
        assert!(parse_xml(b"<a><b></a>").is_err());
        assert!(parse_xml(b"").is_err());
        assert!(parse_xml(b"<html>").is_err());
    }

    #[test]
    fn deep_documents_are_invalid_xml_not_a_stack_overflow() {
        // The review's document, `<a>` 400,000 deep, on a 2 MiB thread as the tests and
        // the runtime use.
        let depth = 400_000;
        let deep = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth)).into_bytes();
        let response = HttpResponse {
            status: 200,
            headers: Default::default(),
            body: deep,
            retries_exhausted: None,
        };
        let err = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || document("GetCallerIdentity", &response).unwrap_err())
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "Unable to parse response for the GetCallerIdentity operation (HTTP 200): invalid XML received: elements nested deeper than 64"
        );
        assert_eq!(err.exit_code(), 255);
        let at_limit = format!("{}x{}", "<a>".repeat(64), "</a>".repeat(64));
        assert_eq!(parse_xml(at_limit.as_bytes()).unwrap().name, "a");
        let over = format!("{}{}", "<a>".repeat(65), "</a>".repeat(65));
        assert!(parse_xml(over.as_bytes()).is_err());
    }

    #[test]
    fn error_documents_become_service_errors() {
        let response = HttpResponse {
            status: 403,
            headers: Default::default(),
            body: br#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>
    <Message>The security token included in the request is invalid</Message></Error>
  <RequestId>16fc956c</RequestId>
</ErrorResponse>"#
                .to_vec(),
            retries_exhausted: None,
        };
        let err = xml_error("GetCallerIdentity", &response);
        assert_eq!(err.exit_code(), 254);
        assert_eq!(
            err.to_string(),
            "An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid"
        );
        let bare = HttpResponse {
            status: 503,
            headers: Default::default(),
            body: Vec::new(),
            retries_exhausted: None,
        };
        assert_eq!(
            xml_error("GetCallerIdentity", &bare).to_string(),
            "An error occurred (503) when calling the GetCallerIdentity operation: Service Unavailable"
        );
        let garbage = HttpResponse {
            status: 400,
            headers: Default::default(),
            body: b"nope".to_vec(),
            retries_exhausted: None,
        };
        assert_eq!(xml_error("GetCallerIdentity", &garbage).exit_code(), 255);
        let html = |status: u16, body: &[u8]| HttpResponse {
            status,
            headers: Default::default(),
            body: body.to_vec(),
            retries_exhausted: None,
        };
        // A proxy's HTML page on a 5xx is botocore's generic error: the status reason.
        assert_eq!(
            xml_error(
                "GetCallerIdentity",
                &html(502, b"  <html><body>Bad</body></html>\n")
            )
            .to_string(),
            "An error occurred (502) when calling the GetCallerIdentity operation: Bad Gateway"
        );
        // Well-formed XML without an Error element: ClientError's `Unknown` defaults.
        assert_eq!(
            xml_error("GetCallerIdentity", &html(400, b"<html>nope</html>")).to_string(),
            "An error occurred (Unknown) when calling the GetCallerIdentity operation: Unknown"
        );
        assert_eq!(
            xml_error(
                "GetCallerIdentity",
                &html(
                    400,
                    b"<ErrorResponse><Error><Code>X</Code></Error></ErrorResponse>"
                )
            )
            .to_string(),
            "An error occurred (X) when calling the GetCallerIdentity operation: Unknown"
        );
    }

    #[test]
    fn signing_matches_botocore() {
        // Expected values computed with botocore 1.44.5's SigV4Auth for the same request
        // (POST, body Action=GetCallerIdentity&Version=2011-06-15, 2015-08-30T12:36:00Z).
        let now = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_440_938_160);
        let body = b"Action=GetCallerIdentity&Version=2011-06-15";
        let headers = sign(
            "https://sts.us-east-1.amazonaws.com/",
            body,
            &creds(None),
            "us-east-1",
            now,
        )
        .unwrap();
        let get = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("content-type"), Some(CONTENT_TYPE));
        assert_eq!(get("x-amz-date"), Some("20150830T123600Z"));
        assert_eq!(get("x-amz-security-token"), None);
        assert_eq!(get("authorization"), Some(BOTOCORE_AUTHZ_NO_TOKEN));

        let headers = sign(
            "http://127.0.0.1:4566/",
            body,
            &creds(Some("session-token")),
            "eu-west-1",
            now,
        )
        .unwrap();
        let get = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("x-amz-security-token"), Some("session-token"));
        assert_eq!(get("authorization"), Some(BOTOCORE_AUTHZ_TOKEN));
    }

    const BOTOCORE_AUTHZ_NO_TOKEN: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=52a8540fea00e731072179f763577cbe2a45eac2c5d32fb4d785f3eefac88165";
    const BOTOCORE_AUTHZ_TOKEN: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=572802866d17fde408ecfa913b0bcf1416cbdab4d34e0b36a6245058d42e7a03";

    #[test]
    fn endpoints_follow_region() {
        let aws = Endpoints::default();
        let none = StsEndpoint::resolve(&aws, None, true).unwrap();
        assert_eq!(none.url, "https://sts.amazonaws.com");
        assert_eq!(none.signing_region, "us-east-1");
        let eu = StsEndpoint::resolve(&aws, Some("eu-west-1"), true).unwrap();
        assert_eq!(eu.url, "https://sts.eu-west-1.amazonaws.com");
        assert_eq!(eu.signing_region, "eu-west-1");
        let local = Endpoints {
            flag: Some("http://flag".into()),
            configured: vec![(Service::Sts, "http://127.0.0.1:9/".into())],
        };
        let own = StsEndpoint::resolve(&local, None, false).unwrap();
        assert_eq!(own.url, "http://127.0.0.1:9");
        assert_eq!(own.signing_region, "us-east-1");
        let command = StsEndpoint::resolve(&local, None, true).unwrap();
        assert_eq!(command.url, "http://flag");
    }
}
