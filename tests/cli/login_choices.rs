//! End-to-end tests of where a login can run: the choice of flow (flags, the session's
//! `sso_use_device_code`, a redirect port, `BROWSER`, SSH or a container, v2's default), the
//! fixed redirect port, the QR code, the trust store (the emulator over TLS with a throwaway
//! CA) and proxies (a local CONNECT proxy).
//!
//! Which flow ran shows in the emulator's request lines (`POST /device_authorization` or
//! `GET /authorize`) and in what awsso printed. Every test sets or clears `AWS_CA_BUNDLE`,
//! `SSL_CERT_FILE` and `SSL_CERT_DIR` itself (the sandbox's environment starts empty, and
//! these machines export all three).

use std::net::TcpListener;
use std::path::Path;

use awsso_emulator::proxy::{Proxy, ProxyOptions};
use awsso_emulator::tls::TestCa;
use awsso_emulator::{Emulator, Options};

use crate::get_caller_identity::{identity_json, sso_identity, ACCOUNT};
use crate::login::{cut_line, http_get, Running};
use crate::support::*;

const START_URL: &str = "https://d-90670ca891.awsapps.com/start";

const CONFIG: &str = "[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = AdministratorAccess
region = us-east-1

[sso-session corp]
sso_start_url = https://d-90670ca891.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile legacy]
sso_start_url = https://d-legacy01.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 111122223333
sso_role_name = ReadOnlyAccess
";

const SUCCESS: &str =
    "Successfully logged into Start URL: https://d-90670ca891.awsapps.com/start\n";

const DEVICE_LINES: [&str; 3] = [
    "POST /client/register",
    "POST /device_authorization",
    "POST /token",
];

const PKCE_LINES: [&str; 3] = ["POST /client/register", "GET /authorize", "POST /token"];

/// The same flow again: its client registration is reused.
const DEVICE_AGAIN: [&str; 2] = ["POST /device_authorization", "POST /token"];
const PKCE_AGAIN: [&str; 2] = ["GET /authorize", "POST /token"];

const NO_BROWSER_PKCE: &str =
    "Browser will not be automatically opened.\nPlease visit the following URL:\n\n<URL>\n";

fn notice(why: &str) -> String {
    format!("Using the device code flow: {why}, where the browser's redirect to this machine cannot arrive. Use --no-use-device-code (or sso_use_device_code = false) to sign in with the browser flow, or --redirect-port N with ssh -L N:127.0.0.1:N.\n")
}

/// A sandbox on `emu` with `config`, no browser, no SSH session, and the trust store
/// variables cleared.
fn sandbox(emu: &Emulator, config: &str) -> Sandbox {
    let mut home = Sandbox::new();
    home.endpoints(emu.url());
    home.config(config);
    for name in [
        "BROWSER",
        "SSH_CONNECTION",
        "SSH_TTY",
        "AWS_CA_BUNDLE",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
    ] {
        home.remove_env(name);
    }
    home
}

/// A PKCE login driven by the test as a user's browser would be: the printed authorize URL
/// is opened, its redirect followed to the listener. Returns the output and the URL.
fn pkce_by_hand(home: &Sandbox, emu: &Emulator, args: &[&str]) -> (Output, String) {
    let mut run = Running::start(home, args);
    let url = run.wait_for_line(&format!("{}/authorize?", emu.url()));
    let (status, location, _) = http_get(&url);
    assert_eq!(status, 302, "{url}");
    let (status, _, _) = http_get(&location.unwrap());
    assert_eq!(status, 200);
    (run.finish(), url)
}

/// The port of the `redirect_uri` in an authorize URL.
fn redirect_port(authorize_url: &str) -> u16 {
    let encoded = authorize_url
        .split("redirect_uri=http%3A%2F%2F127.0.0.1%3A")
        .nth(1)
        .unwrap_or_else(|| panic!("no loopback redirect_uri in {authorize_url}"));
    encoded.split('%').next().unwrap().parse().unwrap()
}

/// A port nothing listens on just now.
fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Rule 5: an SSH session (no BROWSER) gets the device code, and one line on stderr says
/// why and how to override it.
#[test]
fn an_ssh_session_chooses_the_device_code_and_says_why() {
    let emu = Emulator::start(Options::default().auto_approve(true));
    let mut home = sandbox(&emu, CONFIG);
    home.set_env("SSH_CONNECTION", "192.0.2.1 50000 192.0.2.2 22");
    home.run(&["sso", "login", "--profile", "dev", "--no-browser"])
        .assert(
            0,
            SUCCESS,
            &notice("this is an SSH session (SSH_CONNECTION is set)"),
        );
    assert_eq!(emu.request_lines(), DEVICE_LINES);
    emu.clear_requests();
    home.remove_env("SSH_CONNECTION");
    home.set_env("SSH_TTY", "/dev/pts/3");
    home.run(&["sso", "login", "--profile", "dev", "--no-browser"])
        .assert(
            0,
            SUCCESS,
            &notice("this is an SSH session (SSH_TTY is set)"),
        );
    assert_eq!(emu.request_lines(), DEVICE_AGAIN);
}

/// Rule 1: `--no-use-device-code` forces PKCE in an SSH session; `--use-device-code` forces
/// the device code where BROWSER would choose PKCE. Neither prints the notice.
#[test]
fn the_flags_come_first() {
    let emu = Emulator::start(Options::default().auto_approve(true));
    let mut home = sandbox(&emu, CONFIG);
    home.set_env("SSH_CONNECTION", "192.0.2.1 50000 192.0.2.2 22");
    let (out, _) = pkce_by_hand(
        &home,
        &emu,
        &[
            "sso",
            "login",
            "--profile",
            "dev",
            "--no-browser",
            "--no-use-device-code",
        ],
    );
    let (stdout, _) = cut_line(&out.stdout, emu.url());
    out.assert_code(0);
    assert_eq!(
        (stdout.as_str(), out.stderr.as_str()),
        (format!("{NO_BROWSER_PKCE}{SUCCESS}").as_str(), "")
    );
    assert_eq!(emu.request_lines(), PKCE_LINES);
    emu.clear_requests();
    home.browser_standin();
    home.run(&["sso", "login", "--profile", "dev", "--use-device-code"])
        .assert(0, SUCCESS, "");
    assert_eq!(emu.request_lines(), DEVICE_LINES);
    // The last of the two flags wins.
    emu.clear_requests();
    home.run(&[
        "sso",
        "login",
        "--profile",
        "dev",
        "--no-use-device-code",
        "--use-device-code",
    ])
    .assert(0, SUCCESS, "");
    assert_eq!(emu.request_lines(), DEVICE_AGAIN);
}

/// Rule 2: the session's `sso_use_device_code`: true beats BROWSER, false beats SSH.
#[test]
fn the_session_key_comes_next() {
    let emu = Emulator::start(Options::default().auto_approve(true));
    let config = CONFIG.replace(
        "sso_registration_scopes = sso:account:access\n",
        "sso_registration_scopes = sso:account:access\nsso_use_device_code = true\n",
    );
    let mut home = sandbox(&emu, &config);
    home.browser_standin();
    home.run(&["sso", "login", "--profile", "dev"])
        .assert(0, SUCCESS, "");
    assert_eq!(emu.request_lines(), DEVICE_LINES);
    emu.clear_requests();
    home.config(&config.replace("sso_use_device_code = true", "sso_use_device_code = false"));
    home.remove_env("BROWSER");
    home.set_env("SSH_TTY", "/dev/pts/3");
    let (out, _) = pkce_by_hand(
        &home,
        &emu,
        &["sso", "login", "--profile", "dev", "--no-browser"],
    );
    out.assert_code(0);
    assert_eq!(out.stderr, "");
    assert_eq!(emu.request_lines(), PKCE_LINES);
    // A value that is no boolean is a configuration error, before any request.
    emu.clear_requests();
    home.config(&config.replace("sso_use_device_code = true", "sso_use_device_code = maybe"));
    home.run(&["sso", "login", "--profile", "dev"]).assert(
        253,
        "",
        "\nawsso: [ERROR]: An error occurred (Configuration): sso_use_device_code in [sso-session corp] must be true or false, not 'maybe'\n",
    );
    assert_eq!(emu.request_lines(), Vec::<String>::new());
}

/// Rule 3: `--redirect-port` (or `sso_redirect_port`) means PKCE with the listener on that
/// port of 127.0.0.1, even in an SSH session: what `ssh -L N:127.0.0.1:N` forwards to.
#[test]
fn a_redirect_port_means_pkce_on_that_port() {
    let emu = Emulator::start(Options::default());
    let mut home = sandbox(&emu, CONFIG);
    home.set_env("SSH_CONNECTION", "192.0.2.1 50000 192.0.2.2 22");
    let port = free_port();
    let port_text = port.to_string();
    let (out, url) = pkce_by_hand(
        &home,
        &emu,
        &[
            "sso",
            "login",
            "--profile",
            "dev",
            "--no-browser",
            "--redirect-port",
            &port_text,
        ],
    );
    out.assert_code(0);
    assert_eq!(out.stderr, "");
    assert_eq!(redirect_port(&url), port);
    assert_eq!(emu.request_lines(), PKCE_LINES);
    let token = emu.requests()[2].body.clone();
    assert!(
        token.contains(&format!(
            "\"redirectUri\":\"http://127.0.0.1:{port}/oauth/callback\""
        )),
        "{token}"
    );
    // The same from the session.
    emu.clear_requests();
    let port = free_port();
    home.config(&CONFIG.replace(
        "sso_region = us-east-1\n",
        &format!("sso_region = us-east-1\nsso_redirect_port = {port}\n"),
    ));
    let (out, url) = pkce_by_hand(
        &home,
        &emu,
        &["sso", "login", "--profile", "dev", "--no-browser"],
    );
    out.assert_code(0);
    assert_eq!(redirect_port(&url), port);
    assert_eq!(emu.request_lines(), PKCE_AGAIN);
}

/// A redirect port that is taken: a clear error naming it, before any request; a port out
/// of range: a usage error.
#[test]
fn a_busy_or_invalid_redirect_port_is_a_clear_error() {
    let emu = Emulator::start(Options::default());
    let home = sandbox(&emu, CONFIG);
    let taken = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = home.run(&["sso", "login", "--profile", "dev", "--redirect-port", &port]);
    out.assert(
        255,
        "",
        &format!("\nawsso: [ERROR]: Unable to listen for the OAuth 2.0 authorization callback on 127.0.0.1:{port}: Address already in use (os error 98). Choose another port with --redirect-port or sso_redirect_port, or use --use-device-code.\n"),
    );
    assert_eq!(emu.request_lines(), Vec::<String>::new());
    for bad in ["0", "65536", "http"] {
        home.run(&["sso", "login", "--profile", "dev", "--redirect-port", bad])
            .assert(
                252,
                "",
                &format!("\nawsso: [ERROR]: An error occurred (ParamValidation): --redirect-port must be a port number from 1 to 65535, not '{bad}'\n"),
            );
    }
    drop(taken);
}

/// Rule 4: BROWSER set means a browser here: PKCE even in an SSH session, no notice.
#[test]
fn browser_set_means_pkce() {
    let emu = Emulator::start(Options::default());
    let mut home = sandbox(&emu, CONFIG);
    home.set_env("SSH_CONNECTION", "192.0.2.1 50000 192.0.2.2 22");
    home.browser_standin();
    let out = home.run(&["sso", "login", "--profile", "dev"]);
    out.assert_code(0);
    assert_eq!(out.stderr, "");
    assert_eq!(emu.request_lines(), PKCE_LINES);
}

/// Rules 5 and 6 on this machine, whichever it is: in a container (its marker file) the
/// device code with the notice, else v2's PKCE.
#[test]
fn a_container_chooses_the_device_code_otherwise_pkce() {
    let emu = Emulator::start(Options::default().auto_approve(true));
    let home = sandbox(&emu, CONFIG);
    let marker = ["/.dockerenv", "/run/.containerenv"]
        .into_iter()
        .find(|path| Path::new(path).exists());
    let args = ["sso", "login", "--profile", "dev", "--no-browser"];
    match marker {
        Some(marker) => {
            home.run(&args).assert(
                0,
                SUCCESS,
                &notice(&format!("this is a container ({marker} exists)")),
            );
            assert_eq!(emu.request_lines(), DEVICE_LINES);
        }
        None => {
            let (out, _) = pkce_by_hand(&home, &emu, &args);
            out.assert_code(0);
            assert_eq!(out.stderr, "");
            assert_eq!(emu.request_lines(), PKCE_LINES);
        }
    }
}

/// Legacy profiles always use the device code (v2), whatever the flags and environment
/// say, and print no notice.
#[test]
fn legacy_profiles_keep_the_device_code() {
    let emu = Emulator::start(Options::default().auto_approve(true));
    let mut home = sandbox(&emu, CONFIG);
    home.set_env("SSH_CONNECTION", "192.0.2.1 50000 192.0.2.2 22");
    let port = free_port().to_string();
    home.run(&[
        "sso",
        "login",
        "--profile",
        "legacy",
        "--no-use-device-code",
        "--redirect-port",
        &port,
    ])
    .assert(
        0,
        "Successfully logged into Start URL: https://d-legacy01.awsapps.com/start\n",
        "",
    );
    assert_eq!(emu.request_lines(), DEVICE_LINES);
}

/// `configure sso` chooses its sign-in the same way.
#[test]
fn configure_sso_chooses_the_same_way() {
    let emu = Emulator::start(Options::default().auto_approve(true));
    let mut home = sandbox(&emu, "");
    home.set_env("SSH_TTY", "/dev/pts/3");
    let out = home.run(&[
        "configure",
        "sso",
        "--no-browser",
        "--profile",
        "dev",
        "--sso-session",
        "corp",
        "--sso-start-url",
        START_URL,
        "--sso-region",
        "us-east-1",
        "--account-id",
        ACCOUNT,
        "--role-name",
        "AdministratorAccess",
        "--region",
        "us-east-1",
        "--output-format",
        "json",
    ]);
    out.assert(
        0,
        "Using the account ID 111122223333\nUsing the role name \"AdministratorAccess\"\nTo use this profile, specify the profile name using --profile, as shown:\n\nawsso sts get-caller-identity --profile dev\n",
        &notice("this is an SSH session (SSH_TTY is set)"),
    );
    assert_eq!(&emu.request_lines()[..3], DEVICE_LINES);
}

/// The device code always shows beside its URL; `--qr` adds the verification URL (with the
/// code filled in) as a QR code of half-block characters, and implies the device code.
#[test]
fn qr_prints_the_code_and_a_qr_code() {
    let emu = Emulator::start(Options::default());
    let mut home = sandbox(&emu, CONFIG);
    home.browser_standin();
    let mut run = Running::start(
        &home,
        &["sso", "login", "--profile", "dev", "--qr", "--no-browser"],
    );
    let autofill = run.wait_for_line(&format!("{}/device?user_code=", emu.url()));
    let (status, _, _) = http_get(&autofill);
    assert_eq!(status, 200);
    let out = run.finish();
    out.assert_code(0);
    assert_eq!(out.stderr, "");
    let code = autofill.rsplit('=').next().unwrap().to_owned();
    let intro = format!(
        "Browser will not be automatically opened.\nPlease visit the following URL:\n\n{url}/device\n\nThen enter the code:\n\n{code}\n\nAlternatively, you may visit the following URL which will autofill the code upon loading:\n{autofill}\n\nOr scan this QR code with a phone:\n\n",
        url = emu.url()
    );
    let rest = out
        .stdout
        .strip_prefix(&intro)
        .unwrap_or_else(|| panic!("{}", out.stdout));
    let drawing = rest
        .strip_suffix(&format!("\n\n{SUCCESS}"))
        .unwrap_or_else(|| panic!("{rest}"));
    let rows: Vec<&str> = drawing.lines().collect();
    let width = rows[0].chars().count();
    // A version 3 or 4 code with its quiet zone: 37 to 41 modules, two rows a line.
    assert!((37..=41).contains(&width), "{drawing}");
    assert_eq!(rows.len(), width.div_ceil(2), "{drawing}");
    for row in &rows {
        assert_eq!(row.chars().count(), width, "{drawing}");
        assert!(row.chars().all(|c| " █▀▄".contains(c)), "{drawing}");
    }
    // The quiet zone (light modules, drawn) frames it.
    assert!(rows[0].chars().all(|c| c == '█'), "{drawing}");
    let (last, rows) = rows.split_last().unwrap();
    assert!(rows.iter().all(|row| row.starts_with("████")), "{drawing}");
    assert!(last.chars().all(|c| c == '▀'), "{drawing}");
    assert_eq!(
        emu.request_lines()
            .into_iter()
            .filter(|l| l != "GET /device")
            .take(2)
            .collect::<Vec<_>>(),
        ["POST /client/register", "POST /device_authorization"]
    );
    // --qr cannot be combined with the flag that forces PKCE.
    home.run(&[
        "sso",
        "login",
        "--profile",
        "dev",
        "--qr",
        "--no-use-device-code",
    ])
    .assert_code(252);
}

/// The emulator over TLS with a fresh CA, and the CA's PEM file in HOME.
fn tls_emulator(home_dir: &Path) -> (Emulator, String) {
    let ca = TestCa::new();
    let emu = Emulator::start(
        Options::default()
            .auto_approve(true)
            .tls(ca.cert_pem(), ca.key_pem()),
    );
    let ca_path = home_dir.join("corp-ca.pem");
    ca.write_ca_pem(&ca_path).unwrap();
    (emu, ca_path.display().to_string())
}

/// Logs `dev` in with the device code, then asks STS who it is.
fn login_and_identity(home: &Sandbox) -> (Output, Output) {
    let login = home.run(&["sso", "login", "--profile", "dev", "--use-device-code"]);
    let identity = home.run(&["sts", "get-caller-identity", "--profile", "dev"]);
    (login, identity)
}

fn admin_identity() -> String {
    let (user_id, arn) = sso_identity("AdministratorAccess");
    identity_json(&user_id, ACCOUNT, &arn)
}

/// A CA the system trusts through `SSL_CERT_FILE` is trusted without `--ca-bundle`; with the
/// trust store variables cleared it is not, and the error says why.
#[test]
fn a_ca_in_ssl_cert_file_is_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let (emu, ca_path) = tls_emulator(dir.path());
    let mut home = sandbox(&emu, CONFIG);
    assert!(emu.url().starts_with("https://127.0.0.1:"));
    home.set_env("SSL_CERT_FILE", &ca_path);
    let (login, identity) = login_and_identity(&home);
    login.assert(0, SUCCESS, "");
    identity.assert(0, &admin_identity(), "");
    // SSL_CERT_DIR alone: a directory holding the CA's PEM file.
    home.remove_env("SSL_CERT_FILE");
    let cert_dir = dir.path().join("certs");
    std::fs::create_dir(&cert_dir).unwrap();
    std::fs::copy(&ca_path, cert_dir.join("corp-ca.pem")).unwrap();
    home.set_env("SSL_CERT_DIR", &cert_dir.display().to_string());
    let (login, identity) = login_and_identity(&home);
    login.assert(0, SUCCESS, "");
    identity.assert(0, &admin_identity(), "");
    // Neither variable: the system's store and the bundled roots, which lack the CA.
    home.remove_env("SSL_CERT_DIR");
    std::fs::remove_dir_all(home.sso_cache_dir()).unwrap();
    emu.clear_requests();
    let out = home.run(&["sso", "login", "--profile", "dev", "--use-device-code"]);
    out.assert(
        255,
        "",
        &format!(
            "\nawsso: [ERROR]: SSL validation failed for {}/client/register invalid peer certificate: UnknownIssuer\n",
            emu.url()
        ),
    );
    assert_eq!(emu.request_lines(), Vec::<String>::new());
}

/// `AWS_CA_BUNDLE` (and `ca_bundle`, `--ca-bundle`) replace every other root, the trusted
/// CA of `SSL_CERT_FILE` included, as in v2; a bundle that is not PEM is refused.
#[test]
fn the_ca_bundle_still_overrides_everything() {
    let dir = tempfile::tempdir().unwrap();
    let (emu, ca_path) = tls_emulator(dir.path());
    let mut home = sandbox(&emu, CONFIG);
    let other = TestCa::new();
    let other_path = dir.path().join("other-ca.pem");
    other.write_ca_pem(&other_path).unwrap();
    home.set_env("SSL_CERT_FILE", &ca_path);
    home.set_env("AWS_CA_BUNDLE", &other_path.display().to_string());
    let out = home.run(&["sso", "login", "--profile", "dev", "--use-device-code"]);
    out.assert(
        255,
        "",
        &format!(
            "\nawsso: [ERROR]: SSL validation failed for {}/client/register invalid peer certificate: UnknownIssuer\n",
            emu.url()
        ),
    );
    // The bundle that names the CA works with no system store at all.
    home.remove_env("SSL_CERT_FILE");
    home.set_env("AWS_CA_BUNDLE", &ca_path);
    let (login, identity) = login_and_identity(&home);
    login.assert(0, SUCCESS, "");
    identity.assert(0, &admin_identity(), "");
    // A DER file is no bundle.
    let der = dir.path().join("ca.der");
    std::fs::write(&der, [0x30, 0x82, 0x03, 0x1e, 0x30, 0x82]).unwrap();
    home.set_env("AWS_CA_BUNDLE", &der.display().to_string());
    emu.clear_requests();
    home.run(&["sso", "login", "--profile", "dev", "--use-device-code"])
        .assert(
            255,
            "",
            &format!(
                "\nawsso: [ERROR]: Unable to load the CA bundle {}: it holds no PEM certificate (-----BEGIN CERTIFICATE-----)\n",
                der.display()
            ),
        );
    assert_eq!(emu.request_lines(), Vec::<String>::new());
}

/// `HTTPS_PROXY` with credentials: every request goes through the proxy's CONNECT tunnel,
/// and `--debug` shows the proxy with its credentials masked, never the password.
#[test]
fn https_goes_through_the_proxy_with_its_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let (emu, ca_path) = tls_emulator(dir.path());
    let proxy = Proxy::start(ProxyOptions::default().basic_auth("corp-user", "pr0xy-s3cret"));
    let mut home = sandbox(&emu, CONFIG);
    home.set_env("SSL_CERT_FILE", &ca_path);
    home.set_env("HTTPS_PROXY", &proxy.url_with_credentials().unwrap());
    let login = home.run(&[
        "sso",
        "login",
        "--profile",
        "dev",
        "--use-device-code",
        "--debug",
    ]);
    login.assert_code(0);
    assert_eq!(login.stdout, SUCCESS);
    let identity = home.run(&["sts", "get-caller-identity", "--profile", "dev", "--debug"]);
    identity.assert_code(0);
    assert_eq!(identity.stdout, admin_identity());
    let authority = emu.url().strip_prefix("https://").unwrap();
    let lines = proxy.request_lines();
    assert!(!lines.is_empty());
    assert!(
        lines.iter().all(|l| *l == format!("CONNECT {authority}")),
        "{lines:?}"
    );
    assert!(proxy.requests().iter().all(|r| r.status == Some(200)));
    let masked = format!(
        "Using the proxy http://***:***@{}",
        proxy.url().strip_prefix("http://").unwrap()
    );
    for out in [&login, &identity] {
        assert!(out.stderr.contains(&masked), "{}", out.stderr);
        assert!(!out.stderr.contains("pr0xy-s3cret"), "{}", out.stderr);
        assert!(!out.stderr.contains("corp-user"), "{}", out.stderr);
    }
    // Wrong credentials: botocore's ProxyConnectionError, masked.
    home.set_env(
        "HTTPS_PROXY",
        &proxy
            .url()
            .replacen("http://", "http://corp-user:wrong@", 1),
    );
    home.set_env("AWS_MAX_ATTEMPTS", "1");
    home.run(&["sso", "login", "--profile", "dev", "--use-device-code"])
        .assert(
            255,
            "",
            &format!(
                "\nawsso: [ERROR]: Failed to connect to proxy URL: \"http://***:***@{}\"\n",
                proxy.url().strip_prefix("http://").unwrap()
            ),
        );
}

/// `NO_PROXY` naming the emulator's host bypasses the proxy; `http_proxy` (lower case, for
/// `http://` endpoints) forwards in absolute form.
#[test]
fn no_proxy_bypasses_the_proxy_and_http_is_forwarded() {
    let dir = tempfile::tempdir().unwrap();
    let (emu, ca_path) = tls_emulator(dir.path());
    let proxy = Proxy::start(ProxyOptions::default());
    let mut home = sandbox(&emu, CONFIG);
    home.set_env("SSL_CERT_FILE", &ca_path);
    home.set_env("HTTPS_PROXY", proxy.url());
    home.set_env("NO_PROXY", "localhost,127.0.0.1");
    let (login, identity) = login_and_identity(&home);
    login.assert(0, SUCCESS, "");
    identity.assert(0, &admin_identity(), "");
    assert_eq!(proxy.request_lines(), Vec::<String>::new());
    assert!(!emu.request_lines().is_empty());

    let plain = Emulator::start(Options::default().auto_approve(true));
    let mut home = sandbox(&plain, CONFIG);
    home.set_env("http_proxy", proxy.url());
    home.set_env("HTTPS_PROXY", "http://127.0.0.1:9");
    let (login, identity) = login_and_identity(&home);
    login.assert(0, SUCCESS, "");
    identity.assert(0, &admin_identity(), "");
    let origin = plain.url();
    assert_eq!(
        proxy.request_lines(),
        [
            format!("POST {origin}/client/register"),
            format!("POST {origin}/device_authorization"),
            format!("POST {origin}/token"),
            format!("GET {origin}/federation/credentials?role_name=AdministratorAccess&account_id={ACCOUNT}"),
            format!("POST {origin}/"),
        ]
    );
}
