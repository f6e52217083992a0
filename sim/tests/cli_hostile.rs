//! The Workers in tests/hostile/ try to exhaust the runtime (built-ins that scan, microtask and
//! timer storms, catch-and-recurse, PBKDF2 and RSA key sizes no CPU limit affords, an endless
//! SQL query, a memory bomb). Each must end as production ends it — the status and outcome its
//! first line names — and end at all: a run still going after [`HANG_S`] is killed and fails.
//! (The wall time each took is printed, not asserted: the machine is noisy.)

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Far above what any of them takes on a slow machine in a debug build; only a hang gets here.
const HANG_S: u64 = 120;

fn hostile_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

/// The Worker to run for `entry` (a file, or a project directory's `w.js`) and what it expects.
fn expectation(entry: &Path) -> (u64, String) {
    let source = if entry.is_dir() {
        entry.join("w.js")
    } else {
        entry.to_path_buf()
    };
    let text = std::fs::read_to_string(&source).unwrap();
    let line = text.lines().next().unwrap_or_default();
    let rest = line
        .strip_prefix("// expect: ")
        .unwrap_or_else(|| panic!("{}: no `// expect:` line", source.display()));
    let (status, outcome) = rest.split_once(' ').unwrap();
    (status.parse().unwrap(), outcome.to_string())
}

/// `edgesim fetch <entry> --json`, killed after [`HANG_S`]: its JSON answer, or why not.
fn run(entry: &Path) -> Result<serde_json::Value, String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_edgesim"))
        .args(["fetch", entry.to_str().unwrap(), "--json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(HANG_S) {
            let _ = child.kill();
            return Err(format!("still running after {HANG_S} s"));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().unwrap();
    eprintln!(
        "{}: {:.2} s",
        entry.file_name().unwrap().to_string_lossy(),
        started.elapsed().as_secs_f64()
    );
    serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn every_hostile_worker_ends_as_production_ends_it() {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(hostile_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "js"))
        .collect();
    entries.sort();
    assert!(entries.len() >= 14, "{entries:?}");
    let mut wrong = Vec::new();
    for entry in &entries {
        let (status, outcome) = expectation(entry);
        match run(entry) {
            Ok(answer) if answer["status"] == status && answer["outcome"] == outcome.as_str() => {}
            Ok(answer) => wrong.push(format!(
                "{}: expected {status} {outcome}, got {} {} (logs {})",
                entry.display(),
                answer["status"],
                answer["outcome"],
                answer["logs"]
            )),
            Err(e) => wrong.push(format!("{}: {e}", entry.display())),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
