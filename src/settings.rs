//! Global options settled once: flag, then environment, then profile, then default, the way
//! AWS CLI v2 orders them. Commands read these values instead of looking at flags and
//! variables themselves, so precedence lives (and is tested) here only.

use crate::cli::{ColorChoice, GlobalArgs, OutputFormat};
use crate::config::{self, AwsConfig};
use crate::context::Context;
use crate::error::{Error, Result};

/// The profile a command runs as, and whether the user named it with `--profile`
/// (the environment credential provider is skipped only then).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileChoice {
    pub name: String,
    /// `--profile` was given on the command line.
    pub explicit_flag: bool,
    /// Some source named it (`--profile`, `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`); otherwise
    /// it is the implicit `default`, which may be absent without error.
    pub named: bool,
}

/// `--profile`, then `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`, then `default`.
pub fn profile_choice(ctx: &Context, global: &GlobalArgs) -> ProfileChoice {
    if let Some(name) = &global.profile {
        return ProfileChoice {
            name: name.clone(),
            explicit_flag: true,
            named: true,
        };
    }
    match ctx
        .env
        .get("AWS_PROFILE")
        .or_else(|| ctx.env.get("AWS_DEFAULT_PROFILE"))
    {
        Some(name) => ProfileChoice {
            name: name.to_owned(),
            explicit_flag: false,
            named: true,
        },
        None => ProfileChoice {
            name: "default".to_owned(),
            explicit_flag: false,
            named: false,
        },
    }
}

/// The selected profile's keys: `The config profile (NAME) could not be found` (255) for a
/// named profile that does not exist; an empty profile for a missing implicit `default`.
pub fn scoped_profile<'a>(
    config: &'a AwsConfig,
    choice: &ProfileChoice,
) -> Result<std::borrow::Cow<'a, config::Props>> {
    match config.profile(&choice.name) {
        Some(props) => Ok(std::borrow::Cow::Borrowed(props)),
        None if !choice.named => Ok(std::borrow::Cow::Owned(config::Props::new())),
        None => Err(Error::ProfileNotFound {
            name: choice.name.clone(),
        }),
    }
}

/// The client region: `--region`, `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's
/// `region`. No fall-back to `[default]` for a named profile, and never IMDS.
pub fn region(ctx: &Context, global: &GlobalArgs, profile: &config::Props) -> Option<String> {
    global
        .region
        .clone()
        .or_else(|| ctx.env.get("AWS_REGION").map(str::to_owned))
        .or_else(|| ctx.env.get("AWS_DEFAULT_REGION").map(str::to_owned))
        .or_else(|| config::get(profile, "region").map(str::to_owned))
        .filter(|r| !r.is_empty())
}

/// The output format: `--output`, `AWS_DEFAULT_OUTPUT`, the profile's `output`, json.
pub fn output_format(
    ctx: &Context,
    global: &GlobalArgs,
    profile: &config::Props,
) -> Result<OutputFormat> {
    if let Some(format) = global.output {
        return Ok(format);
    }
    let configured = ctx
        .env
        .get("AWS_DEFAULT_OUTPUT")
        .or_else(|| config::get(profile, "output"));
    match configured {
        None => Ok(OutputFormat::Json),
        // v2's formatter lookup raises `ValueError("Unknown output type: X")`, reported by
        // the general handler (255); awsso says so before making any request.
        Some(name) => parse_output_format(name)
            .ok_or_else(|| Error::Other(format!("Unknown output type: {name}"))),
    }
}

pub fn parse_output_format(name: &str) -> Option<OutputFormat> {
    Some(match name {
        "json" => OutputFormat::Json,
        "text" => OutputFormat::Text,
        "table" => OutputFormat::Table,
        "yaml" => OutputFormat::Yaml,
        "yaml-stream" => OutputFormat::YamlStream,
        "off" => OutputFormat::Off,
        _ => return None,
    })
}

/// Colour for table output: `--color`, else the profile's `cli_color`... v2 reads only the
/// flag; `auto` means "stdout is a terminal".
pub fn color(ctx: &Context, global: &GlobalArgs) -> bool {
    match global.color.unwrap_or(ColorChoice::Auto) {
        ColorChoice::On => true,
        ColorChoice::Off => false,
        ColorChoice::Auto => ctx.terminal.stdout,
    }
}

/// TLS and timeout settings shared by every HTTP client of one command.
#[derive(Clone, Debug, Default)]
pub struct TransportSettings {
    /// `--no-verify-ssl`.
    pub verify_ssl: bool,
    /// `--ca-bundle`, `AWS_CA_BUNDLE`, the profile's `ca_bundle`.
    pub ca_bundle: Option<std::path::PathBuf>,
    /// `--cli-connect-timeout` (seconds, 0 = none; default 60).
    pub connect_timeout: Option<std::time::Duration>,
    /// `--cli-read-timeout` (seconds, 0 = none; default 60).
    pub read_timeout: Option<std::time::Duration>,
    /// A negative `--cli-connect-timeout` / `--cli-read-timeout`: v2 passes it on to
    /// urllib3, which refuses it when the HTTP client is created. [`HttpClient::new`]
    /// reports it the same way, so commands that make no request are not affected.
    ///
    /// [`HttpClient::new`]: crate::http::HttpClient::new
    pub invalid_timeout: Option<String>,
}

pub fn transport(ctx: &Context, global: &GlobalArgs, profile: &config::Props) -> TransportSettings {
    let seconds = |value: Option<i64>| match value.unwrap_or(60) {
        s if s <= 0 => None,
        s => Some(std::time::Duration::from_secs(s.unsigned_abs())),
    };
    // urllib3's `Timeout` checks connect before read.
    let invalid_timeout = [
        ("connect", global.cli_connect_timeout),
        ("read", global.cli_read_timeout),
    ]
    .into_iter()
    .find_map(|(name, value)| match value {
        Some(v) if v < 0 => Some(format!(
            "Attempted to set {name} timeout to {v}, but the timeout cannot be set to a value less than or equal to 0."
        )),
        _ => None,
    });
    TransportSettings {
        verify_ssl: !global.no_verify_ssl,
        ca_bundle: global
            .ca_bundle
            .clone()
            .or_else(|| ctx.env.get("AWS_CA_BUNDLE").map(str::to_owned))
            .or_else(|| config::get(profile, "ca_bundle").map(str::to_owned))
            .map(std::path::PathBuf::from),
        connect_timeout: seconds(global.cli_connect_timeout),
        read_timeout: seconds(global.cli_read_timeout),
        invalid_timeout,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Env;

    fn ctx(vars: &[(&str, &str)]) -> Context {
        Context::for_tests(
            Env::from_pairs(vars.iter().copied()),
            std::time::SystemTime::UNIX_EPOCH,
        )
    }

    #[test]
    fn profile_precedence() {
        let global = GlobalArgs::default();
        let c = ctx(&[("AWS_PROFILE", "a"), ("AWS_DEFAULT_PROFILE", "b")]);
        assert_eq!(profile_choice(&c, &global).name, "a");
        let c = ctx(&[("AWS_DEFAULT_PROFILE", "b")]);
        assert_eq!(profile_choice(&c, &global).name, "b");
        let c = ctx(&[]);
        let choice = profile_choice(&c, &global);
        assert_eq!((choice.name.as_str(), choice.named), ("default", false));
        let flag = GlobalArgs {
            profile: Some("f".into()),
            ..Default::default()
        };
        let c = ctx(&[("AWS_PROFILE", "a")]);
        let choice = profile_choice(&c, &flag);
        assert_eq!((choice.name.as_str(), choice.explicit_flag), ("f", true));
    }

    #[test]
    fn missing_named_profile_is_an_error_but_missing_default_is_not() {
        let config = AwsConfig::default();
        let implicit = profile_choice(&ctx(&[]), &GlobalArgs::default());
        assert!(scoped_profile(&config, &implicit).unwrap().is_empty());
        let named = profile_choice(&ctx(&[("AWS_PROFILE", "nope")]), &GlobalArgs::default());
        assert_eq!(
            scoped_profile(&config, &named).unwrap_err().to_string(),
            "The config profile (nope) could not be found"
        );
    }

    #[test]
    fn region_and_output_precedence() {
        let config =
            AwsConfig::from_config_text("[default]\nregion = eu-west-1\noutput = text\n").unwrap();
        let profile = &config.profiles["default"];
        let global = GlobalArgs::default();
        assert_eq!(
            region(&ctx(&[]), &global, profile).as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(
            region(
                &ctx(&[("AWS_DEFAULT_REGION", "b"), ("AWS_REGION", "a")]),
                &global,
                profile
            )
            .as_deref(),
            Some("a")
        );
        assert_eq!(
            output_format(&ctx(&[]), &global, profile).unwrap(),
            OutputFormat::Text
        );
        assert_eq!(
            output_format(&ctx(&[("AWS_DEFAULT_OUTPUT", "yaml")]), &global, profile).unwrap(),
            OutputFormat::Yaml
        );
        let bogus =
            output_format(&ctx(&[("AWS_DEFAULT_OUTPUT", "bogus")]), &global, profile).unwrap_err();
        assert_eq!(
            (bogus.to_string().as_str(), bogus.exit_code()),
            ("Unknown output type: bogus", 255)
        );
        let flag = GlobalArgs {
            output: Some(OutputFormat::Table),
            ..Default::default()
        };
        assert_eq!(
            output_format(&ctx(&[("AWS_DEFAULT_OUTPUT", "yaml")]), &flag, profile).unwrap(),
            OutputFormat::Table
        );
    }
}
