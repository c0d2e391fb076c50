//! End-to-end tests of the emulator over real sockets: every operation, error and fault.

mod binary;
mod faults;
mod federation;
mod hostile;
mod interop;
mod oidc;
mod portal;
mod proxy;
mod server;
mod sts;
mod support;
mod tls;
