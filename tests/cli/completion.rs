//! TAB completion in real shells: the script `awsso completion SHELL` prints is loaded into
//! bash (its function driven with `COMP_WORDS`/`COMP_CWORD`, as bash's `complete -F` calls
//! it), zsh (compinit loaded, the registered function called with zsh's `words`/`CURRENT`)
//! and fish (`complete -C`, fish's own completion query). A shell that is not installed is
//! said in one line and its cases do not run (`scripts/test` installs zsh and fish on CI).
//! Also: the man pages generated from the same clap tree.

use std::path::{Path, PathBuf};

use crate::support::*;

const CONFIG: &str = "\
[default]
region = us-east-1

[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnly

[profile dev-admin]
sso_session = corp

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1

[sso-session lab]
sso_start_url = https://lab.awsapps.com/start
sso_region = eu-west-1
";

/// A shell from PATH, or None with one line saying its cases are skipped.
fn shell(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        eprintln!("{name} is not installed: its completion cases do not run");
    }
    found
}

fn sandbox() -> Sandbox {
    let home = Sandbox::new();
    home.config(CONFIG);
    home.credentials("[ci]\naws_access_key_id = AKIA\n[dev]\nregion = eu-west-1\n");
    home
}

/// Single-quotes a word for a shell script.
fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// What bash offers when TAB is pressed after `words` (the last one is the word being
/// completed; "" for a new word).
fn bash_complete(bash: &Path, home: &Sandbox, words: &[&str]) -> Vec<String> {
    let awsso = awsso_bin().display().to_string();
    let words_array: Vec<String> = std::iter::once("awsso")
        .chain(words.iter().copied())
        .map(quote)
        .collect();
    let script = format!(
        r#"set -u
source <({awsso} completion bash)
COMP_WORDS=({words})
COMP_CWORD={cword}
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
COMP_TYPE=9
_clap_complete_awsso awsso "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
for c in "${{COMPREPLY[@]}}"; do printf '%s\n' "$c"; done
"#,
        awsso = quote(&awsso),
        words = words_array.join(" "),
        cword = words.len(),
    );
    let out = home.run_program(bash, &["--norc", "--noprofile", "-c", &script]);
    out.assert_code(0);
    assert_eq!(out.stderr, "", "bash said something");
    out.stdout.lines().map(str::to_owned).collect()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn bash_completes_commands_flags_and_values_from_the_files() {
    let Some(bash) = shell("bash") else { return };
    let home = sandbox();
    let complete = |words: &[&str]| bash_complete(&bash, &home, words);
    assert_eq!(
        complete(&[""]),
        strings(&[
            "configure",
            "sso",
            "sts",
            "login",
            "logout",
            "get-caller-identity",
            "console",
            "exec",
            "serve",
            "status",
            "completion",
            "help",
            "--profile",
            "--region",
            "--output",
            "--query",
            "--debug",
            "--endpoint-url",
            "--no-verify-ssl",
            "--ca-bundle",
            "--cli-read-timeout",
            "--cli-connect-timeout",
            "--color",
            "--no-paginate",
            "--no-cli-pager",
            "--version",
            "--help",
        ])
    );
    assert_eq!(complete(&["sso", "st"]), strings(&["status"]));
    assert_eq!(
        complete(&["sso", "status", "--p"]),
        strings(&["--profile", "--prompt"])
    );
    // Profiles of both files, in order, once each.
    assert_eq!(
        complete(&["--profile", ""]),
        strings(&["default", "dev", "dev-admin", "ci"])
    );
    assert_eq!(
        complete(&["sso", "login", "--profile", "dev"]),
        strings(&["dev", "dev-admin"])
    );
    assert_eq!(
        complete(&["status", "--sso-session", ""]),
        strings(&["corp", "lab"])
    );
    assert_eq!(
        complete(&["logout", "--sso-session", "l"]),
        strings(&["lab"])
    );
    assert_eq!(
        complete(&["sts", "get-caller-identity", "--output", "y"]),
        strings(&["yaml", "yaml-stream"])
    );
    assert_eq!(
        complete(&["--region", "eu-west-"]),
        strings(&["eu-west-1", "eu-west-2", "eu-west-3"])
    );
    assert_eq!(complete(&["completion", "p"]), strings(&["powershell"]));
    assert_eq!(
        complete(&["configure", "export-credentials", "--a"]),
        strings(&["--auto-login"])
    );
    assert_eq!(
        complete(&["serve", "--p"]),
        strings(&["--port", "--profile"])
    );
}

/// `exec`'s own flags complete before CMD; CMD and its arguments are not awsso's, so awsso
/// offers nothing there (bash then falls back to its own completion).
#[test]
fn bash_completion_leaves_exec_s_command_to_the_shell() {
    let Some(bash) = shell("bash") else { return };
    let home = sandbox();
    let complete = |words: &[&str]| bash_complete(&bash, &home, words);
    assert_eq!(complete(&["exec", "--s"]), strings(&["--server"]));
    assert_eq!(
        complete(&["exec", "--auto-login", "--profile", "dev-"]),
        strings(&["dev-admin"])
    );
    assert!(complete(&["exec", "--"]).contains(&"--server".to_owned()));
    let none = Vec::<String>::new();
    assert_eq!(complete(&["exec", "l"]), none);
    assert_eq!(complete(&["exec", "--", ""]), none);
    assert_eq!(complete(&["exec", "ls", "--"]), none);
    assert_eq!(complete(&["exec", "--server", "--", "aws", "--pro"]), none);
    assert_eq!(complete(&["exec", "aws", "--profile", ""]), none);
}

#[test]
fn bash_completion_honours_the_file_variables_and_survives_broken_files() {
    let Some(bash) = shell("bash") else { return };
    let mut home = sandbox();
    let other = home.home().join("other-config");
    let creds = home.home().join("other-credentials");
    write_file(&other, "[profile elsewhere]\n[sso-session far]\n");
    write_file(&creds, "[from-creds]\n");
    home.set_env("AWS_CONFIG_FILE", &other.display().to_string());
    home.set_env("AWS_SHARED_CREDENTIALS_FILE", &creds.display().to_string());
    assert_eq!(
        bash_complete(&bash, &home, &["--profile", ""]),
        strings(&["elsewhere", "from-creds"])
    );
    assert_eq!(
        bash_complete(&bash, &home, &["sso", "login", "--sso-session", ""]),
        strings(&["far"])
    );
    // A config that does not parse gives no candidates, and no noise in the shell.
    write_file(&other, "[profile broken\n");
    assert_eq!(
        bash_complete(&bash, &home, &["--profile", ""]),
        Vec::<String>::new()
    );
    // A profile named by AWS_PROFILE that does not exist stops nothing.
    home.set_env("AWS_PROFILE", "ghost");
    write_file(&other, "[profile elsewhere]\n");
    assert_eq!(
        bash_complete(&bash, &home, &["--profile", "e"]),
        strings(&["elsewhere"])
    );
}

/// What zsh's completion system is handed when TAB is pressed after `words`: compinit is
/// loaded, the registration sourced, and `_describe` (where the function hands its
/// candidates to compsys) records them as `value[:description]`.
fn zsh_complete(zsh: &Path, home: &Sandbox, words: &[&str]) -> Vec<String> {
    let awsso = awsso_bin().display().to_string();
    let words_array: Vec<String> = std::iter::once("awsso")
        .chain(words.iter().copied())
        .map(quote)
        .collect();
    let script = format!(
        r#"autoload -Uz compinit && compinit -u -D
source <({awsso} completion zsh)
[[ $_comps[awsso] == _clap_dynamic_completer_awsso ]] || {{ print -u2 "not registered"; exit 3 }}
_describe() {{ local name=${{@[-1]}}; print -rl -- "${{(@P)name}}" }}
words=({words})
CURRENT={current}
_clap_dynamic_completer_awsso
"#,
        awsso = quote(&awsso),
        words = words_array.join(" "),
        current = words.len() + 1,
    );
    let out = home.run_program(zsh, &["-f", "-c", &script]);
    out.assert_code(0);
    assert_eq!(out.stderr, "", "zsh said something");
    out.stdout.lines().map(str::to_owned).collect()
}

#[test]
fn zsh_completes_commands_flags_and_values_from_the_files() {
    let Some(zsh) = shell("zsh") else { return };
    let home = sandbox();
    let complete = |words: &[&str]| zsh_complete(&zsh, &home, words);
    assert_eq!(
        complete(&["sso", "st"]),
        strings(&["status:Shows each SSO session's state from the caches, offline: valid, refreshable, expired or none"])
    );
    assert_eq!(
        complete(&["--profile", ""]),
        strings(&["default", "dev", "dev-admin", "ci"])
    );
    assert_eq!(
        complete(&["sso", "status", "--sso-session", ""]),
        strings(&["corp", "lab"])
    );
    assert_eq!(
        complete(&["--region", "us-gov-"]),
        strings(&["us-gov-east-1", "us-gov-west-1"])
    );
    assert_eq!(
        complete(&["login", "--output", "t"]),
        strings(&["text", "table"])
    );
    assert_eq!(
        complete(&["exec", "--profile", "dev-"]),
        strings(&["dev-admin"])
    );
    assert_eq!(
        complete(&["exec", "--", "aws", "--pro"]),
        Vec::<String>::new()
    );
}

#[test]
fn fish_completes_profiles_and_sessions() {
    let Some(fish) = shell("fish") else { return };
    let home = sandbox();
    let awsso = awsso_bin().display().to_string();
    let complete = |line: &str| {
        let script = format!(
            "{} completion fish | source\ncomplete -C {}\n",
            quote(&awsso),
            quote(line)
        );
        let out = home.run_program(&fish, &["--no-config", "-c", &script]);
        out.assert_code(0);
        out.stdout
            .lines()
            .map(|l| l.split('\t').next().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        complete("awsso --profile dev"),
        strings(&["dev", "dev-admin"])
    );
    assert_eq!(
        complete("awsso sso status --sso-session "),
        strings(&["corp", "lab"])
    );
    assert_eq!(complete("awsso exec --ser"), strings(&["--server"]));
    assert_eq!(complete("awsso exec -- aws --pro"), Vec::<String>::new());
}

#[test]
fn completion_prints_the_registration_as_complete_does() {
    let home = sandbox();
    let awsso = awsso_bin().display().to_string();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = home.run(&["completion", shell, "--output", "table"]);
        out.assert_code(0);
        assert!(out.stdout.contains(&awsso), "{shell}: {}", out.stdout);
        let mut cmd = home.command(&[]);
        cmd.env("COMPLETE", shell);
        run_with_watchdog(cmd).assert(0, &out.stdout, "");
    }
    home.run(&["completion", "tcsh"]).assert_code(252);
}

/// A man page for awsso and every command, from the same tree as `--help`.
#[test]
fn man_pages_cover_every_command() {
    let dir = tempfile::tempdir().unwrap();
    clap_mangen::generate_to(awsso::cli::man_command(), dir.path()).unwrap();
    let pages = Sandbox::list_dir(dir.path());
    for page in [
        "awsso.1",
        "awsso-sso.1",
        "awsso-sso-status.1",
        "awsso-status.1",
        "awsso-completion.1",
        "awsso-configure-sso.1",
    ] {
        assert!(pages.contains(&page.to_owned()), "{page} in {pages:?}");
    }
    assert!(!pages.iter().any(|p| p.contains("help")), "{pages:?}");
    let status = std::fs::read_to_string(dir.path().join("awsso-sso-status.1")).unwrap();
    assert!(status.contains("\\-\\-prompt"), "{status}");
    assert!(status.contains("SsoStatus"), "{status}");
}
