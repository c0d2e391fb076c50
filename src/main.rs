//! The `awsso` binary: parse, run, exit with AWS CLI v2's code.
//!
//! The entry point is C's `main`, not Rust's `fn main`. Before `fn main`, std's runtime
//! reads and parses `/proc/self/maps` to place a guard page under the main thread's stack,
//! and installs an alternate signal stack. On this static binary that was a sixth of a bare
//! process's run (`/bin/true`), for commands that must start within 1.5× of one (README,
//! "Benchmarks"). awsso does itself the two parts of that start-up it depends on: SIGPIPE
//! ignored, so that a closed pipe is an EPIPE error (`lib.rs`, `finish`), and file
//! descriptors 0 to 2 open, so that no file awsso opens is taken for a standard stream. A
//! stack overflow is then a plain SIGSEGV instead of std's message; panics abort either way.
//! Like std's `fn main`, it ends through `std::process::exit`, which flushes stdout.
//!
//! The crate forbids `unsafe` (`lib.rs`); this file holds the only `unsafe` code: the two
//! libc calls below.

#![no_main]
#![allow(unsafe_code)]

use std::ffi::{c_char, c_int};

#[unsafe(no_mangle)]
extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    prepare_process();
    // A TAB in a shell calls awsso with COMPLETE set: answered here, before anything else;
    // without it this is one variable lookup.
    awsso::commands::completion::complete_if_asked();
    let ctx = awsso::context::Context::from_process();
    let code = awsso::run(std::env::args_os(), ctx);
    std::process::exit(c_int::from(code))
}

/// What std's runtime does before `fn main` that awsso relies on: standard streams that are
/// closed are opened on `/dev/null`, and SIGPIPE is ignored. Child processes get SIGPIPE back at its default (std's `Command`
/// resets it, as it does under std's own start-up).
#[cfg(unix)]
fn prepare_process() {
    for fd in 0..=2 {
        // SAFETY: `fcntl(F_GETFD)` only reads the descriptor's flags; `open` is given a
        // NUL-terminated path, and returns the lowest free descriptor, which is `fd` (the
        // lower ones are open by then).
        unsafe {
            if libc::fcntl(fd, libc::F_GETFD) == -1
                && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF)
            {
                libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
            }
        }
    }
    // SAFETY: installs SIG_IGN, no handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
}

#[cfg(not(unix))]
fn prepare_process() {}
