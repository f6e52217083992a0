//! reports/scale.md: what long runs, many objects and long sweeps cost, measured by running the
//! release `edgesim` on the scenarios in benches/scenarios (each a process of its own, so its
//! peak RSS is its own), next to the targets CI tracks.
//!
//! Run after `cargo build --release -p edgesim-sim --bin edgesim`:
//! `cargo run --release -p edgesim-benches --bin scale-report`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

/// One process's cost: its wall time and peak resident memory.
struct Cost {
    wall_s: f64,
    peak_rss_mb: f64,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs edgesim with `args` from the repository root and measures it.
fn measure(args: &[&str]) -> Result<Cost, String> {
    let bin = root().join("target/release/edgesim");
    let started = Instant::now();
    let child = Command::new(&bin)
        .args(args)
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            format!(
                "{}: {e} (build it with cargo build --release)",
                bin.display()
            )
        })?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our child, not yet waited for; both out-pointers are valid.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall_s = started.elapsed().as_secs_f64();
    if waited != pid {
        return Err(format!("edgesim {args:?}: wait4 failed"));
    }
    // 0: all expectations held; 1: one failed (still a finished run to measure).
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) > 1 {
        return Err(format!("edgesim {args:?} did not finish (status {status})"));
    }
    Ok(Cost {
        wall_s,
        // Linux reports ru_maxrss in KiB.
        peak_rss_mb: usage.ru_maxrss as f64 / 1024.0,
    })
}

/// `scenario` (under benches/scenarios), with `change`'s first text replaced by its second,
/// written to target/scale/`name`.yaml.
fn variant(scenario: &str, name: &str, change: Option<(&str, &str)>) -> Result<String, String> {
    let dir = root().join("benches/scenarios");
    let mut text = std::fs::read_to_string(dir.join(scenario)).map_err(|e| e.to_string())?;
    if let Some((from, to)) = change {
        text = text.replace(from, to);
    }
    // Worker paths are relative to the scenario's directory: make them absolute.
    write_scenario(
        name,
        &text.replace("  app: ", &format!("  app: {}/", dir.display())),
    )
}

/// Writes `text` as target/scale/`name`.yaml; its path.
fn write_scenario(name: &str, text: &str) -> Result<String, String> {
    let out = root().join("target/scale");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let path = out.join(format!("{name}.yaml"));
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    Ok(path.display().to_string())
}

struct Row {
    what: String,
    value: String,
    /// The target, and whether the value meets it; none for a figure shown for context.
    target: Option<(&'static str, bool)>,
}

impl Row {
    fn figure(what: &str, value: String) -> Row {
        Row {
            what: what.into(),
            value,
            target: None,
        }
    }

    fn against(what: &str, value: String, target: &'static str, met: bool) -> Row {
        Row {
            what: what.into(),
            value,
            target: Some((target, met)),
        }
    }
}

/// 1,000 requests a second at five colos: the cost of a request kept by a run, from a 10 s and
/// a 60 s run; and the targets themselves, 10 minutes and an hour, run and measured.
fn steady_rate() -> Result<Vec<Row>, String> {
    let short = variant(
        "steady-1000rps.yaml",
        "steady-10s",
        Some(("duration: 60s", "duration: 10s")),
    )?;
    let long = variant("steady-1000rps.yaml", "steady-60s", None)?;
    let target = variant(
        "steady-1000rps.yaml",
        "steady-600s",
        Some(("duration: 60s", "duration: 600s")),
    )?;
    // Poisson arrivals: the expected counts (a run sends within about 1 % of them).
    let (short_requests, long_requests, target_requests) = (10_000.0, 60_000.0, 600_000.0);
    let a = measure(&["run", &short])?;
    let b = measure(&["run", &long])?;
    let c = measure(&["run", &target])?;
    let hour = variant(
        "steady-1000rps.yaml",
        "steady-3600s",
        Some(("duration: 60s", "duration: 3600s")),
    )?;
    let d = measure(&["run", &hour])?;
    let per_request_kb =
        (b.peak_rss_mb - a.peak_rss_mb) * 1024.0 / (long_requests - short_requests);
    let rate = target_requests / c.wall_s;
    Ok(vec![
        Row::figure(
            "1,000 req/s at 5 colos, 1 simulated minute (60,000 requests): wall time, peak RSS",
            format!("{:.2} s, {:.0} MB", b.wall_s, b.peak_rss_mb),
        ),
        Row::figure(
            "… memory a run keeps per request (60 s run − 10 s run)",
            format!("{per_request_kb:.2} KB"),
        ),
        Row::against(
            "… 10 simulated minutes (600,000 requests): simulated requests per wall second",
            format!("{rate:.0}"),
            "≥ 20,000",
            rate >= 20_000.0,
        ),
        Row::against(
            "… 10 simulated minutes: peak RSS",
            format!("{:.0} MB", c.peak_rss_mb),
            "≤ 300 MB",
            c.peak_rss_mb <= 300.0,
        ),
        Row::against(
            "… one simulated hour (3,600,000 requests): wall time, peak RSS",
            format!("{:.0} s, {:.0} MB", d.wall_s, d.peak_rss_mb),
            "≤ 240 s, ≤ 500 MB",
            d.wall_s <= 240.0 && d.peak_rss_mb <= 500.0,
        ),
    ])
}

/// 10,000 requests spread over 100 and over 1,000 Durable Objects: what a live object costs;
/// and the target itself, 10,000 objects called 10 times each.
fn many_objects() -> Result<Vec<Row>, String> {
    let few = variant(
        "many-objects.yaml",
        "objects-100",
        Some(("objects=1000", "objects=100")),
    )?;
    let many = variant("many-objects.yaml", "objects-1000", None)?;
    let target = variant(
        "many-objects.yaml",
        "objects-10000",
        Some((
            "url: \"/?objects=1000\" }",
            "url: \"/?objects=10000\", count: 10 }",
        )),
    )?;
    let a = measure(&["run", &few])?;
    let b = measure(&["run", &many])?;
    let c = measure(&["run", &target])?;
    let per_object_mb = (b.peak_rss_mb - a.peak_rss_mb) / 900.0;
    let per_object_ms = (b.wall_s - a.wall_s) * 1000.0 / 900.0;
    Ok(vec![
        Row::figure(
            "1,000 Durable Objects × 10 requests: wall time, peak RSS",
            format!("{:.2} s, {:.0} MB", b.wall_s, b.peak_rss_mb),
        ),
        Row::figure(
            "… cost of one more live object (1,000 objects − 100)",
            format!("{per_object_mb:.3} MB, {per_object_ms:.2} ms"),
        ),
        Row::against(
            "10,000 Durable Objects × 10 requests (100,000 requests): wall time, peak RSS",
            format!("{:.1} s, {:.0} MB", c.wall_s, c.peak_rss_mb),
            "≤ 10 s, ≤ 1 GB",
            c.wall_s <= 10.0 && c.peak_rss_mb <= 1024.0,
        ),
    ])
}

/// A scenario of `colos` built-in colos sharing 1,024 requests a second for 20 seconds.
fn spread_over(colos: usize) -> Result<String, String> {
    let names: Vec<&str> = edgesim_sim::world::colos::built_in_names()
        .take(colos)
        .collect();
    if names.len() < colos {
        return Err(format!("only {} built-in colos", names.len()));
    }
    let dir = root().join("benches/scenarios");
    let mut text = format!(
        "name: colos-{colos}\nduration: 20s\ncolos: [{}]\nworkers:\n  app: {}/burst/wrangler.toml\ntraffic:\n",
        names.join(", "),
        dir.display()
    );
    for name in &names {
        text.push_str(&format!(
            "  - {{ rate: {}/s, colo: {name}, worker: app, url: / }}\n",
            1024 / colos
        ));
    }
    write_scenario(&format!("colos-{colos}"), &text)
}

/// Runs of each colo count whose median wall time is compared: one run of each swung the ratio
/// between 1.49× and 1.87× from one CI run to the next.
const COLO_COUNT_RUNS: usize = 5;

/// The same total rate at 2 and at 64 colos: what a request costs as the world grows. The runs
/// alternate, so a slow spell of the machine falls on both.
fn colo_count() -> Result<Vec<Row>, String> {
    let (two_colos, many_colos) = (spread_over(2)?, spread_over(64)?);
    let (mut two, mut many) = (Vec::new(), Vec::new());
    for _ in 0..COLO_COUNT_RUNS {
        two.push(measure(&["run", &two_colos])?.wall_s);
        many.push(measure(&["run", &many_colos])?.wall_s);
    }
    let (two, many) = (median(&mut two), median(&mut many));
    let ratio = many / two;
    Ok(vec![Row::against(
        &format!(
            "1,024 req/s for 20 simulated s: wall time at 64 colos ÷ at 2 colos (medians of {COLO_COUNT_RUNS} alternating runs)"
        ),
        format!("{ratio:.2}× ({many:.2} s vs {two:.2} s)"),
        "≤ 1.5×",
        ratio <= 1.5,
    )])
}

/// The middle of `xs` (the upper one of an even count), sorting them.
fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// A sweep's memory over seeds: peak RSS of 2,000 seeds against 100.
fn sweep_growth() -> Result<Vec<Row>, String> {
    let scenario = "scenarios/do-counter.yaml";
    let a = measure(&["sweep", scenario, "--seeds", "0..100", "--jobs", "2"])?;
    let b = measure(&["sweep", scenario, "--seeds", "0..2000", "--jobs", "2"])?;
    let growth = b.peak_rss_mb - a.peak_rss_mb;
    Ok(vec![Row::against(
        "`sweep do-counter.yaml`: peak RSS at 2,000 seeds − at 100 seeds",
        format!(
            "{growth:+.1} MB ({:.0} → {:.0} MB; {:.0} seeds/s)",
            a.peak_rss_mb,
            b.peak_rss_mb,
            2000.0 / b.wall_s
        ),
        "≤ 50 MB",
        growth <= 50.0,
    )])
}

fn main() -> ExitCode {
    let mut rows = Vec::new();
    for part in [steady_rate, colo_count, many_objects, sweep_growth] {
        match part() {
            Ok(r) => rows.extend(r),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let mut out = String::from(
        "# Scale\n\nGenerated by `cargo run --release -p edgesim-benches --bin scale-report`: each \
         figure is one run of the release `edgesim` on a scenario of benches/scenarios (issue 20's \
         targets beside them). Peak RSS is the process's own (wait4); projections extend the \
         measured per-request or per-object cost linearly.\n\n\
         | measure | value | target | met |\n|---|---|---|---|\n",
    );
    for row in &rows {
        let (target, met) = match row.target {
            None => ("", ""),
            Some((target, true)) => (target, "yes"),
            Some((target, false)) => (target, "**no**"),
        };
        out.push_str(&format!(
            "| {} | {} | {target} | {met} |\n",
            row.what, row.value
        ));
    }
    let path = root().join("reports/scale.md");
    if let Err(e) = std::fs::write(&path, &out) {
        eprintln!("error: {}: {e}", path.display());
        return ExitCode::from(2);
    }
    print!("{out}");
    ExitCode::SUCCESS
}
