//! `awsso sso status`: every state (valid, refreshable, expired, none) and exit code (0, 1,
//! 253) in every output format and `--prompt`, read from files only.

use awsso::cache::role::{sso_key, SsoKey};
use awsso::cache::token::token_key;
use awsso_emulator::{Emulator, Options};

use crate::support::*;

const CONFIG: &str = "\
[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnly
region = us-east-1

[profile ops]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Admin

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1

[sso-session lab]
sso_start_url = https://lab.awsapps.com/start
sso_region = eu-west-1

[profile lab]
sso_session = lab

[sso-session old]
sso_start_url = https://old.awsapps.com/start
sso_region = us-east-1

[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-west-2
sso_account_id = 444455556666
sso_role_name = Dev

[profile plain]
region = us-east-1
";

/// `now + seconds` as the caches write times.
fn at(seconds: i64) -> String {
    (chrono::Utc::now() + chrono::TimeDelta::seconds(seconds))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// The instants the files below hold.
struct Times {
    /// corp's token: 6h12m (and 30 s) left.
    corp: String,
    /// lab's token: 5 minutes left, refreshable.
    lab: String,
    /// old's token: expired an hour ago, no refresh token.
    old: String,
    /// dev's role credentials.
    dev_credentials: String,
}

const REGISTRATION: &str = "2099-01-01T00:00:00Z";

fn write_token(home: &Sandbox, key: &str, start_url: &str, expires: &str, refresh: bool) {
    let refresh = if refresh {
        format!(
            r#", "clientId": "cid", "clientSecret": "csecret", "registrationExpiresAt": "{REGISTRATION}", "refreshToken": "rt""#
        )
    } else {
        String::new()
    };
    write_file(
        &home.sso_cache_dir().join(format!("{key}.json")),
        &format!(
            r#"{{"startUrl": "{start_url}", "region": "us-east-1", "accessToken": "at", "expiresAt": "{expires}"{refresh}}}"#
        ),
    );
}

/// The sandbox of most tests: corp valid, lab refreshable, old expired, the legacy start URL
/// without a token; dev's role credentials cached, ops's not.
fn sandbox() -> (Sandbox, Times) {
    let home = Sandbox::new();
    home.config(CONFIG);
    let times = Times {
        corp: at(6 * 3600 + 12 * 60 + 30),
        lab: at(5 * 60),
        old: at(-3600),
        dev_credentials: at(50 * 60),
    };
    write_token(
        &home,
        &token_key(Some("corp"), ""),
        "https://corp.awsapps.com/start",
        &times.corp,
        true,
    );
    write_token(
        &home,
        &token_key(Some("lab"), ""),
        "https://lab.awsapps.com/start",
        &times.lab,
        true,
    );
    write_token(
        &home,
        &token_key(Some("old"), ""),
        "https://old.awsapps.com/start",
        &times.old,
        false,
    );
    // A token no config entry names is not shown.
    write_token(
        &home,
        &token_key(Some("stray"), ""),
        "https://stray.awsapps.com/start",
        &times.corp,
        true,
    );
    let key = sso_key(&SsoKey::Session {
        account_id: "111122223333",
        role_name: "ReadOnly",
        session_name: "corp",
    });
    write_file(
        &home.cli_cache_dir().join(format!("{key}.json")),
        &format!(
            r#"{{"ProviderType": "sso", "Credentials": {{"AccessKeyId": "ASIA", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "{}", "AccountId": "111122223333"}}}}"#,
            times.dev_credentials
        ),
    );
    (home, times)
}

fn corp_json(t: &Times, indent: &str) -> String {
    let body = format!(
        r#"{{
    "Name": "corp",
    "StartUrl": "https://corp.awsapps.com/start",
    "Region": "us-east-1",
    "State": "valid",
    "ExpiresAt": "{}",
    "RegistrationExpiresAt": "{REGISTRATION}",
    "Profiles": [
        {{
            "Name": "dev",
            "AccountId": "111122223333",
            "RoleName": "ReadOnly",
            "CredentialsExpireAt": "{}"
        }},
        {{
            "Name": "ops",
            "AccountId": "111122223333",
            "RoleName": "Admin",
            "CredentialsExpireAt": null
        }}
    ]
}}"#,
        t.corp, t.dev_credentials
    );
    body.lines()
        .map(|l| format!("{indent}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn json_lists_every_session_and_legacy_start_url_and_exits_1_when_one_needs_a_browser() {
    let (home, t) = sandbox();
    let expected = format!(
        r#"{{
    "Sessions": [
{},
        {{
            "Name": "lab",
            "StartUrl": "https://lab.awsapps.com/start",
            "Region": "eu-west-1",
            "State": "refreshable",
            "ExpiresAt": "{}",
            "RegistrationExpiresAt": "{REGISTRATION}",
            "Profiles": [
                {{
                    "Name": "lab",
                    "AccountId": null,
                    "RoleName": null,
                    "CredentialsExpireAt": null
                }}
            ]
        }},
        {{
            "Name": "old",
            "StartUrl": "https://old.awsapps.com/start",
            "Region": "us-east-1",
            "State": "expired",
            "ExpiresAt": "{}",
            "RegistrationExpiresAt": null,
            "Profiles": []
        }},
        {{
            "Name": "https://legacy.awsapps.com/start",
            "StartUrl": "https://legacy.awsapps.com/start",
            "Region": "us-west-2",
            "State": "none",
            "ExpiresAt": null,
            "RegistrationExpiresAt": null,
            "Profiles": [
                {{
                    "Name": "legacy",
                    "AccountId": "444455556666",
                    "RoleName": "Dev",
                    "CredentialsExpireAt": null
                }}
            ]
        }}
    ]
}}
"#,
        corp_json(&t, "        "),
        t.lab,
        t.old
    );
    home.run(&["sso", "status"]).assert(1, &expected, "");
    // The alias, and `--output json` given explicitly.
    home.run(&["status", "--output", "json"])
        .assert(1, &expected, "");
}

#[test]
fn prompt_prints_one_line_per_session() {
    let (home, _) = sandbox();
    home.run(&["sso", "status", "--prompt"]).assert(
        1,
        "corp 6h12m\nlab refresh\nold expired\nhttps://legacy.awsapps.com/start none\n",
        "",
    );
    // --output and --query do not apply to the prompt line.
    home.run(&[
        "status",
        "--prompt",
        "--profile",
        "dev",
        "--output",
        "table",
        "--query",
        "x",
    ])
    .assert(0, "corp 6h12m\n", "");
    home.run(&["status", "--prompt", "--profile", "lab"])
        .assert(0, "lab refresh\n", "");
    home.run(&["status", "--prompt", "--sso-session", "old"])
        .assert(1, "old expired\n", "");
    home.run(&["status", "--prompt", "--profile", "legacy"])
        .assert(1, "https://legacy.awsapps.com/start none\n", "");
}

#[test]
fn under_an_hour_the_prompt_shows_minutes() {
    let home = Sandbox::new();
    home.config(
        "[sso-session s]\nsso_start_url = https://s.awsapps.com/start\nsso_region = us-east-1\n",
    );
    write_token(
        &home,
        &token_key(Some("s"), ""),
        "https://s.awsapps.com/start",
        &at(42 * 60 + 30),
        false,
    );
    home.run(&["status", "--prompt"]).assert(0, "s 42m\n", "");
}

#[test]
fn narrowed_to_one_session_by_profile_flag_or_sso_session() {
    let (home, t) = sandbox();
    let corp = format!(
        "{{\n    \"Sessions\": [\n{}\n    ]\n}}\n",
        corp_json(&t, "        ")
    );
    home.run(&["sso", "status", "--profile", "dev"])
        .assert(0, &corp, "");
    home.run(&["sso", "status", "--sso-session", "corp"])
        .assert(0, &corp, "");
    // --sso-session wins over --profile, as in sso login and logout.
    home.run(&[
        "sso",
        "status",
        "--sso-session",
        "corp",
        "--profile",
        "legacy",
    ])
    .assert(0, &corp, "");
    // AWS_PROFILE does not narrow (as in sso logout): the prompt of a shell with a profile
    // exported still lists every session.
    let mut home = home;
    home.set_env("AWS_PROFILE", "dev");
    home.run(&["status", "--prompt"]).assert(
        1,
        "corp 6h12m\nlab refresh\nold expired\nhttps://legacy.awsapps.com/start none\n",
        "",
    );
}

#[test]
fn text_table_yaml_and_query_print_the_same_model() {
    let (home, t) = sandbox();
    let args = |format: &'static str| ["sso", "status", "--profile", "dev", "--output", format];
    home.run(&args("text")).assert(
        0,
        &format!(
            "SESSIONS\t{}\tcorp\tus-east-1\t{REGISTRATION}\thttps://corp.awsapps.com/start\tvalid\nPROFILES\t111122223333\t{}\tdev\tReadOnly\nPROFILES\t111122223333\tNone\tops\tAdmin\n",
            t.corp, t.dev_credentials
        ),
        "",
    );
    home.run(&args("yaml")).assert(
        0,
        &format!(
            "Sessions:\n- ExpiresAt: '{}'\n  Name: corp\n  Profiles:\n  - AccountId: '111122223333'\n    CredentialsExpireAt: '{}'\n    Name: dev\n    RoleName: ReadOnly\n  - AccountId: '111122223333'\n    CredentialsExpireAt: null\n    Name: ops\n    RoleName: Admin\n  Region: us-east-1\n  RegistrationExpiresAt: '{REGISTRATION}'\n  StartUrl: https://corp.awsapps.com/start\n  State: valid\n",
            t.corp, t.dev_credentials
        ),
        "",
    );
    home.run(&args("table")).assert(
        0,
        &format!(
            "\
------------------------------------------------------------------
|                            SsoStatus                           |
+----------------------------------------------------------------+
||                           Sessions                           ||
|+-------------------------+------------------------------------+|
||  ExpiresAt              |  {}              ||
||  Name                   |  corp                              ||
||  Region                 |  us-east-1                         ||
||  RegistrationExpiresAt  |  {REGISTRATION}              ||
||  StartUrl               |  https://corp.awsapps.com/start    ||
||  State                  |  valid                             ||
|+-------------------------+------------------------------------+|
|||                          Profiles                          |||
||+---------------+------------------------+-------+-----------+||
|||   AccountId   |  CredentialsExpireAt   | Name  | RoleName  |||
||+---------------+------------------------+-------+-----------+||
|||  111122223333 |  {}  |  dev  |  ReadOnly |||
|||  111122223333 |  None                  |  ops  |  Admin    |||
||+---------------+------------------------+-------+-----------+||
",
            t.corp, t.dev_credentials
        ),
        "",
    );
    home.run(&[
        "status",
        "--query",
        "Sessions[?State!='valid'].[Name, State]",
        "--output",
        "text",
    ])
    .assert(
        1,
        "lab\trefreshable\nold\texpired\nhttps://legacy.awsapps.com/start\tnone\n",
        "",
    );
    home.run(&["status", "--query", "Sessions[0].Profiles[].Name"])
        .assert(1, "[\n    \"dev\",\n    \"ops\"\n]\n", "");
}

#[test]
fn a_profile_that_does_not_exist_or_has_no_sso_settings_is_253() {
    let (home, _) = sandbox();
    for prompt in [false, true] {
        let mut args = vec!["sso", "status", "--profile", "ghost"];
        if prompt {
            args.push("--prompt");
        }
        home.run(&args).assert(
            253,
            "",
            "\nawsso: [ERROR]: An error occurred (Configuration): The config profile (ghost) could not be found\n",
        );
    }
    home.run(&["status", "--profile", "plain"]).assert(
        253,
        "",
        "\nawsso: [ERROR]: An error occurred (Configuration): Missing the following required SSO configuration values: sso_start_url, sso_region. To make sure this profile is properly configured to use SSO, please run: awsso configure sso\n",
    );
    home.run(&["status", "--sso-session", "nope", "--prompt"]).assert(
        253,
        "",
        "\nawsso: [ERROR]: An error occurred (Configuration): The specified sso-session does not exist: \"nope\"\n",
    );
    home.run(&["sso", "status", "--nope"]).assert(
        252,
        "",
        "\nawsso: [ERROR]: An error occurred (ParamValidation): Unknown options: --nope\n",
    );
}

#[test]
fn a_config_without_sso_sessions_lists_nothing_and_exits_0() {
    let home = Sandbox::new();
    home.run(&["sso", "status"])
        .assert(0, "{\n    \"Sessions\": []\n}\n", "");
    home.config("[profile plain]\nregion = us-east-1\n");
    home.run(&["sso", "status", "--prompt"]).assert(0, "", "");
    home.run(&["sso", "status", "--output", "text"])
        .assert(0, "", "");
}

#[test]
fn an_unreadable_token_file_is_none_and_nothing_is_requested_or_written() {
    let emu = Emulator::start(Options::default());
    let (mut home, _) = sandbox();
    home.endpoints(emu.url());
    write_file(
        &home
            .sso_cache_dir()
            .join(format!("{}.json", token_key(Some("old"), ""))),
        "{broken",
    );
    let before: Vec<(String, Vec<u8>)> = Sandbox::list_dir(&home.sso_cache_dir())
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(home.sso_cache_dir().join(&name)).unwrap();
            (name, bytes)
        })
        .collect();
    home.run(&["status", "--prompt"]).assert(
        1,
        "corp 6h12m\nlab refresh\nold none\nhttps://legacy.awsapps.com/start none\n",
        "",
    );
    home.run(&["status"]).assert_code(1);
    // The refreshable token was not refreshed, no file changed, and no request was made.
    let after: Vec<(String, Vec<u8>)> = Sandbox::list_dir(&home.sso_cache_dir())
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(home.sso_cache_dir().join(&name)).unwrap();
            (name, bytes)
        })
        .collect();
    assert_eq!(before, after);
    assert_eq!(emu.request_lines(), Vec::<String>::new());
}

#[test]
fn every_state_in_text_yaml_and_table() {
    let (home, t) = sandbox();
    // Without dev's role credentials, so every time in the output is a session's.
    for name in Sandbox::list_dir(&home.cli_cache_dir()) {
        std::fs::remove_file(home.cli_cache_dir().join(name)).unwrap();
    }
    let (corp, lab, old) = (&t.corp, &t.lab, &t.old);
    home.run(&["sso", "status", "--output", "text"]).assert(
        1,
        &format!(
            "\
SESSIONS\t{corp}\tcorp\tus-east-1\t{REGISTRATION}\thttps://corp.awsapps.com/start\tvalid
PROFILES\t111122223333\tNone\tdev\tReadOnly
PROFILES\t111122223333\tNone\tops\tAdmin
SESSIONS\t{lab}\tlab\teu-west-1\t{REGISTRATION}\thttps://lab.awsapps.com/start\trefreshable
PROFILES\tNone\tNone\tlab\tNone
SESSIONS\t{old}\told\tus-east-1\tNone\thttps://old.awsapps.com/start\texpired
SESSIONS\tNone\thttps://legacy.awsapps.com/start\tus-west-2\tNone\thttps://legacy.awsapps.com/start\tnone
PROFILES\t444455556666\tNone\tlegacy\tDev
"
        ),
        "",
    );
    home.run(&["sso", "status", "--output", "yaml"]).assert(
        1,
        &format!(
            "\
Sessions:
- ExpiresAt: '{corp}'
  Name: corp
  Profiles:
  - AccountId: '111122223333'
    CredentialsExpireAt: null
    Name: dev
    RoleName: ReadOnly
  - AccountId: '111122223333'
    CredentialsExpireAt: null
    Name: ops
    RoleName: Admin
  Region: us-east-1
  RegistrationExpiresAt: '{REGISTRATION}'
  StartUrl: https://corp.awsapps.com/start
  State: valid
- ExpiresAt: '{lab}'
  Name: lab
  Profiles:
  - AccountId: null
    CredentialsExpireAt: null
    Name: lab
    RoleName: null
  Region: eu-west-1
  RegistrationExpiresAt: '{REGISTRATION}'
  StartUrl: https://lab.awsapps.com/start
  State: refreshable
- ExpiresAt: '{old}'
  Name: old
  Profiles: []
  Region: us-east-1
  RegistrationExpiresAt: null
  StartUrl: https://old.awsapps.com/start
  State: expired
- ExpiresAt: null
  Name: https://legacy.awsapps.com/start
  Profiles:
  - AccountId: '444455556666'
    CredentialsExpireAt: null
    Name: legacy
    RoleName: Dev
  Region: us-west-2
  RegistrationExpiresAt: null
  StartUrl: https://legacy.awsapps.com/start
  State: none
"
        ),
        "",
    );
    home.run(&["sso", "status", "--output", "table"]).assert(
        1,
        &format!(
            "\
-----------------------------------------------------------------
|                           SsoStatus                           |
+---------------------------------------------------------------+
||                          Sessions                           ||
|+-------------------------+-----------------------------------+|
||  ExpiresAt              |  {corp}             ||
||  Name                   |  corp                             ||
||  Region                 |  us-east-1                        ||
||  RegistrationExpiresAt  |  {REGISTRATION}             ||
||  StartUrl               |  https://corp.awsapps.com/start   ||
||  State                  |  valid                            ||
|+-------------------------+-----------------------------------+|
|||                         Profiles                          |||
||+---------------+-----------------------+-------+-----------+||
|||   AccountId   |  CredentialsExpireAt  | Name  | RoleName  |||
||+---------------+-----------------------+-------+-----------+||
|||  111122223333 |  None                 |  dev  |  ReadOnly |||
|||  111122223333 |  None                 |  ops  |  Admin    |||
||+---------------+-----------------------+-------+-----------+||
||                          Sessions                           ||
|+-------------------------+-----------------------------------+|
||  ExpiresAt              |  {lab}             ||
||  Name                   |  lab                              ||
||  Region                 |  eu-west-1                        ||
||  RegistrationExpiresAt  |  {REGISTRATION}             ||
||  StartUrl               |  https://lab.awsapps.com/start    ||
||  State                  |  refreshable                      ||
|+-------------------------+-----------------------------------+|
|||                         Profiles                          |||
||+-------------------------------------------+---------------+||
|||  AccountId                                |  None         |||
|||  CredentialsExpireAt                      |  None         |||
|||  Name                                     |  lab          |||
|||  RoleName                                 |  None         |||
||+-------------------------------------------+---------------+||
||                          Sessions                           ||
|+-------------------------+-----------------------------------+|
||  ExpiresAt              |  {old}             ||
||  Name                   |  old                              ||
||  Region                 |  us-east-1                        ||
||  RegistrationExpiresAt  |  None                             ||
||  StartUrl               |  https://old.awsapps.com/start    ||
||  State                  |  expired                          ||
|+-------------------------+-----------------------------------+|
||                          Sessions                           ||
|+------------------------+------------------------------------+|
||  ExpiresAt             |  None                              ||
||  Name                  |  https://legacy.awsapps.com/start  ||
||  Region                |  us-west-2                         ||
||  RegistrationExpiresAt |  None                              ||
||  StartUrl              |  https://legacy.awsapps.com/start  ||
||  State                 |  none                              ||
|+------------------------+------------------------------------+|
|||                         Profiles                          |||
||+----------------------------------+------------------------+||
|||  AccountId                       |  444455556666          |||
|||  CredentialsExpireAt             |  None                  |||
|||  Name                            |  legacy                |||
|||  RoleName                        |  Dev                   |||
||+----------------------------------+------------------------+||
"
        ),
        "",
    );
}
