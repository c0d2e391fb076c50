//! The HTTP transport shared by the OIDC, portal, STS and console sign-in clients: the
//! endpoint of each service ([`Endpoints`]: the URLs `settings` resolved from flags,
//! environment and profile, else the region's AWS host, or the partition's for the sign-in
//! endpoint, see [`Partition`]), one lazily built reqwest client per command with the
//! command's TLS settings ([`HttpClient`]), retries in the AWS CLI's `standard` mode (and
//! in `adaptive` mode, paced by a [`RateLimiter`]), `--debug` logging with secrets
//! redacted, and AWS JSON error parsing.
//!
//! Nothing here reads flags, variables or config files: [`TransportConfig`] and [`Endpoints`]
//! are plain values `settings::Session` fills in. The reqwest client (and so the TLS roots)
//! is built on the first request, so a command that makes none pays nothing for it.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use crate::context::ctx_debug;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::rate_limit::RateLimiter;

/// Why a request could not be made or got no answer, in botocore's words. The unanswered
/// requests are [`Error::Transport`] (retried by [`HttpClient::send`]); the rest are
/// v2's general errors.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// botocore's `EndpointConnectionError`: refused, unreachable, DNS.
    #[error("Could not connect to the endpoint URL: \"{url}\"")]
    Connect { url: String },
    /// `ConnectTimeoutError`.
    #[error("Connect timeout on endpoint URL: \"{url}\"")]
    ConnectTimeout { url: String },
    /// `ReadTimeoutError`.
    #[error("Read timeout on endpoint URL: \"{url}\"")]
    ReadTimeout { url: String },
    /// botocore's `SSLError` (`SSL validation failed for {endpoint_url} {error}`), with the
    /// TLS library's reason.
    #[error("{}", format!("SSL validation failed for {url} {reason}").trim_end())]
    Tls { url: String, reason: String },
    /// botocore's `ValueError` for an endpoint URL that is not `http(s)://host...`.
    #[error("Invalid endpoint: {url}")]
    InvalidEndpoint { url: String },
    /// botocore's `InvalidRegionError`.
    #[error("Provided region_name '{region}' doesn't match a supported format.")]
    InvalidRegion { region: String },
    /// urllib3's `ValueError` for a negative timeout, raised when the client is created.
    #[error(
        "Attempted to set {} timeout to {}, but the timeout cannot be set to a value less than or equal to 0.",
        .0.which,
        .0.seconds
    )]
    InvalidTimeout(NegativeTimeout),
    /// `--ca-bundle` / `AWS_CA_BUNDLE` / `ca_bundle` that holds no usable certificate.
    #[error("Unable to load the CA bundle {}: {reason}", path.display())]
    CaBundle {
        path: PathBuf,
        reason: reqwest::Error,
    },
    /// A CA bundle with no PEM certificate in it (a DER file, a key, the wrong file): refused
    /// when the client is built rather than failing every handshake later.
    #[error("Unable to load the CA bundle {}: it holds no PEM certificate (-----BEGIN CERTIFICATE-----)", path.display())]
    CaBundleNotPem { path: PathBuf },
    /// botocore's `ProxyConnectionError`: the proxy refused, was unreachable, or would not
    /// open the tunnel. The URL's credentials are masked (`mask_proxy_url`).
    #[error("Failed to connect to proxy URL: \"{proxy_url}\"")]
    ProxyConnect { proxy_url: String },
    #[error("Unable to create an HTTP client: {0}")]
    ClientBuild(reqwest::Error),
    #[error("Unable to start the async runtime: {0}")]
    Runtime(std::io::Error),
    /// An answer longer than [`MAX_RESPONSE_BYTES`], announced or sent: refused before it is
    /// read, or as soon as it goes past the limit. Not retried.
    #[error("The response from \"{url}\" is larger than {limit} bytes, far beyond any answer of this service; it was not read")]
    TooLarge { url: String, limit: usize },
}

impl From<HttpError> for Error {
    fn from(e: HttpError) -> Self {
        match e {
            HttpError::Connect { .. }
            | HttpError::ConnectTimeout { .. }
            | HttpError::ReadTimeout { .. }
            | HttpError::Tls { .. }
            | HttpError::ProxyConnect { .. } => Error::Transport(Box::new(e)),
            HttpError::InvalidEndpoint { .. }
            | HttpError::InvalidRegion { .. }
            | HttpError::InvalidTimeout(_)
            | HttpError::CaBundle { .. }
            | HttpError::CaBundleNotPem { .. }
            | HttpError::ClientBuild(_)
            | HttpError::Runtime(_)
            | HttpError::TooLarge { .. } => Error::Other(Box::new(e)),
        }
    }
}

/// The services awsso speaks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    SsoOidc,
    Sso,
    Sts,
    /// The console sign-in federation endpoint (`https://signin.aws.amazon.com/federation`),
    /// used by `console`.
    Signin,
}

impl Service {
    /// Every service, for tables keyed by service.
    pub const ALL: [Service; 4] = [
        Service::SsoOidc,
        Service::Sso,
        Service::Sts,
        Service::Signin,
    ];

    /// The suffix of `AWS_ENDPOINT_URL_<SERVICE>` (the sdkId upper-cased, spaces to `_`).
    pub fn env_suffix(self) -> &'static str {
        match self {
            Service::SsoOidc => "SSO_OIDC",
            Service::Sso => "SSO",
            Service::Sts => "STS",
            Service::Signin => "SIGNIN",
        }
    }

    /// The key inside a `[services NAME]` section (botocore: lower-case sdkId, `_`).
    pub fn services_key(self) -> &'static [&'static str] {
        match self {
            // aws-sdk-rust looks for `sso-oidc`; accept both.
            Service::SsoOidc => &["sso_oidc", "sso-oidc"],
            Service::Sso => &["sso"],
            Service::Sts => &["sts"],
            Service::Signin => &["signin"],
        }
    }

    /// The first label of the regional host (`oidc.{region}.amazonaws.com`); the sign-in
    /// endpoint has no regional host ([`Partition::signin_host`]).
    fn host_prefix(self) -> &'static str {
        match self {
            Service::SsoOidc => "oidc",
            Service::Sso => "portal.sso",
            Service::Sts => "sts",
            Service::Signin => "signin",
        }
    }
}

/// The AWS partitions with a console, chosen from the region as aws-vault and Granted choose
/// them (`cn-*`, `us-gov-*`, everything else): each has its own sign-in and console hosts
/// (docs/compatibility.md, "Console").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Partition {
    Aws,
    AwsCn,
    AwsUsGov,
}

impl Partition {
    /// The partition of `region`; `aws` when there is no region.
    pub fn of_region(region: Option<&str>) -> Partition {
        match region {
            Some(r) if r.starts_with("cn-") => Partition::AwsCn,
            Some(r) if r.starts_with("us-gov-") => Partition::AwsUsGov,
            _ => Partition::Aws,
        }
    }

    /// The host of the federation endpoint (`/federation`).
    pub fn signin_host(self) -> &'static str {
        match self {
            Partition::Aws => "signin.aws.amazon.com",
            Partition::AwsCn => "signin.amazonaws.cn",
            Partition::AwsUsGov => "signin.amazonaws-us-gov.com",
        }
    }

    /// The console's host; its regional hosts are `{region}.{console_host}`.
    pub fn console_host(self) -> &'static str {
        match self {
            Partition::Aws => "console.aws.amazon.com",
            Partition::AwsCn => "console.amazonaws.cn",
            Partition::AwsUsGov => "console.amazonaws-us-gov.com",
        }
    }
}

/// TLS, timeout and retry settings of one command's HTTP client, as `settings` resolved
/// them.
#[derive(Clone, Debug)]
pub struct TransportConfig {
    /// False with `--no-verify-ssl`.
    pub verify_ssl: bool,
    /// `--ca-bundle`, `AWS_CA_BUNDLE`, the profile's `ca_bundle`: trusted instead of the
    /// bundled roots and the system's store. Without it both are trusted: the webpki roots
    /// and the operating system's certificates (`SSL_CERT_FILE` / `SSL_CERT_DIR` when set,
    /// which replace the system's files as they do for OpenSSL).
    pub ca_bundle: Option<PathBuf>,
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, as botocore reads them.
    pub proxies: Proxies,
    /// `None`: no limit.
    pub connect_timeout: Option<Duration>,
    pub read_timeout: Option<Duration>,
    /// A negative `--cli-connect-timeout` / `--cli-read-timeout`: v2 passes it on to
    /// urllib3, which refuses it when the HTTP client is created. The first request reports
    /// it the same way ([`HttpError::InvalidTimeout`]), so commands that make no request
    /// are not affected.
    pub invalid_timeout: Option<NegativeTimeout>,
    pub retry: RetryConfig,
}

/// The proxies from the environment (`settings::transport::proxies`), applied as botocore
/// applies them (`botocore/httpsession.py` `ProxyConfiguration`, `botocore/utils.py`
/// `get_environ_proxies`): the proxy of the URL's scheme (`https` or `http`), none when
/// `NO_PROXY` matches the host.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Proxies {
    /// For `http://` URLs (`http_proxy`, `HTTP_PROXY`).
    pub http: Option<String>,
    /// For `https://` URLs (`https_proxy`, `HTTPS_PROXY`).
    pub https: Option<String>,
    /// `no_proxy`, `NO_PROXY`: comma-separated host suffixes, or `*`.
    pub no_proxy: Option<String>,
}

impl Proxies {
    /// The proxy URL for `url`, `http://` added when it names no scheme (`_fix_proxy_url`);
    /// `None` when there is none for its scheme or `NO_PROXY` bypasses it.
    pub fn proxy_for(&self, url: &url::Url) -> Option<String> {
        let proxy = match url.scheme() {
            "https" => self.https.as_deref(),
            "http" => self.http.as_deref(),
            _ => None,
        }?;
        let host = url.host_str()?;
        let netloc = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        if self.bypasses(&netloc) {
            return None;
        }
        Some(
            if proxy.starts_with("http:") || proxy.starts_with("https:") {
                proxy.to_owned()
            } else if proxy.starts_with("//") {
                format!("http:{proxy}")
            } else {
                format!("http://{proxy}")
            },
        )
    }

    /// Python's `urllib.request.proxy_bypass_environment`: `*` bypasses every host; each
    /// entry (leading dots dropped, case ignored) matches the host, or `host:port`, exactly
    /// or as a DNS suffix. No CIDR ranges (botocore: "urllib only checks DNS suffix").
    fn bypasses(&self, netloc: &str) -> bool {
        let Some(no_proxy) = self.no_proxy.as_deref() else {
            return false;
        };
        if no_proxy == "*" {
            return true;
        }
        let host = netloc.to_ascii_lowercase();
        let host_only = match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host.as_str(),
        };
        no_proxy
            .split(',')
            .map(|entry| entry.trim().trim_start_matches('.').to_ascii_lowercase())
            .filter(|entry| !entry.is_empty())
            .any(|entry| {
                let suffix = format!(".{entry}");
                host_only == entry
                    || host == entry
                    || host_only.ends_with(&suffix)
                    || host.ends_with(&suffix)
            })
    }
}

/// botocore's `mask_proxy_url`: the user name and password of a proxy URL as `***`.
pub fn mask_proxy_url(proxy_url: &str) -> String {
    let Ok(parsed) = url::Url::parse(proxy_url) else {
        return proxy_url.to_owned();
    };
    let mut masked = proxy_url.to_owned();
    if !parsed.username().is_empty() {
        masked = masked.replacen(parsed.username(), "***", 1);
    }
    if let Some(password) = parsed.password().filter(|p| !p.is_empty()) {
        masked = masked.replacen(password, "***", 1);
    }
    masked
}

/// A timeout flag given a negative number of seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NegativeTimeout {
    /// `connect` or `read`.
    pub which: &'static str,
    pub seconds: i64,
}

impl Default for TransportConfig {
    fn default() -> Self {
        TransportConfig {
            verify_ssl: true,
            ca_bundle: None,
            proxies: Proxies::default(),
            connect_timeout: Some(Duration::from_secs(60)),
            read_timeout: Some(Duration::from_secs(60)),
            invalid_timeout: None,
            retry: RetryConfig::default(),
        }
    }
}

/// botocore's retry modes (`retry_mode`, `AWS_RETRY_MODE`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RetryMode {
    Legacy,
    #[default]
    Standard,
    Adaptive,
}

/// How many attempts one call gets, and in which mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryConfig {
    pub mode: RetryMode,
    /// Attempts in all, the first one included (at least 1).
    pub max_attempts: u32,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            mode: RetryMode::Standard,
            max_attempts: 3,
        }
    }
}

/// Where each service is reached: URLs configured for it (already in botocore's order of
/// precedence) and `--endpoint-url`, which applies to the command's own service only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Endpoints {
    /// `--endpoint-url`.
    pub flag: Option<String>,
    /// The URL configured for each service, if any.
    pub configured: Vec<(Service, String)>,
}

impl Endpoints {
    fn configured_url(&self, service: Service) -> Option<&str> {
        self.configured
            .iter()
            .find(|(s, _)| *s == service)
            .map(|(_, url)| url.as_str())
    }

    /// The base URL (no trailing `/`) for a client of `service` in `region` that the
    /// command makes for its own use (credential providers, login): the configured URL, else
    /// the region's AWS host. `--endpoint-url` does not apply.
    pub fn url(&self, service: Service, region: &str) -> Result<String> {
        checked(self.configured_url(service), service, region)
    }

    /// The base URL for the command's own service: `--endpoint-url` first.
    pub fn command_url(&self, service: Service, region: &str) -> Result<String> {
        checked(
            self.flag.as_deref().or(self.configured_url(service)),
            service,
            region,
        )
    }
}

/// botocore's region check ([`validate_region`]), which applies even when an endpoint URL
/// is configured, then its endpoint check: a configured URL that is not `http(s)://host...`
/// is `Invalid endpoint: URL` (255) at once, not a connection error after retries.
fn checked(configured: Option<&str>, service: Service, region: &str) -> Result<String> {
    validate_region(region)?;
    let url = match configured {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => default_host(service, region),
    };
    let valid = url::Url::parse(&url)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
    if !valid {
        return Err(HttpError::InvalidEndpoint { url }.into());
    }
    Ok(url)
}

/// The transport of one set of clients: its HTTP client (built on the first request) and
/// where each service is.
pub struct Transport {
    pub http: HttpClient,
    pub endpoints: Endpoints,
}

/// botocore's `validate_region_name`, run whenever it creates a client: a region is a DNS
/// label (letters, digits, `-`; at most 63; not all digits; no `-` at either end). Checked
/// before the region goes into a host name, so a region such as `x@evil.example#` (from a
/// config or a cache file) cannot send a token to another host.
pub fn validate_region(region: &str) -> Result<()> {
    let all_digits = !region.is_empty() && region.bytes().all(|b| b.is_ascii_digit());
    let valid = region.len() <= 63
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !all_digits
        && !region.starts_with('-')
        && !region.ends_with('-');
    if valid {
        return Ok(());
    }
    Err(HttpError::InvalidRegion {
        region: region.to_owned(),
    }
    .into())
}

/// `https://{prefix}.{region}.{dnsSuffix}` with the partition's DNS suffix; the sign-in
/// endpoint is global within its partition ([`Partition::signin_host`]).
pub fn default_host(service: Service, region: &str) -> String {
    if service == Service::Sts && region == "aws-global" {
        return "https://sts.amazonaws.com".to_owned();
    }
    if service == Service::Signin {
        let region = Some(region).filter(|r| !r.is_empty());
        return format!("https://{}", Partition::of_region(region).signin_host());
    }
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else if region.starts_with("eusc-") {
        "amazonaws.eu"
    } else {
        "amazonaws.com"
    };
    format!("https://{}.{region}.{suffix}", service.host_prefix())
}

/// One request, described independently of reqwest so it can be logged and retried.
#[derive(Clone, Debug)]
pub struct HttpRequest {
    /// The API operation, for messages (`when calling the CreateToken operation`).
    pub operation: &'static str,
    pub method: reqwest::Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

#[derive(Clone, Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
    /// Set when this answer came from the last attempt allowed: how many retries were made.
    /// botocore reports it in an error's message (`(reached max retries: N)`).
    pub retries_exhausted: Option<u32>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The most bytes of one answer awsso reads (service calls and the start-URL probe alike).
/// Real answers are a few KiB (a ListAccounts page of 100 accounts is about 30 KiB); the
/// limit sits far above them and low enough that the largest tree a body of this size can
/// parse into (about 40 bytes of `serde_json::Value` per byte of `[0,0,...`) keeps a
/// command under 64 MiB whatever a server sends.
pub const MAX_RESPONSE_BYTES: usize = 128 << 10;

/// The most characters of one body the `--debug` log shows (after redaction). Real
/// answers fit whole; a hostile one is cut with its length.
pub const MAX_LOGGED_BODY: usize = 64 << 10;

/// One HTTP client for a command's lifetime; the reqwest clients inside are built on the
/// first request that needs each.
pub struct HttpClient {
    config: TransportConfig,
    /// For https, and for anything sent through an https proxy: trusts the CA bundle, or the
    /// bundled roots and the system's store.
    inner: OnceLock<reqwest::Client>,
    /// For plain http to the endpoint or an http proxy (a loopback emulator, a local
    /// endpoint): loads no roots, since parsing the system's store costs milliseconds
    /// (docs/compatibility.md, "Profiles, regions and endpoints").
    plain: OnceLock<reqwest::Client>,
    /// `retry_mode = adaptive`: the client's own rate limiter, as botocore registers one per
    /// client (`botocore/retries/adaptive.py` `register_retry_handler`).
    adaptive: Option<RateLimiter>,
}

/// Headers whose values are secrets and never logged.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "x-amz-sso_bearer_token",
    "x-amz-security-token",
];

/// JSON members whose values are secrets and never logged.
const SECRET_FIELDS: &[&str] = &[
    "accessToken",
    "refreshToken",
    "idToken",
    "clientSecret",
    "deviceCode",
    "code",
    "codeVerifier",
    "secretAccessKey",
    "sessionToken",
    "SecretAccessKey",
    "SessionToken",
    // The federation endpoint: the session JSON (a form field, or its members) and the
    // sign-in token it answers with, which signs a browser into the console.
    "Session",
    "sessionKey",
    "SigninToken",
];

impl HttpClient {
    pub fn new(config: TransportConfig) -> Self {
        HttpClient {
            adaptive: (config.retry.mode == RetryMode::Adaptive).then(RateLimiter::new),
            config,
            inner: OnceLock::new(),
            plain: OnceLock::new(),
        }
    }

    pub fn config(&self) -> &TransportConfig {
        &self.config
    }

    /// The reqwest client for a request, built at the first request that needs it: the CA
    /// bundle is read and the TLS roots are loaded only when TLS is spoken, to the endpoint
    /// or to an https proxy.
    fn client(&self, url: Option<&url::Url>, proxy: Option<&str>) -> Result<&reqwest::Client> {
        let plain = url.is_some_and(|url| url.scheme() == "http")
            && proxy.is_none_or(|proxy| proxy.starts_with("http://"));
        let (cell, tls) = if plain {
            (&self.plain, false)
        } else {
            (&self.inner, true)
        };
        if let Some(client) = cell.get() {
            return Ok(client);
        }
        let client = build_client(&self.config, tls)?;
        Ok(cell.get_or_init(|| client))
    }

    /// Sends the request, retrying throttling, 5xx and connection errors as the AWS CLI's
    /// standard retry mode does (exponential backoff with full jitter, capped at 20 s).
    pub async fn send(&self, ctx: &Context, request: &HttpRequest) -> Result<HttpResponse> {
        self.send_limited(ctx, request, None).await
    }

    /// [`HttpClient::send`] with every attempt paced by `limiter` (else by the client's own
    /// limiter in adaptive mode): a token before each attempt, and each answer reported, as
    /// botocore's `before-send` and `needs-retry` handlers do.
    pub async fn send_limited(
        &self,
        ctx: &Context,
        request: &HttpRequest,
        limiter: Option<&RateLimiter>,
    ) -> Result<HttpResponse> {
        let limiter = limiter.or(self.adaptive.as_ref());
        let mut attempt = 1;
        loop {
            if let Some(limiter) = limiter {
                limiter.acquire().await;
            }
            let result = self.send_once(ctx, request).await;
            if let Some(limiter) = limiter {
                let throttled = matches!(&result, Ok(response) if is_throttling_response(response));
                if let Some(rate) = limiter.record(throttled) {
                    ctx_debug!(
                        ctx,
                        "Throttling response received for {}, new send rate: {rate:.3} requests a second",
                        request.operation
                    );
                }
            }
            let retryable = match &result {
                Ok(response) => is_retryable_response(response),
                Err(Error::Transport(_)) => true,
                Err(_) => false,
            };
            // botocore checks the attempt count before the error itself, so the last
            // allowed attempt carries `MaxAttemptsReached` whatever its error: with
            // AWS_MAX_ATTEMPTS=1 every error says `(reached max retries: 0)`.
            if attempt >= self.config.retry.max_attempts {
                return result.map(|response| HttpResponse {
                    retries_exhausted: Some(attempt - 1),
                    ..response
                });
            }
            if !retryable {
                return result;
            }
            let backoff = rand::random::<f64>() * 2f64.powi(attempt as i32 - 1);
            let backoff = Duration::from_secs_f64(backoff.min(20.0));
            ctx_debug!(
                ctx,
                "Retry needed for {}, attempt {} of {}, sleeping for {:.3}s",
                request.operation,
                attempt + 1,
                self.config.retry.max_attempts,
                backoff.as_secs_f64()
            );
            tokio::time::sleep(backoff).await;
            attempt += 1;
        }
    }

    /// One attempt, no retries (the start-URL check sends exactly one request).
    pub async fn send_once(&self, ctx: &Context, request: &HttpRequest) -> Result<HttpResponse> {
        ctx_debug!(
            ctx,
            "Sending {} request: {} {} headers={} body={}",
            request.operation,
            request.method,
            redact_url(&request.url),
            redact_headers(
                request
                    .headers
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
            ),
            redact_body(&request.body)
        );
        let url = url::Url::parse(&request.url).ok();
        let proxy = url
            .as_ref()
            .and_then(|url| self.config.proxies.proxy_for(url));
        if let Some(proxy) = &proxy {
            ctx_debug!(ctx, "Using the proxy {}", mask_proxy_url(proxy));
        }
        let mut builder = self
            .client(url.as_ref(), proxy.as_deref())?
            .request(request.method.clone(), &request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if !request.body.is_empty() {
            builder = builder.body(request.body.clone());
        }
        let response = builder.send().await.map_err(|e| match &proxy {
            // urllib3's ProxyError; a timeout and a TLS failure keep their own errors, as in
            // botocore's `URLLib3Session.send`.
            Some(proxy) if e.is_connect() && !e.is_timeout() && tls_failure(&e).is_none() => {
                HttpError::ProxyConnect {
                    proxy_url: mask_proxy_url(proxy),
                }
            }
            _ => transport_error(&request.url, e),
        })?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = read_body(response, &request.url).await?;
        ctx_debug!(
            ctx,
            "Response for {}: status={} headers={} body={}",
            request.operation,
            status,
            redact_headers(
                headers
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.to_str().unwrap_or("<binary>")))
            ),
            redact_body(&body)
        );
        Ok(HttpResponse {
            status,
            headers,
            body,
            retries_exhausted: None,
        })
    }
}

/// The body of an answer, read a chunk at a time up to [`MAX_RESPONSE_BYTES`]: a larger
/// `Content-Length` is refused before any of the body is read, and a body that goes past
/// the limit (announced or chunked, endless included) is dropped as soon as it does. The
/// read timeout applies to each read.
async fn read_body(mut response: reqwest::Response, url: &str) -> Result<Vec<u8>> {
    let too_large = || HttpError::TooLarge {
        url: redact_url(url),
        limit: MAX_RESPONSE_BYTES,
    };
    let announced = response.content_length();
    if announced.is_some_and(|n| n > MAX_RESPONSE_BYTES as u64) {
        return Err(too_large().into());
    }
    let mut body = Vec::with_capacity(announced.unwrap_or(0) as usize);
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| transport_error(url, e))?
    {
        if chunk.len() > MAX_RESPONSE_BYTES - body.len() {
            return Err(too_large().into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A reqwest client with the transport's settings; `tls` false: one that loads no roots (and
/// reads no CA bundle), for plain http only.
fn build_client(settings: &TransportConfig, tls: bool) -> Result<reqwest::Client> {
    if let Some(timeout) = settings.invalid_timeout {
        return Err(HttpError::InvalidTimeout(timeout).into());
    }
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("awsso/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .tcp_nodelay(true)
        .use_rustls_tls()
        // The proxies are botocore's, from the command's environment: reqwest's own lookup
        // of the process environment is off.
        .no_proxy();
    if settings.proxies != Proxies::default() {
        let proxies = settings.proxies.clone();
        builder = builder.proxy(reqwest::Proxy::custom(move |url| proxies.proxy_for(url)));
    }
    if let Some(t) = settings.connect_timeout {
        builder = builder.connect_timeout(t);
    }
    if let Some(t) = settings.read_timeout {
        builder = builder.read_timeout(t);
    }
    if !tls {
        return Ok(builder
            .tls_built_in_root_certs(false)
            .build()
            .map_err(HttpError::ClientBuild)?);
    }
    if !settings.verify_ssl {
        builder = builder.danger_accept_invalid_certs(true);
    }
    if let Some(path) = &settings.ca_bundle {
        let pem = std::fs::read(path).map_err(|e| Error::io("read the CA bundle", path, e))?;
        let certs =
            reqwest::Certificate::from_pem_bundle(&pem).map_err(|reason| HttpError::CaBundle {
                path: path.clone(),
                reason,
            })?;
        if certs.is_empty() {
            return Err(HttpError::CaBundleNotPem { path: path.clone() }.into());
        }
        // botocore's `verify=<path>` trusts only that bundle: neither the bundled roots nor
        // the system's store.
        builder = builder.tls_built_in_root_certs(false);
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    Ok(builder.build().map_err(HttpError::ClientBuild)?)
}

fn is_retryable_response(response: &HttpResponse) -> bool {
    if matches!(response.status, 500 | 502 | 503 | 504 | 429) {
        return true;
    }
    // STS answers throttling in XML (`<Code>Throttling</Code>`), the others in JSON.
    let code = error_code(response).or_else(|| xml_error_code(&response.body));
    matches!(
        code.as_deref(),
        Some(
            "Throttling"
                | "ThrottlingException"
                | "ThrottledException"
                | "RequestThrottledException"
                | "TooManyRequestsException"
                | "ProvisionedThroughputExceededException"
                | "TransactionInProgressException"
                | "RequestLimitExceeded"
                | "BandwidthLimitExceeded"
                | "LimitExceededException"
                | "RequestThrottled"
                | "PriorRequestNotComplete"
                | "EC2ThrottledException"
        )
    )
}

/// botocore's `ThrottlingErrorDetector` (`botocore/retries/standard.py`), which decides when
/// the adaptive limiter slows down: a throttling error code, or a 429 whose code is not one
/// the service models (here: no code at all).
pub fn is_throttling_response(response: &HttpResponse) -> bool {
    if response.is_success() {
        return false;
    }
    let code = error_code(response).or_else(|| xml_error_code(&response.body));
    match code.as_deref() {
        Some(code) => THROTTLING_CODES.contains(&code),
        None => response.status == 429,
    }
}

/// `ThrottledRetryableChecker._THROTTLED_ERROR_CODES`.
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// The `<Code>` of an awsQuery `ErrorResponse` (STS), without a full XML parse.
fn xml_error_code(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let start = text.find("<Code>")? + "<Code>".len();
    let end = start + text[start..].find("</Code>")?;
    Some(text[start..end].trim().to_owned())
}

/// What a request that got no answer failed on.
fn transport_error(url: &str, e: reqwest::Error) -> HttpError {
    let url = redact_url(url);
    if e.is_timeout() {
        if e.is_connect() {
            return HttpError::ConnectTimeout { url };
        }
        return HttpError::ReadTimeout { url };
    }
    if let Some(reason) = tls_failure(&e) {
        return HttpError::Tls { url, reason };
    }
    HttpError::Connect { url }
}

/// The TLS library's own words when `e` failed in the TLS handshake: a certificate that is
/// not trusted, or a server that does not speak TLS at all (an `https://` URL to a plain
/// HTTP port). rustls errors reach reqwest wrapped in `io::Error`s of kind `InvalidData`,
/// whose `source()` skips the wrapped error itself, so the chain is walked by hand.
fn tls_failure(e: &reqwest::Error) -> Option<String> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(current) = source {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref() {
                if io.kind() == std::io::ErrorKind::InvalidData
                    && inner.downcast_ref::<std::io::Error>().is_none()
                {
                    return Some(inner.to_string());
                }
                source = Some(inner);
                continue;
            }
        }
        source = current.source();
    }
    None
}

/// The error code of an AWS JSON response: `x-amzn-ErrorType` (suffix after `:` dropped),
/// then body `code`/`Code`/`__type` (namespace before `#` dropped).
pub fn error_code(response: &HttpResponse) -> Option<String> {
    if let Some(header) = response.header("x-amzn-errortype") {
        let code = header.split(':').next().unwrap_or(header);
        if !code.is_empty() {
            return Some(code.to_owned());
        }
    }
    let body: serde_json::Value = serde_json::from_slice(&response.body).ok()?;
    ["code", "Code", "__type"].iter().find_map(|key| {
        body.get(*key)
            .and_then(|v| v.as_str())
            .map(|s| s.rsplit('#').next().unwrap_or(s).to_owned())
    })
}

/// An AWS JSON (restJson1) error response as v2 reports it: code, `message`/`Message`, and
/// the other members as `Additional error details` (OIDC's `error`, `error_description`).
///
/// A body that is not AWS JSON (a proxy's or load balancer's page) follows botocore's
/// parsers: a 5xx whose body is empty or starts with `<html>` is a generic error, the status
/// code as the code and its reason (`Service Unavailable`) as the message; any other body
/// that is not JSON becomes the message as it is, with the status code as the code.
pub fn json_error(operation: &'static str, response: &HttpResponse) -> Error {
    let status_reason = || {
        reqwest::StatusCode::from_u16(response.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("")
            .to_owned()
    };
    let trimmed = response.body.trim_ascii();
    if response.status >= 500 && (trimmed.is_empty() || trimmed.starts_with(b"<html>")) {
        return Error::Service {
            operation,
            code: response.status.to_string(),
            message: status_reason(),
            details: Vec::new(),
            retries_exhausted: response.retries_exhausted,
        };
    }
    let code = error_code(response).unwrap_or_else(|| response.status.to_string());
    let mut message = String::new();
    let mut details = Vec::new();
    match serde_json::from_slice::<serde_json::Value>(&response.body) {
        Ok(serde_json::Value::Object(object)) => {
            for (key, value) in object {
                let text = match value {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                match key.as_str() {
                    "message" | "Message" => message = text,
                    "__type" | "code" | "Code" => {}
                    _ => details.push((key, text)),
                }
            }
        }
        Ok(_) => {}
        // botocore: "if the body cannot be parsed, include the literal string as the message".
        Err(_) => message = String::from_utf8_lossy(&response.body).into_owned(),
    }
    Error::Service {
        operation,
        code,
        message,
        details,
        retries_exhausted: response.retries_exhausted,
    }
}

/// RFC 3986 percent-encoding keeping only unreserved characters.
pub fn encode(value: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(value, SET).to_string()
}

/// The URL with secret-bearing query parameters masked.
pub fn redact_url(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let params: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _))
                if matches!(
                    k,
                    "code" | "code_verifier" | "access_token" | "Session" | "SigninToken"
                ) =>
            {
                format!("{k}=***")
            }
            _ => pair.to_owned(),
        })
        .collect();
    format!("{base}?{}", params.join("&"))
}

fn redact_headers<'a>(headers: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let parts: Vec<String> = headers
        .map(|(k, v)| {
            if SECRET_HEADERS.iter().any(|s| s.eq_ignore_ascii_case(k)) {
                format!("{k}: ***")
            } else {
                format!("{k}: {v}")
            }
        })
        .collect();
    format!("{{{}}}", parts.join(", "))
}

/// A body for the debug log: JSON with secret members masked, form bodies and XML with
/// known secret fields masked, anything else by its length; at most [`MAX_LOGGED_BODY`]
/// characters of it, the rest named by its length.
pub fn redact_body(body: &[u8]) -> String {
    let mut shown = redact_whole_body(body);
    if let Some((cut, _)) = shown.char_indices().nth(MAX_LOGGED_BODY) {
        shown.truncate(cut);
        shown.push_str(&format!("... ({} bytes in all)", body.len()));
    }
    shown
}

fn redact_whole_body(body: &[u8]) -> String {
    if body.is_empty() {
        return "b''".to_owned();
    }
    if let Ok(mut json) = serde_json::from_slice::<serde_json::Value>(body) {
        redact_json(&mut json);
        return json.to_string();
    }
    let text = String::from_utf8_lossy(body);
    if text.trim_start().starts_with('<') {
        let mut out = text.into_owned();
        for field in ["SecretAccessKey", "SessionToken"] {
            out = redact_xml_element(&out, field);
        }
        return out;
    }
    if text.contains('=') && !text.contains(' ') {
        // A form body (STS): mask secret-looking parameters.
        return text
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if SECRET_FIELDS.iter().any(|s| s.eq_ignore_ascii_case(k)) => {
                    format!("{k}=***")
                }
                _ => pair.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("&");
    }
    format!("<{} bytes>", body.len())
}

/// Masks secret members anywhere in a JSON document.
pub fn redact_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if SECRET_FIELDS.contains(&key.as_str()) {
                    *v = serde_json::Value::String("***".into());
                } else {
                    redact_json(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}

fn redact_xml_element(xml: &str, name: &str) -> String {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = start + open.len();
        out.push_str(&rest[..after]);
        match rest[after..].find(&close) {
            Some(end) => {
                out.push_str("***");
                rest = &rest[after + end..];
            }
            None => {
                rest = &rest[after..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A current-thread runtime for commands that talk to the network (built by
/// `settings::Session` on first need, never for commands that make no request).
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(HttpError::Runtime)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_dns_labels_as_botocore_checks() {
        for good in [
            "us-east-1",
            "eu-west-1",
            "aws-global",
            "a",
            "",
            "x1",
            &"a".repeat(63),
        ] {
            assert!(validate_region(good).is_ok(), "{good}");
        }
        for bad in [
            "x@evil.example#",
            "us-east-1/../x",
            "bad region",
            "-us",
            "us-",
            "12345",
            "us.east",
            &"a".repeat(64),
        ] {
            let err = validate_region(bad).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("Provided region_name '{bad}' doesn't match a supported format.")
            );
            assert_eq!(err.exit_code(), 255);
        }
    }

    #[test]
    fn unanswered_requests_are_transport_errors() {
        let tls = HttpError::Tls {
            url: "https://h/".into(),
            reason: String::new(),
        };
        // botocore's format leaves a trailing space when the reason is empty; it is trimmed.
        assert_eq!(tls.to_string(), "SSL validation failed for https://h/");
        // Only these are retried by `send`.
        assert!(matches!(Error::from(tls), Error::Transport(_)));
        let refused = HttpError::Connect {
            url: "http://h".into(),
        };
        assert!(matches!(Error::from(refused), Error::Transport(_)));
        let region = HttpError::InvalidRegion {
            region: "x y".into(),
        };
        assert!(matches!(Error::from(region), Error::Other(_)));
    }

    #[test]
    fn configured_endpoints_must_be_urls() {
        for bad in ["not-a-url", "ftp://x", "127.0.0.1:4566"] {
            let endpoints = Endpoints {
                flag: None,
                configured: vec![(Service::Sts, bad.to_owned())],
            };
            let err = endpoints.url(Service::Sts, "us-east-1").unwrap_err();
            assert_eq!(err.to_string(), format!("Invalid endpoint: {bad}"));
            assert_eq!(err.exit_code(), 255);
        }
        let endpoints = Endpoints {
            flag: None,
            configured: vec![(Service::Sts, "http://127.0.0.1:4566/".to_owned())],
        };
        assert_eq!(
            endpoints.url(Service::Sts, "us-east-1").unwrap(),
            "http://127.0.0.1:4566"
        );
    }

    #[test]
    fn the_flag_is_for_the_command_s_own_client_only() {
        let endpoints = Endpoints {
            flag: Some("http://flag".to_owned()),
            configured: vec![(Service::Sso, "http://sso".to_owned())],
        };
        assert_eq!(
            endpoints.command_url(Service::Sso, "us-east-1").unwrap(),
            "http://flag"
        );
        assert_eq!(
            endpoints.url(Service::Sso, "us-east-1").unwrap(),
            "http://sso"
        );
        assert_eq!(
            endpoints.url(Service::Sts, "eu-west-1").unwrap(),
            "https://sts.eu-west-1.amazonaws.com"
        );
        assert!(endpoints.url(Service::Sts, "x@evil#").is_err());
    }

    #[test]
    fn default_hosts() {
        assert_eq!(
            default_host(Service::SsoOidc, "us-east-1"),
            "https://oidc.us-east-1.amazonaws.com"
        );
        assert_eq!(
            default_host(Service::Sso, "cn-north-1"),
            "https://portal.sso.cn-north-1.amazonaws.com.cn"
        );
        assert_eq!(
            default_host(Service::Sts, "aws-global"),
            "https://sts.amazonaws.com"
        );
        // The sign-in endpoint is one host per partition, whatever the region.
        for (region, host) in [
            ("", "https://signin.aws.amazon.com"),
            ("eu-west-1", "https://signin.aws.amazon.com"),
            ("cn-north-1", "https://signin.amazonaws.cn"),
            ("us-gov-west-1", "https://signin.amazonaws-us-gov.com"),
        ] {
            assert_eq!(default_host(Service::Signin, region), host, "{region}");
        }
        assert_eq!(
            Partition::of_region(Some("us-gov-east-1")).console_host(),
            "console.amazonaws-us-gov.com"
        );
        assert_eq!(
            Partition::of_region(None).console_host(),
            "console.aws.amazon.com"
        );
    }

    #[test]
    fn federation_secrets_are_redacted() {
        let form = b"Action=getSigninToken&SessionDuration=900&Session=%7B%22sessionId%22%3A%22ASIA%22%2C%22sessionKey%22%3A%22s3cr3t%22%2C%22sessionToken%22%3A%22tok%22%7D";
        assert_eq!(
            redact_body(form),
            "Action=getSigninToken&SessionDuration=900&Session=***"
        );
        assert_eq!(
            redact_body(br#"{"SigninToken":"signin-secret"}"#),
            r#"{"SigninToken":"***"}"#
        );
        assert_eq!(
            redact_url("https://h/federation?Action=login&Destination=d&SigninToken=t&Session=s"),
            "https://h/federation?Action=login&Destination=d&SigninToken=***&Session=***"
        );
    }

    #[test]
    fn throttling_is_detected_as_botocore_detects_it() {
        let answer = |status: u16, code: Option<&str>, body: &str| {
            let mut headers = reqwest::header::HeaderMap::new();
            if let Some(code) = code {
                headers.insert("x-amzn-ErrorType", code.parse().unwrap());
            }
            HttpResponse {
                status,
                headers,
                body: body.as_bytes().to_vec(),
                retries_exhausted: None,
            }
        };
        assert!(is_throttling_response(&answer(
            429,
            Some("TooManyRequestsException"),
            "{}"
        )));
        assert!(is_throttling_response(&answer(
            400,
            None,
            "<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>"
        )));
        assert!(is_throttling_response(&answer(429, None, "")));
        // A modeled error that is not throttling, even as a 429; and anything else.
        assert!(!is_throttling_response(&answer(
            429,
            Some("SlowDownException"),
            "{}"
        )));
        assert!(!is_throttling_response(&answer(503, None, "")));
        assert!(!is_throttling_response(&answer(200, None, "{}")));
    }

    #[test]
    fn oidc_errors_keep_error_fields_as_details() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            "x-amzn-ErrorType",
            "AccessDeniedException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/"
                .parse()
                .unwrap(),
        );
        let response = HttpResponse {
            status: 400,
            headers,
            body: br#"{"error":"access_denied","error_description":"Access denied"}"#.to_vec(),
            retries_exhausted: None,
        };
        match json_error("CreateToken", &response) {
            Error::Service {
                code,
                message,
                details,
                ..
            } => {
                assert_eq!(code, "AccessDeniedException");
                assert_eq!(message, "");
                assert_eq!(details.len(), 2);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn secrets_are_redacted() {
        let body = br#"{"clientId":"id","clientSecret":"s3cr3t","nested":{"accessToken":"tok"}}"#;
        let shown = redact_body(body);
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("tok\""),
            "{shown}"
        );
        assert!(shown.contains("\"clientId\":\"id\""));
        let xml = b"<X><SecretAccessKey>abc</SecretAccessKey><SessionToken>def</SessionToken></X>";
        let shown = redact_body(xml);
        assert!(!shown.contains("abc") && !shown.contains("def"), "{shown}");
        assert_eq!(
            redact_url("http://127.0.0.1:1/oauth/callback?code=abc&state=s"),
            "http://127.0.0.1:1/oauth/callback?code=***&state=s"
        );
        let headers =
            redact_headers([("x-amz-sso_bearer_token", "tok"), ("host", "h")].into_iter());
        assert_eq!(headers, "{x-amz-sso_bearer_token: ***, host: h}");
    }

    /// What `send_once` (every service call, and the start-URL probe) does with a body that
    /// never ends and with one announced beyond the limit.
    #[test]
    fn endless_and_oversized_bodies_end_in_one_error() {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                std::thread::spawn(move || {
                    let mut head = [0u8; 4096];
                    let n = stream.read(&mut head).unwrap_or(0);
                    if head[..n].starts_with(b"GET /announced") {
                        let _ = stream
                            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1099511627776\r\n\r\n");
                        std::thread::sleep(Duration::from_secs(30));
                        return;
                    }
                    let _ =
                        stream.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                    let chunk = format!("4000\r\n{}\r\n", "x".repeat(0x4000));
                    while stream.write_all(chunk.as_bytes()).is_ok() {}
                });
            }
        });
        let env = crate::context::Env::from_pairs([("HOME", "/nonexistent")]);
        let ctx = Context::for_tests(env, std::time::SystemTime::UNIX_EPOCH);
        let client = HttpClient::new(TransportConfig::default());
        let runtime = runtime().unwrap();
        for path in ["endless", "announced"] {
            let request = HttpRequest {
                operation: "ResolveStartUrl",
                method: reqwest::Method::GET,
                url: format!("http://127.0.0.1:{port}/{path}"),
                headers: Vec::new(),
                body: Vec::new(),
            };
            let err = runtime
                .block_on(client.send_once(&ctx, &request))
                .unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("The response from \"http://127.0.0.1:{port}/{path}\" is larger than 131072 bytes, far beyond any answer of this service; it was not read")
            );
            assert_eq!(err.exit_code(), 255);
        }
    }

    #[test]
    fn debug_bodies_are_cut_after_redaction() {
        let long = format!(
            r#"{{"accessToken":"tok","pad":"{}"}}"#,
            "é".repeat(MAX_LOGGED_BODY)
        );
        let shown = redact_body(long.as_bytes());
        assert!(
            shown.starts_with(r#"{"accessToken":"***","pad":"ééé"#),
            "{}",
            &shown[..40]
        );
        assert!(shown.ends_with(&format!("é... ({} bytes in all)", long.len())));
        assert_eq!(
            shown.chars().count(),
            MAX_LOGGED_BODY + format!("... ({} bytes in all)", long.len()).len()
        );
        let short = br#"{"clientId":"id"}"#;
        assert_eq!(redact_body(short), r#"{"clientId":"id"}"#);
    }

    fn proxy_for(proxies: &Proxies, url: &str) -> Option<String> {
        proxies.proxy_for(&url::Url::parse(url).unwrap())
    }

    /// botocore's proxy per scheme, `_fix_proxy_url`, and urllib's `NO_PROXY` matching.
    #[test]
    fn proxies_by_scheme_and_no_proxy() {
        let proxies = Proxies {
            http: Some("proxy.corp:3128".into()),
            https: Some("http://u:p@proxy.corp:3128".into()),
            no_proxy: None,
        };
        assert_eq!(
            proxy_for(&proxies, "https://oidc.eu-west-1.amazonaws.com/token").as_deref(),
            Some("http://u:p@proxy.corp:3128")
        );
        assert_eq!(
            proxy_for(&proxies, "http://127.0.0.1:4000/").as_deref(),
            Some("http://proxy.corp:3128")
        );
        let slashes = Proxies {
            https: Some("//proxy:1".into()),
            ..Proxies::default()
        };
        assert_eq!(
            proxy_for(&slashes, "https://x").as_deref(),
            Some("http://proxy:1")
        );
        assert_eq!(proxy_for(&slashes, "http://x"), None);
        let bypass = |no_proxy: &str, url: &str| {
            let proxies = Proxies {
                https: Some("http://p".into()),
                http: Some("http://p".into()),
                no_proxy: Some(no_proxy.into()),
            };
            proxy_for(&proxies, url).is_none()
        };
        assert!(bypass("*", "https://anything.example"));
        assert!(bypass("amazonaws.com", "https://sts.amazonaws.com"));
        assert!(bypass(
            ".amazonaws.com",
            "https://oidc.us-east-1.amazonaws.com"
        ));
        assert!(bypass(" localhost , 127.0.0.1", "http://127.0.0.1:8080/"));
        assert!(bypass("127.0.0.1:8080", "http://127.0.0.1:8080/"));
        assert!(bypass("EXAMPLE.com", "https://Portal.example.COM"));
        assert!(!bypass("127.0.0.1:9", "http://127.0.0.1:8080/"));
        assert!(!bypass("example.com", "https://notexample.com"));
        assert!(!bypass("10.0.0.0/8", "https://10.1.2.3"));
        assert!(!bypass("", "https://x"));
    }

    /// botocore's `mask_proxy_url`.
    #[test]
    fn proxy_credentials_are_masked() {
        assert_eq!(
            mask_proxy_url("http://user:s3cret@proxy:3128"),
            "http://***:***@proxy:3128"
        );
        assert_eq!(mask_proxy_url("http://user@proxy"), "http://***@proxy");
        assert_eq!(mask_proxy_url("http://proxy:3128"), "http://proxy:3128");
        let err = Error::from(HttpError::ProxyConnect {
            proxy_url: mask_proxy_url("http://a:b@127.0.0.1:9"),
        });
        assert_eq!(
            err.to_string(),
            "Failed to connect to proxy URL: \"http://***:***@127.0.0.1:9\""
        );
        assert_eq!(err.exit_code(), 255);
    }

    /// A CA bundle that is not PEM is refused when the client is built.
    #[test]
    fn a_ca_bundle_that_is_not_pem_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bundle.der");
        std::fs::write(&path, [0x30u8, 0x82, 0x01, 0x0a, 0x02, 0x82]).unwrap();
        let config = TransportConfig {
            ca_bundle: Some(path.clone()),
            ..TransportConfig::default()
        };
        let err = build_client(&config, true).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "Unable to load the CA bundle {}: it holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
                path.display()
            )
        );
        assert_eq!(err.exit_code(), 255);
    }

    #[test]
    fn plain_http_loads_no_roots_and_reads_no_bundle() {
        // The CA bundle is missing: only a client that speaks TLS reads it.
        let config = TransportConfig {
            ca_bundle: Some("/nonexistent/bundle.pem".into()),
            ..TransportConfig::default()
        };
        let client = HttpClient::new(config);
        let http = url::Url::parse("http://127.0.0.1:9/").unwrap();
        let https = url::Url::parse("https://127.0.0.1:9/").unwrap();
        assert!(client.client(Some(&http), None).is_ok());
        assert!(client
            .client(Some(&http), Some("http://proxy:3128"))
            .is_ok());
        assert!(client.plain.get().is_some() && client.inner.get().is_none());
        for (url, proxy) in [(&https, None), (&http, Some("https://proxy:3128"))] {
            let err = client.client(Some(url), proxy).unwrap_err();
            assert!(
                err.to_string().contains("CA bundle"),
                "{url} {proxy:?}: {err}"
            );
        }
    }
}
