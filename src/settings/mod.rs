//! Flags, environment and config files settled once per command into one [`Session`]: the
//! selected profile and its scoped view, the client region, how output is printed
//! (format, `--query`, colour), and the transport (TLS, timeouts, retries, each service's
//! endpoint). Commands read these values instead of looking at flags and variables
//! themselves, so precedence (flag, then environment, then profile, then default, with v2's
//! exceptions) lives, and is tested, here only.
//!
//! Each part is resolved the first time a command asks for it and kept: a command that
//! never prints or never makes a request pays nothing for those parts, and errors come in
//! the order the command asks, which is v2's order for that command. The async runtime is
//! likewise built by the first [`Session::block_on`].

pub mod login_flow;
mod login_target;
pub mod transport;

use std::sync::OnceLock;

use crate::cli::{ColorChoice, GlobalArgs, OutputFormat};
use crate::config::{self, AwsConfig, ConfigFiles, Props};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::http::{HttpClient, Service, Transport, TransportConfig};
use crate::output::{Formatter, Query};

pub use login_flow::{FlowChoice, FlowFlags, LoginFlow};
pub use login_target::{parse_scopes, LoginTarget, SsoConfigError};

/// A setting no command can run with.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// An `output` (`AWS_DEFAULT_OUTPUT`, the profile's key) that is no format: v2's
    /// formatter lookup raises `ValueError`, reported by the general handler (255).
    #[error("Unknown output type: {name}")]
    UnknownOutputType { name: String },
}

impl From<SettingsError> for Error {
    fn from(e: SettingsError) -> Self {
        Error::Other(Box::new(e))
    }
}

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
///
/// Empty names are treated as v2 treats them: `--profile ""` is no flag at all
/// (`awscli/clidriver.py` `_handle_top_level_args` sets the profile only when the value is
/// truthy), while a variable that is set names its profile even when empty (botocore's
/// `EnvironmentProvider`), so `AWS_PROFILE=""` is `The config profile () could not be found`.
pub fn profile_choice(ctx: &Context, global: &GlobalArgs) -> ProfileChoice {
    if let Some(name) = global.profile.as_ref().filter(|name| !name.is_empty()) {
        return ProfileChoice {
            name: name.clone(),
            explicit_flag: true,
            named: true,
        };
    }
    match ctx
        .env
        .get_set("AWS_PROFILE")
        .or_else(|| ctx.env.get_set("AWS_DEFAULT_PROFILE"))
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

static EMPTY_PROFILE: std::sync::LazyLock<Props> = std::sync::LazyLock::new(Props::default);

/// Everything one command resolves from flags, environment and config files.
pub struct Session<'a> {
    pub ctx: &'a Context,
    pub global: &'a GlobalArgs,
    pub profile: ProfileChoice,
    files: OnceLock<ConfigFiles>,
    transport: OnceLock<Transport>,
    unscoped_transport: OnceLock<Transport>,
    runtime: OnceLock<tokio::runtime::Runtime>,
}

impl Drop for Session<'_> {
    /// The config model is a few hundred small allocations, and the session ends only as the
    /// process does (`lib.rs` `run`): freeing them one by one was a sixth of a command that
    /// makes no request. It holds no resource (no file, lock or thread), so it is left to the
    /// exit, like any memory.
    fn drop(&mut self) {
        std::mem::forget(self.files.take());
    }
}

impl<'a> Session<'a> {
    /// Settles the profile choice; everything else is resolved on first use.
    pub fn new(ctx: &'a Context, global: &'a GlobalArgs) -> Self {
        Session {
            ctx,
            global,
            profile: profile_choice(ctx, global),
            files: OnceLock::new(),
            transport: OnceLock::new(),
            unscoped_transport: OnceLock::new(),
            runtime: OnceLock::new(),
        }
    }

    /// The config and credentials files (`Unable to parse config file: PATH`, 255).
    pub fn files(&self) -> Result<&ConfigFiles> {
        if let Some(files) = self.files.get() {
            return Ok(files);
        }
        let files = ConfigFiles::load(self.ctx)?;
        Ok(self.files.get_or_init(|| files))
    }

    /// Both files merged.
    pub fn config(&self) -> Result<&AwsConfig> {
        Ok(&self.files()?.merged)
    }

    /// The selected profile's keys: `The config profile (NAME) could not be found` (255) for
    /// a named profile that does not exist; an empty profile for a missing implicit
    /// `default`.
    pub fn profile_props(&self) -> Result<&Props> {
        match self.config()?.profile(&self.profile.name) {
            Some(props) => Ok(props),
            None if !self.profile.named => Ok(&EMPTY_PROFILE),
            None => Err(Error::ProfileNotFound {
                name: self.profile.name.clone(),
            }),
        }
    }

    /// The selected profile's keys, empty when it does not exist (`configure sso`, which
    /// may create it).
    pub fn profile_props_or_empty(&self) -> Result<&Props> {
        Ok(self
            .config()?
            .profile(&self.profile.name)
            .unwrap_or(&EMPTY_PROFILE))
    }

    /// The client region: `--region`, `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's
    /// `region`. No fall-back to `[default]` for a named profile, and never IMDS. (An SSO
    /// login's region is its session's `sso_region` instead: [`LoginTarget::region`].)
    pub fn region(&self) -> Result<Option<String>> {
        Ok(region(self.ctx, self.global, self.profile_props()?))
    }

    /// How the command prints its response: `--output` (then `AWS_DEFAULT_OUTPUT`, the
    /// profile's `output`, json), `--query` compiled, `--color`, and the terminal width.
    pub fn formatter(&self) -> Result<Formatter> {
        let format = output_format(self.ctx, self.global, self.profile_props()?)?;
        let query = self.global.query.as_deref().map(Query::parse).transpose()?;
        Ok(Formatter {
            format,
            query,
            color: color(self.ctx, self.global),
            width: crate::output::terminal_width(self.ctx),
        })
    }

    /// The transport of the selected profile: its TLS, retry and endpoint settings.
    pub fn transport(&self) -> Result<&Transport> {
        if let Some(transport) = self.transport.get() {
            return Ok(transport);
        }
        let profile = self.profile_props()?;
        let config = self.config()?;
        let transport = Transport {
            http: HttpClient::new(transport::transport_config(
                self.ctx,
                self.global,
                Some(profile),
            )),
            endpoints: transport::endpoints(self.ctx, self.global, Some(profile), Some(config)),
        };
        Ok(self.transport.get_or_init(|| transport))
    }

    /// The transport of clients v2 makes with the profile unset (`configure sso`'s
    /// `_unset_session_profile`: the profile may not exist yet): flags and environment only.
    pub fn unscoped_transport(&self) -> &Transport {
        self.unscoped_transport.get_or_init(|| Transport {
            http: HttpClient::new(transport::transport_config(self.ctx, self.global, None)),
            endpoints: transport::endpoints(self.ctx, self.global, None, None),
        })
    }

    /// An HTTP client for the start-URL resolution of `configure sso`: v2 builds no botocore
    /// client there, so only the CA bundle and `--no-verify-ssl` apply, with its own timeout
    /// and a single attempt.
    pub fn start_url_client(&self, timeout: std::time::Duration) -> HttpClient {
        let base = transport::transport_config(self.ctx, self.global, None);
        HttpClient::new(TransportConfig {
            connect_timeout: Some(timeout),
            read_timeout: Some(timeout),
            ..base
        })
    }

    /// The SSO login the command means (`--sso-session`, else the profile's): see
    /// [`LoginTarget`].
    pub fn login_target(&self, sso_session_flag: Option<&str>) -> Result<LoginTarget> {
        login_target::resolve(
            self.config()?,
            self.profile.named.then_some(self.profile.name.as_str()),
            self.profile_props()?,
            sso_session_flag,
        )
    }

    /// The login flow for `target` (`settings::login_flow`): the flags, the session's
    /// `sso_use_device_code` and `sso_redirect_port`, then the environment.
    pub fn login_flow(&self, target: &LoginTarget, flags: &FlowFlags) -> Result<FlowChoice> {
        let config = self.config()?;
        let session = target
            .session_name
            .as_deref()
            .map(|name| (name, config.sso_session(name)));
        login_flow::choose(self.ctx, flags, session)
    }

    /// The region of a portal command's client (awsso's portal commands may run without
    /// `--access-token`): with a token given, the client region (NoRegion when none, 253);
    /// with the cached token of `target`, `--region` if given, else the session's
    /// `sso_region`.
    pub fn portal_region(&self, target: Option<&LoginTarget>) -> Result<String> {
        match target {
            None => self.region()?.ok_or(Error::NoRegion),
            Some(target) => Ok(self
                .global
                .region
                .clone()
                .unwrap_or_else(|| target.region.clone())),
        }
    }

    /// The command's current-thread runtime, built on first use.
    pub fn runtime(&self) -> Result<&tokio::runtime::Runtime> {
        if let Some(runtime) = self.runtime.get() {
            return Ok(runtime);
        }
        let runtime = crate::http::runtime()?;
        Ok(self.runtime.get_or_init(|| runtime))
    }

    /// Runs `work` to completion on the command's runtime. Never called from inside async
    /// code.
    pub fn block_on<F: std::future::Future>(&self, work: F) -> Result<F::Output> {
        Ok(self.runtime()?.block_on(work))
    }

    /// The endpoint of `service` in `region` for the command's internal clients.
    pub fn endpoint(&self, service: Service, region: &str) -> Result<String> {
        self.transport()?.endpoints.url(service, region)
    }
}

/// The client region: `--region`, `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's
/// `region`.
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
        // awsso says so before making any request.
        Some(name) => {
            Ok(
                parse_output_format(name).ok_or_else(|| SettingsError::UnknownOutputType {
                    name: name.to_owned(),
                })?,
            )
        }
    }
}

/// An output format named exactly as `--output` takes it (clap's own lookup).
pub fn parse_output_format(name: &str) -> Option<OutputFormat> {
    <OutputFormat as clap::ValueEnum>::from_str(name, false).ok()
}

/// Colour for table output: `--color`; v2 reads only the flag; `auto` means "stdout is a
/// terminal".
pub fn color(ctx: &Context, global: &GlobalArgs) -> bool {
    match global.color.unwrap_or(ColorChoice::Auto) {
        ColorChoice::On => true,
        ColorChoice::Off => false,
        ColorChoice::Auto => ctx.terminal.stdout,
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

    /// v2: an empty `--profile` is no flag; an empty variable names the empty profile.
    #[test]
    fn empty_profile_names_follow_v2() {
        let empty_flag = GlobalArgs {
            profile: Some(String::new()),
            ..Default::default()
        };
        let choice = profile_choice(&ctx(&[]), &empty_flag);
        assert_eq!(
            choice,
            ProfileChoice {
                name: "default".into(),
                explicit_flag: false,
                named: false
            }
        );
        let choice = profile_choice(&ctx(&[("AWS_PROFILE", "a")]), &empty_flag);
        assert_eq!(
            (choice.name.as_str(), choice.explicit_flag, choice.named),
            ("a", false, true)
        );
        let global = GlobalArgs::default();
        for vars in [
            &[("AWS_PROFILE", "")][..],
            &[("AWS_PROFILE", ""), ("AWS_DEFAULT_PROFILE", "b")],
            &[("AWS_DEFAULT_PROFILE", "")],
        ] {
            let choice = profile_choice(&ctx(vars), &global);
            assert_eq!((choice.name.as_str(), choice.named), ("", true), "{vars:?}");
        }
        let (_home, c) = home_with("[default]\nregion = eu-west-1\n", &[("AWS_PROFILE", "")]);
        assert_eq!(
            Session::new(&c, &global)
                .profile_props()
                .unwrap_err()
                .to_string(),
            "The config profile () could not be found"
        );
        let (_home, c) = home_with("[default]\nregion = eu-west-1\n", &[]);
        assert_eq!(
            Session::new(&c, &empty_flag).region().unwrap().as_deref(),
            Some("eu-west-1")
        );
    }

    /// A context whose HOME holds `config` as `~/.aws/config`.
    fn home_with(config: &str, vars: &[(&str, &str)]) -> (tempfile::TempDir, Context) {
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(home.path().join(".aws")).unwrap();
        std::fs::write(home.path().join(".aws/config"), config).unwrap();
        let mut pairs = vec![("HOME".to_owned(), home.path().display().to_string())];
        pairs.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let ctx = Context::for_tests(Env::from_pairs(pairs), std::time::SystemTime::UNIX_EPOCH);
        (home, ctx)
    }

    #[test]
    fn missing_named_profile_is_an_error_but_missing_default_is_not() {
        let global = GlobalArgs::default();
        let (_home, c) = home_with("", &[]);
        assert!(Session::new(&c, &global)
            .profile_props()
            .unwrap()
            .is_empty());
        let (_home, c) = home_with("", &[("AWS_PROFILE", "nope")]);
        let session = Session::new(&c, &global);
        assert_eq!(
            session.profile_props().unwrap_err().to_string(),
            "The config profile (nope) could not be found"
        );
        assert!(session.profile_props_or_empty().unwrap().is_empty());
    }

    #[test]
    fn formatter_takes_format_query_and_colour() {
        use crate::cli::ColorChoice;
        let (_home, c) = home_with("", &[("AWS_DEFAULT_OUTPUT", "yaml")]);
        let global = GlobalArgs {
            query: Some("Account".into()),
            color: Some(ColorChoice::On),
            ..Default::default()
        };
        let f = Session::new(&c, &global).formatter().unwrap();
        assert_eq!(f.format, OutputFormat::Yaml);
        assert!(f.color);
        assert_eq!(f.width, 80);
        let identity = serde_json::json!({"UserId": "U", "Account": "111122223333", "Arn": "A"});
        assert_eq!(
            f.format("GetCallerIdentity", &identity).unwrap(),
            "\"111122223333\"\n"
        );
        let bad = GlobalArgs {
            query: Some("[".into()),
            ..Default::default()
        };
        let err = Session::new(&c, &bad).formatter().unwrap_err();
        assert_eq!(err.exit_code(), 252);
    }

    #[test]
    fn endpoint_precedence() {
        let config = "[profile p]\nservices = local\nendpoint_url = http://profile\n[services local]\nsts =\n  endpoint_url = http://services-sts\nsso_oidc =\n  endpoint_url = http://services-oidc\n";
        let flag = GlobalArgs {
            profile: Some("p".into()),
            endpoint_url: Some("http://flag".into()),
            ..Default::default()
        };
        let url = |vars: &[(&str, &str)], service: Service| {
            let (_home, c) = home_with(config, vars);
            let session = Session::new(&c, &flag);
            let endpoints = &session.transport().unwrap().endpoints;
            (
                endpoints.command_url(service, "eu-west-1").unwrap(),
                endpoints.url(service, "eu-west-1").unwrap(),
            )
        };
        // --endpoint-url, for the command's own client only.
        assert_eq!(url(&[], Service::Sts).0, "http://flag");
        // [services], then the profile's endpoint_url.
        assert_eq!(url(&[], Service::Sts).1, "http://services-sts");
        assert_eq!(url(&[], Service::SsoOidc).1, "http://services-oidc");
        assert_eq!(url(&[], Service::Sso).1, "http://profile");
        // AWS_ENDPOINT_URL before [services]; AWS_ENDPOINT_URL_<SERVICE> before that.
        let global = [("AWS_ENDPOINT_URL", "http://global/")];
        assert_eq!(url(&global, Service::Sts).1, "http://global");
        let specific = [
            ("AWS_ENDPOINT_URL", "http://global"),
            ("AWS_ENDPOINT_URL_SSO_OIDC", "http://oidc"),
        ];
        assert_eq!(url(&specific, Service::SsoOidc).1, "http://oidc");
        assert_eq!(url(&specific, Service::Sso).1, "http://global");
        assert_eq!(url(&specific, Service::Sso).0, "http://flag");
        // The kill switch leaves the flag and the AWS hosts.
        let ignore = [
            ("AWS_ENDPOINT_URL", "http://global"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
        ];
        assert_eq!(
            url(&ignore, Service::Sts).1,
            "https://sts.eu-west-1.amazonaws.com"
        );
        assert_eq!(url(&ignore, Service::Sts).0, "http://flag");
    }

    #[test]
    fn transport_precedence() {
        let config = "[default]\nca_bundle = /profile.pem\nmax_attempts = 7\nretry_mode = legacy\n";
        let (_home, c) = home_with(config, &[]);
        let global = GlobalArgs::default();
        let session = Session::new(&c, &global);
        let transport = session.transport().unwrap().http.config().clone();
        assert_eq!(
            transport.ca_bundle.as_deref(),
            Some(std::path::Path::new("/profile.pem"))
        );
        assert_eq!(transport.retry.max_attempts, 7);
        assert_eq!(transport.retry.mode, crate::http::RetryMode::Legacy);
        assert_eq!(
            transport.connect_timeout,
            Some(std::time::Duration::from_secs(60))
        );
        // The environment beats the profile; the flag beats both.
        let (_home, c) = home_with(
            config,
            &[
                ("AWS_CA_BUNDLE", "/env.pem"),
                ("AWS_MAX_ATTEMPTS", "2"),
                ("AWS_RETRY_MODE", "standard"),
            ],
        );
        let session = Session::new(&c, &global);
        let transport = session.transport().unwrap().http.config().clone();
        assert_eq!(
            transport.ca_bundle.as_deref(),
            Some(std::path::Path::new("/env.pem"))
        );
        assert_eq!(transport.retry.max_attempts, 2);
        assert_eq!(transport.retry.mode, crate::http::RetryMode::Standard);
        let flags = GlobalArgs {
            ca_bundle: Some("/flag.pem".into()),
            no_verify_ssl: true,
            cli_connect_timeout: Some(0),
            cli_read_timeout: Some(-1),
            ..Default::default()
        };
        let session = Session::new(&c, &flags);
        let transport = session.transport().unwrap().http.config().clone();
        assert_eq!(
            transport.ca_bundle.as_deref(),
            Some(std::path::Path::new("/flag.pem"))
        );
        assert!(!transport.verify_ssl);
        assert_eq!(transport.connect_timeout, None);
        assert_eq!(
            transport
                .invalid_timeout
                .map(|t| crate::http::HttpError::InvalidTimeout(t).to_string())
                .as_deref(),
            Some("Attempted to set read timeout to -1, but the timeout cannot be set to a value less than or equal to 0.")
        );
        // Legacy mode's own default number of attempts.
        let (_home, c) = home_with("[default]\nretry_mode = legacy\n", &[]);
        let session = Session::new(&c, &global);
        assert_eq!(
            session
                .transport()
                .unwrap()
                .http
                .config()
                .retry
                .max_attempts,
            5
        );
        // Clients made with the profile unset see none of its keys.
        let (_home, c) = home_with(config, &[]);
        let session = Session::new(&c, &global);
        assert_eq!(session.unscoped_transport().http.config().ca_bundle, None);
    }

    #[test]
    fn region_flag_does_not_move_a_login() {
        let config = "[profile dev]\nsso_session = s\nregion = ap-south-1\n[sso-session s]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = eu-west-1\n";
        let (_home, c) = home_with(config, &[("AWS_REGION", "us-east-2")]);
        let global = GlobalArgs {
            profile: Some("dev".into()),
            region: Some("us-west-2".into()),
            ..Default::default()
        };
        let session = Session::new(&c, &global);
        // The client region follows --region ...
        assert_eq!(session.region().unwrap().as_deref(), Some("us-west-2"));
        // ... but the login's OIDC and portal calls stay in the session's sso_region.
        let target = session.login_target(None).unwrap();
        assert_eq!(target.region, "eu-west-1");
        // Portal commands with the cached token follow --region (awsso's documented choice),
        // and the sso_region without it.
        assert_eq!(session.portal_region(Some(&target)).unwrap(), "us-west-2");
        let plain = GlobalArgs {
            profile: Some("dev".into()),
            ..Default::default()
        };
        let session = Session::new(&c, &plain);
        assert_eq!(session.portal_region(Some(&target)).unwrap(), "eu-west-1");
        assert_eq!(session.portal_region(None).unwrap(), "us-east-2");
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
