#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| awsso::fuzz::jmespath_lexer(data));
