//! How a command reaches the services: TLS, timeouts, retries ([`transport_config`]) and the
//! endpoint of each service ([`endpoints`]), each resolved in botocore's order of
//! precedence from flags, environment and the profile.

use std::time::Duration;

use crate::cli::GlobalArgs;
use crate::config::{self, AwsConfig, Props};
use crate::context::Context;
use crate::http::{
    Endpoints, NegativeTimeout, Proxies, RetryConfig, RetryMode, Service, TransportConfig,
};

/// TLS, timeouts and retries.
///
/// - `--no-verify-ssl`;
/// - the CA bundle: `--ca-bundle`, `AWS_CA_BUNDLE`, the profile's `ca_bundle`;
/// - the proxies ([`proxies`]);
/// - `--cli-connect-timeout` / `--cli-read-timeout` (seconds; 0 means none; default 60);
///   a negative one is kept as urllib3's error, raised by the first request;
/// - the retry mode: `AWS_RETRY_MODE`, the profile's `retry_mode`, `standard`;
/// - attempts: `AWS_MAX_ATTEMPTS`, the profile's `max_attempts`, then the mode's default
///   (botocore: 5 for `legacy`, 3 otherwise).
///
/// `profile` is `None` for the clients v2 makes with the profile unset (`configure sso`).
pub fn transport_config(
    ctx: &Context,
    global: &GlobalArgs,
    profile: Option<&Props>,
) -> TransportConfig {
    let seconds = |value: Option<i64>| match value.unwrap_or(60) {
        s if s <= 0 => None,
        s => Some(Duration::from_secs(s.unsigned_abs())),
    };
    // urllib3's `Timeout` checks connect before read.
    let invalid_timeout = [
        ("connect", global.cli_connect_timeout),
        ("read", global.cli_read_timeout),
    ]
    .into_iter()
    .find_map(|(which, value)| match value {
        Some(seconds) if seconds < 0 => Some(NegativeTimeout { which, seconds }),
        _ => None,
    });
    let profile_value = |key: &str| profile.and_then(|p| config::get(p, key));
    let mode = match ctx
        .env
        .get("AWS_RETRY_MODE")
        .or_else(|| profile_value("retry_mode"))
    {
        Some("legacy") => RetryMode::Legacy,
        Some("adaptive") => RetryMode::Adaptive,
        _ => RetryMode::Standard,
    };
    let max_attempts = ctx
        .env
        .get("AWS_MAX_ATTEMPTS")
        .or_else(|| profile_value("max_attempts"))
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|&n| n >= 1)
        .unwrap_or(match mode {
            RetryMode::Legacy => 5,
            RetryMode::Standard | RetryMode::Adaptive => 3,
        });
    TransportConfig {
        verify_ssl: !global.no_verify_ssl,
        ca_bundle: global
            .ca_bundle
            .clone()
            .or_else(|| ctx.env.get("AWS_CA_BUNDLE").map(str::to_owned))
            .or_else(|| profile_value("ca_bundle").map(str::to_owned))
            .map(std::path::PathBuf::from),
        proxies: proxies(ctx),
        connect_timeout: seconds(global.cli_connect_timeout),
        read_timeout: seconds(global.cli_read_timeout),
        invalid_timeout,
        retry: RetryConfig { mode, max_attempts },
    }
}

/// The proxies of the environment as botocore reads them (`botocore/utils.py`
/// `get_environ_proxies`, Python's `urllib.request.getproxies_environment`): any variable
/// named `<scheme>_proxy` in any case, the lower-case one winning; an empty lower-case one
/// removes the scheme's proxy; `HTTP_PROXY` in upper case is ignored when `REQUEST_METHOD`
/// is set (a CGI script, CVE-2016-1000110). Only `http`, `https` and `no` are used:
/// botocore picks the proxy by the URL's scheme and never reads `ALL_PROXY`.
pub fn proxies(ctx: &Context) -> Proxies {
    let mut found: std::collections::BTreeMap<String, String> = Default::default();
    // Upper and mixed case first (upper case before mixed, so the order is fixed)...
    let mut other_case: Vec<(&str, &str)> = ctx
        .env
        .iter()
        .filter(|(name, value)| !value.is_empty() && *name != name.to_ascii_lowercase())
        .collect();
    other_case.sort_by_key(|(name, _)| (*name != name.to_ascii_uppercase(), *name));
    for (name, value) in other_case.into_iter().rev() {
        if let Some(scheme) = name.to_ascii_lowercase().strip_suffix("_proxy") {
            found.insert(scheme.to_owned(), value.to_owned());
        }
    }
    if ctx.env.get_set("REQUEST_METHOD").is_some() {
        found.remove("http");
    }
    // ...then the lower-case names, which win, and unset the scheme when empty.
    for (name, value) in ctx.env.iter() {
        if let Some(scheme) = name.strip_suffix("_proxy") {
            if name == name.to_ascii_lowercase() {
                if value.is_empty() {
                    found.remove(scheme);
                } else {
                    found.insert(scheme.to_owned(), value.to_owned());
                }
            }
        }
    }
    Proxies {
        http: found.remove("http"),
        https: found.remove("https"),
        no_proxy: found.remove("no"),
    }
}

/// The configured endpoint of each service, botocore's `ConfiguredEndpointProvider` order:
/// `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the profile's `[services NAME]` entry,
/// the profile's `endpoint_url`; none of them when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` or
/// the profile's `ignore_configured_endpoint_urls` is true. `--endpoint-url` comes before
/// all of them, for the command's own service only ([`Endpoints::command_url`]).
pub fn endpoints(
    ctx: &Context,
    global: &GlobalArgs,
    profile: Option<&Props>,
    config: Option<&AwsConfig>,
) -> Endpoints {
    let profile_value = |key: &str| profile.and_then(|p| config::get(p, key));
    let ignore = ctx
        .env
        .get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .or_else(|| profile_value("ignore_configured_endpoint_urls"))
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let configured = if ignore {
        Vec::new()
    } else {
        Service::ALL
            .into_iter()
            .filter_map(|service| {
                let specific = || {
                    ctx.env
                        .get(&format!("AWS_ENDPOINT_URL_{}", service.env_suffix()))
                        .map(str::to_owned)
                };
                let global = || ctx.env.get("AWS_ENDPOINT_URL").map(str::to_owned);
                let section = || services_entry(service, profile, config);
                let url = if service == Service::Signin {
                    // The console's sign-in host puts its `[services]` entry before
                    // `AWS_ENDPOINT_URL` (docs/compatibility.md, "Console").
                    specific().or_else(section).or_else(global)
                } else {
                    specific().or_else(global).or_else(section)
                };
                url.or_else(|| profile_value("endpoint_url").map(str::to_owned))
                    .map(|url| (service, url))
            })
            .collect()
    };
    Endpoints {
        flag: global.endpoint_url.clone(),
        configured,
    }
}

/// The `endpoint_url` of `service` in the `[services NAME]` section the profile names
/// (`services = NAME`); botocore's key is the lower-case sdkId with `_`, aws-sdk-rust's
/// with `-`, and both are accepted.
fn services_entry(
    service: Service,
    profile: Option<&Props>,
    config: Option<&AwsConfig>,
) -> Option<String> {
    let name = config::get(profile?, "services")?;
    let section = config?.services.get(name)?;
    service
        .services_key()
        .iter()
        .find_map(|key| match section.get(*key) {
            Some(config::Value::Nested(nested)) => nested.get("endpoint_url").cloned(),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Env;

    /// The configured endpoints for `vars` and `config_text`, the profile `p` selected.
    fn endpoints_with(vars: &[(&str, &str)], config_text: &str) -> Endpoints {
        let ctx = Context::for_tests(
            Env::from_pairs(vars.iter().copied()),
            std::time::SystemTime::UNIX_EPOCH,
        );
        let config = AwsConfig::from_config_text(config_text).unwrap();
        let profile = config.profile("p");
        endpoints(&ctx, &GlobalArgs::default(), profile, Some(&config))
    }

    fn proxies_with(vars: &[(&str, &str)]) -> Proxies {
        let ctx = Context::for_tests(
            Env::from_pairs(vars.iter().copied()),
            std::time::SystemTime::UNIX_EPOCH,
        );
        proxies(&ctx)
    }

    /// urllib's reading of the proxy variables, which botocore uses.
    #[test]
    fn proxies_follow_urllib() {
        assert_eq!(proxies_with(&[]), Proxies::default());
        let upper = proxies_with(&[
            ("HTTPS_PROXY", "http://p:1"),
            ("HTTP_PROXY", "http://p:2"),
            ("NO_PROXY", "localhost"),
            ("ALL_PROXY", "http://all"),
        ]);
        assert_eq!(
            upper,
            Proxies {
                http: Some("http://p:2".into()),
                https: Some("http://p:1".into()),
                no_proxy: Some("localhost".into()),
            }
        );
        // Lower case wins over upper case, and an empty lower-case one unsets the scheme.
        let lower = proxies_with(&[
            ("HTTPS_PROXY", "http://upper"),
            ("https_proxy", "http://lower"),
            ("HTTP_PROXY", "http://upper"),
            ("http_proxy", ""),
            ("no_proxy", "a"),
            ("NO_PROXY", "b"),
        ]);
        assert_eq!(
            lower,
            Proxies {
                http: None,
                https: Some("http://lower".into()),
                no_proxy: Some("a".into()),
            }
        );
        // An empty upper-case one is no setting; mixed case counts.
        let mixed = proxies_with(&[("HTTPS_PROXY", ""), ("Https_Proxy", "http://m")]);
        assert_eq!(mixed.https.as_deref(), Some("http://m"));
        // A CGI script ignores HTTP_PROXY (a request header), not http_proxy.
        let cgi = proxies_with(&[("REQUEST_METHOD", "GET"), ("HTTP_PROXY", "http://h")]);
        assert_eq!(cgi.http, None);
        let cgi = proxies_with(&[("REQUEST_METHOD", "GET"), ("http_proxy", "http://h")]);
        assert_eq!(cgi.http.as_deref(), Some("http://h"));
    }

    const SIGNIN_CONFIG: &str = "[profile p]\nservices = local\nendpoint_url = http://profile\n[services local]\nsignin =\n  endpoint_url = http://services-signin\n";

    /// The sign-in endpoint (docs/compatibility.md, "Console"): `AWS_ENDPOINT_URL_SIGNIN`,
    /// the `[services]` `signin` entry, `AWS_ENDPOINT_URL`, the profile's `endpoint_url`,
    /// then the partition's sign-in host.
    #[test]
    fn signin_endpoint_precedence() {
        let signin = |vars: &[(&str, &str)], config: &str, region: &str| {
            endpoints_with(vars, config)
                .url(Service::Signin, region)
                .unwrap()
        };
        let both = [
            ("AWS_ENDPOINT_URL_SIGNIN", "http://signin-env/"),
            ("AWS_ENDPOINT_URL", "http://global-env"),
        ];
        assert_eq!(signin(&both, SIGNIN_CONFIG, ""), "http://signin-env");
        let global = [("AWS_ENDPOINT_URL", "http://global-env")];
        // The `[services]` entry comes before AWS_ENDPOINT_URL here (unlike the SSO and STS
        // clients), then AWS_ENDPOINT_URL before the profile's endpoint_url.
        assert_eq!(signin(&global, SIGNIN_CONFIG, ""), "http://services-signin");
        assert_eq!(
            signin(&global, "[profile p]\nendpoint_url = http://profile\n", ""),
            "http://global-env"
        );
        assert_eq!(signin(&[], SIGNIN_CONFIG, ""), "http://services-signin");
        assert_eq!(
            signin(&[], "[profile p]\nendpoint_url = http://profile\n", ""),
            "http://profile"
        );
        // Another service's variable is not the sign-in endpoint's.
        let sts = [("AWS_ENDPOINT_URL_STS", "http://sts-env")];
        assert_eq!(
            signin(&sts, "[profile p]\n", "eu-west-1"),
            "https://signin.aws.amazon.com"
        );
        // The kill switch leaves the partition's host.
        let ignore = [
            ("AWS_ENDPOINT_URL_SIGNIN", "http://signin-env"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
        ];
        assert_eq!(
            signin(&ignore, SIGNIN_CONFIG, "cn-north-1"),
            "https://signin.amazonaws.cn"
        );
        // No configuration: the partition of the region, `aws` without one.
        for (region, host) in [
            ("", "https://signin.aws.amazon.com"),
            ("us-east-1", "https://signin.aws.amazon.com"),
            ("eu-central-2", "https://signin.aws.amazon.com"),
            ("cn-northwest-1", "https://signin.amazonaws.cn"),
            ("us-gov-east-1", "https://signin.amazonaws-us-gov.com"),
        ] {
            assert_eq!(signin(&[], "[profile p]\n", region), host, "{region}");
        }
        // `--endpoint-url` is for a command's own service, never the sign-in endpoint the
        // console command makes for its own use.
        let ctx = Context::for_tests(Env::default(), std::time::SystemTime::UNIX_EPOCH);
        let flag = GlobalArgs {
            endpoint_url: Some("http://flag".into()),
            ..Default::default()
        };
        assert_eq!(
            endpoints(&ctx, &flag, None, None)
                .url(Service::Signin, "")
                .unwrap(),
            "https://signin.aws.amazon.com"
        );
    }
}
