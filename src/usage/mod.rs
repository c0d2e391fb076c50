//! The command line as AWS CLI v2 reports it: parses the arguments with clap, and turns
//! every way they can be wrong into v2's text and exit code (252).
//!
//! v2 (≥2.34, `awscli/argparser.py`, `clidriver.py`, `errorhandler.py`, `errorformat.py`)
//! has three shapes, all reproduced here with `awsso` for `aws`:
//! - argparse errors (bad choice, missing value, missing command, unknown command): one
//!   `ParamValidation` report whose message is argparse's, a blank line, then the usage
//!   block, all inside the same `[ERROR]` line group;
//! - an unknown option of a generated service command (`sts get-caller-identity --x`):
//!   the usage block first, a blank line, then `awsso: [ERROR]: Unknown options: --x`
//!   (leftover arguments joined with `", "`);
//! - an unknown option of a customised command (`sso login`, `configure ...`):
//!   `An error occurred (ParamValidation): Unknown options: --x` (joined with `","`).
//!
//! The plain lines of the commands that make no request (`sso status`, `sso login
//! --if-needed`, `configure export-credentials`, ...) are read by `quick` without clap,
//! which would be most of their run; everything else, and every error, goes through clap.
//!
//! Like argparse, long options may be abbreviated to a unique prefix and repeating an
//! option keeps the last value. `--help` is clap's help text; `help` as the last word
//! (`awsso sso login help`) is v2's spelling of it.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgMatches, Command, CommandFactory, FromArgMatches};

use crate::cli::Cli;
use crate::context::Context;
use crate::error::Error;

mod quick;

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

/// v2's `USAGE` (argparser.py), with awsso's name.
pub const USAGE: &str = "usage: awsso [options] <command> <subcommand> [<subcommand> ...] [parameters]\nTo see help text, you can run:\n\n  awsso help\n  awsso <command> help\n  awsso <command> <subcommand> help\n";

/// The argument errors v2 reports as `ParamValidation` (252). argparse's own errors
/// (`error()`) end with a blank line and [`USAGE`], inside the same `[ERROR]` report.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    /// Missing positionals or required options (argparse's `error()`).
    #[error("the following arguments are required: {}\n\n{}", .names.join(", "), USAGE)]
    Required { names: Vec<String> },
    /// A word that is not one of the choices, with difflib's close matches
    /// (v2's `CLIArgParser._check_value`).
    #[error("{}\n\n{}", invalid_choice_message(dest, value, close), USAGE)]
    InvalidChoice {
        dest: String,
        value: String,
        close: Vec<String>,
    },
    #[error("argument {arg}: expected one argument\n\n{}", USAGE)]
    ExpectedOneArgument { arg: String },
    #[error("argument {arg}: invalid int value: '{value}'\n\n{}", USAGE)]
    InvalidInt { arg: String, value: String },
    #[error("argument {arg}: not allowed with argument {prior}\n\n{}", USAGE)]
    NotAllowedWith { arg: String, prior: String },
    /// Anything else clap rejects: the first line of its message.
    #[error("{message}\n\n{}", USAGE)]
    Other { message: String },
    /// `--profile` with no value, caught by v2's first pass (`FirstPassGlobalArgParser`),
    /// with that parser's generated usage line.
    #[error(
        "argument --profile: expected one argument\n\nusage: awsso [--profile PROFILE] [--debug]\n"
    )]
    ProfileWithoutValue,
    /// An unknown option of a command v2 customises (`sso login`, `configure ...`): no
    /// usage block, leftovers joined with `","`.
    #[error("Unknown options: {}", .options.join(","))]
    UnknownOptions { options: Vec<String> },
}

impl From<UsageError> for Error {
    fn from(e: UsageError) -> Self {
        Error::ParamValidation(Box::new(e))
    }
}

/// argparse's invalid-choice line, then `Maybe you meant:` and the close matches, if any.
fn invalid_choice_message(dest: &str, value: &str, close: &[String]) -> String {
    let mut message = format!("argument {dest}: Found invalid choice '{value}'\n");
    if !close.is_empty() {
        message.push_str("\nMaybe you meant:\n");
        for word in close {
            message.push_str("\n  * ");
            message.push_str(word);
        }
    }
    message
}

/// The usage block v2 prints before `Unknown options` of service commands
/// (`UnknownArgumentErrorHandler`): a blank line, `USAGE`, and a blank line; the error
/// line's own leading newline follows ([`Error::stderr_text`]).
pub fn usage_block() -> String {
    format!("\n{USAGE}\n")
}

/// What the arguments asked for: run this command line, or stop with this exit code
/// (help, version and usage errors are already printed).
pub enum Parsed {
    Run(Box<Cli>),
    Exit(u8),
}

/// The clap command with argparse's habits: unique prefixes of long options are accepted,
/// and a repeated option keeps its last value (global settings: clap applies them to each
/// subcommand as it builds it). Subcommands are deferred (`defer = true` in `cli.rs`): clap's
/// parser builds only the ones on the words' path, since building the whole tree is most of
/// awsso's start-up (docs/compatibility.md, "Static binary").
fn lazy_command() -> Command {
    Cli::command()
        .infer_long_args(true)
        .args_override_self(true)
}

/// [`lazy_command`] built in full, where an option's value may also start with a dash
/// (`--max-items -1`): which dash-led words argparse takes as values is decided before clap
/// sees them ([`Walk::missing_value`]). Set after the build, since deferred commands have no
/// arguments before it.
fn command() -> Command {
    fn tune(cmd: Command) -> Command {
        cmd.mut_args(|arg| {
            // `exec`'s command may not start with a dash (an unknown option is an error);
            // the words after it may.
            if arg.get_action().takes_values() && !arg.is_trailing_var_arg_set() {
                arg.allow_hyphen_values(true)
            } else {
                arg
            }
        })
        .mut_subcommands(tune)
    }
    let mut cmd = lazy_command();
    cmd.build();
    tune(cmd)
}

/// Parses `args` (program name first). Prints help, the version or the usage error itself.
pub fn parse(ctx: &Context, args: &[OsString]) -> Parsed {
    // The plain lines of the commands that make no request skip clap (`quick`'s doc).
    if let Some(cli) = quick::parse(args) {
        return Parsed::Run(Box::new(cli));
    }
    let args = help_word_to_flag(args);
    let words: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    // First clap alone, which builds only the commands on the path. When that parses, the
    // words hold no dash-led value (clap refuses those without allow_hyphen_values) and the
    // path is built, so the checks below see what they would on the full tree and the
    // matches stand. Anything else (help, errors, dash-led values) goes through the full
    // tree, where it reads as argparse reads it.
    let mut lazy = lazy_command();
    let (mut cmd, matches) = match lazy.try_get_matches_from_mut(&args) {
        Ok(matches) => (lazy, Some(matches)),
        Err(_) => (command(), None),
    };
    // v2 reads --profile and --debug in a first pass, before anything else
    // (`FirstPassGlobalArgParser`); its failure has argparse's own usage line. `exec`'s
    // command words are not awsso's.
    let walked = walk(&cmd, &words);
    if let Some(error) = first_pass_error(&words[..walked.own_words]) {
        return report(ctx, error);
    }
    // clap takes an unknown option before `exec`'s command as the command itself.
    if walked.own_words < words.len() && !walked.remaining.is_empty() {
        let unknown = UsageError::UnknownOptions {
            options: walked.remaining,
        };
        return report(ctx, unknown.into());
    }
    // argparse reads the words in order: an option whose value is missing (`--query -x`,
    // `--region` last) fails there, unless `--version`, an action that prints as soon as it
    // is seen, came first.
    let version_at = words
        .iter()
        .take_while(|w| *w != "--")
        .skip(1)
        .position(|w| w == "--version")
        .map(|i| i + 1);
    if let Some((at, arg)) = walk(&cmd, &words).missing_value {
        if version_at.is_none_or(|version| at < version) {
            return report(ctx, UsageError::ExpectedOneArgument { arg }.into());
        }
    }
    if version_at.is_some() {
        ctx.out(&format!("{}\n", version_line()));
        return Parsed::Exit(0);
    }
    let matches = match matches {
        Some(matches) => Ok(matches),
        None => cmd.try_get_matches_from_mut(&args),
    };
    match matches.and_then(|m: ArgMatches| Cli::from_arg_matches(&m)) {
        Ok(cli) => {
            if cli.command.is_none() && !cli.global.version {
                let missing = UsageError::Required {
                    names: vec!["command".to_owned()],
                };
                return report(ctx, missing.into());
            }
            Parsed::Run(Box::new(cli))
        }
        Err(e) => match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                ctx.out(&e.render().to_string());
                Parsed::Exit(0)
            }
            _ => report(ctx, usage_error(&cmd, &words, &e)),
        },
    }
}

/// How many of `words` (program name first) are awsso's own: all of them, except after
/// `exec`'s CMD, whose arguments are CMD's (completion offers nothing there).
pub fn own_words(words: &[String]) -> usize {
    if !words.iter().any(|w| w == "exec") {
        return words.len();
    }
    walk(&command(), words).own_words
}

fn report(ctx: &Context, error: Error) -> Parsed {
    ctx.err(&error.stderr_text());
    Parsed::Exit(error.exit_code())
}

/// v2 answers `help` as the only argument after a command path (`aws sso login help`,
/// `aws help`) with that command's help page; awsso shows clap's.
/// After `--`, or after `exec`'s CMD, the word is CMD's own (`awsso exec -- man help`).
fn help_word_to_flag(args: &[OsString]) -> Vec<OsString> {
    let mut args = args.to_vec();
    let n = args.len();
    let before = if n >= 2 { &args[1..n - 1] } else { &[] };
    let commands_own = before.iter().any(|a| a == "--")
        || before
            .iter()
            .position(|a| a == "exec")
            .is_some_and(|at| at + 1 < before.len());
    if n >= 2
        && args[n - 1] == "help"
        && !commands_own
        && (n == 2 || !args[n - 2].to_string_lossy().starts_with('-'))
    {
        args[n - 1] = OsString::from("--help");
    }
    args
}

/// `--profile` (or a prefix of it: that parser knows only `--profile` and `--debug`) with no
/// value, checked before everything else as v2 does (`awscli/argparser.py`
/// `FirstPassGlobalArgParser`, run by `clidriver.py` `create_clidriver`). Its error carries
/// that parser's own generated usage line, not the main parser's usage block: argparse's
/// `format_usage()` of a parser built without `usage=USAGE`.
fn first_pass_error(words: &[String]) -> Option<Error> {
    let mut iter = words.iter().skip(1).take_while(|w| *w != "--").peekable();
    while let Some(word) = iter.next() {
        let profile = word.len() > 2 && "--profile".starts_with(word.as_str());
        if profile && iter.peek().is_none_or(|next| looks_like_option(next)) {
            return Some(UsageError::ProfileWithoutValue.into());
        }
    }
    None
}

/// argparse's view of a word that is no known option (`_parse_optional`, Python 3.14 as v2
/// bundles it): dash-led means an option, except a lone `-`, a negative number (`-\.?\d`
/// at the start: `-1`, `-.5`, `-1x`) and a word with a space, which are values.
fn looks_like_option(word: &str) -> bool {
    let Some(rest) = word.strip_prefix('-').filter(|rest| !rest.is_empty()) else {
        return false;
    };
    let mut chars = rest.chars();
    let negative_number = match chars.next() {
        Some('.') => chars.next().is_some_and(|c| c.is_ascii_digit()),
        Some(c) => c.is_ascii_digit(),
        None => false,
    };
    !negative_number && !word.contains(' ')
}

/// Where the words lead in the command tree, and what is left over: argparse's
/// `remaining`, what v2 lists after `Unknown options:`.
struct Walk<'a> {
    /// The deepest command reached.
    command: &'a Command,
    /// Its names from the top (`["sso", "login"]`).
    path: Vec<String>,
    remaining: Vec<String>,
    /// The first positional word that is not a subcommand of a command that has some.
    bad_subcommand: Option<String>,
    /// The first option that takes a value but is followed by nothing, or by a word argparse
    /// reads as an option (`--query -x`, `--region --`): its position and name.
    missing_value: Option<(usize, String)>,
    /// How many words from the start are awsso's: all of them, except for `exec`, whose
    /// command and its arguments follow.
    own_words: usize,
}

fn walk<'a>(top: &'a Command, words: &[String]) -> Walk<'a> {
    let mut walk = Walk {
        command: top,
        path: Vec::new(),
        remaining: Vec::new(),
        bad_subcommand: None,
        missing_value: None,
        own_words: words.len(),
    };
    let mut i = 1;
    let mut only_positionals = false;
    while i < words.len() {
        let word = &words[i];
        i += 1;
        if only_positionals {
            walk.remaining.push(word.clone());
            continue;
        }
        // `exec [--] CMD ARGS...`: the words from CMD on are CMD's, not awsso's.
        let takes_a_command = walk
            .command
            .get_positionals()
            .any(|arg| arg.is_trailing_var_arg_set());
        if takes_a_command && (word == "--" || !looks_like_option(word)) {
            walk.own_words = i - 1;
            break;
        }
        if word == "--" {
            only_positionals = true;
            continue;
        }
        if let Some(long) = word.strip_prefix("--") {
            let (name, inline_value) = match long.split_once('=') {
                Some((name, _)) => (name, true),
                None => (long, false),
            };
            match find_long(walk.command, name) {
                Some(arg) if arg.get_action().takes_values() && !inline_value => {
                    match words.get(i) {
                        Some(value) if !looks_like_option(value) => i += 1,
                        _ => {
                            if walk.missing_value.is_none() {
                                let long = arg.get_long().unwrap_or(name);
                                walk.missing_value = Some((i - 1, format!("--{long}")));
                            }
                        }
                    }
                }
                Some(_) => {}
                None => walk.remaining.push(word.clone()),
            }
            continue;
        }
        if looks_like_option(word) {
            if word != "-h" {
                walk.remaining.push(word.clone());
            }
            continue;
        }
        let has_subcommands = walk.command.get_subcommands().next().is_some();
        match walk.command.find_subcommand(word) {
            Some(sub) if has_subcommands => {
                walk.path.push(sub.get_name().to_owned());
                walk.command = sub;
            }
            _ => {
                if has_subcommands && walk.bad_subcommand.is_none() {
                    walk.bad_subcommand = Some(word.clone());
                }
                walk.remaining.push(word.clone());
            }
        }
    }
    walk
}

/// A long option by name or unique prefix (argparse's `allow_abbrev`).
fn find_long<'a>(cmd: &'a Command, name: &str) -> Option<&'a clap::Arg> {
    let longs = || {
        cmd.get_arguments().map(|a| {
            let mut names: Vec<&str> = a.get_long().into_iter().collect();
            names.extend(a.get_all_aliases().unwrap_or_default());
            (a, names)
        })
    };
    if let Some((arg, _)) = longs().find(|(_, names)| names.contains(&name)) {
        return Some(arg);
    }
    let mut matches = longs().filter(|(_, names)| names.iter().any(|n| n.starts_with(name)));
    match (matches.next(), matches.next()) {
        (Some((arg, _)), None) if !name.is_empty() => Some(arg),
        _ => None,
    }
}

/// argparse's name for the positional a command level is missing or got wrong: the main
/// parser's `command`, a service's `operation`, a customised command's `subcommand`.
fn positional_dest(path: &[String]) -> &'static str {
    match path.first().map(String::as_str) {
        None => "command",
        Some("sso" | "sts") => "operation",
        Some(_) => "subcommand",
    }
}

/// Commands v2 customises (`BasicCommand`): their unknown options are a plain
/// ParamValidation error. Everything else is a generated service operation.
fn is_customised(path: &[String]) -> bool {
    match path.first().map(String::as_str) {
        Some(
            "configure" | "login" | "logout" | "console" | "exec" | "serve" | "status"
            | "completion",
        ) => true,
        Some("sso") => matches!(
            path.get(1).map(String::as_str),
            Some("login" | "logout" | "status")
        ),
        _ => false,
    }
}

/// argparse's invalid-choice report, with the close matches difflib finds.
fn invalid_choice(dest: &str, value: &str, choices: &[String]) -> UsageError {
    UsageError::InvalidChoice {
        dest: dest.to_owned(),
        value: value.to_owned(),
        close: close_matches(value, choices),
    }
}

fn context_string(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        _ => None,
    }
}

/// The option's name alone from clap's `--output <FORMAT>`; a positional's from `<CMD>...`.
fn option_name(rendered: &str) -> String {
    let name = rendered.split([' ', '=']).next().unwrap_or_default();
    match name.strip_prefix('<') {
        Some(positional) => positional.trim_end_matches("...").trim_end_matches('>'),
        None => name,
    }
    .to_owned()
}

fn subcommand_choices(cmd: &Command, path: &[String]) -> Vec<String> {
    let mut choices: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    // v2's main and service command tables include `help`; a customised command's does not.
    if positional_dest(path) == "subcommand" {
        choices.retain(|c| c != "help");
    } else if !choices.iter().any(|c| c == "help") {
        choices.push("help".to_owned());
    }
    choices
}

/// Turns clap's complaint about `words` into v2's error.
fn usage_error(top: &Command, words: &[String], e: &clap::Error) -> Error {
    let walk = walk(top, words);
    let missing_positional = || UsageError::Required {
        names: vec![positional_dest(&walk.path).to_owned()],
    };
    let command_incomplete = walk.command.get_subcommands().next().is_some();
    match e.kind() {
        ErrorKind::InvalidSubcommand => {
            let value = walk
                .bad_subcommand
                .clone()
                .or_else(|| context_string(e, ContextKind::InvalidSubcommand))
                .unwrap_or_default();
            invalid_choice(
                positional_dest(&walk.path),
                &value,
                &subcommand_choices(walk.command, &walk.path),
            )
            .into()
        }
        ErrorKind::UnknownArgument if command_incomplete => {
            if let Some(value) = &walk.bad_subcommand {
                return invalid_choice(
                    positional_dest(&walk.path),
                    value,
                    &subcommand_choices(walk.command, &walk.path),
                )
                .into();
            }
            missing_positional().into()
        }
        ErrorKind::UnknownArgument => {
            let mut remaining = walk.remaining.clone();
            if remaining.is_empty() {
                remaining.extend(context_string(e, ContextKind::InvalidArg));
            }
            if is_customised(&walk.path) {
                UsageError::UnknownOptions { options: remaining }.into()
            } else {
                Error::Usage {
                    message: format!("Unknown options: {}", remaining.join(", ")),
                    usage: Some(usage_block()),
                }
            }
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            missing_positional().into()
        }
        ErrorKind::InvalidValue => {
            let arg = option_name(&context_string(e, ContextKind::InvalidArg).unwrap_or_default());
            let value = context_string(e, ContextKind::InvalidValue).unwrap_or_default();
            let choices: Vec<String> = match e.get(ContextKind::ValidValue) {
                Some(ContextValue::Strings(v)) => v.clone(),
                _ => Vec::new(),
            };
            if value.is_empty() {
                UsageError::ExpectedOneArgument { arg }.into()
            } else {
                invalid_choice(&arg, &value, &choices).into()
            }
        }
        ErrorKind::ValueValidation => {
            let arg = option_name(&context_string(e, ContextKind::InvalidArg).unwrap_or_default());
            let value = context_string(e, ContextKind::InvalidValue).unwrap_or_default();
            UsageError::InvalidInt { arg, value }.into()
        }
        ErrorKind::ArgumentConflict => {
            let arg = option_name(&context_string(e, ContextKind::InvalidArg).unwrap_or_default());
            let prior = option_name(&context_string(e, ContextKind::PriorArg).unwrap_or_default());
            UsageError::NotAllowedWith { arg, prior }.into()
        }
        ErrorKind::MissingRequiredArgument => {
            let names: Vec<String> = match e.get(ContextKind::InvalidArg) {
                Some(ContextValue::Strings(v)) => v.iter().map(|a| option_name(a)).collect(),
                Some(ContextValue::String(s)) => vec![option_name(s)],
                _ => Vec::new(),
            };
            UsageError::Required { names }.into()
        }
        _ => {
            let rendered = e.render().to_string();
            let first = rendered
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("error: ")
                .to_owned();
            UsageError::Other { message: first }.into()
        }
    }
}

/// Python's `difflib.get_close_matches(word, possibilities, n=3, cutoff=0.8)`: the
/// possibilities whose `SequenceMatcher` ratio with `word` is at least 0.8, best first
/// (ties: the greater string first, as `heapq.nlargest` orders tuples).
pub fn close_matches(word: &str, possibilities: &[String]) -> Vec<String> {
    let b: Vec<char> = word.chars().collect();
    let mut scored: Vec<(f64, &String)> = possibilities
        .iter()
        .filter_map(|x| {
            let a: Vec<char> = x.chars().collect();
            let ratio = sequence_ratio(&a, &b);
            (ratio >= 0.8).then_some((ratio, x))
        })
        .collect();
    scored.sort_by(|l, r| r.0.total_cmp(&l.0).then_with(|| r.1.cmp(l.1)));
    scored.into_iter().take(3).map(|(_, x)| x.clone()).collect()
}

/// `SequenceMatcher(None, a, b).ratio()` for short sequences (no junk, no autojunk):
/// 2·M / (|a| + |b|), M the size of difflib's matching blocks.
fn sequence_ratio(a: &[char], b: &[char]) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    2.0 * matching_size(a, b, 0, a.len(), 0, b.len()) as f64 / total as f64
}

/// difflib's recursive matching: the longest common block (earliest in `a`, then in `b`),
/// then the same on each side of it.
fn matching_size(a: &[char], b: &[char], alo: usize, ahi: usize, blo: usize, bhi: usize) -> usize {
    let (mut best_i, mut best_j, mut best_size) = (alo, blo, 0usize);
    // j2len[j] = length of the match ending at a[i-1], b[j-1].
    let mut j2len = vec![0usize; b.len() + 1];
    for (i, ai) in a.iter().enumerate().take(ahi).skip(alo) {
        let mut next = vec![0usize; b.len() + 1];
        for j in blo..bhi {
            if *ai == b[j] {
                let k = j2len[j] + 1;
                next[j + 1] = k;
                if k > best_size {
                    best_i = i + 1 - k;
                    best_j = j + 1 - k;
                    best_size = k;
                }
            }
        }
        j2len = next;
    }
    if best_size == 0 {
        return 0;
    }
    best_size
        + matching_size(a, b, alo, best_i, blo, best_j)
        + matching_size(a, b, best_i + best_size, ahi, best_j + best_size, bhi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn close_matches_follow_difflib() {
        let formats = strings(&["json", "text", "table", "yaml", "yaml-stream", "off"]);
        assert_eq!(close_matches("jsn", &formats), ["json"]);
        assert_eq!(close_matches("yml", &formats), ["yaml"]);
        assert!(close_matches("none", &formats).is_empty());
        let commands = strings(&["configure", "sso", "sts", "login", "logout", "help"]);
        // difflib: ratio("sso", "ss") = 0.8, ratio("sts", "ss") = 0.8; ties by name, greater first.
        assert_eq!(close_matches("ss", &commands), ["sts", "sso"]);
        assert_eq!(close_matches("loggin", &commands), ["login"]);
    }

    #[test]
    fn argparse_errors_end_with_the_usage_block() {
        let err = Error::from(UsageError::Required {
            names: strings(&["--account-id", "--access-token"]),
        });
        assert_eq!(
            err.to_string(),
            format!("An error occurred (ParamValidation): the following arguments are required: --account-id, --access-token\n\n{USAGE}")
        );
        assert_eq!(err.exit_code(), 252);
        let choice = invalid_choice("--output", "jsn", &strings(&["json", "text"]));
        assert_eq!(
            choice.to_string(),
            format!("argument --output: Found invalid choice 'jsn'\n\nMaybe you meant:\n\n  * json\n\n{USAGE}")
        );
        let choice = invalid_choice("command", "zzz", &strings(&["sso"]));
        assert_eq!(
            choice.to_string(),
            format!("argument command: Found invalid choice 'zzz'\n\n\n{USAGE}")
        );
        let unknown = UsageError::UnknownOptions {
            options: strings(&["--x", "y"]),
        };
        assert_eq!(unknown.to_string(), "Unknown options: --x,y");
    }

    #[test]
    fn trailing_help_word_is_the_help_flag() {
        let to = |v: &[&str]| {
            help_word_to_flag(&v.iter().map(OsString::from).collect::<Vec<_>>())
                .into_iter()
                .map(|s| s.into_string().unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(to(&["awsso", "help"]), ["awsso", "--help"]);
        assert_eq!(
            to(&["awsso", "sso", "login", "help"]),
            ["awsso", "sso", "login", "--help"]
        );
        assert_eq!(
            to(&["awsso", "sso", "login", "--sso-session", "help"]),
            ["awsso", "sso", "login", "--sso-session", "help"]
        );
        assert_eq!(to(&["awsso"]), ["awsso"]);
        assert_eq!(to(&["awsso", "exec", "help"]), ["awsso", "exec", "--help"]);
        for commands in [
            &["awsso", "exec", "man", "help"][..],
            &["awsso", "exec", "--", "help"],
            &["awsso", "exec", "--profile", "p", "--", "man", "help"],
        ] {
            assert_eq!(to(commands), commands, "{commands:?}");
        }
    }

    #[test]
    fn a_run_builds_only_the_commands_on_its_path() {
        let mut cmd = lazy_command();
        cmd.try_get_matches_from_mut(["awsso", "--region", "sso", "configure", "list-profiles"])
            .unwrap();
        let subcommands = |name: &str| cmd.find_subcommand(name).unwrap().get_subcommands().count();
        assert!(subcommands("configure") > 0);
        assert_eq!(subcommands("sso"), 0, "named only as --region's value");
        let has_format = |cmd: &Command| cmd.get_arguments().any(|a| a.get_id() == "format");
        let configure = cmd.find_subcommand("configure").unwrap();
        assert!(!has_format(
            configure.find_subcommand("export-credentials").unwrap()
        ));
        let mut full = command();
        let configure = full.find_subcommand_mut("configure").unwrap();
        assert!(has_format(
            configure.find_subcommand("export-credentials").unwrap()
        ));
    }

    #[test]
    fn walk_finds_path_and_leftovers() {
        let cmd = command();
        let words = strings(&[
            "awsso",
            "--bogus",
            "sso",
            "login",
            "--prof",
            "p",
            "x",
            "--sso-session=s",
            "--no",
        ]);
        let w = walk(&cmd, &words);
        assert_eq!(w.path, ["sso", "login"]);
        assert_eq!(w.remaining, ["--bogus", "x", "--no"]);
        assert_eq!(w.missing_value, None);
    }

    #[test]
    fn dash_led_words_are_read_as_argparse_reads_them() {
        for option in ["-x", "--query", "--", "-h", "--x=1 2", "-a1"] {
            assert_eq!(looks_like_option(option), !option.contains(' '), "{option}");
        }
        for value in ["-1", "-1x", "-.5", "-0.5", "-", "", "x", "- x", "-x y"] {
            assert!(!looks_like_option(value), "{value}");
        }
        assert!(looks_like_option("-.x"));
    }

    #[test]
    fn words_after_exec_s_command_are_the_command_s() {
        let cmd = command();
        let words = strings(&["awsso", "exec", "--profile", "p", "aws", "--query", "--x"]);
        let w = walk(&cmd, &words);
        assert_eq!(w.path, ["exec"]);
        assert_eq!(w.missing_value, None);
        assert_eq!(w.remaining, Vec::<String>::new());
        assert_eq!(w.own_words, 4);
        let words = strings(&["awsso", "exec", "--bogus", "aws", "--x"]);
        assert_eq!(walk(&cmd, &words).remaining, ["--bogus"]);
        let words = strings(&["awsso", "exec", "--", "printf", "--profile"]);
        assert_eq!(walk(&cmd, &words).own_words, 2);
        let words = strings(&["awsso", "sso", "login", "--profile"]);
        assert_eq!(walk(&cmd, &words).own_words, 4);
    }

    #[test]
    fn options_missing_their_value_are_found_in_order() {
        let cmd = command();
        let missing = |words: &[&str]| walk(&cmd, &strings(words)).missing_value;
        let list = ["awsso", "sso", "list-accounts"];
        let with = |extra: &[&'static str]| [&list[..], extra].concat();
        assert_eq!(
            missing(&with(&["--query", "-x"])),
            Some((3, "--query".to_owned()))
        );
        assert_eq!(
            missing(&with(&[
                "--max-items",
                "-1",
                "--page-size",
                "-.5",
                "--query",
                "- x"
            ])),
            None
        );
        assert_eq!(
            missing(&with(&["--page-size", "1", "--starting-token"])),
            Some((5, "--starting-token".to_owned()))
        );
        // Abbreviated, before the command, and before `--`.
        assert_eq!(
            missing(&["awsso", "--que", "--", "sso"]),
            Some((1, "--query".to_owned()))
        );
        assert_eq!(
            missing(&with(&["--region", "--output", "json"])),
            Some((3, "--region".to_owned()))
        );
    }

    #[test]
    fn a_bare_profile_fails_in_the_first_pass() {
        let first_pass = |words: &[&str]| first_pass_error(&strings(words)).map(|e| e.to_string());
        let expected = Some(
            "An error occurred (ParamValidation): argument --profile: expected one argument\n\nusage: awsso [--profile PROFILE] [--debug]\n"
                .to_owned(),
        );
        assert_eq!(
            first_pass(&["awsso", "sso", "login", "--profile"]),
            expected
        );
        assert_eq!(first_pass(&["awsso", "--prof", "--debug"]), expected);
        assert_eq!(first_pass(&["awsso", "--p", "--", "x"]), expected);
        assert_eq!(first_pass(&["awsso", "--profile", "-1"]), None);
        assert_eq!(first_pass(&["awsso", "--profile", ""]), None);
        assert_eq!(first_pass(&["awsso", "--profile=", "--debug"]), None);
        assert_eq!(first_pass(&["awsso", "--", "--profile"]), None);
    }
}
