//! The emulator's memory: client registrations, device and authorization codes, tokens and the
//! credentials it issued, plus the recorded requests. One value behind one mutex, never held
//! across an await.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant, SystemTime};

use rand::distr::{Alphanumeric, SampleString};
use rand::Rng;

use crate::directory::{Account, Directory};
use crate::faults::Faults;
use crate::RecordedRequest;

/// Settings fixed at start.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub auto_approve: bool,
    pub token_ttl: Duration,
    pub registration_ttl: Duration,
    pub credentials_ttl: Duration,
    pub page_size: usize,
    pub interval: u64,
    pub signin_token_ttl: Duration,
}

/// What RegisterClient recorded.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    pub secret: String,
    pub secret_expires_at: SystemTime,
    pub scopes: Vec<String>,
    pub grant_types: Vec<String>,
    pub redirect_uris: Vec<String>,
    #[allow(dead_code)] // recorded like IdC does; nothing checks it yet
    pub issuer_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Approval {
    Pending,
    Approved,
    Denied,
    /// Tokens were issued; the code cannot be used again.
    Consumed,
}

/// A device authorization (RFC 8628) started by StartDeviceAuthorization.
#[derive(Debug, Clone)]
pub(crate) struct DeviceAuth {
    pub client_id: String,
    pub user_code: String,
    pub expires_at: SystemTime,
    pub approval: Approval,
    pub polls: u32,
}

/// An authorization code handed out by `/authorize`.
#[derive(Debug, Clone)]
pub(crate) struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub expires_at: SystemTime,
}

/// An access token the portal accepts while it is valid.
#[derive(Debug, Clone)]
pub(crate) struct AccessToken {
    pub expires_at: SystemTime,
    pub revoked: bool,
    /// Tokens of one sign-in share a session; Logout ends all of them.
    pub session: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct RefreshToken {
    pub client_id: String,
    pub used: bool,
    pub revoked: bool,
    pub session: u64,
}

/// Credentials the emulator issued (GetRoleCredentials, AssumeRole) or knows (IAM users), as
/// STS sees them when it verifies a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCredentials {
    /// `ASIA...` for temporary credentials, `AKIA...` for IAM users.
    pub access_key_id: String,
    /// The secret that signs requests.
    pub secret_access_key: String,
    /// Present for temporary (`ASIA…`) credentials.
    pub session_token: Option<String>,
    /// `None` for long-term IAM user keys.
    pub expiration: Option<SystemTime>,
    /// What GetCallerIdentity returns as `Arn`.
    pub arn: String,
    /// What GetCallerIdentity returns as `UserId`.
    pub user_id: String,
    /// What GetCallerIdentity returns as `Account`.
    pub account: String,
}

/// A console sign-in token the federation endpoint issued, with what it was issued for.
/// `Debug` leaves the token out: it signs a browser into the console.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedSigninToken {
    /// The `SigninToken` answered.
    pub signin_token: String,
    /// The access key id of the credentials exchanged for it.
    pub access_key_id: String,
    /// Who those credentials are (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`).
    pub arn: String,
    /// The `SessionDuration` asked for, if any.
    pub session_duration: Option<Duration>,
    /// When it was issued.
    pub issued_at: SystemTime,
    /// When `Action=login` stops accepting it (15 minutes after issue by default).
    pub expires_at: SystemTime,
    /// How many `Action=login` requests it answered with a redirect.
    pub logins: u32,
}

impl std::fmt::Debug for IssuedSigninToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedSigninToken")
            .field("signin_token", &"** redacted **")
            .field("access_key_id", &self.access_key_id)
            .field("arn", &self.arn)
            .field("session_duration", &self.session_duration)
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .field("logins", &self.logins)
            .finish()
    }
}

pub(crate) struct State {
    pub settings: Settings,
    /// Replace only through [`State::set_directory`], which keeps the index in step.
    pub directory: Directory,
    /// Position of each account in `directory.accounts`: lookups by id cost the same for
    /// 5,000 accounts as for 3.
    account_index: HashMap<String, usize>,
    pub faults: Faults,
    pub requests: Vec<RecordedRequest>,
    pub clients: HashMap<String, Client>,
    /// By device code.
    pub devices: HashMap<String, DeviceAuth>,
    pub codes: HashMap<String, AuthCode>,
    pub access_tokens: HashMap<String, AccessToken>,
    pub refresh_tokens: HashMap<String, RefreshToken>,
    /// By access key id; IAM users' keys are included at start.
    pub credentials: HashMap<String, IssuedCredentials>,
    /// Access key ids of temporary credentials, oldest first.
    pub issue_order: Vec<String>,
    /// Access key ids of AssumeRole sessions whose caller was itself a role session (role
    /// chaining), which the federation endpoint treats differently.
    pub role_chained: HashSet<String>,
    /// Console sign-in tokens from the federation endpoint, oldest first.
    pub signin_tokens: Vec<IssuedSigninToken>,
    /// The bucket behind `faults.list_rate`, built when a list call first finds that rate.
    pub list_bucket: Option<TokenBucket>,
    /// ListAccounts/ListAccountRoles calls that reached the portal, whatever it answered.
    pub list_served: u64,
    /// ListAccounts/ListAccountRoles calls refused by `faults.list_rate`.
    pub list_throttled: u64,
    next_session: u64,
}

/// A token bucket: `rate` calls of capacity, refilled continuously at `rate` a second.
#[derive(Debug, Clone)]
pub(crate) struct TokenBucket {
    pub rate: u32,
    tokens: f64,
    updated: Instant,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(rate: u32, now: Instant) -> TokenBucket {
        TokenBucket {
            rate,
            tokens: f64::from(rate),
            updated: now,
        }
    }

    /// Takes one call's token if there is one.
    pub fn take(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        let capacity = f64::from(self.rate);
        self.tokens = (self.tokens + elapsed * capacity).min(capacity);
        self.updated = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

impl State {
    pub fn new(settings: Settings, directory: Directory, faults: Faults) -> State {
        let mut state = State {
            settings,
            directory: Directory {
                user: String::new(),
                accounts: Vec::new(),
                users: Vec::new(),
            },
            account_index: HashMap::new(),
            faults,
            requests: Vec::new(),
            clients: HashMap::new(),
            devices: HashMap::new(),
            codes: HashMap::new(),
            access_tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            credentials: HashMap::new(),
            issue_order: Vec::new(),
            role_chained: HashSet::new(),
            signin_tokens: Vec::new(),
            list_bucket: None,
            list_served: 0,
            list_throttled: 0,
            next_session: 1,
        };
        state.set_directory(directory);
        state
    }

    /// Serves `directory` from now on. Tokens, sessions and issued role credentials are not
    /// tied to it and stay valid; the IAM users' long-term keys are replaced by the new ones.
    pub fn set_directory(&mut self, directory: Directory) {
        for user in &self.directory.users {
            self.credentials.remove(&user.access_key_id);
        }
        for u in &directory.users {
            let creds = IssuedCredentials {
                access_key_id: u.access_key_id.clone(),
                secret_access_key: u.secret_access_key.clone(),
                session_token: None,
                expiration: None,
                arn: u.arn.clone(),
                user_id: u.user_id.clone(),
                account: u.account(),
            };
            self.credentials.insert(u.access_key_id.clone(), creds);
        }
        // The first of duplicate ids wins, as Directory::account finds it.
        self.account_index = HashMap::with_capacity(directory.accounts.len());
        for (position, account) in directory.accounts.iter().enumerate() {
            self.account_index
                .entry(account.account_id.clone())
                .or_insert(position);
        }
        self.directory = directory;
    }

    /// The assigned account with this id, found through the index.
    pub fn account(&self, account_id: &str) -> Option<&Account> {
        self.account_index
            .get(account_id)
            .map(|&position| &self.directory.accounts[position])
    }

    /// Whether the user may use `role` in `account_id` (Directory::is_assigned, indexed).
    pub fn is_assigned(&self, account_id: &str, role: &str) -> bool {
        self.account(account_id)
            .is_some_and(|a| a.roles.iter().any(|r| r == role))
    }

    pub fn new_session(&mut self) -> u64 {
        self.next_session += 1;
        self.next_session
    }

    /// Issues an access token (and a refresh token when `with_refresh`) for `session`.
    /// Returns `(access_token, refresh_token)`.
    pub fn issue_tokens(
        &mut self,
        now: SystemTime,
        client_id: &str,
        session: u64,
        with_refresh: bool,
    ) -> (String, Option<String>) {
        let access = format!("aoa{}", random_token(120));
        self.access_tokens.insert(
            access.clone(),
            AccessToken {
                expires_at: later(now, self.settings.token_ttl),
                revoked: false,
                session,
            },
        );
        let refresh = with_refresh.then(|| {
            let refresh = format!("aor{}", random_token(120));
            self.refresh_tokens.insert(
                refresh.clone(),
                RefreshToken {
                    client_id: client_id.to_string(),
                    used: false,
                    revoked: false,
                    session,
                },
            );
            refresh
        });
        (access, refresh)
    }

    /// The access token if the portal should accept it now.
    pub fn valid_access_token(&self, token: &str, now: SystemTime) -> Option<&AccessToken> {
        self.access_tokens
            .get(token)
            .filter(|t| !t.revoked && now < t.expires_at)
    }

    /// Ends a sign-in session: its access and refresh tokens stop working.
    pub fn end_session(&mut self, session: u64) {
        for token in self.access_tokens.values_mut() {
            if token.session == session {
                token.revoked = true;
            }
        }
        for token in self.refresh_tokens.values_mut() {
            if token.session == session {
                token.revoked = true;
            }
        }
    }

    pub fn revoke_all_tokens(&mut self) {
        for token in self.access_tokens.values_mut() {
            token.revoked = true;
        }
        for token in self.refresh_tokens.values_mut() {
            token.revoked = true;
        }
    }

    /// Mints temporary credentials for an identity, valid for `ttl`.
    pub fn issue_credentials(
        &mut self,
        now: SystemTime,
        ttl: Duration,
        arn: String,
        user_id: String,
        account: String,
    ) -> IssuedCredentials {
        let creds = IssuedCredentials {
            access_key_id: format!("ASIA{}", random_upper(16)),
            secret_access_key: random_token(40),
            session_token: Some(format!("IQoJb3JpZ2luX2VtdWxhdG9y{}", random_token(200))),
            expiration: Some(later(now, ttl)),
            arn,
            user_id,
            account,
        };
        self.credentials
            .insert(creds.access_key_id.clone(), creds.clone());
        self.issue_order.push(creds.access_key_id.clone());
        creds
    }
}

/// Random letters and digits.
pub(crate) fn random_token(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::rng(), len)
}

/// Random upper-case letters and digits (access key ids).
pub(crate) fn random_upper(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A user code as the device page shows it: `XXXX-XXXX`, consonants only (no words, no 0/O).
pub(crate) fn random_user_code() -> String {
    const ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
    let mut rng = rand::rng();
    let mut pick = || ALPHABET[rng.random_range(0..ALPHABET.len())] as char;
    let first: String = (0..4).map(|_| pick()).collect();
    let second: String = (0..4).map(|_| pick()).collect();
    format!("{first}-{second}")
}

/// `now + ttl`, saturating at the year 9999 so absurd lifetimes from flags cannot overflow.
pub(crate) fn later(now: SystemTime, ttl: Duration) -> SystemTime {
    const YEAR_9999: Duration = Duration::from_secs(253_402_300_799);
    let limit = SystemTime::UNIX_EPOCH + YEAR_9999;
    now.checked_add(ttl).map_or(limit, |t| t.min(limit))
}

/// Seconds since the Unix epoch.
pub(crate) fn epoch_secs(t: SystemTime) -> i64 {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

/// Milliseconds since the Unix epoch.
pub(crate) fn epoch_millis(t: SystemTime) -> i64 {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => d.as_millis() as i64,
        Err(e) => -(e.duration().as_millis() as i64),
    }
}

/// ISO 8601 with seconds and `Z`, as STS writes `Expiration`.
pub(crate) fn iso8601(t: SystemTime) -> String {
    let dt: chrono::DateTime<chrono::Utc> = t.into();
    dt.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_bucket_allows_a_burst_then_refills_at_its_rate() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(4, start);
        assert!((0..4).all(|_| bucket.take(start)));
        assert!(!bucket.take(start));
        // A quarter second refills one call at 4/s, not more.
        let later = start + Duration::from_millis(250);
        assert!(bucket.take(later));
        assert!(!bucket.take(later));
        // A long pause refills to the capacity only.
        let much_later = later + Duration::from_secs(60);
        assert!((0..4).all(|_| bucket.take(much_later)));
        assert!(!bucket.take(much_later));
        let mut closed = TokenBucket::new(0, start);
        assert!(!closed.take(start + Duration::from_secs(5)));
    }
}
