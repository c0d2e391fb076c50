//! `awsso::output` against the AWS CLI's own formatter code, live: the same sample
//! responses go through `tests/cli/oracle/format.py` (AWS CLI v1's json/text/table
//! formatters, which equal v2's; v2's YAMLDumper rules on ruamel.yaml for yaml) and through
//! `awsso::output::Formatter`, and the bytes must be equal. The product has no "format this
//! JSON" command, so the Rust side is driven through the library.

use std::fmt::Write as _;

use awsso::cli::OutputFormat;
use awsso::context::{Context, Env};
use awsso::output::{Formatter, Query};
use serde_json::{json, Map, Value};

use crate::support;

/// One formatting job, serialised as the oracle's input.
struct Case {
    output: &'static str,
    operation: &'static str,
    query: Option<&'static str>,
    color: bool,
    width: usize,
    response: Response,
}

enum Response {
    One(Value),
    Pages {
        pages: Vec<Value>,
        result_key: &'static str,
        resume_token: Option<&'static str>,
    },
}

impl Case {
    fn new(output: &'static str, operation: &'static str, response: Value) -> Case {
        Case {
            output,
            operation,
            query: None,
            color: false,
            width: 80,
            response: Response::One(response),
        }
    }

    fn to_json(&self) -> Value {
        let mut case = json!({
            "output": self.output,
            "operation": self.operation,
            "query": self.query,
            "color": if self.color { "on" } else { "off" },
            "width": self.width,
        });
        let map = case.as_object_mut().unwrap();
        match &self.response {
            Response::One(v) => {
                map.insert("response".into(), v.clone());
            }
            Response::Pages {
                pages,
                result_key,
                resume_token,
            } => {
                map.insert("pages".into(), Value::from(pages.clone()));
                map.insert("result_keys".into(), json!([result_key]));
                map.insert("resume_token".into(), json!(resume_token));
            }
        }
        case
    }

    fn describe(&self) -> String {
        let response = match &self.response {
            Response::One(v) => v.to_string(),
            Response::Pages { pages, .. } => format!("pages {}", Value::from(pages.clone())),
        };
        format!(
            "--output {} --query {:?} color={} width={} {}: {}",
            self.output, self.query, self.color, self.width, self.operation, response
        )
    }

    /// What awsso prints: stdout, or the error message v2 would print.
    fn awsso(&self) -> (String, Option<String>) {
        let format = match self.output {
            "json" => OutputFormat::Json,
            "text" => OutputFormat::Text,
            "table" => OutputFormat::Table,
            "yaml" => OutputFormat::Yaml,
            "yaml-stream" => OutputFormat::YamlStream,
            other => panic!("unknown output {other}"),
        };
        let query = match self.query.map(Query::parse).transpose() {
            Ok(query) => query,
            Err(e) => {
                let message = e.to_string();
                let message = message
                    .strip_prefix("An error occurred (ParamValidation): ")
                    .unwrap_or(&message)
                    .to_owned();
                return (String::new(), Some(message));
            }
        };
        let formatter = Formatter {
            format,
            query,
            color: self.color,
            width: self.width,
        };
        let ctx = Context::for_tests(Env::default(), std::time::SystemTime::UNIX_EPOCH);
        let result = match &self.response {
            Response::One(v) => formatter.print(&ctx, self.operation, v),
            Response::Pages {
                pages,
                result_key,
                resume_token,
            } => {
                let merged = build_full_result(pages, result_key, *resume_token);
                formatter.print_pages(&ctx, self.operation, pages, &merged)
            }
        };
        (ctx.take_stdout(), result.err().map(|e| e.to_string()))
    }
}

/// botocore's `PageIterator.build_full_result` for one list result key.
fn build_full_result(pages: &[Value], result_key: &str, resume_token: Option<&str>) -> Value {
    let mut merged = Map::new();
    for page in pages {
        let Some(items) = page.get(result_key) else {
            continue;
        };
        match (merged.get_mut(result_key), items) {
            (None, items) => {
                merged.insert(result_key.to_owned(), items.clone());
            }
            (Some(Value::Array(existing)), Value::Array(more)) => existing.extend(more.clone()),
            _ => {}
        }
    }
    if let Some(token) = resume_token {
        merged.insert("NextToken".into(), json!(token));
    }
    Value::Object(merged)
}

fn run_oracle(cases: &[Case]) -> Vec<(String, Option<String>)> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("cases.json");
    let cases_json = Value::from(cases.iter().map(Case::to_json).collect::<Vec<_>>());
    std::fs::write(&input, cases_json.to_string()).unwrap();
    let script = support::repo_root().join("tests/cli/oracle/format.py");
    let mut cmd = std::process::Command::new(support::python());
    cmd.arg(&script)
        .arg(&input)
        .env("PYTHONIOENCODING", "utf-8")
        .env("PYTHONDONTWRITEBYTECODE", "1");
    let output = support::run_with_watchdog(cmd);
    assert_eq!(output.code, 0, "oracle failed: {}", output.stderr);
    let results: Vec<Value> = serde_json::from_str(&output.stdout).expect("oracle output");
    results
        .into_iter()
        .map(|r| {
            (
                r["stdout"].as_str().unwrap_or_default().to_owned(),
                r["error"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

/// Runs every case through both sides and fails listing every difference.
fn compare(cases: Vec<Case>) {
    let expected = run_oracle(&cases);
    assert_eq!(expected.len(), cases.len());
    let mut failures = String::new();
    let mut failed = 0;
    for (case, expected) in cases.iter().zip(expected) {
        let actual = case.awsso();
        if actual != expected {
            failed += 1;
            let _ = write!(
                failures,
                "\n=== {}\n--- AWS CLI:\n{:?}\n--- awsso:\n{:?}\n",
                case.describe(),
                expected,
                actual
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{failed} of {} cases differ from the AWS CLI:{failures}",
        cases.len()
    );
}

fn caller_identity() -> Value {
    json!({
        "UserId": "AROA3XFRBF535PLBIFPI4:jane@example.com",
        "Account": "111122223333",
        "Arn": "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b/jane@example.com"
    })
}

fn short_identity() -> Value {
    json!({"UserId": "AIDAEMULATORCIBOT0001", "Account": "111122223333", "Arn": "arn:aws:iam::111122223333:user/ci-bot"})
}

fn role_credentials() -> Value {
    json!({"roleCredentials": {
        "accessKeyId": "ASIAEXAMPLEEXAMPLE01",
        "secretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLETOKEN",
        "expiration": 1767225600000u64
    }})
}

fn account(id: &str, name: &str) -> Value {
    json!({"accountId": id, "accountName": name, "emailAddress": format!("{}@example.com", name.to_lowercase())})
}

fn account_pages() -> Vec<Value> {
    vec![
        json!({"nextToken": "page2", "accountList": [account("111122223333", "Development"), account("444455556666", "Production")]}),
        json!({"accountList": [account("777788889999", "Sandbox")]}),
    ]
}

fn role_pages() -> Vec<Value> {
    vec![
        json!({"nextToken": "p2", "roleList": [{"roleName": "AdministratorAccess", "accountId": "111122223333"}, {"roleName": "ReadOnlyAccess", "accountId": "111122223333"}]}),
        json!({"roleList": []}),
    ]
}

/// Strings whose yaml style (plain, single, double quoted) each take a different rule.
fn quoting_document() -> Value {
    let samples = [
        "123",
        "true",
        "null",
        "",
        "- x",
        "a: b",
        "#c",
        "tab\there",
        "line1\nline2",
        "'q'",
        " lead",
        "trail ",
        "2024-01-31",
        "yes",
        "1.5",
        "0x1F",
        "@x",
        "%x",
        "a,b",
        "[x]",
        "x]",
        "a #b",
        "a#b",
        "~",
        "back\\slash",
        "dq\"",
        "cr\rx",
        "nbsp\u{a0}x",
        "bom\u{feff}x",
        "ctl\u{1}x",
        "-",
        "?x",
        ":x",
        "x:",
        "*x",
        "!x",
        "&x",
        "|x",
        ">x",
        "---",
        "...x",
        "a\n\nb",
        "trailing\n",
        "2024-01-02T03:04:05Z",
        ".inf",
        "1e5",
        "1_000",
        "0o17",
        "+1",
        "=",
        "<<",
        "emoji 😀",
        "x\u{2028}y",
        "x\u{85}y",
        "  two  spaces  ",
        "True",
        "NULL",
        "Null",
        "0",
        "-0.5e-3",
        "2024-1-2 3:04:05 +01:00",
        "a\tb c",
        "\u{7f}del",
        "é",
        "x\n ",
    ];
    let map: Map<String, Value> = samples
        .iter()
        .enumerate()
        .map(|(i, s)| (format!("s{i:02}"), Value::from(*s)))
        .collect();
    Value::Object(map)
}

/// Shapes that exercise the corners of each formatter.
fn odd_documents() -> Vec<(&'static str, Value)> {
    vec![
        (
            "Nested",
            json!({"a": {"b": {"c": [1, 2, {"d": null}]}}, "list": [[1, 2], [3, 4]], "mixed": [1, "a", null, true, 2.5], "z": "last"}),
        ),
        (
            "Unicode",
            json!({"Name": "Zoë", "City": "東京タワー", "Emoji": "😀 smile", "Accent": "née", "Greek": "αβγ", "Wide": "ＡＢＣ"}),
        ),
        (
            "Numbers",
            json!({"int": 42, "neg": -7, "float": 1.5, "whole": 2.0, "big": 12345678901234567890u64, "exp": 1e20, "small": 1e-7, "zero": 0, "fzero": 0.0}),
        ),
        ("Flags", json!({"t": true, "f": false, "n": null})),
        ("Empties", json!({"e": [], "d": {}, "x": "y", "s": ""})),
        (
            "Ragged",
            json!({"Items": [{"a": 1}, {"b": 2, "c": [3, 4]}, {"a": 5, "d": {"e": "f"}}]}),
        ),
        (
            "DeepList",
            json!({"Groups": [{"Name": "g1", "Members": [{"Id": "m1"}, {"Id": "m2"}]}, {"Name": "g2", "Members": []}]}),
        ),
        (
            "Wide",
            json!({"Rows": [{"Key": "k1", "Value": "v".repeat(90)}, {"Key": "k2", "Value": "short"}], "Single": {"Left": "l".repeat(50), "Right": "r".repeat(50)}}),
        ),
        ("OneKey", json!({"Only": {"Key": "value"}})),
        ("Quoting", quoting_document()),
        (
            "Folding",
            json!({
                "plain": "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua",
                "single": "'quoted' lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore",
                "double": "tab\tlorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore",
                "doublespaces": "tab\tlorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod  tempor incididunt ut labore et dolore magna",
                "nospace": "x".repeat(120),
                "nested": {"deeper": {"text": "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore"}}
            }),
        ),
        (
            "Keys",
            json!({"123": 1, "true": 2, "a b": 3, "": 4, "x: y": 5, "k".repeat(130): 6, "multi\nline": 7, "zz": [{"z": 1, "a": 2}]}),
        ),
        ("TopList", json!([{"a": 1}, {"a": 2}])),
        // A key scalar in one item and not in another prints Python's repr() of the value.
        (
            "Repr",
            json!({"Items": [{"a": 1, "b": "x"}, {"a": {"k": "nb\u{a0}sp\u{2028}'q'", "n": [1.0, null]}, "b": "y"}]}),
        ),
        ("ScalarList", json!(["a", 1, null, true])),
    ]
}

#[test]
fn json_text_table_and_yaml_match_the_aws_cli_for_sample_documents() {
    let mut cases = Vec::new();
    let mut documents = vec![
        ("GetCallerIdentity", caller_identity()),
        ("GetCallerIdentity", short_identity()),
        ("GetRoleCredentials", role_credentials()),
    ];
    documents.extend(odd_documents());
    for (operation, document) in &documents {
        for output in ["json", "text", "table", "yaml", "yaml-stream"] {
            cases.push(Case::new(output, operation, document.clone()));
        }
    }
    for (operation, document) in &documents[..3] {
        let mut wide = Case::new("table", operation, document.clone());
        wide.width = 200;
        cases.push(wide);
        let mut colored = Case::new("table", operation, document.clone());
        colored.color = true;
        cases.push(colored);
    }
    let mut nested_color = Case::new("table", "DeepList", documents[9].1.clone());
    nested_color.color = true;
    cases.push(nested_color);
    // Degenerate top-level responses (scalar results come from --query: see below).
    for value in [json!("123456789012"), json!([]), json!({}), json!("")] {
        for output in ["json", "text", "table", "yaml", "yaml-stream"] {
            cases.push(Case::new(output, "Scalar", value.clone()));
        }
    }
    compare(cases);
}

#[test]
fn queries_match_the_aws_cli() {
    let queries: &[&str] = &[
        "Account",
        "[UserId, Account]",
        "{Id: UserId, Acct: Account}",
        "Missing",
        "Arn",
        "length(Arn)",
        "to_string(@)",
        "keys(@)",
        "values(@)[?contains(@, '111122223333')]",
        "Account == '111122223333'",
        "Account < `1`",
        "Arn > Account",
        "length(`1`)",
        "nope(@)",
        "Account[",
        "foo = bar",
        "a[?b=='x]",
        "{a b}",
        "",
        "foo.1",
        "\"foo\"(@)",
        "[?",
        "a | | b",
        "abs(`-1.5`)",
        "`1.0`",
    ];
    let mut cases = Vec::new();
    for query in queries {
        for output in ["json", "text", "table", "yaml"] {
            let mut case = Case::new(output, "GetCallerIdentity", caller_identity());
            case.query = Some(query);
            cases.push(case);
        }
    }
    let account_queries: &[&str] = &[
        "accountList[?accountName=='Sandbox']",
        "accountList[].accountId",
        "length(accountList)",
        "sort_by(accountList, &accountName)[].accountName",
        "accountList[0]",
        "accountList[*].[accountId, accountName]",
        "accountList[?starts_with(emailAddress, 'p')].{Id: accountId, Mail: emailAddress}",
        "max_by(accountList, &accountId)",
        "accountList[1:].accountName | join(', ', @)",
        "accountList[0].*",
        "sum(accountList[].length(accountName))",
        "avg(accountList[].length(accountName))",
        "map(&to_number(accountId), accountList)",
        "accountList[?accountId > '4']",
        "reverse(sort(accountList[].accountName))",
        "merge(accountList[0], {extra: `true`})",
        "accountList[0] | type(@)",
        "not_null(missing, `null`, accountList[2].accountName)",
        "accountList[?!(accountName == 'Production')].accountId",
        "accountList[-1:][0].accountName",
        "accountList[::2].accountId",
        "accountList[0][0:1]",
        "min_by(accountList, &emailAddress).accountName",
        "accountList[?accountName=='Production' || accountName=='Sandbox'] | length(@)",
    ];
    let merged = build_full_result(&account_pages(), "accountList", None);
    for query in account_queries {
        for output in ["json", "text", "table", "yaml"] {
            let mut case = Case::new(output, "ListAccounts", merged.clone());
            case.query = Some(query);
            cases.push(case);
        }
    }
    let mut creds = Case::new("json", "GetRoleCredentials", role_credentials());
    creds.query = Some("roleCredentials");
    cases.push(creds);
    compare(cases);
}

#[test]
fn paginated_output_matches_the_aws_cli() {
    let mut cases = Vec::new();
    let page_sets = [
        ("ListAccounts", account_pages(), "accountList"),
        ("ListAccountRoles", role_pages(), "roleList"),
    ];
    for (operation, pages, result_key) in &page_sets {
        for output in ["json", "text", "table", "yaml", "yaml-stream"] {
            for query in [
                None,
                Some("accountList[0].accountId"),
                Some("roleList[].roleName"),
                Some("length(@)"),
            ] {
                for resume_token in [None, Some("eyJuZXh0VG9rZW4iOiAicGFnZTIifQ==")] {
                    cases.push(Case {
                        output,
                        operation,
                        query,
                        color: false,
                        width: 80,
                        response: Response::Pages {
                            pages: pages.clone(),
                            result_key,
                            resume_token,
                        },
                    });
                }
            }
        }
    }
    compare(cases);
}

/// On a terminal, v2 sizes tables by the terminal (an ioctl, not `COLUMNS`) and colours
/// them (`--color auto`). The pty is 80 columns wide while `COLUMNS` says 1000: a
/// GetRoleCredentials row is wider than 80, so the table must turn vertical, in colour.
#[test]
fn on_a_terminal_tables_take_its_width_and_colour() {
    use awsso_emulator::{Emulator, Options};
    let emu = Emulator::start(Options::default());
    let token = emu.issue_token_for_tests();
    let mut sb = support::Sandbox::new();
    sb.endpoints(emu.url()).set_env("COLUMNS", "1000");
    let mut pty = support::pty::Pty::spawn(
        &sb,
        &[
            "sso",
            "get-role-credentials",
            "--access-token",
            &token,
            "--account-id",
            "111122223333",
            "--role-name",
            "ReadOnlyAccess",
            "--region",
            "us-east-1",
            "--output",
            "table",
        ],
    );
    assert_eq!(pty.wait(), 0, "screen:\n{}", pty.screen());
    let issued = emu.issued_credentials().pop().expect("credentials issued");
    let expiration = issued
        .expiration
        .expect("temporary credentials expire")
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let response = json!({"roleCredentials": {
        "accessKeyId": issued.access_key_id,
        "secretAccessKey": issued.secret_access_key,
        "sessionToken": issued.session_token,
        "expiration": expiration
    }});
    let expected = Formatter {
        format: OutputFormat::Table,
        query: None,
        color: true,
        width: 80,
    }
    .format("GetRoleCredentials", &response)
    .unwrap();
    let vertical = expected
        .lines()
        .any(|l| l.contains("accessKeyId") && !l.contains("expiration"));
    assert!(vertical, "expected a vertical table:\n{expected}");
    // Sized by COLUMNS instead, the same table would be horizontal: the test can tell.
    let by_columns = Formatter {
        format: OutputFormat::Table,
        query: None,
        color: true,
        width: 1000,
    }
    .format("GetRoleCredentials", &response)
    .unwrap();
    assert_ne!(by_columns, expected);
    assert_eq!(pty.raw_output().replace("\r\n", "\n"), expected);
}
