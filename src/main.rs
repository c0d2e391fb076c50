//! The `awsso` binary: parse, run, exit with AWS CLI v2's code.

fn main() -> std::process::ExitCode {
    let ctx = awsso::context::Context::from_process();
    std::process::ExitCode::from(awsso::run(std::env::args_os(), ctx))
}
