//! `edgesim test`: the project's vitest files run inside the simulation.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use edgesim_sim::scenario::sweep::SeedSet;
use edgesim_sim::test::{self, RunOptions, SnapshotUpdate, Workspace, report};

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Reporter {
    Default,
    Json,
    Junit,
}

#[derive(clap::Args)]
pub struct TestArgs {
    /// Run only test files whose path contains one of these.
    filters: Vec<String>,
    /// The project's directory (default: the current one).
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    #[arg(long, default_value_t = 0, conflicts_with = "seeds")]
    seed: u64,
    /// Run every file under each of these seeds: A..B (B excluded) or A..=B.
    #[arg(long)]
    seeds: Option<String>,
    /// Simulations at a time (default: the number of cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Run only tests whose full name matches this regular expression.
    #[arg(short = 't', long = "testNamePattern", value_name = "PATTERN")]
    pattern: Option<String>,
    #[arg(long, value_enum, default_value = "default")]
    reporter: Reporter,
    /// Rewrite snapshots that do not match.
    #[arg(short = 'u', long = "update")]
    update: bool,
    /// Keep production's one write per second per KV key (the pool's local KV, and so by
    /// default `edgesim test`, has no such limit).
    #[arg(long)]
    kv_write_limit: bool,
    /// The wrangler environment to test (`[env.NAME]`).
    #[arg(short = 'e', long = "env", value_name = "NAME")]
    env: Option<String>,
}

pub fn run(args: TestArgs) -> Result<ExitCode> {
    let workspace = Workspace::load(&args.root, args.env.as_deref())?;
    let files = workspace.test_files(&args.filters)?;
    let file_count: usize = files.iter().map(Vec::len).sum();
    if file_count == 0 {
        let includes: Vec<_> = (workspace.members.iter())
            .map(|m| m.project.vitest.include.clone())
            .collect();
        bail!(
            "{}: no test files found (include: {})",
            workspace.root.display(),
            match includes.as_slice() {
                [None] => "[\"**/*.{test,spec}.?(c|m)[jt]s?(x)\"]".to_string(),
                [Some(one)] => format!("{one:?}"),
                _ => "each project's own".to_string(),
            }
        );
    }
    let seeds = match &args.seeds {
        Some(range) => SeedSet::parse(range, None)?.seeds(),
        None => vec![args.seed],
    };
    // vitest writes new snapshots unless it runs in CI, and rewrites old ones only with -u.
    let update = match (args.update, std::env::var_os("CI").is_some()) {
        (true, _) => SnapshotUpdate::All,
        (false, true) => SnapshotUpdate::None,
        (false, false) => SnapshotUpdate::New,
    };
    let options = RunOptions {
        seeds: seeds.clone(),
        jobs: args
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        pattern: args.pattern.clone(),
        update,
        kv_write_limit: args.kv_write_limit,
    };
    // Project by project; each file is then named as the workspace names it.
    let mut results = Vec::new();
    for (member, files) in workspace.members.iter().zip(&files) {
        for (seed, mut outcome) in test::run(&member.project, files, &options)? {
            outcome.file = member.workspace_path(&outcome.file);
            results.push((seed, outcome));
        }
    }
    results.sort_by_key(|(seed, _)| seeds.iter().position(|s| s == seed));
    let failing_seeds: Vec<u64> = seeds
        .iter()
        .copied()
        .filter(|s| {
            results
                .iter()
                .any(|(seed, f)| seed == s && f.report.failed())
        })
        .collect();
    // The reports show the first seed's run; a sweep's summary lists the failing seeds.
    let first = first_seed(results, seeds[0]);
    let mut stdout = std::io::stdout().lock();
    match args.reporter {
        Reporter::Json => {
            writeln!(stdout, "{:#}", report::json_report(&first, &workspace.root))?;
        }
        Reporter::Junit => {
            write!(stdout, "{}", report::junit_report(&first))?;
        }
        Reporter::Default if seeds.len() > 1 => {
            writeln!(
                stdout,
                " {} seeds × {} files: {} failing",
                seeds.len(),
                file_count,
                failing_seeds.len()
            )?;
            for seed in &failing_seeds {
                writeln!(stdout, "   seed {seed}: {}", replay_command(&args, *seed))?;
            }
        }
        Reporter::Default => {
            write!(
                stdout,
                "{}",
                report::default_report(&first, &replay_command(&args, seeds[0]))
            )?;
        }
    }
    // A global setup's teardown that threw fails the run, as under vitest.
    let mut teardown_failed = false;
    for member in &workspace.members {
        if let Some(error) = &member.project.vitest.teardown_error {
            let config = (member.project.config_file.as_deref())
                .map(|f| f.strip_prefix(&workspace.root).unwrap_or(f))
                .map_or_else(String::new, |f| format!(" ({})", f.display()));
            eprintln!("Error: a global setup's teardown threw{config}:\n{error}");
            teardown_failed = true;
        }
    }
    Ok(if failing_seeds.is_empty() && !teardown_failed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn first_seed(results: Vec<(u64, test::FileOutcome)>, seed: u64) -> Vec<test::FileOutcome> {
    results
        .into_iter()
        .filter(|(s, _)| *s == seed)
        .map(|(_, f)| f)
        .collect()
}

/// The command that runs this seed again.
fn replay_command(args: &TestArgs, seed: u64) -> String {
    let mut command = format!("edgesim test --seed {seed}");
    if args.root != std::path::Path::new(".") {
        command.push_str(&format!(" --root {}", args.root.display()));
    }
    for f in &args.filters {
        command.push_str(&format!(" {f}"));
    }
    command
}
