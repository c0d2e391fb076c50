//! Client-side rate limiting as botocore's adaptive retry mode does it
//! (`botocore/retries/adaptive.py` `ClientRateLimiter` and `RateClocker`,
//! `botocore/retries/bucket.py` `TokenBucket`, `botocore/retries/throttling.py`
//! `CubicCalculator`): every attempt takes a token from a bucket first; the bucket is off
//! until the first throttling answer, then its rate follows CUBIC, cut to 0.7 times the
//! rate that was throttled and growing back along a cubic curve, never above twice the rate
//! actually measured, never below half a request a second.
//!
//! [`RateLimiter`] is one client's limiter, shared by all its requests in flight: the
//! transport asks it before each attempt and tells it how each attempt was answered. The
//! arithmetic ([`Adaptive`]) takes the time as an argument, so unit tests run it in virtual
//! time; [`RateLimiter`] feeds it the monotonic clock and sleeps on tokio's timer.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// `TokenBucket._MIN_RATE`: the slowest the bucket ever fills, in tokens a second.
const MIN_RATE: f64 = 0.5;
/// `CubicCalculator._SCALE_CONSTANT`.
const SCALE_CONSTANT: f64 = 0.4;
/// `CubicCalculator._BETA`: the share of the throttled rate kept after a throttle.
const BETA: f64 = 0.7;
/// `RateClocker._DEFAULT_SMOOTHING`.
const SMOOTHING: f64 = 0.8;
/// `RateClocker._TIME_BUCKET_RANGE`: the measured rate is updated every half second.
const TIME_BUCKET_RANGE: f64 = 0.5;
/// `ClientRateLimiter._MAX_RATE_ADJUST_SCALE`: the rate never exceeds twice the measured one.
const MAX_RATE_ADJUST_SCALE: f64 = 2.0;

/// botocore's `TokenBucket`, one token a request.
#[derive(Clone, Debug)]
struct TokenBucket {
    fill_rate: f64,
    max_capacity: f64,
    current_capacity: f64,
    last_timestamp: Option<f64>,
}

impl TokenBucket {
    fn new(max_rate: f64, now: f64) -> Self {
        let mut bucket = TokenBucket {
            fill_rate: MIN_RATE,
            max_capacity: 1.0,
            current_capacity: 0.0,
            last_timestamp: None,
        };
        bucket.set_max_rate(max_rate, now);
        bucket
    }

    /// The `max_rate` setter: tokens earned at the old rate are counted first, and the
    /// capacity shrinks with the rate.
    fn set_max_rate(&mut self, value: f64, now: f64) {
        self.refill(now);
        self.fill_rate = value.max(MIN_RATE);
        self.max_capacity = if value >= 1.0 { value } else { 1.0 };
        self.current_capacity = self.current_capacity.min(self.max_capacity);
    }

    fn refill(&mut self, now: f64) {
        if let Some(last) = self.last_timestamp {
            let filled = (now - last).max(0.0) * self.fill_rate;
            self.current_capacity = (self.current_capacity + filled).min(self.max_capacity);
        }
        self.last_timestamp = Some(now);
    }

    /// Takes a token, or says how many seconds until one is there.
    fn try_acquire(&mut self, now: f64) -> Result<(), f64> {
        self.refill(now);
        if self.current_capacity >= 1.0 {
            self.current_capacity -= 1.0;
            return Ok(());
        }
        Err((1.0 - self.current_capacity) / self.fill_rate)
    }
}

/// botocore's `RateClocker`: the sending rate, smoothed, updated each half second.
#[derive(Clone, Debug)]
struct RateClocker {
    measured_rate: f64,
    last_bucket: f64,
    count: f64,
}

impl RateClocker {
    fn new(now: f64) -> Self {
        RateClocker {
            measured_rate: 0.0,
            last_bucket: now.floor(),
            count: 0.0,
        }
    }

    fn record(&mut self, now: f64) -> f64 {
        let scale = 1.0 / TIME_BUCKET_RANGE;
        let bucket = (now * scale).floor() / scale;
        self.count += 1.0;
        if bucket > self.last_bucket {
            let current_rate = self.count / (bucket - self.last_bucket);
            self.measured_rate = current_rate * SMOOTHING + self.measured_rate * (1.0 - SMOOTHING);
            self.count = 0.0;
            self.last_bucket = bucket;
        }
        self.measured_rate
    }
}

/// botocore's `CubicCalculator`.
#[derive(Clone, Debug)]
struct Cubic {
    w_max: f64,
    k: f64,
    last_fail: f64,
}

impl Cubic {
    fn new(starting_max_rate: f64, start_time: f64) -> Self {
        let mut cubic = Cubic {
            w_max: starting_max_rate,
            k: 0.0,
            last_fail: start_time,
        };
        cubic.k = cubic.zero_point();
        cubic
    }

    fn zero_point(&self) -> f64 {
        (self.w_max * (1.0 - BETA) / SCALE_CONSTANT).cbrt()
    }

    fn success_received(&self, timestamp: f64) -> f64 {
        let dt = timestamp - self.last_fail;
        SCALE_CONSTANT * (dt - self.k).powi(3) + self.w_max
    }

    fn error_received(&mut self, current_rate: f64, timestamp: f64) -> f64 {
        self.w_max = current_rate;
        self.k = self.zero_point();
        self.last_fail = timestamp;
        current_rate * BETA
    }
}

/// botocore's `ClientRateLimiter` in virtual time: `now` is seconds since any fixed
/// instant, never decreasing.
#[derive(Clone, Debug)]
pub struct Adaptive {
    enabled: bool,
    bucket: TokenBucket,
    clocker: RateClocker,
    cubic: Cubic,
}

impl Adaptive {
    /// `register_retry_handler`'s parts: a bucket of rate 1, a CUBIC curve from 0.
    pub fn new(now: f64) -> Self {
        Adaptive {
            enabled: false,
            bucket: TokenBucket::new(1.0, now),
            clocker: RateClocker::new(now),
            cubic: Cubic::new(0.0, now),
        }
    }

    /// `on_sending_request`: `Ok` to send now, or the seconds to wait before asking again.
    pub fn acquire(&mut self, now: f64) -> Result<(), f64> {
        if !self.enabled {
            return Ok(());
        }
        self.bucket.try_acquire(now)
    }

    /// `on_receiving_response`, after every attempt (an attempt without an answer is not a
    /// throttle). Returns the new rate after a throttle, for the debug log.
    pub fn record(&mut self, throttled: bool, now: f64) -> Option<f64> {
        let measured_rate = self.clocker.record(now);
        let new_rate = if throttled {
            let rate_to_use = if self.enabled {
                measured_rate.min(self.bucket.fill_rate)
            } else {
                measured_rate
            };
            self.enabled = true;
            self.cubic.error_received(rate_to_use, now)
        } else {
            self.cubic.success_received(now)
        };
        self.bucket
            .set_max_rate(new_rate.min(MAX_RATE_ADJUST_SCALE * measured_rate), now);
        throttled.then_some(self.bucket.fill_rate)
    }

    /// Whether a throttle has switched the bucket on.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The bucket's rate, in requests a second.
    pub fn rate(&self) -> f64 {
        self.bucket.fill_rate
    }
}

/// One client's [`Adaptive`] limiter on the monotonic clock, shared by its requests in
/// flight (the lock is never held across an await).
#[derive(Debug)]
pub struct RateLimiter {
    start: Instant,
    state: Mutex<Adaptive>,
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::new()
    }
}

impl RateLimiter {
    pub fn new() -> Self {
        RateLimiter {
            start: Instant::now(),
            state: Mutex::new(Adaptive::new(0.0)),
        }
    }

    fn now(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, Adaptive> {
        // The state stays consistent whatever panicked while holding it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for a token (at once while no throttle has been seen).
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let now = self.now();
                self.state().acquire(now)
            };
            match wait {
                Ok(()) => return,
                Err(seconds) => tokio::time::sleep(Duration::from_secs_f64(seconds)).await,
            }
        }
    }

    /// Records how an attempt was answered; after a throttle, returns the new rate.
    pub fn record(&self, throttled: bool) -> Option<f64> {
        let now = self.now();
        self.state().record(throttled, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_fills_at_its_rate_up_to_its_capacity() {
        let mut bucket = TokenBucket::new(1.0, 0.0);
        // botocore's bucket starts empty.
        assert_eq!(bucket.try_acquire(0.0), Err(1.0));
        assert_eq!(bucket.try_acquire(0.5), Err(0.5));
        assert_eq!(bucket.try_acquire(1.0), Ok(()));
        bucket.set_max_rate(10.0, 1.0);
        // Ten seconds fill it to its capacity of 10, not 100.
        for _ in 0..10 {
            assert_eq!(bucket.try_acquire(11.0), Ok(()));
        }
        assert!(bucket.try_acquire(11.0).is_err());
        // Scaling down caps what is there; the rate never drops below the minimum.
        bucket.set_max_rate(0.1, 100.0);
        assert_eq!(bucket.fill_rate, MIN_RATE);
        assert_eq!(bucket.max_capacity, 1.0);
        assert_eq!(bucket.current_capacity, 1.0);
    }

    #[test]
    fn clocker_smooths_each_half_second() {
        let mut clocker = RateClocker::new(0.2);
        assert_eq!(clocker.last_bucket, 0.0);
        for i in 0..10 {
            assert_eq!(clocker.record(0.2 + f64::from(i) * 0.01), 0.0);
        }
        // The 11th request lands in the next bucket: 11 requests in 0.5 s, smoothed.
        let rate = clocker.record(0.55);
        assert!((rate - 22.0 * SMOOTHING).abs() < 1e-9, "{rate}");
    }

    #[test]
    fn cubic_follows_botocore() {
        let mut cubic = Cubic::new(0.0, 0.0);
        assert_eq!(cubic.success_received(2.0), SCALE_CONSTANT * 8.0);
        assert!((cubic.error_received(20.0, 10.0) - 14.0).abs() < 1e-9);
        // Back at the throttled rate after k = cbrt(20 * 0.3 / 0.4) seconds, beyond it after.
        let k = (20.0f64 * 0.3 / 0.4).cbrt();
        assert!((cubic.success_received(10.0 + k) - 20.0).abs() < 1e-9);
        assert!(cubic.success_received(10.0 + 2.0 * k) > 20.0);
        assert!((cubic.success_received(10.0) - 14.0).abs() < 1e-9);
    }

    #[test]
    fn nothing_is_limited_before_the_first_throttle() {
        let mut limiter = Adaptive::new(0.0);
        for i in 0..1000 {
            let now = f64::from(i) * 0.001;
            assert_eq!(limiter.acquire(now), Ok(()));
            assert_eq!(limiter.record(false, now), None);
        }
        assert!(!limiter.enabled());
    }

    #[test]
    fn a_throttle_cuts_the_rate_to_seventy_percent_of_the_measured_one() {
        let mut limiter = Adaptive::new(0.0);
        // 40 requests a second for three seconds.
        let mut now = 0.0;
        while now < 3.0 {
            limiter.record(false, now);
            now += 0.025;
        }
        let rate = limiter.record(true, now).unwrap();
        assert!(limiter.enabled());
        assert!((27.0..29.0).contains(&rate), "{rate}");
        // From now on requests wait for tokens.
        let mut waited = false;
        for _ in 0..100 {
            if limiter.acquire(now).is_err() {
                waited = true;
                break;
            }
        }
        assert!(waited);
    }

    /// A server that allows `rate` calls a second (a token bucket that starts full, as the
    /// emulator's `list_rate`), a client with `workers` calls in flight, each answered after
    /// `latency` seconds, throttled calls sent again: the limiter keeps throttles rare and
    /// the calls served close to the server's rate.
    fn simulate(rate: f64, workers: usize, latency: f64, calls: usize) -> (f64, usize) {
        let mut server_tokens = rate;
        let mut server_time = 0.0;
        let mut limiter = Adaptive::new(0.0);
        // Each worker's next moment to act.
        let mut ready: Vec<f64> = vec![0.0; workers];
        let (mut served, mut throttled) = (0usize, 0usize);
        let mut now = 0.0f64;
        while served < calls {
            let (worker, at) = ready
                .iter()
                .copied()
                .enumerate()
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .unwrap();
            now = now.max(at);
            match limiter.acquire(now) {
                // At least a microsecond, as a real timer would pass.
                Err(wait) => ready[worker] = now + wait.max(1e-6),
                Ok(()) => {
                    let answered = now + latency;
                    server_tokens = (server_tokens + (answered - server_time) * rate).min(rate);
                    server_time = answered;
                    let ok = server_tokens >= 1.0;
                    if ok {
                        server_tokens -= 1.0;
                        served += 1;
                    } else {
                        throttled += 1;
                    }
                    limiter.record(!ok, answered);
                    ready[worker] = answered;
                }
            }
        }
        (now, throttled)
    }

    #[test]
    fn limited_clients_run_close_to_the_server_s_rate() {
        // The benchmark's case: 5,050 calls at 20 a second need 252.5 s at best.
        let (elapsed, throttled) = simulate(20.0, 8, 0.002, 5050);
        let bound = 5050.0 / 20.0;
        assert!(
            elapsed < bound * 1.05,
            "{elapsed} s for a bound of {bound} s"
        );
        assert!(throttled < 5050 / 25, "{throttled} throttled");
        // A slow server far away: CUBIC's probing costs more throttles at a low rate
        // (its curve is in absolute requests a second), still few enough.
        let (elapsed, throttled) = simulate(5.0, 8, 0.15, 500);
        assert!(elapsed < 100.0 * 1.05, "{elapsed}");
        assert!(throttled < 500 / 5, "{throttled}");
    }
}
