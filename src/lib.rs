//! awsso: a fast drop-in replacement for the AWS CLI v2's IAM Identity Center (AWS SSO)
//! commands. It shares `~/.aws/config`, `~/.aws/sso/cache` and `~/.aws/cli/cache` with every
//! AWS tool, speaks SSO OIDC, the SSO portal and STS, and prints what v2 prints.
//!
//! [`run`] parses the arguments, dispatches to [`commands`], and turns any [`error::Error`]
//! into v2's message and exit code.

pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod context;
pub mod credentials;
pub mod error;
pub mod http;
pub mod login;
pub mod oidc;
pub mod output;
pub mod portal;
pub mod settings;
pub mod sso_token;
pub mod sts;

use std::ffi::OsString;

use clap::Parser;

use cli::{Cli, Command, ConfigureCommand, SsoCommand, StsCommand};
use context::Context;
use error::{Error, Result};

/// Runs one awsso invocation and returns its exit code.
pub fn run(args: impl IntoIterator<Item = impl Into<OsString> + Clone>, mut ctx: Context) -> u8 {
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return report_clap_error(&ctx, &args, e),
    };
    ctx.debug = cli.global.debug;
    if cli.global.version {
        ctx.out(&format!("{}\n", version_line()));
        return 0;
    }
    match dispatch(&ctx, &cli) {
        Ok(()) => 0,
        Err(e) => {
            if let Error::ConfigParse { detail, .. } = &e {
                ctx_debug!(ctx, "config parse error: {detail}");
            }
            ctx.out(e.stdout_text());
            ctx.err(&e.stderr_text());
            e.exit_code()
        }
    }
}

fn dispatch(ctx: &Context, cli: &Cli) -> Result<()> {
    let global = &cli.global;
    let Some(command) = &cli.command else {
        return Err(Error::Usage {
            message: "the following arguments are required: command".into(),
            usage: Some(usage_block()),
        });
    };
    match command {
        Command::Configure { command } => match command {
            ConfigureCommand::Sso(args) => commands::configure_sso::run(ctx, global, args),
            ConfigureCommand::SsoSession(args) => {
                commands::configure_sso::run_session(ctx, global, args)
            }
            ConfigureCommand::ExportCredentials(args) => {
                commands::export_credentials::run(ctx, global, args)
            }
            ConfigureCommand::ListProfiles => commands::list_profiles::run(ctx, global),
        },
        Command::Sso { command } => match command {
            SsoCommand::Login(args) => commands::login::run(ctx, global, args),
            SsoCommand::Logout(args) => commands::logout::run(ctx, global, args),
            SsoCommand::ListAccounts(args) => commands::portal::list_accounts(ctx, global, args),
            SsoCommand::ListAccountRoles(args) => {
                commands::portal::list_account_roles(ctx, global, args)
            }
            SsoCommand::GetRoleCredentials(args) => {
                commands::portal::get_role_credentials(ctx, global, args)
            }
        },
        Command::Sts { command } => match command {
            StsCommand::GetCallerIdentity => commands::get_caller_identity::run(ctx, global),
        },
        Command::Login(args) => commands::login::run(ctx, global, args),
        Command::Logout(args) => commands::logout::run(ctx, global, args),
        Command::GetCallerIdentity => commands::get_caller_identity::run(ctx, global),
    }
}

/// `awsso/VERSION OS/ARCH`, like v2's `aws-cli/2.x Python/3.x Linux/x86_64` line.
pub fn version_line() -> String {
    let os = match std::env::consts::OS {
        "linux" => "Linux",
        "macos" => "Darwin",
        "windows" => "Windows",
        other => other,
    };
    format!(
        "awsso/{} {os}/{}",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::ARCH
    )
}

/// v2's top-level usage block, printed before usage errors of service commands.
pub fn usage_block() -> String {
    "\nusage: awsso [options] <command> <subcommand> [<subcommand> ...] [parameters]\nTo see help text, you can run:\n\n  awsso --help\n  awsso <command> --help\n  awsso <command> <subcommand> --help\n".to_owned()
}

/// Turns clap's error into v2's text and exit code: help and version exit 0, everything
/// else is a usage error (252).
fn report_clap_error(ctx: &Context, args: &[OsString], e: clap::Error) -> u8 {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            ctx.out(&e.render().to_string());
            return 0;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            ctx.err(&e.render().to_string());
            return 252;
        }
        _ => {}
    }
    let context_value = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        _ => None,
    };
    // Customised commands (login, logout, configure) report ParamValidation; generated
    // service commands print the usage block first (CONTRACT.md, Text).
    let words: Vec<String> = args
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .filter(|a| !a.starts_with('-'))
        .collect();
    let customised = matches!(
        words.first().map(String::as_str),
        Some("configure" | "login" | "logout")
    ) || matches!(
        (
            words.first().map(String::as_str),
            words.get(1).map(String::as_str)
        ),
        (Some("sso"), Some("login" | "logout"))
    );
    let error = match e.kind() {
        ErrorKind::UnknownArgument => {
            let arg = context_value(ContextKind::InvalidArg).unwrap_or_default();
            let message = format!("Unknown options: {arg}");
            if customised {
                Error::ParamValidation(message)
            } else {
                Error::Usage {
                    message,
                    usage: Some(usage_block()),
                }
            }
        }
        ErrorKind::InvalidValue => {
            let arg = context_value(ContextKind::InvalidArg).unwrap_or_default();
            let value = context_value(ContextKind::InvalidValue).unwrap_or_default();
            let arg = arg.split_whitespace().next().unwrap_or_default().to_owned();
            let mut message = format!("argument {arg}: Invalid choice: '{value}'");
            if let Some(valid) = context_value(ContextKind::ValidValue) {
                message = format!(
                    "argument {arg}: Found invalid choice '{value}'\nValid choices are: {valid}"
                );
            }
            Error::Usage {
                message,
                usage: Some(usage_block()),
            }
        }
        ErrorKind::InvalidSubcommand => {
            let value = context_value(ContextKind::InvalidSubcommand).unwrap_or_default();
            Error::Usage {
                message: format!("argument command: Found invalid choice '{value}'"),
                usage: Some(usage_block()),
            }
        }
        _ => {
            let rendered = e.render().to_string();
            let first = rendered
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("error: ")
                .to_owned();
            Error::Usage {
                message: first,
                usage: Some(usage_block()),
            }
        }
    };
    ctx.err(&error.stderr_text());
    error.exit_code()
}
