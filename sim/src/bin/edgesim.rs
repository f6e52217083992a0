//! The edgesim command line. Exit codes: 0 ok, 1 an expectation failed, 2 bad input or usage.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use edgesim_runtime::{HttpRequest, Plan};
use edgesim_sim::single;

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
}

#[derive(clap::Args)]
struct FetchArgs {
    /// A wrangler.toml/json/jsonc, a directory holding one, or a Worker script.
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
    /// Print one JSON object instead of the HTTP response.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Fetch(args) => fetch(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn fetch(args: FetchArgs) -> Result<ExitCode> {
    let worker = single::load(&args.worker)?;
    for warning in worker.config.warnings() {
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
    let request = HttpRequest {
        method: args.method.to_ascii_uppercase(),
        url: url.to_string(),
        headers,
        body,
    };
    let mut limits = worker.limits(args.plan, args.cpu_ms);
    if let Some(ms) = args.runaway_cpu_ms {
        limits.runaway_cpu_ms = ms;
    }
    let exchange = single::fetch_once(&worker, limits, request, args.seed)?;
    let r = &exchange.response;
    if args.json {
        let out = serde_json::json!({
            "status": r.status,
            "headers": r.headers.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect::<serde_json::Map<_, _>>(),
            "body": String::from_utf8_lossy(&r.body),
            "cpu_ms": exchange.report.cpu_ms,
            "cpu": exchange.report.cpu,
            "outcome": exchange.report.outcome.as_str(),
            "logs": exchange.report.logs,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        for line in &exchange.report.logs {
            eprintln!("[{} {}] {}", line.at_ms, line.level, line.message);
        }
        print!("HTTP/1.1 {} {}\r\n", r.status, r.status_text);
        for (k, v) in &r.headers {
            print!("{k}: {v}\r\n");
        }
        print!("\r\n");
        use std::io::Write;
        std::io::stdout().write_all(&r.body)?;
        println!();
    }
    Ok(ExitCode::SUCCESS)
}
