//! End-to-end tests of implicit logins in credential commands
//! (`configure export-credentials --auto-login`, `exec --auto-login`): on the controlling
//! terminal only, never on stdout, one login for many processes, and with no terminal the
//! error and exit code of the command without `--auto-login`, with no request made and no
//! browser opened. (`sso login --if-needed` is in `login.rs`.)

use std::path::{Path, PathBuf};
use std::time::Duration;

use awsso_emulator::Options;

use crate::get_caller_identity::{setup, token_path, START_URL};
use crate::support::*;

/// An sso-session token that expired and has nothing to refresh it with.
pub fn expired_token(sandbox: &Sandbox) {
    write_file(
        &token_path(sandbox, "corp"),
        &format!(
            r#"{{"startUrl": "{START_URL}", "region": "us-east-1", "accessToken": "old", "expiresAt": "2020-01-01T00:00:00Z"}}"#
        ),
    );
}

const REFRESH_FAILED: &str = "\nawsso: [ERROR]: Error when retrieving token from sso: Token has expired and refresh failed. To refresh this SSO session run: awsso sso login --profile dev\n";

/// A browser stand-in that records each URL it is given (one line each) and, like a user
/// clicking Allow, fetches it in the background.
pub fn recording_browser(sandbox: &mut Sandbox) -> PathBuf {
    let record = sandbox.home().join("browser-opened-urls");
    let script = sandbox.home().join("browser");
    write_file(
        &script,
        &format!(
            "#!/bin/sh\nprintf '%s\\n' \"$1\" >>{}\ncurl -sfL --max-time 20 \"$1\" >/dev/null 2>&1 &\n",
            shell_quote(&record.display().to_string())
        ),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    sandbox.set_env("BROWSER", &script.display().to_string());
    record
}

pub fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn auto_login_without_a_terminal_fails_as_without_it() {
    let (emu, mut sandbox) = setup(Options::default().auto_approve(true));
    let record = recording_browser(&mut sandbox);
    expired_token(&sandbox);
    let without =
        sandbox.run_without_terminal(&["configure", "export-credentials", "--profile", "dev"]);
    without.assert(255, "", REFRESH_FAILED);
    for args in [
        &[
            "configure",
            "export-credentials",
            "--profile",
            "dev",
            "--auto-login",
        ][..],
        &["exec", "--profile", "dev", "--auto-login", "--", "true"],
        &[
            "exec",
            "--profile",
            "dev",
            "--server",
            "--auto-login",
            "--",
            "true",
        ],
    ] {
        sandbox
            .run_without_terminal(args)
            .assert(without.code, "", &without.stderr);
    }
    assert!(emu.request_lines().is_empty(), "no request");
    assert!(lines(&record).is_empty(), "no browser");
}

/// The `credential_process` of eight SDK processes at once (terraform's parallel providers)
/// with an expired session: one login, on the terminal, one browser tab, and all eight get
/// credentials on stdout, which carries nothing else.
#[test]
fn parallel_auto_logins_share_one_login() {
    let (emu, mut sandbox) = setup(Options::default());
    let record = recording_browser(&mut sandbox);
    expired_token(&sandbox);
    let out = sandbox.home().join("out");
    let export = awsso_line(&[
        "configure",
        "export-credentials",
        "--profile",
        "dev",
        "--auto-login",
    ]);
    let line = format!(
        "for i in 1 2 3 4 5 6 7 8; do {export} >{out}.$i 2>{out}.err.$i & done; wait",
        out = out.display()
    );
    let terminal = sandbox.run_in_terminal(&line);
    assert_eq!(terminal.code, 0, "{terminal:?}");
    for i in 1..=8 {
        assert_eq!(
            std::fs::read_to_string(format!("{}.err.{i}", out.display())).unwrap(),
            ""
        );
        let stdout = std::fs::read_to_string(format!("{}.{i}", out.display())).unwrap();
        let json: serde_json::Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("process {i}: {e}: {stdout:?}"));
        assert_eq!(json["Version"], 1);
        assert!(json["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    }
    let opened = lines(&record);
    assert_eq!(opened.len(), 1, "one browser tab: {opened:?}");
    let requests = emu.request_lines();
    let count = |line: &str| requests.iter().filter(|r| r.as_str() == line).count();
    assert_eq!(count("POST /client/register"), 1, "{requests:?}");
    assert_eq!(count("GET /authorize"), 1, "{requests:?}");
    assert_eq!(count("POST /token"), 1, "{requests:?}");
    // What the terminal showed: v2's PKCE instructions with the URL the browser was given,
    // and v2's closing line, once.
    let shown = without_spinner(&terminal.stdout);
    assert_eq!(
        shown,
        format!(
            "Attempting to open your default browser. If the browser does not open, open the following URL.\nIf you are unable to open the URL on this device, run this command again with the '--use-device-code' option.\n\n{}\n\nSuccessfully logged into Start URL: {START_URL}\n",
            opened[0]
        )
    );
}

/// `exec --server --auto-login`: when the session ends under a running job, the endpoint
/// answers LoginRequired at once, then logs in on the terminal; the requests that came
/// meanwhile get the new credentials.
#[test]
fn exec_server_logs_in_on_the_terminal_when_the_session_ends() {
    let (emu, mut sandbox) = setup(Options::default().credentials_ttl(Duration::from_secs(60)));
    crate::get_caller_identity::write_token(
        &sandbox,
        &emu,
        "corp",
        START_URL,
        chrono::TimeDelta::hours(8),
    );
    let record = recording_browser(&mut sandbox);
    let expired = format!(
        r#"{{"startUrl": "{START_URL}", "region": "us-east-1", "accessToken": "old", "expiresAt": "2020-01-01T00:00:00Z"}}"#
    );
    let get = "curl -s -w ' %{http_code}\\n' -H \"Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN\" \"$AWS_CONTAINER_CREDENTIALS_FULL_URI\"";
    let job = format!(
        "printf '%s' {} >{}; {get}; {get}",
        shell_quote(&expired),
        token_path(&sandbox, "corp").display()
    );
    let out = sandbox.home().join("out");
    let exec = awsso_line(&[
        "exec",
        "--profile",
        "dev",
        "--server",
        "--auto-login",
        "--",
        "sh",
        "-c",
        &job,
    ]);
    let terminal = sandbox.run_in_terminal(&format!("{exec} >{} 2>&1", out.display()));
    assert_eq!(terminal.code, 0, "{terminal:?}");
    let answers = lines(&out);
    assert_eq!(answers.len(), 2, "{answers:?}");
    assert_eq!(
        answers[0],
        r#"{"Code": "LoginRequired", "Message": "run: awsso sso login --profile dev"} 503"#
    );
    let (body, status) = answers[1].rsplit_once(' ').unwrap();
    assert_eq!(status, "200");
    let credentials: serde_json::Value = serde_json::from_str(body).unwrap();
    assert!(emu
        .credentials(credentials["AccessKeyId"].as_str().unwrap())
        .is_some());
    let opened = lines(&record);
    assert_eq!(opened.len(), 1, "{opened:?}");
    assert_eq!(
        without_spinner(&terminal.stdout),
        format!(
            "Attempting to open your default browser. If the browser does not open, open the following URL.\nIf you are unable to open the URL on this device, run this command again with the '--use-device-code' option.\n\n{}\n\nSuccessfully logged into Start URL: {START_URL}\n",
            opened[0]
        )
    );
}

/// A token the portal refuses although it has not expired (signed out elsewhere, revoked):
/// without a terminal v2's error naming the login; with one, a login and the call again.
#[test]
fn auto_login_replaces_a_token_the_portal_refuses() {
    let (emu, mut sandbox) = setup(Options::default());
    crate::get_caller_identity::write_token(
        &sandbox,
        &emu,
        "corp",
        START_URL,
        chrono::TimeDelta::hours(8),
    );
    emu.revoke_all_tokens();
    let record = recording_browser(&mut sandbox);
    let args = [
        "configure",
        "export-credentials",
        "--profile",
        "dev",
        "--auto-login",
    ];
    sandbox.run_without_terminal(&args).assert(
        255,
        "",
        "\nawsso: [ERROR]: The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run awsso sso login --profile dev\n",
    );
    assert!(lines(&record).is_empty(), "no browser");
    let out = sandbox.home().join("out");
    let terminal = sandbox.run_in_terminal(&format!("{} >{}", awsso_line(&args), out.display()));
    assert_eq!(terminal.code, 0, "{terminal:?}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert!(emu
        .credentials(json["AccessKeyId"].as_str().unwrap())
        .is_some());
    assert_eq!(lines(&record).len(), 1);
    assert!(without_spinner(&terminal.stdout).ends_with(&format!(
        "Successfully logged into Start URL: {START_URL}\n"
    )));
}
