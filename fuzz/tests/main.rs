//! The fuzz targets as `cargo test` runs them: one binary, one module per area.

mod fuzz_corpus;
