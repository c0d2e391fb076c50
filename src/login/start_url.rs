//! The start-URL check v2 runs before every login (2.35.13 and later,
//! `awscli/customizations/sso/resolve.py`; docs/compatibility.md, "Login"): https only;
//! AWS-owned hosts are used as they are with no network call; any other host gets exactly
//! one HEAD (GET after 405/501), redirects not followed, and must redirect to an AWS-owned
//! https URL, from whose host the SSO region may be read.

use crate::context::ctx_debug;
use crate::context::Context;
use crate::error::{Detail, Error, Result};
use crate::http::{HttpClient, HttpRequest};

/// Why a start URL cannot be logged in to: v2's `ConfigurationError`s from the check
/// (253).
#[derive(Debug, thiserror::Error)]
pub enum StartUrlError {
    #[error("The sso_start_url must use the https scheme.")]
    NotHttps,
    /// An https URL without a host.
    #[error("Invalid sso_start_url: '{start_url}'")]
    Invalid { start_url: String },
    #[error("Redirect response missing Location header.")]
    RedirectWithoutLocation,
    /// A `Location` that does not resolve against the start URL.
    #[error("Failed to resolve start URL: {0}")]
    BadLocation(url::ParseError),
    /// The one request got an error status.
    #[error("Failed to resolve start URL: HTTP {status}")]
    HttpStatus { status: u16 },
    /// The one request got no answer: the transport's own message.
    #[error("Failed to resolve start URL: {0}")]
    Unreachable(Detail),
    #[error("Could not resolve start URL '{start_url}' to an AWS-owned endpoint. Final URL: '{resolved}'")]
    NotAwsOwned { start_url: String, resolved: String },
    #[error("Resolved URL must use https. Got: '{resolved}'")]
    ResolvedNotHttps { resolved: String },
}

impl From<StartUrlError> for Error {
    fn from(e: StartUrlError) -> Self {
        Error::Configuration(Box::new(e))
    }
}

/// Where a login really goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedStartUrl {
    /// The issuer URL (PKCE) or `startUrl` (device flow): the configured URL for AWS-owned
    /// hosts, else the normalised redirect target.
    pub url: String,
    /// The region named by the resolved host (`{id}.portal.{region}.app.aws`...), if any.
    pub region: Option<String>,
}

/// Host suffixes AWS owns: the host is the suffix itself or ends with `.suffix`.
const OWNED_SUFFIXES: &[&str] = &[
    "app.aws",
    "portal.amazonaws.com",
    "portal.amazonaws.com.cn",
    "app.amazonwebservices.com.cn",
    "portal.amazonaws.eu",
    "api.amazonwebservices.eu",
    "awsapps.com",
    "awsapps.cn",
];

/// Exact hosts AWS owns.
const OWNED_HOSTS: &[&str] = &[
    "identitycenter.amazonaws.com",
    "identitycenter.amazonaws.com.cn",
    "identitycenter.amazonaws.eu",
    "identitycenter.us-gov.amazonaws.com",
];

pub fn is_aws_owned(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    OWNED_HOSTS.contains(&host.as_str())
        || OWNED_SUFFIXES
            .iter()
            .any(|suffix| host == *suffix || host.ends_with(&format!(".{suffix}")))
}

/// The region in an access-portal host, for the five host shapes v2 knows.
pub fn region_from_host(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    let region = match labels.as_slice() {
        [_, "portal", region, "app", "aws"] => region,
        [_, region, "portal", "amazonaws", "com"] => region,
        [_, region, "portal", "amazonaws", "com", "cn"] => region,
        [_, "portal", region, "app", "amazonwebservices", "com", "cn"] => region,
        [_, region, "portal", "amazonaws", "eu"] => region,
        [_, "portal", region, "api", "amazonwebservices", "eu"] => region,
        _ => return None,
    };
    let plausible = !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    plausible.then(|| (*region).to_owned())
}

/// What the start URL needs, decided without the network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Precheck {
    /// An AWS-owned https URL: used as configured, no request.
    Owned,
    /// Another https host: one request decides.
    Lookup(url::Url),
}

/// The checks that need no network: https, a host, AWS-owned or not.
pub fn precheck(start_url: &str) -> Result<Precheck> {
    let parsed = url::Url::parse(start_url.trim());
    let scheme_ok = parsed.as_ref().is_ok_and(|u| u.scheme() == "https")
        || start_url
            .trim()
            .to_ascii_lowercase()
            .starts_with("https://");
    if !scheme_ok {
        return Err(StartUrlError::NotHttps.into());
    }
    let url = match parsed {
        Ok(url) if url.host_str().is_some_and(|h| !h.is_empty()) => url,
        _ => {
            return Err(StartUrlError::Invalid {
                start_url: start_url.to_owned(),
            }
            .into())
        }
    };
    if is_aws_owned(url.host_str().unwrap_or_default()) {
        Ok(Precheck::Owned)
    } else {
        Ok(Precheck::Lookup(url))
    }
}

/// Runs the whole check. AWS-owned URLs return at once (no request).
pub async fn resolve(
    ctx: &Context,
    http: &HttpClient,
    start_url: &str,
) -> Result<ResolvedStartUrl> {
    let url = match precheck(start_url)? {
        Precheck::Owned => {
            return Ok(ResolvedStartUrl {
                url: start_url.to_owned(),
                region: None,
            })
        }
        Precheck::Lookup(url) => url,
    };
    let mut response = probe(ctx, http, reqwest::Method::HEAD, &url).await?;
    if matches!(response.status, 405 | 501) {
        response = probe(ctx, http, reqwest::Method::GET, &url).await?;
    }
    let target = match response.status {
        301 | 302 | 303 | 307 | 308 => {
            let Some(location) = response.header("location") else {
                return Err(StartUrlError::RedirectWithoutLocation.into());
            };
            url.join(location).map_err(StartUrlError::BadLocation)?
        }
        status if status >= 400 => return Err(StartUrlError::HttpStatus { status }.into()),
        _ => url,
    };
    let resolved = normalise(&target);
    ctx_debug!(ctx, "Resolved start URL {start_url} to {resolved}");
    let host = target.host_str().unwrap_or_default();
    if !is_aws_owned(host) {
        return Err(StartUrlError::NotAwsOwned {
            start_url: start_url.to_owned(),
            resolved,
        }
        .into());
    }
    if target.scheme() != "https" {
        return Err(StartUrlError::ResolvedNotHttps { resolved }.into());
    }
    Ok(ResolvedStartUrl {
        region: region_from_host(host),
        url: resolved,
    })
}

async fn probe(
    ctx: &Context,
    http: &HttpClient,
    method: reqwest::Method,
    url: &url::Url,
) -> Result<crate::http::HttpResponse> {
    let request = HttpRequest {
        operation: "ResolveStartUrl",
        method,
        url: url.to_string(),
        headers: Vec::new(),
        body: Vec::new(),
    };
    // Exactly one request: no retries here.
    http.send_once(ctx, &request).await.map_err(|e| match e {
        Error::Transport(reason) => StartUrlError::Unreachable(reason).into(),
        other => other,
    })
}

/// Query and fragment dropped, trailing `/` removed, default port removed (the URL parser
/// already drops it).
fn normalise(url: &url::Url) -> String {
    let mut out = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        out.push_str(&format!(":{port}"));
    }
    out.push_str(url.path().trim_end_matches('/'));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owned_hosts() {
        for host in [
            "d-123.awsapps.com",
            "awsapps.com",
            "x.portal.us-east-1.app.aws",
            "identitycenter.amazonaws.com",
            "D-1.AWSAPPS.CN",
            "a.api.amazonwebservices.eu",
        ] {
            assert!(is_aws_owned(host), "{host}");
        }
        for host in [
            "evilawsapps.com",
            "awsapps.com.evil.example",
            "localhost",
            "amazonaws.com",
        ] {
            assert!(!is_aws_owned(host), "{host}");
        }
    }

    #[test]
    fn regions_from_portal_hosts() {
        let cases = [
            ("ssoins-1.portal.eu-west-1.app.aws", Some("eu-west-1")),
            ("d-1.us-east-2.portal.amazonaws.com", Some("us-east-2")),
            ("d-1.cn-north-1.portal.amazonaws.com.cn", Some("cn-north-1")),
            (
                "x.portal.cn-northwest-1.app.amazonwebservices.com.cn",
                Some("cn-northwest-1"),
            ),
            (
                "x.eusc-de-east-1.portal.amazonaws.eu",
                Some("eusc-de-east-1"),
            ),
            (
                "x.portal.eusc-de-east-1.api.amazonwebservices.eu",
                Some("eusc-de-east-1"),
            ),
            ("d-123.awsapps.com", None),
            ("portal.eu-west-1.app.aws", None),
        ];
        for (host, region) in cases {
            assert_eq!(region_from_host(host).as_deref(), region, "{host}");
        }
    }

    #[test]
    fn prechecks() {
        assert_eq!(
            precheck("https://d-1.awsapps.com/start").unwrap(),
            Precheck::Owned
        );
        assert!(matches!(
            precheck("https://sso.example.com/start").unwrap(),
            Precheck::Lookup(_)
        ));
        let err = precheck("http://d-1.awsapps.com/start").unwrap_err();
        assert_eq!(
            err.to_string(),
            "An error occurred (Configuration): The sso_start_url must use the https scheme."
        );
        assert_eq!(err.exit_code(), 253);
        assert_eq!(
            precheck("https://").unwrap_err().to_string(),
            "An error occurred (Configuration): Invalid sso_start_url: 'https://'"
        );
    }

    #[test]
    fn normalisation() {
        let url = url::Url::parse("https://d-1.awsapps.com:443/start/?x=1#frag").unwrap();
        assert_eq!(normalise(&url), "https://d-1.awsapps.com/start");
        let url = url::Url::parse("https://h.app.aws:8443/").unwrap();
        assert_eq!(normalise(&url), "https://h.app.aws:8443");
    }
}
