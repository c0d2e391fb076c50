//! [`Timestamp`]: the one instant type of awsso, read from and written to every place AWS
//! tools put times: the SSO token cache (`expiresAt`, `registrationExpiresAt`), the role
//! credentials cache (`Expiration`), STS answers, `credential_process` output and the
//! environment (`AWS_CREDENTIAL_EXPIRATION`), and the numbers of the wire (epoch seconds and
//! milliseconds, lifetimes in seconds).
//!
//! Reading follows botocore, which parses every one of these with dateutil
//! (`botocore/tokens.py` `SSOTokenProvider._refresher`, `botocore/credentials.py`
//! `_parse_if_needed`): the instant is compared in UTC, and the offset it was written with is
//! kept so that `credential_process` output prints back as Python's `datetime.isoformat()`
//! does. [`Timestamp::parse`] reads the forms listed in docs/compatibility.md, "Caches and
//! timestamps". Writing uses the exact forms botocore writes (`%Y-%m-%dT%H:%M:%SZ` for the
//! caches, `%Y-%m-%dT%H:%M:%SUTC` for the assume-role cache).
//!
//! Every `Timestamp` lies in years 1 to 9999 (UTC), Python's `datetime` range: anything
//! awsso writes, botocore can read back. Each constructor checks the range and its
//! arithmetic, so a lifetime or an epoch number from a server can never overflow.

use std::time::SystemTime;

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc,
};

/// An instant as some tool wrote it: compared in UTC, printed back with its own offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp {
    utc: DateTime<Utc>,
    /// None for a time written without a zone (naive; compared as UTC).
    offset: Option<FixedOffset>,
}

/// The years a [`Timestamp`] may fall in: Python's `datetime.MINYEAR..=MAXYEAR`.
const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// Lifetimes beyond this many seconds (about 31,700 years) are out of range whatever `now`
/// is; below it, seconds convert to microseconds without overflow.
const MAX_LIFETIME_SECONDS: f64 = 1e12;

impl Timestamp {
    /// `utc` as a timestamp written with `Z`; None outside years 1 to 9999.
    pub fn from_utc(utc: DateTime<Utc>) -> Option<Self> {
        Self::with_offset(utc, FixedOffset::east_opt(0))
    }

    fn with_offset(utc: DateTime<Utc>, offset: Option<FixedOffset>) -> Option<Self> {
        YEARS
            .contains(&utc.year())
            .then_some(Timestamp { utc, offset })
    }

    /// The latest instant a timestamp can hold: `9999-12-31T23:59:59.999999Z`.
    pub fn max() -> Self {
        let last = NaiveDate::from_ymd_opt(*YEARS.end(), 12, 31)
            .and_then(|day| day.and_hms_micro_opt(23, 59, 59, 999_999))
            .expect("a valid date");
        Self::from_utc(Utc.from_utc_datetime(&last)).expect("in range")
    }

    /// The earliest instant a timestamp can hold: `0001-01-01T00:00:00Z`.
    pub fn min() -> Self {
        let first = NaiveDate::from_ymd_opt(*YEARS.start(), 1, 1)
            .and_then(|day| day.and_hms_opt(0, 0, 0))
            .expect("a valid date");
        Self::from_utc(Utc.from_utc_datetime(&first)).expect("in range")
    }

    /// A clock reading; None outside years 1 to 9999.
    pub fn from_system_time(at: SystemTime) -> Option<Self> {
        Self::from_utc(system_time_utc(at)?)
    }

    /// Epoch seconds, as the wire's `clientSecretExpiresAt`; out of range saturates at
    /// [`Timestamp::min`] or [`Timestamp::max`], so a registration a server says never ends
    /// is cached as ending in 9999, which botocore still reads.
    pub fn from_epoch_seconds(seconds: i64) -> Self {
        DateTime::<Utc>::from_timestamp(seconds, 0)
            .and_then(Self::from_utc)
            .unwrap_or_else(|| {
                if seconds < 0 {
                    Self::min()
                } else {
                    Self::max()
                }
            })
    }

    /// Epoch milliseconds, as GetRoleCredentials' `expiration`, kept to whole seconds as
    /// botocore keeps them (`strftime('%Y-%m-%dT%H:%M:%SZ')`); None when out of range.
    pub fn from_epoch_millis(millis: i64) -> Option<Self> {
        DateTime::<Utc>::from_timestamp(millis.div_euclid(1000), 0).and_then(Self::from_utc)
    }

    /// `now` plus a lifetime in seconds from a server (`expiresIn`, any JSON number: an
    /// integer of any size, a fraction, an exponent), kept to the microsecond. None when the
    /// result would fall outside years 1 to 9999, or the lifetime is not a finite number.
    pub fn after_seconds(now: SystemTime, seconds: f64) -> Option<Self> {
        if !seconds.is_finite() || seconds.abs() > MAX_LIFETIME_SECONDS {
            return None;
        }
        // |seconds| <= 1e12, so the microseconds fit an i64 with room to spare.
        let lifetime = chrono::TimeDelta::microseconds((seconds * 1e6).round() as i64);
        Self::from_utc(system_time_utc(now)?.checked_add_signed(lifetime)?)
    }

    /// Reads a time as dateutil reads it in the files and outputs AWS tools write, for the
    /// forms docs/compatibility.md, "Caches and timestamps" lists:
    ///
    /// - ISO 8601: `YYYY-MM-DD`, or a date (`YYYY-MM-DD` or `YYYYMMDD`) then `T` or spaces
    ///   and a time `HH[:MM[:SS[.frac]]]` or `HH[MM[SS[.frac]]]` (`,` for `.` too), then
    ///   optionally a zone;
    /// - RFC 2822: `[Tue[,]] 1 Jan 2030 00:00[:SS[.frac]]`, optionally a zone;
    /// - zones: `Z`, `UTC`, `GMT`, `±HH`, `±HHMM` or `±HH:MM`. No zone, or `UT`
    ///   (which dateutil leaves naive), is UTC.
    ///
    /// Fractions are kept to the microsecond (dateutil truncates the rest). None for
    /// anything else, including what dateutil would read differently or by guessing: epoch
    /// numbers (all digits), zone names other than those above, two-digit years, leap
    /// seconds, minutes of offset beyond 59, and instants outside years 1 to 9999 in UTC.
    pub fn parse(text: &str) -> Option<Self> {
        let mut input = Cursor(text.trim().as_bytes());
        let (naive, offset) = if input.0.first()?.is_ascii_digit() && !input.rfc2822_date_ahead() {
            input.iso8601()?
        } else {
            input.rfc2822()?
        };
        if !input.0.is_empty() {
            return None;
        }
        let utc = match offset {
            Some(offset) => offset
                .from_local_datetime(&naive)
                .single()?
                .with_timezone(&Utc),
            None => Utc.from_utc_datetime(&naive),
        };
        Self::with_offset(utc, offset)
    }

    pub fn utc(&self) -> DateTime<Utc> {
        self.utc
    }

    /// Time left from `now` until this instant (negative once past).
    pub fn remaining(&self, now: SystemTime) -> chrono::TimeDelta {
        match system_time_utc(now) {
            Some(now) => self.utc - now,
            // A clock beyond chrono's range is beyond every timestamp too.
            None if now > SystemTime::UNIX_EPOCH => chrono::TimeDelta::MIN,
            None => chrono::TimeDelta::MAX,
        }
    }

    /// Whole seconds from `now` until this instant (negative once past).
    pub fn seconds_after(&self, now: SystemTime) -> i64 {
        self.remaining(now).num_seconds()
    }

    /// `%Y-%m-%dT%H:%M:%SZ` in UTC: how botocore writes the token, registration and SSO
    /// role-credential caches.
    pub fn to_cache_string(&self) -> String {
        self.with_cache_str(str::to_owned)
    }

    /// `f` of [`Timestamp::to_cache_string`]'s text, written on the stack: a status report
    /// writes a hundred of these.
    pub fn with_cache_str<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        // By hand: chrono's `format` reads its pattern anew on every call.
        let (date, time) = (self.utc.date_naive(), self.utc.time());
        let year = date.year();
        // Years beyond four digits and leap seconds keep chrono's spelling.
        if !(0..=9999).contains(&year) || time.nanosecond() >= 1_000_000_000 {
            return f(&self.utc.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        }
        let mut text = [0u8; 20];
        let mut at = 0;
        let mut push = |value: u32, digits: u32, after: u8| {
            for place in (0..digits).rev() {
                text[at] = b'0' + (value / 10u32.pow(place) % 10) as u8;
                at += 1;
            }
            text[at] = after;
            at += 1;
        };
        push(year.unsigned_abs(), 4, b'-');
        push(date.month(), 2, b'-');
        push(date.day(), 2, b'T');
        push(time.hour(), 2, b':');
        push(time.minute(), 2, b':');
        push(time.second(), 2, b'Z');
        f(std::str::from_utf8(&text).expect("ASCII digits and separators"))
    }

    /// `%Y-%m-%dT%H:%M:%SUTC`: botocore's `JSONFileCache` serialising the datetime of an
    /// AssumeRole answer.
    pub fn to_json_file_cache_string(&self) -> String {
        self.utc.format("%Y-%m-%dT%H:%M:%SUTC").to_string()
    }

    /// Python's `datetime.isoformat()`: `2024-05-01T12:00:00+00:00`, microseconds only when
    /// not zero, no offset for a naive time.
    pub fn isoformat(&self) -> String {
        let offset = self
            .offset
            .unwrap_or(FixedOffset::east_opt(0).expect("zero offset"));
        let local = self.utc.with_timezone(&offset);
        let mut out = local.format("%Y-%m-%dT%H:%M:%S").to_string();
        let micros = local.timestamp_subsec_micros();
        if micros != 0 {
            out.push_str(&format!(".{micros:06}"));
        }
        if self.offset.is_some() {
            out.push_str(&local.format("%:z").to_string());
        }
        out
    }
}

/// The text [`Timestamp::parse`] has yet to read (ASCII; anything else fails to match).
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    /// Takes `byte` if it comes next.
    fn eat(&mut self, byte: u8) -> bool {
        let found = self.0.first() == Some(&byte);
        if found {
            self.0 = &self.0[1..];
        }
        found
    }

    /// Takes `word` if it comes next and is not followed by another letter: in any case
    /// (dateutil's day and month names), or exactly (its zone names, upper case only).
    fn eat_word(&mut self, word: &str, any_case: bool) -> bool {
        let n = word.len();
        let found = self.0.get(..n).is_some_and(|head| {
            if any_case {
                head.eq_ignore_ascii_case(word.as_bytes())
            } else {
                head == word.as_bytes()
            }
        }) && !self.0.get(n).is_some_and(u8::is_ascii_alphabetic);
        if found {
            self.0 = &self.0[n..];
        }
        found
    }

    /// Takes spaces and tabs; whether there were any.
    fn spaces(&mut self) -> bool {
        let n = self
            .0
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        self.0 = &self.0[n..];
        n > 0
    }

    /// The run of ASCII digits that comes next, taken.
    fn digits(&mut self) -> &'a [u8] {
        let n = self.0.iter().take_while(|b| b.is_ascii_digit()).count();
        let (digits, rest) = self.0.split_at(n);
        self.0 = rest;
        digits
    }

    /// Exactly `n` digits as a number (a longer run is no match).
    fn number(&mut self, n: usize) -> Option<u32> {
        let digits = self.digits();
        (digits.len() == n).then(|| value(digits))
    }

    /// Whether the text starts like `1 Jan 2030`: a day, then a space.
    fn rfc2822_date_ahead(&self) -> bool {
        let day = self.0.iter().take_while(|b| b.is_ascii_digit()).count();
        (1..=2).contains(&day) && matches!(self.0.get(day), Some(b' ' | b'\t'))
    }

    /// `YYYY-MM-DD[(T|spaces)time[zone]]` or `YYYYMMDD(T|spaces)time[zone]`.
    fn iso8601(&mut self) -> Option<(NaiveDateTime, Option<FixedOffset>)> {
        let digits = self.digits();
        let (year, month, day, basic) = match digits.len() {
            4 => {
                let year = value(digits);
                if !self.eat(b'-') {
                    return None;
                }
                let month = self.number(2)?;
                if !self.eat(b'-') {
                    return None;
                }
                (year, month, self.number(2)?, false)
            }
            8 => (
                value(&digits[..4]),
                value(&digits[4..6]),
                value(&digits[6..]),
                true,
            ),
            _ => return None,
        };
        let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
        let separated = self.eat(b'T') || self.eat(b't') || (self.spaces() && !self.0.is_empty());
        if !separated {
            // A bare date; a basic one would be eight digits, as an epoch number can be.
            return (!basic && self.0.is_empty()).then(|| (date.and_time(NaiveTime::MIN), None));
        }
        let time = self.time(true)?;
        Some((date.and_time(time), self.zone()?))
    }

    /// `[Day[,]] D Mon YYYY HH:MM[:SS[.frac]][zone]`.
    fn rfc2822(&mut self) -> Option<(NaiveDateTime, Option<FixedOffset>)> {
        const DAYS: [&str; 14] = [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
            "Mon",
            "Tue",
            "Wed",
            "Thu",
            "Fri",
            "Sat",
            "Sun",
        ];
        const MONTHS: [&[&str]; 12] = [
            &["January", "Jan"],
            &["February", "Feb"],
            &["March", "Mar"],
            &["April", "Apr"],
            &["May"],
            &["June", "Jun"],
            &["July", "Jul"],
            &["August", "Aug"],
            &["September", "Sept", "Sep"],
            &["October", "Oct"],
            &["November", "Nov"],
            &["December", "Dec"],
        ];
        if DAYS.iter().any(|name| self.eat_word(name, true)) {
            let comma = self.eat(b',');
            if !self.spaces() && !comma {
                return None;
            }
        }
        let day = self.digits();
        if !(1..=2).contains(&day.len()) {
            return None;
        }
        let day = value(day);
        self.spaces().then_some(())?;
        let month = MONTHS
            .iter()
            .position(|names| names.iter().any(|name| self.eat_word(name, true)))?;
        self.spaces().then_some(())?;
        let year = self.number(4)?;
        self.spaces().then_some(())?;
        let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month as u32 + 1, day)?;
        let time = self.time(false)?;
        Some((date.and_time(time), self.zone()?))
    }

    /// `HH[:MM[:SS[.frac]]]`, or with `basic` also `HH[MM[SS[.frac]]]`; RFC 2822 asks for
    /// the minutes. Hours 0-23, minutes and seconds 0-59 (dateutil knows no leap second).
    fn time(&mut self, iso: bool) -> Option<NaiveTime> {
        let digits = self.digits();
        let (hour, mut minute, mut second) = match digits.len() {
            2 => (value(digits), None, None),
            4 if iso => (value(&digits[..2]), Some(value(&digits[2..])), None),
            6 if iso => (
                value(&digits[..2]),
                Some(value(&digits[2..4])),
                Some(value(&digits[4..])),
            ),
            _ => return None,
        };
        if digits.len() == 2 && self.eat(b':') {
            minute = Some(self.number(2)?);
            if self.eat(b':') {
                second = Some(self.number(2)?);
            }
        }
        if minute.is_none() && !iso {
            return None;
        }
        let mut micros = 0;
        if second.is_some() && (self.eat(b'.') || self.eat(b',')) {
            let fraction = self.digits();
            if fraction.is_empty() {
                return None;
            }
            micros = fraction
                .iter()
                .chain(std::iter::repeat(&b'0'))
                .take(6)
                .fold(0, |n, d| n * 10 + u32::from(d - b'0'));
        }
        // chrono refuses a second of 60 here (its leap seconds are spelt otherwise).
        NaiveTime::from_hms_micro_opt(hour, minute.unwrap_or(0), second.unwrap_or(0), micros)
    }

    /// An optional zone after optional spaces: `Some(None)` for none (or `UT`), `None` for
    /// something that is not a zone we read.
    fn zone(&mut self) -> Option<Option<FixedOffset>> {
        self.spaces();
        if self.0.is_empty() || self.eat_word("UT", false) {
            return Some(None);
        }
        if self.eat(b'Z')
            || self.eat(b'z')
            || self.eat_word("UTC", false)
            || self.eat_word("GMT", false)
        {
            return Some(FixedOffset::east_opt(0));
        }
        let sign = match self.0.first()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        self.0 = &self.0[1..];
        let digits = self.digits();
        let (hours, minutes) = match digits.len() {
            2 if self.eat(b':') => (value(digits), self.number(2)?),
            2 => (value(digits), 0),
            4 => (value(&digits[..2]), value(&digits[2..])),
            _ => return None,
        };
        if hours > 23 || minutes > 59 {
            return None;
        }
        Some(Some(FixedOffset::east_opt(
            sign * i32::try_from(hours * 3600 + minutes * 60).ok()?,
        )?))
    }
}

/// The value of a run of ASCII digits (at most eight of them here).
fn value(digits: &[u8]) -> u32 {
    digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'))
}

/// A clock reading as a chrono instant, None beyond chrono's range (never a panic).
fn system_time_utc(at: SystemTime) -> Option<DateTime<Utc>> {
    match at.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(after) => {
            DateTime::from_timestamp(i64::try_from(after.as_secs()).ok()?, after.subsec_nanos())
        }
        Err(before) => {
            let before = before.duration();
            let seconds = i64::try_from(before.as_secs()).ok()?;
            DateTime::from_timestamp(seconds.checked_neg()?, 0)?.checked_sub_signed(
                chrono::TimeDelta::nanoseconds(i64::from(before.subsec_nanos())),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap_or_else(|| panic!("{text:?} should parse"))
    }

    fn clock(text: &str) -> SystemTime {
        SystemTime::from(at(text).utc())
    }

    /// Every input with the `isoformat()` of what `dateutil.parser.parse` (2.9.0) gives for
    /// it, as the test virtualenv's Python printed them: ISO 8601 in its extended and basic
    /// forms, RFC 2822, every zone spelling, fractions. A naive result has no offset.
    #[test]
    fn reads_every_form_as_dateutil_does() {
        for (input, isoformat) in [
            ("2030-01-01T00:00:00Z", "2030-01-01T00:00:00+00:00"),
            ("2030-01-01T00:00:00z", "2030-01-01T00:00:00+00:00"),
            ("2030-01-01t00:00:00Z", "2030-01-01T00:00:00+00:00"),
            ("2030-01-01T00:00:00.000Z", "2030-01-01T00:00:00+00:00"),
            (
                "2030-01-01T00:00:00.123Z",
                "2030-01-01T00:00:00.123000+00:00",
            ),
            (
                "2030-01-01T00:00:00.1234567Z",
                "2030-01-01T00:00:00.123456+00:00",
            ),
            ("2030-01-01T00:00:00,5Z", "2030-01-01T00:00:00.500000+00:00"),
            (
                "2030-01-01T00:00:00.000000000Z",
                "2030-01-01T00:00:00+00:00",
            ),
            ("2030-01-01T00:00:00+00:00", "2030-01-01T00:00:00+00:00"),
            ("2030-01-01T00:00:00-00:00", "2030-01-01T00:00:00+00:00"),
            ("2030-01-01T00:00:00-0000", "2030-01-01T00:00:00+00:00"),
            ("2030-01-01T00:00:00+05:30", "2030-01-01T00:00:00+05:30"),
            ("2030-01-01T00:00:00+0530", "2030-01-01T00:00:00+05:30"),
            ("2030-01-01T00:00:00+05", "2030-01-01T00:00:00+05:00"),
            ("2030-01-01T00:00:00-01:30", "2030-01-01T00:00:00-01:30"),
            ("2030-01-01T00:00:00+23:59", "2030-01-01T00:00:00+23:59"),
            (
                "2030-01-01T00:00:00.5+02:00",
                "2030-01-01T00:00:00.500000+02:00",
            ),
            ("2030-01-01T00:00:00UTC", "2030-01-01T00:00:00+00:00"),
            ("2030-01-01T00:00:00 UTC", "2030-01-01T00:00:00+00:00"),
            ("2030-01-01T00:00:00 GMT", "2030-01-01T00:00:00+00:00"),
            ("2030-01-01T00:00:00 Z", "2030-01-01T00:00:00+00:00"),
            ("2030-01-01T00:00:00  +01:00", "2030-01-01T00:00:00+01:00"),
            ("2030-01-01T00:00:00UT", "2030-01-01T00:00:00"),
            ("2030-01-01T00:00:00", "2030-01-01T00:00:00"),
            ("2030-01-01 00:00:00", "2030-01-01T00:00:00"),
            ("2030-01-01  00:00:00Z", "2030-01-01T00:00:00+00:00"),
            ("2030-01-01T00:00:00.5", "2030-01-01T00:00:00.500000"),
            ("2030-01-01T12:30Z", "2030-01-01T12:30:00+00:00"),
            ("2030-01-01T12Z", "2030-01-01T12:00:00+00:00"),
            ("2030-01-01T12", "2030-01-01T12:00:00"),
            ("2030-01-01", "2030-01-01T00:00:00"),
            ("20300101T000000Z", "2030-01-01T00:00:00+00:00"),
            ("20300101T1200", "2030-01-01T12:00:00"),
            ("20300101T12Z", "2030-01-01T12:00:00+00:00"),
            ("2030-01-01T000000Z", "2030-01-01T00:00:00+00:00"),
            ("2030-01-01T0000Z", "2030-01-01T00:00:00+00:00"),
            (" 2030-01-01T00:00:00Z ", "2030-01-01T00:00:00+00:00"),
            ("2028-02-29T00:00:00Z", "2028-02-29T00:00:00+00:00"),
            ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00+00:00"),
            (
                "9999-12-31T23:59:59.9999999Z",
                "9999-12-31T23:59:59.999999+00:00",
            ),
            ("9999-12-31T23:59:59+01:00", "9999-12-31T23:59:59+01:00"),
            ("Tue, 01 Jan 2030 00:00:00 GMT", "2030-01-01T00:00:00+00:00"),
            (
                "Tue, 01 Jan 2030 00:00:00 +0000",
                "2030-01-01T00:00:00+00:00",
            ),
            (
                "Tue, 01 Jan 2030 00:00:00 -0500",
                "2030-01-01T00:00:00-05:00",
            ),
            (
                "Tue, 01 Jan 2030 00:00:00 +01:00",
                "2030-01-01T00:00:00+01:00",
            ),
            ("Tue, 01 Jan 2030 00:00:00 +01", "2030-01-01T00:00:00+01:00"),
            (
                "Tue, 01 Jan 2030 00:00:00 -0000",
                "2030-01-01T00:00:00+00:00",
            ),
            ("Tue, 01 Jan 2030 00:00:00 UTC", "2030-01-01T00:00:00+00:00"),
            ("Tue, 01 Jan 2030 00:00:00 Z", "2030-01-01T00:00:00+00:00"),
            ("Tue, 01 Jan 2030 00:00:00 UT", "2030-01-01T00:00:00"),
            ("Tue, 01 Jan 2030 00:00:00", "2030-01-01T00:00:00"),
            ("Tue, 01 Jan 2030 00:00:00GMT", "2030-01-01T00:00:00+00:00"),
            ("Tue, 1 Jan 2030 00:00 GMT", "2030-01-01T00:00:00+00:00"),
            ("Tue,01 Jan 2030 00:00:00 GMT", "2030-01-01T00:00:00+00:00"),
            ("Tue 01 Jan 2030 00:00:00 GMT", "2030-01-01T00:00:00+00:00"),
            ("01 Jan 2030 00:00:00 GMT", "2030-01-01T00:00:00+00:00"),
            ("1 Jan 2030 00:00:00 +0100", "2030-01-01T00:00:00+01:00"),
            (
                "Tuesday, 01 January 2030 00:00:00 GMT",
                "2030-01-01T00:00:00+00:00",
            ),
            ("tue, 01 jan 2030 00:00:00 GMT", "2030-01-01T00:00:00+00:00"),
            ("TUE, 01 JAN 2030 00:00:00 GMT", "2030-01-01T00:00:00+00:00"),
            ("Mon, 01 Jan 2030 00:00:00 GMT", "2030-01-01T00:00:00+00:00"),
            (
                "Sun, 01 Sept 2030 00:00:00 GMT",
                "2030-09-01T00:00:00+00:00",
            ),
            (
                "Thu, 29 Feb 2024 23:59:59.5 GMT",
                "2024-02-29T23:59:59.500000+00:00",
            ),
        ] {
            assert_eq!(at(input).isoformat(), isoformat, "{input:?}");
        }
        assert_eq!(
            at("Tue, 01 Jan 2030 01:00:00 +0100").utc(),
            at("2030-01-01T00:00:00Z").utc()
        );
        assert_eq!(
            at("2030-01-01T00:00:00").utc(),
            at("2030-01-01T00:00:00Z").utc(),
            "no zone is UTC"
        );
    }

    /// What dateutil refuses, awsso refuses, epoch numbers included.
    #[test]
    fn refuses_what_dateutil_refuses() {
        for input in [
            "",
            "tomorrow",
            "1893456000",
            "1893456000.5",
            "2030-13-01T00:00:00Z",
            "2030-02-29T00:00:00Z",
            "2030-01-01T24:00:00Z",
            "2030-01-01T23:59:60Z",
            "0000-01-01T00:00:00Z",
            "2030-01-01T00:00:00.Z",
            "2030-01-01T00:00:00+24:00",
            "2030-01-01T00:00:00+123",
            "2030-01-01T00:00:00+01:00:00",
            "2030-01-01T00:00:00+00:00Z",
            "2030-01-01T00:00:00utc",
            "2030-01-01T00:00:00 gmt",
            "2030-01-01Z",
            "2030-01-01T00:00:00 + 01:00",
            "2030-01-01T00:00:00\u{2212}01:00",
            "Tues, 01 Jan 2030 00:00:00 GMT",
            "Tue, 32 Jan 2030 00:00:00 GMT",
            "Tue, 29 Feb 2030 00:00:00 GMT",
            "Tue, 01 Jan 2030 24:00:00 GMT",
            "Tue, 01 Jan 2030 00:00:60 GMT",
            "Tue, 01 Jan 2030 00:00:00 gmt",
            "Tue, 01 Jan 2030 00:00:00 GMT extra",
            "Tue, 01 Jan 2030 00:00:00 GMT (comment)",
        ] {
            assert_eq!(Timestamp::parse(input), None, "{input:?}");
        }
    }

    /// dateutil reads these, but by guessing, by the machine's time zone, or to an instant
    /// botocore cannot write back; awsso refuses them (docs/compatibility.md, "Caches and
    /// timestamps").
    #[test]
    fn refuses_what_dateutil_only_guesses() {
        for (input, why) in [
            ("20300101", "all digits, like an epoch number"),
            ("203001010000", "all digits, like an epoch number"),
            ("2030-01-01T", "no time after the T"),
            ("2030-1-1T0:0:0Z", "fields without their leading zeros"),
            (
                "Tue, 01 Jan 2030 0:0:0 GMT",
                "fields without their leading zeros",
            ),
            ("２０３０-01-01T00:00:00Z", "digits outside ASCII"),
            ("2030-01-01T00:00.5Z", "a fraction of a minute"),
            ("2030-01-01T00:00:00+1", "a one-digit offset"),
            ("2030-01-01T00:00:00+05:75", "75 minutes of offset"),
            (
                "2030-01-01T00:00:00 EST",
                "a zone name dateutil leaves naive",
            ),
            (
                "2030-01-01T00:00:00 PST",
                "a zone name dateutil leaves naive",
            ),
            (
                "Tue, 01 Jan 2030 00:00:00 EST",
                "a zone name dateutil leaves naive",
            ),
            ("2030-01-01T00:00:00 GMT+1", "POSIX's inverted offset"),
            ("2030-01-01T00:00:00Z+01:00", "POSIX's inverted offset"),
            ("Tue, 01 Jan 30 00:00:00 GMT", "a two-digit year"),
            ("Tue, 01 Jan 2030", "an RFC 2822 date without a time"),
            (
                "Tue, 01-Jan-2030 00:00:00 GMT",
                "neither ISO 8601 nor RFC 2822",
            ),
            ("9999-12-31T23:59:59-01:00", "after year 9999 in UTC"),
            ("0001-01-01T00:00:00+01:00", "before year 1 in UTC"),
        ] {
            assert_eq!(Timestamp::parse(input), None, "{input:?}: {why}");
        }
    }

    #[test]
    fn cache_forms_are_read_leniently_and_written_as_botocore() {
        let expected = at("2024-05-01T20:00:00Z").utc();
        for text in [
            "2024-05-01T20:00:00Z",
            "2024-05-01T20:00:00.000Z",
            "2024-05-01T20:00:00+00:00",
            "2024-05-01T22:00:00+02:00",
            "2024-05-01T20:00:00UTC",
            "2024-05-01T20:00:00",
            "2024-05-01 20:00:00",
            "Wed, 01 May 2024 20:00:00 GMT",
        ] {
            assert_eq!(at(text).utc(), expected, "{text}");
        }
        assert_eq!(
            at("2024-05-01T20:00:00.999Z").to_cache_string(),
            "2024-05-01T20:00:00Z"
        );
        assert_eq!(
            at("2024-05-01T22:00:00+02:00").to_json_file_cache_string(),
            "2024-05-01T20:00:00UTC"
        );
    }

    #[test]
    fn the_cache_spelling_is_chrono_s_pattern_spelled_by_hand() {
        let mut seconds: i64 = -62_135_596_800; // 0001-01-01
        while seconds < 253_402_300_799 {
            let at = Timestamp::from_epoch_seconds(seconds);
            assert_eq!(
                at.to_cache_string(),
                at.utc().format("%Y-%m-%dT%H:%M:%SZ").to_string()
            );
            seconds += 86_399_993; // a day short of 1000, and a prime count of seconds
        }
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
            .unwrap()
            .and_utc();
        let leap = Timestamp::with_offset(leap, None).unwrap();
        assert_eq!(leap.to_cache_string(), "2016-12-31T23:59:60Z");
    }

    #[test]
    fn wire_numbers() {
        assert_eq!(
            Timestamp::from_epoch_seconds(1714593600).to_cache_string(),
            "2024-05-01T20:00:00Z"
        );
        assert_eq!(
            Timestamp::from_epoch_millis(1714593600999)
                .unwrap()
                .to_cache_string(),
            "2024-05-01T20:00:00Z"
        );
        let now = clock("2024-05-01T20:00:00Z");
        let after = |seconds| Timestamp::after_seconds(now, seconds).unwrap();
        assert_eq!(after(60.0).seconds_after(now), 60);
        assert_eq!(after(28800.0).to_cache_string(), "2024-05-02T04:00:00Z");
        assert_eq!(after(1.5).isoformat(), "2024-05-01T20:00:01.500000+00:00");
        assert_eq!(after(-1.0).seconds_after(now), -1);
    }

    /// A lifetime or an epoch number that would leave years 1 to 9999 is refused (or, for
    /// a registration's end, held at the edge), never an overflow.
    #[test]
    fn numbers_beyond_the_range_never_overflow() {
        let now = clock("2024-05-01T20:00:00Z");
        for seconds in [
            1e15,
            i64::MAX as f64,
            u64::MAX as f64,
            -(i64::MAX as f64),
            f64::MAX,
            f64::INFINITY,
            f64::NAN,
            MAX_LIFETIME_SECONDS * 2.0,
        ] {
            assert_eq!(Timestamp::after_seconds(now, seconds), None, "{seconds}");
        }
        let last = clock("9999-12-31T23:59:58Z");
        assert_eq!(
            Timestamp::after_seconds(last, 1.0)
                .unwrap()
                .to_cache_string(),
            "9999-12-31T23:59:59Z"
        );
        assert_eq!(Timestamp::after_seconds(last, 2.0), None);
        assert_eq!(
            Timestamp::after_seconds(clock("0001-01-01T00:00:01Z"), -2.0),
            None
        );
        assert_eq!(
            Timestamp::from_epoch_seconds(i64::MAX).to_cache_string(),
            "9999-12-31T23:59:59Z"
        );
        assert_eq!(
            Timestamp::from_epoch_seconds(i64::MIN).to_cache_string(),
            "0001-01-01T00:00:00Z"
        );
        assert_eq!(Timestamp::from_epoch_millis(i64::MAX), None);
        assert_eq!(Timestamp::from_epoch_millis(253_402_300_800_000), None);
        assert!(Timestamp::from_epoch_millis(253_402_300_799_999).is_some());
        assert_eq!(
            Timestamp::max().isoformat(),
            "9999-12-31T23:59:59.999999+00:00"
        );
        assert_eq!(Timestamp::min().isoformat(), "0001-01-01T00:00:00+00:00");
        assert_eq!(
            Timestamp::max()
                .remaining(SystemTime::UNIX_EPOCH)
                .num_days(),
            2_932_896
        );
    }
}
