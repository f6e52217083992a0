//! The edgesim command line. Exit codes: 0 ok, 1 an expectation failed, 2 bad input or usage.

use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use edgesim_runtime::{HttpRequest, Plan};
use edgesim_sim::persist::write_durably;
use edgesim_sim::scenario::client::arrive_at_edge;
use edgesim_sim::scenario::run::RunOutput;
use edgesim_sim::scenario::tally::percentile;
use edgesim_sim::scenario::{LoadedScenario, run as scenario_run};
use edgesim_sim::world::clients::Clients;
use edgesim_sim::{one_colo, origins};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod d1;
mod network;
mod sweep;
mod test;

#[derive(Parser)]
#[command(
    name = "edgesim",
    version,
    about = "Run Cloudflare Workers on a simulated, replayable platform"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Send one simulated request to a Worker and print the response like `curl -i`.
    Fetch(FetchArgs),
    /// Run a scenario from a seed and check its expectations.
    Run(RunArgs),
    /// Run a scenario twice with the same seed and compare the trace hashes.
    Replay(ReplayArgs),
    /// Run a scenario over many seeds, in parallel, and list the seeds that fail.
    Sweep(sweep::SweepArgs),
    /// Combine the `sweep --json` outputs of a sweep's shards into the sweep's summary.
    SweepMerge(sweep::MergeArgs),
    /// Reduce a failing seed's traffic to the requests the failure needs; write the scenario.
    Shrink(ShrinkArgs),
    /// Run the project's vitest test files (vitest-pool-workers style) inside the simulation.
    Test(test::TestArgs),
    /// A project's D1 databases kept with --persist-to: migrations and SQL, as `wrangler d1`.
    #[command(subcommand)]
    D1(d1::D1Command),
}

#[derive(clap::Args)]
struct ShrinkArgs {
    scenario: PathBuf,
    #[arg(long)]
    seed: u64,
    /// Where to write the shrunk scenario (default: standard output).
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
}

#[derive(clap::Args)]
struct RunArgs {
    scenario: PathBuf,
    /// Overrides the scenario's `seed`.
    #[arg(long)]
    seed: Option<u64>,
    /// Write the trace as JSON lines.
    #[arg(long)]
    trace: Option<PathBuf>,
    /// Print one JSON document (requests in traffic order, verdicts, trace hash).
    #[arg(long)]
    json: bool,
    /// Write a self-contained HTML page about the run: verdicts, charts, events.
    #[arg(long)]
    report: Option<PathBuf>,
    /// End the run at the first violation of an expectation checked as the run goes
    /// (status_in, cpu_ms_max, cold_starts_max,
    /// d1_sessions_monotonic, workflow_steps_once); the verdict says when and what did it.
    #[arg(long)]
    fail_fast: bool,
}

#[derive(clap::Args)]
struct ReplayArgs {
    scenario: PathBuf,
    #[arg(long)]
    seed: Option<u64>,
}

#[derive(clap::Args)]
struct FetchArgs {
    /// A wrangler.toml/json/jsonc, a directory holding one, or a Worker script (run with the
    /// wrangler config of the nearest directory above it that has one).
    worker: PathBuf,
    /// The request URL.
    #[arg(default_value = "https://example.com/")]
    url: String,
    #[arg(short = 'X', long = "request", default_value = "GET")]
    method: String,
    /// A request header, `Name: value` (repeatable).
    #[arg(short = 'H', long = "header")]
    headers: Vec<String>,
    /// The request body.
    #[arg(short = 'd', long = "data", conflicts_with = "data_file")]
    data: Option<String>,
    /// Read the request body from a file.
    #[arg(long)]
    data_file: Option<PathBuf>,
    /// The colo the request enters at (IATA code).
    #[arg(long, default_value = "LHR")]
    colo: String,
    #[arg(long, default_value_t = 0)]
    seed: u64,
    #[arg(long, default_value = "paid")]
    plan: Plan,
    /// CPU limit per invocation in milliseconds (overrides the plan and `limits.cpu_ms`).
    #[arg(long)]
    cpu_ms: Option<u64>,
    /// Stop any invocation after this much simulated CPU (ms), whatever the plan allows: a
    /// runaway loop would otherwise take minutes of wall time to reach a 30 s limit.
    #[arg(long)]
    runaway_cpu_ms: Option<u64>,
    /// Answer the Worker's `fetch()` to HOST (or to URLs under a URL prefix) from PATH: a
    /// directory of files to serve, or a Worker (script, wrangler config or project) acting as
    /// the origin (repeatable). Other hosts fail as unreachable hosts do in production.
    #[arg(long = "origin", value_name = "HOST=PATH")]
    origins: Vec<String>,
    /// Send `fetch()` to hosts no `--origin` answers to the real network. The run then depends
    /// on the world and does not replay from its seed.
    #[arg(long)]
    network: bool,
    /// The client's IP address (`CF-Connecting-IP`); default: one drawn from the seed.
    #[arg(long)]
    ip: Option<std::net::IpAddr>,
    /// Fields of `request.cf` to set, as a JSON object (`'{"country":"DE"}'`), over those the
    /// edge fills for a client in the colo's city.
    #[arg(long, value_name = "JSON")]
    cf: Option<String>,
    /// Print one JSON object instead of the HTTP response.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    project: ProjectArgs,
}

/// Which config, environment and kept data a command works on, as wrangler's flags name them.
#[derive(clap::Args)]
struct ProjectArgs {
    /// Use this wrangler config (any name); for `fetch`, WORKER is then the entry script
    /// replacing its `main`.
    #[arg(short = 'c', long = "config", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Use this environment of the config (`[env.NAME]`), as wrangler's `--env`.
    #[arg(short = 'e', long = "env", value_name = "NAME")]
    env: Option<String>,
    /// Keep KV, R2 and D1 data in this directory between runs, as `wrangler dev --persist-to`
    /// does: each run starts from what the last one left, its clock where the last one stopped.
    #[arg(long, value_name = "DIR")]
    persist_to: Option<PathBuf>,
}

/// `print!` that reports a closed stdout as an error instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($arg)*)?;
    }};
}
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?;
    }};
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Fetch(args) => fetch(args),
        Command::Run(args) => run(args),
        Command::Replay(args) => replay(args),
        Command::Sweep(args) => sweep::run(args),
        Command::SweepMerge(args) => sweep::merge_files(args),
        Command::Shrink(args) => shrink(args),
        Command::D1(command) => d1::run(command),
        Command::Test(args) => test::run(args),
    };
    match result {
        Ok(code) => code,
        // `edgesim run ... | head` closes the pipe early: that is not an error.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn fetch(args: FetchArgs) -> Result<ExitCode> {
    let worker = one_colo::load(
        &args.worker,
        args.project.config.as_deref(),
        args.project.env.as_deref(),
    )?;
    for warning in worker.warnings() {
        eprintln!("warning: {}: {warning}", args.worker.display());
    }
    let mut headers = Vec::new();
    for h in &args.headers {
        let Some((name, value)) = h.split_once(':') else {
            bail!("-H {h:?}: expected `Name: value`");
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let body = match (&args.data, &args.data_file) {
        (Some(d), _) => d.clone().into_bytes(),
        (None, Some(f)) => {
            std::fs::read(f).with_context(|| format!("{}: cannot read", f.display()))?
        }
        (None, None) => Vec::new(),
    };
    let url = url::Url::parse(&args.url)
        .with_context(|| format!("{:?} is not an absolute URL", args.url))?;
    let mut request = HttpRequest {
        method: args.method.to_ascii_uppercase(),
        url: url.to_string(),
        headers,
        body,
        cf: None,
    };
    let mut limits = worker.limits(args.plan, args.cpu_ms);
    if let Some(ms) = args.runaway_cpu_ms {
        limits.runaway_cpu_limit_ms = ms;
    }
    let colo = args.colo.to_ascii_uppercase();
    if edgesim_sim::world::colos::built_in(&colo).is_none() {
        bail!(
            "--colo {:?}: not a colo edgesim knows; use an IATA code such as LHR, IAD or SIN",
            args.colo
        );
    }
    arrive(&mut request, &args, &colo)?;
    let options = one_colo::Serve {
        seed: args.seed,
        colo,
        persist_to: args.project.persist_to.clone(),
        declared_origins: Rc::new(declared_origins(&args.origins)?),
        origins: args.network.then(network::answerer),
        ..Default::default()
    };
    let exchange = one_colo::serve(&worker, limits, vec![request], &options)?
        .pop()
        .ok_or(one_colo::OneColoError::NoResponse)?;
    let r = &exchange.response;
    if args.json {
        let out = serde_json::json!({
            "status": r.status,
            "headers": r.headers.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect::<serde_json::Map<_, _>>(),
            "body": String::from_utf8_lossy(&r.body),
            "cpu_ms": exchange.report.cpu_used_ms,
            "cpu_breakdown_ms": exchange.report.cpu.breakdown_ms(),
            "cpu": exchange.report.cpu,
            "outcome": exchange.report.outcome.as_str(),
            "logs": exchange.report.logs,
            "from_assets": exchange.from_assets,
        });
        outln!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        for line in &exchange.report.logs {
            eprintln!("[{} {}] {}", line.at_ms, line.level, line.message);
        }
        out!("HTTP/1.1 {} {}\r\n", r.status, r.status_text);
        for (k, v) in &r.headers {
            out!("{k}: {v}\r\n");
        }
        out!("\r\n");
        use std::io::Write;
        std::io::stdout().write_all(&r.body)?;
        outln!();
    }
    for host in &exchange.undeclared_hosts {
        let advice = format!(
            "declare it with --origin {host}=PATH (a directory to serve, or a Worker), or pass \
             --network to reach the real host"
        );
        eprintln!("warning: {}", origins::undeclared_advice(host, &advice));
    }
    Ok(ExitCode::SUCCESS)
}

/// The client's request as the edge at `colo` hands it to the Worker: Cloudflare's headers and
/// `request.cf`, whose fields `--cf` replaces or adds.
fn arrive(request: &mut HttpRequest, args: &FetchArgs, colo: &str) -> Result<()> {
    let ip = args.ip.map(|ip| ip.to_string());
    let clients = Clients::default();
    let client = clients.client(args.seed, "fetch", colo, ip.as_deref());
    let ray = edgesim_sim::seed::derive(args.seed, "ray/1");
    arrive_at_edge(request, &clients, &client, colo, ray);
    let Some(text) = &args.cf else {
        return Ok(());
    };
    let serde_json::Value::Object(given) =
        serde_json::from_str(text).with_context(|| format!("--cf {text:?}: not JSON"))?
    else {
        bail!("--cf {text:?}: expected a JSON object, e.g. '{{\"country\":\"DE\"}}'");
    };
    let mut cf: serde_json::Map<String, serde_json::Value> = match &request.cf {
        Some(json) => serde_json::from_str(json)?,
        None => Default::default(),
    };
    if let Some(serde_json::Value::String(country)) = given.get("country") {
        for (name, value) in &mut request.headers {
            if name == "cf-ipcountry" {
                value.clone_from(country);
            }
        }
    }
    cf.extend(given);
    request.cf = Some(serde_json::Value::Object(cf).to_string());
    Ok(())
}

/// `--origin HOST=PATH` arguments, PATH relative to the working directory.
fn declared_origins(args: &[String]) -> Result<origins::OriginTable> {
    let mut specs = std::collections::BTreeMap::new();
    for arg in args {
        let Some((host, path)) = arg.split_once('=') else {
            bail!("--origin {arg:?}: expected HOST=PATH, e.g. api.example.com=./origin.js");
        };
        specs.insert(host.to_string(), origins::OriginSpec::for_path(path));
    }
    Ok(origins::OriginTable::load(
        &specs,
        std::path::Path::new(""),
    )?)
}

fn load_scenario(path: &std::path::Path, seed: Option<u64>) -> Result<(LoadedScenario, u64)> {
    let loaded = LoadedScenario::load(path)?;
    let seed = seed.or(loaded.scenario.seed).unwrap_or(0);
    Ok((loaded, seed))
}

fn replay_command(path: &std::path::Path, seed: u64) -> String {
    format!("edgesim run {} --seed {seed}", path.display())
}

fn run(args: RunArgs) -> Result<ExitCode> {
    let (loaded, seed) = load_scenario(&args.scenario, args.seed)?;
    // The report and `--json` read everything; the summary only what the checks need. The
    // trace file is written as the run goes.
    let everything = args.report.is_some() || args.json;
    let options = scenario_run::RunOptions {
        fail_fast: args.fail_fast,
        retention: match everything {
            true => scenario_run::Retention::All,
            false => scenario_run::Retention::Needed,
        },
        trace_to: args.trace.clone(),
    };
    let out = scenario_run::run_with(&loaded, seed, options)?;
    if let Some(path) = &args.report {
        let page = edgesim_sim::report::html(&out)?;
        write_durably(path, page.as_bytes())
            .with_context(|| format!("{}: cannot write the report", path.display()))?;
    }
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&out.to_json())?);
    } else {
        // The Workers' console output, as `wrangler dev` shows it, stamped with simulated time.
        for line in out.trace.console() {
            eprintln!("{line}");
        }
        print_summary(&out)?;
    }
    if out.passed() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "expectations failed; replay with: {}",
            replay_command(&args.scenario, seed)
        );
        Ok(ExitCode::from(1))
    }
}

fn print_summary(out: &RunOutput) -> Result<()> {
    outln!("scenario {} (seed {})", out.scenario, out.seed);
    if let Some(at_ms) = out.stopped_at_ms {
        outln!("stopped at {at_ms}ms by --fail-fast: the first violation of an expectation");
    }
    let tally = &out.tally;
    let statuses: std::collections::BTreeMap<String, usize> = (tally.statuses.iter())
        .map(|(status, n)| (status.map_or("none".to_string(), |s| s.to_string()), *n))
        .collect();
    outln!(
        "requests: {}  statuses: {statuses:?}  cold starts: {}",
        tally.requests,
        out.cold_starts()
    );
    if tally.requests > 0 {
        outln!(
            "cpu per request: mean {:.3} ms, max {:.3} ms",
            tally.cpu_mean_ms(),
            tally.cpu_max_ms
        );
    }
    for (colo, latencies) in &tally.latencies_by_colo {
        let responses: usize = latencies.values().sum();
        let pct = |p| percentile(latencies, responses, p).unwrap_or(0);
        outln!(
            "  {colo}: {responses} responses, latency p50 {} ms, p99 {} ms",
            pct(50),
            pct(99)
        );
    }
    let sockets = &tally.sockets;
    if sockets.sockets > 0 {
        outln!(
            "websockets: {} opened, {} messages sent, {} received, {} dropped without a close",
            sockets.sockets,
            sockets.sent,
            sockets.received,
            sockets.dropped
        );
    }
    for v in &out.verdicts {
        outln!(
            "{} {}: {}",
            if v.ok { "PASS" } else { "FAIL" },
            v.expectation,
            v.detail
        );
    }
    outln!("trace hash {}", out.trace.hash());
    Ok(())
}

fn replay(args: ReplayArgs) -> Result<ExitCode> {
    let (loaded, seed) = load_scenario(&args.scenario, args.seed)?;
    let first = scenario_run::run(&loaded, seed)?.trace.hash();
    let second = scenario_run::run(&loaded, seed)?.trace.hash();
    outln!("run 1: {first}\nrun 2: {second}");
    if first == second {
        outln!("identical: seed {seed} replays byte for byte");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "the two runs differ: this is a determinism bug in edgesim; please report {}",
            replay_command(&args.scenario, seed)
        );
        Ok(ExitCode::from(1))
    }
}

fn shrink(args: ShrinkArgs) -> Result<ExitCode> {
    use edgesim_sim::scenario::shrink::{shrink, to_yaml};
    let loaded = LoadedScenario::load(&args.scenario)?;
    let shrunk = shrink(&loaded, args.seed)?;
    let yaml = to_yaml(&shrunk.scenario)?;
    let kept = shrunk.scenario.scenario.traffic.len();
    match &args.output {
        Some(path) => {
            write_durably(path, yaml.as_bytes())
                .with_context(|| format!("{}: cannot write", path.display()))?;
            eprintln!(
                "shrunk {} requests to {kept} in {} runs; replay with: {}",
                shrunk.requests_before,
                shrunk.runs,
                replay_command(path, args.seed)
            );
        }
        None => {
            out!("{yaml}");
            eprintln!(
                "shrunk {} requests to {kept} in {} runs",
                shrunk.requests_before, shrunk.runs
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
