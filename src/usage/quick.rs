//! The plain command lines of the commands that make no request, read without clap: what
//! shell prompts, rc files and `credential_process` run on every prompt, login and SDK call
//! (`sso status`, `sso login --if-needed`, `configure export-credentials`, and their
//! neighbours `sso logout`, `get-caller-identity`, `configure list-profiles`, `--version`).
//!
//! Why by hand: clap builds the commands on the words' path and clones every global option
//! into each before it parses, about 0.3 to 0.7 million instructions and most of the heap a
//! run touches. For these commands that was most of their run and kept them at about 2× a
//! bare process (README, "Benchmarks"; docs/compatibility.md, "Static binary").
//!
//! It reads only a strict subset: exact long option names, each at most once, each value a
//! separate word that does not start with a dash, and choices spelled exactly. Anything else
//! (abbreviations, `--name=value`, repeats, conflicts, `help`, `--help`, errors) gets `None`
//! and goes to clap as before, so every message and exit code stays clap's and v2's. The
//! tests below check that every line it reads gives the [`Cli`] clap gives.

use std::ffi::OsString;

use clap::ValueEnum;

use crate::cli::{
    Cli, Command, ConfigureCommand, ExportCredentialsArgs, ExportFormat, GlobalArgs, LoginArgs,
    LogoutArgs, SsoCommand, StatusArgs, StsCommand,
};

/// The commands read here, each spelled as its path of words.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Leaf {
    SsoLogin,
    Login,
    SsoLogout,
    Logout,
    SsoStatus,
    Status,
    ExportCredentials,
    ListProfiles,
    StsGetCallerIdentity,
    GetCallerIdentity,
}

impl Leaf {
    fn of(path: &[&str]) -> Option<Leaf> {
        Some(match path {
            ["sso", "login"] => Leaf::SsoLogin,
            ["login"] => Leaf::Login,
            ["sso", "logout"] => Leaf::SsoLogout,
            ["logout"] => Leaf::Logout,
            ["sso", "status"] => Leaf::SsoStatus,
            ["status"] => Leaf::Status,
            ["configure", "export-credentials"] => Leaf::ExportCredentials,
            ["configure", "list-profiles"] => Leaf::ListProfiles,
            ["sts", "get-caller-identity"] => Leaf::StsGetCallerIdentity,
            ["get-caller-identity"] => Leaf::GetCallerIdentity,
            _ => return None,
        })
    }
}

/// Every option of the leaves, filled as each leaf's own are met.
#[derive(Default)]
struct LeafOptions {
    login: LoginArgs,
    status: StatusArgs,
    format: Option<ExportFormat>,
    auto_login: bool,
    sso_session: Option<String>,
}

/// `args` (program name first) as clap would read them, or `None` for clap to read.
pub(super) fn parse(args: &[OsString]) -> Option<Cli> {
    let mut global = GlobalArgs::default();
    let mut options = LeafOptions::default();
    let mut path: Vec<&str> = Vec::with_capacity(2);
    let mut seen: Vec<&str> = Vec::with_capacity(8);
    let mut words = args.iter().skip(1);
    while let Some(word) = words.next() {
        let word = word.to_str()?;
        let Some(name) = word.strip_prefix("--") else {
            if word.starts_with('-') || word == "help" || path.len() == 2 {
                return None;
            }
            path.push(word);
            continue;
        };
        if name.is_empty() || name.contains('=') || seen.contains(&name) {
            return None;
        }
        seen.push(name);
        let mut value = || -> Option<String> {
            let value = words.next()?.to_str()?;
            (!value.starts_with('-')).then(|| value.to_owned())
        };
        match name {
            "profile" => global.profile = Some(value()?),
            "region" => global.region = Some(value()?),
            "query" => global.query = Some(value()?),
            "endpoint-url" => global.endpoint_url = Some(value()?),
            "ca-bundle" => global.ca_bundle = Some(value()?),
            "output" => global.output = Some(choice(&value()?)?),
            "color" => global.color = Some(choice(&value()?)?),
            "debug" => global.debug = true,
            "no-verify-ssl" => global.no_verify_ssl = true,
            "no-paginate" => global.no_paginate = true,
            "no-cli-pager" => global.no_cli_pager = true,
            "version" => global.version = true,
            _ => {
                // A command's own option counts only once the words have reached it.
                let leaf = Leaf::of(&path)?;
                leaf_option(leaf, name, &mut options, value)?;
            }
        }
    }
    let command = match Leaf::of(&path) {
        Some(leaf) => Some(command(leaf, options)?),
        None if path.is_empty() && global.version => None,
        None => return None,
    };
    Some(Cli { global, command })
}

/// Sets the leaf's option `name`, or `None` when the leaf has no such option.
fn leaf_option(
    leaf: Leaf,
    name: &str,
    options: &mut LeafOptions,
    mut value: impl FnMut() -> Option<String>,
) -> Option<()> {
    use Leaf::*;
    let login = &mut options.login;
    match (leaf, name) {
        (SsoLogin | Login | SsoLogout | Logout | SsoStatus | Status, "sso-session") => {
            options.sso_session = Some(value()?)
        }
        (SsoLogin | Login, "no-browser") => login.no_browser = true,
        (SsoLogin | Login, "use-device-code") => login.use_device_code = true,
        (SsoLogin | Login, "no-use-device-code") => login.no_use_device_code = true,
        (SsoLogin | Login, "redirect-port") => login.redirect_port = Some(value()?),
        (SsoLogin | Login, "qr") => login.qr = true,
        (SsoLogin | Login, "if-needed") => login.if_needed = true,
        (SsoLogin | Login, "force") => login.force = true,
        (SsoStatus | Status, "prompt") => options.status.prompt = true,
        (ExportCredentials, "format") => options.format = Some(choice(&value()?)?),
        (ExportCredentials, "auto-login") => options.auto_login = true,
        _ => return None,
    }
    Some(())
}

/// The command value clap would build, or `None` for options clap settles between
/// themselves (`overrides_with`, `conflicts_with`).
fn command(leaf: Leaf, options: LeafOptions) -> Option<Command> {
    let LeafOptions {
        mut login,
        mut status,
        format,
        auto_login,
        sso_session,
    } = options;
    let clash = ((login.use_device_code || login.qr) && login.no_use_device_code)
        || (login.if_needed && login.force);
    if clash {
        return None;
    }
    login.sso_session = sso_session.clone();
    status.sso_session = sso_session.clone();
    let logout = LogoutArgs { sso_session };
    Some(match leaf {
        Leaf::SsoLogin => Command::Sso {
            command: SsoCommand::Login(login),
        },
        Leaf::Login => Command::Login(login),
        Leaf::SsoLogout => Command::Sso {
            command: SsoCommand::Logout(logout),
        },
        Leaf::Logout => Command::Logout(logout),
        Leaf::SsoStatus => Command::Sso {
            command: SsoCommand::Status(status),
        },
        Leaf::Status => Command::Status(status),
        Leaf::ExportCredentials => Command::Configure {
            command: ConfigureCommand::ExportCredentials(ExportCredentialsArgs {
                format: format.unwrap_or(ExportFormat::Process),
                auto_login,
            }),
        },
        Leaf::ListProfiles => Command::Configure {
            command: ConfigureCommand::ListProfiles,
        },
        Leaf::StsGetCallerIdentity => Command::Sts {
            command: StsCommand::GetCallerIdentity,
        },
        Leaf::GetCallerIdentity => Command::GetCallerIdentity,
    })
}

/// A choice spelled exactly as clap spells it (clap's own lookup, case-sensitive).
fn choice<T: ValueEnum>(value: &str) -> Option<T> {
    T::from_str(value, false).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    /// What clap makes of `words`: the `Cli` as `Debug` text, or `None` when it refuses them
    /// or they ask for help.
    fn by_clap(words: &[&str]) -> Option<String> {
        let args: Vec<OsString> = words.iter().map(OsString::from).collect();
        let mut cmd = super::super::lazy_command();
        let matches = cmd.try_get_matches_from_mut(&args).ok()?;
        let cli = <Cli as clap::FromArgMatches>::from_arg_matches(&matches).ok()?;
        Some(format!("{cli:?}"))
    }

    fn quick(words: &[&str]) -> Option<String> {
        let args: Vec<OsString> = words.iter().map(OsString::from).collect();
        parse(&args).map(|cli| format!("{cli:?}"))
    }

    /// Checks one line: when the quick reader takes it, clap takes it and means the same.
    fn agree(words: &[&str]) {
        if let Some(quick) = quick(words) {
            assert_eq!(Some(quick), by_clap(words), "{words:?}");
        }
    }

    #[test]
    fn the_lines_in_prompts_rc_files_and_credential_process_are_read_as_clap_reads_them() {
        for line in [
            "awsso --version",
            "awsso sso status",
            "awsso status --prompt",
            "awsso sso status --prompt --sso-session corp",
            "awsso sso status --output table --query Sessions[0]",
            "awsso sso login --if-needed",
            "awsso sso login --profile dev --if-needed",
            "awsso login --if-needed --sso-session corp",
            "awsso sso login --force --no-browser --use-device-code --qr",
            "awsso configure export-credentials --profile dev --format process",
            "awsso configure export-credentials --profile dev",
            "awsso --profile dev configure export-credentials --format env-no-export --auto-login",
            "awsso sts get-caller-identity --profile dev --output text --debug",
            "awsso get-caller-identity --region eu-west-1 --no-cli-pager --color off",
            "awsso configure list-profiles",
            "awsso sso logout --sso-session corp",
            "awsso logout",
        ] {
            let words: Vec<&str> = line.split(' ').collect();
            assert!(quick(&words).is_some(), "{line}");
            agree(&words);
        }
    }

    #[test]
    fn anything_unusual_is_left_to_clap() {
        for line in [
            "awsso",
            "awsso sso",
            "awsso sso status help",
            "awsso sso status --help",
            "awsso sso status -h",
            "awsso sso status --prom",
            "awsso sso status --prompt --prompt",
            "awsso sso status --output=json",
            "awsso sso status --output JSON",
            "awsso sso status --profile",
            "awsso sso status --profile --prompt",
            "awsso sso status --sso-session -x",
            "awsso sso login --if-needed --force",
            "awsso sso login --qr --no-use-device-code",
            "awsso sso login --use-device-code --no-use-device-code",
            "awsso sso --if-needed login",
            "awsso sso login extra",
            "awsso configure export-credentials --format bogus",
            "awsso sts get-caller-identity --cli-read-timeout 5",
            "awsso exec -- true",
            "awsso sso list-accounts",
            "awsso -- sso status",
        ] {
            let words: Vec<&str> = line.split(' ').collect();
            assert_eq!(quick(&words), None, "{line}");
        }
    }

    /// Random lines of the words both readers know, right and wrong: every one the quick
    /// reader takes means to clap what it means to the quick reader.
    #[test]
    fn random_lines_mean_the_same_to_both_readers() {
        const WORDS: &[&str] = &[
            "sso",
            "login",
            "logout",
            "status",
            "configure",
            "export-credentials",
            "list-profiles",
            "sts",
            "get-caller-identity",
            "help",
            "--profile",
            "--region",
            "--query",
            "--endpoint-url",
            "--ca-bundle",
            "--output",
            "--color",
            "--debug",
            "--no-verify-ssl",
            "--no-paginate",
            "--no-cli-pager",
            "--version",
            "--sso-session",
            "--no-browser",
            "--use-device-code",
            "--no-use-device-code",
            "--redirect-port",
            "--qr",
            "--if-needed",
            "--force",
            "--prompt",
            "--format",
            "--auto-login",
            "--prof",
            "--",
        ];
        const VALUES: &[&str] = &[
            "dev",
            "",
            "json",
            "text",
            "yaml-stream",
            "off",
            "on",
            "auto",
            "JSON",
            "process",
            "env",
            "fish",
            "windows-cmd",
            "sso",
            "login",
            "-1",
            "a b",
            "ünï",
        ];
        let mut rng = StdRng::seed_from_u64(20261130);
        let mut taken = 0;
        for _ in 0..20_000 {
            let mut words = vec!["awsso"];
            let leaf: &[&str] = match rng.random_range(0..6) {
                0 => &["sso", "login"],
                1 => &["sso", "status"],
                2 => &["status"],
                3 => &["configure", "export-credentials"],
                4 => &["login"],
                _ => &[],
            };
            let mut leaf = leaf.iter();
            for _ in 0..rng.random_range(0..7) {
                match rng.random_range(0..4) {
                    0 => words.extend(leaf.next()),
                    1 => words.push(VALUES[rng.random_range(0..VALUES.len())]),
                    _ => words.push(WORDS[rng.random_range(0..WORDS.len())]),
                }
            }
            words.extend(leaf);
            for _ in 0..rng.random_range(0..5) {
                words.push(WORDS[rng.random_range(0..WORDS.len())]);
                if rng.random_bool(0.6) {
                    words.push(VALUES[rng.random_range(0..VALUES.len())]);
                }
            }
            taken += usize::from(quick(&words).is_some());
            agree(&words);
        }
        // The generator must reach the quick reader often enough to mean something.
        assert!(taken > 1_000, "only {taken} lines read");
    }
}
