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
    let bin = env!("CARGO_BIN_EXE_awsso");
    let mut samples = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        let status = Command::new(bin)
            .args(["configure", "list-profiles"])
            .env_clear()
            .env("HOME", home)
            .env("AWS_CONFIG_FILE", config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run awsso");
        samples.push(start.elapsed());
        assert!(status.success(), "awsso configure list-profiles failed");
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
    std::fs::remove_dir_all(&dir).unwrap();

    println!(
        "config with {PROFILES} profiles ({} KiB), median of {RUNS} runs:",
        text.len() / 1024
    );
    println!("  library parse (AwsConfig::from_config_text): {library:.2?}");
    println!("  awsso configure list-profiles, whole process: {process:.2?}");
    println!("  awsso configure list-profiles, empty config:  {baseline:.2?}");
}
