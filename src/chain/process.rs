//! botocore's `ProcessProvider`: runs `credential_process` (shell-split, no shell) and reads
//! its Version 1 JSON ([`parse_output`], pure). An expiry within 15 minutes makes v2 run it
//! once more, as here.

use crate::chain::error::{fetch_phase, load_phase, ChainResult};
use crate::config::{self, parse, Props};
use crate::context::ctx_debug;
use crate::context::Context;
use crate::credentials::{Credentials, Source};
use crate::error::Error;
use crate::python::decode::{self, DecodeError};
use crate::secret::Secret;
use crate::timestamp::Timestamp;

/// Why `credential_process` gave no credentials (general errors, 255). Those after the
/// process ran are botocore's `CredentialRetrievalError` for the `custom-process` provider.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    /// shlex's `ValueError` for an unbalanced quote in the command line.
    #[error("No closing quotation")]
    NoClosingQuotation,
    /// Python's `OSError` when the program cannot be started (`ENOENT` when the system
    /// gives no number).
    #[error("[Errno {}] {error}: '{program}'", .error.raw_os_error().unwrap_or(2))]
    Spawn {
        program: String,
        error: std::io::Error,
    },
    #[error("Error when retrieving credentials from custom-process: credential_process is empty")]
    Empty,
    /// A non-zero exit: the process's stderr, as v2 shows it.
    #[error("Error when retrieving credentials from custom-process: {stderr}")]
    Failed { stderr: String },
    /// Output that is not UTF-8 or not JSON: botocore does not catch the
    /// `UnicodeDecodeError` or `JSONDecodeError`, so v2 prints Python's own text.
    #[error("{0}")]
    Unreadable(#[from] DecodeError),
    /// JSON that is not an object: botocore's `parsed.get(...)` raises this
    /// `AttributeError`.
    #[error("'{type_name}' object has no attribute 'get'")]
    NotAnObject { type_name: &'static str },
    #[error("Error when retrieving credentials from custom-process: Unsupported version '{version}' for credential process provider, supported versions: 1")]
    UnsupportedVersion { version: String },
    #[error("Error when retrieving credentials from custom-process: Missing required key in response: '{key}'")]
    MissingKey { key: &'static str },
    #[error("Error when retrieving credentials from custom-process: Unable to parse the Expiration \"{value}\"")]
    BadExpiration { value: String },
}

impl From<ProcessError> for Error {
    fn from(e: ProcessError) -> Self {
        Error::Other(Box::new(e))
    }
}

/// botocore's refresh windows: a refresh is attempted with less than 15 minutes left and
/// must succeed with less than 10.
const ADVISORY_REFRESH_SECONDS: i64 = 15 * 60;
const MANDATORY_REFRESH_SECONDS: i64 = 10 * 60;

/// The process's credentials; `extra_env` goes into the child's environment
/// (export-credentials' recursion guard).
pub fn credential_process(
    ctx: &Context,
    command: &str,
    props: &Props,
    extra_env: &[(String, String)],
) -> ChainResult<Credentials> {
    let first = run(ctx, command, props, extra_env).map_err(load_phase)?;
    let Some(expiration) = first.expiration else {
        return Ok(first);
    };
    let remaining = expiration.seconds_after(ctx.now());
    if remaining >= ADVISORY_REFRESH_SECONDS {
        return Ok(first);
    }
    match run(ctx, command, props, extra_env) {
        Ok(second) => second.check_not_expired(ctx.now()).map_err(fetch_phase),
        // Outside the mandatory window a failed refresh keeps the current credentials.
        Err(_) if remaining >= MANDATORY_REFRESH_SECONDS => Ok(first),
        Err(e) => Err(fetch_phase(e)),
    }
}

fn run(
    ctx: &Context,
    command: &str,
    props: &Props,
    extra_env: &[(String, String)],
) -> Result<Credentials, ProcessError> {
    let argv = parse::shlex_split(command).ok_or(ProcessError::NoClosingQuotation)?;
    let Some((program, args)) = argv.split_first() else {
        return Err(ProcessError::Empty);
    };
    ctx_debug!(ctx, "Running credential_process {program}");
    let output = std::process::Command::new(program)
        .args(args)
        .envs(extra_env.iter().map(|(k, v)| (k, v)))
        .stdin(std::process::Stdio::inherit())
        .output()
        .map_err(|error| ProcessError::Spawn {
            program: program.clone(),
            error,
        })?;
    if !output.status.success() {
        return Err(ProcessError::Failed {
            stderr: decode::utf8(&output.stderr)?.to_owned(),
        });
    }
    let output = parse_output(&output.stdout)?;
    let account = output
        .account_id
        .or_else(|| config::get(props, "aws_account_id").map(str::to_owned));
    Ok(Credentials::new(
        output.access_key_id,
        output.secret_access_key,
        output.session_token,
        output.expiration,
        Source::Process,
    )
    .with_account(account))
}

/// What a `credential_process` printed, read as botocore reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessOutput {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
    pub expiration: Option<Timestamp>,
    /// `AccountId` when printed (the caller falls back to the profile's
    /// `aws_account_id`, as botocore does).
    pub account_id: Option<String>,
}

/// botocore's reading of the process's stdout (`ProcessProvider._retrieve_credentials_using`):
/// `json.loads(stdout.decode('utf-8'))`, then `Version` must equal 1 (`1`, `1.0` and `true`
/// do, as in Python), then `AccessKeyId` and `SecretAccessKey` must be present.
pub fn parse_output(stdout: &[u8]) -> Result<ProcessOutput, ProcessError> {
    let text = decode::utf8(stdout)?;
    let serde_json::Value::Object(parsed) = decode::json_loads(text)? else {
        return Err(ProcessError::NotAnObject {
            type_name: decode::json_type_name(text),
        });
    };
    let version = parsed.get("Version");
    let version_ok = matches!(version, Some(serde_json::Value::Bool(true)))
        || version.and_then(serde_json::Value::as_f64) == Some(1.0);
    if !version_ok {
        let version = version.map_or_else(
            || "<Version key not provided>".to_owned(),
            crate::python::str,
        );
        return Err(ProcessError::UnsupportedVersion { version });
    }
    let text = |key: &str| -> Option<String> {
        match parsed.get(key) {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(other) => Some(other.to_string()),
        }
    };
    let required = |key: &'static str| match parsed.get(key) {
        Some(_) => Ok(text(key).unwrap_or_default()),
        None => Err(ProcessError::MissingKey { key }),
    };
    let access_key_id = required("AccessKeyId")?;
    let secret_access_key = Secret::new(required("SecretAccessKey")?);
    let expiration = match text("Expiration") {
        None => None,
        Some(value) => Some(Timestamp::parse(&value).ok_or(ProcessError::BadExpiration { value })?),
    };
    Ok(ProcessOutput {
        access_key_id,
        secret_access_key,
        session_token: text("SessionToken").map(Secret::new),
        expiration,
        // `parsed.get('AccountId') or ...`: an empty one falls back too.
        account_id: text("AccountId").filter(|id| !id.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(stdout: &[u8]) -> String {
        parse_output(stdout).unwrap_err().to_string()
    }

    #[test]
    fn version_1_output_is_read() {
        let output = parse_output(
            br#"{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "s3cr3t", "SessionToken": "tok", "Expiration": "2030-01-01T00:00:00Z", "AccountId": "111122223333"}"#,
        )
        .unwrap();
        assert_eq!(output.access_key_id, "AKID");
        assert_eq!(output.secret_access_key.expose_secret(), "s3cr3t");
        assert_eq!(output.session_token.unwrap().expose_secret(), "tok");
        assert_eq!(
            output.expiration.unwrap().to_cache_string(),
            "2030-01-01T00:00:00Z"
        );
        assert_eq!(output.account_id.as_deref(), Some("111122223333"));
        // Python's `version != 1` is false for 1.0 and True too; the rest is optional.
        for version in ["1.0", "true", "1e0"] {
            let text = format!(
                r#"{{"Version": {version}, "AccessKeyId": "a", "SecretAccessKey": "b", "AccountId": ""}}"#
            );
            let output = parse_output(text.as_bytes()).unwrap();
            assert_eq!((output.session_token, output.expiration), (None, None));
            assert_eq!(output.account_id, None);
        }
    }

    /// What botocore raises for output that is not a Version 1 document, and what v2
    /// prints of it (the text of Python's exception; checked against botocore 1.44.5's
    /// `ProcessProvider` by tests/cli/credential_process.rs).
    #[test]
    fn other_output_is_botocore_s_error() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "Expecting value: line 1 column 1 (char 0)"),
            (b"not json\n", "Expecting value: line 1 column 1 (char 0)"),
            (
                b"{\"Version\": 1, \"AccessKeyId\": \"a\"",
                "Expecting ',' delimiter: line 1 column 34 (char 33)",
            ),
            (
                b"{\"Version\": 1}\n{\"Version\": 1}\n",
                "Extra data: line 2 column 1 (char 15)",
            ),
            (
                b"\xff{}",
                "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte",
            ),
            (b"[]", "'list' object has no attribute 'get'"),
            (b"\"creds\"", "'str' object has no attribute 'get'"),
            (b"null", "'NoneType' object has no attribute 'get'"),
            (
                b"{}",
                "Error when retrieving credentials from custom-process: Unsupported version '<Version key not provided>' for credential process provider, supported versions: 1",
            ),
            (
                b"{\"Version\": \"1\"}",
                "Error when retrieving credentials from custom-process: Unsupported version '1' for credential process provider, supported versions: 1",
            ),
            (
                b"{\"Version\": NaN}",
                "Error when retrieving credentials from custom-process: Unsupported version 'nan' for credential process provider, supported versions: 1",
            ),
            (
                b"{\"Version\": 2}",
                "Error when retrieving credentials from custom-process: Unsupported version '2' for credential process provider, supported versions: 1",
            ),
            (
                b"{\"Version\": 1, \"SecretAccessKey\": \"b\"}",
                "Error when retrieving credentials from custom-process: Missing required key in response: 'AccessKeyId'",
            ),
        ];
        for (stdout, expected) in cases {
            assert_eq!(
                error(stdout),
                *expected,
                "{}",
                String::from_utf8_lossy(stdout)
            );
        }
    }
}
