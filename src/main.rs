//! The `awsso` binary: parse, run, exit with AWS CLI v2's code.

fn main() -> std::process::ExitCode {
    // A TAB in a shell calls awsso with COMPLETE set: answered here, before anything else;
    // without it this is one variable lookup.
    awsso::commands::completion::complete_if_asked();
    let ctx = awsso::context::Context::from_process();
    std::process::ExitCode::from(awsso::run(std::env::args_os(), ctx))
}
