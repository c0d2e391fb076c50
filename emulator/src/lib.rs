//! awsso-emulator: IAM Identity Center (SSO OIDC, the SSO portal) and STS on loopback, speaking
//! the real wire protocols, for awsso's tests and demo. One port serves all three services;
//! point any AWS client at it with `AWS_ENDPOINT_URL`.
//!
//! ```no_run
//! use awsso_emulator::{Emulator, Options};
//! let emu = Emulator::start(Options::default().auto_approve(true));
//! println!("export AWS_ENDPOINT_URL={}", emu.url());
//! emu.set_faults(|f| f.pending_polls = 2);
//! assert!(emu.request_lines().is_empty());
//! ```
//!
//! The server runs on its own thread with its own tokio runtime, so tests need neither a
//! subprocess nor an async context; dropping the [`Emulator`] stops it and closes the port.
//!
//! Around it: [`Options::tls`] and [`tls::TestCa`] serve the same routes over HTTPS for tests
//! of TLS trust, and [`proxy::Proxy`] is a forward proxy for tests of `HTTPS_PROXY`.

#![warn(missing_docs)]
// Handlers return `Result<Reply, Reply>`: the error *is* the HTTP answer, built once, rarely.
#![allow(clippy::result_large_err)]

mod directory;
mod faults;
mod federation;
mod oidc;
mod portal;
pub mod proxy;
mod reply;
mod request;
mod server;
mod sigv4;
mod state;
mod sts;
pub mod tls;

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use axum::serve::ListenerExt;

pub use directory::{assumed_role_identity, role_id, Account, Directory, IamUser};
pub use faults::{Body, Faults, RawAnswer};
pub use federation::SIGNIN_TOKEN_TTL;
pub use oidc::s256_challenge;
pub use server::MAX_BODY;
pub use state::{IssuedCredentials, IssuedSigninToken};

use server::Shared;
use state::{Settings, State};

/// How the emulator starts. Build with the methods; `Options::default()` is a healthy service
/// with the default [`Directory`], device codes waiting for the user, 8 h tokens, 1 h role
/// credentials, 90-day registrations, pages of 2 and a polling interval of 1 s.
#[derive(Debug, Clone)]
pub struct Options {
    auto_approve: bool,
    directory: Directory,
    token_ttl: Duration,
    registration_ttl: Duration,
    credentials_ttl: Duration,
    page_size: usize,
    interval: u64,
    signin_token_ttl: Duration,
    faults: Faults,
    port: u16,
    /// PEM certificate chain and key, when serving HTTPS.
    tls: Option<TlsPem>,
}

/// A certificate chain and its private key, as PEM; `Debug` leaves the key out.
#[derive(Clone)]
struct TlsPem {
    chain: String,
    key: String,
}

impl std::fmt::Debug for TlsPem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsPem")
            .field("chain", &self.chain)
            .field("key", &"** redacted **")
            .finish()
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            auto_approve: false,
            directory: Directory::default(),
            token_ttl: Duration::from_secs(8 * 3600),
            registration_ttl: Duration::from_secs(90 * 24 * 3600),
            credentials_ttl: Duration::from_secs(3600),
            page_size: 2,
            interval: 1,
            signin_token_ttl: federation::SIGNIN_TOKEN_TTL,
            faults: Faults::default(),
            port: 0,
            tls: None,
        }
    }
}

impl Options {
    /// Device codes are approved when created, as if the user clicked Allow at once.
    pub fn auto_approve(mut self, yes: bool) -> Self {
        self.auto_approve = yes;
        self
    }

    /// Who the user is and what they may access.
    pub fn directory(mut self, directory: Directory) -> Self {
        self.directory = directory;
        self
    }

    /// Lifetime of access tokens (`expiresIn` of CreateToken). Default 8 hours.
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }

    /// Lifetime of client registrations (`clientSecretExpiresAt`). Default 90 days.
    pub fn registration_ttl(mut self, ttl: Duration) -> Self {
        self.registration_ttl = ttl;
        self
    }

    /// Lifetime of role credentials from GetRoleCredentials. Default 1 hour; zero gives
    /// credentials that are already expired (STS answers `ExpiredToken`).
    pub fn credentials_ttl(mut self, ttl: Duration) -> Self {
        self.credentials_ttl = ttl;
        self
    }

    /// Most items per ListAccounts/ListAccountRoles page (default 2, so clients must paginate).
    pub fn page_size(mut self, size: usize) -> Self {
        self.page_size = size.max(1);
        self
    }

    /// The `interval` StartDeviceAuthorization returns, in seconds (default 1).
    pub fn interval(mut self, seconds: u64) -> Self {
        self.interval = seconds;
        self
    }

    /// How long console sign-in tokens from `/federation?Action=getSigninToken` are accepted
    /// by `Action=login`. Default 15 minutes, as AWS; zero makes them stale at once.
    pub fn signin_token_ttl(mut self, ttl: Duration) -> Self {
        self.signin_token_ttl = ttl;
        self
    }

    /// Faults active from the start.
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Shorthand for `faults.pending_polls`.
    pub fn pending_polls(mut self, polls: u32) -> Self {
        self.faults.pending_polls = polls;
        self
    }

    /// Serves every route over HTTPS with this certificate chain (PEM, leaf first) and private
    /// key (PEM: PKCS #8, PKCS #1 or SEC1); [`Emulator::url`] is then `https://127.0.0.1:PORT`,
    /// so the certificate must name the IP address 127.0.0.1 (as [`tls::TestCa`]'s does, with
    /// `localhost`). A chain or key that does not parse makes [`Emulator::try_start`] fail.
    pub fn tls(mut self, cert_chain_pem: impl Into<String>, key_pem: impl Into<String>) -> Self {
        self.tls = Some(TlsPem {
            chain: cert_chain_pem.into(),
            key: key_pem.into(),
        });
        self
    }

    /// The port on 127.0.0.1 (default 0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }
}

/// One request as it arrived, for tests to assert on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// Percent-encoded, as sent.
    pub path: String,
    /// The raw query string without `?` (empty when none).
    pub query: String,
    /// Header names lower-case, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body as text (bodies of these protocols are JSON or form-encoded).
    pub body: String,
}

impl RecordedRequest {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `"METHOD /path"`.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// What [`Emulator::sign_in_for_tests`] created: a registration and its tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestSession {
    /// `clientId` of the registration.
    pub client_id: String,
    /// `clientSecret` of the registration.
    pub client_secret: String,
    /// When the registration (`clientSecretExpiresAt`) expires.
    pub registration_expires_at: SystemTime,
    /// An access token the portal accepts.
    pub access_token: String,
    /// A refresh token CreateToken accepts once.
    pub refresh_token: String,
    /// When the access token expires (now + token ttl).
    pub expires_at: SystemTime,
}

/// A running emulator. Dropping it stops the server and closes its port.
pub struct Emulator {
    url: String,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Starts on 127.0.0.1 (port from [`Options::port`], default any free port).
    ///
    /// # Panics
    /// If the port cannot be bound; use [`Emulator::try_start`] to handle that.
    pub fn start(options: Options) -> Emulator {
        Self::try_start(options).expect("start awsso-emulator")
    }

    /// Starts on 127.0.0.1, or says why the port could not be bound (or, with
    /// [`Options::tls`], why the certificate or key is unusable).
    pub fn try_start(options: Options) -> std::io::Result<Emulator> {
        let acceptor = match &options.tls {
            Some(pem) => Some(tls::acceptor(&pem.chain, &pem.key)?),
            None => None,
        };
        let listener = std::net::TcpListener::bind(("127.0.0.1", options.port))?;
        listener.set_nonblocking(true)?;
        let scheme = if acceptor.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://127.0.0.1:{}", listener.local_addr()?.port());
        let settings = Settings {
            auto_approve: options.auto_approve,
            token_ttl: options.token_ttl,
            registration_ttl: options.registration_ttl,
            credentials_ttl: options.credentials_ttl,
            page_size: options.page_size,
            interval: options.interval,
            signin_token_ttl: options.signin_token_ttl,
        };
        let state = State::new(settings, options.directory, options.faults);
        let shared = Arc::new(Shared::new(state, url.clone()));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = server::router(shared.clone());
        let thread = std::thread::Builder::new()
            .name("awsso-emulator".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                        return;
                    };
                    match acceptor {
                        None => {
                            // Without TCP_NODELAY a response written in two segments waits for
                            // the client's delayed ACK, about 40 ms per request
                            // (testing-notes.md).
                            let listener = listener.tap_io(|stream| {
                                let _ = stream.set_nodelay(true);
                            });
                            tokio::select! {
                                _ = axum::serve(listener, app) => {}
                                _ = stopped => {}
                            }
                        }
                        Some(acceptor) => {
                            let Ok(listener) = tls::TlsListener::new(listener, acceptor) else {
                                return;
                            };
                            tokio::select! {
                                _ = axum::serve(listener, app) => {}
                                _ = stopped => {}
                            }
                        }
                    }
                });
                // Dropping the runtime here ends every connection task.
            })?;
        Ok(Emulator {
            url,
            shared,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT` (`https://` with [`Options::tls`]): the endpoint of every
    /// service.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// `"METHOD /path"` of every request so far, e.g. `"POST /client/register"`.
    pub fn request_lines(&self) -> Vec<String> {
        self.shared
            .lock()
            .requests
            .iter()
            .map(RecordedRequest::line)
            .collect()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.shared.lock().requests.clear();
    }

    /// Changes the active faults; takes effect for the next request.
    pub fn set_faults(&self, change: impl FnOnce(&mut Faults)) {
        change(&mut self.shared.lock().faults);
    }

    /// ListAccounts and ListAccountRoles calls so far: `(served, throttled)`. Served calls
    /// reached the portal (whatever it answered, a 401 included); throttled ones were refused
    /// by [`Faults::list_rate`]. Calls answered by a scripted fault (`raw_next`, `fail_next`,
    /// `throttle_next`) are in neither.
    pub fn list_calls(&self) -> (u64, u64) {
        let state = self.shared.lock();
        (state.list_served, state.list_throttled)
    }

    /// The faults as they are now (counters go down as faults fire).
    pub fn faults(&self) -> Faults {
        self.shared.lock().faults.clone()
    }

    /// Every access and refresh token stops working (portal 401, refresh `invalid_grant`), as
    /// when an administrator revokes the user's sessions. Issued role credentials stay valid.
    pub fn revoke_all_tokens(&self) {
        self.shared.lock().revoke_all_tokens();
    }

    /// The directory the emulator serves.
    pub fn directory(&self) -> Directory {
        self.shared.lock().directory.clone()
    }

    /// Serves another directory from the next request on, as when an administrator changes
    /// assignments between two runs of a client. Access and refresh tokens, sessions and
    /// issued role credentials stay valid; next tokens of lists already started still decode
    /// (a position past the new end is an invalid next token). The IAM users' static keys
    /// become the new directory's.
    pub fn set_directory(&self, directory: Directory) {
        self.shared.lock().set_directory(directory);
    }

    /// Changes the served directory in place, e.g. removes a role:
    /// `emu.update_directory(|d| d.accounts[0].roles.truncate(1));` Same rules as
    /// [`Emulator::set_directory`].
    pub fn update_directory(&self, change: impl FnOnce(&mut Directory)) {
        let mut state = self.shared.lock();
        let mut directory = state.directory.clone();
        change(&mut directory);
        state.set_directory(directory);
    }

    /// A valid access token for the directory's user, issued without a sign-in (for tests that
    /// only need the portal). It lives as long as [`Options::token_ttl`] says.
    pub fn issue_token_for_tests(&self) -> String {
        let mut state = self.shared.lock();
        let session = state.new_session();
        state
            .issue_tokens(SystemTime::now(), "emulator-tests", session, false)
            .0
    }

    /// A client registration (with scope `sso:account:access`, as `configure sso` registers)
    /// and a sign-in for it, without any HTTP: everything a test needs to write an SSO token
    /// cache whose refresh token works.
    pub fn sign_in_for_tests(&self) -> TestSession {
        let now = SystemTime::now();
        let mut state = self.shared.lock();
        let client_id = state::random_token(22);
        let client_secret = state::random_token(64);
        let registration_expires_at = state::later(now, state.settings.registration_ttl);
        state.clients.insert(
            client_id.clone(),
            state::Client {
                secret: client_secret.clone(),
                secret_expires_at: registration_expires_at,
                scopes: vec!["sso:account:access".into()],
                grant_types: Vec::new(),
                redirect_uris: Vec::new(),
                issuer_url: None,
            },
        );
        let session = state.new_session();
        let (access_token, refresh_token) = state.issue_tokens(now, &client_id, session, true);
        TestSession {
            client_id,
            client_secret,
            registration_expires_at,
            access_token,
            refresh_token: refresh_token.unwrap_or_default(),
            expires_at: state::later(now, state.settings.token_ttl),
        }
    }

    /// Approves the device code with this user code, as the verification page would.
    /// Returns false when no such pending code exists.
    pub fn approve_user_code(&self, user_code: &str) -> bool {
        let mut state = self.shared.lock();
        match state
            .devices
            .values_mut()
            .find(|d| d.user_code == user_code && d.approval == state::Approval::Pending)
        {
            Some(device) => {
                device.approval = state::Approval::Approved;
                true
            }
            None => false,
        }
    }

    /// The credentials with this access key id, if the emulator issued or knows them.
    pub fn credentials(&self, access_key_id: &str) -> Option<IssuedCredentials> {
        self.shared.lock().credentials.get(access_key_id).cloned()
    }

    /// Console sign-in tokens issued so far by `/federation?Action=getSigninToken`, oldest
    /// first, with the credentials and `SessionDuration` each was issued for.
    pub fn signin_tokens(&self) -> Vec<IssuedSigninToken> {
        self.shared.lock().signin_tokens.clone()
    }

    /// Temporary credentials issued so far (GetRoleCredentials, AssumeRole), oldest first.
    pub fn issued_credentials(&self) -> Vec<IssuedCredentials> {
        let state = self.shared.lock();
        state
            .issue_order
            .iter()
            .filter_map(|key| state.credentials.get(key).cloned())
            .collect()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator").field("url", &self.url).finish()
    }
}
