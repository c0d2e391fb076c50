//! End-to-end tests of `configure sso` and `configure sso-session`: the real prompts in a
//! pseudo-terminal (whole 80x24 screens), the flag-only mode, and the config file written,
//! byte for byte, comments and unrelated sections included.

use awsso_emulator::{Account, Directory, Emulator, Options};

use crate::support::pty::{keys, Pty};
use crate::support::vanity::VanityServer;
use crate::support::*;

/// A config a user already has: comments, blank lines, odd spacing and unrelated sections,
/// all of which must come out untouched.
const EXISTING: &str =
    "# my settings\n[default]\nregion = eu-west-1\n\n[profile other]\n# keep me\noutput=text\n";

fn sandbox_with(config: &str) -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.config(config);
    sandbox
}

fn read_config(sandbox: &Sandbox) -> String {
    std::fs::read_to_string(sandbox.config_path()).expect("config file")
}

#[test]
fn sso_session_prompts_validate_and_write_the_session() {
    let sandbox = sandbox_with(EXISTING);
    let mut pty = Pty::spawn(&sandbox, &["configure", "sso-session"]);
    pty.expect_screen("SSO session name:");
    pty.send(keys::ENTER);
    pty.expect_screen("SSO session name:\nA value is required");
    pty.send("my-sso");
    pty.expect_screen("SSO session name: my-sso");
    pty.send(keys::ENTER);
    pty.expect_screen("SSO session name: my-sso\nSSO start URL [None]:");
    pty.send("my-sso-portal.awsapps.com/start\r");
    pty.expect_screen(
        "SSO session name: my-sso\nSSO start URL [None]: my-sso-portal.awsapps.com/start\nNot a valid Start URL",
    );
    pty.send(keys::CTRL_U);
    pty.send("https://my-sso-portal.awsapps.com/start\r");
    pty.expect_screen(
        "SSO session name: my-sso\nSSO start URL [None]: https://my-sso-portal.awsapps.com/start\nSSO region [None]:",
    );
    pty.send("us-east-1\r");
    pty.wait_for("SSO registration scopes [sso:account:access]:");
    pty.send("sso:account:access other\r");
    pty.wait_for("Scope values must be separated by commas");
    pty.send(keys::CTRL_U);
    pty.send("sso:account:access, other\r");
    assert_eq!(pty.wait(), 0);
    assert_eq!(
        pty.screen(),
        "SSO session name: my-sso\n\
         SSO start URL [None]: https://my-sso-portal.awsapps.com/start\n\
         SSO region [None]: us-east-1\n\
         SSO registration scopes [sso:account:access]: sso:account:access, other\n\
         \n\
         Completed configuring SSO session: my-sso\n\
         Run the following to login and refresh access token for this session:\n\
         \n\
         awsso sso login --sso-session my-sso"
    );
    assert_eq!(
        read_config(&sandbox),
        format!("{EXISTING}[sso-session my-sso]\nsso_start_url = https://my-sso-portal.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access, other\n")
    );
}

#[test]
fn sso_session_shows_existing_values_as_defaults() {
    let config = "[sso-session corp]\n# region below\nsso_region=eu-west-1\nsso_start_url = https://corp.awsapps.com/start\n[profile x]\nsso_session = corp\n";
    let sandbox = sandbox_with(config);
    let mut pty = Pty::spawn(&sandbox, &["configure", "sso-session"]);
    pty.expect_screen("SSO session name:");
    pty.send("corp");
    // v2's toolbar while the text names an existing session.
    let rule = "\u{2500}".repeat(80);
    pty.expect_screen(
        &[
            "SSO session name: corp",
            &rule,
            "Configuration for SSO session: corp",
            "",
            "{",
            "  \"sso_region\": \"eu-west-1\",",
            "  \"sso_start_url\": \"https://corp.awsapps.com/start\"",
            "}",
        ]
        .join("\n"),
    );
    pty.send(keys::ENTER);
    pty.expect_screen("SSO session name: corp\nSSO start URL [https://corp.awsapps.com/start]:");
    pty.send(keys::ENTER);
    pty.wait_for("SSO region [eu-west-1]:");
    pty.send("eu-central-1\r");
    pty.wait_for("SSO registration scopes [sso:account:access]:");
    pty.send(keys::ENTER);
    assert_eq!(pty.wait(), 0);
    assert_eq!(
        pty.screen(),
        "SSO session name: corp\n\
         SSO start URL [https://corp.awsapps.com/start]:\n\
         SSO region [eu-west-1]: eu-central-1\n\
         SSO registration scopes [sso:account:access]:\n\
         \n\
         Completed configuring SSO session: corp\n\
         Run the following to login and refresh access token for this session:\n\
         \n\
         awsso sso login --sso-session corp"
    );
    // The unchanged start URL keeps its line; the region is rewritten in place; the scopes
    // default is a new key after the section's last key.
    assert_eq!(
        read_config(&sandbox),
        "[sso-session corp]\n# region below\nsso_region = eu-central-1\nsso_start_url = https://corp.awsapps.com/start\nsso_registration_scopes = sso:account:access\n[profile x]\nsso_session = corp\n"
    );
}

#[test]
fn sso_session_ctrl_c_writes_nothing() {
    let sandbox = sandbox_with(EXISTING);
    let mut pty = Pty::spawn(&sandbox, &["configure", "sso-session"]);
    pty.expect_screen("SSO session name:");
    pty.send("abc");
    pty.expect_screen("SSO session name: abc");
    pty.send(keys::CTRL_C);
    assert_eq!(pty.wait(), 130);
    assert_eq!(pty.screen(), "SSO session name: abc");
    // The newline v2 prints on an interrupt follows the line break after the prompt.
    assert_eq!(pty.cursor(), (2, 0));
    assert_eq!(read_config(&sandbox), EXISTING);
}

#[test]
fn sso_session_with_flags_asks_nothing() {
    let sandbox = sandbox_with(EXISTING);
    sandbox
        .run(&[
            "configure",
            "sso-session",
            "--sso-session",
            "ci",
            "--sso-start-url",
            "https://ci.awsapps.com/start",
            "--sso-region",
            "us-west-2",
        ])
        .assert(
            0,
            "\nCompleted configuring SSO session: ci\nRun the following to login and refresh access token for this session:\n\nawsso sso login --sso-session ci\n",
            "",
        );
    assert_eq!(
        read_config(&sandbox),
        format!("{EXISTING}[sso-session ci]\nsso_start_url = https://ci.awsapps.com/start\nsso_region = us-west-2\nsso_registration_scopes = sso:account:access\n")
    );
}

#[test]
fn sso_session_in_a_pty_skips_prompts_answered_by_flags() {
    let sandbox = sandbox_with("");
    let mut pty = Pty::spawn(
        &sandbox,
        &[
            "configure",
            "sso-session",
            "--sso-session",
            "s1",
            "--sso-region",
            "us-east-2",
        ],
    );
    pty.expect_screen("SSO start URL [None]:");
    pty.send("https://s1.awsapps.com/start\r");
    pty.wait_for("SSO registration scopes [sso:account:access]:");
    pty.send(keys::ENTER);
    assert_eq!(pty.wait(), 0);
    assert_eq!(
        read_config(&sandbox),
        "[sso-session s1]\nsso_start_url = https://s1.awsapps.com/start\nsso_region = us-east-2\nsso_registration_scopes = sso:account:access\n"
    );
}

#[test]
fn non_interactive_sso_session_names_every_missing_flag() {
    let sandbox = sandbox_with(EXISTING);
    sandbox.run(&["configure", "sso-session"]).assert(
        252,
        "",
        "\nawsso: [ERROR]: Missing required flags for a non-interactive configure sso-session: --sso-session, --sso-start-url, --sso-region\n",
    );
    sandbox
        .run(&["configure", "sso-session", "--sso-session", "x", "--sso-start-url", "nope"])
        .assert(
            252,
            "",
            "\nawsso: [ERROR]: An error occurred (ParamValidation): argument --sso-start-url: Not a valid Start URL\n",
        );
    assert_eq!(read_config(&sandbox), EXISTING);
}

#[test]
fn non_interactive_configure_sso_fails_before_signing_in() {
    let sandbox = sandbox_with(EXISTING);
    // No endpoint is configured at all: reaching the network would fail differently.
    sandbox.run(&["configure", "sso"]).assert(
        252,
        "",
        "\nawsso: [ERROR]: Missing required flags for a non-interactive configure sso: --sso-start-url, --sso-region\n",
    );
    sandbox
        .run(&["configure", "sso", "--sso-session", "new", "--sso-region", "us-east-1"])
        .assert(
            252,
            "",
            "\nawsso: [ERROR]: Missing required flags for a non-interactive configure sso: --sso-start-url\n",
        );
    sandbox
        .run(&["configure", "sso", "--all-roles", "--sso-region", "us-east-1"])
        .assert(
            252,
            "",
            "\nawsso: [ERROR]: Missing required flags for a non-interactive configure sso: --sso-session\n",
        );
    sandbox
        .run(&["configure", "sso", "--all-roles", "--profile-template", "{nope}"])
        .assert(
            252,
            "",
            "\nawsso: [ERROR]: An error occurred (ParamValidation): argument --profile-template: invalid template '{nope}': use {account_name}, {account_id}, {role_name}, {email_address}\n",
        );
    sandbox
        .run(&["configure", "sso", "--output-format", "xml"])
        .assert(
            252,
            "",
            "\nawsso: [ERROR]: An error occurred (ParamValidation): argument --output-format: Found invalid choice 'xml'\nValid choices are: json, text, table, yaml, yaml-stream, off\n",
        );
    assert_eq!(read_config(&sandbox), EXISTING);
}

#[test]
fn existing_session_with_missing_keys_is_a_configuration_error() {
    let config = "[sso-session half]\nsso_start_url = https://half.awsapps.com/start\n";
    let sandbox = sandbox_with(config);
    sandbox
        .run(&["configure", "sso", "--sso-session", "half"])
        .assert(
            253,
            "",
            "\nawsso: [ERROR]: An error occurred (Configuration): Missing the following required SSO configuration values: sso_region.\n",
        );
    assert_eq!(read_config(&sandbox), config);
}

const START_URL: &str = "https://my-sso-portal.awsapps.com/start";

/// An emulator that approves device codes at once, so the wizard's sign-in needs no browser
/// (with auto-approval the login prints nothing: its first poll already has the token).
fn emulator(directory: Option<Directory>) -> Emulator {
    let mut options = Options::default().auto_approve(true);
    if let Some(directory) = directory {
        options = options.directory(directory);
    }
    Emulator::start(options)
}

fn sandbox_for(emu: &Emulator, config: &str) -> Sandbox {
    let mut sandbox = sandbox_with(config);
    sandbox.endpoints(emu.url());
    sandbox
}

/// `count` accounts `Team NN`, `teamNN@example.com`, `1000000000NN`, each with `roles`.
fn teams(count: usize, roles: &[&str]) -> Directory {
    Directory {
        user: "jane@example.com".into(),
        accounts: (1..=count)
            .map(|i| Account {
                account_id: format!("{:012}", 100_000_000_000u64 + i as u64),
                account_name: format!("Team {i:02}"),
                email_address: format!("team{i:02}@example.com"),
                roles: roles.iter().map(|r| r.to_string()).collect(),
            })
            .collect(),
        users: Vec::new(),
    }
}

const WIZARD_FLAGS: &[&str] = &["configure", "sso", "--use-device-code", "--no-browser"];

/// Answers the four session prompts of a new session.
fn answer_new_session(pty: &mut Pty, name: &str) {
    pty.expect_screen("SSO session name (Recommended):");
    pty.send(&format!("{name}\r"));
    pty.wait_for("SSO start URL [None]:");
    pty.send(&format!("{START_URL}\r"));
    pty.wait_for("SSO region [None]:");
    pty.send("us-east-1\r");
    pty.wait_for("SSO registration scopes [sso:account:access]:");
    pty.send(keys::ENTER);
}

const NEW_SESSION_SCREEN: &[&str] = &[
    "SSO session name (Recommended): my-sso",
    "SSO start URL [None]: https://my-sso-portal.awsapps.com/start",
    "SSO region [None]: us-east-1",
    "SSO registration scopes [sso:account:access]:",
];

/// A screen from its rows.
fn rows(parts: &[&[&str]]) -> String {
    parts.concat().join("\n")
}

#[test]
fn wizard_with_a_new_session() {
    let emu = emulator(None);
    let sandbox = sandbox_for(&emu, EXISTING);
    let mut pty = Pty::spawn(&sandbox, WIZARD_FLAGS);
    answer_new_session(&mut pty, "my-sso");
    let accounts = ["There are 3 AWS accounts available to you."];
    pty.expect_screen(&rows(&[
        NEW_SESSION_SCREEN,
        &accounts,
        &[
            "> Development, dev@example.com (111122223333)",
            "  Production, prod@example.com (444455556666)",
            "  Sandbox, sandbox@example.com (777788889999)",
        ],
    ]));
    assert_eq!(
        pty.cursor(),
        (5, 0),
        "the cursor sits on the selected row, as v2's"
    );
    pty.send(keys::UP);
    pty.expect_screen(&rows(&[
        NEW_SESSION_SCREEN,
        &accounts,
        &[
            "  Development, dev@example.com (111122223333)",
            "  Production, prod@example.com (444455556666)",
            "> Sandbox, sandbox@example.com (777788889999)",
        ],
    ]));
    pty.send(keys::DOWN);
    pty.wait_for("> Development");
    pty.send(keys::ENTER);
    let chosen = [
        "Using the account ID 111122223333",
        "There are 2 roles available to you.",
    ];
    pty.expect_screen(&rows(&[
        NEW_SESSION_SCREEN,
        &accounts,
        &chosen,
        &["> AdministratorAccess", "  ReadOnlyAccess"],
    ]));
    pty.send(keys::DOWN);
    pty.wait_for("> ReadOnlyAccess");
    pty.send(keys::ENTER);
    pty.wait_for("Default client Region [eu-west-1]:");
    pty.send("us-west-2\r");
    pty.wait_for("CLI default output format (json if not specified) [None]:");
    pty.send("json\r");
    pty.wait_for("Profile name [ReadOnlyAccess-111122223333]:");
    pty.send(keys::ENTER);
    assert_eq!(pty.wait(), 0);
    assert_eq!(
        pty.screen(),
        rows(&[
            NEW_SESSION_SCREEN,
            &accounts,
            &chosen,
            &[
                "Using the role name \"ReadOnlyAccess\"",
                "Default client Region [eu-west-1]: us-west-2",
                "CLI default output format (json if not specified) [None]: json",
                "Profile name [ReadOnlyAccess-111122223333]:",
                "To use this profile, specify the profile name using --profile, as shown:",
                "",
                "awsso sts get-caller-identity --profile ReadOnlyAccess-111122223333",
            ],
        ])
    );
    assert_eq!(
        read_config(&sandbox),
        format!(
            "{EXISTING}[profile ReadOnlyAccess-111122223333]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = ReadOnlyAccess\nregion = us-west-2\noutput = json\n[sso-session my-sso]\nsso_start_url = {START_URL}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n"
        )
    );
    assert_eq!(
        emu.request_lines(),
        [
            "POST /client/register",
            "POST /device_authorization",
            "POST /token",
            "GET /assignment/accounts",
            "GET /assignment/accounts",
            "GET /assignment/roles",
        ]
    );
    // The token is cached under the session's name, where `sso login` and the AWS CLI look.
    let key = "0ad374308c5a4e22f723adf10145eafad7c4031c.json";
    assert!(Sandbox::list_dir(&sandbox.sso_cache_dir()).contains(&key.to_owned()));
}

#[test]
fn wizard_filters_a_long_account_list() {
    let emu = emulator(Some(teams(25, &["Admin"])));
    let sandbox = sandbox_for(&emu, "");
    let mut args = WIZARD_FLAGS.to_vec();
    args.extend([
        "--region",
        "eu-west-1",
        "--output-format",
        "text",
        "--profile-name",
        "t21",
    ]);
    let mut pty = Pty::spawn(&sandbox, &args);
    answer_new_session(&mut pty, "my-sso");
    let header = ["There are 25 AWS accounts available to you."];
    let first_ten: Vec<String> = (1..=10)
        .map(|i| {
            let cursor = if i == 1 { '>' } else { ' ' };
            format!("{cursor} Team {i:02}, team{i:02}@example.com (1000000000{i:02})")
        })
        .collect();
    let first_ten: Vec<&str> = first_ten.iter().map(String::as_str).collect();
    pty.expect_screen(&rows(&[
        NEW_SESSION_SCREEN,
        &header,
        &first_ten,
        &["Type to filter (25 total)"],
    ]));
    pty.send("2");
    pty.expect_screen(&rows(&[
        NEW_SESSION_SCREEN,
        &header,
        &[
            "> Team 02, team02@example.com (100000000002)",
            "  Team 12, team12@example.com (100000000012)",
            "  Team 20, team20@example.com (100000000020)",
            "  Team 21, team21@example.com (100000000021)",
            "  Team 22, team22@example.com (100000000022)",
            "  Team 23, team23@example.com (100000000023)",
            "  Team 24, team24@example.com (100000000024)",
            "  Team 25, team25@example.com (100000000025)",
            "",
            "",
            "Filter: 2 (8 of 25)",
        ],
    ]));
    pty.send("1");
    pty.expect_screen(&rows(&[
        NEW_SESSION_SCREEN,
        &header,
        &["> Team 21, team21@example.com (100000000021)"],
        &["", "", "", "", "", "", "", "", ""],
        &["Filter: 21 (1 of 25)"],
    ]));
    pty.send(keys::ENTER);
    assert_eq!(pty.wait(), 0);
    assert_eq!(
        pty.screen(),
        rows(&[
            NEW_SESSION_SCREEN,
            &header,
            &[
                "Using the account ID 100000000021",
                "The only role available to you is: Admin",
                "Using the role name \"Admin\"",
                "To use this profile, specify the profile name using --profile, as shown:",
                "",
                "awsso sts get-caller-identity --profile t21",
            ],
        ])
    );
    assert_eq!(
        read_config(&sandbox),
        format!("[profile t21]\nsso_session = my-sso\nsso_account_id = 100000000021\nsso_role_name = Admin\nregion = eu-west-1\noutput = text\n[sso-session my-sso]\nsso_start_url = {START_URL}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n")
    );
}

#[test]
fn wizard_legacy_with_the_only_account_into_default() {
    let emu = emulator(Some(teams(1, &["Admin"])));
    let sandbox = sandbox_for(&emu, EXISTING);
    let mut pty = Pty::spawn(&sandbox, &["configure", "sso", "--no-browser"]);
    pty.expect_screen("SSO session name (Recommended):");
    pty.send(keys::ENTER);
    let legacy = [
        "SSO session name (Recommended):",
        "WARNING: Configuring using legacy format (e.g. without an SSO session).",
        "Consider re-running \"configure sso\" command and providing a session name.",
    ];
    pty.expect_screen(&rows(&[&legacy, &["SSO start URL [None]:"]]));
    pty.send(&format!("{START_URL}\r"));
    pty.wait_for("SSO region [None]:");
    pty.send("eu-central-1\r");
    pty.wait_for("Default client Region [eu-west-1]:");
    pty.send(keys::ENTER);
    pty.wait_for("CLI default output format (json if not specified) [None]:");
    pty.send(keys::ENTER);
    pty.wait_for("Profile name [Admin-100000000001]:");
    pty.send("default\r");
    assert_eq!(pty.wait(), 0);
    assert_eq!(
        pty.screen(),
        rows(&[
            &legacy,
            &[
                "SSO start URL [None]: https://my-sso-portal.awsapps.com/start",
                "SSO region [None]: eu-central-1",
                "The only AWS account available to you is: 100000000001",
                "Using the account ID 100000000001",
                "The only role available to you is: Admin",
                "Using the role name \"Admin\"",
                "Default client Region [eu-west-1]:",
                "CLI default output format (json if not specified) [None]:",
                "Profile name [Admin-100000000001]: default",
                "The AWS CLI is now configured to use the default profile.",
                "Run the following command to verify your configuration:",
                "",
                "awsso sts get-caller-identity",
            ],
        ])
    );
    // The warning is bold, with raw ANSI codes as v2 prints them.
    assert!(pty.raw_output().contains("\x1b[1mWARNING: Configuring using legacy format (e.g. without an SSO session).\r\nConsider re-running \"configure sso\" command and providing a session name.\r\n\x1b[0m"));
    // Legacy keys in the profile, no session; the unchanged region keeps its line, new keys
    // follow the section's last key, before the blank line.
    assert_eq!(
        read_config(&sandbox),
        format!("# my settings\n[default]\nregion = eu-west-1\nsso_start_url = {START_URL}\nsso_region = eu-central-1\nsso_account_id = 100000000001\nsso_role_name = Admin\n\n[profile other]\n# keep me\noutput=text\n")
    );
    // Legacy sign-in is always the device flow.
    assert!(emu
        .request_lines()
        .contains(&"POST /device_authorization".to_owned()));
}

/// The flag-only run the re-run tests start from: nothing asked, v2's lines.
fn configure_dev_with_flags(sandbox: &Sandbox) {
    sandbox
        .run(&[
            "configure",
            "sso",
            "--use-device-code",
            "--no-browser",
            "--profile",
            "dev",
            "--sso-session",
            "my-sso",
            "--sso-start-url",
            START_URL,
            "--sso-region",
            "us-east-1",
            "--account-id",
            "111122223333",
            "--role-name",
            "AdministratorAccess",
            "--region",
            "us-west-2",
            "--output-format",
            "json",
        ])
        .assert(
            0,
            "Using the account ID 111122223333\nUsing the role name \"AdministratorAccess\"\nTo use this profile, specify the profile name using --profile, as shown:\n\nawsso sts get-caller-identity --profile dev\n",
            "",
        );
}

const DEV_PROFILE: &str = "[profile dev]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = AdministratorAccess\nregion = us-west-2\noutput = json\n[sso-session my-sso]\nsso_start_url = https://my-sso-portal.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n";

#[test]
fn flags_only_configure_sso_asks_nothing() {
    let emu = emulator(None);
    let sandbox = sandbox_for(&emu, EXISTING);
    configure_dev_with_flags(&sandbox);
    assert_eq!(read_config(&sandbox), format!("{EXISTING}{DEV_PROFILE}"));
    // Both flags given: no ListAccounts; the role is checked against ListAccountRoles.
    assert_eq!(
        emu.request_lines(),
        [
            "POST /client/register",
            "POST /device_authorization",
            "POST /token",
            "GET /assignment/roles",
        ]
    );
}

#[test]
fn rerun_on_an_existing_profile_shows_its_values_and_reuses_the_token() {
    let emu = emulator(None);
    let sandbox = sandbox_for(&emu, EXISTING);
    configure_dev_with_flags(&sandbox);
    emu.clear_requests();
    let mut pty = Pty::spawn(&sandbox, &["configure", "sso", "--profile", "dev"]);
    pty.expect_screen("SSO session name [my-sso]:");
    pty.send(keys::ENTER);
    let top = [
        "SSO session name [my-sso]:",
        "There are 3 AWS accounts available to you.",
    ];
    pty.expect_screen(&rows(&[
        &top,
        &[
            "> Development, dev@example.com (111122223333)",
            "  Production, prod@example.com (444455556666)",
            "  Sandbox, sandbox@example.com (777788889999)",
        ],
    ]));
    pty.send(keys::UP);
    pty.wait_for("> Sandbox");
    pty.send(keys::ENTER);
    pty.wait_for("Default client Region [us-west-2]:");
    pty.send(keys::ENTER);
    pty.wait_for("CLI default output format (json if not specified) [json]:");
    pty.send("text\r");
    assert_eq!(pty.wait(), 0);
    assert_eq!(
        pty.screen(),
        rows(&[
            &top,
            &[
                "Using the account ID 777788889999",
                "The only role available to you is: AdministratorAccess",
                "Using the role name \"AdministratorAccess\"",
                "Default client Region [us-west-2]:",
                "CLI default output format (json if not specified) [json]: text",
                "To use this profile, specify the profile name using --profile, as shown:",
                "",
                "awsso sts get-caller-identity --profile dev",
            ],
        ])
    );
    // Updated key by key, in place; the session untouched.
    assert_eq!(
        read_config(&sandbox),
        format!(
            "{EXISTING}{}",
            DEV_PROFILE
                .replace("111122223333", "777788889999")
                .replace("output = json", "output = text")
        )
    );
    // The session's cached token was reused: no sign-in.
    assert_eq!(
        emu.request_lines(),
        [
            "GET /assignment/accounts",
            "GET /assignment/accounts",
            "GET /assignment/roles",
        ]
    );
}

#[test]
fn non_interactive_without_account_fails_after_listing_and_writes_nothing() {
    let emu = emulator(None);
    let sandbox = sandbox_for(&emu, EXISTING);
    sandbox
        .run(&[
            "configure",
            "sso",
            "--use-device-code",
            "--sso-session",
            "my-sso",
            "--sso-start-url",
            START_URL,
            "--sso-region",
            "us-east-1",
        ])
        .assert(
            252,
            "",
            "\nawsso: [ERROR]: Missing required flags for a non-interactive configure sso: --account-id\n",
        );
    assert_eq!(read_config(&sandbox), EXISTING);
}

#[test]
fn unauthorized_listing_writes_the_profile_without_account_and_role() {
    let emu = emulator(None);
    let sandbox = sandbox_for(&emu, EXISTING);
    configure_dev_with_flags(&sandbox);
    emu.revoke_all_tokens();
    sandbox
        .run(&[
            "configure",
            "sso",
            "--sso-session",
            "my-sso",
            "--profile-name",
            "bare",
        ])
        .assert(
            0,
            "Unable to list AWS accounts and/or roles. Skipping configuring AWS credential provider for profile.\nSuccessfully configured SSO for profile: bare\n",
            "",
        );
    assert_eq!(
        read_config(&sandbox),
        // As in v2, Enter at the region prompt keeps the default shown, here `[default]`'s.
        format!(
            "{EXISTING}{DEV_PROFILE}[profile bare]\nsso_session = my-sso\nregion = eu-west-1\n"
        )
    );
}

#[test]
fn no_accounts_ends_with_v2_message_and_writes_nothing() {
    let emu = emulator(Some(teams(0, &[])));
    let sandbox = sandbox_for(&emu, EXISTING);
    sandbox
        .run(&[
            "configure",
            "sso",
            "--use-device-code",
            "--sso-session",
            "my-sso",
            "--sso-start-url",
            START_URL,
            "--sso-region",
            "us-east-1",
        ])
        .assert(
            255,
            "",
            "\nawsso: [ERROR]: No AWS accounts are available to you.\n",
        );
    let emu = emulator(Some(teams(1, &[])));
    let sandbox = sandbox_for(&emu, EXISTING);
    sandbox
        .run(&[
            "configure",
            "sso",
            "--use-device-code",
            "--sso-session",
            "my-sso",
            "--sso-start-url",
            START_URL,
            "--sso-region",
            "us-east-1",
        ])
        .assert(
            255,
            "The only AWS account available to you is: 100000000001\nUsing the account ID 100000000001\n",
            "\nawsso: [ERROR]: No roles are available for the account 100000000001\n",
        );
    assert_eq!(read_config(&sandbox), EXISTING);
}

#[test]
fn ctrl_c_in_the_account_list_writes_nothing() {
    let emu = emulator(None);
    let sandbox = sandbox_for(&emu, EXISTING);
    let mut pty = Pty::spawn(&sandbox, WIZARD_FLAGS);
    answer_new_session(&mut pty, "my-sso");
    pty.wait_for("> Development");
    pty.send(keys::CTRL_C);
    assert_eq!(pty.wait(), 130);
    assert_eq!(
        pty.screen(),
        rows(&[
            NEW_SESSION_SCREEN,
            &["There are 3 AWS accounts available to you."]
        ])
    );
    assert_eq!(
        pty.cursor(),
        (6, 0),
        "the list is erased and v2's newline printed"
    );
    assert_eq!(read_config(&sandbox), EXISTING);
}

/// `count` accounts `Team NNN` with the role `Admin`; the first also has `Read Only`.
fn big_organisation(count: usize) -> Directory {
    Directory {
        user: "jane@example.com".into(),
        accounts: (1..=count)
            .map(|i| Account {
                account_id: format!("{:012}", 200_000_000_000u64 + i as u64),
                account_name: format!("Team {i:03}"),
                email_address: format!("team{i:03}@example.com"),
                // Listed in the opposite of the order written, to show the sort.
                roles: if i == 1 {
                    vec!["Read Only".into(), "Admin".into()]
                } else {
                    vec!["Admin".into()]
                },
            })
            .collect(),
        users: Vec::new(),
    }
}

#[test]
fn all_roles_writes_one_profile_per_account_and_role() {
    let emu = emulator(Some(big_organisation(500)));
    // One profile of the same name exists: it is updated key by key.
    let config =
        format!("{EXISTING}[profile 'Team 001-Admin']\nregion = ap-south-1\nsso_role_name = Old\n");
    let sandbox = sandbox_for(&emu, &config);
    let args = [
        "configure",
        "sso",
        "--all-roles",
        "--use-device-code",
        "--sso-session",
        "org",
        "--sso-start-url",
        START_URL,
        "--sso-region",
        "us-east-1",
    ];
    let mut expected_out = String::from("Configured 501 profiles for the SSO session org:\n");
    let mut expected_config =
        format!("{EXISTING}[profile 'Team 001-Admin']\nregion = ap-south-1\nsso_role_name = Admin\nsso_session = org\nsso_account_id = 200000000001\n");
    for i in 1..=500 {
        let id = format!("{:012}", 200_000_000_000u64 + i);
        let roles: &[&str] = if i == 1 {
            &["Admin", "Read Only"]
        } else {
            &["Admin"]
        };
        for role in roles {
            let name = format!("Team {i:03}-{role}");
            expected_out.push_str(&format!("  {name}\n"));
            if i > 1 || *role != "Admin" {
                // New profiles carry the marker; the existing one above stays unmarked.
                expected_config.push_str(&format!(
                    "# written by awsso configure sso --all-roles\n[profile '{name}']\nsso_session = org\nsso_account_id = {id}\nsso_role_name = {role}\n"
                ));
            }
        }
    }
    expected_config.push_str(&format!("[sso-session org]\nsso_start_url = {START_URL}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n"));
    sandbox.run(&args).assert(0, &expected_out, "");
    assert_eq!(read_config(&sandbox), expected_config);
    let lines = emu.request_lines();
    assert_eq!(
        lines
            .iter()
            .filter(|l| *l == "GET /assignment/accounts")
            .count(),
        250
    );
    assert_eq!(
        lines
            .iter()
            .filter(|l| *l == "GET /assignment/roles")
            .count(),
        500
    );

    // Again: the session's token is reused, the same calls are made, and the file is left
    // byte for byte (throttling: tests/cli/populate.rs).
    emu.clear_requests();
    sandbox.run(&args).assert(0, &expected_out, "");
    assert_eq!(read_config(&sandbox), expected_config);
    let lines = emu.request_lines();
    assert_eq!(lines.len(), 250 + 500);
    assert!(
        !lines.iter().any(|l| l.starts_with("POST")),
        "no sign-in: {lines:?}"
    );
}

/// The portal throttles the next 4 list calls, more than the transport's own three
/// attempts: the call is tried again after a pause, and nothing is lost.
#[test]
fn all_roles_outlasts_throttling_beyond_the_transport_s_attempts() {
    let emu = emulator(Some(teams(3, &["Admin"])));
    let sandbox = sandbox_for(&emu, "");
    let args = [
        "configure",
        "sso",
        "--all-roles",
        "--use-device-code",
        "--sso-session",
        "org",
        "--sso-start-url",
        START_URL,
        "--sso-region",
        "us-east-1",
    ];
    sandbox.run(&args).assert_code(0);
    let config = read_config(&sandbox);
    emu.clear_requests();
    emu.set_faults(|f| f.throttle_next = 4);
    sandbox.run(&args).assert(
        0,
        "Configured 3 profiles for the SSO session org:\n  Team 01-Admin\n  Team 02-Admin\n  Team 03-Admin\n",
        "",
    );
    assert_eq!(read_config(&sandbox), config);
    assert_eq!(
        emu.request_lines(),
        [
            vec!["GET /assignment/accounts"; 5],
            vec!["GET /assignment/accounts"],
            vec!["GET /assignment/roles"; 3],
        ]
        .concat()
    );
}

// ---------------------------------------------------------------------------------------
// Vanity start URLs (v2 ≥2.35.13): resolved at the prompt, region prompt skipped.

/// Where the test's vanity start URL redirects: an access portal naming `us-west-2`.
const PORTAL_REDIRECT: &str = "https://d-123.portal.us-west-2.app.aws/start/?from=vanity";
/// The same, normalised as the sign-in uses it.
const PORTAL: &str = "https://d-123.portal.us-west-2.app.aws/start";

fn vanity_sandbox(emu: &Emulator, server: &VanityServer, config: &str) -> Sandbox {
    let mut sandbox = sandbox_for(emu, config);
    server.trust(&mut sandbox);
    sandbox
}

/// The `startUrl` the emulator received in StartDeviceAuthorization.
fn device_start_url(emu: &Emulator) -> String {
    let request = emu
        .requests()
        .into_iter()
        .find(|r| r.path == "/device_authorization")
        .expect("a StartDeviceAuthorization call");
    let body: serde_json::Value = serde_json::from_str(&request.body).unwrap();
    body["startUrl"].as_str().unwrap().to_owned()
}

/// The cached token's `startUrl` and `region`.
fn cached_token_url_and_region(sandbox: &Sandbox, key: &str) -> (String, String) {
    let path = sandbox
        .sso_cache_dir()
        .join(format!("{}.json", awsso::cache::sha1_hex(key.as_bytes())));
    let text = std::fs::read_to_string(&path).expect("cached token");
    let token: serde_json::Value = serde_json::from_str(&text).unwrap();
    (
        token["startUrl"].as_str().unwrap().to_owned(),
        token["region"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn vanity_start_url_skips_the_region_prompt_and_signs_in_at_the_portal() {
    let server = VanityServer::start(302, Some(PORTAL_REDIRECT));
    let emu = emulator(None);
    let sandbox = vanity_sandbox(&emu, &server, EXISTING);
    let vanity = server.url();
    let mut args = WIZARD_FLAGS.to_vec();
    args.extend([
        "--account-id",
        "111122223333",
        "--role-name",
        "ReadOnlyAccess",
        "--region",
        "eu-west-1",
        "--output-format",
        "json",
        "--profile-name",
        "dev",
    ]);
    let mut pty = Pty::spawn(&sandbox, &args);
    pty.expect_screen("SSO session name (Recommended):");
    pty.send("corp\r");
    pty.expect_screen("SSO session name (Recommended): corp\nSSO start URL [None]:");
    pty.send(&format!("{vanity}\r"));
    // Resolved: the region prompt never shows.
    let asked = [
        "SSO session name (Recommended): corp".to_owned(),
        format!("SSO start URL [None]: {vanity}"),
        "SSO registration scopes [sso:account:access]:".to_owned(),
    ]
    .join("\n");
    pty.expect_screen(&asked);
    pty.send(keys::ENTER);
    assert_eq!(pty.wait(), 0);
    assert_eq!(
        pty.screen(),
        format!(
            "{asked}\nUsing the account ID 111122223333\nUsing the role name \"ReadOnlyAccess\"\nTo use this profile, specify the profile name using --profile, as shown:\n\nawsso sts get-caller-identity --profile dev"
        )
    );
    assert_eq!(
        read_config(&sandbox),
        format!("{EXISTING}[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnlyAccess\nregion = eu-west-1\noutput = json\n[sso-session corp]\nsso_start_url = {vanity}\nsso_region = us-west-2\nsso_registration_scopes = sso:account:access\n")
    );
    // One HEAD, at the prompt; the sign-in goes to the portal without asking again.
    assert_eq!(server.request_lines(), ["HEAD /start"]);
    assert_eq!(device_start_url(&emu), PORTAL);
    assert_eq!(
        emu.request_lines(),
        [
            "POST /client/register",
            "POST /device_authorization",
            "POST /token",
            "GET /assignment/roles",
        ]
    );
    // The cache keeps the configured URL, with the portal's region.
    assert_eq!(
        cached_token_url_and_region(&sandbox, "corp"),
        (vanity, "us-west-2".to_owned())
    );
}

#[test]
fn vanity_start_url_that_fails_to_resolve_asks_the_region() {
    let server = VanityServer::start(404, None);
    let emu = emulator(None);
    let sandbox = vanity_sandbox(&emu, &server, "");
    let vanity = server.url();
    let mut pty = Pty::spawn(&sandbox, &["configure", "sso-session"]);
    pty.expect_screen("SSO session name:");
    pty.send("corp\r");
    pty.wait_for("SSO start URL [None]:");
    pty.send(&format!("{vanity}\r"));
    let top = format!("SSO session name: corp\nSSO start URL [None]: {vanity}");
    pty.expect_screen(&format!("{top}\nSSO region [None]:"));
    pty.send("eu-central-1\r");
    pty.wait_for("SSO registration scopes [sso:account:access]:");
    pty.send(keys::ENTER);
    assert_eq!(pty.wait(), 0);
    assert_eq!(
        pty.screen(),
        format!("{top}\nSSO region [None]: eu-central-1\nSSO registration scopes [sso:account:access]:\n\nCompleted configuring SSO session: corp\nRun the following to login and refresh access token for this session:\n\nawsso sso login --sso-session corp")
    );
    assert_eq!(
        read_config(&sandbox),
        format!("[sso-session corp]\nsso_start_url = {vanity}\nsso_region = eu-central-1\nsso_registration_scopes = sso:account:access\n")
    );
    assert_eq!(server.request_lines(), ["HEAD /start"]);
    assert!(emu.request_lines().is_empty());
}

#[test]
fn vanity_start_url_leading_to_a_portal_without_region_asks_the_region() {
    // v2 resolves without a configured region: `Cannot determine region` is only logged.
    let server = VanityServer::start(302, Some("https://d-1234567890.awsapps.com/start"));
    let emu = emulator(None);
    let sandbox = vanity_sandbox(&emu, &server, "");
    let vanity = server.url();
    let out = sandbox.run(&[
        "configure",
        "sso-session",
        "--debug",
        "--sso-session",
        "corp",
        "--sso-start-url",
        &vanity,
    ]);
    assert_eq!(out.code, 252, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    let logged: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("vanity URL"))
        .map(|l| l.split_once(" - DEBUG - ").unwrap().1)
        .collect();
    // v2's wording, double full stop included (its format adds one after the error's).
    assert_eq!(
        logged,
        [format!("Failed to resolve vanity URL '{vanity}': Cannot determine region from start URL '{vanity}'. Please provide sso_region in your configuration.. Falling back to region prompt.")]
    );
    assert!(out.stderr.ends_with(
        "\nawsso: [ERROR]: Missing required flags for a non-interactive configure sso-session: --sso-region\n"
    ));
    // With the region given, the session is written as asked.
    sandbox
        .run(&[
            "configure",
            "sso-session",
            "--sso-session",
            "corp",
            "--sso-start-url",
            &vanity,
            "--sso-region",
            "eu-west-1",
        ])
        .assert(
            0,
            "\nCompleted configuring SSO session: corp\nRun the following to login and refresh access token for this session:\n\nawsso sso login --sso-session corp\n",
            "",
        );
    assert_eq!(
        read_config(&sandbox),
        format!("[sso-session corp]\nsso_start_url = {vanity}\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n")
    );
    assert_eq!(server.request_lines(), ["HEAD /start", "HEAD /start"]);
    // `configure sso` then signs in at the start URL as typed, as v2 drops the portal URL
    // along with the error.
    sandbox
        .run(&[
            "configure",
            "sso",
            "--use-device-code",
            "--sso-session",
            "new",
            "--sso-start-url",
            &vanity,
            "--sso-region",
            "eu-west-1",
            "--account-id",
            "111122223333",
            "--role-name",
            "ReadOnlyAccess",
            "--profile-name",
            "p",
        ])
        .assert_code(0);
    assert_eq!(device_start_url(&emu), vanity);
    assert_eq!(server.request_lines().len(), 3);
}

#[test]
fn vanity_start_url_on_the_legacy_path_sets_the_profile_region() {
    let server = VanityServer::start(301, Some(PORTAL_REDIRECT));
    let emu = emulator(None);
    let sandbox = vanity_sandbox(&emu, &server, EXISTING);
    let vanity = server.url();
    sandbox
        .run(&[
            "configure",
            "sso",
            "--sso-start-url",
            &vanity,
            "--account-id",
            "111122223333",
            "--role-name",
            "ReadOnlyAccess",
            "--profile-name",
            "old",
        ])
        .assert(
            0,
            "\x1b[1mWARNING: Configuring using legacy format (e.g. without an SSO session).\nConsider re-running \"configure sso\" command and providing a session name.\n\x1b[0mUsing the account ID 111122223333\nUsing the role name \"ReadOnlyAccess\"\nTo use this profile, specify the profile name using --profile, as shown:\n\nawsso sts get-caller-identity --profile old\n",
            "",
        );
    assert_eq!(
        read_config(&sandbox),
        format!("{EXISTING}[profile old]\nsso_start_url = {vanity}\nsso_region = us-west-2\nsso_account_id = 111122223333\nsso_role_name = ReadOnlyAccess\nregion = eu-west-1\n")
    );
    assert_eq!(server.request_lines(), ["HEAD /start"]);
    assert_eq!(device_start_url(&emu), PORTAL);
    assert_eq!(
        cached_token_url_and_region(&sandbox, &vanity),
        (vanity, "us-west-2".to_owned())
    );
}

#[test]
fn sso_region_flag_that_disagrees_with_the_portal_is_refused() {
    let server = VanityServer::start(302, Some(PORTAL_REDIRECT));
    let emu = emulator(None);
    let sandbox = vanity_sandbox(&emu, &server, EXISTING);
    let vanity = server.url();
    sandbox
        .run(&[
            "configure",
            "sso-session",
            "--sso-session",
            "corp",
            "--sso-start-url",
            &vanity,
            "--sso-region",
            "eu-west-1",
        ])
        .assert(
            252,
            "",
            &format!("\nawsso: [ERROR]: An error occurred (ParamValidation): --sso-region eu-west-1 does not match the region of the start URL's access portal {PORTAL} (us-west-2)\n"),
        );
    assert_eq!(read_config(&sandbox), EXISTING);
    // Agreeing is fine.
    sandbox
        .run(&[
            "configure",
            "sso-session",
            "--sso-session",
            "corp",
            "--sso-start-url",
            &vanity,
            "--sso-region",
            "us-west-2",
        ])
        .assert_code(0);
    assert_eq!(server.request_lines(), ["HEAD /start", "HEAD /start"]);
}

#[test]
fn existing_session_with_a_vanity_start_url_is_not_resolved() {
    // v2 takes an existing session as it is: no request to its start URL, which is what the
    // sign-in uses.
    let server = VanityServer::start(302, Some(PORTAL_REDIRECT));
    let emu = emulator(None);
    let vanity = server.url();
    let config = format!("[sso-session corp]\nsso_start_url = {vanity}\nsso_region = eu-west-1\n");
    let sandbox = vanity_sandbox(&emu, &server, &config);
    sandbox
        .run(&[
            "configure",
            "sso",
            "--use-device-code",
            "--sso-session",
            "corp",
            "--account-id",
            "111122223333",
            "--role-name",
            "ReadOnlyAccess",
            "--profile-name",
            "p",
        ])
        .assert(
            0,
            "Using the account ID 111122223333\nUsing the role name \"ReadOnlyAccess\"\nTo use this profile, specify the profile name using --profile, as shown:\n\nawsso sts get-caller-identity --profile p\n",
            "",
        );
    assert!(server.request_lines().is_empty());
    assert_eq!(device_start_url(&emu), vanity);
    assert_eq!(
        read_config(&sandbox),
        format!("{config}[profile p]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnlyAccess\n")
    );
}

// ---------------------------------------------------------------------------------------
// Completions, the session toolbar, Ctrl-C after the sign-in, --profile.

#[test]
fn sso_session_completions_and_toolbar() {
    let config = "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access, codewhisperer:completions\nteam = \u{c9}quipe \u{1F680}\n[sso-session dev]\nsso_start_url = https://dev.awsapps.com/start\nsso_region = us-east-1\n";
    let sandbox = sandbox_with(config);
    let mut pty = Pty::spawn(&sandbox, &["configure", "sso-session"]);
    pty.expect_screen("SSO session name:");
    // Typing opens the menu of session names starting with the word.
    pty.send("c");
    pty.expect_screen("SSO session name: c\n                  corp");
    // Tab puts the match in place; the text now names a session: v2's toolbar, its JSON
    // as Python's json.dumps(indent=2) writes it.
    pty.send("\t");
    let rule = "\u{2500}".repeat(80);
    let toolbar = [
        rule.as_str(),
        "Configuration for SSO session: corp",
        "",
        "{",
        "  \"sso_start_url\": \"https://corp.awsapps.com/start\",",
        "  \"sso_region\": \"eu-west-1\",",
        "  \"sso_registration_scopes\": \"sso:account:access, codewhisperer:completions\",",
        "  \"team\": \"\\u00c9quipe \\ud83d\\ude80\"",
        "}",
    ];
    pty.expect_screen(&rows(&[
        &["SSO session name: corp", "                > corp"],
        &toolbar,
    ]));
    // Backspace closes the menu; `p2` makes a new name.
    pty.send(keys::BACKSPACE);
    pty.expect_screen("SSO session name: cor");
    pty.send("p2\r");
    pty.expect_screen("SSO session name: corp2\nSSO start URL [None]:");
    // Start URLs already configured.
    pty.send("https://d");
    pty.expect_screen(
        "SSO session name: corp2\nSSO start URL [None]: https://d\n                      https://dev.awsapps.com/start",
    );
    pty.send("\t\r");
    pty.wait_for("SSO region [None]:");
    // botocore's sso-oidc regions; Tab twice takes the second match.
    pty.send("eu-c");
    let top = "SSO session name: corp2\nSSO start URL [None]: https://dev.awsapps.com/start";
    pty.expect_screen(&format!(
        "{top}\nSSO region [None]: eu-c\n                   eu-central-1\n                   eu-central-2"
    ));
    pty.send("\t\t");
    pty.expect_screen(&format!(
        "{top}\nSSO region [None]: eu-central-2\n                   eu-central-1\n                 > eu-central-2"
    ));
    pty.send(keys::ENTER);
    pty.wait_for("SSO registration scopes [sso:account:access]:");
    // Tab on an empty line: every known scope, described, cut to the terminal's width.
    pty.send("\t");
    let top = format!("{top}\nSSO region [None]: eu-central-2");
    pty.expect_screen(&format!(
        "{top}\nSSO registration scopes [sso:account:access]:\n  sso:account:access         Grants access to AWS IAM Identity Center accoun...\n  codewhisperer:completions  Used in SSO sessions: corp"
    ));
    pty.send(&format!("{}{}", keys::DOWN, keys::DOWN));
    pty.expect_screen(&format!(
        "{top}\nSSO registration scopes [sso:account:access]: codewhisperer:completions\n  sso:account:access         Grants access to AWS IAM Identity Center accoun...\n> codewhisperer:completions  Used in SSO sessions: corp"
    ));
    pty.send(keys::ENTER);
    assert_eq!(pty.wait(), 0);
    assert_eq!(
        pty.screen(),
        format!("{top}\nSSO registration scopes [sso:account:access]: codewhisperer:completions\n\nCompleted configuring SSO session: corp2\nRun the following to login and refresh access token for this session:\n\nawsso sso login --sso-session corp2")
    );
    assert_eq!(
        read_config(&sandbox),
        format!("{config}[sso-session corp2]\nsso_start_url = https://dev.awsapps.com/start\nsso_region = eu-central-2\nsso_registration_scopes = codewhisperer:completions\n")
    );
}

/// `configure sso` with every answer before the sign-in given, in a terminal.
fn signed_in_wizard(sandbox: &Sandbox, more: &[&str]) -> Pty {
    let mut args = WIZARD_FLAGS.to_vec();
    args.extend([
        "--sso-session",
        "my-sso",
        "--sso-start-url",
        START_URL,
        "--sso-region",
        "us-east-1",
        "--sso-registration-scopes",
        "sso:account:access",
        "--account-id",
        "111122223333",
        "--role-name",
        "ReadOnlyAccess",
    ]);
    args.extend(more);
    Pty::spawn(sandbox, &args)
}

const SIGNED_IN: &str = "Using the account ID 111122223333\nUsing the role name \"ReadOnlyAccess\"";

#[test]
fn ctrl_c_at_each_prompt_after_the_sign_in_writes_nothing() {
    let emu = emulator(None);
    let sandbox = sandbox_for(&emu, EXISTING);
    // The sign-in watches for SIGINT; the prompts after it still end on Ctrl-C with 130,
    // v2's newline and nothing written.
    let cases: [(&[&str], &str); 3] = [
        (&[], "Default client Region [eu-west-1]:"),
        (
            &["--region", "eu-west-1"],
            "CLI default output format (json if not specified) [None]: y",
        ),
        (
            &["--region", "eu-west-1", "--output-format", "json"],
            "Profile name [ReadOnlyAccess-111122223333]:",
        ),
    ];
    for (more, prompt) in cases {
        let mut pty = signed_in_wizard(&sandbox, more);
        let asked = prompt.trim_end_matches(" y");
        pty.expect_screen(&format!("{SIGNED_IN}\n{asked}"));
        if prompt.ends_with(" y") {
            // The output formats starting with `y`, in a menu under the word.
            pty.send("y");
            let pad = " ".repeat(56);
            pty.expect_screen(&format!(
                "{SIGNED_IN}\n{prompt}\n{pad}  yaml\n{pad}  yaml-stream"
            ));
        }
        pty.send(keys::CTRL_C);
        assert_eq!(pty.wait(), 130, "at {prompt}");
        assert_eq!(pty.screen(), format!("{SIGNED_IN}\n{prompt}"));
        assert_eq!(
            pty.cursor(),
            (4, 0),
            "v2's newline after the line at {prompt}"
        );
        assert_eq!(read_config(&sandbox), EXISTING);
    }
}

#[test]
fn profile_naming_an_existing_static_key_profile_gets_sso_keys_added() {
    let emu = emulator(None);
    let config = format!("{EXISTING}[profile ci]\naws_access_key_id = AKIAEMULATORSTATIC01\n# rotated monthly\naws_secret_access_key = x\nregion = ap-south-1\n");
    let sandbox = sandbox_for(&emu, &config);
    sandbox
        .run(&[
            "configure",
            "sso",
            "--use-device-code",
            "--profile",
            "ci",
            "--sso-session",
            "my-sso",
            "--sso-start-url",
            START_URL,
            "--sso-region",
            "us-east-1",
            "--account-id",
            "111122223333",
            "--role-name",
            "ReadOnlyAccess",
        ])
        .assert(
            0,
            "Using the account ID 111122223333\nUsing the role name \"ReadOnlyAccess\"\nTo use this profile, specify the profile name using --profile, as shown:\n\nawsso sts get-caller-identity --profile ci\n",
            "",
        );
    // As v2: the profile's own region is the default kept; no profile-name prompt; the
    // static keys stay (the credential chain prefers them, as in v2).
    assert_eq!(
        read_config(&sandbox),
        format!("{config}sso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = ReadOnlyAccess\n[sso-session my-sso]\nsso_start_url = {START_URL}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n")
    );
}

#[test]
fn a_session_region_that_is_not_a_region_never_becomes_a_portal_host() {
    let emu = emulator(None);
    let sandbox = sandbox_for(&emu, EXISTING);
    configure_dev_with_flags(&sandbox);
    // The session keeps its cached token, but its region is now something that would
    // turn `portal.sso.{region}.amazonaws.com` into another host.
    let hostile =
        read_config(&sandbox).replace("sso_region = us-east-1", "sso_region = x@evil.example#");
    sandbox.config(&hostile);
    emu.clear_requests();
    sandbox
        .run(&[
            "configure",
            "sso",
            "--profile",
            "other",
            "--sso-session",
            "my-sso",
            "--account-id",
            "111122223333",
            "--role-name",
            "AdministratorAccess",
        ])
        .assert(
            255,
            "",
            "\nawsso: [ERROR]: Provided region_name 'x@evil.example#' doesn't match a supported format.\n",
        );
    assert_eq!(read_config(&sandbox), hostile);
    assert_eq!(emu.request_lines(), Vec::<String>::new());
}

// ----- Config paths that are not regular files -----

/// A FIFO at `path` (`mkfifo`): opening it for reading blocks until a writer comes.
#[cfg(unix)]
fn make_fifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// A character device that reads as endless zeros and that a broken writer could replace
/// without harm: a node of `/dev/zero`'s device (1, 5) in the sandbox where the test may
/// create one (root), else `/dev/zero` itself (no one else can replace it).
#[cfg(target_os = "linux")]
fn zero_device(sandbox: &Sandbox) -> std::path::PathBuf {
    let node = sandbox.home().join("zero");
    let made = std::process::Command::new("mknod")
        .arg(&node)
        .args(["c", "1", "5"])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if made {
        return node;
    }
    let uid = std::process::Command::new("id")
        .arg("-u")
        .output()
        .expect("id -u");
    assert_ne!(
        String::from_utf8_lossy(&uid.stdout).trim(),
        "0",
        "running as root without mknod: a broken writer could replace /dev/zero"
    );
    "/dev/zero".into()
}

const NO_CREDENTIALS: &str = "\nawsso: [ERROR]: An error occurred (NoCredentials): Unable to locate credentials. You can configure credentials by running \"awsso login\".\n";

/// botocore reads a config or credentials path that is not a regular file as no file
/// (`os.path.isfile` in `raw_config_parse`): a device is not read until memory runs out, a
/// FIFO is not opened (that would block until someone writes to it), a directory is not an
/// error.
#[cfg(target_os = "linux")]
#[test]
fn a_device_fifo_or_directory_as_config_is_no_config() {
    let mut sandbox = Sandbox::new();
    let fifo = sandbox.home().join("fifo");
    make_fifo(&fifo);
    let dir = sandbox.home().join("dir");
    std::fs::create_dir(&dir).unwrap();
    let fifo = fifo.display().to_string();
    let dir = dir.display().to_string();
    for (config, credentials) in [
        ("/dev/zero", fifo.as_str()),
        (fifo.as_str(), "/dev/zero"),
        (dir.as_str(), dir.as_str()),
    ] {
        sandbox
            .set_env("AWS_CONFIG_FILE", config)
            .set_env("AWS_SHARED_CREDENTIALS_FILE", credentials);
        sandbox
            .run(&["configure", "list-profiles"])
            .assert(0, "", "");
        sandbox
            .run(&["sts", "get-caller-identity"])
            .assert(253, "", NO_CREDENTIALS);
    }
}

/// The writer never replaces what is not a regular file (a device, a FIFO, a directory),
/// also through a symbolic link: a clear error, nothing written, nothing left beside it.
#[cfg(target_os = "linux")]
#[test]
fn configure_refuses_a_config_that_is_not_a_regular_file() {
    use std::os::unix::fs::FileTypeExt;
    let mut sandbox = Sandbox::new();
    let zero = zero_device(&sandbox);
    let fifo = sandbox.home().join("fifo");
    make_fifo(&fifo);
    let dir = sandbox.home().join("dir");
    std::fs::create_dir(&dir).unwrap();
    let link = sandbox.home().join("link");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    let before = Sandbox::list_dir(sandbox.home());
    for path in [&zero, &fifo, &dir, &link] {
        sandbox.set_env("AWS_CONFIG_FILE", &path.display().to_string());
        sandbox
            .run(&[
                "configure",
                "sso-session",
                "--sso-session",
                "ci",
                "--sso-start-url",
                "https://ci.awsapps.com/start",
                "--sso-region",
                "us-west-2",
            ])
            .assert(
                255,
                "",
                &format!(
                    "\nawsso: [ERROR]: Unable to write the config file {}: it is not a regular file\n",
                    path.display()
                ),
            );
    }
    let file_type = |path: &std::path::Path| std::fs::metadata(path).unwrap().file_type();
    assert!(file_type(&zero).is_char_device());
    assert!(file_type(&fifo).is_fifo());
    assert!(file_type(&dir).is_dir());
    assert_eq!(Sandbox::list_dir(&dir), Vec::<String>::new());
    assert_eq!(Sandbox::list_dir(sandbox.home()), before);
}

// ----- Concurrent writers -----

/// A config with comments, odd spacing, a blank line of white space and no final line
/// break: every byte must survive any number of writers.
const ODD_CONFIG: &str = "# my settings  \n[default]\nregion   =   eu-west-1\noutput:json\n\n;  other profile\n  [profile other]\n  region=us-east-2\n\t\n# the end, no line break";

/// Runs eight `configure sso` at once, all answers as flags, each writing its own profile
/// `devN` of one session; `adjust` may change each one's command. Each must succeed.
fn configure_eight_at_once(
    sandbox: &Sandbox,
    adjust: impl Fn(usize, &mut std::process::Command),
) -> Vec<String> {
    let names: Vec<String> = (1..=8).map(|i| format!("dev{i}")).collect();
    let children: Vec<_> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut command = sandbox.command(&[
                "configure",
                "sso",
                "--use-device-code",
                "--no-browser",
                "--profile",
                name,
                "--sso-session",
                "my-sso",
                "--sso-start-url",
                START_URL,
                "--sso-region",
                "us-east-1",
                "--account-id",
                "111122223333",
                "--role-name",
                "AdministratorAccess",
            ]);
            command
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            adjust(i, &mut command);
            command.spawn().expect("spawn awsso")
        })
        .collect();
    for (name, child) in names.iter().zip(children) {
        wait_with_watchdog(child).assert(
            0,
            &format!("Using the account ID 111122223333\nUsing the role name \"AdministratorAccess\"\nTo use this profile, specify the profile name using --profile, as shown:\n\nawsso sts get-caller-identity --profile {name}\n"),
            "",
        );
    }
    names
}

/// `config` is `original` byte for byte, then (in any order) a profile for each of
/// `names` and the session they share, as `configure sso` writes them.
#[track_caller]
fn assert_original_and_every_profile(config: &str, original: &str, names: &[String]) {
    let added = config
        .strip_prefix(&format!("{original}\n"))
        .unwrap_or_else(|| panic!("the original bytes changed:\n{config}"));
    let mut sections: Vec<String> =
        added
            .split_inclusive('\n')
            .fold(Vec::new(), |mut sections, line| {
                match sections.last_mut() {
                    Some(section) if !line.starts_with('[') => section.push_str(line),
                    _ => sections.push(line.to_owned()),
                }
                sections
            });
    sections.sort();
    let mut expected: Vec<String> = names
        .iter()
        .map(|name| format!("[profile {name}]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = AdministratorAccess\n"))
        .collect();
    expected.push(format!("[sso-session my-sso]\nsso_start_url = {START_URL}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n"));
    expected.sort();
    assert_eq!(sections, expected, "{config}");
}

/// Eight `configure sso` runs at once: every profile survives (the writers take turns
/// under a lock beside the config and each re-reads the file under it), the user's bytes
/// stay, and nothing is left beside the config.
#[test]
fn concurrent_configure_runs_keep_every_profile() {
    let emu = emulator(None);
    let sandbox = sandbox_for(&emu, ODD_CONFIG);
    let names = configure_eight_at_once(&sandbox, |_, _| {});
    assert_original_and_every_profile(&read_config(&sandbox), ODD_CONFIG, &names);
    assert_eq!(Sandbox::list_dir(&sandbox.aws_dir()), ["config", "sso"]);
}

/// A config that is a symbolic link: writers through the link and writers given the file
/// it points to lock the same file (the one written), so they take turns too; the link
/// stays a link.
#[cfg(unix)]
#[test]
fn concurrent_writers_through_a_symlink_and_its_target_take_turns() {
    let emu = emulator(None);
    let mut sandbox = Sandbox::new();
    sandbox.endpoints(emu.url());
    let dotfiles = sandbox.home().join("dotfiles");
    write_file(&dotfiles.join("aws-config"), ODD_CONFIG);
    std::fs::create_dir_all(sandbox.aws_dir()).unwrap();
    std::os::unix::fs::symlink("../dotfiles/aws-config", sandbox.config_path()).unwrap();
    let names = configure_eight_at_once(&sandbox, |i, command| {
        if i % 2 == 0 {
            command.env("AWS_CONFIG_FILE", dotfiles.join("aws-config"));
        }
    });
    assert_original_and_every_profile(
        &std::fs::read_to_string(dotfiles.join("aws-config")).unwrap(),
        ODD_CONFIG,
        &names,
    );
    assert!(std::fs::symlink_metadata(sandbox.config_path())
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(Sandbox::list_dir(&dotfiles), ["aws-config"]);
    assert_eq!(Sandbox::list_dir(&sandbox.aws_dir()), ["config", "sso"]);
}
