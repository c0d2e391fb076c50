//! awsso: a fast drop-in replacement for the AWS CLI v2's IAM Identity Center (AWS SSO)
//! commands. It shares `~/.aws/config`, `~/.aws/sso/cache` and `~/.aws/cli/cache` with every
//! AWS tool, speaks SSO OIDC, the SSO portal and STS, and prints what v2 prints.
//!
//! [`run`] parses the arguments, dispatches to [`commands`], and turns any [`error::Error`]
//! into v2's message and exit code.

#![forbid(unsafe_code)]

pub mod atomic;
pub mod cache;
pub mod chain;
pub mod cli;
pub mod commands;
pub mod config;
pub mod container_credentials;
pub mod context;
pub mod credentials;
pub mod error;
pub mod fuzz;
pub mod http;
pub mod login;
pub mod oidc;
pub mod output;
pub mod portal;
pub mod python;
pub mod rate_limit;
pub mod regions;
pub mod regular_file;
pub mod secret;
pub mod settings;
pub mod signin;
pub mod sso_token;
pub mod sts;
pub mod timestamp;
pub mod usage;

use std::ffi::OsString;

use cli::{Cli, Command, ConfigureCommand, SsoCommand, StsCommand};
use context::ctx_debug;
use context::Context;
use error::{Error, Result};
use settings::Session;

/// Runs one awsso invocation and returns its exit code.
pub fn run(args: impl IntoIterator<Item = impl Into<OsString> + Clone>, mut ctx: Context) -> u8 {
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let code = run_command(&args, &mut ctx);
    finish(&ctx, code)
}

/// The exit code once everything is printed: stdout that refused a write (a full disk)
/// overrides the command's own code, as v2's failing last flush does (docs/compatibility.md,
/// "Messages and exit codes"). A closed pipe (EPIPE: the reader went away, `| head`) is no
/// error: the command's code stands and nothing more is said.
fn finish(ctx: &Context, code: u8) -> u8 {
    match ctx.take_stdout_failure() {
        Some(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            let error = Error::from(context::StdoutError::Unwritable(e));
            ctx.err(&error.stderr_text());
            error.exit_code()
        }
        _ => code,
    }
}

fn run_command(args: &[OsString], ctx: &mut Context) -> u8 {
    let cli = match usage::parse(ctx, args) {
        usage::Parsed::Run(cli) => cli,
        usage::Parsed::Exit(code) => return code,
    };
    ctx.debug = cli.global.debug;
    if cli.global.version {
        ctx.out(&format!("{}\n", usage::version_line()));
        return 0;
    }
    let session = Session::new(ctx, &cli.global);
    let program = args.first().map_or("awsso".as_ref(), OsString::as_os_str);
    match dispatch(&session, &cli, program) {
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

/// Runs the command. `program` is the name awsso was started by (`completion` registers it).
fn dispatch(session: &Session, cli: &Cli, program: &std::ffi::OsStr) -> Result<()> {
    let Some(command) = &cli.command else {
        // usage::parse reports a missing command; nothing reaches here without one.
        return Err(usage::UsageError::Required {
            names: vec!["command".to_owned()],
        }
        .into());
    };
    match command {
        Command::Configure { command } => match command {
            ConfigureCommand::Sso(args) => commands::configure_sso::run(session, args),
            ConfigureCommand::SsoSession(args) => {
                commands::configure_sso::run_session(session, args)
            }
            ConfigureCommand::ExportCredentials(args) => {
                commands::export_credentials::run(session, args)
            }
            ConfigureCommand::ListProfiles => commands::list_profiles::run(session),
        },
        Command::Sso { command } => match command {
            SsoCommand::Login(args) => commands::login::run(session, args),
            SsoCommand::Logout(args) => commands::logout::run(session, args),
            SsoCommand::ListAccounts(args) => commands::portal::list_accounts(session, args),
            SsoCommand::ListAccountRoles(args) => {
                commands::portal::list_account_roles(session, args)
            }
            SsoCommand::GetRoleCredentials(args) => {
                commands::portal::get_role_credentials(session, args)
            }
            SsoCommand::Status(args) => commands::status::run(session, args),
        },
        Command::Sts { command } => match command {
            StsCommand::GetCallerIdentity => commands::get_caller_identity::run(session),
        },
        Command::Login(args) => commands::login::run(session, args),
        Command::Logout(args) => commands::logout::run(session, args),
        Command::GetCallerIdentity => commands::get_caller_identity::run(session),
        Command::Console(args) => commands::console::run(session, args),
        Command::Exec(args) => commands::exec::run(session, args),
        Command::Serve(args) => commands::serve::run(session, args),
        Command::Status(args) => commands::status::run(session, args),
        Command::Completion(args) => commands::completion::run(session, args, program),
    }
}

/// v2's usage block as printed before `Unknown options` of service commands (see
/// [`usage`]).
pub fn usage_block() -> String {
    usage::usage_block()
}
