//! Writes reports/conformance.md from conformance/claims.yaml and a saved `cargo test` output:
//!     cargo test --workspace 2>&1 | tee target/test-output.txt
//!     cargo run -p edgesim-conformance --bin conformance-report -- target/test-output.txt

use std::process::ExitCode;

use edgesim_conformance::claims;

fn main() -> ExitCode {
    let root = claims::root();
    let input = std::env::args()
        .nth(1)
        .map(Into::into)
        .unwrap_or_else(|| root.join("target/test-output.txt"));
    let output = match std::fs::read_to_string(&input) {
        Ok(o) => o,
        Err(e) => {
            eprintln!(
                "error: {}: {e} (save a `cargo test --workspace` run there first)",
                input.display()
            );
            return ExitCode::from(2);
        }
    };
    let catalog = match claims::load(&root.join("conformance/claims.yaml")) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let report = claims::render(&catalog, &claims::parse_test_output(&output));
    let path = root.join("reports/conformance.md");
    if let Err(e) = std::fs::write(&path, report) {
        eprintln!("error: {}: {e}", path.display());
        return ExitCode::from(2);
    }
    println!("wrote {}", path.display());
    ExitCode::SUCCESS
}
