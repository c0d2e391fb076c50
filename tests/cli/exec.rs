//! End-to-end tests of `awsso exec` and `awsso serve`: the environment CMD gets, exit codes
//! and signals passed on, bad input, and the container credentials endpoint (`--server`,
//! `serve`) spoken over real sockets. The SDKs as consumers are in `consumers.rs`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

use awsso_emulator::{Emulator, Options};
use chrono::TimeDelta;

use crate::get_caller_identity::{setup, token_path, write_token, CONFIG, START_URL};
use crate::support::*;

/// An emulator and a sandbox with a valid session token for `dev`.
fn logged_in(options: Options) -> (Emulator, Sandbox) {
    let (emu, sandbox) = setup(options);
    write_token(&sandbox, &emu, "corp", START_URL, TimeDelta::hours(8));
    (emu, sandbox)
}

/// `env` as CMD prints it.
fn environment(stdout: &str) -> BTreeMap<String, String> {
    stdout
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

const CLEARED: [&str; 11] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];

/// A sandbox whose environment holds stale values of every variable exec clears.
fn with_stale_variables(sandbox: &mut Sandbox) {
    for name in CLEARED {
        sandbox.set_env(name, "stale");
    }
    sandbox.set_env("KEEP_ME", "1");
}

fn aws_variables(env: &BTreeMap<String, String>) -> Vec<&str> {
    env.keys()
        .map(String::as_str)
        .filter(|k| k.starts_with("AWS"))
        .collect()
}

#[test]
fn exec_hands_over_the_credentials_region_and_marker_only() {
    let (emu, mut sandbox) = logged_in(Options::default());
    with_stale_variables(&mut sandbox);
    let out = sandbox.run(&["exec", "--profile", "dev", "--", "env"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{out:?}");
    let env = environment(&out.stdout);
    assert_eq!(
        aws_variables(&env),
        [
            "AWSSO_PROFILE",
            "AWS_ACCESS_KEY_ID",
            "AWS_CREDENTIAL_EXPIRATION",
            "AWS_DEFAULT_REGION",
            "AWS_EC2_METADATA_DISABLED",
            "AWS_ENDPOINT_URL",
            "AWS_REGION",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
        ]
    );
    assert_eq!(env["AWSSO_PROFILE"], "dev");
    assert_eq!(env["AWS_REGION"], "us-east-1");
    assert_eq!(env["AWS_DEFAULT_REGION"], "us-east-1");
    assert_eq!(env["KEEP_ME"], "1");
    // The credentials the emulator issued, as export-credentials prints them.
    let issued = emu.credentials(&env["AWS_ACCESS_KEY_ID"]).expect("issued");
    assert_eq!(env["AWS_SECRET_ACCESS_KEY"], issued.secret_access_key);
    assert_eq!(
        Some(&env["AWS_SESSION_TOKEN"]),
        issued.session_token.as_ref()
    );
    let exported = sandbox.run(&[
        "configure",
        "export-credentials",
        "--profile",
        "dev",
        "--format",
        "env-no-export",
    ]);
    assert_eq!(
        environment(&exported.stdout),
        env.iter()
            .filter(|(k, _)| k.starts_with("AWS_") && !k.contains("REGION"))
            .filter(
                |(k, _)| !["AWS_EC2_METADATA_DISABLED", "AWS_ENDPOINT_URL"].contains(&k.as_str())
            )
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<BTreeMap<_, _>>()
    );
    // A profile without a region sets none.
    sandbox.config(&CONFIG.replace("region = us-east-1\n", ""));
    let env = environment(
        &sandbox
            .run(&["exec", "--profile", "dev", "--", "env"])
            .stdout,
    );
    assert!(!env.contains_key("AWS_REGION") && !env.contains_key("AWS_DEFAULT_REGION"));
}

#[test]
fn exec_passes_on_exit_codes_and_signals() {
    let (_emu, sandbox) = logged_in(Options::default());
    sandbox
        .run(&[
            "exec",
            "--profile",
            "dev",
            "--",
            "sh",
            "-c",
            "echo out; echo err >&2; exit 7",
        ])
        .assert(7, "out\n", "err\n");
    // Arguments reach CMD as they are, dashes included, without `--` too.
    sandbox
        .run(&[
            "exec",
            "--profile",
            "dev",
            "printf",
            "%s|",
            "--profile",
            "-x",
            "help",
        ])
        .assert(0, "--profile|-x|help|", "");
    let killed = sandbox.run(&[
        "exec",
        "--profile",
        "dev",
        "--",
        "sh",
        "-c",
        "kill -TERM $$",
    ]);
    assert_eq!(
        (
            killed.signal,
            killed.stdout.as_str(),
            killed.stderr.as_str()
        ),
        (Some(15), "", "")
    );
}

/// SIGTERM (or Ctrl-C's SIGINT) sent to awsso reaches CMD, whose answer is awsso's.
#[test]
fn exec_forwards_sigterm_and_sigint_to_the_command() {
    let (_emu, sandbox) = logged_in(Options::default());
    for (signal, code) in [("TERM", 42), ("INT", 43)] {
        let ready = sandbox.home().join(format!("ready-{signal}"));
        let script = format!(
            "trap 'exit {code}' {signal}; touch {}; while :; do sleep 0.05; done",
            ready.display()
        );
        let mut command = sandbox.command(&["exec", "--profile", "dev", "--", "sh", "-c", &script]);
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let child = command.spawn().unwrap();
        let started = Instant::now();
        while !ready.exists() {
            assert!(started.elapsed() < WATCHDOG, "CMD never started");
            std::thread::sleep(Duration::from_millis(5));
        }
        let status = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        wait_with_watchdog(child).assert(code, "", "");
    }
}

#[test]
fn exec_refuses_what_it_cannot_run() {
    let (emu, mut sandbox) = logged_in(Options::default());
    sandbox.config(&format!("{CONFIG}\n[profile bare]\nregion = us-east-1\n"));
    emu.clear_requests();
    sandbox
        .run(&["exec", "--profile", "dev", "--", "/nonexistent/cmd", "x"])
        .assert(
            127,
            "",
            "\nawsso: [ERROR]: Unable to run /nonexistent/cmd: [Errno 2] No such file or directory\n",
        );
    sandbox
        .run(&["exec", "--profile", "nope", "--", "true"])
        .assert(
            255,
            "",
            "\nawsso: [ERROR]: The config profile (nope) could not be found\n",
        );
    sandbox.run(&["exec", "--profile", "bare", "--", "true"]).assert(
        253,
        "",
        "\nawsso: [ERROR]: An error occurred (NoCredentials): Unable to locate credentials. You can configure credentials by running \"awsso login\".\n",
    );
    sandbox.run(&["exec", "--profile", "dev"]).assert(
        252,
        "",
        &format!("\nawsso: [ERROR]: An error occurred (ParamValidation): the following arguments are required: CMD\n\n{}", awsso::usage::USAGE),
    );
    // An unknown option before the command is awsso's error, not the command.
    sandbox
        .run(&["exec", "--profile", "dev", "--bogus", "--", "true"])
        .assert(
            252,
            "",
            "\nawsso: [ERROR]: An error occurred (ParamValidation): Unknown options: --bogus\n",
        );
    // Nested: the inner exec would pass the outer credentials off as its profile's.
    sandbox.set_env("AWSSO_PROFILE", "dev");
    sandbox
        .run(&["exec", "--profile", "dev", "--", "true"])
        .assert(
            255,
            "",
            "\nawsso: [ERROR]: awsso exec is already running for the profile dev (AWSSO_PROFILE is set); run the command without exec, or unset AWSSO_PROFILE first\n",
        );
    // Only the first run fetched credentials; no secret in any message.
    assert_eq!(emu.request_lines(), ["GET /federation/credentials"]);
}

/// `--debug` shows what exec does, never what it hands over.
#[test]
fn exec_debug_shows_no_secret() {
    let (emu, sandbox) = logged_in(Options::default());
    for args in [
        &["exec", "--profile", "dev", "--debug", "--", "env"][..],
        &["exec", "--profile", "dev", "--debug", "--server", "--", "sh", "-c",
          "curl -s -H \"Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN\" \"$AWS_CONTAINER_CREDENTIALS_FULL_URI\""],
    ] {
        let out = sandbox.run(args);
        assert_eq!(out.code, 0, "{out:?}");
        let akid = ["AWS_ACCESS_KEY_ID=", "\"AccessKeyId\": \""]
            .iter()
            .find_map(|p| out.stdout.split(p).nth(1))
            .unwrap()[..20]
            .to_owned();
        let issued = emu.credentials(&akid).unwrap();
        assert!(out.stdout.contains(&issued.secret_access_key));
        assert!(out.stderr.contains("DEBUG"));
        for secret in [&issued.secret_access_key, issued.session_token.as_ref().unwrap()] {
            assert!(!out.stderr.contains(secret.as_str()), "{}", out.stderr);
        }
        if let Some(token) = environment(&out.stdout).get("AWS_CONTAINER_AUTHORIZATION_TOKEN") {
            assert!(!out.stderr.contains(token.as_str()));
        }
    }
}

/// One HTTP GET, answered: status and body.
fn get(url: &str, authorization: Option<&str>) -> (u16, String) {
    let address = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    stream.set_read_timeout(Some(WATCHDOG)).unwrap();
    let mut request = format!("GET / HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    if let Some(value) = authorization {
        request.push_str(&format!("Authorization: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    let status = reply[9..12].parse().unwrap();
    (status, reply.split_once("\r\n\r\n").unwrap().1.to_owned())
}

/// `exec --server`: CMD gets the endpoint instead of keys; the endpoint wants the token,
/// serves the profile's credentials, says LoginRequired once the session needs a browser
/// login, and is gone when CMD ends.
#[test]
fn exec_server_serves_the_endpoint_while_the_command_runs() {
    // Role credentials that live a minute: every request fetches new ones.
    let (emu, mut sandbox) = logged_in(Options::default().credentials_ttl(Duration::from_secs(60)));
    with_stale_variables(&mut sandbox);
    let expired = format!(
        r#"{{"startUrl": "{START_URL}", "region": "us-east-1", "accessToken": "old", "expiresAt": "2020-01-01T00:00:00Z"}}"#
    );
    let token_file = token_path(&sandbox, "corp");
    let script = format!(
        "env; echo; curl -s \"$AWS_CONTAINER_CREDENTIALS_FULL_URI\"; echo; \
         curl -s -H \"Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN\" \"$AWS_CONTAINER_CREDENTIALS_FULL_URI\"; echo; \
         printf '%s' {} >{}; \
         curl -s -w ' %{{http_code}}' -H \"Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN\" \"$AWS_CONTAINER_CREDENTIALS_FULL_URI\"",
        shell_quote(&expired),
        token_file.display()
    );
    let out = sandbox.run(&[
        "exec",
        "--profile",
        "dev",
        "--server",
        "--",
        "sh",
        "-c",
        &script,
    ]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{out:?}");
    let (env, answers) = out.stdout.split_once("\n\n").unwrap();
    let env = environment(env);
    assert_eq!(
        aws_variables(&env),
        [
            "AWSSO_PROFILE",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_DEFAULT_REGION",
            "AWS_EC2_METADATA_DISABLED",
            "AWS_ENDPOINT_URL",
            "AWS_REGION",
        ]
    );
    let url = &env["AWS_CONTAINER_CREDENTIALS_FULL_URI"];
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with('/'),
        "{url}"
    );
    assert_eq!(env["AWS_CONTAINER_AUTHORIZATION_TOKEN"].len(), 64);
    let answers: Vec<&str> = answers.lines().collect();
    assert_eq!(
        answers[0],
        r#"{"Code": "AccessDenied", "Message": "The Authorization header is not the endpoint's AWS_CONTAINER_AUTHORIZATION_TOKEN"}"#
    );
    let credentials: serde_json::Value = serde_json::from_str(answers[1]).unwrap();
    let keys: Vec<&str> = credentials
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "AccessKeyId",
            "SecretAccessKey",
            "Token",
            "Expiration",
            "AccountId"
        ]
    );
    let issued = emu
        .credentials(credentials["AccessKeyId"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        credentials["SecretAccessKey"],
        issued.secret_access_key.as_str()
    );
    assert_eq!(credentials["AccountId"], "111122223333");
    assert_eq!(
        answers[2],
        r#"{"Code": "LoginRequired", "Message": "run: awsso sso login --profile dev"} 503"#
    );
    // CMD ended, and the endpoint with it.
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    assert!(std::net::TcpStream::connect(address).is_err());
}

/// `serve`: the two export lines, as they are, then the endpoint until Ctrl-C (130).
#[test]
fn serve_prints_the_exports_and_serves_until_interrupted() {
    let (emu, sandbox) = logged_in(Options::default());
    let mut command = sandbox.command(&["serve", "--profile", "dev", "--output", "table"]);
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut exports = Vec::new();
    for _ in 0..2 {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        exports.push(line);
    }
    let url = exports[0]
        .strip_prefix("export AWS_CONTAINER_CREDENTIALS_FULL_URI=")
        .unwrap()
        .trim_end()
        .to_owned();
    let token = exports[1]
        .strip_prefix("export AWS_CONTAINER_AUTHORIZATION_TOKEN=")
        .unwrap()
        .trim_end()
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(token.len(), 64);
    assert_eq!(get(&url, None).0, 401);
    assert_eq!(get(&url, Some(&token[..63])).0, 401);
    let (status, body) = get(&url, Some(&token));
    assert_eq!(status, 200, "{body}");
    let first: serde_json::Value = serde_json::from_str(&body).unwrap();
    // Credentials with an hour left are served again, with no new request.
    let requests = emu.request_lines().len();
    let (_, again) = get(&url, Some(&token));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&again).unwrap(),
        first
    );
    assert_eq!(emu.request_lines().len(), requests);
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    child.stdout = Some(stdout.into_inner());
    let out = wait_with_watchdog(child);
    out.assert(130, "\n", "");
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    assert!(std::net::TcpStream::connect(address).is_err());
}

#[test]
fn serve_refuses_a_port_in_use_and_a_profile_without_credentials() {
    let (_emu, sandbox) = logged_in(Options::default());
    sandbox.config(&format!("{CONFIG}\n[profile bare]\nregion = us-east-1\n"));
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    sandbox
        .run(&["serve", "--profile", "dev", "--port", &port])
        .assert(
            255,
            "",
            &format!("\nawsso: [ERROR]: Unable to listen on 127.0.0.1:{port}: [Errno 98] Address already in use\n"),
        );
    sandbox.run(&["serve", "--profile", "bare"]).assert(
        253,
        "",
        "\nawsso: [ERROR]: An error occurred (NoCredentials): Unable to locate credentials. You can configure credentials by running \"awsso login\".\n",
    );
    sandbox.run(&["serve", "--port", "nope"]).assert_code(252);
}

/// `serve` started while the session needs a browser login: it says so, serves
/// LoginRequired, and serves credentials once the user has logged in.
#[test]
fn serve_waits_out_a_session_that_needs_a_login() {
    let (emu, sandbox) = setup(Options::default().auto_approve(true));
    crate::implicit_login::expired_token(&sandbox);
    let mut command = sandbox.command(&["serve", "--profile", "dev"]);
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut exports = String::new();
    for _ in 0..2 {
        stdout.read_line(&mut exports).unwrap();
    }
    let value = |name: &str| {
        exports
            .lines()
            .find_map(|l| l.strip_prefix(&format!("export {name}=")))
            .unwrap()
            .to_owned()
    };
    let (url, token) = (
        value("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
        value("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
    );
    assert_eq!(
        get(&url, Some(&token)),
        (
            503,
            r#"{"Code": "LoginRequired", "Message": "run: awsso sso login --profile dev"}"#
                .to_owned()
        )
    );
    sandbox
        .run(&[
            "sso",
            "login",
            "--profile",
            "dev",
            "--use-device-code",
            "--no-browser",
        ])
        .assert_code(0);
    let (status, body) = get(&url, Some(&token));
    assert_eq!(status, 200, "{body}");
    let credentials: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(emu
        .credentials(credentials["AccessKeyId"].as_str().unwrap())
        .is_some());
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    child.stdout = Some(stdout.into_inner());
    wait_with_watchdog(child).assert(
        130,
        "\n",
        "awsso: the endpoint answers LoginRequired until a browser login is made; run: awsso sso login --profile dev\n",
    );
}
