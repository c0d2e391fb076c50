//! End-to-end tests of `credential_process` output that is not a Version 1 document: awsso
//! prints what v2 prints, the text of the exception botocore's `ProcessProvider` raises,
//! checked live against botocore's own provider.

use crate::support::*;

/// Outputs botocore refuses, each raising a different exception. (Trailing commas are left
/// out: the Python 3.11 of the test virtualenv words them differently from the 3.13 that
/// AWS CLI v2 bundles; `python::decode`'s unit tests pin 3.13's words.)
const OUTPUTS: &[&[u8]] = &[
    b"",
    b"not json\n",
    b"{\"Version\": 1, \"AccessKeyId\": \"a\"",
    b"{\"Version\": 1}\n{\"Version\": 1}\n",
    b"{\"Version\": 1, \"AccessKeyId\": \"a\\q\"}",
    b"\xff\xfe{}",
    b"ab\xe0\xa0",
    b"[\"AKID\", \"secret\"]",
    b"123",
    b"{\"Version\": 2}",
    b"{\"Version\": \"1\", \"AccessKeyId\": \"a\", \"SecretAccessKey\": \"b\"}",
    b"{\"Version\": 1, \"SecretAccessKey\": \"b\"}",
];

/// `str()` of what botocore's `ProcessProvider.load()` raises for the process in argv[1].
const BOTOCORE: &str = r#"
import sys
from botocore.credentials import ProcessProvider
provider = ProcessProvider("p", lambda: {"profiles": {"p": {"credential_process": sys.argv[1]}}})
try:
    provider.load()
    print("loaded")
except Exception as e:
    print(str(e), end="")
"#;

#[test]
fn output_that_is_not_version_1_json_is_botocore_s_exception() {
    let sb = Sandbox::new();
    for (i, output) in OUTPUTS.iter().enumerate() {
        let file = sb.home().join(format!("output-{i}"));
        std::fs::write(&file, output).unwrap();
        let process = format!("cat {}", file.display());
        let botocore = sb.run_program(&python(), &["-c", BOTOCORE, &process]);
        botocore.assert_code(0);
        assert_ne!(botocore.stdout, "loaded");
        sb.config(&format!("[default]\ncredential_process = {process}\n"));
        sb.run(&["sts", "get-caller-identity"]).assert(
            255,
            "",
            &format!("\nawsso: [ERROR]: {}\n", botocore.stdout),
        );
    }
}

#[test]
fn output_that_is_not_json_reads_as_python_reads_it() {
    let sb = Sandbox::new();
    sb.config("[default]\ncredential_process = printf 'Enter MFA code:'\n");
    sb.run(&["sts", "get-caller-identity"]).assert(
        255,
        "",
        "\nawsso: [ERROR]: Expecting value: line 1 column 1 (char 0)\n",
    );
    sb.config("[default]\ncredential_process = printf '{\"Version\": 1,}'\n");
    // export-credentials wraps it as v2 does any error while loading credentials.
    sb.run(&["configure", "export-credentials"]).assert(
        253,
        "",
        "\nawsso: [ERROR]: An error occurred (Configuration): Unable to retrieve credentials: Illegal trailing comma before end of object: line 1 column 14 (char 13)\n",
    );
}
