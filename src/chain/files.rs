//! botocore's `SharedCredentialProvider` and `ConfigProvider`: static keys in one file's
//! section, used when `aws_access_key_id` is there.

use crate::config::{self, Props};
use crate::credentials::{Credentials, Source};
use crate::error::{Error, Result};
use crate::secret::Secret;

/// Static keys that cannot be used (a general error, 255).
#[derive(Debug, thiserror::Error)]
pub enum StaticKeysError {
    /// botocore's `PartialCredentialsError`; `method` names the file's provider.
    #[error("Partial credentials found in {method}, missing: aws_secret_access_key")]
    MissingSecretKey { method: &'static str },
}

impl From<StaticKeysError> for Error {
    fn from(e: StaticKeysError) -> Self {
        Error::Other(Box::new(e))
    }
}

/// The keys of `props` (one file's section of the profile), if it has an access key id.
pub fn static_keys(props: Option<&Props>, source: Source) -> Result<Option<Credentials>> {
    let Some(props) = props else {
        return Ok(None);
    };
    let Some(access_key) = props.get("aws_access_key_id") else {
        return Ok(None);
    };
    let secret = props
        .get("aws_secret_access_key")
        .ok_or(StaticKeysError::MissingSecretKey {
            method: source.method(),
        })?;
    let token = ["aws_security_token", "aws_session_token"]
        .iter()
        .find_map(|k| props.get(*k))
        .map(|v| Secret::new(display_value(v)));
    Ok(Some(
        Credentials::new(
            display_value(access_key),
            Secret::new(display_value(secret)),
            token,
            None,
            source,
        )
        .with_account(config::get(props, "aws_account_id").map(str::to_owned)),
    ))
}

/// Whether a profile carries static keys (botocore's `_has_static_credentials`).
pub fn has_static_keys(props: &Props) -> bool {
    props.contains_key("aws_access_key_id") || props.contains_key("aws_secret_access_key")
}

/// A config value as botocore hands it on: a string, or the Python `str()` of a nested
/// sub-section's dict.
pub fn display_value(value: &config::Value) -> String {
    match value {
        config::Value::Str(s) => s.to_string(),
        config::Value::Nested(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}: {}",
                        crate::python::str_repr(k),
                        crate::python::str_repr(v)
                    )
                })
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}
