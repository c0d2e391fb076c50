//! End-to-end tests of `configure sso --all-roles` keeping a config in sync with the portal:
//! the marker on what it writes, `--prune` as grants and templates change, `--dry-run`'s
//! unified diff, a portal that throttles list calls, an account that cannot be listed, and
//! the progress bar on a terminal. Whole outputs and whole files, byte for byte.

use awsso_emulator::{Account, Directory, Emulator, Options, RawAnswer};

use crate::support::pty::Pty;
use crate::support::*;

const START_URL: &str = "https://my-sso-portal.awsapps.com/start";
const MARKER: &str = "# written by awsso configure sso --all-roles";
const SESSION: &str = "[sso-session org]\nsso_start_url = https://my-sso-portal.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n";

/// `configure sso --all-roles` for the session `org`, signing in with an auto-approved
/// device code the first time, then `extra`.
fn populate<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
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
    args.extend_from_slice(extra);
    args
}

fn account(id: &str, name: &str, roles: &[&str]) -> Account {
    Account {
        account_id: id.into(),
        account_name: name.into(),
        email_address: format!("{name}@example.com"),
        roles: roles.iter().map(|r| r.to_string()).collect(),
    }
}

/// `dev` (111111111111) with Admin and ReadOnly, `prod` (222222222222) with ReadOnly.
fn two_accounts() -> Directory {
    Directory {
        user: "jane@example.com".into(),
        accounts: vec![
            account("111111111111", "dev", &["ReadOnly", "Admin"]),
            account("222222222222", "prod", &["ReadOnly"]),
        ],
        users: Vec::new(),
    }
}

fn emulator(directory: Directory) -> Emulator {
    Emulator::start(Options::default().auto_approve(true).directory(directory))
}

fn sandbox(emu: &Emulator, config: &str) -> Sandbox {
    let mut sandbox = Sandbox::new();
    sandbox.config(config);
    sandbox.endpoints(emu.url());
    sandbox
}

fn read_config(sandbox: &Sandbox) -> String {
    std::fs::read_to_string(sandbox.config_path()).expect("config file")
}

/// A profile section as `--all-roles` writes it for the session `org`, marker first.
fn marked(name: &str, account_id: &str, role: &str) -> String {
    format!(
        "{MARKER}\n[profile {name}]\nsso_session = org\nsso_account_id = {account_id}\nsso_role_name = {role}\n"
    )
}

/// The user's own config: a profile of the session that awsso did not write and whose role
/// is not granted (`mine`), and one whose name the template gives (`dev-ReadOnly`).
const USER_CONFIG: &str = "# my settings\n[default]\nregion = eu-west-1\n\n[profile mine]\nsso_session = org\nsso_account_id = 222222222222\nsso_role_name = Billing\n[profile dev-ReadOnly]\nregion = ap-south-1\n";

const KEPT_MINE: &str = "Kept the profile mine, which --all-roles did not write: its role Billing in the account 222222222222 is no longer granted.\n";

#[test]
fn prune_follows_grants_between_runs_and_keeps_unmarked_profiles() {
    let emu = emulator(two_accounts());
    let sandbox = sandbox(&emu, USER_CONFIG);
    let args = populate(&["--prune"]);

    // First run: new profiles are marked; the existing `dev-ReadOnly` is updated key by key
    // and stays unmarked; `mine` is kept and named.
    sandbox.run(&args).assert(
        0,
        "Configured 3 profiles for the SSO session org:\n  dev-Admin\n  dev-ReadOnly\n  prod-ReadOnly\n",
        KEPT_MINE,
    );
    let first = format!(
        "# my settings\n[default]\nregion = eu-west-1\n\n[profile mine]\nsso_session = org\nsso_account_id = 222222222222\nsso_role_name = Billing\n[profile dev-ReadOnly]\nregion = ap-south-1\nsso_session = org\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\n{}{}{SESSION}",
        marked("dev-Admin", "111111111111", "Admin"),
        marked("prod-ReadOnly", "222222222222", "ReadOnly"),
    );
    assert_eq!(read_config(&sandbox), first);

    // Access changes: dev loses Admin, prod gains it. The marked `dev-Admin` goes (marker
    // and all), `prod-Admin` is added at the end; the unmarked profiles stay.
    emu.update_directory(|d| {
        d.accounts[0].roles.retain(|r| r != "Admin");
        d.accounts[1].roles.push("Admin".into());
    });
    sandbox.run(&args).assert(
        0,
        "Configured 3 profiles for the SSO session org:\n  dev-ReadOnly\n  prod-Admin\n  prod-ReadOnly\nRemoved 1 profiles of the SSO session org:\n  dev-Admin\n",
        KEPT_MINE,
    );
    let second = format!(
        "# my settings\n[default]\nregion = eu-west-1\n\n[profile mine]\nsso_session = org\nsso_account_id = 222222222222\nsso_role_name = Billing\n[profile dev-ReadOnly]\nregion = ap-south-1\nsso_session = org\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\n{}{SESSION}{}",
        marked("prod-ReadOnly", "222222222222", "ReadOnly"),
        marked("prod-Admin", "222222222222", "Admin"),
    );
    assert_eq!(read_config(&sandbox), second);

    // Nothing changed: the file is not rewritten at all.
    let before = std::fs::metadata(sandbox.config_path()).unwrap();
    sandbox.run(&args).assert(
        0,
        "Configured 3 profiles for the SSO session org:\n  dev-ReadOnly\n  prod-Admin\n  prod-ReadOnly\n",
        KEPT_MINE,
    );
    assert_eq!(read_config(&sandbox), second);
    let after = std::fs::metadata(sandbox.config_path()).unwrap();
    assert_eq!(after.modified().unwrap(), before.modified().unwrap());
    {
        use std::os::unix::fs::MetadataExt;
        assert_eq!(after.ino(), before.ino(), "the file was replaced");
    }

    // Without --prune nothing is removed, and nobody is named.
    emu.update_directory(|d| d.accounts[1].roles.retain(|r| r != "Admin"));
    sandbox.run(&populate(&[])).assert(
        0,
        "Configured 2 profiles for the SSO session org:\n  dev-ReadOnly\n  prod-ReadOnly\n",
        "",
    );
    assert_eq!(read_config(&sandbox), second);
}

#[test]
fn template_change_prunes_the_old_names_and_dry_run_shows_it_first() {
    let emu = emulator(two_accounts());
    let sandbox = sandbox(&emu, "[default]\nregion = eu-west-1\n");
    sandbox.run(&populate(&[])).assert_code(0);
    let first = format!(
        "[default]\nregion = eu-west-1\n{}{}{}{SESSION}",
        marked("dev-Admin", "111111111111", "Admin"),
        marked("dev-ReadOnly", "111111111111", "ReadOnly"),
        marked("prod-ReadOnly", "222222222222", "ReadOnly"),
    );
    assert_eq!(read_config(&sandbox), first);
    let modified = std::fs::metadata(sandbox.config_path())
        .unwrap()
        .modified()
        .unwrap();

    // The dry run prints the change and writes nothing.
    let args = populate(&["--profile-template", "{role_name}@{account_id}", "--prune"]);
    let mut dry = args.clone();
    dry.push("--dry-run");
    // What GNU `diff -u` prints for the same two files.
    let diff = format!(
        "--- a/config\n+++ b/config\n@@ -1,21 +1,21 @@\n [default]\n region = eu-west-1\n+[sso-session org]\n+sso_start_url = https://my-sso-portal.awsapps.com/start\n+sso_region = us-east-1\n+sso_registration_scopes = sso:account:access\n {MARKER}\n-[profile dev-Admin]\n+[profile Admin@111111111111]\n sso_session = org\n sso_account_id = 111111111111\n sso_role_name = Admin\n {MARKER}\n-[profile dev-ReadOnly]\n+[profile ReadOnly@111111111111]\n sso_session = org\n sso_account_id = 111111111111\n sso_role_name = ReadOnly\n {MARKER}\n-[profile prod-ReadOnly]\n+[profile ReadOnly@222222222222]\n sso_session = org\n sso_account_id = 222222222222\n sso_role_name = ReadOnly\n-[sso-session org]\n-sso_start_url = https://my-sso-portal.awsapps.com/start\n-sso_region = us-east-1\n-sso_registration_scopes = sso:account:access\n"
    );
    sandbox.run(&dry).assert(0, &diff, "");
    assert_eq!(read_config(&sandbox), first);
    assert_eq!(
        std::fs::metadata(sandbox.config_path())
            .unwrap()
            .modified()
            .unwrap(),
        modified
    );

    // The real run makes exactly that change.
    sandbox.run(&args).assert(
        0,
        "Configured 3 profiles for the SSO session org:\n  Admin@111111111111\n  ReadOnly@111111111111\n  ReadOnly@222222222222\nRemoved 3 profiles of the SSO session org:\n  dev-Admin\n  dev-ReadOnly\n  prod-ReadOnly\n",
        "",
    );
    let second = format!(
        "[default]\nregion = eu-west-1\n{SESSION}{}{}{}",
        marked("Admin@111111111111", "111111111111", "Admin"),
        marked("ReadOnly@111111111111", "111111111111", "ReadOnly"),
        marked("ReadOnly@222222222222", "222222222222", "ReadOnly"),
    );
    assert_eq!(read_config(&sandbox), second);

    // A dry run with nothing to change prints nothing.
    sandbox.run(&dry).assert(0, "", "");
    assert_eq!(read_config(&sandbox), second);
}

#[test]
fn dry_run_on_a_new_file_creates_nothing() {
    let emu = emulator(two_accounts());
    let sandbox = sandbox(&emu, "");
    std::fs::remove_file(sandbox.config_path()).unwrap();
    let output = sandbox.run(&populate(&["--dry-run"]));
    let mut expected = String::from("--- a/config\n+++ b/config\n@@ -0,0 +1,19 @@\n");
    let new = format!(
        "{}{}{}{SESSION}",
        marked("dev-Admin", "111111111111", "Admin"),
        marked("dev-ReadOnly", "111111111111", "ReadOnly"),
        marked("prod-ReadOnly", "222222222222", "ReadOnly"),
    );
    for line in new.lines() {
        expected.push_str(&format!("+{line}\n"));
    }
    output.assert(0, &expected, "");
    assert!(!sandbox.config_path().exists());
    // It signed in, as a dry run may: the token and the registration are cached.
    assert_eq!(Sandbox::list_dir(&sandbox.sso_cache_dir()).len(), 2);
}

#[test]
fn prune_and_dry_run_need_all_roles_and_prune_the_whole_session() {
    let sandbox = Sandbox::new();
    for flag in ["--prune", "--dry-run"] {
        sandbox.run(&["configure", "sso", flag]).assert(
            252,
            "",
            "\nawsso: [ERROR]: An error occurred (ParamValidation): the following arguments are required: --all-roles\n\nusage: awsso [options] <command> <subcommand> [<subcommand> ...] [parameters]\nTo see help text, you can run:\n\n  awsso help\n  awsso <command> help\n  awsso <command> <subcommand> help\n",
        );
    }
    sandbox
        .run(&populate(&["--prune", "--role-name", "Admin"]))
        .assert(
            252,
            "",
            "\nawsso: [ERROR]: An error occurred (ParamValidation): argument --prune: not allowed with argument --role-name\n\nusage: awsso [options] <command> <subcommand> [<subcommand> ...] [parameters]\nTo see help text, you can run:\n\n  awsso help\n  awsso <command> help\n  awsso <command> <subcommand> help\n",
        );
    assert!(!sandbox.config_path().exists());
}

#[test]
fn throttling_portal_gets_every_account_written() {
    // 30 accounts with two roles each; pages of 100, so 31 list calls, against a portal that
    // allows 10 a second: the run outpaces it at first and must slow down, not drop anyone.
    let emu = Emulator::start(
        Options::default()
            .auto_approve(true)
            .page_size(100)
            .directory(Directory::generated(30, 2)),
    );
    emu.set_faults(|f| f.list_rate = Some(10));
    let sandbox = sandbox(&emu, "");
    let output = sandbox.run(&populate(&[]));
    let mut stdout = String::from("Configured 60 profiles for the SSO session org:\n");
    let mut config = String::new();
    for i in 1..=30u64 {
        for role in ["Role1", "Role2"] {
            let name = format!("account-{i:05}-{role}");
            stdout.push_str(&format!("  {name}\n"));
            config.push_str(&marked(&name, &(100_000_000_000 + i).to_string(), role));
        }
    }
    config.push_str(SESSION);
    output.assert(0, &stdout, "");
    assert_eq!(read_config(&sandbox), config);
    let (served, throttled) = emu.list_calls();
    assert_eq!(
        served, 31,
        "one ListAccounts page and one ListAccountRoles per account"
    );
    assert!(
        throttled > 0,
        "the portal never throttled: the test tests nothing"
    );
    // Every list call asks for the largest page the portal serves.
    let lists: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/assignment/"))
        .collect();
    assert_eq!(lists.len() as u64, served + throttled);
    assert!(
        lists.iter().all(|r| r.query.contains("max_result=100")),
        "{lists:?}"
    );
}

#[test]
fn an_account_that_cannot_be_listed_is_named_and_nothing_is_written() {
    let emu = emulator(two_accounts());
    let sandbox = sandbox(&emu, USER_CONFIG);
    // A first run signs in and writes the session, so the answers below go to the listing.
    sandbox.run(&populate(&[])).assert_code(0);
    let config = read_config(&sandbox);
    emu.set_faults(|f| {
        f.raw_next = vec![
            RawAnswer::json(
                200,
                r#"{"accountList": [{"accountId": "111111111111", "accountName": "dev"}]}"#,
            ),
            RawAnswer::json(403, r#"{"message": "No access"}"#)
                .header("x-amzn-ErrorType", "ForbiddenException"),
        ]
    });
    sandbox.run(&populate(&[])).assert(
        254,
        "",
        "\nawsso: [ERROR]: Unable to list the roles of the account 111111111111: An error occurred (ForbiddenException) when calling the ListAccountRoles operation: No access\n",
    );
    assert_eq!(read_config(&sandbox), config);
}

#[test]
fn progress_shows_on_a_terminal_and_is_cleared() {
    // Slow enough (a throttling portal) for the bar to be drawn more than once.
    let emu = Emulator::start(
        Options::default()
            .auto_approve(true)
            .page_size(100)
            .directory(Directory::generated(12, 1)),
    );
    emu.set_faults(|f| f.list_rate = Some(6));
    let mut sandbox = sandbox(&emu, "");
    // indicatif draws nothing on a dumb terminal (it cannot redraw a line there).
    sandbox.set_env("TERM", "xterm");
    let args = populate(&[
        "--sso-registration-scopes",
        "sso:account:access",
        "--no-browser",
    ]);
    let mut pty = Pty::spawn(&sandbox, &args);
    assert_eq!(pty.wait(), 0);
    let raw = pty.raw_output();
    assert!(raw.contains("Listing roles ["), "{raw:?}");
    assert!(raw.contains("/12 accounts"), "{raw:?}");
    let mut screen = String::from("Configured 12 profiles for the SSO session org:");
    for i in 1..=12 {
        screen.push_str(&format!("\n  account-{i:05}-Role1"));
    }
    // The bar is gone: the screen holds the summary alone.
    assert_eq!(pty.screen(), screen);
}
