//! `--trace FILE` is written while the run goes: every event's line, whatever the run keeps in
//! memory, whole or not at all.

use std::path::{Path, PathBuf};

use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::{Retention, RunError, RunOptions, run_with};
use sha2::{Digest, Sha256};

fn do_counter() -> LoadedScenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/do-counter.yaml");
    LoadedScenario::load(&path).unwrap()
}

fn trace_to(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("trace-file");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn the_trace_file_holds_every_event_the_hash_covers_while_the_run_keeps_few() {
    let path = trace_to("do-counter.jsonl");
    let options = RunOptions {
        retention: Retention::Needed,
        trace_to: Some(path.clone()),
        ..RunOptions::default()
    };
    let s = do_counter();
    let out = run_with(&s, 1, options).unwrap();
    let written = std::fs::read(&path).unwrap();
    let hash: String = (Sha256::digest(&written).iter())
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hash, out.trace.hash());
    let lines = written
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .count();
    assert!(
        lines > 2 * out.trace.events.len(),
        "{lines} lines, {} kept",
        out.trace.events.len()
    );
    // No temporary file is left beside it.
    let dir = path.parent().unwrap();
    let left: Vec<_> = (std::fs::read_dir(dir).unwrap().flatten())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_trace_file_that_cannot_be_made_is_a_clear_error_before_the_run() {
    let path = trace_to("no-such-directory/t.jsonl");
    let options = RunOptions {
        trace_to: Some(path),
        ..RunOptions::default()
    };
    let Err(error) = run_with(&do_counter(), 1, options) else {
        panic!("the run must be refused");
    };
    assert!(matches!(error, RunError::TraceFile(_)));
    let text = error.to_string();
    assert!(
        text.contains("no-such-directory/t.jsonl: cannot write the trace"),
        "{text}"
    );
}
