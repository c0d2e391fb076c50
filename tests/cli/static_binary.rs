//! The static binary (docs/compatibility.md, "Static binary"): no dynamic loader is asked for,
//! and host names still resolve, through `/etc/hosts`, without glibc's NSS.

use awsso_emulator::{Emulator, Options};

use crate::get_caller_identity::CI_BOT_JSON;
use crate::support::*;

/// Whether an ELF file names a program interpreter (`PT_INTERP`): a dynamically linked
/// executable does, a static one does not.
fn has_interpreter(elf: &[u8]) -> bool {
    assert_eq!(&elf[..5], b"\x7fELF\x02", "a 64-bit ELF file");
    let u16_at = |at: usize| u16::from_le_bytes(elf[at..at + 2].try_into().unwrap()) as usize;
    let u64_at = |at: usize| u64::from_le_bytes(elf[at..at + 8].try_into().unwrap()) as usize;
    let (phoff, phentsize, phnum) = (u64_at(0x20), u16_at(0x36), u16_at(0x38));
    (0..phnum).any(|i| {
        let at = phoff + i * phentsize;
        u32::from_le_bytes(elf[at..at + 4].try_into().unwrap()) == 3
    })
}

#[test]
#[cfg(all(target_os = "linux", target_arch = "x86_64", target_env = "gnu"))]
fn awsso_is_linked_statically() {
    let elf = std::fs::read(awsso_bin()).unwrap();
    assert!(!has_interpreter(&elf), "awsso asks for a dynamic loader");
    // The checker does see one in a dynamically linked program.
    let sh = std::fs::read("/bin/sh").unwrap();
    assert!(has_interpreter(&sh));
}

#[test]
fn localhost_endpoints_resolve_without_nss() {
    let emu = Emulator::start(Options::default());
    let port = emu.url().rsplit(':').next().unwrap().to_owned();
    let mut home = Sandbox::new();
    home.set_env("AWS_ENDPOINT_URL", &format!("http://localhost:{port}"))
        .set_env("AWS_ACCESS_KEY_ID", "AKIAEMULATORSTATIC01")
        .set_env(
            "AWS_SECRET_ACCESS_KEY",
            "emulatorStaticSecretKey0000000000000001",
        )
        .set_env("AWS_REGION", "us-east-1");
    home.run(&["sts", "get-caller-identity"])
        .assert(0, CI_BOT_JSON, "");
    assert_eq!(emu.request_lines(), ["POST /"]);
}
