//! TypeScript entry points and imports, made runnable by stripping types in place.
//!
//! Stripping (rather than transpiling) replaces type syntax with whitespace, so every line and
//! column of the output is the line and column of the user's `.ts` file and stack traces need
//! no source map. Constructs that carry runtime meaning (`enum`, `namespace`, parameter
//! properties) are rejected by the stripper, as Node's type stripping rejects them. Imports
//! used only as types then go, as TypeScript elides them (import_elision.rs). (JSX is
//! transpiled instead: jsx.rs.)

use std::sync::{Arc, Mutex};

use swc_common::errors::{DiagnosticBuilder, Emitter, Handler};
use swc_common::sync::Lrc;
use swc_common::{FileName, SourceMap};
use swc_ts_fast_strip::{Mode, Options, operate};

/// A TypeScript construct the stripper could not handle, with its 1-based position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Collects the stripper's diagnostics instead of printing them.
struct Collect(Arc<Mutex<Vec<(u32, String)>>>);

impl Emitter for Collect {
    fn emit(&mut self, db: &mut DiagnosticBuilder<'_>) {
        let lo = db.span.primary_span().map(|s| s.lo.0).unwrap_or(0);
        if let Ok(mut seen) = self.0.lock() {
            seen.push((lo, db.message()));
        }
    }
}

/// Returns `source` with its type annotations blanked out.
pub fn strip_types(file_name: &str, source: &str) -> Result<String, StripError> {
    let options = Options {
        module: Some(true),
        filename: Some(file_name.to_string()),
        mode: Mode::StripOnly,
        ..Default::default()
    };
    super::swc_guard::run_swc(source, || strip_parsed(file_name, source, options))
}

fn strip_parsed(file_name: &str, source: &str, options: Options) -> Result<String, StripError> {
    let cm: Lrc<SourceMap> = Default::default();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let handler = Handler::with_emitter(true, false, Box::new(Collect(seen.clone())));
    let file = cm.new_source_file(
        FileName::Custom(file_name.to_string()).into(),
        source.to_string(),
    );
    let result = operate(&cm, &handler, source.to_string(), options);
    let first = seen.lock().ok().and_then(|v| v.first().cloned());
    match (result, first) {
        (Ok(out), None) => Ok(super::import_elision::elide_unused_imports(
            file_name, &out.code,
        )),
        (result, first) => {
            let (lo, message) = match (first, result) {
                (Some(d), _) => d,
                (None, Err(e)) => (file.start_pos.0, e.message),
                (None, Ok(_)) => unreachable!("handled above"),
            };
            let pos = swc_common::BytePos(lo.max(file.start_pos.0));
            let loc = cm.lookup_char_pos(pos);
            Err(StripError {
                line: loc.line,
                column: loc.col_display + 1,
                message,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripping_keeps_every_position() {
        let ts = "const a: number = 1;\nfunction f(x: string): string { return x; }\nthrow new Error(f('x'));\n";
        let js = strip_types("a.ts", ts).expect("valid TypeScript");
        assert_eq!(js.lines().count(), ts.lines().count());
        for (t, j) in ts.lines().zip(js.lines()) {
            assert_eq!(t.len(), j.len(), "{t:?} vs {j:?}");
        }
        assert!(js.starts_with("const a         = 1;"));
    }

    #[test]
    fn enums_are_refused_with_their_position() {
        let err = strip_types("e.ts", "let x = 1;\nenum Color { Red }\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert_eq!(err.column, 1);
    }
}

#[cfg(test)]
mod nesting_tests {
    use super::*;

    fn nested(depth: usize) -> String {
        format!(
            "export const x: unknown = {}{};",
            "[".repeat(depth),
            "]".repeat(depth)
        )
    }

    /// Run on a test thread's small (2 MiB) stack: the deepest file swc is given still fits.
    #[test]
    fn the_deepest_nesting_handed_to_swc_fits_a_test_threads_stack() {
        let at_limit = nested(super::super::swc_guard::SWC_NESTING_MAX - 1);
        let stripped = strip_types("a.ts", &at_limit);
        assert!(stripped.is_ok(), "{stripped:?}");
        let past = strip_types("b.ts", &nested(100_000)).unwrap_err();
        assert!(
            past.message.starts_with("brackets nest 100000 levels deep"),
            "{}",
            past.message
        );
    }
}
