//! The SSO portal: GetRoleCredentials, ListAccounts, ListAccountRoles with pagination, Logout,
//! and the 401 for every kind of bad token.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use awsso_emulator::{Account, Directory, Emulator, Options};
use serde_json::{json, Value};

use crate::support::*;

/// Follows `nextToken` to the end; returns the pages.
fn pages(url: &str, token: &str, path: &str, key: &str) -> Vec<Vec<Value>> {
    let mut pages = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let target = match &next {
            Some(t) => format!(
                "{path}{sep}next_token={}",
                url::form_urlencoded::byte_serialize(t.as_bytes()).collect::<String>()
            ),
            None => path.to_string(),
        };
        let response = portal_get(url, &target, token);
        assert_eq!(response.status, 200, "{response:?}");
        assert_eq!(response.header("content-type"), Some("application/json"));
        let body = response.json();
        pages.push(body[key].as_array().unwrap().clone());
        match body.get("nextToken") {
            Some(Value::String(t)) => next = Some(t.clone()),
            None => return pages,
            other => panic!("nextToken {other:?}"),
        }
        assert!(pages.len() < 10);
    }
}

#[test]
fn list_accounts_in_pages_of_two() {
    let emu = Emulator::start(Options::default());
    let token = emu.issue_token_for_tests();
    let pages = pages(emu.url(), &token, "/assignment/accounts", "accountList");
    assert_eq!(
        pages,
        [
            vec![
                json!({"accountId": "111122223333", "accountName": "Development", "emailAddress": "dev@example.com"}),
                json!({"accountId": "444455556666", "accountName": "Production", "emailAddress": "prod@example.com"}),
            ],
            vec![
                json!({"accountId": "777788889999", "accountName": "Sandbox", "emailAddress": "sandbox@example.com"})
            ],
        ]
    );
}

#[test]
fn max_result_and_page_size_limit_pages() {
    let emu = Emulator::start(Options::default().page_size(10));
    let token = emu.issue_token_for_tests();
    let all = pages(emu.url(), &token, "/assignment/accounts", "accountList");
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].len(), 3);
    let ones = pages(
        emu.url(),
        &token,
        "/assignment/accounts?max_result=1",
        "accountList",
    );
    assert_eq!(ones.iter().map(Vec::len).collect::<Vec<_>>(), [1, 1, 1]);
    for bad in ["0", "101", "abc"] {
        portal_get(
            emu.url(),
            &format!("/assignment/accounts?max_result={bad}"),
            &token,
        )
        .assert_portal_error(
            400,
            "InvalidRequestException",
            "max_result must be between 1 and 100",
        );
    }
}

#[test]
fn invalid_next_token_is_an_invalid_request() {
    let emu = Emulator::start(Options::default());
    let token = emu.issue_token_for_tests();
    let first = portal_get(emu.url(), "/assignment/accounts", &token).json();
    let next = first["nextToken"].as_str().unwrap();
    for bad in ["garbage", "%00%01"] {
        portal_get(
            emu.url(),
            &format!("/assignment/accounts?next_token={bad}"),
            &token,
        )
        .assert_portal_error(400, "InvalidRequestException", "Invalid next token");
    }
    // A token of the account list means nothing to a role list.
    portal_get(
        emu.url(),
        &format!("/assignment/roles?account_id=111122223333&next_token={next}"),
        &token,
    )
    .assert_portal_error(400, "InvalidRequestException", "Invalid next token");
}

#[test]
fn list_account_roles() {
    let emu = Emulator::start(Options::default().page_size(1));
    let token = emu.issue_token_for_tests();
    let pages = pages(
        emu.url(),
        &token,
        "/assignment/roles?account_id=111122223333",
        "roleList",
    );
    assert_eq!(
        pages,
        [
            vec![json!({"roleName": "AdministratorAccess", "accountId": "111122223333"})],
            vec![json!({"roleName": "ReadOnlyAccess", "accountId": "111122223333"})],
        ]
    );
    portal_get(emu.url(), "/assignment/roles", &token).assert_portal_error(
        400,
        "InvalidRequestException",
        "account_id is required",
    );
    portal_get(
        emu.url(),
        "/assignment/roles?account_id=999999999999",
        &token,
    )
    .assert_portal_error(403, "ForbiddenException", "No access");
}

#[test]
fn get_role_credentials_for_an_assigned_role() {
    let emu = Emulator::start(Options::default().credentials_ttl(Duration::from_secs(1800)));
    let token = emu.issue_token_for_tests();
    // Parameter order does not matter.
    let response = portal_get(
        emu.url(),
        "/federation/credentials?account_id=444455556666&role_name=ReadOnlyAccess",
        &token,
    );
    assert_eq!(response.status, 200, "{response:?}");
    let body = response.json();
    let creds = &body["roleCredentials"];
    let keys: Vec<_> = creds.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        [
            "accessKeyId",
            "secretAccessKey",
            "sessionToken",
            "expiration"
        ]
    );
    let key = creds["accessKeyId"].as_str().unwrap();
    assert!(key.starts_with("ASIA") && key.len() == 20, "{key}");
    assert_eq!(creds["secretAccessKey"].as_str().unwrap().len(), 40);
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let expiration = creds["expiration"].as_i64().unwrap();
    assert!(
        (expiration - now_ms - 1_800_000).abs() < 5_000,
        "epoch ms, 30 min ahead: {expiration}"
    );
    let issued = emu.credentials(key).unwrap();
    let role = Directory::reserved_role_name("444455556666", "ReadOnlyAccess");
    assert_eq!(
        issued.arn,
        format!("arn:aws:sts::444455556666:assumed-role/{role}/jane@example.com")
    );
    assert_eq!(issued.account, "444455556666");
    assert_eq!(emu.issued_credentials(), [issued]);
}

#[test]
fn get_role_credentials_refuses_unassigned_roles_and_missing_parameters() {
    let emu = Emulator::start(Options::default());
    let token = emu.issue_token_for_tests();
    for target in [
        "/federation/credentials?role_name=AdministratorAccess&account_id=444455556666",
        "/federation/credentials?role_name=ReadOnlyAccess&account_id=000000000000",
    ] {
        portal_get(emu.url(), target, &token).assert_portal_error(
            403,
            "ForbiddenException",
            "No access",
        );
    }
    portal_get(
        emu.url(),
        "/federation/credentials?role_name=ReadOnlyAccess",
        &token,
    )
    .assert_portal_error(
        400,
        "InvalidRequestException",
        "role_name and account_id are required",
    );
}

#[test]
fn bad_tokens_get_401() {
    let emu = Emulator::start(Options::default());
    for target in [
        "/assignment/accounts",
        "/assignment/roles?account_id=111122223333",
        "/federation/credentials?role_name=ReadOnlyAccess&account_id=111122223333",
    ] {
        get(emu.url(), target, &[]).assert_portal_error(
            401,
            "UnauthorizedException",
            "Session token not found or invalid",
        );
        portal_get(emu.url(), target, "forged").assert_portal_error(
            401,
            "UnauthorizedException",
            "Session token not found or invalid",
        );
    }
    // Sent as Authorization: Bearer it is not the portal's header.
    let token = emu.issue_token_for_tests();
    let auth = format!("Bearer {token}");
    get(
        emu.url(),
        "/assignment/accounts",
        &[("Authorization", &auth)],
    )
    .assert_portal_error(
        401,
        "UnauthorizedException",
        "Session token not found or invalid",
    );
    send(emu.url(), "POST", "/logout", &[], b"").assert_portal_error(
        401,
        "UnauthorizedException",
        "Session token not found or invalid",
    );
}

#[test]
fn expired_tokens_get_401() {
    let emu = Emulator::start(Options::default().token_ttl(Duration::ZERO));
    let token = emu.issue_token_for_tests();
    portal_get(emu.url(), "/assignment/accounts", &token).assert_portal_error(
        401,
        "UnauthorizedException",
        "Session token not found or invalid",
    );
}

#[test]
fn logout_ends_the_session() {
    let emu = Emulator::start(Options::default().auto_approve(true));
    let reg = register(emu.url(), &["sso:account:access"]);
    let device = start_device(emu.url(), &reg);
    let tokens = poll(emu.url(), &reg, device["deviceCode"].as_str().unwrap()).json();
    let access = tokens["accessToken"].as_str().unwrap();
    let other_session = emu.issue_token_for_tests();
    // botocore sends Logout with an empty body and no content type.
    let response = send(
        emu.url(),
        "POST",
        "/logout",
        &[("x-amz-sso_bearer_token", access)],
        b"",
    );
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.body, "");
    assert!(response.header("x-amzn-RequestId").is_some());
    portal_get(emu.url(), "/assignment/accounts", access).assert_portal_error(
        401,
        "UnauthorizedException",
        "Session token not found or invalid",
    );
    // Its refresh token went with it; other sessions are untouched.
    post_json(
        emu.url(),
        "/token",
        &reg.with(json!({"grantType": "refresh_token", "refreshToken": tokens["refreshToken"]})),
    )
    .assert_oidc_error(400, "InvalidGrantException", "invalid_grant");
    assert_eq!(
        portal_get(emu.url(), "/assignment/accounts", &other_session).status,
        200
    );
    send(
        emu.url(),
        "POST",
        "/logout",
        &[("x-amz-sso_bearer_token", access)],
        b"",
    )
    .assert_portal_error(
        401,
        "UnauthorizedException",
        "Session token not found or invalid",
    );
}

#[test]
fn a_custom_directory_is_served() {
    let directory = Directory {
        user: "bob@example.org".into(),
        accounts: vec![Account {
            account_id: "123456789012".into(),
            account_name: "Solo".into(),
            email_address: "solo@example.org".into(),
            roles: vec!["Deploy".into()],
        }],
        users: vec![],
    };
    let emu = Emulator::start(Options::default().directory(directory.clone()));
    assert_eq!(emu.directory(), directory);
    let token = emu.issue_token_for_tests();
    let body = portal_get(emu.url(), "/assignment/accounts", &token).json();
    assert_eq!(
        body,
        json!({"accountList": [{"accountId": "123456789012", "accountName": "Solo", "emailAddress": "solo@example.org"}]})
    );
    let creds = role_credentials(emu.url(), &token, "123456789012", "Deploy");
    let issued = emu.credentials(&creds.access_key_id).unwrap();
    assert!(issued.arn.ends_with("/bob@example.org"));
    assert!(emu.credentials("AKIAEMULATORSTATIC01").is_none());
}

#[test]
fn a_generated_directory_of_5000_accounts_lists_in_order() {
    let emu = Emulator::start(
        Options::default()
            .directory(Directory::generated(5000, 3))
            .page_size(100),
    );
    let token = emu.issue_token_for_tests();
    let mut accounts = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let target = match &next {
            Some(t) => format!("/assignment/accounts?max_result=100&next_token={t}"),
            None => "/assignment/accounts?max_result=100".to_string(),
        };
        let body = portal_get(emu.url(), &target, &token).json();
        let page = body["accountList"].as_array().unwrap();
        assert_eq!(page.len(), 100);
        accounts.extend(page.iter().cloned());
        match body["nextToken"].as_str() {
            Some(t) => next = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(accounts.len(), 5000);
    assert_eq!(
        accounts[0],
        json!({"accountId": "100000000001", "accountName": "account-00001", "emailAddress": "account-00001@example.com"})
    );
    assert_eq!(accounts[4999]["accountName"], "account-05000");
    assert_eq!(accounts[4999]["accountId"], "100000005000");
    let names: Vec<&str> = accounts
        .iter()
        .map(|a| a["accountName"].as_str().unwrap())
        .collect();
    assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
    assert_eq!(emu.request_lines().len(), 50, "one request per page of 100");

    let roles = pages(
        emu.url(),
        &token,
        "/assignment/roles?account_id=100000005000",
        "roleList",
    );
    assert_eq!(
        roles.concat(),
        [
            json!({"roleName": "Role1", "accountId": "100000005000"}),
            json!({"roleName": "Role2", "accountId": "100000005000"}),
            json!({"roleName": "Role3", "accountId": "100000005000"}),
        ]
    );
    let creds = role_credentials(emu.url(), &token, "100000005000", "Role3");
    assert_eq!(
        emu.credentials(&creds.access_key_id).unwrap().account,
        "100000005000"
    );
    portal_get(
        emu.url(),
        "/federation/credentials?role_name=Role4&account_id=100000005000",
        &token,
    )
    .assert_portal_error(403, "ForbiddenException", "No access");
}

#[test]
fn the_directory_changes_between_two_runs_and_tokens_stay_valid() {
    let emu = Emulator::start(Options::default().page_size(10));
    let token = emu.issue_token_for_tests();
    let before = role_credentials(emu.url(), &token, "111122223333", "ReadOnlyAccess");
    let roles = |emu: &Emulator| {
        portal_get(
            emu.url(),
            "/assignment/roles?account_id=111122223333",
            &token,
        )
        .json()["roleList"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["roleName"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(roles(&emu), ["AdministratorAccess", "ReadOnlyAccess"]);

    emu.update_directory(|d| d.accounts[0].roles.retain(|r| r != "ReadOnlyAccess"));
    assert_eq!(roles(&emu), ["AdministratorAccess"]);
    portal_get(
        emu.url(),
        "/federation/credentials?role_name=ReadOnlyAccess&account_id=111122223333",
        &token,
    )
    .assert_portal_error(403, "ForbiddenException", "No access");
    // Credentials issued before the change keep working until they expire.
    assert_eq!(
        sts_post(emu.url(), &before, GET_CALLER_IDENTITY).status,
        200
    );

    emu.update_directory(|d| d.accounts[0].roles.push("Billing".into()));
    assert_eq!(roles(&emu), ["AdministratorAccess", "Billing"]);

    emu.set_directory(Directory::generated(2, 1));
    let accounts = portal_get(emu.url(), "/assignment/accounts", &token).json();
    assert_eq!(
        accounts["accountList"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["accountId"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["100000000001", "100000000002"]
    );
    portal_get(
        emu.url(),
        "/assignment/roles?account_id=111122223333",
        &token,
    )
    .assert_portal_error(403, "ForbiddenException", "No access");
    assert_eq!(
        sts_post(emu.url(), &static_user(), GET_CALLER_IDENTITY).status,
        200
    );

    // Without IAM users the static key is unknown.
    emu.update_directory(|d| d.users.clear());
    sts_post(emu.url(), &static_user(), GET_CALLER_IDENTITY).assert_sts_error(
        403,
        "InvalidClientTokenId",
        "The security token included in the request is invalid",
    );
    assert_eq!(emu.directory().accounts.len(), 2);
}

#[test]
fn a_next_token_past_the_end_of_a_shrunk_list_is_invalid() {
    let emu = Emulator::start(Options::default().directory(Directory::generated(5, 1)));
    let token = emu.issue_token_for_tests();
    let first = portal_get(emu.url(), "/assignment/accounts", &token).json();
    let next = first["nextToken"].as_str().unwrap().to_string();
    emu.set_directory(Directory::generated(1, 1));
    portal_get(
        emu.url(),
        &format!("/assignment/accounts?next_token={next}"),
        &token,
    )
    .assert_portal_error(400, "InvalidRequestException", "Invalid next token");
}
