//! The formatter API as commands use it. Expected bytes come from AWS CLI's formatters
//! (the live comparison is tests/cli/output.rs).

use super::*;
use serde_json::json;

fn identity() -> Value {
    json!({
        "UserId": "AROAEXAMPLE:jane@example.com",
        "Account": "111122223333",
        "Arn": "arn:aws:sts::111122223333:assumed-role/R/jane"
    })
}

fn formatter(format: OutputFormat, query: Option<&str>) -> Formatter {
    Formatter {
        query: query.map(|q| Query::parse(q).unwrap()),
        ..Formatter::new(format)
    }
}

fn out(format: OutputFormat, query: Option<&str>, response: &Value) -> String {
    formatter(format, query)
        .format("GetCallerIdentity", response)
        .unwrap()
}

#[test]
fn json_keeps_model_order_with_four_space_indent() {
    assert_eq!(
        out(OutputFormat::Json, None, &identity()),
        "{\n    \"UserId\": \"AROAEXAMPLE:jane@example.com\",\n    \"Account\": \"111122223333\",\n    \"Arn\": \"arn:aws:sts::111122223333:assumed-role/R/jane\"\n}\n"
    );
}

#[test]
fn json_drops_response_metadata_and_prints_unicode_raw() {
    let response = json!({"Name": "Zoë 東京", "ResponseMetadata": {"RequestId": "r"}});
    assert_eq!(
        out(OutputFormat::Json, None, &response),
        "{\n    \"Name\": \"Zoë 東京\"\n}\n"
    );
}

#[test]
fn json_of_query_results() {
    let id = identity();
    assert_eq!(
        out(OutputFormat::Json, Some("Account"), &id),
        "\"111122223333\"\n"
    );
    assert_eq!(out(OutputFormat::Json, Some("Missing"), &id), "null\n");
    assert_eq!(out(OutputFormat::Json, Some("`{}`"), &id), "");
    assert_eq!(out(OutputFormat::Json, Some("`[]`"), &id), "[]\n");
    assert_eq!(
        out(OutputFormat::Json, Some("[Account, `1.0`, `true`]"), &id),
        "[\n    \"111122223333\",\n    1.0,\n    true\n]\n"
    );
}

#[test]
fn text_sorts_keys_and_prints_none() {
    let id = identity();
    assert_eq!(
        out(OutputFormat::Text, None, &id),
        "111122223333\tarn:aws:sts::111122223333:assumed-role/R/jane\tAROAEXAMPLE:jane@example.com\n"
    );
    assert_eq!(
        out(OutputFormat::Text, Some("Account"), &id),
        "111122223333\n"
    );
    assert_eq!(out(OutputFormat::Text, Some("Missing"), &id), "None\n");
    assert_eq!(
        out(OutputFormat::Text, Some("[Account, UserId]"), &id),
        "111122223333\tAROAEXAMPLE:jane@example.com\n"
    );
    assert_eq!(out(OutputFormat::Text, Some("`{}`"), &id), "");
}

#[test]
fn table_of_a_scalar_query_is_only_the_title() {
    assert_eq!(
        out(OutputFormat::Table, Some("Account"), &identity()),
        "-------------------\n|GetCallerIdentity|\n+-----------------+\n"
    );
}

#[test]
fn off_prints_nothing() {
    assert_eq!(out(OutputFormat::Off, Some("Account"), &identity()), "");
}

#[test]
fn a_bad_query_is_a_252_param_validation_error() {
    let err = Query::parse("Account[").unwrap_err();
    assert_eq!(err.exit_code(), 252);
    assert_eq!(
        err.stderr_text(),
        "\nawsso: [ERROR]: An error occurred (ParamValidation): Bad value for --query Account[: Invalid jmespath expression: Incomplete expression:\n\"Account[\"\n         ^\n"
    );
    let err = Query::parse("a ^ b").unwrap_err();
    assert_eq!(
        err.to_string(),
        "An error occurred (ParamValidation): Bad value for --query a ^ b: Bad jmespath expression: Unknown token ^:\na ^ b\n  ^"
    );
}

#[test]
fn a_query_failing_at_search_time_is_a_255_error() {
    let err = formatter(OutputFormat::Json, Some("length(`1`)"))
        .format("GetCallerIdentity", &identity())
        .unwrap_err();
    assert_eq!(err.exit_code(), 255);
    assert_eq!(
        err.to_string(),
        "In function length(), invalid type for value: 1, expected one of: ['string', 'array', 'object'], received: \"number\""
    );
}

fn account(id: &str, name: &str) -> Value {
    json!({"accountId": id, "accountName": name, "emailAddress": format!("{}@example.com", name.to_lowercase())})
}

/// Two pages as the emulator serves them (page size 2), and their merged result.
fn account_pages() -> (Vec<Value>, Value) {
    let pages = vec![
        json!({"nextToken": "t1", "accountList": [account("111122223333", "Development"), account("444455556666", "Production")]}),
        json!({"accountList": [account("777788889999", "Sandbox")]}),
    ];
    let merged = json!({"accountList": [
        account("111122223333", "Development"),
        account("444455556666", "Production"),
        account("777788889999", "Sandbox")
    ]});
    (pages, merged)
}

#[test]
fn paginated_text_applies_the_query_to_each_page() {
    let (pages, merged) = account_pages();
    let text = |query: Option<&str>| {
        formatter(OutputFormat::Text, query)
            .format_pages("ListAccounts", &pages, &merged)
            .unwrap()
    };
    assert_eq!(
        text(Some("accountList[0].accountId")),
        "111122223333\n777788889999\n"
    );
    assert_eq!(
        text(None),
        "ACCOUNTLIST\t111122223333\tDevelopment\tdevelopment@example.com\nACCOUNTLIST\t444455556666\tProduction\tproduction@example.com\nACCOUNTLIST\t777788889999\tSandbox\tsandbox@example.com\n"
    );
}

#[test]
fn paginated_json_prints_the_merged_result_with_its_next_token() {
    let (pages, _) = account_pages();
    let merged =
        json!({"accountList": [account("111122223333", "Development")], "NextToken": "eyJ"});
    let json_out = formatter(OutputFormat::Json, Some("accountList[0].accountId"))
        .format_pages("ListAccounts", &pages[..1], &merged)
        .unwrap();
    assert_eq!(json_out, "\"111122223333\"\n");
    let text_out = formatter(OutputFormat::Text, None)
        .format_pages(
            "ListAccounts",
            &[json!({"accountList": [account("111122223333", "Development")]})],
            &merged,
        )
        .unwrap();
    assert_eq!(
        text_out,
        "ACCOUNTLIST\t111122223333\tDevelopment\tdevelopment@example.com\nNEXTTOKEN\teyJ\n"
    );
}

#[test]
fn ten_queries_users_write() {
    let (pages, merged) = account_pages();
    let _ = pages;
    let cases: &[(&str, &str)] = &[
        (
            "accountList[].accountId",
            "111122223333\t444455556666\t777788889999\n",
        ),
        (
            "accountList[?accountName=='Sandbox'].accountId | [0]",
            "777788889999\n",
        ),
        ("length(accountList)", "3\n"),
        (
            "accountList[*].[accountId, accountName]",
            "111122223333\tDevelopment\n444455556666\tProduction\n777788889999\tSandbox\n",
        ),
        (
            "accountList[?contains(emailAddress, 'prod')].accountName",
            "Production\n",
        ),
        (
            "sort_by(accountList, &accountName)[-1].accountName",
            "Sandbox\n",
        ),
        (
            "accountList[].{id: accountId}",
            "111122223333\n444455556666\n777788889999\n",
        ),
        ("accountList[0:2].accountName", "Development\tProduction\n"),
        (
            "join(',', accountList[].accountId)",
            "111122223333,444455556666,777788889999\n",
        ),
        ("accountList[?starts_with(accountName, 'Q')]", ""),
        (
            "not_null(missing, accountList[0].accountId)",
            "111122223333\n",
        ),
        (
            "max_by(accountList, &accountId).emailAddress",
            "sandbox@example.com\n",
        ),
    ];
    for (query, expected) in cases {
        let got = formatter(OutputFormat::Text, Some(query))
            .format("ListAccounts", &merged)
            .unwrap();
        assert_eq!(&got, expected, "{query}");
    }
}

#[test]
fn yaml_sorts_keys_and_quotes_numeric_strings() {
    assert_eq!(
        out(OutputFormat::Yaml, None, &identity()),
        "Account: '111122223333'\nArn: arn:aws:sts::111122223333:assumed-role/R/jane\nUserId: AROAEXAMPLE:jane@example.com\n"
    );
    assert_eq!(
        out(OutputFormat::Yaml, Some("Account"), &identity()),
        "\"111122223333\"\n"
    );
    assert_eq!(out(OutputFormat::Yaml, Some("`{}`"), &identity()), "");
    assert_eq!(
        out(OutputFormat::YamlStream, None, &json!({"a": 1})),
        "- a: 1\n"
    );
}

fn small_pages() -> Vec<Value> {
    vec![
        json!({"nextToken": "t1", "accountList": [{"accountId": "111122223333", "accountName": "Development"}]}),
        json!({"accountList": [{"accountId": "777788889999", "accountName": "Sandbox"}]}),
    ]
}

#[test]
fn yaml_stream_prints_each_page_as_a_one_item_list() {
    let pages = small_pages();
    let merged = json!({});
    let stream = |query: Option<&str>| {
        formatter(OutputFormat::YamlStream, query)
            .format_pages("ListAccounts", &pages, &merged)
            .unwrap()
    };
    assert_eq!(
        stream(None),
        "- accountList:\n  - accountId: '111122223333'\n    accountName: Development\n  nextToken: t1\n- accountList:\n  - accountId: '777788889999'\n    accountName: Sandbox\n"
    );
    assert_eq!(
        stream(Some("accountList[0].accountId")),
        "- '111122223333'\n- '777788889999'\n"
    );
}

#[test]
fn yaml_prints_the_merged_result() {
    let merged = json!({"accountList": [
        {"accountId": "111122223333", "accountName": "Development"},
        {"accountId": "777788889999", "accountName": "Sandbox"}
    ], "NextToken": "tok"});
    assert_eq!(
        formatter(OutputFormat::Yaml, None)
            .format_pages("ListAccounts", &small_pages(), &merged)
            .unwrap(),
        "NextToken: tok\naccountList:\n- accountId: '111122223333'\n  accountName: Development\n- accountId: '777788889999'\n  accountName: Sandbox\n"
    );
}

#[test]
fn print_keeps_what_v2_streamed_before_an_error() {
    let ctx = Context::for_tests(
        crate::context::Env::default(),
        std::time::SystemTime::UNIX_EPOCH,
    );
    let response = json!({"z": "last", "a": {"c": [1, {"d": 2}]}});
    let err = formatter(OutputFormat::Text, None)
        .print(&ctx, "X", &response)
        .unwrap_err();
    assert_eq!(ctx.take_stdout(), "last\n");
    assert_eq!(err.to_string(), "'int' object has no attribute 'items'");
    assert_eq!(err.exit_code(), 255);
    // format() returns no partial output.
    assert!(formatter(OutputFormat::Text, None)
        .format("X", &response)
        .is_err());
}

#[test]
fn nested_tables_in_colour() {
    let f = Formatter {
        color: true,
        ..Formatter::new(OutputFormat::Table)
    };
    let got = f
        .format(
            "GetRoleCredentials",
            &json!({"roleCredentials": {"accessKeyId": "ASIA", "expiration": 1}}),
        )
        .unwrap();
    assert_eq!(
        got,
        "---------------------------------\n\x1b[0m\x1b[0m|      GetRoleCredentials       |\x1b[0m\x1b[0m\n\x1b[0m\x1b[0m+-------------------------------+\x1b[0m\x1b[0m\n\x1b[0m\x1b[2m\x1b[33m|\x1b[0m\x1b[0m|       roleCredentials       |\x1b[0m\x1b[2m\x1b[33m|\x1b[0m\x1b[0m\n\x1b[0m\x1b[2m\x1b[33m|\x1b[0m\x1b[0m+--------------+--------------+\x1b[0m\x1b[2m\x1b[33m|\x1b[0m\x1b[0m\n\x1b[0m\x1b[2m\x1b[33m|\x1b[0m\x1b[0m|  accessKeyId | expiration   |\x1b[0m\x1b[2m\x1b[33m|\x1b[0m\x1b[0m\n\x1b[0m\x1b[2m\x1b[33m|\x1b[0m\x1b[0m+--------------+--------------+\x1b[0m\x1b[2m\x1b[33m|\x1b[0m\x1b[0m\n\x1b[0m\x1b[2m\x1b[33m|\x1b[0m\x1b[0m|  \x1b[1m\x1b[34mASIA\x1b[0m        |  \x1b[1m\x1b[34m1\x1b[0m           |\x1b[0m\x1b[2m\x1b[33m|\x1b[0m\x1b[0m\n\x1b[0m\x1b[2m\x1b[33m|\x1b[0m\x1b[0m+--------------+--------------+\x1b[0m\x1b[2m\x1b[33m|\x1b[0m\x1b[0m\n\x1b[0m"
    );
}
