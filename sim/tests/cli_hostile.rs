//! The Workers in tests/hostile/ try to exhaust the runtime (built-ins that scan, microtask and
//! timer storms, catch-and-recurse, PBKDF2 and RSA key sizes no CPU limit affords, an endless
//! SQL query, a memory bomb, a gigabyte streamed to a client). Each must end as production ends
//! it and end at all: a run still going after [`HANG_S`] is killed and fails. Each must also
//! stay within [`PEAK_RSS_MAX_MB`] of memory, the whole process's peak: a runtime that held what
//! production streams, or let a Worker grow past its isolate's limit, would not. (The wall time
//! each took is printed, not asserted: the machine is noisy.)

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Far above what any of them takes on a slow machine in a debug build; only a hang gets here.
const HANG_S: u64 = 120;

/// The bound issue 24 sets for a hostile Worker's run.
const PEAK_RSS_MAX_MB: u64 = 200;

fn hostile_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

/// How an entry of tests/hostile/ is run, and how it must end.
enum Hostile {
    /// `edgesim fetch <path> --json` of a Worker file or a project directory's `w.js`, whose
    /// first line says `// expect: <status> <outcome>` (the JSON answer's fields).
    Fetch {
        path: PathBuf,
        status: u64,
        outcome: String,
    },
    /// `edgesim run` of a directory's `scenario.yaml`, which must pass its own expectations.
    Scenario(PathBuf),
}

impl Hostile {
    fn read(entry: &Path) -> Hostile {
        let scenario = entry.join("scenario.yaml");
        if scenario.is_file() {
            return Hostile::Scenario(scenario);
        }
        let source = match entry.is_dir() {
            true => entry.join("w.js"),
            false => entry.to_path_buf(),
        };
        let text = std::fs::read_to_string(&source).unwrap();
        let line = text.lines().next().unwrap_or_default();
        let rest = line
            .strip_prefix("// expect: ")
            .unwrap_or_else(|| panic!("{}: no `// expect:` line", source.display()));
        let (status, outcome) = rest.split_once(' ').unwrap();
        Hostile::Fetch {
            path: entry.to_path_buf(),
            status: status.parse().unwrap(),
            outcome: outcome.to_string(),
        }
    }

    fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_edgesim"));
        match self {
            Hostile::Fetch { path, .. } => command.arg("fetch").arg(path).arg("--json"),
            Hostile::Scenario(path) => command.arg("run").arg(path),
        };
        command
    }

    /// What is wrong with how the run ended, if anything.
    fn judge(&self, ended: &Ended) -> Option<String> {
        match self {
            Hostile::Fetch {
                status, outcome, ..
            } => {
                let answer: serde_json::Value = match serde_json::from_str(&ended.stdout) {
                    Ok(answer) => answer,
                    Err(e) => return Some(format!("{e}: {}", ended.stderr)),
                };
                let right = answer["status"] == *status && answer["outcome"] == outcome.as_str();
                (!right).then(|| {
                    format!(
                        "expected {status} {outcome}, got {} {} (logs {})",
                        answer["status"], answer["outcome"], answer["logs"]
                    )
                })
            }
            Hostile::Scenario(_) => (!ended.success)
                .then(|| format!("its expectations failed:\n{}{}", ended.stdout, ended.stderr)),
        }
    }
}

/// A finished run: its exit, output, and the peak resident memory the kernel counted for it.
struct Ended {
    success: bool,
    stdout: String,
    stderr: String,
    peak_rss_mb: u64,
}

/// Runs `command`, killed after [`HANG_S`]. The child is reaped with `wait4` for its rusage.
#[expect(
    clippy::zombie_processes,
    reason = "reaped by wait4, which std's Child cannot do"
)]
fn run(mut command: Command) -> Result<Ended, String> {
    let mut child = (command.stdin(Stdio::null()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let read_all = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = read_all(Box::new(child.stdout.take().unwrap()));
    let stderr = read_all(Box::new(child.stderr.take().unwrap()));
    let pid = child.id() as libc::pid_t;
    let started = Instant::now();
    let mut status = 0;
    // SAFETY: rusage is plain data, fully written by wait4 when it reaps the child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut hung = false;
    loop {
        // SAFETY: `pid` is our own unreaped child; status and usage are valid for writes.
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            break;
        }
        assert_eq!(reaped, 0, "wait4: {}", std::io::Error::last_os_error());
        if !hung && started.elapsed() > Duration::from_secs(HANG_S) {
            let _ = child.kill();
            hung = true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    if hung {
        return Err(format!("still running after {HANG_S} s"));
    }
    let ended = Ended {
        success: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
        // Linux counts ru_maxrss in KiB.
        peak_rss_mb: usage.ru_maxrss as u64 / 1024,
    };
    eprintln!(
        "{:.2} s, peak {} MB",
        started.elapsed().as_secs_f64(),
        ended.peak_rss_mb
    );
    Ok(ended)
}

#[test]
fn every_hostile_worker_ends_as_production_ends_it_within_the_memory_bound() {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(hostile_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "js"))
        .collect();
    entries.sort();
    assert!(entries.len() >= 15, "{entries:?}");
    let mut wrong = Vec::new();
    for entry in &entries {
        let hostile = Hostile::read(entry);
        eprint!("{}: ", entry.file_name().unwrap().to_string_lossy());
        let verdict = match run(hostile.command()) {
            Ok(ended) if ended.peak_rss_mb > PEAK_RSS_MAX_MB => Some(format!(
                "peaked at {} MB, over {PEAK_RSS_MAX_MB} MB",
                ended.peak_rss_mb
            )),
            Ok(ended) => hostile.judge(&ended),
            Err(e) => Some(e),
        };
        if let Some(verdict) = verdict {
            wrong.push(format!("{}: {verdict}", entry.display()));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
