//! Writes a man page for awsso and for each of its commands, from the clap tree
//! (clap_mangen): `awsso.1`, `awsso-sso.1`, `awsso-sso-login.1`, ... Run through
//! `scripts/gen-man [DIR]`; an example rather than a command so that clap_mangen stays out
//! of the awsso binary and its start-up.

use std::path::PathBuf;

fn main() {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("target/man"), PathBuf::from);
    if let Err(e) = std::fs::create_dir_all(&dir)
        .and_then(|()| clap_mangen::generate_to(awsso::cli::man_command(), &dir))
    {
        eprintln!(
            "gen-man: cannot write the man pages to {}: {e}",
            dir.display()
        );
        std::process::exit(1);
    }
    println!("{}", dir.display());
}
