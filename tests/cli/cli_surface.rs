//! End-to-end tests of the command line's edges: stdout that cannot be written. Each pins
//! v2's text and exit code, or awsso's documented choice (docs/compatibility.md).

use std::process::Stdio;

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
