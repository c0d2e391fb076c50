//! `awsso configure export-credentials`: the resolved credentials of a profile as
//! `credential_process` JSON or shell assignments, exactly as AWS CLI v2 prints them
//! (`awscli/customizations/configure/exportcreds.py`), with its recursion guard
//! `_AWS_CLI_PROFILE_CHAIN` so `credential_process = awsso configure export-credentials
//! --profile p` cannot loop. The global `--query` and `--output` are ignored, as in v2.

use crate::chain::Resolver;
use crate::cli::{ExportCredentialsArgs, ExportFormat};
use crate::credentials::Credentials;
use crate::error::{Error, Result};
use crate::settings::Session;

/// Why there is nothing to export: v2's `ConfigurationError`s (253).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Too many nested exports up the process tree (`seen` from [`RECURSION_VAR`]).
    #[error(
        "Maximum recursive credential process resolution reached ({}).\nProfiles seen: {}",
        MAX_RECURSION,
        .seen.join(" -> ")
    )]
    RecursionLimit { seen: Vec<String> },
    /// The profile is already being exported up the process tree.
    #[error(
        "Credential process resolution detected an infinite loop, profile cycle: {}\n",
        .cycle.join(" -> ")
    )]
    Loop { cycle: Vec<String> },
    /// The chain failed while loading its providers: that error's text, wrapped.
    #[error("Unable to retrieve credentials: {}\n", .0.to_string().trim())]
    Unretrievable(Error),
    #[error("Unable to retrieve credentials: no credentials found")]
    NoCredentials,
    /// A value a shell would run rather than assign (awsso; v2 prints it unquoted): see
    /// [`shell_safe`].
    #[error("The credentials contain characters that are unsafe to print for a shell")]
    UnsafeForShell,
}

impl From<ExportError> for Error {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::UnsafeForShell => Error::Other(Box::new(e)),
            _ => Error::Configuration(Box::new(e)),
        }
    }
}

/// v2's `_RECURSION_VAR`: the profiles already being exported up the process tree, as CSV.
pub const RECURSION_VAR: &str = "_AWS_CLI_PROFILE_CHAIN";
/// v2's `_MAX_RECURSION`.
const MAX_RECURSION: usize = 4;

pub fn run(session: &Session, args: &ExportCredentialsArgs) -> Result<()> {
    let ctx = session.ctx;
    let choice = &session.profile;
    let mut seen = parse_csv_row(ctx.env.get(RECURSION_VAR).unwrap_or(""));
    if seen.len() >= MAX_RECURSION {
        return Err(ExportError::RecursionLimit { seen }.into());
    }
    if seen.contains(&choice.name) {
        seen.push(choice.name.clone());
        return Err(ExportError::Loop { cycle: seen }.into());
    }
    seen.push(choice.name.clone());
    let chain = write_csv_row(&seen);

    // A config that does not parse or a profile that does not exist stops v2's driver before
    // the command runs: not wrapped.
    session.profile_props()?;
    let resolved = Resolver::new(session)
        .with_process_env(RECURSION_VAR, &chain)
        .with_auto_login(args.auto_login)
        .resolve();
    let credentials = match resolved {
        Ok(Some(credentials)) => credentials,
        Ok(None) => return Err(ExportError::NoCredentials.into()),
        // v2 wraps what `session.get_credentials()` raises; SSO and AssumeRole fetches
        // happen later, when the credentials are frozen, and surface as they are.
        Err(e) if e.deferred => return Err(e.error),
        Err(e) => return Err(ExportError::Unretrievable(e.error).into()),
    };
    if args.format != ExportFormat::Process && !shell_safe(&credentials) {
        return Err(ExportError::UnsafeForShell.into());
    }
    ctx.out(&render(&credentials, args.format));
    Ok(())
}

/// Whether every value can be printed unquoted into a shell line (docs/compatibility.md,
/// "Credentials"): the keys and the token only in base64's alphabet (`A-Za-z0-9+/=`, which
/// is what AWS issues), the expiration only in ISO 8601's (`0-9`, `T`, `:`, `+`, `-`, `Z`,
/// `.`). Anything else, say `$(...)`, a quote or a newline from a hostile portal or a planted
/// cache file, would run as code under `eval "$(awsso configure export-credentials --format
/// env)"`, so nothing is printed at all. The JSON of `--format process` escapes everything
/// and is not checked.
fn shell_safe(credentials: &Credentials) -> bool {
    let base64 = |value: &str| {
        value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
    };
    let iso_8601 = |value: &str| {
        value
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'T' | b':' | b'+' | b'-' | b'Z' | b'.'))
    };
    base64(&credentials.access_key_id)
        && base64(credentials.secret_access_key.expose_secret())
        && credentials
            .session_token
            .as_ref()
            .is_none_or(|token| base64(token.expose_secret()))
        && credentials
            .expiration
            .is_none_or(|expiry| iso_8601(&expiry.isoformat()))
}

/// The credentials in one of v2's formats.
pub fn render(credentials: &Credentials, format: ExportFormat) -> String {
    let token = credentials
        .session_token
        .as_ref()
        .map(|t| t.expose_secret().to_owned());
    let expiry = credentials.expiration.map(|e| e.isoformat());
    let mut vars: Vec<(&str, String)> = vec![
        ("AWS_ACCESS_KEY_ID", credentials.access_key_id.clone()),
        (
            "AWS_SECRET_ACCESS_KEY",
            credentials.secret_access_key.expose_secret().to_owned(),
        ),
    ];
    if let Some(token) = &token {
        vars.push(("AWS_SESSION_TOKEN", token.clone()));
    }
    if let Some(expiry) = &expiry {
        vars.push(("AWS_CREDENTIAL_EXPIRATION", expiry.clone()));
    }
    let line = |name: &str, value: &str| -> String {
        match format {
            ExportFormat::Env => format!("export {name}={value}\n"),
            ExportFormat::EnvNoExport => format!("{name}={value}\n"),
            ExportFormat::Powershell => format!("$Env:{name}=\"{value}\"\n"),
            ExportFormat::WindowsCmd => format!("set {name}={value}\n"),
            ExportFormat::Fish => format!("set -gx {name} \"{value}\"\n"),
            ExportFormat::Process => unreachable!("process is JSON"),
        }
    };
    if format != ExportFormat::Process {
        return vars.iter().map(|(name, value)| line(name, value)).collect();
    }
    // json.dumps(output, indent=2, separators=(',', ': ')) and a newline.
    let string = |s: &str| crate::cache::python_json(&serde_json::Value::String(s.to_owned()));
    let mut members = vec![("Version", "1".to_owned())];
    members.push(("AccessKeyId", string(&credentials.access_key_id)));
    members.push((
        "SecretAccessKey",
        string(credentials.secret_access_key.expose_secret()),
    ));
    if let Some(token) = &token {
        members.push(("SessionToken", string(token)));
    }
    if let Some(expiry) = &expiry {
        members.push(("Expiration", string(expiry)));
    }
    let body: Vec<String> = members
        .iter()
        .map(|(k, v)| format!("  \"{k}\": {v}"))
        .collect();
    format!("{{\n{}\n}}\n", body.join(",\n"))
}

/// Python's `csv.reader` on one line (default dialect): `,` separated, `"` quoting with
/// doubled quotes inside.
fn parse_csv_row(line: &str) -> Vec<String> {
    if line.is_empty() {
        return Vec::new();
    }
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            ',' => {
                fields.push(std::mem::take(&mut field));
                at_start = true;
                continue;
            }
            '"' if at_start => quoted = true,
            c => field.push(c),
        }
        at_start = false;
    }
    fields.push(field);
    fields
}

/// Python's `csv.writer(...).writerow(row)` then `.strip()`: fields quoted only when they
/// hold `,`, `"`, `\r` or `\n`.
fn write_csv_row(fields: &[String]) -> String {
    let row: Vec<String> = fields
        .iter()
        .map(|f| {
            if f.contains([',', '"', '\r', '\n']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.clone()
            }
        })
        .collect();
    row.join(",").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Source;
    use crate::secret::Secret;
    use crate::timestamp::Timestamp;

    fn temporary() -> Credentials {
        Credentials::new(
            "ASIAEXAMPLE",
            "se/cret+",
            Some(Secret::new("to\"ken")),
            Timestamp::parse("2024-05-01T12:00:00Z"),
            Source::Sso,
        )
    }

    #[test]
    fn formats_match_v2() {
        let creds = temporary();
        assert_eq!(
            render(&creds, ExportFormat::Process),
            "{\n  \"Version\": 1,\n  \"AccessKeyId\": \"ASIAEXAMPLE\",\n  \"SecretAccessKey\": \"se/cret+\",\n  \"SessionToken\": \"to\\\"ken\",\n  \"Expiration\": \"2024-05-01T12:00:00+00:00\"\n}\n"
        );
        assert_eq!(
            render(&creds, ExportFormat::Env),
            "export AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nexport AWS_SECRET_ACCESS_KEY=se/cret+\nexport AWS_SESSION_TOKEN=to\"ken\nexport AWS_CREDENTIAL_EXPIRATION=2024-05-01T12:00:00+00:00\n"
        );
        assert_eq!(
            render(&creds, ExportFormat::EnvNoExport),
            "AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nAWS_SECRET_ACCESS_KEY=se/cret+\nAWS_SESSION_TOKEN=to\"ken\nAWS_CREDENTIAL_EXPIRATION=2024-05-01T12:00:00+00:00\n"
        );
        assert_eq!(
            render(&creds, ExportFormat::Powershell),
            "$Env:AWS_ACCESS_KEY_ID=\"ASIAEXAMPLE\"\n$Env:AWS_SECRET_ACCESS_KEY=\"se/cret+\"\n$Env:AWS_SESSION_TOKEN=\"to\"ken\"\n$Env:AWS_CREDENTIAL_EXPIRATION=\"2024-05-01T12:00:00+00:00\"\n"
        );
        assert_eq!(
            render(&creds, ExportFormat::WindowsCmd),
            "set AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nset AWS_SECRET_ACCESS_KEY=se/cret+\nset AWS_SESSION_TOKEN=to\"ken\nset AWS_CREDENTIAL_EXPIRATION=2024-05-01T12:00:00+00:00\n"
        );
        assert_eq!(
            render(&creds, ExportFormat::Fish),
            "set -gx AWS_ACCESS_KEY_ID \"ASIAEXAMPLE\"\nset -gx AWS_SECRET_ACCESS_KEY \"se/cret+\"\nset -gx AWS_SESSION_TOKEN \"to\"ken\"\nset -gx AWS_CREDENTIAL_EXPIRATION \"2024-05-01T12:00:00+00:00\"\n"
        );
        let static_keys = Credentials::new("AKIA", "s", None, None, Source::ConfigFile);
        assert_eq!(
            render(&static_keys, ExportFormat::Process),
            "{\n  \"Version\": 1,\n  \"AccessKeyId\": \"AKIA\",\n  \"SecretAccessKey\": \"s\"\n}\n"
        );
        assert_eq!(
            render(&static_keys, ExportFormat::Env),
            "export AWS_ACCESS_KEY_ID=AKIA\nexport AWS_SECRET_ACCESS_KEY=s\n"
        );
    }

    #[test]
    fn only_base64_and_iso_8601_values_are_printed_for_a_shell() {
        let real = Credentials::new(
            "ASIAEXAMPLE0000000001",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            Some(Secret::new(
                "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJH+a=",
            )),
            Timestamp::parse("2024-05-01T12:00:00.123456Z"),
            Source::Sso,
        );
        assert!(shell_safe(&real));
        assert!(shell_safe(&Credentials::new(
            "AKIA",
            "s",
            None,
            None,
            Source::ConfigFile
        )));
        let hostile = |key: &str, secret: &str, token: &str| {
            Credentials::new(key, secret, Some(Secret::new(token)), None, Source::Sso)
        };
        for (key, secret, token) in [
            ("ASIA$(touch x)", "s", "t"),
            ("ASIA", "s`id`", "t"),
            ("ASIA", "s", "t\nexport PATH=/tmp"),
            ("ASIA", "s", "t\"; rm -rf ~; \""),
            ("ASIA", "s", "t'"),
            ("ASIA", "s e", "t"),
            ("ASIA", "s", "t%PATH%"),
        ] {
            assert!(!shell_safe(&hostile(key, secret, token)), "{key} {secret}");
        }
        // The secret of the unit test above (a quote in the token) is refused too.
        assert!(!shell_safe(&temporary()));
        let err = Error::from(ExportError::UnsafeForShell);
        assert_eq!(
            (err.exit_code(), err.stderr_text().as_str()),
            (
                255,
                "\nawsso: [ERROR]: The credentials contain characters that are unsafe to print for a shell\n"
            )
        );
    }

    #[test]
    fn profile_chain_is_python_csv() {
        assert_eq!(parse_csv_row(""), Vec::<String>::new());
        assert_eq!(parse_csv_row("a,b"), ["a", "b"]);
        assert_eq!(parse_csv_row("\"a,b\",\"c\"\"d\",e"), ["a,b", "c\"d", "e"]);
        let row = vec!["a,b".to_owned(), "c\"d".to_owned(), "e f".to_owned()];
        assert_eq!(write_csv_row(&row), "\"a,b\",\"c\"\"d\",e f");
        assert_eq!(parse_csv_row(&write_csv_row(&row)), row);
    }
}
