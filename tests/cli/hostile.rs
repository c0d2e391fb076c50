//! End-to-end tests of answers no AWS service gives, served by the emulator's `raw_next`:
//! bodies of 100 MB, endless bodies, the densest JSON under the size limit, XML nested far
//! deeper than any parser's stack. Each must end in one clear error, with the peak memory
//! of the real binary under 64 MiB (measured by the kernel, `getrusage` of the child).

use std::io::{Read, Write};
use std::time::Duration;

use awsso_emulator::{Emulator, Options, RawAnswer};

use crate::support::*;

/// The memory budget of one command, whatever a server sends.
const PEAK_RSS_LIMIT_KIB: u64 = 64 << 10;

/// The size limit of one answer (`awsso::http::MAX_RESPONSE_BYTES`).
const LIMIT: usize = awsso::http::MAX_RESPONSE_BYTES;

/// The most characters of a body `--debug` shows (`awsso::http::MAX_LOGGED_BODY`).
const MAX_LOGGED: usize = awsso::http::MAX_LOGGED_BODY;

/// Runs awsso under a Python parent that reports its child's peak resident set size
/// (`ru_maxrss` of `RUSAGE_CHILDREN`, in KiB on Linux), so nothing else this test binary
/// starts counts.
fn run_measured(sb: &Sandbox, args: &[&str]) -> (Output, u64) {
    const MEASURE: &str = "import resource, subprocess, sys\n\
        code = subprocess.call(sys.argv[2:], stdin=subprocess.DEVNULL)\n\
        open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n\
        sys.exit(code if code >= 0 else 128 - code)\n";
    let report = sb.home().join("peak-rss");
    let awsso = awsso_bin();
    let mut argv = vec![
        "-c",
        MEASURE,
        report.to_str().unwrap(),
        awsso.to_str().unwrap(),
    ];
    argv.extend_from_slice(args);
    let output = sb.run_program(&python(), &argv);
    let peak = std::fs::read_to_string(&report)
        .expect("the peak RSS report")
        .trim()
        .parse()
        .unwrap();
    (output, peak)
}

fn portal(emu: &Emulator) -> Sandbox {
    let mut sb = Sandbox::new();
    sb.endpoints(emu.url());
    sb
}

fn too_large(url: &str) -> String {
    format!(
        "\nawsso: [ERROR]: The response from \"{url}\" is larger than {LIMIT} bytes, far beyond any answer of this service; it was not read\n"
    )
}

#[test]
fn a_100_mb_answer_is_refused_before_it_is_read() {
    let emu = Emulator::start(Options::default());
    let sb = portal(&emu);
    emu.set_faults(|f| {
        f.raw_next = vec![RawAnswer::repeat(
            200,
            "application/json",
            b"[",
            100_000_000,
        )]
    });
    let (output, peak) = run_measured(
        &sb,
        &[
            "sso",
            "list-accounts",
            "--access-token",
            "t",
            "--region",
            "us-east-1",
        ],
    );
    output.assert(
        255,
        "",
        &too_large(&format!("{}/assignment/accounts", emu.url())),
    );
    assert!(peak < PEAK_RSS_LIMIT_KIB, "peak RSS {peak} KiB");
    // Refused, not retried.
    assert_eq!(emu.request_lines(), ["GET /assignment/accounts"]);
}

#[test]
fn an_endless_answer_ends_at_the_limit() {
    let emu = Emulator::start(Options::default());
    let mut sb = portal(&emu);
    sb.set_env("AWS_ACCESS_KEY_ID", "AKIAEMULATORSTATIC01")
        .set_env(
            "AWS_SECRET_ACCESS_KEY",
            "emulatorStaticSecretKey0000000000000001",
        );
    emu.set_faults(|f| f.raw_next = vec![RawAnswer::endless(200, "text/xml", b"<a>")]);
    let (output, peak) = run_measured(&sb, &["sts", "get-caller-identity"]);
    output.assert(255, "", &too_large(&format!("{}/", emu.url())));
    assert!(peak < PEAK_RSS_LIMIT_KIB, "peak RSS {peak} KiB");
    assert_eq!(emu.request_lines(), ["POST /"]);
}

/// The answers under the limit that parse into the largest trees, a JSON value for every
/// two or four bytes (`[0,0,...]`, `[[0],[0],...]`), as ListAccounts pages that the command
/// then prints, in each format (the table keeps the most in memory).
#[test]
fn the_densest_json_under_the_limit_stays_under_the_memory_budget() {
    let emu = Emulator::start(Options::default());
    let sb = portal(&emu);
    for (item, format) in [
        ("0,", "json"),
        ("0,", "table"),
        ("[0],", "table"),
        ("0,", "yaml"),
    ] {
        let mut body = b"{\"accountList\":[".to_vec();
        while body.len() + item.len() + 3 <= LIMIT {
            body.extend_from_slice(item.as_bytes());
        }
        body.extend_from_slice(b"0]}");
        emu.set_faults(|f| f.raw_next = vec![RawAnswer::bytes(200, "application/json", body)]);
        let (output, peak) = run_measured(
            &sb,
            &[
                "sso",
                "list-accounts",
                "--access-token",
                "t",
                "--region",
                "us-east-1",
                "--output",
                format,
            ],
        );
        output.assert_code(0);
        assert!(
            peak < PEAK_RSS_LIMIT_KIB,
            "{item} {format}: peak RSS {peak} KiB"
        );
    }
}

/// A server that announces a body beyond the limit and then sends nothing: awsso must
/// refuse it from the header alone (with no read timeout, reading would hang until the
/// watchdog).
#[test]
fn a_content_length_beyond_the_limit_is_refused_before_reading() {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut head = [0u8; 4096];
            let _ = stream.read(&mut head);
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10737418240\r\n\r\n",
            );
            // Hold the connection open, sending nothing more.
            std::thread::sleep(Duration::from_secs(60));
        }
    });
    let mut sb = Sandbox::new();
    sb.endpoints(&url);
    sb.run(&[
        "sso",
        "list-accounts",
        "--access-token",
        "t",
        "--region",
        "us-east-1",
        "--cli-read-timeout",
        "0",
    ])
    .assert(255, "", &too_large(&format!("{url}/assignment/accounts")));
}

#[test]
fn debug_logs_at_most_64_kib_of_a_body() {
    let emu = Emulator::start(Options::default());
    let sb = portal(&emu);
    let padding = "x".repeat(120_000);
    let body = format!(r#"{{"accountList":[],"padding":"{padding}"}}"#);
    let total = body.len();
    emu.set_faults(|f| f.raw_next = vec![RawAnswer::json(200, &body)]);
    let output = sb.run(&[
        "sso",
        "list-accounts",
        "--access-token",
        "t",
        "--region",
        "us-east-1",
        "--debug",
    ]);
    output.assert_code(0);
    assert_eq!(output.stdout, "{\n    \"accountList\": []\n}\n");
    let line = output
        .stderr
        .lines()
        .find(|l| l.contains("Response for ListAccounts"))
        .expect("the response line");
    assert!(
        line.ends_with(&format!("... ({total} bytes in all)")),
        "{}",
        &line[line.len() - 200..]
    );
    assert!(
        output.stderr.len() < 80 << 10,
        "{} bytes",
        output.stderr.len()
    );
    assert!(total > MAX_LOGGED);
}

/// `<a>` nested 18,000 deep (126,000 bytes, under the size limit): botocore's unparseable
/// response, not a stack overflow; the review's 400,000 deep is over the size limit.
#[test]
fn a_deeply_nested_sts_answer_is_invalid_xml() {
    let emu = Emulator::start(Options::default());
    let mut sb = portal(&emu);
    sb.set_env("AWS_ACCESS_KEY_ID", "AKIAEMULATORSTATIC01")
        .set_env(
            "AWS_SECRET_ACCESS_KEY",
            "emulatorStaticSecretKey0000000000000001",
        );
    emu.set_faults(|f| {
        f.raw_next = vec![
            RawAnswer::nested_xml(200, 18_000),
            RawAnswer::nested_xml(200, 400_000),
        ]
    });
    sb.run(&["sts", "get-caller-identity"]).assert(
        255,
        "",
        "\nawsso: [ERROR]: Unable to parse response for the GetCallerIdentity operation (HTTP 200): invalid XML received: elements nested deeper than 64\n",
    );
    sb.run(&["sts", "get-caller-identity"])
        .assert(255, "", &too_large(&format!("{}/", emu.url())));
}
