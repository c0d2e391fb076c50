#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| awsso::fuzz::credential_process(data));
