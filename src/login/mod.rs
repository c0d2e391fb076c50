//! Getting a new SSO token the way AWS CLI v2 does (`awscli/customizations/sso/utils.py`
//! `do_sso_login`, botocore's `SSOTokenFetcher` and `SSOTokenFetcherAuth`), shared by
//! `sso login` and `configure sso`: the start-URL check, the client registration cache,
//! the authorization-code + PKCE flow (sso-session targets, the default) and the device-code
//! flow (`--use-device-code`, and always for legacy profiles), the browser and its messages,
//! Ctrl-C, and the token written to the shared cache.
//!
//! Entry point: [`fetch_token`]. It writes v2's instructions where its caller says
//! ([`Messages`]: stdout for `sso login` and `configure sso`, the controlling terminal for an
//! implicit login, [`implicit`]) but not the `Successfully logged into Start URL` line, which
//! is its callers' own.

pub mod callback;
pub mod implicit;
pub mod start_url;

use std::future::Future;
use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

use crate::cache::token::{self, CachedToken, ClientRegistration};
use crate::context::ctx_debug;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::http::Transport;
use crate::oidc::{self, Grant, OidcClient, Pkce, RegisterClientRequest, TokenResponse};
use crate::settings::LoginTarget;

use callback::CallbackListener;

/// How long the PKCE flow waits for the browser's redirect (v2: 10 minutes).
pub const CALLBACK_TIMEOUT: Duration = Duration::from_secs(600);

/// RFC 8628 §3.5: each `slow_down` adds 5 seconds to the polling interval.
const SLOW_DOWN_DELAY: Duration = Duration::from_secs(5);

/// The polling interval when StartDeviceAuthorization names none.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);

/// Why a login flow stopped (the listener's own errors are [`callback::CallbackError`]).
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// v2's `PendingAuthorizationExpiredError` (255): the device code or the wait for the
    /// browser ran out, or CreateToken answered `ExpiredTokenException`.
    #[error("The pending authorization to retrieve an SSO token has expired. The login flow to retrieve an SSO token must be restarted.")]
    PendingAuthorizationExpired,
    /// The SIGINT handler could not be installed (a general error, 255).
    #[error("Unable to watch for Ctrl-C: {0}")]
    InterruptUnwatchable(std::io::Error),
}

impl From<LoginError> for Error {
    fn from(e: LoginError) -> Self {
        match e {
            LoginError::PendingAuthorizationExpired => Error::Token(Box::new(e)),
            LoginError::InterruptUnwatchable(_) => Error::Other(Box::new(e)),
        }
    }
}

/// How the user wants to sign in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FlowOptions {
    /// `--use-device-code`: the device flow even for an sso-session.
    pub use_device_code: bool,
    /// `--no-browser`: print the URL, never start a browser.
    pub no_browser: bool,
}

/// Where a login flow writes its instructions (the URL, the code) and its spinner.
pub enum Messages {
    /// `sso login` and `configure sso`: stdout, as v2; the spinner on stderr when stderr is a
    /// terminal.
    Stdout,
    /// An implicit login: the controlling terminal, for everything, since stdout may be what
    /// an SDK parses (`credential_process`) and stderr what it swallows.
    Terminal(Mutex<Box<dyn Write + Send>>),
}

impl Messages {
    /// Instructions for the user.
    pub fn say(&self, ctx: &Context, text: &str) {
        match self {
            Messages::Stdout => ctx.out(text),
            Messages::Terminal(tty) => write_terminal(tty, text),
        }
    }

    /// Whether a spinner can be drawn (its target is a terminal).
    fn shows_progress(&self, ctx: &Context) -> bool {
        match self {
            Messages::Stdout => ctx.terminal.stderr,
            Messages::Terminal(_) => true,
        }
    }

    /// A spinner frame or the escape that clears its line.
    fn progress(&self, ctx: &Context, text: &str) {
        match self {
            Messages::Stdout => ctx.err(text),
            Messages::Terminal(tty) => write_terminal(tty, text),
        }
    }
}

/// A write to the terminal that fails (it was closed, the user went away) loses nothing the
/// login needs: the flow goes on, and ends with its own timeout.
fn write_terminal(tty: &Mutex<Box<dyn Write + Send>>, text: &str) {
    let mut tty = tty
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let _ = tty.write_all(text.as_bytes()).and_then(|()| tty.flush());
}

/// A new token, already written to the cache.
#[derive(Clone, Debug)]
pub struct FetchedToken {
    pub token: CachedToken,
    /// The SSO region named by a vanity start URL's resolved host, when it differs from the
    /// configured one. The caller decides whether to write it (`sso login` does, printing
    /// `SSO region updated to R`).
    pub derived_region: Option<String>,
}

/// Logs `target` in with v2's flows and writes the token (and any new client registration)
/// into `~/.aws/sso/cache`. Writes the browser / device-code instructions to `messages`. The
/// OIDC endpoint is the transport's for the SSO region. Ctrl-C gives
/// [`Error::Interrupted`] with the listener closed and nothing half-written.
pub async fn fetch_token(
    ctx: &Context,
    transport: &Transport,
    target: &LoginTarget,
    options: &FlowOptions,
    messages: &Messages,
) -> Result<FetchedToken> {
    interruptible(fetch(ctx, transport, target, options, messages))?.await
}

/// [`fetch_token`] with the start URL already settled by the caller, so no request is made
/// to resolve it: `configure sso` resolves a vanity URL once, at its prompt, and otherwise
/// signs in with the URL as configured, as v2's `do_sso_login` does without a
/// `resolved_start_url`. The SSO region is `resolved.region`, else the target's.
pub async fn fetch_token_at(
    ctx: &Context,
    transport: &Transport,
    target: &LoginTarget,
    resolved: start_url::ResolvedStartUrl,
    options: &FlowOptions,
    messages: &Messages,
) -> Result<FetchedToken> {
    interruptible(fetch_resolved(
        ctx, transport, target, resolved, options, messages,
    ))?
    .await
}

/// `work`, or [`Error::Interrupted`] as soon as Ctrl-C arrives. The SIGINT handler is
/// installed by this call (inside the runtime), not at the first poll, so a Ctrl-C right
/// after a URL is printed is never lost to the default handler. Cancelling `work` at an
/// await point leaves no half-written file: cache writes are synchronous and atomic.
pub fn interruptible<T>(
    work: impl Future<Output = Result<T>>,
) -> Result<impl Future<Output = Result<T>>> {
    let interrupted = interrupt_signal()?;
    Ok(async move {
        tokio::select! {
            result = work => result,
            () = interrupted => Err(Error::Interrupted),
        }
    })
}

fn interrupt_signal() -> Result<impl Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut sigint =
            signal(SignalKind::interrupt()).map_err(LoginError::InterruptUnwatchable)?;
        Ok(async move {
            sigint.recv().await;
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

async fn fetch(
    ctx: &Context,
    transport: &Transport,
    target: &LoginTarget,
    options: &FlowOptions,
    messages: &Messages,
) -> Result<FetchedToken> {
    let resolved = start_url::resolve(ctx, &transport.http, &target.start_url).await?;
    fetch_resolved(ctx, transport, target, resolved, options, messages).await
}

async fn fetch_resolved(
    ctx: &Context,
    transport: &Transport,
    target: &LoginTarget,
    resolved: start_url::ResolvedStartUrl,
    options: &FlowOptions,
    messages: &Messages,
) -> Result<FetchedToken> {
    let region = resolved
        .region
        .clone()
        .unwrap_or_else(|| target.region.clone());
    let oidc = OidcClient::new(transport, &region)?;
    let flow = Flow {
        ctx,
        oidc: &oidc,
        target,
        region: &region,
        issuer: &resolved.url,
        options,
        messages,
    };
    let token = if target.session_name.is_some() && !options.use_device_code {
        flow.authorization_code().await?
    } else {
        flow.device_code().await?
    };
    token::save_token(&ctx.paths.sso_cache_dir, &target.token_key(), &token)?;
    Ok(FetchedToken {
        token,
        derived_region: resolved.region.filter(|r| *r != target.region),
    })
}

/// One login attempt's fixed inputs.
struct Flow<'a> {
    ctx: &'a Context,
    oidc: &'a OidcClient<'a>,
    target: &'a LoginTarget,
    /// The SSO region in use (configured, or derived from the start URL).
    region: &'a str,
    /// The resolved start URL: issuerUrl (PKCE) or startUrl (device flow).
    issuer: &'a str,
    options: &'a FlowOptions,
    /// Where the instructions go.
    messages: &'a Messages,
}

impl Flow<'_> {
    /// Authorization code + PKCE (botocore/utils.py `SSOTokenFetcherAuth`).
    async fn authorization_code(&self) -> Result<CachedToken> {
        let ctx = self.ctx;
        // Bound before any OIDC call and before the browser opens.
        let listener = CallbackListener::bind().await?;
        let registration = self.registration(true).await?;
        let pkce = Pkce::generate();
        let state = oidc::new_state();
        let redirect_uri = oidc::redirect_uri_with_port(listener.port());
        let url = oidc::authorize_url(
            &self.oidc.endpoint,
            &registration.client_id,
            &redirect_uri,
            &state,
            &self.target.registration_scopes(),
            &pkce.challenge,
        );
        if self.options.no_browser {
            self.messages.say(ctx, &format!(
                "Browser will not be automatically opened.\nPlease visit the following URL:\n\n{url}\n"
            ));
        } else {
            self.messages.say(ctx, &format!(
                "Attempting to open your default browser. If the browser does not open, open the following URL.\nIf you are unable to open the URL on this device, run this command again with the '--use-device-code' option.\n\n{url}\n\n"
            ));
            open_browser(ctx, &url);
        }
        let wait = tokio::time::timeout(CALLBACK_TIMEOUT, listener.wait_for_code(&state));
        let code = match with_spinner(ctx, self.messages, wait).await {
            Ok(code) => code?,
            Err(_elapsed) => return Err(LoginError::PendingAuthorizationExpired.into()),
        };
        let response = self
            .oidc
            .create_token(
                ctx,
                &registration.client_id,
                &registration.client_secret,
                Grant::AuthorizationCode {
                    code: &code,
                    redirect_uri: &redirect_uri,
                    code_verifier: &pkce.verifier,
                },
            )
            .await
            .map_err(expired_as_pending)?;
        self.token(&registration, response)
    }

    /// Device code (botocore/utils.py `SSOTokenFetcher`), with a client-side stop at
    /// `expiresIn` as well.
    async fn device_code(&self) -> Result<CachedToken> {
        let ctx = self.ctx;
        let registration = self.registration(false).await?;
        let authorization = self
            .oidc
            .start_device_authorization(
                ctx,
                &registration.client_id,
                &registration.client_secret,
                self.issuer,
            )
            .await?;
        // A lifetime no clock can reach ends the login before anything is shown.
        let lifetime = authorization.lifetime(ctx.now())?;
        let deadline = tokio::time::Instant::now()
            .checked_add(lifetime)
            .ok_or(oidc::OidcError::ExpirationOutOfRange)?;
        let mut interval = authorization.interval().unwrap_or(DEFAULT_INTERVAL);
        // One attempt before showing anything: the client may already be authorised.
        if let Some(response) = self
            .poll(&registration, &authorization, &mut interval)
            .await?
        {
            return self.token(&registration, response);
        }
        if self.options.no_browser {
            self.messages.say(ctx, &format!(
                "Browser will not be automatically opened.\nPlease visit the following URL:\n\n{}\n\nThen enter the code:\n\n{}\n\nAlternatively, you may visit the following URL which will autofill the code upon loading:\n{}\n",
                authorization.verification_uri,
                authorization.user_code,
                authorization.verification_uri_complete
            ));
        } else {
            self.messages.say(ctx, &format!(
                "Attempting to open your default browser.\nIf the browser does not open or you wish to use a different device to authorize this request, open the following URL:\n\n{}\n\nThen enter the code:\n\n{}\n",
                authorization.verification_uri, authorization.user_code
            ));
            open_browser(ctx, &authorization.verification_uri_complete);
        }
        let polling = async {
            loop {
                // The first poll after the message is immediate.
                if let Some(response) = self
                    .poll(&registration, &authorization, &mut interval)
                    .await?
                {
                    return Ok(response);
                }
                let now = tokio::time::Instant::now();
                if now >= deadline {
                    return Err(Error::from(LoginError::PendingAuthorizationExpired));
                }
                let pause = interval.min(deadline - now);
                tokio::time::sleep(pause).await;
            }
        };
        let response = with_spinner(ctx, self.messages, polling).await?;
        self.token(&registration, response)
    }

    /// One CreateToken attempt: the token, or `None` while authorisation is pending.
    async fn poll(
        &self,
        registration: &ClientRegistration,
        authorization: &oidc::DeviceAuthorization,
        interval: &mut Duration,
    ) -> Result<Option<TokenResponse>> {
        let result = self
            .oidc
            .create_token(
                self.ctx,
                &registration.client_id,
                &registration.client_secret,
                Grant::DeviceCode {
                    device_code: &authorization.device_code,
                },
            )
            .await;
        match result {
            Ok(response) => Ok(Some(response)),
            Err(e) => match oidc::service_code(&e) {
                Some("AuthorizationPendingException") => Ok(None),
                Some("SlowDownException") => {
                    *interval = interval.saturating_add(SLOW_DOWN_DELAY);
                    ctx_debug!(self.ctx, "Slowing down: polling every {interval:?}");
                    Ok(None)
                }
                _ => Err(expired_as_pending(e)),
            },
        }
    }

    /// The cached registration when v2 would re-use it (more than 15 minutes left, made for
    /// this flow), else a new one, cached at once.
    async fn registration(&self, auth_code: bool) -> Result<ClientRegistration> {
        let ctx = self.ctx;
        let dir = &ctx.paths.sso_cache_dir;
        let key = self.target.registration_key(self.region);
        if let Some(cached) = token::load_registration(dir, &key).found() {
            if cached.is_usable(ctx.now()) && cached.is_auth_code() == auth_code {
                ctx_debug!(ctx, "Re-using the cached client registration {key}");
                return Ok(cached);
            }
        }
        let client_name = match &self.target.session_name {
            Some(name) => format!("botocore-client-{name}"),
            None => format!(
                "botocore-client-{}",
                ctx.now()
                    .duration_since(std::time::SystemTime::UNIX_EPOCH)
                    .map_or(0, |since| since.as_secs())
            ),
        };
        let configured = self.target.scopes.clone().filter(|s| !s.is_empty());
        let (request, scopes, grant_types) = if auth_code {
            let scopes = self.target.registration_scopes();
            let grants = vec!["authorization_code".to_owned(), "refresh_token".to_owned()];
            let request = RegisterClientRequest {
                client_name,
                scopes: Some(scopes.clone()),
                grant_types: Some(grants.clone()),
                redirect_uris: Some(vec![oidc::REGISTERED_REDIRECT_URI.to_owned()]),
                issuer_url: Some(self.issuer.to_owned()),
            };
            (request, Some(scopes), Some(grants))
        } else {
            let request = RegisterClientRequest {
                client_name,
                scopes: configured.clone(),
                ..Default::default()
            };
            (request, configured, None)
        };
        let client = self.oidc.register_client(ctx, &request).await?;
        let registration = ClientRegistration {
            expires_at: client.expires_at(),
            client_id: client.client_id,
            client_secret: client.client_secret,
            scopes,
            grant_types,
        };
        token::save_registration(dir, &key, &registration)?;
        Ok(registration)
    }

    /// The cache entry for a CreateToken answer, with the fields botocore/utils.py
    /// `SSOTokenFetcher` caches; an `expiresIn` beyond the range of a timestamp is
    /// [`oidc::OidcError::ExpirationOutOfRange`] and nothing is cached.
    fn token(
        &self,
        registration: &ClientRegistration,
        response: TokenResponse,
    ) -> Result<CachedToken> {
        Ok(CachedToken {
            start_url: Some(self.target.start_url.clone()),
            region: Some(self.region.to_owned()),
            expires_at: response.expires_at(self.ctx.now())?,
            access_token: response.access_token,
            client_id: Some(registration.client_id.clone()),
            client_secret: Some(registration.client_secret.clone()),
            registration_expires_at: Some(registration.expires_at),
            refresh_token: response.refresh_token,
        })
    }
}

/// `ExpiredTokenException` from CreateToken is v2's PendingAuthorizationExpiredError (255).
fn expired_as_pending(e: Error) -> Error {
    if oidc::service_code(&e) == Some("ExpiredTokenException") {
        LoginError::PendingAuthorizationExpired.into()
    } else {
        e
    }
}

/// Opens the browser; a failure adds nothing (the URL is already on screen), as v2.
fn open_browser(ctx: &Context, url: &str) {
    if !ctx.browser.open(url) {
        ctx_debug!(ctx, "Failed to open browser");
    }
}

/// Runs `work`, drawing a spinner meanwhile where `messages` can show one (stderr when it
/// is a terminal, or the controlling terminal). The line is cleared when the work ends or is
/// dropped (Ctrl-C).
async fn with_spinner<F: Future>(ctx: &Context, messages: &Messages, work: F) -> F::Output {
    if !messages.shows_progress(ctx) {
        return work.await;
    }
    /// Clears the spinner line however the wait ends.
    struct Line<'a>(&'a Context, &'a Messages);
    impl Drop for Line<'_> {
        fn drop(&mut self) {
            self.1.progress(self.0, "\r\x1b[2K");
        }
    }
    const FRAMES: [char; 4] = ['|', '/', '-', '\\'];
    let _line = Line(ctx, messages);
    let mut tick = tokio::time::interval(Duration::from_millis(120));
    let mut frame = 0usize;
    tokio::pin!(work);
    loop {
        tokio::select! {
            output = &mut work => return output,
            _ = tick.tick() => {
                messages.progress(ctx, &format!("\r{} Waiting for authorization...", FRAMES[frame % FRAMES.len()]));
                frame += 1;
            }
        }
    }
}
