//! [`Timestamp`]: the one instant type of awsso, read from and written to every place AWS
//! tools put times: the SSO token cache (`expiresAt`, `registrationExpiresAt`), the role
//! credentials cache (`Expiration`), STS answers, `credential_process` output and the
//! environment (`AWS_CREDENTIAL_EXPIRATION`), and the numbers of the wire (epoch seconds and
//! milliseconds, lifetimes in seconds).
//!
//! Reading follows botocore, which parses every one of these with dateutil
//! (`botocore/utils.py` `parse_timestamp`): the instant is compared in UTC, and the offset it
//! was written with is kept so that `credential_process` output prints back as Python's
//! `datetime.isoformat()` does. Writing uses the exact forms botocore writes
//! (`%Y-%m-%dT%H:%M:%SZ` for the caches, `%Y-%m-%dT%H:%M:%SUTC` for the assume-role cache).

use std::time::SystemTime;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};

/// An instant as some tool wrote it: compared in UTC, printed back with its own offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp {
    utc: DateTime<Utc>,
    /// None for a time written without a zone (naive; compared as UTC).
    offset: Option<FixedOffset>,
}

impl Timestamp {
    pub fn from_utc(utc: DateTime<Utc>) -> Self {
        Timestamp {
            utc,
            offset: FixedOffset::east_opt(0),
        }
    }

    pub fn from_system_time(at: SystemTime) -> Self {
        Self::from_utc(DateTime::<Utc>::from(at))
    }

    /// Epoch seconds, as the wire's `clientSecretExpiresAt`; out of range saturates at the
    /// latest representable instant.
    pub fn from_epoch_seconds(seconds: i64) -> Self {
        Self::from_utc(
            DateTime::<Utc>::from_timestamp(seconds, 0).unwrap_or(DateTime::<Utc>::MAX_UTC),
        )
    }

    /// Epoch milliseconds, as GetRoleCredentials' `expiration`, kept to whole seconds as
    /// botocore keeps them (`strftime('%Y-%m-%dT%H:%M:%SZ')`); None when out of range.
    pub fn from_epoch_millis(millis: i64) -> Option<Self> {
        DateTime::<Utc>::from_timestamp(millis.div_euclid(1000), 0).map(Self::from_utc)
    }

    /// `now` plus a lifetime in seconds from a server (`expiresIn`).
    pub fn after_seconds(now: SystemTime, seconds: i64) -> Self {
        Self::from_utc(DateTime::<Utc>::from(now) + chrono::TimeDelta::seconds(seconds))
    }

    /// The forms dateutil reads in the files AWS tools write: `YYYY-MM-DD[T ]HH:MM[:SS[.frac]]`
    /// followed by nothing (UTC), `Z`, `UTC`/`GMT`, or `±HH[:]MM`/`±HH`. Fractions are kept to
    /// the microsecond, as Python's datetime keeps them.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (date, rest) = (text.get(..10)?, text.get(10..)?);
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
        let rest = rest.strip_prefix(['T', 't', ' '])?;
        let time_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
            .unwrap_or(rest.len());
        let (time, zone) = rest.split_at(time_end);
        let time = NaiveTime::parse_from_str(time, "%H:%M:%S%.f")
            .or_else(|_| NaiveTime::parse_from_str(time, "%H:%M"))
            .ok()?;
        let time = time.with_nanosecond(time.nanosecond() / 1000 * 1000)?;
        let naive = NaiveDateTime::new(date, time);
        let zone = zone.trim();
        let offset = if zone.is_empty() {
            None
        } else if zone.eq_ignore_ascii_case("z")
            || zone.eq_ignore_ascii_case("utc")
            || zone.eq_ignore_ascii_case("gmt")
        {
            Some(FixedOffset::east_opt(0)?)
        } else {
            Some(parse_offset(zone)?)
        };
        let utc = match offset {
            Some(off) => off
                .from_local_datetime(&naive)
                .single()?
                .with_timezone(&Utc),
            None => Utc.from_utc_datetime(&naive),
        };
        Some(Timestamp { utc, offset })
    }

    pub fn utc(&self) -> DateTime<Utc> {
        self.utc
    }

    /// Time left from `now` until this instant (negative once past).
    pub fn remaining(&self, now: SystemTime) -> chrono::TimeDelta {
        self.utc - DateTime::<Utc>::from(now)
    }

    /// Whole seconds from `now` until this instant (negative once past).
    pub fn seconds_after(&self, now: SystemTime) -> i64 {
        self.remaining(now).num_seconds()
    }

    /// `%Y-%m-%dT%H:%M:%SZ` in UTC: how botocore writes the token, registration and SSO
    /// role-credential caches.
    pub fn to_cache_string(&self) -> String {
        self.utc.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    }

    /// `%Y-%m-%dT%H:%M:%SUTC`: botocore's `JSONFileCache` serialising the datetime of an
    /// AssumeRole answer.
    pub fn to_json_file_cache_string(&self) -> String {
        self.utc.format("%Y-%m-%dT%H:%M:%SUTC").to_string()
    }

    /// Python's `datetime.isoformat()`: `2024-05-01T12:00:00+00:00`, microseconds only when
    /// not zero, no offset for a naive time.
    pub fn isoformat(&self) -> String {
        let offset = self.offset.unwrap_or(FixedOffset::east_opt(0).unwrap());
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

fn parse_offset(zone: &str) -> Option<FixedOffset> {
    let (sign, digits) = match zone.as_bytes().first()? {
        b'+' => (1, &zone[1..]),
        b'-' => (-1, &zone[1..]),
        _ => return None,
    };
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (digits[..2].parse().ok()?, digits[2..].parse::<i32>().ok()?),
        _ => return None,
    };
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    #[test]
    fn parses_like_dateutil_and_prints_like_isoformat() {
        for (input, iso) in [
            ("2024-05-01T12:00:00Z", "2024-05-01T12:00:00+00:00"),
            ("2024-05-01T12:00:00UTC", "2024-05-01T12:00:00+00:00"),
            ("2024-05-01T12:00:00.000Z", "2024-05-01T12:00:00+00:00"),
            (
                "2024-05-01T12:00:00.5+02:00",
                "2024-05-01T12:00:00.500000+02:00",
            ),
            ("2024-05-01 12:00:00-0130", "2024-05-01T12:00:00-01:30"),
            ("2024-05-01T12:00:00", "2024-05-01T12:00:00"),
        ] {
            assert_eq!(at(input).isoformat(), iso, "{input}");
        }
        assert_eq!(
            at("2024-05-01T14:00:00+02:00").utc(),
            at("2024-05-01T12:00:00Z").utc()
        );
        for bad in [
            "",
            "tomorrow",
            "2024-13-01T00:00:00Z",
            "2024-05-01T12:00:00 PST",
        ] {
            assert!(Timestamp::parse(bad).is_none(), "{bad}");
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
        let now = SystemTime::from(at("2024-05-01T20:00:00Z").utc());
        assert_eq!(Timestamp::after_seconds(now, 60).seconds_after(now), 60);
    }
}
