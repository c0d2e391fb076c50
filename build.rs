//! Links the awsso binary with `link/startup.ld`, which gathers the code of the start-up
//! paths (`sso status`, `sso login --if-needed`, a TAB, ...) at the start of the binary's code:
//! the kernel maps code in 64 KB windows on first touch, and gathered, that code takes a
//! quarter of the page faults it took spread out (docs/compatibility.md, "Static binary";
//! `scripts/gen-startup-layout` writes the script). Only for Linux with glibc, whose linkers
//! (lld, as rustc uses by default, and GNU ld) read the script as an addition to their
//! default layout.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=link/startup.ld");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
        println!("cargo:rustc-link-arg-bin=awsso=-Wl,-T,{dir}/link/startup.ld");
    }
}
