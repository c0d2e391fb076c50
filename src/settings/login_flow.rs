//! Which login flow a login uses (docs/compatibility.md, "Choosing the login flow"), first
//! match wins:
//!
//! 1. `--use-device-code`, or `--no-use-device-code` (PKCE);
//! 2. `sso_use_device_code = true|false` in the `[sso-session]` section (the key of the AWS
//!    CLI's pull request #10635);
//! 3. `--redirect-port N` or the session's `sso_redirect_port = N`: PKCE with the listener
//!    on that port (for `ssh -L N:127.0.0.1:N`);
//! 4. `BROWSER` is set: PKCE;
//! 5. an SSH session (`SSH_CONNECTION`, `SSH_TTY`) or a container (`/.dockerenv`,
//!    `/run/.containerenv`): the device code, with one line on stderr saying why and how to
//!    override it;
//! 6. v2's default (`awscli/customizations/sso/utils.py` `do_sso_login`): PKCE.
//!
//! A legacy profile (no sso-session) always uses the device code, as in v2: its token
//! provider cannot refresh a PKCE token, so none of the rules apply to it.

use crate::cli::{ConfigureSsoArgs, LoginArgs};
use crate::config::{self, Props};
use crate::context::Context;
use crate::error::Error;

/// A flow setting that names no flow or no port.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// `--redirect-port` outside 1..65535 (252).
    #[error("--redirect-port must be a port number from 1 to 65535, not '{value}'")]
    BadRedirectPortFlag { value: String },
    /// `sso_redirect_port` outside 1..65535 (253).
    #[error("sso_redirect_port in [sso-session {session}] must be a port number from 1 to 65535, not '{value}'")]
    BadRedirectPort { session: String, value: String },
    /// `sso_use_device_code` neither true nor false (253).
    #[error("sso_use_device_code in [sso-session {session}] must be true or false, not '{value}'")]
    BadUseDeviceCode { session: String, value: String },
}

impl From<FlowError> for Error {
    fn from(e: FlowError) -> Self {
        match e {
            FlowError::BadRedirectPortFlag { .. } => Error::ParamValidation(Box::new(e)),
            FlowError::BadRedirectPort { .. } | FlowError::BadUseDeviceCode { .. } => {
                Error::Configuration(Box::new(e))
            }
        }
    }
}

/// The flow flags of `sso login` and `configure sso`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlowFlags {
    /// `Some(true)`: `--use-device-code`; `Some(false)`: `--no-use-device-code`.
    pub use_device_code: Option<bool>,
    /// `--redirect-port`, as typed.
    pub redirect_port: Option<String>,
}

impl FlowFlags {
    /// `--use-device-code`, `--no-use-device-code` (clap keeps the last of the two),
    /// `--qr` (a phone can only use the device code) and `--redirect-port`.
    fn new(device: bool, no_device: bool, qr: bool, port: &Option<String>) -> Self {
        FlowFlags {
            use_device_code: if device || qr {
                Some(true)
            } else if no_device {
                Some(false)
            } else {
                None
            },
            redirect_port: port.clone(),
        }
    }
}

impl From<&LoginArgs> for FlowFlags {
    fn from(args: &LoginArgs) -> Self {
        FlowFlags::new(
            args.use_device_code,
            args.no_use_device_code,
            args.qr,
            &args.redirect_port,
        )
    }
}

impl From<&ConfigureSsoArgs> for FlowFlags {
    fn from(args: &ConfigureSsoArgs) -> Self {
        FlowFlags::new(
            args.use_device_code,
            args.no_use_device_code,
            args.qr,
            &args.redirect_port,
        )
    }
}

/// The flow a login runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LoginFlow {
    /// Authorization code with PKCE; the listener on `port`, else on a free one.
    #[default]
    AuthorizationCode,
    AuthorizationCodeOnPort(u16),
    /// The device code (RFC 8628).
    DeviceCode,
}

/// Why the device code was chosen for the user when nothing asked for it (rule 5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeviceCodeReason {
    /// The variable that shows an SSH session.
    Ssh(&'static str),
    /// The container's marker file.
    Container(String),
}

impl std::fmt::Display for DeviceCodeReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let why = match self {
            DeviceCodeReason::Ssh(variable) => {
                format!("this is an SSH session ({variable} is set)")
            }
            DeviceCodeReason::Container(marker) => format!("this is a container ({marker} exists)"),
        };
        write!(
            f,
            "Using the device code flow: {why}, where the browser's redirect to this machine cannot arrive. Use --no-use-device-code (or sso_use_device_code = false) to sign in with the browser flow, or --redirect-port N with ssh -L N:127.0.0.1:N."
        )
    }
}

/// The flow, and the line to print when rule 5 chose it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlowChoice {
    pub flow: LoginFlow,
    pub notice: Option<DeviceCodeReason>,
}

impl FlowChoice {
    fn of(flow: LoginFlow) -> Self {
        FlowChoice { flow, notice: None }
    }
}

/// The flow for a login (see the module's rules). `session` is the `[sso-session]` section
/// as `(name, keys)`: `None` for a legacy profile; its keys are `None` when the section
/// is not written yet (`configure sso` with a new session).
pub fn choose(
    ctx: &Context,
    flags: &FlowFlags,
    session: Option<(&str, Option<&Props>)>,
) -> crate::error::Result<FlowChoice> {
    let flag_port = flags
        .redirect_port
        .as_deref()
        .map(|value| {
            parse_port(value).ok_or_else(|| FlowError::BadRedirectPortFlag {
                value: value.to_owned(),
            })
        })
        .transpose()?;
    let Some((name, props)) = session else {
        return Ok(FlowChoice::of(LoginFlow::DeviceCode));
    };
    let key = |key: &str| props.and_then(|p| config::get(p, key));
    let configured_device_code = key("sso_use_device_code")
        .map(|value| match value.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(FlowError::BadUseDeviceCode {
                session: name.to_owned(),
                value: value.to_owned(),
            }),
        })
        .transpose()?;
    let configured_port = key("sso_redirect_port")
        .map(|value| {
            parse_port(value).ok_or_else(|| FlowError::BadRedirectPort {
                session: name.to_owned(),
                value: value.to_owned(),
            })
        })
        .transpose()?;
    let port = flag_port.or(configured_port);
    let auth_code = match port {
        Some(port) => LoginFlow::AuthorizationCodeOnPort(port),
        None => LoginFlow::AuthorizationCode,
    };
    // Rules 1 and 2: asked for by name.
    if let Some(device_code) = flags.use_device_code.or(configured_device_code) {
        return Ok(FlowChoice::of(if device_code {
            LoginFlow::DeviceCode
        } else {
            auth_code
        }));
    }
    // Rules 3 and 4: a port to forward, or a browser the user named.
    if port.is_some() || ctx.env.get("BROWSER").is_some() {
        return Ok(FlowChoice::of(auth_code));
    }
    // Rule 5: a browser here could not reach the listener.
    let ssh = ["SSH_CONNECTION", "SSH_TTY"]
        .into_iter()
        .find(|variable| ctx.env.get(variable).is_some());
    let reason = match ssh {
        Some(variable) => Some(DeviceCodeReason::Ssh(variable)),
        None => ctx
            .container
            .marker()
            .map(|path| DeviceCodeReason::Container(path.display().to_string())),
    };
    Ok(match reason {
        Some(reason) => FlowChoice {
            flow: LoginFlow::DeviceCode,
            notice: Some(reason),
        },
        None => FlowChoice::of(LoginFlow::AuthorizationCode),
    })
}

/// A TCP port, 1..65535.
fn parse_port(value: &str) -> Option<u16> {
    value.trim().parse::<u16>().ok().filter(|&port| port != 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{Env, FixedContainer};
    use std::path::PathBuf;
    use std::sync::Arc;

    fn ctx(vars: &[(&str, &str)], container: Option<&str>) -> Context {
        let mut ctx = Context::for_tests(
            Env::from_pairs(vars.iter().copied()),
            std::time::SystemTime::UNIX_EPOCH,
        );
        ctx.container = Arc::new(FixedContainer(container.map(PathBuf::from)));
        ctx
    }

    fn props(text: &str) -> Props {
        let config =
            config::AwsConfig::from_config_text(&format!("[sso-session s]\n{text}")).unwrap();
        config.sso_session("s").unwrap().clone()
    }

    fn flags(device: Option<bool>, port: Option<&str>) -> FlowFlags {
        FlowFlags {
            use_device_code: device,
            redirect_port: port.map(str::to_owned),
        }
    }

    fn choose_with(
        vars: &[(&str, &str)],
        container: Option<&str>,
        flags: &FlowFlags,
        session: &str,
    ) -> FlowChoice {
        let props = props(session);
        choose(&ctx(vars, container), flags, Some(("s", Some(&props)))).unwrap()
    }

    const PKCE: LoginFlow = LoginFlow::AuthorizationCode;
    const DEVICE: LoginFlow = LoginFlow::DeviceCode;
    const SSH: &[(&str, &str)] = &[("SSH_CONNECTION", "10.0.0.1 5 10.0.0.2 22")];

    /// Rule 1: the flags beat everything below them, both ways.
    #[test]
    fn rule_1_flags_win() {
        let session = "sso_use_device_code = false\nsso_redirect_port = 8400\n";
        let choice = choose_with(&[], None, &flags(Some(true), None), session);
        assert_eq!(choice, FlowChoice::of(DEVICE));
        let choice = choose_with(SSH, Some("/.dockerenv"), &flags(Some(false), None), "");
        assert_eq!(choice, FlowChoice::of(PKCE));
        // --no-use-device-code with a configured port listens there.
        let choice = choose_with(SSH, None, &flags(Some(false), None), session);
        assert_eq!(
            choice,
            FlowChoice::of(LoginFlow::AuthorizationCodeOnPort(8400))
        );
        let choice = choose_with(
            &[("BROWSER", "firefox")],
            None,
            &flags(Some(true), Some("8400")),
            "",
        );
        assert_eq!(choice, FlowChoice::of(DEVICE));
    }

    /// Rule 2: the session's `sso_use_device_code`, before the port, BROWSER and SSH.
    #[test]
    fn rule_2_session_key() {
        let on = "sso_use_device_code = true\nsso_redirect_port = 8400\n";
        let choice = choose_with(&[("BROWSER", "x")], None, &flags(None, None), on);
        assert_eq!(choice, FlowChoice::of(DEVICE));
        let choice = choose_with(
            SSH,
            None,
            &flags(None, None),
            "sso_use_device_code = False\n",
        );
        assert_eq!(choice, FlowChoice::of(PKCE));
        let choice = choose_with(&[], None, &flags(None, Some("9000")), on);
        assert_eq!(choice, FlowChoice::of(DEVICE));
        // Not a boolean: a configuration error (253) naming the key and the section.
        let props = props("sso_use_device_code = yes\n");
        let err = choose(
            &ctx(&[], None),
            &flags(None, None),
            Some(("s", Some(&props))),
        )
        .unwrap_err();
        assert_eq!(err.exit_code(), 253);
        assert_eq!(
            err.to_string(),
            "An error occurred (Configuration): sso_use_device_code in [sso-session s] must be true or false, not 'yes'"
        );
    }

    /// Rule 3: a redirect port (flag before key) means PKCE, even over SSH in a container.
    #[test]
    fn rule_3_redirect_port() {
        let choice = choose_with(SSH, Some("/.dockerenv"), &flags(None, Some("8400")), "");
        assert_eq!(
            choice,
            FlowChoice::of(LoginFlow::AuthorizationCodeOnPort(8400))
        );
        let choice = choose_with(
            SSH,
            None,
            &flags(None, Some("8401")),
            "sso_redirect_port = 8400\n",
        );
        assert_eq!(
            choice,
            FlowChoice::of(LoginFlow::AuthorizationCodeOnPort(8401))
        );
        let choice = choose_with(SSH, None, &flags(None, None), "sso_redirect_port = 65535\n");
        assert_eq!(
            choice,
            FlowChoice::of(LoginFlow::AuthorizationCodeOnPort(65535))
        );
        for bad in ["0", "65536", "-1", "http", ""] {
            let err = choose(&ctx(&[], None), &flags(None, Some(bad)), None).unwrap_err();
            assert_eq!(err.exit_code(), 252, "{bad}");
            assert_eq!(
                err.to_string(),
                format!("An error occurred (ParamValidation): --redirect-port must be a port number from 1 to 65535, not '{bad}'")
            );
        }
        let props = props("sso_redirect_port = 70000\n");
        let err = choose(
            &ctx(&[], None),
            &flags(None, None),
            Some(("s", Some(&props))),
        )
        .unwrap_err();
        assert_eq!(err.exit_code(), 253);
        assert_eq!(
            err.to_string(),
            "An error occurred (Configuration): sso_redirect_port in [sso-session s] must be a port number from 1 to 65535, not '70000'"
        );
    }

    /// Rule 4: BROWSER set means the user has a browser here, even over SSH.
    #[test]
    fn rule_4_browser() {
        let vars = [("BROWSER", "w3m"), ("SSH_TTY", "/dev/pts/1")];
        let choice = choose_with(&vars, Some("/.dockerenv"), &flags(None, None), "");
        assert_eq!(choice, FlowChoice::of(PKCE));
        // An empty BROWSER is no browser.
        let vars = [("BROWSER", ""), ("SSH_TTY", "/dev/pts/1")];
        let choice = choose_with(&vars, None, &flags(None, None), "");
        assert_eq!(choice.flow, DEVICE);
    }

    /// Rule 5: SSH (either variable) or a container marker: the device code, with the line
    /// that says why and how to override it.
    #[test]
    fn rule_5_ssh_or_container() {
        let choice = choose_with(SSH, None, &flags(None, None), "");
        assert_eq!(
            choice,
            FlowChoice {
                flow: DEVICE,
                notice: Some(DeviceCodeReason::Ssh("SSH_CONNECTION"))
            }
        );
        assert_eq!(
            choice.notice.unwrap().to_string(),
            "Using the device code flow: this is an SSH session (SSH_CONNECTION is set), where the browser's redirect to this machine cannot arrive. Use --no-use-device-code (or sso_use_device_code = false) to sign in with the browser flow, or --redirect-port N with ssh -L N:127.0.0.1:N."
        );
        let choice = choose_with(&[("SSH_TTY", "/dev/pts/0")], None, &flags(None, None), "");
        assert_eq!(choice.notice, Some(DeviceCodeReason::Ssh("SSH_TTY")));
        let choice = choose_with(&[], Some("/run/.containerenv"), &flags(None, None), "");
        assert_eq!(choice.flow, DEVICE);
        assert_eq!(
            choice.notice.unwrap().to_string(),
            "Using the device code flow: this is a container (/run/.containerenv exists), where the browser's redirect to this machine cannot arrive. Use --no-use-device-code (or sso_use_device_code = false) to sign in with the browser flow, or --redirect-port N with ssh -L N:127.0.0.1:N."
        );
    }

    /// Rule 6: nothing says otherwise: v2's PKCE, and a session not written yet behaves the
    /// same.
    #[test]
    fn rule_6_default() {
        let choice = choose_with(&[], None, &flags(None, None), "");
        assert_eq!(choice, FlowChoice::of(PKCE));
        let choice = choose(&ctx(&[], None), &flags(None, None), Some(("s", None))).unwrap();
        assert_eq!(choice, FlowChoice::of(PKCE));
    }

    /// Legacy profiles: always the device code, whatever the flags and environment say (v2),
    /// and no notice; a bad --redirect-port is still refused.
    #[test]
    fn legacy_profiles_always_use_the_device_code() {
        for f in [flags(Some(false), None), flags(None, Some("8400"))] {
            let choice = choose(&ctx(&[("BROWSER", "x")], None), &f, None).unwrap();
            assert_eq!(choice, FlowChoice::of(DEVICE));
        }
        let choice = choose(&ctx(SSH, None), &flags(None, None), None).unwrap();
        assert_eq!(choice, FlowChoice::of(DEVICE));
        let err = choose(&ctx(&[], None), &flags(None, Some("0")), None).unwrap_err();
        assert_eq!(err.exit_code(), 252);
    }
}
