//! Every input a fuzz target ever crashed on (`fuzz/regressions/<target>/`, copied there
//! minimised by `scripts/fuzz`), replayed on stable through the same entry point
//! (`awsso::fuzz`), so that each crash stays fixed. A stack overflow aborts this test binary
//! (the replay runs on the test thread's 2 MiB stack); a panic fails this test, naming the
//! file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::support::repo_root;

fn fuzz_dir() -> PathBuf {
    repo_root().join("fuzz")
}

/// The names of the entries of `dir` (files or directories), sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_regression_input_replays_cleanly() {
    let regressions = fuzz_dir().join("regressions");
    let mut failures = Vec::new();
    let mut replayed = 0;
    for target in names(&regressions) {
        let dir = regressions.join(&target);
        if !dir.is_dir() {
            continue;
        }
        for file in names(&dir) {
            let data = std::fs::read(dir.join(&file)).unwrap();
            let outcome = std::panic::catch_unwind(|| awsso::fuzz::run(&target, &data));
            match outcome {
                Ok(true) => replayed += 1,
                Ok(false) => panic!("fuzz/regressions/{target}: no such fuzz target"),
                Err(_) => failures.push(format!("fuzz/regressions/{target}/{file}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "inputs that crash again: {failures:#?}"
    );
    assert!(replayed > 0, "no regression inputs found");
}

/// The targets are named alike in `awsso::fuzz::TARGETS`, `fuzz/Cargo.toml`,
/// `fuzz/fuzz_targets/` and `fuzz/corpus/` (where each has seeds), so `scripts/fuzz` runs
/// them all and this test replays them all.
#[test]
fn every_target_has_a_binary_and_a_seed_corpus() {
    let targets: BTreeSet<String> = awsso::fuzz::TARGETS
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    let sources: BTreeSet<String> = names(&fuzz_dir().join("fuzz_targets"))
        .into_iter()
        .map(|f| f.trim_end_matches(".rs").to_owned())
        .collect();
    assert_eq!(sources, targets);
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).unwrap();
    let bins: BTreeSet<String> = manifest
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .map(|l| l.trim_end_matches('"').to_owned())
        .filter(|name| name != "awsso-fuzz")
        .collect();
    assert_eq!(bins, targets);
    let corpora: BTreeSet<String> = names(&fuzz_dir().join("corpus")).into_iter().collect();
    assert_eq!(corpora, targets);
    for target in &targets {
        let seeds = names(&fuzz_dir().join("corpus").join(target));
        assert!(!seeds.is_empty(), "fuzz/corpus/{target} has no seeds");
        for seed in seeds {
            let data = std::fs::read(fuzz_dir().join("corpus").join(target).join(&seed)).unwrap();
            awsso::fuzz::run(target, &data);
        }
    }
}
