//! End-to-end tests of `configure sso` and `configure sso-session`: the real prompts in a
//! pseudo-terminal (whole 80x24 screens), the flag-only mode, and the config file written,
//! byte for byte, comments and unrelated sections included.

use crate::support::pty::{keys, Pty};
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
    pty.send("corp\r");
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
