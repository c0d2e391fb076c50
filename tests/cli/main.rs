//! End-to-end tests: the real `awsso` binary in a throwaway HOME, against the emulator.
//! One test binary so it links once. Each command's tests live in their own module.

mod support;

mod architecture;

mod completion;
mod configure;
mod console;
mod foundation;
mod get_caller_identity;
mod interop;
mod login;
mod logout_portal;
mod output;
mod rough_edges;
mod static_binary;
mod status;
