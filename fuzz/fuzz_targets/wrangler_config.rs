#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| edgesim_fuzz::wrangler_config(data));
