//! End-to-end tests of `sso logout` and the portal commands (`list-accounts`,
//! `list-account-roles`, `get-role-credentials`), against the in-process emulator. Portal
//! output is compared live with the AWS CLI (v1 from PyPI: its json, text and table output
//! equal v2's), both tools talking to the same emulator.

use std::collections::BTreeSet;

use awsso_emulator::{Emulator, Options};

use crate::support::*;

const START_URL: &str = "https://d-9067c00000.awsapps.com/start";
const OTHER_URL: &str = "https://d-9067c11111.awsapps.com/start";
const LEGACY_URL: &str = "https://d-9067c22222.awsapps.com/start";

const CONFIG: &str = "\
[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = AdministratorAccess
region = eu-west-1

[profile dev-ro]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnlyAccess

[profile prod]
sso_session = other
sso_account_id = 444455556666
sso_role_name = ReadOnlyAccess

[profile old]
sso_start_url = https://d-9067c22222.awsapps.com/start
sso_region = us-east-1
sso_account_id = 777788889999
sso_role_name = AdministratorAccess

[sso-session corp]
sso_start_url = https://d-9067c00000.awsapps.com/start
sso_region = us-east-1

[sso-session other]
sso_start_url = https://d-9067c11111.awsapps.com/start
sso_region = us-east-1
";

const UNAUTHORIZED_LIST_ACCOUNTS: &str = "\nawsso: [ERROR]: An error occurred (UnauthorizedException) when calling the ListAccounts operation: Session token not found or invalid\n";

fn sha1(text: &str) -> String {
    awsso::cache::sha1_hex(text.as_bytes())
}

/// The role-credential cache key of reference §4 (compact, key-sorted JSON).
fn role_key(account: &str, role: &str, scope: (&str, &str)) -> String {
    sha1(&format!(
        "{{\"accountId\":\"{account}\",\"roleName\":\"{role}\",\"{}\":\"{}\"}}",
        scope.0, scope.1
    ))
}

/// A token file as AWS CLI v2 writes it.
fn write_token(sb: &Sandbox, key: &str, start_url: &str, token: &str) {
    write_file(
        &sb.sso_cache_dir().join(format!("{key}.json")),
        &format!(
            "{{\"startUrl\": \"{start_url}\", \"region\": \"us-east-1\", \"accessToken\": \"{token}\", \"expiresAt\": \"2099-01-01T00:00:00Z\", \"clientId\": \"cid\", \"clientSecret\": \"csecret\", \"registrationExpiresAt\": \"2099-01-01T00:00:00Z\"}}"
        ),
    );
}

fn write_role_credentials(sb: &Sandbox, key: &str) {
    write_file(
        &sb.cli_cache_dir().join(format!("{key}.json")),
        "{\"ProviderType\": \"sso\", \"Credentials\": {\"AccessKeyId\": \"ASIAX\", \"SecretAccessKey\": \"s\", \"SessionToken\": \"t\", \"Expiration\": \"2099-01-01T00:00:00Z\", \"AccountId\": \"111122223333\"}}",
    );
}

fn sandbox(emu: &Emulator) -> Sandbox {
    let mut sb = Sandbox::new();
    sb.endpoints(emu.url());
    sb.config(CONFIG);
    sb
}

/// The bearer tokens the emulator's `POST /logout` received.
fn logout_tokens(emu: &Emulator) -> BTreeSet<String> {
    emu.requests()
        .iter()
        .filter(|r| r.path == "/logout")
        .map(|r| {
            r.header("x-amz-sso_bearer_token")
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

fn list_accounts_with(sb: &Sandbox, token: &str) -> Output {
    sb.run(&[
        "sso",
        "list-accounts",
        "--access-token",
        token,
        "--region",
        "us-east-1",
        "--query",
        "length(accountList)",
    ])
}

#[test]
fn logout_signs_out_every_token_and_keeps_everything_else() {
    let emu = Emulator::start(Options::default());
    let sb = sandbox(&emu);
    let (corp, other, legacy) = (
        emu.issue_token_for_tests(),
        emu.issue_token_for_tests(),
        emu.issue_token_for_tests(),
    );
    write_token(&sb, &sha1("corp"), START_URL, &corp);
    write_token(&sb, &sha1("other"), OTHER_URL, &other);
    write_token(&sb, &sha1(LEGACY_URL), LEGACY_URL, &legacy);
    // A token without region: deleted, but v2 has nowhere to send its Logout.
    write_file(
        &sb.sso_cache_dir().join("toolkit.json"),
        "{\"accessToken\": \"elsewhere\", \"expiresAt\": \"2099-01-01T00:00:00Z\"}",
    );
    let registration = "b8e2c73342c2897e7eaf29fee6f99870802069ce.json";
    write_file(
        &sb.sso_cache_dir().join(registration),
        "{\"clientId\": \"cid\", \"clientSecret\": \"csecret\", \"expiresAt\": \"2099-01-01T00:00:00Z\"}",
    );
    write_file(
        &sb.sso_cache_dir().join("broken.json"),
        "{\"accessToken\": ",
    );
    write_file(&sb.sso_cache_dir().join("notes.txt"), "not json at all\n");
    write_file(
        &sb.sso_cache_dir().join("nested/deep.json"),
        "{\"accessToken\": \"deep\", \"region\": \"us-east-1\"}",
    );
    write_role_credentials(&sb, "sso-creds");
    write_file(
        &sb.cli_cache_dir().join("assume-role.json"),
        "{\"Credentials\": {\"AccessKeyId\": \"ASIAY\"}, \"AssumedRoleUser\": {}}",
    );
    write_file(&sb.cli_cache_dir().join("garbage.json"), "][");

    sb.run(&["sso", "logout"]).assert(0, "", "");

    assert_eq!(
        Sandbox::list_dir(&sb.sso_cache_dir()),
        [registration, "broken.json", "nested", "notes.txt"]
    );
    assert_eq!(
        Sandbox::list_dir(&sb.cli_cache_dir()),
        ["assume-role.json", "garbage.json"]
    );
    assert_eq!(emu.request_lines(), ["POST /logout"; 3]);
    assert_eq!(
        logout_tokens(&emu),
        BTreeSet::from([corp.clone(), other.clone(), legacy.clone()])
    );
    for token in [&corp, &other, &legacy] {
        list_accounts_with(&sb, token).assert(254, "", UNAUTHORIZED_LIST_ACCOUNTS);
    }
}

#[test]
fn logout_of_one_session_leaves_the_others_signed_in() {
    let emu = Emulator::start(Options::default());
    let sb = sandbox(&emu);
    let (corp, other, legacy) = (
        emu.issue_token_for_tests(),
        emu.issue_token_for_tests(),
        emu.issue_token_for_tests(),
    );
    write_token(&sb, &sha1("corp"), START_URL, &corp);
    write_token(&sb, &sha1("other"), OTHER_URL, &other);
    write_token(&sb, &sha1(LEGACY_URL), LEGACY_URL, &legacy);
    let dev = role_key(
        "111122223333",
        "AdministratorAccess",
        ("sessionName", "corp"),
    );
    let dev_ro = role_key("111122223333", "ReadOnlyAccess", ("sessionName", "corp"));
    let prod = role_key("444455556666", "ReadOnlyAccess", ("sessionName", "other"));
    let old = role_key(
        "777788889999",
        "AdministratorAccess",
        ("startUrl", LEGACY_URL),
    );
    for key in [&dev, &dev_ro, &prod, &old] {
        write_role_credentials(&sb, key);
    }
    let sorted = |mut names: Vec<String>| {
        names.sort();
        names
    };

    sb.run(&["sso", "logout", "--sso-session", "corp"])
        .assert(0, "", "");
    assert_eq!(
        Sandbox::list_dir(&sb.sso_cache_dir()),
        sorted(vec![
            format!("{}.json", sha1("other")),
            format!("{}.json", sha1(LEGACY_URL))
        ])
    );
    assert_eq!(
        Sandbox::list_dir(&sb.cli_cache_dir()),
        sorted(vec![format!("{prod}.json"), format!("{old}.json")])
    );
    assert_eq!(logout_tokens(&emu), BTreeSet::from([corp.clone()]));
    list_accounts_with(&sb, &corp).assert(254, "", UNAUTHORIZED_LIST_ACCOUNTS);
    list_accounts_with(&sb, &other).assert(0, "3\n", "");

    // The alias, a legacy profile named explicitly.
    emu.clear_requests();
    sb.run(&["logout", "--profile", "old"]).assert(0, "", "");
    assert_eq!(
        Sandbox::list_dir(&sb.sso_cache_dir()),
        [format!("{}.json", sha1("other"))]
    );
    assert_eq!(
        Sandbox::list_dir(&sb.cli_cache_dir()),
        [format!("{prod}.json")]
    );
    assert_eq!(logout_tokens(&emu), BTreeSet::from([legacy.clone()]));
    list_accounts_with(&sb, &other).assert(0, "3\n", "");

    // A profile of a session: that session. Nothing left of it: silent.
    sb.run(&["sso", "logout", "--profile", "dev"])
        .assert(0, "", "");
}

#[test]
fn logout_of_an_unknown_session_or_profile_is_refused() {
    let emu = Emulator::start(Options::default());
    let sb = sandbox(&emu);
    write_token(&sb, &sha1("corp"), START_URL, &emu.issue_token_for_tests());
    sb.run(&["sso", "logout", "--sso-session", "nope"]).assert(
        253,
        "",
        "\nawsso: [ERROR]: An error occurred (Configuration): The specified sso-session does not exist: \"nope\"\n",
    );
    sb.run(&["sso", "logout", "--profile", "nope"]).assert(
        255,
        "",
        "\nawsso: [ERROR]: The config profile (nope) could not be found\n",
    );
    assert_eq!(emu.request_lines(), Vec::<String>::new());
    assert_eq!(Sandbox::list_dir(&sb.sso_cache_dir()).len(), 1);
}

#[test]
fn logout_without_a_reachable_portal_still_signs_out_here() {
    let emu = Emulator::start(Options::default());
    let mut sb = sandbox(&emu);
    write_token(&sb, &sha1("corp"), START_URL, "t1");
    write_token(&sb, &sha1("other"), OTHER_URL, "t2");
    write_role_credentials(&sb, "creds");
    // Port 1 refuses connections; one attempt keeps the test fast.
    sb.endpoints("http://127.0.0.1:1");
    sb.set_env("AWS_MAX_ATTEMPTS", "1");
    sb.run(&["sso", "logout"]).assert(
        0,
        "",
        "awsso: [WARNING]: Unable to sign out 2 SSO tokens at the portal (Could not connect to the endpoint URL: \"http://127.0.0.1:1/logout\"); removed from this machine anyway.\n",
    );
    assert_eq!(Sandbox::list_dir(&sb.sso_cache_dir()), Vec::<String>::new());
    assert_eq!(Sandbox::list_dir(&sb.cli_cache_dir()), Vec::<String>::new());
}

/// A token file whose `region` is not a region (botocore's `validate_region_name`) is not
/// signed out at the portal: `x@HOST#` would make `portal.sso.x@HOST#.amazonaws.com`, a URL
/// whose host is HOST, and the bearer token would go there. It is still removed here.
#[test]
fn logout_never_sends_a_token_to_a_host_named_by_its_region() {
    let sb = Sandbox::new();
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    listener.set_nonblocking(true).unwrap();
    let region = format!("x@{}#", listener.local_addr().unwrap());
    write_file(
        &sb.sso_cache_dir().join("hostile.json"),
        &format!(
            "{{\"startUrl\": \"{START_URL}\", \"region\": \"{region}\", \"accessToken\": \"t1\", \"expiresAt\": \"2099-01-01T00:00:00Z\"}}"
        ),
    );
    sb.run(&["sso", "logout"]).assert(
        0,
        "",
        &format!("awsso: [WARNING]: Unable to sign out 1 SSO token at the portal (Provided region_name '{region}' doesn't match a supported format.); removed from this machine anyway.\n"),
    );
    assert!(
        listener.accept().is_err(),
        "no connection to the region's host"
    );
    assert_eq!(Sandbox::list_dir(&sb.sso_cache_dir()), Vec::<String>::new());
}

#[test]
fn logout_with_nothing_cached_says_nothing() {
    let sb = Sandbox::new();
    sb.run(&["sso", "logout"]).assert(0, "", "");
    std::fs::create_dir_all(sb.sso_cache_dir()).unwrap();
    std::fs::create_dir_all(sb.cli_cache_dir()).unwrap();
    sb.run(&["logout"]).assert(0, "", "");
}

// ---------------------------------------------------------------------------------------------
// Portal commands, compared live with the AWS CLI.

/// A sandbox for the portal commands: emulator pages of one item.
fn portal_sandbox() -> (Emulator, Sandbox, String) {
    let emu = Emulator::start(Options::default().page_size(1));
    let mut sb = Sandbox::new();
    sb.endpoints(emu.url());
    sb.set_env("AWS_DEFAULT_REGION", "us-east-1");
    let token = emu.issue_token_for_tests();
    (emu, sb, token)
}

/// Runs the same arguments through awsso and the AWS CLI; returns both outputs.
fn both(sb: &Sandbox, args: &[&str]) -> (Output, Output) {
    let awsso = sb.run(args);
    let aws = sb.run_program(&aws_cli(), args);
    (awsso, aws)
}

#[track_caller]
fn assert_same_output(sb: &Sandbox, args: &[&str]) -> String {
    let (awsso, aws) = both(sb, args);
    assert_eq!(aws.code, 0, "aws {args:?}: {}", aws.stderr);
    awsso.assert(0, &aws.stdout, "");
    awsso.stdout
}

#[test]
fn list_commands_print_what_the_aws_cli_prints() {
    let (emu, sb, token) = portal_sandbox();
    for output in ["json", "text", "table"] {
        let accounts = assert_same_output(
            &sb,
            &[
                "sso",
                "list-accounts",
                "--access-token",
                &token,
                "--output",
                output,
            ],
        );
        assert!(accounts.contains("777788889999"), "{accounts}");
        let roles = assert_same_output(
            &sb,
            &[
                "sso",
                "list-account-roles",
                "--access-token",
                &token,
                "--account-id",
                "111122223333",
                "--output",
                output,
            ],
        );
        assert!(roles.contains("ReadOnlyAccess"), "{roles}");
    }
    // Three pages of one account each, for every run of both tools.
    let pages = emu
        .request_lines()
        .iter()
        .filter(|l| *l == "GET /assignment/accounts")
        .count();
    assert_eq!(pages, 3 * 3 * 2);
}

#[test]
fn list_accounts_json_is_merged_across_pages() {
    let (_emu, sb, token) = portal_sandbox();
    sb.run(&["sso", "list-accounts", "--access-token", &token])
        .assert(
            0,
            r#"{
    "accountList": [
        {
            "accountId": "111122223333",
            "accountName": "Development",
            "emailAddress": "dev@example.com"
        },
        {
            "accountId": "444455556666",
            "accountName": "Production",
            "emailAddress": "prod@example.com"
        },
        {
            "accountId": "777788889999",
            "accountName": "Sandbox",
            "emailAddress": "sandbox@example.com"
        }
    ]
}
"#,
            "",
        );
}

#[test]
fn max_items_and_starting_token_round_trip_with_the_aws_cli() {
    let (_emu, sb, token) = portal_sandbox();
    for output in ["json", "text"] {
        for page_size in ["1", "2"] {
            let base = [
                "sso",
                "list-accounts",
                "--access-token",
                &token,
                "--output",
                output,
                "--page-size",
                page_size,
            ];
            let first = assert_same_output(&sb, &[&base[..], &["--max-items", "1"]].concat());
            assert!(
                first.contains("NextToken") || first.contains("NEXTTOKEN"),
                "{first}"
            );
            // Both tools hand out the same token, and it resumes in both.
            let (awsso, aws) = both(
                &sb,
                &[
                    &base[..],
                    &[
                        "--max-items",
                        "1",
                        "--query",
                        "NextToken",
                        "--output",
                        "json",
                    ],
                ]
                .concat(),
            );
            assert_eq!(awsso.stdout, aws.stdout);
            let next = awsso.stdout.trim().trim_matches('"').to_owned();
            let resumed = [&base[..], &["--starting-token", &next]].concat();
            let rest = assert_same_output(&sb, &resumed);
            assert!(!rest.contains("111122223333"), "{rest}");
            assert!(rest.contains("777788889999"), "{rest}");
            assert_same_output(&sb, &[&resumed[..], &["--max-items", "1"]].concat());
        }
    }
}

#[test]
fn text_output_applies_the_query_page_by_page() {
    let (_emu, sb, token) = portal_sandbox();
    let out = assert_same_output(
        &sb,
        &[
            "sso",
            "list-accounts",
            "--access-token",
            &token,
            "--output",
            "text",
            "--query",
            "accountList[0].accountId",
        ],
    );
    assert_eq!(out, "111122223333\n444455556666\n777788889999\n");
    // json merges first.
    assert_same_output(
        &sb,
        &[
            "sso",
            "list-accounts",
            "--access-token",
            &token,
            "--query",
            "accountList[0].accountId",
        ],
    );
}

#[test]
fn no_paginate_makes_one_call_and_shows_the_raw_token() {
    let (emu, sb, token) = portal_sandbox();
    for output in ["json", "text", "table"] {
        assert_same_output(
            &sb,
            &[
                "sso",
                "list-accounts",
                "--access-token",
                &token,
                "--no-paginate",
                "--output",
                output,
            ],
        );
    }
    assert_eq!(emu.request_lines(), ["GET /assignment/accounts"; 6]);
}

#[test]
fn get_role_credentials_prints_what_the_aws_cli_prints() {
    let (emu, sb, token) = portal_sandbox();
    for output in ["json", "text", "table"] {
        let args = [
            "sso",
            "get-role-credentials",
            "--access-token",
            &token,
            "--account-id",
            "111122223333",
            "--role-name",
            "ReadOnlyAccess",
            "--output",
            output,
        ];
        let (awsso, aws) = both(&sb, &args);
        assert_eq!(aws.code, 0, "{}", aws.stderr);
        // Credentials differ by nature between two calls: redact them by value.
        let redact = |text: &str| {
            let mut text = text.to_owned();
            for creds in emu.issued_credentials() {
                text = text
                    .replace(&creds.access_key_id, "<ACCESS-KEY-ID>")
                    .replace(&creds.secret_access_key, "<SECRET-ACCESS-KEY>");
                if let Some(session_token) = &creds.session_token {
                    text = text.replace(session_token, "<SESSION-TOKEN>");
                }
                if let Some(expiration) = creds.expiration {
                    let millis = expiration
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap()
                        .as_millis();
                    text = text.replace(&millis.to_string(), "<EXPIRATION>");
                }
            }
            text
        };
        assert_eq!(
            (awsso.code, redact(&awsso.stdout), awsso.stderr.as_str()),
            (0, redact(&aws.stdout), "")
        );
        assert!(redact(&awsso.stdout).contains("<SECRET-ACCESS-KEY>"));
    }
}

#[test]
fn missing_parameters_are_usage_errors() {
    let (_emu, sb, token) = portal_sandbox();
    let usage = |missing: &str| {
        format!(
            "\nawsso: [ERROR]: An error occurred (ParamValidation): the following arguments are required: {missing}\n\nusage: awsso [options] <command> <subcommand> [<subcommand> ...] [parameters]\nTo see help text, you can run:\n\n  awsso help\n  awsso <command> help\n  awsso <command> <subcommand> help\n"
        )
    };
    sb.run(&["sso", "get-role-credentials"]).assert(
        252,
        "",
        &usage("--role-name, --account-id, --access-token"),
    );
    sb.run(&["sso", "list-account-roles", "--access-token", &token])
        .assert(252, "", &usage("--account-id"));
    sb.run(&["sso", "list-accounts"])
        .assert(252, "", &usage("--access-token"));
    sb.run(&[
        "sso",
        "list-accounts",
        "--access-token",
        &token,
        "--no-paginate",
        "--max-items",
        "1",
    ])
    .assert(
        252,
        "",
        "\nawsso: [ERROR]: An error occurred (ParamValidation): Cannot specify --no-paginate along with pagination arguments: --max-items\n",
    );
    sb.run(&["sso", "list-accounts", "--access-token", &token, "--page-size", "0"])
        .assert(
            252,
            "",
            "\nawsso: [ERROR]: An error occurred (ParamValidation): Parameter validation failed:\nInvalid value for parameter maxResults, value: 0, valid min value: 1\n",
        );
}

#[test]
fn no_region_is_v2s_no_region_error() {
    let (_emu, mut sb, token) = portal_sandbox();
    sb.remove_env("AWS_DEFAULT_REGION");
    sb.run(&["sso", "list-accounts", "--access-token", &token]).assert(
        253,
        "",
        "\nawsso: [ERROR]: An error occurred (NoRegion): You must specify a region. You can also configure your region by running \"awsso configure\".\n",
    );
}

#[test]
fn a_region_that_is_not_a_region_is_refused_before_any_call() {
    let (emu, sb, token) = portal_sandbox();
    emu.clear_requests();
    sb.run(&[
        "sso",
        "list-accounts",
        "--access-token",
        &token,
        "--region",
        "us-east-1/../x",
    ])
    .assert(
        255,
        "",
        "\nawsso: [ERROR]: Provided region_name 'us-east-1/../x' doesn't match a supported format.\n",
    );
    assert!(emu.request_lines().is_empty());
}

#[test]
fn service_errors_exit_254() {
    let (emu, mut sb, token) = portal_sandbox();
    let count = |token: &str| {
        [
            "sso",
            "list-accounts",
            "--access-token",
            token,
            "--query",
            "length(accountList)",
        ]
        .map(str::to_owned)
    };
    emu.revoke_all_tokens();
    let args = count(&token);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    sb.run(&args).assert(254, "", UNAUTHORIZED_LIST_ACCOUNTS);

    let token = emu.issue_token_for_tests();
    let args = count(&token);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    sb.set_env("AWS_MAX_ATTEMPTS", "2");
    // Throttled once, then served: retried like v2's standard mode.
    emu.set_faults(|f| f.throttle_next = 1);
    sb.run(&args).assert(0, "3\n", "");
    emu.set_faults(|f| f.throttle_next = 2);
    sb.run(&args).assert(
        254,
        "",
        "\nawsso: [ERROR]: An error occurred (TooManyRequestsException) when calling the ListAccounts operation (reached max retries: 1): Rate exceeded\n",
    );
    emu.set_faults(|f| f.fail_next = vec![500, 500]);
    sb.run(&args).assert(
        254,
        "",
        "\nawsso: [ERROR]: An error occurred (InternalServerException) when calling the ListAccounts operation (reached max retries: 1): An internal server error occurred\n",
    );
}

#[test]
fn without_access_token_the_cached_token_of_the_profile_is_used() {
    let emu = Emulator::start(Options::default().page_size(1));
    let mut sb = sandbox(&emu);
    write_token(&sb, &sha1("corp"), START_URL, &emu.issue_token_for_tests());
    write_token(
        &sb,
        &sha1(LEGACY_URL),
        LEGACY_URL,
        &emu.issue_token_for_tests(),
    );
    let count = ["--query", "length(accountList)"];
    sb.run(&[&["sso", "list-accounts", "--profile", "dev"][..], &count].concat())
        .assert(0, "3\n", "");
    sb.run(
        &[
            &["sso", "list-accounts", "--sso-session", "corp"][..],
            &count,
        ]
        .concat(),
    )
    .assert(0, "3\n", "");
    sb.set_env("AWS_PROFILE", "old");
    sb.run(&[
        "sso",
        "list-account-roles",
        "--account-id",
        "111122223333",
        "--query",
        "roleList[].roleName",
        "--output",
        "text",
    ])
    .assert(0, "AdministratorAccess\nReadOnlyAccess\n", "");
    // Tokens went in the header, to the session's sso_region (the endpoint is overridden).
    assert!(emu
        .requests()
        .iter()
        .all(|r| r.header("x-amz-sso_bearer_token").is_some()));

    // A session that never logged in: the token provider's error.
    sb.run(&["sso", "list-accounts", "--profile", "prod"])
        .assert(
            255,
            "",
            "\nawsso: [ERROR]: Error loading SSO Token: Token for other does not exist\n",
        );
    sb.run(&["sso", "list-accounts", "--sso-session", "nope"]).assert(
        253,
        "",
        "\nawsso: [ERROR]: An error occurred (Configuration): The specified sso-session does not exist: \"nope\"\n",
    );
}

#[test]
fn debug_logs_never_show_tokens_or_credentials() {
    let emu = Emulator::start(Options::default());
    let mut sb = sandbox(&emu);
    sb.set_env("AWS_DEFAULT_REGION", "us-east-1");
    let token = emu.issue_token_for_tests();
    let out = sb.run(&[
        "sso",
        "get-role-credentials",
        "--access-token",
        &token,
        "--account-id",
        "111122223333",
        "--role-name",
        "ReadOnlyAccess",
        "--debug",
    ]);
    out.assert_code(0);
    let creds = emu.issued_credentials();
    let secret = &creds[0].secret_access_key;
    assert!(out.stdout.contains(secret.as_str()));
    assert!(!out.stderr.contains(secret.as_str()), "{}", out.stderr);
    assert!(!out.stderr.contains(&token), "{}", out.stderr);

    write_token(&sb, &sha1("corp"), START_URL, &token);
    let out = sb.run(&["sso", "logout", "--debug"]);
    out.assert_code(0);
    assert!(out.stderr.contains("/logout"), "{}", out.stderr);
    assert!(!out.stderr.contains(&token), "{}", out.stderr);
    assert_eq!(out.stdout, "");
}

#[test]
fn logout_signs_out_many_tokens() {
    let emu = Emulator::start(Options::default());
    let sb = sandbox(&emu);
    let tokens: BTreeSet<String> = (0..20).map(|_| emu.issue_token_for_tests()).collect();
    for (i, token) in tokens.iter().enumerate() {
        write_token(&sb, &sha1(&format!("session-{i}")), START_URL, token);
    }
    sb.run(&["sso", "logout"]).assert(0, "", "");
    assert_eq!(logout_tokens(&emu), tokens);
    assert_eq!(emu.request_lines().len(), 20);
    assert_eq!(Sandbox::list_dir(&sb.sso_cache_dir()), Vec::<String>::new());
}

#[test]
fn yaml_follows_v2s_formatter() {
    let (_emu, sb, token) = portal_sandbox();
    sb.run(&[
        "sso",
        "list-account-roles",
        "--access-token",
        &token,
        "--account-id",
        "111122223333",
        "--output",
        "yaml",
    ])
    .assert(
        0,
        "roleList:\n- accountId: '111122223333'\n  roleName: AdministratorAccess\n- accountId: '111122223333'\n  roleName: ReadOnlyAccess\n",
        "",
    );
}

#[test]
fn yaml_stream_prints_each_page_as_it_comes() {
    let (_emu, sb, token) = portal_sandbox();
    // v2's StreamedYAMLFormatter: every page whole (its nextToken too), one list item each.
    let out = sb.run(&[
        "sso",
        "list-account-roles",
        "--access-token",
        &token,
        "--account-id",
        "111122223333",
        "--output",
        "yaml-stream",
    ]);
    out.assert(
        0,
        "- nextToken: cm9sZXMvMTExMTIyMjIzMzMzIzE\n  roleList:\n  - accountId: '111122223333'\n    roleName: AdministratorAccess\n- roleList:\n  - accountId: '111122223333'\n    roleName: ReadOnlyAccess\n",
        "",
    );
}
