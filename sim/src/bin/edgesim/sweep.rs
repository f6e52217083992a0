//! `edgesim sweep` and `edgesim sweep-merge`: many seeds of one scenario, on this machine or
//! fanned out over many (`--shard I/N` on each, then `sweep-merge` of their `--json` outputs).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::{Retention, RunOptions};
use edgesim_sim::scenario::sweep::{SeedOutcome, SeedSet, sweep_with};
use edgesim_sim::scenario::sweep_summary::{SweepSummary, merge};

#[derive(clap::Args)]
pub struct SweepArgs {
    scenario: PathBuf,
    /// Seeds to run: A..B (B excluded) or A..=B.
    #[arg(long)]
    seeds: String,
    /// Simulations at a time (default: the number of cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Run only shard I of N (0-based): every N-th seed starting with the I-th.
    #[arg(long)]
    shard: Option<String>,
    /// Print one JSON document (what `sweep-merge` reads).
    #[arg(long)]
    json: bool,
    /// End each seed's run at the first violation of an expectation checked as the run goes
    /// (status_in, cpu_ms_max, cold_starts_max,
    /// d1_sessions_monotonic, workflow_steps_once).
    #[arg(long)]
    fail_fast: bool,
}

#[derive(clap::Args)]
pub struct MergeArgs {
    /// The `sweep --json` outputs of every shard of one sweep.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print one JSON document, as `sweep --json` does.
    #[arg(long)]
    json: bool,
}

pub fn run(args: SweepArgs) -> Result<ExitCode> {
    use std::io::IsTerminal as _;
    let loaded = LoadedScenario::load(&args.scenario)?;
    let seeds = SeedSet::parse(&args.seeds, args.shard.as_deref())?;
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    // A progress bar on a terminal only: piped output stays the same bytes for the same seeds.
    let bar = std::io::stderr()
        .is_terminal()
        .then(|| indicatif::ProgressBar::new(0));
    let progress = |done: usize, total: usize| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let started = std::time::Instant::now();
    // A sweep reads only the verdicts.
    let options = RunOptions {
        fail_fast: args.fail_fast,
        retention: Retention::Needed,
        trace_to: None,
    };
    let results = sweep_with(&loaded, &seeds, jobs, options, &progress);
    let elapsed = started.elapsed().as_secs_f64();
    if let Some(bar) = &bar {
        bar.finish();
    }
    // A scenario whose Workers do not start fails every seed the same way: that is bad input.
    if let Some((_, SeedOutcome::Error(e))) = results
        .iter()
        .find(|(_, o)| matches!(o, SeedOutcome::Error(_)))
    {
        anyhow::bail!("{e}");
    }
    let summary = SweepSummary::new(&loaded.scenario.name, &seeds, &results, |seed| {
        super::replay_command(&args.scenario, seed)
    });
    print(&summary, args.json)?;
    // Wall-clock figures go to stderr: stdout stays the same for the same inputs.
    eprintln!(
        "{:.0} seeds/s on {jobs} thread(s)",
        results.len() as f64 / elapsed.max(1e-9)
    );
    Ok(exit_code(&summary))
}

pub fn merge_files(args: MergeArgs) -> Result<ExitCode> {
    let mut parts = Vec::new();
    for path in &args.files {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {name}"))?;
        let summary: SweepSummary = serde_json::from_str(&text)
            .with_context(|| format!("{name}: not the output of `edgesim sweep --json`"))?;
        parts.push((name, summary));
    }
    let summary = merge(&parts)?;
    print(&summary, args.json)?;
    Ok(exit_code(&summary))
}

fn exit_code(summary: &SweepSummary) -> ExitCode {
    if summary.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn print(summary: &SweepSummary, json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(summary)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "{} seeds: {} passed, {} failed",
        summary.seeds,
        summary.passed,
        summary.failures.len()
    )?;
    for failure in &summary.failures {
        let first = (failure.failed.first())
            .map(|v| format!("{}: {}", v.expectation, v.detail))
            .unwrap_or_default();
        writeln!(
            out,
            "  seed {}: {first}\n    replay: {}",
            failure.seed, failure.replay
        )?;
    }
    Ok(())
}
