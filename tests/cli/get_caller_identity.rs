//! End-to-end tests of `awsso sts get-caller-identity` and `awsso configure
//! export-credentials`: every provider of the credential chain against the emulator, SSO
//! token refresh and expiry, the role-credentials cache (one HTTP call the second time), and
//! every output format and several `--query`s compared live with the AWS CLI.

use std::path::PathBuf;

use awsso::cache::role::{self, AssumeRoleKey, SsoKey};
use awsso_emulator::{assumed_role_identity, Directory, Emulator, Options};
use chrono::{DateTime, TimeDelta, Utc};

use crate::support::*;

pub const ACCOUNT: &str = "111122223333";
pub const START_URL: &str = "https://d-1234567890.awsapps.com/start";
pub const LEGACY_URL: &str = "https://d-9999999999.awsapps.com/start";

/// Profiles of every kind the chain knows, all in the default directory's account.
pub const CONFIG: &str = "\
[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = AdministratorAccess
region = us-east-1

[profile old]
sso_start_url = https://d-9999999999.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = ReadOnlyAccess

[profile cfgkeys]
aws_access_key_id = AKIAEMULATORSTATIC01
aws_secret_access_key = emulatorStaticSecretKey0000000000000001

[profile admin]
role_arn = arn:aws:iam::111122223333:role/Admin
role_session_name = awsso-test
source_profile = ci

[profile deploy]
role_arn = arn:aws:iam::444455556666:role/Deploy
role_session_name = chained
source_profile = dev

[sso-session corp]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
";

pub const CREDENTIALS: &str = "\
[ci]
aws_access_key_id = AKIAEMULATORSTATIC01
aws_secret_access_key = emulatorStaticSecretKey0000000000000001
";

pub const CI_BOT_JSON: &str = "{\n    \"UserId\": \"AIDAEMULATORCIBOT0001\",\n    \"Account\": \"111122223333\",\n    \"Arn\": \"arn:aws:iam::111122223333:user/ci-bot\"\n}\n";

/// An emulator and a sandbox pointed at it, with [`CONFIG`] and [`CREDENTIALS`].
pub fn setup(options: Options) -> (Emulator, Sandbox) {
    let emu = Emulator::start(options);
    let mut sandbox = Sandbox::new();
    sandbox.endpoints(emu.url());
    sandbox.config(CONFIG);
    sandbox.credentials(CREDENTIALS);
    (emu, sandbox)
}

/// `{"UserId": ..., "Account": ..., "Arn": ...}` as v2 prints it.
pub fn identity_json(user_id: &str, account: &str, arn: &str) -> String {
    format!(
        "{{\n    \"UserId\": \"{user_id}\",\n    \"Account\": \"{account}\",\n    \"Arn\": \"{arn}\"\n}}\n"
    )
}

/// The identity of the default user in an SSO role.
pub fn sso_identity(role: &str) -> (String, String) {
    let (arn, user_id) = Directory::default().sso_role_identity(ACCOUNT, role);
    (user_id, arn)
}

pub fn sso_json(role: &str) -> String {
    let (user_id, arn) = sso_identity(role);
    identity_json(&user_id, ACCOUNT, &arn)
}

fn iso(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Writes an SSO token for the emulator's user in botocore's layout; `key` is the session
/// name or the legacy start URL. Returns the access token.
pub fn write_token(
    sandbox: &Sandbox,
    emu: &Emulator,
    key: &str,
    start_url: &str,
    expires_in: TimeDelta,
) -> String {
    let token = emu.issue_token_for_tests();
    let body = format!(
        "{{\"startUrl\": \"{start_url}\", \"region\": \"us-east-1\", \"accessToken\": \"{token}\", \"expiresAt\": \"{}\"}}",
        iso(Utc::now() + expires_in)
    );
    write_file(&token_path(sandbox, key), &body);
    token
}

pub fn token_path(sandbox: &Sandbox, key: &str) -> PathBuf {
    sandbox
        .sso_cache_dir()
        .join(format!("{}.json", awsso::cache::sha1_hex(key.as_bytes())))
}

pub fn dev_role_cache(sandbox: &Sandbox) -> PathBuf {
    awsso::cache::entry_path(
        &sandbox.cli_cache_dir(),
        &role::sso_key(&SsoKey::Session {
            account_id: ACCOUNT,
            role_name: "AdministratorAccess",
            session_name: "corp",
        }),
    )
}

fn read_json(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

const NO_CREDENTIALS: &str = "\nawsso: [ERROR]: An error occurred (NoCredentials): Unable to locate credentials. You can configure credentials by running \"awsso login\".\n";

// ----- SSO -----

#[test]
fn sso_session_profile_caches_role_credentials_for_the_next_call() {
    let (emu, sandbox) = setup(Options::default());
    write_token(&sandbox, &emu, "corp", START_URL, TimeDelta::hours(8));
    let expected = sso_json("AdministratorAccess");

    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "dev"])
        .assert(0, &expected, "");
    assert_eq!(
        emu.request_lines(),
        ["GET /federation/credentials", "POST /"]
    );

    // The AWS CLI's file: its key, its layout, private.
    let path = dev_role_cache(&sandbox);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("{\"ProviderType\": \"sso\", \"Credentials\": {\"AccessKeyId\": \"ASIA"),
        "{text}"
    );
    let cached = read_json(&path);
    let creds = &cached["Credentials"];
    let keys: Vec<&String> = creds.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "AccessKeyId",
            "SecretAccessKey",
            "SessionToken",
            "Expiration",
            "AccountId"
        ]
    );
    assert_eq!(creds["AccountId"], ACCOUNT);
    let issued = emu
        .credentials(creds["AccessKeyId"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        creds["Expiration"],
        iso(DateTime::<Utc>::from(issued.expiration.unwrap()))
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    // Second call: the cached role credentials, one HTTP call (STS). The alias too.
    emu.clear_requests();
    sandbox
        .run(&["get-caller-identity", "--profile", "dev"])
        .assert(0, &expected, "");
    assert_eq!(emu.request_lines(), ["POST /"]);
}

#[test]
fn role_credentials_within_15_minutes_of_expiry_are_fetched_again() {
    let (emu, sandbox) = setup(Options::default());
    write_token(&sandbox, &emu, "corp", START_URL, TimeDelta::hours(8));
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "dev"])
        .assert_code(0);
    let path = dev_role_cache(&sandbox);
    let mut cached = read_json(&path);
    cached["Credentials"]["Expiration"] = iso(Utc::now() + TimeDelta::minutes(14)).into();
    std::fs::write(&path, cached.to_string()).unwrap();
    emu.clear_requests();
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "dev"])
        .assert(0, &sso_json("AdministratorAccess"), "");
    assert_eq!(
        emu.request_lines(),
        ["GET /federation/credentials", "POST /"]
    );
    // A corrupt entry is a miss, then overwritten.
    std::fs::write(&path, "{not json").unwrap();
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "dev"])
        .assert(0, &sso_json("AdministratorAccess"), "");
    assert_eq!(read_json(&path)["ProviderType"], "sso");
}

#[test]
fn legacy_profile_uses_its_start_url_token() {
    let (emu, sandbox) = setup(Options::default());
    write_token(&sandbox, &emu, LEGACY_URL, LEGACY_URL, TimeDelta::hours(1));
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "old"])
        .assert(0, &sso_json("ReadOnlyAccess"), "");
    let key = role::sso_key(&SsoKey::Legacy {
        account_id: ACCOUNT,
        role_name: "ReadOnlyAccess",
        start_url: LEGACY_URL,
    });
    assert!(awsso::cache::entry_path(&sandbox.cli_cache_dir(), &key).exists());
}

#[test]
fn expired_legacy_token_is_rejected_without_a_call() {
    let (emu, sandbox) = setup(Options::default());
    write_token(
        &sandbox,
        &emu,
        LEGACY_URL,
        LEGACY_URL,
        TimeDelta::minutes(-1),
    );
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "old"])
        .assert(
            255,
            "",
            "\nawsso: [ERROR]: The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run awsso sso login --profile old\n",
        );
    assert!(emu.request_lines().is_empty());
}

#[test]
fn missing_token_names_the_session() {
    let (emu, sandbox) = setup(Options::default());
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "dev"])
        .assert(
            255,
            "",
            "\nawsso: [ERROR]: Error loading SSO Token: Token for corp does not exist\n",
        );
    assert!(emu.request_lines().is_empty());
}

/// No regular file where the token would be (a file in place of the cache directory, a
/// directory in place of the token file) is a missing token, as botocore's `isfile` check.
#[test]
fn no_token_file_in_a_broken_cache_is_a_missing_token() {
    let (_emu, sandbox) = setup(Options::default());
    let missing = "\nawsso: [ERROR]: Error loading SSO Token: Token for corp does not exist\n";
    std::fs::create_dir_all(token_path(&sandbox, "corp")).unwrap();
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "dev"])
        .assert(255, "", missing);
    std::fs::remove_dir_all(sandbox.sso_cache_dir()).unwrap();
    write_file(&sandbox.sso_cache_dir(), "not a directory");
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "dev"])
        .assert(255, "", missing);
}

#[test]
fn expired_session_token_that_cannot_be_refreshed_names_the_login_command() {
    let (emu, sandbox) = setup(Options::default());
    write_token(&sandbox, &emu, "corp", START_URL, TimeDelta::minutes(-5));
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "dev"])
        .assert(
            255,
            "",
            "\nawsso: [ERROR]: Error when retrieving token from sso: Token has expired and refresh failed. To refresh this SSO session run: awsso sso login --profile dev\n",
        );
    assert!(emu.request_lines().is_empty());
}

/// Two processes refresh the same expired token at once: the other one wins and uses up
/// the single-use refresh token. This one's refresh fails, but the other's fresh token is in
/// the cache by then: use it instead of failing with "refresh failed".
#[test]
fn a_refresh_lost_to_a_parallel_process_uses_its_token() {
    let (emu, mut sandbox) = setup(Options::default());
    let session = emu.sign_in_for_tests();
    let path = token_path(&sandbox, "corp");
    write_file(
        &path,
        &format!(
            r#"{{"startUrl": "{START_URL}", "region": "us-east-1", "accessToken": "stale", "expiresAt": "2020-01-01T00:00:00Z", "clientId": "{}", "clientSecret": "{}", "registrationExpiresAt": "2099-01-01T00:00:00Z", "refreshToken": "used-up"}}"#,
            session.client_id, session.client_secret
        ),
    );
    let fresh = format!(
        r#"{{"startUrl": "{START_URL}", "region": "us-east-1", "accessToken": "{}", "expiresAt": "2099-01-01T00:00:00Z"}}"#,
        session.access_token
    );
    let oidc = answer_server(
        400,
        br#"{"error":"invalid_grant","error_description":"Invalid refresh token"}"#,
        move || write_file(&path, &fresh),
    );
    sandbox.set_env("AWS_ENDPOINT_URL_SSO_OIDC", &oidc);
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "dev"])
        .assert(0, &sso_json("AdministratorAccess"), "");
}

/// Many processes find the same token due for a refresh at once (a shell prompt in several
/// terminals): the token file's lock lets one refresh it, and the others use what it cached.
/// Refresh tokens are single use, so without the lock most of them would fail.
#[test]
fn parallel_refreshes_of_one_token_make_one_refresh_call() {
    // Refreshed tokens live 20 minutes: outside the 15-minute window, so one refresh is
    // enough for everyone.
    let (emu, sandbox) = setup(Options::default().token_ttl(std::time::Duration::from_secs(1200)));
    let session = emu.sign_in_for_tests();
    write_token_due_for_refresh(&token_path(&sandbox, "corp"), START_URL, &session);
    for output in sandbox.run_parallel(&["sts", "get-caller-identity", "--profile", "dev"], 8) {
        output.assert(0, &sso_json("AdministratorAccess"), "");
    }
    let refreshes = emu
        .request_lines()
        .iter()
        .filter(|line| *line == "POST /token")
        .count();
    assert_eq!(refreshes, 1);
}

#[test]
fn revoked_token_is_the_expired_session_message() {
    let (emu, sandbox) = setup(Options::default());
    write_token(&sandbox, &emu, "corp", START_URL, TimeDelta::hours(8));
    emu.revoke_all_tokens();
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "dev"])
        .assert(
            255,
            "",
            "\nawsso: [ERROR]: The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run awsso sso login --profile dev\n",
        );
    assert_eq!(emu.request_lines(), ["GET /federation/credentials"]);
}

#[test]
fn device_login_then_identity_then_silent_refresh() {
    // Tokens live 10 minutes: inside botocore's 15-minute window, so each use refreshes.
    let (emu, sandbox) = setup(
        Options::default()
            .auto_approve(true)
            .token_ttl(std::time::Duration::from_secs(600)),
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
    let before = read_json(&token_path(&sandbox, "corp"));
    emu.clear_requests();
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "dev"])
        .assert(0, &sso_json("AdministratorAccess"), "");
    assert_eq!(
        emu.request_lines(),
        ["POST /token", "GET /federation/credentials", "POST /"]
    );
    let after = read_json(&token_path(&sandbox, "corp"));
    assert_ne!(before["accessToken"], after["accessToken"]);
    assert_eq!(after["startUrl"], START_URL);
    // The role credentials are cached: no token needed for the next call.
    emu.clear_requests();
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "dev"])
        .assert(0, &sso_json("AdministratorAccess"), "");
    assert_eq!(emu.request_lines(), ["POST /"]);
}

// ----- the other providers -----

#[test]
fn environment_is_used_with_aws_profile_but_skipped_under_an_explicit_profile() {
    let (emu, mut sandbox) = setup(Options::default());
    write_token(&sandbox, &emu, "corp", START_URL, TimeDelta::hours(8));
    sandbox
        .set_env("AWS_ACCESS_KEY_ID", "AKIAEMULATORSTATIC01")
        .set_env(
            "AWS_SECRET_ACCESS_KEY",
            "emulatorStaticSecretKey0000000000000001",
        )
        .set_env("AWS_PROFILE", "dev");
    sandbox
        .run(&["sts", "get-caller-identity"])
        .assert(0, CI_BOT_JSON, "");
    assert_eq!(emu.request_lines(), ["POST /"]);
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "dev"])
        .assert(0, &sso_json("AdministratorAccess"), "");
    // The AWS CLI agrees on both.
    let aws = aws_cli();
    sandbox
        .run_program(&aws, &["sts", "get-caller-identity"])
        .assert(0, CI_BOT_JSON, "");
    sandbox
        .run_program(&aws, &["sts", "get-caller-identity", "--profile", "dev"])
        .assert(0, &sso_json("AdministratorAccess"), "");
}

#[test]
fn credentials_file_process_and_config_keys() {
    let (emu, sandbox) = setup(Options::default());
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "ci"])
        .assert(0, CI_BOT_JSON, "");
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "cfgkeys"])
        .assert(0, CI_BOT_JSON, "");
    let script = sandbox.home().join("creds.sh");
    write_file(
        &script,
        "#!/bin/sh\nprintf '{\"Version\": 1, \"AccessKeyId\": \"AKIAEMULATORSTATIC01\", \"SecretAccessKey\": \"emulatorStaticSecretKey0000000000000001\"}'\n",
    );
    sandbox.config(&format!(
        "{CONFIG}\n[profile proc]\ncredential_process = sh {}\n",
        script.display()
    ));
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "proc"])
        .assert(0, CI_BOT_JSON, "");
    assert_eq!(emu.request_lines(), ["POST /", "POST /", "POST /"]);
}

#[test]
fn credential_process_failure_is_botocore_s_message() {
    let (_emu, sandbox) = setup(Options::default());
    sandbox.config("[default]\ncredential_process = sh -c 'echo nope >&2; exit 1'\n");
    sandbox.run(&["sts", "get-caller-identity"]).assert(
        255,
        "",
        "\nawsso: [ERROR]: Error when retrieving credentials from custom-process: nope\n",
    );
}

#[test]
fn assume_role_from_a_static_source_is_cached_and_shared_with_the_aws_cli() {
    let (emu, mut sandbox) = setup(Options::default());
    // AWS CLI v1 insists on a region (v2 and awsso fall back to the global endpoint).
    sandbox.set_env("AWS_DEFAULT_REGION", "us-east-1");
    let (arn, user_id) = assumed_role_identity(ACCOUNT, "Admin", "awsso-test");
    let expected = identity_json(&user_id, ACCOUNT, &arn);
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "admin"])
        .assert(0, &expected, "");
    let requests = emu.requests();
    assert_eq!(emu.request_lines(), ["POST /", "POST /"]);
    let body = requests[0].body.clone();
    assert_eq!(
        body,
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2FAdmin&RoleSessionName=awsso-test"
    );
    let key = role::assume_role_key(&AssumeRoleKey {
        role_arn: "arn:aws:iam::111122223333:role/Admin",
        role_session_name: Some("awsso-test"),
        ..Default::default()
    });
    let cached = read_json(&awsso::cache::entry_path(&sandbox.cli_cache_dir(), &key));
    assert!(cached["Credentials"]["Expiration"]
        .as_str()
        .unwrap()
        .ends_with("UTC"));
    assert_eq!(cached["Credentials"]["AccountId"], ACCOUNT);

    emu.clear_requests();
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "admin"])
        .assert(0, &expected, "");
    assert_eq!(emu.request_lines(), ["POST /"]);
    // The AWS CLI reads the same entry: no AssumeRole either.
    emu.clear_requests();
    sandbox
        .run_program(
            &aws_cli(),
            &["sts", "get-caller-identity", "--profile", "admin"],
        )
        .assert(0, &expected, "");
    assert_eq!(emu.request_lines(), ["POST /"]);
}

#[test]
fn assume_role_chained_on_an_sso_source() {
    let (emu, sandbox) = setup(Options::default());
    write_token(&sandbox, &emu, "corp", START_URL, TimeDelta::hours(8));
    let (arn, user_id) = assumed_role_identity("444455556666", "Deploy", "chained");
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "deploy"])
        .assert(0, &identity_json(&user_id, "444455556666", &arn), "");
    assert_eq!(
        emu.request_lines(),
        ["GET /federation/credentials", "POST /", "POST /"]
    );
    // As in v2, a source profile's SSO credentials are not written to the file cache.
    assert!(!dev_role_cache(&sandbox).exists());
}

#[test]
fn no_credentials_anywhere_is_253() {
    let emu = Emulator::start(Options::default());
    let mut sandbox = Sandbox::new();
    sandbox.endpoints(emu.url());
    sandbox
        .run(&["sts", "get-caller-identity"])
        .assert(253, "", NO_CREDENTIALS);
    sandbox.config("[profile empty]\nregion = eu-west-1\n");
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "empty"])
        .assert(253, "", NO_CREDENTIALS);
    assert!(emu.request_lines().is_empty());
}

/// botocore reads a config or credentials path that is not a regular file as a missing
/// file (`os.path.isfile`), as the other commands do: not a parse error.
#[test]
fn a_directory_in_place_of_the_config_files_is_an_empty_config() {
    let emu = Emulator::start(Options::default());
    let mut sandbox = Sandbox::new();
    sandbox.endpoints(emu.url());
    std::fs::create_dir_all(sandbox.config_path()).unwrap();
    std::fs::create_dir_all(sandbox.aws_dir().join("credentials")).unwrap();
    sandbox
        .run(&["sts", "get-caller-identity"])
        .assert(253, "", NO_CREDENTIALS);
    sandbox
        .run(&["configure", "export-credentials"])
        .assert_code(253);
    assert!(emu.request_lines().is_empty());
}

/// botocore checks the client region before it resolves credentials, and a region never
/// becomes part of a host name unchecked (an SSO profile's `sso_region` sends the token).
#[test]
fn regions_that_are_not_regions_are_refused_before_any_call() {
    let (emu, sandbox) = setup(Options::default());
    write_token(&sandbox, &emu, "corp", START_URL, TimeDelta::hours(8));
    emu.clear_requests();
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "ci", "--region", "bad region"])
        .assert(
            255,
            "",
            "\nawsso: [ERROR]: Provided region_name 'bad region' doesn't match a supported format.\n",
        );
    sandbox.config(&CONFIG.replace(
        "sso_region = us-east-1\nsso_registration_scopes",
        "sso_region = x@evil.example#\nsso_registration_scopes",
    ));
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "dev"])
        .assert(
            255,
            "",
            "\nawsso: [ERROR]: Provided region_name 'x@evil.example#' doesn't match a supported format.\n",
        );
    assert!(emu.request_lines().is_empty());
}

#[test]
fn missing_profile_is_255() {
    let (_emu, sandbox) = setup(Options::default());
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "nope"])
        .assert(
            255,
            "",
            "\nawsso: [ERROR]: The config profile (nope) could not be found\n",
        );
}

#[test]
fn sso_configuration_errors_are_v2_s() {
    let (_emu, sandbox) = setup(Options::default());
    sandbox.config("[profile p]\nsso_account_id = 1\nsso_session = gone\n");
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "p"])
        .assert(
            255,
            "",
            "\nawsso: [ERROR]: The specified sso-session does not exist: \"gone\"\n",
        );
    sandbox.config("[profile p]\nsso_role_name = R\n");
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "p"])
        .assert(
            255,
            "",
            "\nawsso: [ERROR]: The profile \"p\" is configured to use SSO but is missing required configuration: sso_account_id, sso_start_url, sso_region\n",
        );
}

#[test]
fn sts_errors_are_service_errors() {
    let (emu, mut sandbox) = setup(Options::default());
    sandbox
        .set_env("AWS_ACCESS_KEY_ID", "AKIAUNKNOWN000000000")
        .set_env("AWS_SECRET_ACCESS_KEY", "x");
    sandbox.run(&["sts", "get-caller-identity"]).assert(
        254,
        "",
        "\nawsso: [ERROR]: An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid\n",
    );
    assert_eq!(emu.request_lines(), ["POST /"]);
}

/// Something that is not STS on the STS endpoint (a captive portal, a proxy page): a
/// 200 without the result document fails instead of printing nothing with exit 0, and a
/// proxy's HTML 5xx reads as botocore's generic error.
#[test]
fn html_from_the_sts_endpoint_is_an_error() {
    let (_emu, mut sandbox) = setup(Options::default());
    let page = fixed_answer_server(200, b"<html><body>Welcome</body></html>");
    sandbox.set_env("AWS_ENDPOINT_URL_STS", &page);
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "ci"])
        .assert(
            255,
            "",
            "\nawsso: [ERROR]: Unable to parse response for the GetCallerIdentity operation: missing GetCallerIdentityResult\n",
        );
    let gateway = fixed_answer_server(502, b"<html><body>Bad gateway</body></html>");
    sandbox
        .set_env("AWS_ENDPOINT_URL_STS", &gateway)
        .set_env("AWS_MAX_ATTEMPTS", "1");
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "ci"])
        .assert(
            254,
            "",
            "\nawsso: [ERROR]: An error occurred (502) when calling the GetCallerIdentity operation (reached max retries: 0): Bad Gateway\n",
        );
}

#[test]
fn throttled_sts_calls_are_retried() {
    let (emu, sandbox) = setup(Options::default());
    emu.set_faults(|f| f.throttle_next = 1);
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "ci"])
        .assert(0, CI_BOT_JSON, "");
    assert_eq!(emu.request_lines(), ["POST /", "POST /"]);
}

#[test]
fn sts_goes_to_the_regional_endpoint_or_global_signed_for_us_east_1() {
    let (emu, sandbox) = setup(Options::default());
    sandbox
        .run(&[
            "sts",
            "get-caller-identity",
            "--profile",
            "ci",
            "--region",
            "eu-west-1",
        ])
        .assert_code(0);
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "ci"])
        .assert_code(0);
    let scopes: Vec<String> = emu
        .requests()
        .iter()
        .map(|r| {
            let auth = r.header("authorization").unwrap();
            auth.split('/').nth(2).unwrap().to_owned()
        })
        .collect();
    assert_eq!(scopes, ["eu-west-1", "us-east-1"]);
    let request = &emu.requests()[0];
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded; charset=utf-8")
    );
    assert!(request
        .header("authorization")
        .unwrap()
        .contains("SignedHeaders=content-type;host;x-amz-date, "));
}

#[test]
fn endpoint_url_flag_applies_to_sts_and_service_variables_to_theirs() {
    let (emu, mut sandbox) = setup(Options::default());
    write_token(&sandbox, &emu, "corp", START_URL, TimeDelta::hours(8));
    // STS's own variable points at a closed port: only --endpoint-url can reach STS, and
    // the portal (GetRoleCredentials) must keep its own variable.
    let url = emu.url().to_owned();
    sandbox
        .remove_env("AWS_ENDPOINT_URL")
        .set_env("AWS_ENDPOINT_URL_SSO", &url)
        .set_env("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9");
    sandbox
        .run(&[
            "sts",
            "get-caller-identity",
            "--profile",
            "dev",
            "--endpoint-url",
            &url,
        ])
        .assert(0, &sso_json("AdministratorAccess"), "");
    assert_eq!(
        emu.request_lines(),
        ["GET /federation/credentials", "POST /"]
    );
}

#[test]
fn debug_output_never_shows_secrets() {
    let (emu, sandbox) = setup(Options::default());
    let token = write_token(&sandbox, &emu, "corp", START_URL, TimeDelta::hours(8));
    let out = sandbox.run(&["sts", "get-caller-identity", "--profile", "dev", "--debug"]);
    out.assert_code(0);
    let cached = read_json(&dev_role_cache(&sandbox));
    for secret in [
        token.as_str(),
        cached["Credentials"]["SecretAccessKey"].as_str().unwrap(),
        cached["Credentials"]["SessionToken"].as_str().unwrap(),
    ] {
        assert!(!out.stderr.contains(secret), "secret in --debug output");
    }
}

// ----- output, compared with the AWS CLI -----

#[test]
fn every_format_and_query_matches_the_aws_cli() {
    let (emu, sandbox) = setup(Options::default());
    write_token(&sandbox, &emu, "corp", START_URL, TimeDelta::hours(8));
    let (user_id, arn) = sso_identity("AdministratorAccess");
    // Fills the shared role cache, so both tools sign with the same credentials.
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "dev"])
        .assert(0, &sso_json("AdministratorAccess"), "");
    let cases: &[&[&str]] = &[
        &[],
        &["--output", "json"],
        &["--output", "text"],
        &["--output", "table"],
        &["--query", "Account", "--output", "text"],
        &["--query", "Account"],
        &["--query", "Arn", "--output", "text"],
        &["--query", "[Account, UserId]", "--output", "text"],
        &["--query", "[Account, UserId]", "--output", "json"],
        &[
            "--query",
            "{id: UserId, account: Account}",
            "--output",
            "table",
        ],
        &[
            "--query",
            "{id: UserId, account: Account}",
            "--output",
            "text",
        ],
        &["--query", "Account", "--output", "table"],
        &["--query", "Nothing", "--output", "json"],
        &["--query", "Nothing", "--output", "text"],
        &["--query", "length(Arn)", "--output", "json"],
    ];
    let aws = aws_cli();
    for extra in cases {
        let mut args = vec!["sts", "get-caller-identity", "--profile", "dev"];
        args.extend_from_slice(extra);
        let ours = sandbox.run(&args);
        let theirs = sandbox.run_program(&aws, &args);
        assert_eq!(
            (ours.code, ours.stdout.as_str(), ours.stderr.as_str()),
            (theirs.code, theirs.stdout.as_str(), theirs.stderr.as_str()),
            "awsso (left) and aws (right) differ for {extra:?}"
        );
    }
    // Pinned too, so the comparison cannot pass with both wrong.
    sandbox
        .run(&[
            "get-caller-identity",
            "--profile",
            "dev",
            "--output",
            "text",
        ])
        .assert(0, &format!("{ACCOUNT}\t{arn}\t{user_id}\n"), "");
    sandbox
        .run(&[
            "sts",
            "get-caller-identity",
            "--profile",
            "dev",
            "--query",
            "Account",
            "--output",
            "text",
        ])
        .assert(0, &format!("{ACCOUNT}\n"), "");
    sandbox
        .run(&[
            "sts",
            "get-caller-identity",
            "--profile",
            "dev",
            "--output",
            "off",
        ])
        .assert(0, "", "");
}

/// yaml has no live oracle (AWS CLI v1 lacks it): v2's `YAMLDumper` rules (block style, keys
/// sorted by ruamel's safe representer, numeric-looking strings quoted).
#[test]
fn yaml_output_follows_v2_rules() {
    let (emu, sandbox) = setup(Options::default());
    write_token(&sandbox, &emu, "corp", START_URL, TimeDelta::hours(8));
    let (user_id, arn) = sso_identity("AdministratorAccess");
    sandbox
        .run(&[
            "sts",
            "get-caller-identity",
            "--profile",
            "dev",
            "--output",
            "yaml",
        ])
        .assert(
            0,
            &format!("Account: '{ACCOUNT}'\nArn: {arn}\nUserId: {user_id}\n"),
            "",
        );
}

#[test]
fn a_bad_query_is_a_usage_error_before_any_call() {
    let (emu, sandbox) = setup(Options::default());
    let out = sandbox.run(&[
        "sts",
        "get-caller-identity",
        "--profile",
        "ci",
        "--query",
        "[?",
    ]);
    out.assert_code(252);
    assert!(
        out.stderr.starts_with(
            "\nawsso: [ERROR]: An error occurred (ParamValidation): Bad value for --query [?: "
        ),
        "{}",
        out.stderr
    );
    assert!(emu.request_lines().is_empty());
}

// ----- export-credentials -----

/// The cached role credentials of `dev` as export-credentials prints them.
fn dev_exports(sandbox: &Sandbox) -> (String, String, String, String) {
    let cached = read_json(&dev_role_cache(sandbox));
    let c = &cached["Credentials"];
    let text = |k: &str| c[k].as_str().unwrap().to_owned();
    let expiry = text("Expiration").replace('Z', "+00:00");
    (
        text("AccessKeyId"),
        text("SecretAccessKey"),
        text("SessionToken"),
        expiry,
    )
}

#[test]
fn export_credentials_in_every_format() {
    let (emu, sandbox) = setup(Options::default());
    write_token(&sandbox, &emu, "corp", START_URL, TimeDelta::hours(8));
    let export = |format: &str| {
        sandbox.run(&[
            "configure",
            "export-credentials",
            "--profile",
            "dev",
            "--format",
            format,
        ])
    };
    export("process").assert_code(0);
    let (key, secret, token, expiry) = dev_exports(&sandbox);
    emu.clear_requests();
    export("process").assert(
        0,
        &format!("{{\n  \"Version\": 1,\n  \"AccessKeyId\": \"{key}\",\n  \"SecretAccessKey\": \"{secret}\",\n  \"SessionToken\": \"{token}\",\n  \"Expiration\": \"{expiry}\"\n}}\n"),
        "",
    );
    sandbox
        .run(&["configure", "export-credentials", "--profile", "dev"])
        .assert(0, &export("process").stdout, "");
    export("env").assert(
        0,
        &format!("export AWS_ACCESS_KEY_ID={key}\nexport AWS_SECRET_ACCESS_KEY={secret}\nexport AWS_SESSION_TOKEN={token}\nexport AWS_CREDENTIAL_EXPIRATION={expiry}\n"),
        "",
    );
    export("env-no-export").assert(
        0,
        &format!("AWS_ACCESS_KEY_ID={key}\nAWS_SECRET_ACCESS_KEY={secret}\nAWS_SESSION_TOKEN={token}\nAWS_CREDENTIAL_EXPIRATION={expiry}\n"),
        "",
    );
    export("powershell").assert(
        0,
        &format!("$Env:AWS_ACCESS_KEY_ID=\"{key}\"\n$Env:AWS_SECRET_ACCESS_KEY=\"{secret}\"\n$Env:AWS_SESSION_TOKEN=\"{token}\"\n$Env:AWS_CREDENTIAL_EXPIRATION=\"{expiry}\"\n"),
        "",
    );
    export("windows-cmd").assert(
        0,
        &format!("set AWS_ACCESS_KEY_ID={key}\nset AWS_SECRET_ACCESS_KEY={secret}\nset AWS_SESSION_TOKEN={token}\nset AWS_CREDENTIAL_EXPIRATION={expiry}\n"),
        "",
    );
    export("fish").assert(
        0,
        &format!("set -gx AWS_ACCESS_KEY_ID \"{key}\"\nset -gx AWS_SECRET_ACCESS_KEY \"{secret}\"\nset -gx AWS_SESSION_TOKEN \"{token}\"\nset -gx AWS_CREDENTIAL_EXPIRATION \"{expiry}\"\n"),
        "",
    );
    // All from the role cache: no call at all.
    assert!(emu.request_lines().is_empty());
    // Static keys have no token and no expiry.
    sandbox
        .run(&["configure", "export-credentials", "--profile", "ci", "--format", "env"])
        .assert(
            0,
            "export AWS_ACCESS_KEY_ID=AKIAEMULATORSTATIC01\nexport AWS_SECRET_ACCESS_KEY=emulatorStaticSecretKey0000000000000001\n",
            "",
        );
}

#[test]
fn exported_env_drives_the_aws_cli_and_process_format_drives_any_sdk() {
    let (emu, mut sandbox) = setup(Options::default());
    // AWS CLI v1 insists on a region (v2 and awsso fall back to the global endpoint).
    sandbox.set_env("AWS_DEFAULT_REGION", "us-east-1");
    write_token(&sandbox, &emu, "corp", START_URL, TimeDelta::hours(8));
    let awsso = awsso_bin();
    let aws = aws_cli();
    let script = format!(
        "eval \"$('{}' configure export-credentials --profile dev --format env)\" && exec '{}' sts get-caller-identity",
        awsso.display(),
        aws.display()
    );
    sandbox
        .run_program(std::path::Path::new("/bin/sh"), &["-c", &script])
        .assert(0, &sso_json("AdministratorAccess"), "");
    // credential_process = awsso configure export-credentials ...: the AWS CLI and awsso.
    sandbox.config(&format!(
        "{CONFIG}\n[profile viaexport]\ncredential_process = {} configure export-credentials --profile dev\n",
        awsso.display()
    ));
    sandbox
        .run_program(
            &aws,
            &["sts", "get-caller-identity", "--profile", "viaexport"],
        )
        .assert(0, &sso_json("AdministratorAccess"), "");
    sandbox
        .run(&["sts", "get-caller-identity", "--profile", "viaexport"])
        .assert(0, &sso_json("AdministratorAccess"), "");
}

#[test]
fn export_credentials_guards_against_credential_process_loops() {
    let (_emu, mut sandbox) = setup(Options::default());
    let awsso = awsso_bin();
    sandbox.config(&format!(
        "[profile loop]\ncredential_process = {} configure export-credentials --profile loop\n",
        awsso.display()
    ));
    sandbox
        .run(&["configure", "export-credentials", "--profile", "loop"])
        .assert(
            253,
            "",
            "\nawsso: [ERROR]: An error occurred (Configuration): Unable to retrieve credentials: Error when retrieving credentials from custom-process: \nawsso: [ERROR]: An error occurred (Configuration): Credential process resolution detected an infinite loop, profile cycle: loop -> loop\n",
        );
    sandbox.set_env("_AWS_CLI_PROFILE_CHAIN", "a,b,c,d");
    sandbox
        .run(&["configure", "export-credentials", "--profile", "ci"])
        .assert(
            253,
            "",
            "\nawsso: [ERROR]: An error occurred (Configuration): Maximum recursive credential process resolution reached (4).\nProfiles seen: a -> b -> c -> d\n",
        );
}

#[test]
fn export_credentials_errors_are_v2_s() {
    let (emu, sandbox) = setup(Options::default());
    sandbox.config("[profile empty]\nregion = x\n[profile p]\nsso_role_name = R\n[profile dev]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n");
    sandbox
        .run(&["configure", "export-credentials", "--profile", "empty"])
        .assert(
            253,
            "",
            "\nawsso: [ERROR]: An error occurred (Configuration): Unable to retrieve credentials: no credentials found\n",
        );
    sandbox
        .run(&["configure", "export-credentials", "--profile", "nope"])
        .assert(
            255,
            "",
            "\nawsso: [ERROR]: The config profile (nope) could not be found\n",
        );
    // Raised while loading providers: wrapped.
    sandbox
        .run(&["configure", "export-credentials", "--profile", "p"])
        .assert(
            253,
            "",
            "\nawsso: [ERROR]: An error occurred (Configuration): Unable to retrieve credentials: The profile \"p\" is configured to use SSO but is missing required configuration: sso_account_id, sso_start_url, sso_region\n",
        );
    // Raised when the SSO credentials are fetched: as is.
    sandbox
        .run(&["configure", "export-credentials", "--profile", "dev"])
        .assert(
            255,
            "",
            "\nawsso: [ERROR]: Error loading SSO Token: Token for corp does not exist\n",
        );
    assert!(emu.request_lines().is_empty());
}
