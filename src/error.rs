//! The one error type of awsso, how each error is shown, and which exit code it gives.
//!
//! Exit codes are AWS CLI v2's (`awscli/constants.py`): 252 usage, 253 configuration,
//! 254 service error, 255 anything else, 130 interrupted, and the Python interpreter's 120
//! when stdout cannot be written; `exec` adds a shell's 127 for a command it cannot run and
//! passes its command's own code on ([`Error::Exit`]). The mapping lives in
//! [`Error::exit_code`] and nowhere else. Messages are v2's text with awsso's name
//! (docs/compatibility.md, "Messages and exit codes"); none of them may carry a secret.
//!
//! Messages live where they arise. A module that can fail defines its own `thiserror`
//! enum of conditions, each variant holding v2's text in its `#[error(...)]`
//! (`sso_token::TokenError`, `http::HttpError`, `portal::paginate::PaginationError`...),
//! and implements `From<ThatError> for Error`. That `From` impl picks the kind, one of the
//! variants below that carry a [`Detail`] (`ParamValidation`, `Configuration`,
//! `InvalidConfig`, `Token`, `ServiceContext`, `Transport`, `Other`), per variant of the
//! module's enum when they differ; the kind decides the exit code in [`Error::exit_code`]
//! and the prefix (`An error occurred (Configuration): `) in `Display`. The module raises
//! its errors with `?` or `.into()` at the condition itself.

use std::path::PathBuf;

/// What a message-carrying kind holds: the module's own error, whose `Display` is v2's
/// text. `"text".into()` builds one from a plain message. The kind shows it in its own
/// message, so it is not also returned by `source()`.
pub type Detail = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Every way an awsso command can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Command-line usage that clap itself did not reject: `Unknown options: --x` and
    /// friends. Printed without the `ParamValidation` prefix, after a usage block if any.
    #[error("{message}")]
    Usage {
        message: String,
        /// v2 prints the command's usage block first for service commands.
        usage: Option<String>,
    },
    /// Parameter validation: bad `--query`, missing required parameters, unknown options
    /// of customised commands.
    #[error("An error occurred (ParamValidation): {0}")]
    ParamValidation(Detail),
    /// A configuration problem v2 raises as `ConfigurationError` (253).
    #[error("An error occurred (Configuration): {0}")]
    Configuration(Detail),
    /// No provider in the chain found credentials (253).
    #[error("An error occurred (NoCredentials): Unable to locate credentials. You can configure credentials by running \"awsso login\".")]
    NoCredentials,
    /// A service client needs a region and none was configured (253).
    #[error("An error occurred (NoRegion): You must specify a region. You can also configure your region by running \"awsso configure\".")]
    NoRegion,
    /// `--profile`, `AWS_PROFILE` or `AWS_DEFAULT_PROFILE` names a profile that is not there.
    #[error("The config profile ({name}) could not be found")]
    ProfileNotFound { name: String },
    /// A config or credentials file that is not valid AWS INI.
    #[error("Unable to parse config file: {}", path.display())]
    ConfigParse {
        path: PathBuf,
        /// What was wrong, for `--debug` only (v2 prints just the path).
        detail: String,
    },
    /// botocore's `InvalidConfigError` and its SSO relatives raised while resolving
    /// credentials (255), e.g. a profile and its sso-session disagreeing.
    #[error("{0}")]
    InvalidConfig(Detail),
    /// SSO token problems: missing, expired, refresh failed, PKCE callback errors (255).
    #[error("{0}")]
    Token(Detail),
    /// A service answered with an error (254).
    #[error(
        "An error occurred ({code}) when calling the {operation} operation{}: {message}{}",
        render_retries(*retries_exhausted),
        render_details(details)
    )]
    Service {
        operation: &'static str,
        code: String,
        message: String,
        /// Modeled extra members, printed as v2's `Additional error details:` block.
        details: Vec<(String, String)>,
        /// The retries made before giving up on a retryable error (botocore's
        /// `MaxAttemptsReached`), shown as ` (reached max retries: N)`.
        retries_exhausted: Option<u32>,
    },
    /// A service error led by what it concerns (`Unable to list the roles of the account
    /// 111122223333: An error occurred (...)`): still a service error (254).
    #[error("{0}")]
    ServiceContext(Detail),
    /// The request did not get an answer: connection refused, DNS, TLS, timeout (255).
    #[error("{0}")]
    Transport(Detail),
    /// A file could not be read or written.
    #[error("Unable to {what} {}: {source}", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Ctrl-C (130). Prints a newline on stdout and nothing on stderr, as v2.
    #[error("interrupted")]
    Interrupted,
    /// stdout refused what the command printed (a full disk, `> /dev/full`): v2 learns it
    /// when the Python interpreter flushes `sys.stdout` at exit, which reports it in its own
    /// words, not in the `[ERROR]` layout, and exits 120 (`Py_Exit`).
    #[error("{0}")]
    Stdout(Detail),
    /// Anything else v2 reports through its general handler (255).
    #[error("{0}")]
    Other(Detail),
    /// `exec`'s command could not be started (127, what a shell exits with for a command it
    /// cannot run).
    #[error("{0}")]
    NotRun(Detail),
    /// A command that ran to the end and reports its outcome by this exit code alone, having
    /// printed what it had to (`sso status`: 1 when a session needs a browser login).
    #[error("exit status {0}")]
    Exit(u8),
}

fn render_retries(retries: Option<u32>) -> String {
    retries
        .map(|n| format!(" (reached max retries: {n})"))
        .unwrap_or_default()
}

fn render_details(details: &[(String, String)]) -> String {
    if details.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n\nAdditional error details:");
    for (key, value) in details {
        out.push('\n');
        out.push_str(key);
        out.push_str(": ");
        out.push_str(value);
    }
    out
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// AWS CLI v2's exit code for this error: the one place codes are decided.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage { .. } | Error::ParamValidation(_) => 252,
            Error::Configuration(_) | Error::NoCredentials | Error::NoRegion => 253,
            Error::Service { .. } | Error::ServiceContext(_) => 254,
            Error::Interrupted => 130,
            Error::Exit(code) => *code,
            Error::NotRun(_) => 127,
            Error::Stdout(_) => 120,
            Error::ProfileNotFound { .. }
            | Error::ConfigParse { .. }
            | Error::InvalidConfig(_)
            | Error::Token(_)
            | Error::Transport(_)
            | Error::Io { .. }
            | Error::Other(_) => 255,
        }
    }

    /// What goes to stderr, v2 ≥2.34 layout: `\nawsso: [ERROR]: MESSAGE\n`, preceded by the
    /// usage block where v2 prints one. Empty for an interrupt (v2 prints only a newline on
    /// stdout then; see [`Error::stdout_text`]) and for [`Error::Exit`].
    pub fn stderr_text(&self) -> String {
        match self {
            Error::Interrupted | Error::Exit(_) => String::new(),
            Error::Stdout(detail) => format!("{detail}\n"),
            Error::Usage {
                message,
                usage: Some(usage),
            } => format!("{usage}\nawsso: [ERROR]: {}\n", message.trim()),
            other => format!("\nawsso: [ERROR]: {}\n", other.to_string().trim()),
        }
    }

    /// What goes to stdout when the command fails: a newline after Ctrl-C, else nothing.
    pub fn stdout_text(&self) -> &'static str {
        match self {
            Error::Interrupted => "\n",
            _ => "",
        }
    }

    /// Shorthand for an I/O error with the path it concerns.
    pub fn io(what: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            what,
            path: path.into(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_aws_cli_v2() {
        assert_eq!(Error::ParamValidation("x".into()).exit_code(), 252);
        assert_eq!(Error::Configuration("x".into()).exit_code(), 253);
        assert_eq!(Error::NoCredentials.exit_code(), 253);
        assert_eq!(
            Error::Service {
                operation: "CreateToken",
                code: "AccessDeniedException".into(),
                message: String::new(),
                details: vec![],
                retries_exhausted: None,
            }
            .exit_code(),
            254
        );
        assert_eq!(Error::ProfileNotFound { name: "x".into() }.exit_code(), 255);
        assert_eq!(Error::Interrupted.exit_code(), 130);
        assert_eq!(Error::Exit(1).exit_code(), 1);
        assert_eq!(Error::Exit(1).stderr_text(), "");
    }

    #[test]
    fn errors_render_in_v2_layout() {
        let err = Error::ProfileNotFound { name: "dev".into() };
        assert_eq!(
            err.stderr_text(),
            "\nawsso: [ERROR]: The config profile (dev) could not be found\n"
        );
        let err = Error::Service {
            operation: "CreateToken",
            code: "AccessDeniedException".into(),
            message: String::new(),
            details: vec![
                ("error".into(), "access_denied".into()),
                ("error_description".into(), "Access denied".into()),
            ],
            retries_exhausted: None,
        };
        assert_eq!(
            err.stderr_text(),
            "\nawsso: [ERROR]: An error occurred (AccessDeniedException) when calling the CreateToken operation: \n\nAdditional error details:\nerror: access_denied\nerror_description: Access denied\n"
        );
        let err = Error::Service {
            operation: "ListAccounts",
            code: "TooManyRequestsException".into(),
            message: "Rate exceeded".into(),
            details: vec![],
            retries_exhausted: Some(2),
        };
        assert_eq!(
            err.to_string(),
            "An error occurred (TooManyRequestsException) when calling the ListAccounts operation (reached max retries: 2): Rate exceeded"
        );
        assert_eq!(Error::Interrupted.stderr_text(), "");
        assert_eq!(Error::Interrupted.stdout_text(), "\n");
    }
}
