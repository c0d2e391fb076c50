//! Faults a test can switch on, at start ([`crate::Options::faults`]) or while the emulator runs
//! ([`crate::Emulator::set_faults`]), to drive a client through the service's unhappy paths.

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
}
