//! The role-credentials cache `~/.aws/cli/cache/<sha1>.json`, shared with the AWS CLI
//! (botocore/credentials.py `SSOCredentialFetcher` and `AssumeRoleCredentialFetcher`, through
//! botocore/utils.py `JSONFileCache`; docs/compatibility.md, "Caches and timestamps"): SSO
//! role credentials (`ProviderType: sso`) and assumed-role credentials.
//!
//! Keys are botocore's: SSO hashes compact sorted JSON of account, role and session name (or
//! start URL); AssumeRole hashes `json.dumps(args, sort_keys=True)` with default separators
//! (`AssumeRoleCredentialFetcher._create_cache_key`). Files are Python `json.dumps` layout,
//! written atomically, 0600. An entry is reused while its `Expiration` is at least 15 minutes
//! away; an unreadable or incomplete file is a miss (botocore would crash on it) and is
//! overwritten by the next fetch.

use std::borrow::Cow;
use std::path::Path;
use std::time::SystemTime;

use serde_json::{json, Map, Value};

use super::{python_json, sha1_hex};
use crate::error::Result;
use crate::regular_file::Dir;
use crate::secret::Secret;
use crate::timestamp::Timestamp;

/// botocore's `CachedCredentialFetcher.DEFAULT_EXPIRY_WINDOW_SECONDS`.
pub const EXPIRY_WINDOW_SECONDS: i64 = 15 * 60;

/// Temporary credentials as stored in a cache entry.
#[derive(Clone, PartialEq, Eq)]
pub struct CachedCredentials {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Secret,
    pub expiration: Timestamp,
    pub account_id: Option<String>,
}

impl std::fmt::Debug for CachedCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key)
            .field("session_token", &self.session_token)
            .field("expiration", &self.expiration)
            .field("account_id", &self.account_id)
            .finish()
    }
}

/// What identifies an SSO role-credentials entry.
pub enum SsoKey<'a> {
    /// A profile that uses `sso_session`.
    Session {
        account_id: &'a str,
        role_name: &'a str,
        session_name: &'a str,
    },
    /// A legacy profile (start URL in the profile).
    Legacy {
        account_id: &'a str,
        role_name: &'a str,
        start_url: &'a str,
    },
}

/// `SSOCredentialFetcher._create_cache_key`: sha1 of the compact, key-sorted JSON.
pub fn sso_key(key: &SsoKey<'_>) -> String {
    let fields: [(&str, &str); 3] = match *key {
        SsoKey::Session {
            account_id,
            role_name,
            session_name,
        } => [
            ("accountId", account_id),
            ("roleName", role_name),
            ("sessionName", session_name),
        ],
        SsoKey::Legacy {
            account_id,
            role_name,
            start_url,
        } => [
            ("accountId", account_id),
            ("roleName", role_name),
            ("startUrl", start_url),
        ],
    };
    // Compact separators; strings escaped as Python's json.dumps (ensure_ascii).
    let mut body = Vec::with_capacity(128);
    body.push(b'{');
    for (i, (k, v)) in fields.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        crate::python::write_json_string(k, true, &mut body);
        body.push(b':');
        crate::python::write_json_string(v, true, &mut body);
    }
    body.push(b'}');
    sha1_hex(&body)
}

/// The AssumeRole arguments that go into its cache key (botocore's `_assume_kwargs`;
/// `RoleSessionName` only when configured, as a generated one would change every run).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssumeRoleKey<'a> {
    pub role_arn: &'a str,
    pub role_session_name: Option<&'a str>,
    pub external_id: Option<&'a str>,
    pub serial_number: Option<&'a str>,
    pub duration_seconds: Option<i64>,
}

/// `AssumeRoleCredentialFetcher._create_cache_key`: sha1 of `json.dumps(args,
/// sort_keys=True)` with Python's default separators.
pub fn assume_role_key(key: &AssumeRoleKey<'_>) -> String {
    // Inserted in sorted key order; serde_json keeps insertion order here.
    let mut args = Map::new();
    if let Some(d) = key.duration_seconds {
        args.insert("DurationSeconds".into(), json!(d));
    }
    if let Some(v) = key.external_id {
        args.insert("ExternalId".into(), json!(v));
    }
    args.insert("RoleArn".into(), json!(key.role_arn));
    if let Some(v) = key.role_session_name {
        args.insert("RoleSessionName".into(), json!(v));
    }
    if let Some(v) = key.serial_number {
        args.insert("SerialNumber".into(), json!(v));
    }
    sha1_hex(python_json(&Value::Object(args)).as_bytes())
}

/// The cached credentials under `key` if the entry is readable, complete and valid for at
/// least 15 more minutes at `now`.
pub fn load(dir: &Path, key: &str, now: SystemTime) -> Option<CachedCredentials> {
    read(dir, key).filter(|cached| cached.expiration.seconds_after(now) >= EXPIRY_WINDOW_SECONDS)
}

/// The cached credentials under `key` whatever their expiry (`sso status` shows it), if the
/// entry is readable and complete.
pub fn read(dir: &Path, key: &str) -> Option<CachedCredentials> {
    read_in(&Dir::unopened(dir), key)
}

/// [`read`] from a directory opened once for many reads.
pub fn read_in(dir: &Dir, key: &str) -> Option<CachedCredentials> {
    parse(&dir.read_regular(&super::entry_name(key)).ok()??)
}

/// When the entry under `key` expires, if [`read_in`] would read it (`sso status`, which
/// shows only that): its secrets are checked but not copied.
pub fn read_expiration_in(dir: &Dir, key: &str) -> Option<Timestamp> {
    CredentialFields::parse(&dir.read_regular(&super::entry_name(key)).ok()??)
        .map(|fields| fields.expiration)
}

/// The `Credentials` member of a cache file, whichever tool wrote it.
pub fn parse(bytes: &[u8]) -> Option<CachedCredentials> {
    let fields = CredentialFields::parse(bytes)?;
    Some(CachedCredentials {
        access_key_id: fields.access_key_id.into_owned(),
        secret_access_key: Secret::new(fields.secret_access_key),
        session_token: Secret::new(fields.session_token),
        expiration: fields.expiration,
        account_id: fields.account_id.map(Cow::into_owned),
    })
}

/// The members of a cache file's `Credentials`, all but `AccountId` required, borrowed
/// from the file's bytes.
struct CredentialFields<'a> {
    access_key_id: Cow<'a, str>,
    secret_access_key: Cow<'a, str>,
    session_token: Cow<'a, str>,
    expiration: Timestamp,
    account_id: Option<Cow<'a, str>>,
}

impl<'a> CredentialFields<'a> {
    fn parse(bytes: &'a [u8]) -> Option<Self> {
        let [access_key_id, secret_access_key, session_token, expiration, account_id] =
            super::members::nested_strings(
                bytes,
                "Credentials",
                [
                    "AccessKeyId",
                    "SecretAccessKey",
                    "SessionToken",
                    "Expiration",
                    "AccountId",
                ],
            )??;
        Some(CredentialFields {
            access_key_id: access_key_id?,
            secret_access_key: secret_access_key?,
            session_token: session_token?,
            expiration: Timestamp::parse(&expiration?)?,
            account_id,
        })
    }
}

/// The SSO entry as botocore writes it: `{"ProviderType": "sso", "Credentials": {...,
/// "Expiration": "YYYY-MM-DDTHH:MM:SSZ", "AccountId": ...}}`, no trailing newline.
pub fn sso_document(creds: &CachedCredentials) -> String {
    let mut inner = Map::new();
    inner.insert("AccessKeyId".into(), json!(creds.access_key_id));
    inner.insert(
        "SecretAccessKey".into(),
        json!(creds.secret_access_key.expose_secret()),
    );
    inner.insert(
        "SessionToken".into(),
        json!(creds.session_token.expose_secret()),
    );
    inner.insert(
        "Expiration".into(),
        json!(creds.expiration.to_cache_string()),
    );
    if let Some(account) = &creds.account_id {
        inner.insert("AccountId".into(), json!(account));
    }
    let mut outer = Map::new();
    outer.insert("ProviderType".into(), json!("sso"));
    outer.insert("Credentials".into(), Value::Object(inner));
    python_json(&Value::Object(outer))
}

/// What an AssumeRole answer adds to its cache entry besides the credentials.
#[derive(Clone, Debug, Default)]
pub struct AssumedRoleUser {
    pub assumed_role_id: Option<String>,
    pub arn: Option<String>,
    pub request_id: Option<String>,
}

/// The AssumeRole entry as botocore writes it: the parsed response with `Expiration` in
/// `JSONFileCache`'s `%Y-%m-%dT%H:%M:%S%Z` form (`...UTC`), `AccountId` taken from the ARN.
pub fn assume_role_document(creds: &CachedCredentials, user: &AssumedRoleUser) -> String {
    let mut inner = Map::new();
    inner.insert("AccessKeyId".into(), json!(creds.access_key_id));
    inner.insert(
        "SecretAccessKey".into(),
        json!(creds.secret_access_key.expose_secret()),
    );
    inner.insert(
        "SessionToken".into(),
        json!(creds.session_token.expose_secret()),
    );
    inner.insert(
        "Expiration".into(),
        json!(creds.expiration.to_json_file_cache_string()),
    );
    if let Some(account) = &creds.account_id {
        inner.insert("AccountId".into(), json!(account));
    }
    let mut outer = Map::new();
    outer.insert("Credentials".into(), Value::Object(inner));
    if user.assumed_role_id.is_some() || user.arn.is_some() {
        let mut assumed = Map::new();
        if let Some(id) = &user.assumed_role_id {
            assumed.insert("AssumedRoleId".into(), json!(id));
        }
        if let Some(arn) = &user.arn {
            assumed.insert("Arn".into(), json!(arn));
        }
        outer.insert("AssumedRoleUser".into(), Value::Object(assumed));
    }
    let mut metadata = Map::new();
    if let Some(id) = &user.request_id {
        metadata.insert("RequestId".into(), json!(id));
    }
    metadata.insert("HTTPStatusCode".into(), json!(200));
    metadata.insert("HTTPHeaders".into(), json!({}));
    metadata.insert("RetryAttempts".into(), json!(0));
    outer.insert("ResponseMetadata".into(), Value::Object(metadata));
    python_json(&Value::Object(outer))
}

/// Writes an entry (atomic, 0600; the directory is created 0700).
pub fn save(dir: &Path, key: &str, document: &str) -> Result<()> {
    crate::atomic::write_private(&super::entry_path(dir, key), document.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn sso_keys_match_botocore_vectors() {
        assert_eq!(
            sso_key(&SsoKey::Legacy {
                account_id: "1234567890",
                role_name: "test-role",
                start_url: "https://d-92671207e4.awsapps.com/start",
            }),
            "048db75bbe50955c16af7aba6ff9c41a3131bb7e"
        );
        assert_eq!(
            sso_key(&SsoKey::Session {
                account_id: "123456789012",
                role_name: "AdministratorAccess",
                session_name: "admin",
            }),
            "e689f39559d7f29106e3397f027f261d6d91410f"
        );
        // ensure_ascii and escapes, computed with Python's json.dumps.
        assert_eq!(
            sso_key(&SsoKey::Session {
                account_id: "1",
                role_name: "r",
                session_name: "é\"",
            }),
            "2e59e6a8d59b1cc031e36123cf3613cb2d2dce4d"
        );
    }

    #[test]
    fn assume_role_keys_match_botocore() {
        assert_eq!(
            assume_role_key(&AssumeRoleKey {
                role_arn: "arn:aws:iam::111122223333:role/Admin",
                ..Default::default()
            }),
            "20d1c4c47209b5c6f6727fa999b7ec9c34fe8643"
        );
        assert_eq!(
            assume_role_key(&AssumeRoleKey {
                role_arn: "arn:aws:iam::111122223333:role/Admin",
                role_session_name: Some("me"),
                external_id: Some("x"),
                serial_number: Some("arn:aws:iam::1:mfa/u"),
                duration_seconds: Some(3600),
            }),
            "b82a95d24bd8c277cff85e2c35c822642535fedd"
        );
    }

    fn sample() -> CachedCredentials {
        CachedCredentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: Secret::new("secret"),
            session_token: Secret::new("token"),
            expiration: Timestamp::parse("2024-05-01T12:00:00Z").unwrap(),
            account_id: Some("123456789012".into()),
        }
    }

    #[test]
    fn documents_have_botocore_layout() {
        assert_eq!(
            sso_document(&sample()),
            r#"{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "secret", "SessionToken": "token", "Expiration": "2024-05-01T12:00:00Z", "AccountId": "123456789012"}}"#
        );
        let user = AssumedRoleUser {
            assumed_role_id: Some("AROA:s".into()),
            arn: Some("arn:aws:sts::123456789012:assumed-role/R/s".into()),
            request_id: Some("req".into()),
        };
        assert_eq!(
            assume_role_document(&sample(), &user),
            r#"{"Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "secret", "SessionToken": "token", "Expiration": "2024-05-01T12:00:00UTC", "AccountId": "123456789012"}, "AssumedRoleUser": {"AssumedRoleId": "AROA:s", "Arn": "arn:aws:sts::123456789012:assumed-role/R/s"}, "ResponseMetadata": {"RequestId": "req", "HTTPStatusCode": 200, "HTTPHeaders": {}, "RetryAttempts": 0}}"#
        );
        // Both layouts read back, as do other tools' timestamp forms.
        assert_eq!(parse(sso_document(&sample()).as_bytes()), Some(sample()));
        assert_eq!(
            parse(assume_role_document(&sample(), &user).as_bytes()),
            Some(sample())
        );
        let other = br#"{"Credentials":{"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"secret","SessionToken":"token","Expiration":"2024-05-01T12:00:00+00:00","AccountId":"123456789012"}}"#;
        assert_eq!(parse(other), Some(sample()));
        assert_eq!(parse(b"{\"Credentials\": {}}"), None);
        assert_eq!(parse(b"not json"), None);
    }

    #[test]
    fn entries_are_reused_only_with_15_minutes_left() {
        let dir = tempfile::tempdir().unwrap();
        save(dir.path(), "k", &sso_document(&sample())).unwrap();
        let expiry = SystemTime::from(sample().expiration.utc());
        let at = |secs_before: u64| expiry - Duration::from_secs(secs_before);
        assert!(load(dir.path(), "k", at(900)).is_some());
        assert!(load(dir.path(), "k", at(899)).is_none());
        assert!(load(dir.path(), "missing", at(5000)).is_none());
        std::fs::write(super::super::entry_path(dir.path(), "k"), b"{").unwrap();
        assert!(load(dir.path(), "k", at(5000)).is_none());
    }

    #[test]
    fn an_expiration_is_read_when_the_whole_entry_would_be() {
        let dir = tempfile::tempdir().unwrap();
        let user = AssumedRoleUser {
            assumed_role_id: Some("AROA:s".into()),
            arn: Some("arn:aws:sts::123456789012:assumed-role/R/s".into()),
            request_id: None,
        };
        let documents = [
            sso_document(&sample()),
            assume_role_document(&sample(), &user),
            sso_document(&sample()).replace("ASIA", r"\u0041SIA"),
            r#"{"Credentials": {"AccessKeyId": "a", "SecretAccessKey": "s", "Expiration": "2024-05-01T12:00:00Z"}}"#.into(),
            r#"{"Credentials": {"AccessKeyId": "a", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "noon"}}"#.into(),
            "{".into(),
        ];
        for document in documents {
            save(dir.path(), "k", &document).unwrap();
            let opened = Dir::open(dir.path());
            assert_eq!(
                read_expiration_in(&opened, "k"),
                read_in(&opened, "k").map(|c| c.expiration),
                "{document}"
            );
        }
        save(dir.path(), "k", &sso_document(&sample())).unwrap();
        assert_eq!(
            read_expiration_in(&Dir::open(dir.path()), "k"),
            Some(sample().expiration)
        );
        assert_eq!(read_expiration_in(&Dir::open(dir.path()), "missing"), None);
    }
}
