//! End-to-end tests of the foundation: help pages (golden), `--version`, v2's usage errors,
//! `configure list-profiles`, config-file errors, and the config reader and writer checked
//! against botocore itself.

use std::path::{Path, PathBuf};

use clap::CommandFactory;

use crate::support::*;

const USAGE: &str = "usage: awsso [options] <command> <subcommand> [<subcommand> ...] [parameters]\nTo see help text, you can run:\n\n  awsso help\n  awsso <command> help\n  awsso <command> <subcommand> help\n";

fn golden_dir() -> PathBuf {
    repo_root().join("tests/cli/golden/help")
}

/// Every command path of the clap tree (`[]`, `["sso"]`, `["sso", "login"]`, ...).
fn command_paths() -> Vec<Vec<String>> {
    fn visit(cmd: &clap::Command, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(path.clone());
        for sub in cmd.get_subcommands() {
            if sub.get_name() == "help" {
                continue;
            }
            path.push(sub.get_name().to_owned());
            visit(sub, path, out);
            path.pop();
        }
    }
    let mut out = Vec::new();
    let mut cli = awsso::cli::Cli::command();
    cli.build();
    visit(&cli, &mut Vec::new(), &mut out);
    out
}

fn golden_name(path: &[String]) -> String {
    if path.is_empty() {
        "awsso.txt".to_owned()
    } else {
        format!("awsso-{}.txt", path.join("-"))
    }
}

/// `--help` of the top level and of every command is clap's text, pinned here. After a
/// deliberate change, regenerate with `AWSSO_BLESS=1 cargo test --test cli help_pages`.
#[test]
fn help_pages_match_golden_files() {
    let home = Sandbox::new();
    let bless = std::env::var_os("AWSSO_BLESS").is_some();
    let mut expected_files = Vec::new();
    for path in command_paths() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let out = home.run(&args);
        let file = golden_dir().join(golden_name(&path));
        expected_files.push(golden_name(&path));
        if bless {
            std::fs::create_dir_all(golden_dir()).unwrap();
            std::fs::write(&file, &out.stdout).unwrap();
        }
        let golden = std::fs::read_to_string(&file).unwrap_or_else(|_| {
            panic!(
                "missing {}: run AWSSO_BLESS=1 cargo test --test cli help_pages",
                file.display()
            )
        });
        out.assert(0, &golden, "");
    }
    let mut present: Vec<String> = Sandbox::list_dir(&golden_dir());
    present.sort();
    expected_files.sort();
    assert_eq!(
        present, expected_files,
        "stale or missing golden help files"
    );
}

#[test]
fn help_word_shows_the_same_page_as_the_flag() {
    let home = Sandbox::new();
    let flag = home.run(&["sso", "login", "--help"]);
    home.run(&["sso", "login", "help"])
        .assert(0, &flag.stdout, "");
    let top = home.run(&["--help"]);
    home.run(&["help"]).assert(0, &top.stdout, "");
}

#[test]
fn version_line() {
    let home = Sandbox::new();
    let expected = format!(
        "awsso/{} {}/{}\n",
        env!("CARGO_PKG_VERSION"),
        match std::env::consts::OS {
            "linux" => "Linux",
            "macos" => "Darwin",
            other => other,
        },
        std::env::consts::ARCH
    );
    home.run(&["--version"]).assert(0, &expected, "");
    // An argparse action in v2: printed wherever it appears.
    home.run(&["sso", "login", "--version"])
        .assert(0, &expected, "");
}

#[test]
fn unknown_option_of_a_customised_command_is_param_validation() {
    let home = Sandbox::new();
    home.run(&["sso", "login", "--nope"]).assert(
        252,
        "",
        "\nawsso: [ERROR]: An error occurred (ParamValidation): Unknown options: --nope\n",
    );
    // argparse's leftovers, values included, joined with "," as BasicCommand does.
    home.run(&["configure", "list-profiles", "--nope", "x", "--other"])
        .assert(
            252,
            "",
            "\nawsso: [ERROR]: An error occurred (ParamValidation): Unknown options: --nope,x,--other\n",
        );
}

#[test]
fn unknown_option_of_a_service_command_prints_usage_first() {
    let home = Sandbox::new();
    let expected = format!("\n{USAGE}\n\nawsso: [ERROR]: Unknown options: --bogus\n");
    home.run(&["sts", "get-caller-identity", "--bogus"])
        .assert(252, "", &expected);
    // Before the command, as v2 hands the main parser's leftovers down.
    home.run(&["--bogus", "sts", "get-caller-identity"])
        .assert(252, "", &expected);
    home.run(&["sts", "get-caller-identity", "--bogus", "x"])
        .assert(
            252,
            "",
            &format!("\n{USAGE}\n\nawsso: [ERROR]: Unknown options: --bogus, x\n"),
        );
}

#[test]
fn invalid_output_choice() {
    let home = Sandbox::new();
    home.run(&["sts", "get-caller-identity", "--output", "none"])
        .assert(
            252,
            "",
            &format!(
                "\nawsso: [ERROR]: An error occurred (ParamValidation): argument --output: Found invalid choice 'none'\n\n\n{USAGE}"
            ),
        );
    home.run(&["--output", "yml", "sts", "get-caller-identity"])
        .assert(
            252,
            "",
            &format!(
                "\nawsso: [ERROR]: An error occurred (ParamValidation): argument --output: Found invalid choice 'yml'\n\nMaybe you meant:\n\n  * yaml\n\n{USAGE}"
            ),
        );
}

#[test]
fn missing_and_unknown_commands() {
    let home = Sandbox::new();
    let report = |message: &str| {
        format!("\nawsso: [ERROR]: An error occurred (ParamValidation): {message}\n\n{USAGE}")
    };
    home.run(&[]).assert(
        252,
        "",
        &report("the following arguments are required: command"),
    );
    home.run(&["sso"]).assert(
        252,
        "",
        &report("the following arguments are required: operation"),
    );
    home.run(&["bogus"]).assert(
        252,
        "",
        &report("argument command: Found invalid choice 'bogus'\n"),
    );
    home.run(&["sso", "list-acounts"]).assert(
        252,
        "",
        &report(
            "argument operation: Found invalid choice 'list-acounts'\n\nMaybe you meant:\n\n  * list-accounts\n  * list-account-roles",
        ),
    );
    home.run(&["configure", "bogus"]).assert(
        252,
        "",
        &report("argument subcommand: Found invalid choice 'bogus'\n"),
    );
    home.run(&["sso", "login", "--sso-session"]).assert(
        252,
        "",
        &report("argument --sso-session: expected one argument"),
    );
}

#[test]
fn profile_without_value_fails_in_the_first_pass() {
    let home = Sandbox::new();
    home.run(&["sts", "get-caller-identity", "--profile"]).assert(
        252,
        "",
        "\nawsso: [ERROR]: An error occurred (ParamValidation): argument --profile: expected one argument\n\nusage: awsso [--profile PROFILE] [--debug]\n",
    );
}

#[test]
fn list_profiles_in_file_order_once_each() {
    let home = Sandbox::new();
    home.config(
        "# comment\n[profile b]\nregion = x\n[default]\n[sso-session s]\n[profile a]\n[profile default]\n[plugins]\n[profile 'with space']\n",
    )
    .credentials("[c]\n[a]\n[default]\n[profile d]\n");
    home.run(&["configure", "list-profiles"]).assert(
        0,
        "b\ndefault\na\nwith space\nc\nprofile d\n",
        "",
    );
}

#[test]
fn list_profiles_with_no_files_prints_nothing() {
    let home = Sandbox::new();
    home.run(&["configure", "list-profiles"]).assert(0, "", "");
    home.config("").credentials("");
    home.run(&["configure", "list-profiles"]).assert(0, "", "");
}

#[test]
fn list_profiles_honours_config_and_credentials_variables() {
    let mut home = Sandbox::new();
    home.config("[profile ignored-config]\n")
        .credentials("[ignored-credentials]\n");
    let elsewhere = home.home().join("elsewhere");
    write_file(&elsewhere.join("cfg"), "[profile from-env]\n");
    write_file(&elsewhere.join("creds"), "[creds-from-env]\n");
    home.set_env(
        "AWS_CONFIG_FILE",
        &elsewhere.join("cfg").display().to_string(),
    );
    home.set_env(
        "AWS_SHARED_CREDENTIALS_FILE",
        &elsewhere.join("creds").display().to_string(),
    );
    home.run(&["configure", "list-profiles"])
        .assert(0, "from-env\ncreds-from-env\n", "");
    // `~` in the variables is the home directory.
    home.set_env("AWS_CONFIG_FILE", "~/elsewhere/cfg");
    home.run(&["configure", "list-profiles"])
        .assert(0, "from-env\ncreds-from-env\n", "");
}

fn parse_error(path: &Path) -> String {
    format!(
        "\nawsso: [ERROR]: Unable to parse config file: {}\n",
        path.display()
    )
}

#[test]
fn malformed_files_are_a_clean_error() {
    let home = Sandbox::new();
    for bad in [
        "region = before-any-section\n[default]\n",
        "[default]\n[default]\n",
        "[default]\nregion = a\nregion = b\n",
        "[default]\ns3 =\n  not a key value\n",
        "[default]\njust words\n",
    ] {
        home.config(bad);
        home.run(&["configure", "list-profiles"]).assert(
            255,
            "",
            &parse_error(&home.config_path()),
        );
    }
    let credentials = home.aws_dir().join("credentials");
    home.config("[default]\n").credentials("key = outside\n");
    home.run(&["configure", "list-profiles"])
        .assert(255, "", &parse_error(&credentials));
    // Not UTF-8.
    std::fs::write(home.config_path(), b"[default]\nregion = \xff\n").unwrap();
    home.run(&["configure", "list-profiles"])
        .assert(255, "", &parse_error(&home.config_path()));
}

#[test]
fn a_named_profile_that_does_not_exist_is_an_error() {
    let mut home = Sandbox::new();
    home.config("[profile dev]\n");
    let expected = "\nawsso: [ERROR]: The config profile (nope) could not be found\n";
    home.run(&["sts", "get-caller-identity", "--profile", "nope"])
        .assert(255, "", expected);
    home.set_env("AWS_PROFILE", "nope");
    home.run(&["sts", "get-caller-identity"])
        .assert(255, "", expected);
    home.run(&["configure", "export-credentials"])
        .assert(255, "", expected);
    // Listing the profiles is what helps then (v2 fixed this in aws/aws-cli#5546).
    home.run(&["configure", "list-profiles"])
        .assert(0, "dev\n", "");
    home.run(&["configure", "list-profiles", "--profile", "nope"])
        .assert(0, "dev\n", "");
}

/// Prints, for each `{config, credentials}` on stdin, what botocore builds from those
/// files: `{profiles, sso_sessions, services}`, or `{error: "config" | "credentials"}`.
const BOTOCORE_LOADER: &str = r#"
import json, os, sys, tempfile
import botocore.session
from botocore.exceptions import ConfigParseError
results = []
for case in json.load(sys.stdin):
    d = tempfile.mkdtemp()
    paths = {k: os.path.join(d, k) for k in ("config", "credentials")}
    for k in paths:
        if case.get(k) is not None:
            with open(paths[k], "w", newline="", encoding="utf-8") as f:
                f.write(case[k])
    s = botocore.session.Session()
    s.set_config_variable("config_file", paths["config"])
    s.set_config_variable("credentials_file", paths["credentials"])
    try:
        full = s.full_config
        results.append({
            "profiles": full.get("profiles", {}),
            "sso_sessions": full.get("sso_sessions", {}),
            "services": full.get("services", {}),
            "available_profiles": s.available_profiles,
        })
    except ConfigParseError as e:
        results.append({"error": "config" if str(e).endswith(paths["config"]) else "credentials"})
print(json.dumps(results))
"#;

fn botocore_load(inputs: &serde_json::Value) -> Vec<serde_json::Value> {
    use std::io::Write;
    let mut child = std::process::Command::new(python())
        .args(["-c", BOTOCORE_LOADER])
        .env_clear()
        .env("HOME", std::env::temp_dir())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(inputs.to_string().as_bytes())
        .unwrap();
    let out = wait_with_watchdog(child);
    assert_eq!(out.code, 0, "python failed: {}", out.stderr);
    serde_json::from_str::<serde_json::Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn read_table(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(repo_root().join("tests/data").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The reader's rule table is botocore's behaviour: every case gives the same profiles,
/// sso-sessions and services (in the same order), or fails in the same file.
#[test]
fn config_case_table_matches_botocore() {
    let table = read_table("config-cases.json");
    let cases = table["cases"].as_array().unwrap();
    let inputs: serde_json::Value = cases
        .iter()
        .map(|c| serde_json::json!({"config": c["config"], "credentials": c.get("credentials")}))
        .collect();
    let results = botocore_load(&inputs);
    assert_eq!(results.len(), cases.len());
    for (case, got) in cases.iter().zip(&results) {
        let name = case["name"].as_str().unwrap();
        if let Some(error) = case.get("error") {
            assert_eq!(got["error"], error["file"], "{name}: botocore gave {got}");
            continue;
        }
        for key in ["profiles", "sso_sessions", "services"] {
            assert_eq!(
                got[key].to_string(),
                case[key].to_string(),
                "{name}: {key} (left: botocore)"
            );
        }
    }
}

/// `configure list-profiles` prints what botocore's `available_profiles` lists.
#[test]
fn list_profiles_matches_botocore() {
    let config = "[profile z]\n[default]\n[profile 'a b']\n[profiles odd]\n[sso-session s]\n[profile default]\nregion=x\n[profile y]\n";
    let credentials = "[x]\n[z]\n[default]\n[profile q]\n";
    let home = Sandbox::new();
    home.config(config).credentials(credentials);
    let ours = home.run(&["configure", "list-profiles"]);
    let theirs =
        botocore_load(&serde_json::json!([{"config": config, "credentials": credentials}]));
    let expected: String = theirs[0]["available_profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{}\n", p.as_str().unwrap()))
        .collect();
    ours.assert(0, &expected, "");
}

/// What the writer produces reads the same in botocore as in awsso.
#[test]
fn written_configs_read_the_same_in_botocore() {
    let table = read_table("config-edit-cases.json");
    let cases = table["cases"].as_array().unwrap();
    let inputs: serde_json::Value = cases
        .iter()
        .map(|c| serde_json::json!({"config": c["after"]}))
        .collect();
    let results = botocore_load(&inputs);
    for (case, got) in cases.iter().zip(&results) {
        let name = case["name"].as_str().unwrap();
        let ours = awsso::config::AwsConfig::from_config_text(case["after"].as_str().unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let names: Vec<&String> = ours.profiles.keys().collect();
        let theirs: Vec<String> = got["profiles"]
            .as_object()
            .unwrap_or_else(|| panic!("{name}: botocore gave {got}"))
            .keys()
            .cloned()
            .collect();
        assert_eq!(names, theirs.iter().collect::<Vec<_>>(), "{name}");
        for (profile, props) in &ours.profiles {
            for (key, value) in props {
                if let Some(value) = value.as_str() {
                    assert_eq!(
                        got["profiles"][profile][key.as_str()],
                        value,
                        "{name}: {profile}.{key}"
                    );
                }
            }
        }
        let sessions: Vec<&String> = ours.sso_sessions.keys().collect();
        let theirs: Vec<String> = got["sso_sessions"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(sessions, theirs.iter().collect::<Vec<_>>(), "{name}");
    }
}
