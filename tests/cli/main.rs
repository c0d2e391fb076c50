//! End-to-end tests: the real `awsso` binary in a throwaway HOME, against the emulator.
//! One test binary so it links once. Each command's tests live in their own module.

mod support;

mod architecture;
mod cli_surface;

mod completion;
mod configure;
mod console;
mod consumers;
mod credential_process;
mod exec;
mod foundation;
mod fuzz_regressions;
mod get_caller_identity;
mod hostile;
mod implicit_login;
mod interop;
mod login;
mod login_choices;
mod logout_portal;
mod output;
mod populate;
mod rough_edges;
mod static_binary;
mod status;
mod token_edges;
