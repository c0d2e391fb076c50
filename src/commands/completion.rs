//! TAB completion: `awsso completion SHELL` prints the shell code that registers it, and the
//! registered function calls awsso back at each TAB (`COMPLETE=SHELL awsso -- WORDS...`,
//! clap_complete's dynamic protocol), which [`complete_if_asked`] answers first thing in
//! `main`.
//!
//! Commands, subcommands and flags come from the clap tree, so new commands complete without
//! a change here. Values: `--profile` from the profiles of the config and credentials files
//! (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE` honoured), `--sso-session` from the
//! `[sso-session]` names, `--region` and `--sso-region` from [`crate::regions::ALL`], enumerations
//! (`--output`, `--format`, ...) from their values. The files are read with the same reader
//! as every command (`config::ConfigFiles`), never through a `Session`, so a missing or
//! broken profile never stops a completion: an unreadable file just gives no candidates.

use std::ffi::OsStr;
use std::path::PathBuf;

use clap::{Arg, Command, CommandFactory};
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
use clap_complete::env::{CompleteEnv, Shells};

use crate::cli::{Cli, CompletionArgs};
use crate::config::ConfigFiles;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::settings::Session;

/// The variable that carries the shell's name into a completion request.
const VAR: &str = "COMPLETE";

/// Answers a completion request and exits when `COMPLETE` names a shell; returns at once
/// otherwise (one variable lookup: no clap tree is built, no file read).
pub fn complete_if_asked() {
    match std::env::var_os(VAR) {
        Some(shell) if !shell.is_empty() && shell != "0" => {
            if completes_exec_s_command() {
                // No candidates: the shell falls back to its own (file names).
                std::process::exit(0);
            }
            let words = request_words();
            CompleteEnv::with_factory(move || command_for(&words))
                .var(VAR)
                .complete()
        }
        _ => {}
    }
}

/// Whether the word being completed is `exec`'s CMD or one of its arguments, which are not
/// awsso's: clap_complete would offer awsso's flags there (`awsso exec -- ls --<TAB>`). The
/// request is `awsso -- awsso WORDS...`; bash, zsh and elvish say which word is completed
/// (`_CLAP_COMPLETE_INDEX`), fish and PowerShell complete the last one. Right after `exec`,
/// a `--` being typed still completes awsso's flags.
fn completes_exec_s_command() -> bool {
    let words = request_words();
    if words.is_empty() {
        return false;
    }
    let index = std::env::var("_CLAP_COMPLETE_INDEX")
        .ok()
        .and_then(|i| i.parse::<usize>().ok())
        .unwrap_or(words.len() - 1)
        .min(words.len() - 1);
    let own = crate::usage::own_words(&words);
    index > own || (index == own && words[index] != "--")
}

/// The words of a completion request, `awsso -- awsso WORDS...`, from the program name on.
fn request_words() -> Vec<String> {
    std::env::args_os()
        .skip_while(|a| a != "--")
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect()
}

/// The clap tree with value candidates attached, whole. The tree is built first:
/// subcommands define their arguments on build, and each has its own copy of the global
/// ones by then.
pub fn command() -> Command {
    let mut cmd = Cli::command();
    cmd.build();
    with_candidates(cmd, &|_| true)
}

/// [`command`] for a TAB on `words`: a command none of the words names can be neither
/// completed into nor through, so it stays a stub with its name and description (what a
/// list of subcommands shows). Building and copying the whole tree was most of a TAB.
fn command_for(words: &[String]) -> Command {
    let mut cmd = only_named(Cli::command(), words);
    cmd.build();
    with_candidates(cmd, &|name| words.iter().any(|w| w == name))
}

/// `cmd` with each subcommand that no word names reduced to its name, description, place in
/// the list and visibility. Deferred subcommands show their own subcommands only once built, and are
/// then kept whole.
fn only_named(cmd: Command, words: &[String]) -> Command {
    cmd.mut_subcommands(|sub| {
        if words.iter().any(|w| w == sub.get_name()) {
            only_named(sub, words)
        } else {
            let stub = Command::new(sub.get_name().to_owned())
                .hide(sub.is_hide_set())
                .display_order(sub.get_display_order());
            match sub.get_about() {
                Some(about) => stub.about(about.clone()),
                None => stub,
            }
        }
    })
}

/// `cmd` and those of its subcommands `named` picks, with value candidates attached. A
/// global option gets its candidates in each command that has a copy of it; moving it to the
/// end of that command's options, as `mut_arg` does, also lists a command's own flags first.
fn with_candidates(cmd: Command, named: &dyn Fn(&str) -> bool) -> Command {
    let cmd = add(cmd, "profile", profiles);
    let cmd = add(cmd, "region", regions);
    let cmd = add(cmd, "sso_session", sessions);
    let cmd = add(cmd, "sso_region", regions);
    cmd.mut_subcommands(|sub| {
        if named(sub.get_name()) {
            with_candidates(sub, named)
        } else {
            sub
        }
    })
}

/// Attaches `candidates` to the argument `id` of `cmd`, if it has one.
fn add(cmd: Command, id: &str, candidates: fn() -> Vec<CompletionCandidate>) -> Command {
    if cmd.get_arguments().any(|a| a.get_id() == id) {
        cmd.mut_arg(id, |arg: Arg| arg.add(ArgValueCandidates::new(candidates)))
    } else {
        cmd
    }
}

/// The config and credentials files, or nothing when they cannot be read. Left to the
/// process's exit, which follows the answer, as a `Session` leaves them (`settings`):
/// freeing ten thousand profiles one by one was a sixth of a TAB on such a config.
fn files() -> Option<&'static ConfigFiles> {
    let files = ConfigFiles::load(&Context::from_process()).ok()?;
    Some(Box::leak(Box::new(files)))
}

fn profiles() -> Vec<CompletionCandidate> {
    files()
        .map(|f| {
            f.merged
                .profiles
                .keys()
                .map(CompletionCandidate::new)
                .collect()
        })
        .unwrap_or_default()
}

fn sessions() -> Vec<CompletionCandidate> {
    files()
        .map(|f| {
            f.merged
                .sso_sessions
                .keys()
                .map(CompletionCandidate::new)
                .collect()
        })
        .unwrap_or_default()
}

fn regions() -> Vec<CompletionCandidate> {
    crate::regions::ALL
        .iter()
        .map(CompletionCandidate::new)
        .collect()
}

/// Why the registration could not be printed.
#[derive(Debug, thiserror::Error)]
pub enum CompletionError {
    #[error("Unable to write the {shell} completion script: {source}")]
    Write {
        shell: &'static str,
        source: std::io::Error,
    },
}

impl From<CompletionError> for Error {
    fn from(e: CompletionError) -> Self {
        Error::Other(Box::new(e))
    }
}

/// `awsso completion SHELL`: the registration `COMPLETE=SHELL awsso` prints, as it is
/// (`--output` and `--query` do not apply). `program` is how awsso was started: a bare name
/// is looked up in `PATH` at each TAB, a path is made absolute (clap_complete's rule).
pub fn run(session: &Session, args: &CompletionArgs, program: &OsStr) -> Result<()> {
    let shell = args.shell.name();
    let completer = completer_path(program);
    let mut script = Vec::new();
    let write = Shells::builtins()
        .completer(shell)
        .ok_or_else(|| std::io::Error::other("no such shell"))
        .and_then(|c| c.write_registration(VAR, "awsso", "awsso", &completer, &mut script));
    write.map_err(|source| CompletionError::Write { shell, source })?;
    session.ctx.out(&String::from_utf8_lossy(&script));
    Ok(())
}

fn completer_path(program: &OsStr) -> String {
    let mut path = PathBuf::from(program);
    if path.components().count() > 1 {
        if let Ok(dir) = std::env::current_dir() {
            path = dir.join(path);
        }
    }
    path.to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates_of(cmd: &Command, path: &[&str], id: &str) -> bool {
        let mut cmd = cmd;
        for name in path {
            cmd = cmd.find_subcommand(name).unwrap();
        }
        let arg = cmd.get_arguments().find(|a| a.get_id() == id).unwrap();
        arg.get::<ArgValueCandidates>().is_some()
    }

    /// Every TAB answered from the reduced tree is the one the whole tree gives.
    #[test]
    fn the_reduced_tree_completes_as_the_whole_one() {
        let lines: &[&str] = &[
            "awsso ",
            "awsso s",
            "awsso --profile p",
            "awsso --region eu-",
            "awsso --output ",
            "awsso sso ",
            "awsso sso l",
            "awsso sso login --",
            "awsso sso login --sso-session ",
            "awsso sso login --profile ",
            "awsso --profile sso ",
            "awsso configure ",
            "awsso configure sso --sso-region us-",
            "awsso configure export-credentials --format ",
            "awsso sts get-caller-identity --",
            "awsso status --",
            "awsso logout --sso-session ",
            "awsso exec --",
            "awsso completion ",
            "awsso sso status --output t",
        ];
        let shown = |candidates: Vec<CompletionCandidate>| -> Vec<String> {
            candidates
                .iter()
                .map(|c| {
                    let help = c.get_help().map(|h| h.to_string()).unwrap_or_default();
                    format!("{:?} {help} {}", c.get_value(), c.is_hide_set())
                })
                .collect()
        };
        let mut answered = 0;
        for line in lines {
            let words: Vec<String> = line.split(' ').map(str::to_owned).collect();
            let args: Vec<std::ffi::OsString> = words.iter().map(Into::into).collect();
            let index = args.len() - 1;
            let whole = clap_complete::engine::complete(&mut command(), args.clone(), index, None);
            let reduced =
                clap_complete::engine::complete(&mut command_for(&words), args, index, None);
            let whole = shown(whole.unwrap());
            answered += usize::from(!whole.is_empty());
            assert_eq!(shown(reduced.unwrap()), whole, "{line}");
        }
        // Profiles and sessions depend on the files of the machine; the rest may not be empty.
        assert!(
            answered >= lines.len() - 4,
            "only {answered} lines had candidates"
        );
    }

    #[test]
    fn value_candidates_reach_every_command_that_takes_the_value() {
        let mut cmd = command();
        cmd.build();
        assert!(candidates_of(&cmd, &[], "profile"));
        assert!(candidates_of(&cmd, &["sso", "status"], "profile"));
        assert!(candidates_of(&cmd, &["sso", "login"], "region"));
        assert!(candidates_of(&cmd, &["sso", "login"], "sso_session"));
        assert!(candidates_of(&cmd, &["logout"], "sso_session"));
        assert!(candidates_of(&cmd, &["configure", "sso"], "sso_region"));
        assert!(candidates_of(
            &cmd,
            &["sso", "list-accounts"],
            "sso_session"
        ));
    }

    #[test]
    fn regions_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for region in crate::regions::ALL {
            assert!(seen.insert(region), "{region} twice");
            assert!(
                region
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{region}"
            );
        }
        assert!(
            crate::regions::ALL.contains(&"us-east-1")
                && crate::regions::ALL.contains(&"cn-north-1")
        );
    }

    #[test]
    fn a_path_to_awsso_is_made_absolute_and_a_name_is_kept() {
        assert_eq!(completer_path(OsStr::new("awsso")), "awsso");
        let relative = completer_path(OsStr::new("./target/awsso"));
        assert!(relative.starts_with('/') && relative.ends_with("target/awsso"));
        assert_eq!(completer_path(OsStr::new("/opt/awsso")), "/opt/awsso");
    }
}
