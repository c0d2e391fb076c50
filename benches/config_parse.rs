//! Benchmark (run by hand, not part of the tests): parsing a config with 10,000 profiles,
//! as a library call and as a whole `awsso configure list-profiles` process.
//!
//! `cargo bench --bench config_parse` (release build). Plain std timing, medians of
//! repeated runs; no benchmark framework is needed for two numbers.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PROFILES: usize = 10_000;
const RUNS: usize = 31;

/// A config like a large organisation's: sso-session profiles with a few keys each, some
/// with a nested `s3` block and comments, and a handful of sessions.
fn generate() -> String {
    let mut text = String::from(
        "# generated for the benchmark\n[default]\nregion = us-east-1\noutput = json\n\n",
    );
    for s in 0..10 {
        text.push_str(&format!(
            "[sso-session corp{s}]\nsso_start_url = https://d-{s:010}.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n\n"
        ));
    }
    for i in 0..PROFILES {
        text.push_str(&format!(
            "[profile account-{i:05}-ReadOnlyAccess]\nsso_session = corp{}\nsso_account_id = {:012}\nsso_role_name = ReadOnlyAccess\nregion = eu-west-1\noutput = json\n",
            i % 10,
            100_000_000_000u64 + i as u64
        ));
        if i % 50 == 0 {
            text.push_str("# tuned transfers\ns3 =\n    max_concurrent_requests = 20\n    addressing_style = path\n");
        }
        text.push('\n');
    }
    text
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time_process(home: &Path, config: &Path) -> Duration {
    time_command(
        Path::new(env!("CARGO_BIN_EXE_awsso")),
        &["configure", "list-profiles"],
        home,
        config,
        RUNS,
    )
}

/// Median wall time of `program args` as whole processes reading `config`.
fn time_command(
    program: &Path,
    args: &[&str],
    home: &Path,
    config: &Path,
    runs: usize,
) -> Duration {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let status = Command::new(program)
            .args(args)
            .env_clear()
            .env("HOME", home)
            .env("AWS_CONFIG_FILE", config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run the command");
        samples.push(start.elapsed());
        assert!(status.success(), "{} {args:?} failed", program.display());
    }
    median(samples)
}

fn main() {
    let text = generate();
    let dir = std::env::temp_dir().join(format!("awsso-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let big = dir.join("config-10000");
    let empty = dir.join("config-empty");
    std::fs::write(&big, &text).unwrap();
    std::fs::write(&empty, "").unwrap();

    let mut samples = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        let config = awsso::config::AwsConfig::from_config_text(std::hint::black_box(&text))
            .expect("generated config parses");
        samples.push(start.elapsed());
        assert_eq!(config.profiles.len(), PROFILES + 1);
    }
    let library = median(samples);
    let process = time_process(&dir, &big);
    let baseline = time_process(&dir, &empty);
    // The AWS CLI (v1 from the test virtualenv, which has no list-profiles) reading the same
    // file for one value: both are "start, parse the whole config, print". Skipped with a
    // note when the virtualenv is missing (scripts/test creates it).
    let aws = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/aws");
    let aws_time = aws.exists().then(|| {
        time_command(
            &aws,
            &[
                "configure",
                "get",
                "region",
                "--profile",
                "account-09999-ReadOnlyAccess",
            ],
            &dir,
            &big,
            11,
        )
    });
    std::fs::remove_dir_all(&dir).unwrap();

    println!(
        "config with {PROFILES} profiles ({} KiB), median of {RUNS} runs:",
        text.len() / 1024
    );
    println!("  library parse (AwsConfig::from_config_text): {library:.2?}");
    println!("  awsso configure list-profiles, whole process: {process:.2?}");
    println!("  awsso configure list-profiles, empty config:  {baseline:.2?}");
    match aws_time {
        Some(aws_time) => println!(
            "  aws configure get region --profile account-09999-ReadOnlyAccess (median of 11): {aws_time:.2?}; awsso/aws = 1/{:.0}",
            aws_time.as_secs_f64() / process.as_secs_f64()
        ),
        None => println!("  (no .venv/bin/aws: run scripts/test once to compare with the AWS CLI)"),
    }
}
