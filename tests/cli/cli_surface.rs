//! End-to-end tests of the command line's edges: stdout that cannot be written, a logout
//! that cannot delete its files, shell-unsafe credentials, empty profile names, dash-led
//! values and starting tokens with keys the operation does not have. Each pins v2's text and
//! exit code, or awsso's documented choice (docs/compatibility.md).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use awsso_emulator::{Emulator, Options, RawAnswer};
use chrono::TimeDelta;

use crate::get_caller_identity::{dev_role_cache, setup, write_token, START_URL};
use crate::support::*;

// ----- stdout -----

/// What v2's Python prints when its last flush of stdout fails on a full disk, and exits 120.
const FULL_DISK: &str =
    "Exception ignored while flushing sys.stdout:\nOSError: [Errno 28] No space left on device\n";

/// Runs awsso with its stdout on `stdout` (stderr captured), under the watchdog.
fn run_with_stdout(sandbox: &Sandbox, args: &[&str], stdout: impl Into<Stdio>) -> Output {
    let mut command = sandbox.command(args);
    command
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped());
    wait_with_watchdog(command.spawn().expect("spawn awsso"))
}

fn dev_full() -> std::fs::File {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full")
}

/// Closed standard streams are opened on /dev/null before anything else (main.rs, as std's
/// start-up did), so that no file awsso opens is taken for one: the command `exec` runs
/// reads them off its parent, awsso, while it runs.
#[test]
fn closed_standard_streams_are_kept_open() {
    let home = Sandbox::new();
    home.credentials(
        "[ci]\naws_access_key_id = AKIAEMULATORSTATIC01\naws_secret_access_key = emulatorStaticSecretKey0000000000000001\n",
    );
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg("\"$0\" exec --profile ci -- sh -c 'readlink /proc/$PPID/fd/0 /proc/$PPID/fd/1 >&2' <&- >&-")
        .arg(awsso_bin())
        .env_clear()
        .env("HOME", home.home())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let out = wait_with_watchdog(command.spawn().expect("spawn sh"));
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (0, "/dev/null\n/dev/null\n")
    );
}

#[test]
fn stdout_that_cannot_be_written_fails_as_v2s_does() {
    let home = Sandbox::new();
    home.config("[profile a]\n").credentials(
        "[ci]\naws_access_key_id = AKIAEMULATORSTATIC01\naws_secret_access_key = emulatorStaticSecretKey0000000000000001\n",
    );
    for args in [
        &[
            "configure",
            "export-credentials",
            "--profile",
            "ci",
            "--format",
            "env",
        ][..],
        &["configure", "export-credentials", "--profile", "ci"],
        &["configure", "list-profiles"],
        &["--version"],
        &["sts", "--help"],
    ] {
        let out = run_with_stdout(&home, args, dev_full());
        assert_eq!(
            (out.code, out.stderr.as_str()),
            (120, FULL_DISK),
            "{args:?}"
        );
    }
    // A command that fails before printing anything reports only its own error.
    let out = run_with_stdout(
        &home,
        &["configure", "export-credentials", "--profile", "nope"],
        dev_full(),
    );
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            255,
            "\nawsso: [ERROR]: The config profile (nope) could not be found\n"
        )
    );
}

#[test]
fn a_reader_that_went_away_is_no_error() {
    let home = Sandbox::new();
    home.config("[profile a]\n[profile b]\n");
    for args in [&["configure", "list-profiles"][..], &["--version"]] {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        run_with_stdout(&home, args, writer).assert(0, "", "");
    }
}

// ----- logout -----

/// A process holding `files` open as its descriptors 3, 4, ... and nothing else but
/// /dev/null on 0, 1 and 2, so that `/proc/PID/fd` is a directory whose entries read as
/// those files and which no one, root included, can delete from (unlink there is EPERM for
/// root, EACCES for others). Killed when dropped.
struct FdHolder {
    child: Child,
}

impl FdHolder {
    fn start(files: &[&Path]) -> FdHolder {
        let mut script = String::new();
        for (i, file) in files.iter().enumerate() {
            script.push_str(&format!("exec {}<'{}'\n", i + 3, file.display()));
        }
        let keep = files.len() + 3;
        // Close whatever else the test harness let the shell inherit (a pipe would block a
        // reader of /proc/PID/fd), then become `sleep` with only 0..keep open.
        script.push_str(&format!(
            "for fd in /proc/$$/fd/*; do n=${{fd##*/}}; [ \"$n\" -ge {keep} ] && eval \"exec $n<&-\"; done\nexec sleep 30\n"
        ));
        let child = Command::new("bash")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("bash");
        let holder = FdHolder { child };
        let want: Vec<String> = (0..keep).map(|n| n.to_string()).collect();
        let start = Instant::now();
        while !(holder.comm() == "sleep\n" && Sandbox::list_dir(&holder.fd_dir()) == want) {
            assert!(
                start.elapsed() < WATCHDOG,
                "the descriptor holder never settled"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        holder
    }

    fn fd_dir(&self) -> PathBuf {
        PathBuf::from(format!("/proc/{}/fd", self.child.id()))
    }

    fn comm(&self) -> String {
        std::fs::read_to_string(format!("/proc/{}/comm", self.child.id())).unwrap_or_default()
    }
}

impl Drop for FdHolder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Python's words for the error unlink gives in /proc/PID/fd to this test's user.
fn undeletable_reason() -> &'static str {
    use std::os::unix::fs::MetadataExt;
    if std::fs::metadata("/proc/self").unwrap().uid() == 0 {
        "[Errno 1] Operation not permitted"
    } else {
        "[Errno 13] Permission denied"
    }
}

#[test]
fn logout_that_cannot_delete_names_the_files_left_and_fails() {
    let emu = Emulator::start(Options::default());
    let mut sb = Sandbox::new();
    sb.endpoints(emu.url());
    let token = emu.issue_token_for_tests();
    let files = sb.home().join("files");
    let token_file = files.join("token.json");
    let role_file = files.join("role.json");
    write_file(
        &token_file,
        &format!(
            r#"{{"startUrl": "{START_URL}", "region": "us-east-1", "accessToken": "{token}", "expiresAt": "2099-01-01T00:00:00Z"}}"#
        ),
    );
    write_file(
        &role_file,
        r#"{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "c2VjcmV0", "SessionToken": "dG9rZW4=", "Expiration": "2099-01-01T00:00:00Z"}}"#,
    );
    let holder = FdHolder::start(&[&token_file, &role_file]);
    // Both caches are that directory: entry 3 is the token, entry 4 the role credentials.
    std::fs::create_dir_all(sb.aws_dir().join("sso")).unwrap();
    std::fs::create_dir_all(sb.aws_dir().join("cli")).unwrap();
    std::os::unix::fs::symlink(holder.fd_dir(), sb.sso_cache_dir()).unwrap();
    std::os::unix::fs::symlink(holder.fd_dir(), sb.cli_cache_dir()).unwrap();

    let out = sb.run(&["sso", "logout"]);
    out.assert(
        255,
        "",
        &format!(
            "\nawsso: [ERROR]: {}: '{}', '{}'\n",
            undeletable_reason(),
            sb.sso_cache_dir().join("3").display(),
            sb.cli_cache_dir().join("4").display()
        ),
    );
    // The portal call still happened: the token no longer works anywhere.
    assert_eq!(emu.request_lines(), ["POST /logout"]);
    assert!(!out.stderr.contains(&token));
    assert!(token_file.exists() && role_file.exists());
}

// ----- export-credentials -----

const UNSAFE: &str =
    "\nawsso: [ERROR]: The credentials contain characters that are unsafe to print for a shell\n";

const SHELL_FORMATS: [&str; 5] = ["env", "env-no-export", "powershell", "windows-cmd", "fish"];

fn export(sandbox: &Sandbox, format: &str) -> Output {
    sandbox.run(&[
        "configure",
        "export-credentials",
        "--profile",
        "dev",
        "--format",
        format,
    ])
}

#[test]
fn credentials_a_shell_would_run_are_refused_in_every_shell_format() {
    let (emu, sandbox) = setup(Options::default());
    write_token(&sandbox, &emu, "corp", START_URL, TimeDelta::hours(8));
    // A planted role cache: the key would run `touch pwned` under eval.
    write_file(
        &dev_role_cache(&sandbox),
        r#"{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIA$(touch pwned)", "SecretAccessKey": "c2VjcmV0", "SessionToken": "dG9rZW4=", "Expiration": "2099-01-01T00:00:00Z"}}"#,
    );
    for format in SHELL_FORMATS {
        export(&sandbox, format).assert(255, "", UNSAFE);
    }
    // The documented use: nothing is printed, so nothing runs.
    let script = format!(
        "eval \"$('{}' configure export-credentials --profile dev --format env)\"",
        awsso_bin().display()
    );
    let out = sandbox.run_program(Path::new("/bin/sh"), &["-c", &script]);
    out.assert(0, "", UNSAFE);
    assert!(!sandbox.home().join("pwned").exists());
    // JSON escapes everything: the process format prints the value as it is.
    let process = export(&sandbox, "process");
    process.assert_code(0);
    assert!(process
        .stdout
        .contains("\"AccessKeyId\": \"ASIA$(touch pwned)\""));
    assert!(emu.request_lines().is_empty());
}

#[test]
fn a_portal_answering_a_newline_in_the_token_gets_nothing_printed() {
    let (emu, sandbox) = setup(Options::default());
    write_token(&sandbox, &emu, "corp", START_URL, TimeDelta::hours(8));
    let expiration = (chrono::Utc::now() + TimeDelta::hours(1)).timestamp_millis();
    let hostile = format!(
        r#"{{"roleCredentials": {{"accessKeyId": "ASIAEXAMPLE", "secretAccessKey": "c2VjcmV0", "sessionToken": "dG9rZW4=\nexport PATH=/tmp", "expiration": {expiration}}}}}"#
    );
    emu.set_faults(|f| f.raw_next = vec![RawAnswer::json(200, &hostile)]);
    export(&sandbox, "env").assert(255, "", UNSAFE);
    assert_eq!(emu.request_lines().len(), 1, "{:?}", emu.request_lines());
    // Real credentials from the same portal print as ever.
    std::fs::remove_file(dev_role_cache(&sandbox)).unwrap();
    let env = export(&sandbox, "env");
    env.assert_code(0);
    assert!(
        env.stdout.starts_with("export AWS_ACCESS_KEY_ID=ASIA"),
        "{}",
        env.stdout
    );
    assert_eq!(env.stdout.lines().count(), 4);
}

// ----- profiles -----

#[test]
fn empty_profile_names_are_read_as_v2_reads_them() {
    let mut home = Sandbox::new();
    home.config("[profile a]\n").credentials(
        "[default]\naws_access_key_id = AKIAEMULATORSTATIC01\naws_secret_access_key = emulatorStaticSecretKey0000000000000001\n",
    );
    let exported = "export AWS_ACCESS_KEY_ID=AKIAEMULATORSTATIC01\nexport AWS_SECRET_ACCESS_KEY=emulatorStaticSecretKey0000000000000001\n";
    let args = [
        "configure",
        "export-credentials",
        "--format",
        "env",
        "--profile",
        "",
    ];
    // An empty --profile is no flag: the default profile is used.
    home.run(&args).assert(0, exported, "");
    // An empty variable names the profile "", which does not exist; the flag would not help.
    home.set_env("AWS_PROFILE", "");
    let not_found = "\nawsso: [ERROR]: The config profile () could not be found\n";
    home.run(&args).assert(255, "", not_found);
    home.run(&args[..4]).assert(255, "", not_found);
    home.run(&["sts", "get-caller-identity"])
        .assert(255, "", not_found);
    // The AWS CLI says the same.
    let aws = home.run_program(&aws_cli(), &["sts", "get-caller-identity"]);
    assert_eq!(
        (aws.code, aws.stderr.trim()),
        (255, "The config profile () could not be found")
    );
}

// ----- dash-led values and starting tokens -----

const USAGE: &str = "usage: awsso [options] <command> <subcommand> [<subcommand> ...] [parameters]\nTo see help text, you can run:\n\n  awsso help\n  awsso <command> help\n  awsso <command> <subcommand> help\n";

fn portal() -> (Emulator, Sandbox, String) {
    let emu = Emulator::start(Options::default().page_size(2));
    let mut sb = Sandbox::new();
    sb.endpoints(emu.url());
    sb.set_env("AWS_DEFAULT_REGION", "us-east-1");
    let token = emu.issue_token_for_tests();
    (emu, sb, token)
}

#[test]
fn negative_numbers_are_values_as_argparse_reads_them() {
    let (emu, sb, token) = portal();
    // --max-items -1: v2's warning, then botocore's arithmetic, as the AWS CLI does it.
    let args = [
        "sso",
        "list-accounts",
        "--access-token",
        &token,
        "--max-items",
        "-1",
    ];
    let awsso = sb.run(&args);
    let aws = sb.run_program(&aws_cli(), &args);
    assert_eq!(
        (aws.code, aws.stderr.as_str()),
        (
            0,
            "warning: Non-positive values for --max-items may result in undefined behavior.\n"
        )
    );
    awsso.assert(0, &aws.stdout, &aws.stderr);
    assert!(awsso.stdout.contains("111122223333"), "{}", awsso.stdout);
    assert!(!awsso.stdout.contains("444455556666"), "{}", awsso.stdout);
    assert!(awsso.stdout.contains("\"NextToken\": "), "{}", awsso.stdout);
    // --page-size -1: botocore's parameter validation, before any request.
    emu.clear_requests();
    sb.run(&["sso", "list-accounts", "--access-token", &token, "--page-size", "-1"])
        .assert(
            252,
            "",
            "\nawsso: [ERROR]: An error occurred (ParamValidation): Parameter validation failed:\nInvalid value for parameter maxResults, value: -1, valid min value: 1\n",
        );
    assert!(emu.request_lines().is_empty());
    // An option word is no value.
    let expected = |arg: &str| {
        format!(
            "\nawsso: [ERROR]: An error occurred (ParamValidation): argument {arg}: expected one argument\n\n{USAGE}"
        )
    };
    sb.run(&[
        "sso",
        "list-accounts",
        "--access-token",
        &token,
        "--query",
        "-x",
    ])
    .assert(252, "", &expected("--query"));
    sb.run(&[
        "sso",
        "list-account-roles",
        "--account-id",
        "--access-token",
        &token,
    ])
    .assert(252, "", &expected("--account-id"));
    sb.run(&["--region", "--version"])
        .assert(252, "", &expected("--region"));
    assert!(emu.request_lines().is_empty());
    // An abbreviated bare --profile still fails in v2's first pass.
    sb.run(&["sts", "get-caller-identity", "--prof"]).assert(
        252,
        "",
        "\nawsso: [ERROR]: An error occurred (ParamValidation): argument --profile: expected one argument\n\nusage: awsso [--profile PROFILE] [--debug]\n",
    );
}

fn starting_token(json: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(json)
}

#[test]
fn starting_token_keys_the_operation_lacks_are_botocores_validation_error() {
    let (emu, sb, token) = portal();
    let with_unknown = starting_token(r#"{"nextToken": null, "x": 1, "boto_truncate_amount": 1}"#);
    let report = |members: &str| {
        format!(
            "\nawsso: [ERROR]: An error occurred (ParamValidation): Parameter validation failed:\nUnknown parameter in input: \"x\", must be one of: {members}\n"
        )
    };
    sb.run(&[
        "sso",
        "list-accounts",
        "--access-token",
        &token,
        "--starting-token",
        &with_unknown,
    ])
    .assert(252, "", &report("nextToken, maxResults, accessToken"));
    let roles = [
        "sso",
        "list-account-roles",
        "--access-token",
        &token,
        "--account-id",
        "111122223333",
        "--starting-token",
        &with_unknown,
    ];
    sb.run(&roles).assert(
        252,
        "",
        &report("nextToken, maxResults, accessToken, accountId"),
    );
    assert!(emu.request_lines().is_empty());
    // botocore's own words, from the AWS CLI.
    let aws = sb.run_program(&aws_cli(), &roles);
    assert!(
        aws.stderr.contains("Parameter validation failed:\nUnknown parameter in input: \"x\", must be one of: nextToken, maxResults, accessToken, accountId\n"),
        "{}",
        aws.stderr
    );
    // A key without a value is not sent, so it is no error.
    let with_null = starting_token(r#"{"nextToken": null, "x": null, "boto_truncate_amount": 1}"#);
    let out = sb.run(&[
        "sso",
        "list-accounts",
        "--access-token",
        &token,
        "--starting-token",
        &with_null,
        "--query",
        "accountList[].accountId",
    ]);
    out.assert(0, "[\n    \"444455556666\",\n    \"777788889999\"\n]\n", "");
}
