#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| edgesim_fuzz::scenario_yaml(data));
