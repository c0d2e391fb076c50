//! botocore's `ProcessProvider`: runs `credential_process` (shell-split, no shell) and reads
//! its Version 1 JSON. An expiry within 15 minutes makes v2 run it once more, as here.

use crate::chain::error::{fetch_phase, load_phase, ChainResult};
use crate::config::{self, parse, Props};
use crate::context::ctx_debug;
use crate::context::Context;
use crate::credentials::{Credentials, Source};
use crate::error::Error;
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
    #[error("Error when retrieving credentials from custom-process: the process did not print valid JSON: {0}")]
    NotJson(serde_json::Error),
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
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        });
    }
    let parsed: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(ProcessError::NotJson)?;
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
    let access_key = required("AccessKeyId")?;
    let secret_key = required("SecretAccessKey")?;
    let expiration = match text("Expiration") {
        None => None,
        Some(value) => Some(Timestamp::parse(&value).ok_or(ProcessError::BadExpiration { value })?),
    };
    let account =
        text("AccountId").or_else(|| config::get(props, "aws_account_id").map(str::to_owned));
    Ok(Credentials::new(
        access_key,
        Secret::new(secret_key),
        text("SessionToken").map(Secret::new),
        expiration,
        Source::Process,
    )
    .with_account(account))
}
