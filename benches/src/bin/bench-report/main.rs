//! Writes reports/bench.md from criterion's estimates (target/criterion/*/new/estimates.json),
//! beside the figures recorded for miniflare + workerd on the same kind of machine
//! (conformance/reference/workerd/results/bench.json):
//!     cargo bench -p edgesim-benches && cargo run -p edgesim-benches --bin bench-report

mod side_by_side;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

struct Row {
    /// The criterion benchmark id.
    id: &'static str,
    what: &'static str,
    /// The workerd figure it is compared with: (key in bench.json, what that figure measures).
    workerd: Option<(&'static str, &'static str)>,
}

const ROWS: &[Row] = &[
    Row {
        id: "cold_start_20_line_module",
        what: "cold start: fresh isolate + evaluate a 20-line module (teardown measured apart)",
        workerd: None,
    },
    Row {
        id: "cold_start_then_first_request",
        what: "cold start + its first hello-world request",
        workerd: Some((
            "coldStart_toFirstResponse_ms",
            "miniflare+workerd process start to first response",
        )),
    },
    Row {
        id: "isolate_teardown",
        what: "tearing down a started isolate (on eviction, off the request path)",
        workerd: None,
    },
    Row {
        id: "warm_request_hello_world",
        what: "warm request: hello-world fetch round trip in process",
        workerd: Some((
            "roundTrip_dispatchFetch_ms",
            "miniflare dispatchFetch round trip",
        )),
    },
    Row {
        id: "scenario_hello_one_seed",
        what: "scenarios/hello.yaml, one seed (10 requests, 2 cold starts)",
        workerd: None,
    },
    Row {
        id: "scenario_do_counter_one_seed",
        what: "scenarios/do-counter.yaml, one seed (319 requests through a Durable Object, a crash, a failed write, checked for linearizability)",
        workerd: None,
    },
    Row {
        id: "scenario_workflow_crash_one_seed",
        what: "scenarios/workflow-crash.yaml, one seed (4 Workflow instances through a colo crash: 11 runs, 3 lost and replayed, 12 steps in 15 attempts checked to run once)",
        workerd: None,
    },
    Row {
        id: "scenario_tcp_sockets_one_seed",
        what: "scenarios/tcp-sockets.yaml, one seed (13 requests at three colos, 12 TCP connections to scripted servers, 5 of them through Hyperdrive, one refused)",
        workerd: None,
    },
    Row {
        id: "scenario_burst_2000_kv_reads_one_seed",
        what: "benches/scenarios/burst-2000.yaml, one seed (2,000 requests in flight at once in one isolate, each reading KV)",
        workerd: None,
    },
    Row {
        id: "linearizability_register_100000_operations",
        what: "linearizability check of a 100,000-operation register history (distinct writes) on one object (from its trace)",
        workerd: None,
    },
    Row {
        id: "linearizability_counter_100000_operations",
        what: "linearizability check of a 100,000-operation counter history on one object (from its trace; issue 20's target: ≤ 2 s)",
        workerd: None,
    },
    Row {
        id: SIM_THROUGHPUT_ID,
        what: "scenarios/kv-five-colos.yaml, one seed (6,021 requests over 601 simulated seconds from five colos, KV staleness checked)",
        workerd: None,
    },
    Row {
        id: "web_sha256_1_mib",
        what: "crypto.subtle.digest SHA-256 of 1 MiB, as one warm fetch",
        workerd: None,
    },
    Row {
        id: "web_json_parse_stringify_1_mib",
        what: "JSON.parse + JSON.stringify of a 1 MiB document, as one warm fetch",
        workerd: None,
    },
    Row {
        id: "web_stream_10_mib_transform",
        what: "10 MiB streamed through a TransformStream in 64 KiB chunks, as one warm fetch",
        workerd: None,
    },
    Row {
        id: "node_buffer_from_base64_1_mib",
        what: "nodejs_compat: Buffer.from(string, \"base64\") of 1 MiB, as one warm fetch",
        workerd: None,
    },
    Row {
        id: "node_buffer_to_hex_1_mib",
        what: "nodejs_compat: buf.toString(\"hex\") of 1 MiB, as one warm fetch",
        workerd: None,
    },
    Row {
        id: "node_create_hash_sha256_1_mib",
        what: "nodejs_compat: createHash(\"sha256\").update(1 MiB).digest(\"hex\"), as one warm fetch",
        workerd: None,
    },
    Row {
        id: "node_als_run_1000_awaited_reads",
        what: "nodejs_compat: AsyncLocalStorage run + 1 000 awaits each reading the store, as one warm fetch",
        workerd: None,
    },
    Row {
        id: "node_http_server_request",
        what: "nodejs_compat: a request answered by a node:http server behind httpServerHandler (IncomingMessage, ServerResponse, streamed body), as one warm fetch",
        workerd: None,
    },
    Row {
        id: "wasm_instantiate_small_module",
        what: "WebAssembly: new WebAssembly.Instance of a one-function module, as one warm fetch",
        workerd: None,
    },
    Row {
        id: "wasm_integer_loop_1m_rounds",
        what: "WebAssembly (wasmi): an integer loop of 10^6 rounds, as one warm fetch",
        workerd: None,
    },
    Row {
        id: "js_integer_loop_1m_rounds",
        what: "the same loop in JavaScript (QuickJS), as one warm fetch",
        workerd: None,
    },
    Row {
        id: "test_runner_c3_hello_world_file",
        what: "edgesim test: the create-cloudflare hello-world test file (2 tests), one fresh simulation",
        workerd: None,
    },
    Row {
        id: "test_runner_notes_app_suite",
        what: "edgesim test: examples/notes-app, 5 files and 10 tests (D1, a Durable Object, KV at two colos), one simulation each",
        workerd: None,
    },
    Row {
        id: "intl_number_format_construct_and_format",
        what: "Intl: new NumberFormat(\"de-DE\", EUR currency) + format, as one warm fetch",
        workerd: None,
    },
    Row {
        id: "intl_date_time_format_construct_and_format",
        what: "Intl: new DateTimeFormat(\"ja-JP\", full date, short time, Asia/Tokyo) + format, as one warm fetch",
        workerd: None,
    },
    Row {
        id: "intl_number_to_locale_string",
        what: "Intl: (1234567.891).toLocaleString(), its formatter kept, as one warm fetch",
        workerd: None,
    },
    Row {
        id: "kv_put_get_via_binding",
        what: "KV put + get through env.KV, as one warm fetch (local store)",
        workerd: None,
    },
    Row {
        id: "r2_put_get_1_mib_via_binding",
        what: "R2 put + get of 1 MiB through env.BUCKET, as one warm fetch",
        workerd: None,
    },
    Row {
        id: "d1_insert_via_binding",
        what: "D1 INSERT through env.DB, as one warm fetch",
        workerd: None,
    },
    Row {
        id: "d1_indexed_select_via_binding",
        what: "D1 indexed SELECT ... first() through env.DB, as one warm fetch",
        workerd: None,
    },
    Row {
        id: "do_rpc_round_trip",
        what: "Durable Object: RPC call delivered to a started object and answered",
        workerd: None,
    },
    Row {
        id: "do_storage_get_put",
        what: "Durable Object: RPC doing ctx.storage get + put (read-modify-write)",
        workerd: None,
    },
    Row {
        id: "do_sql_insert",
        what: "Durable Object: RPC doing one SQL INSERT",
        workerd: None,
    },
    Row {
        id: "do_sql_indexed_select",
        what: "Durable Object: RPC doing one indexed SQL SELECT",
        workerd: None,
    },
];

/// Runs kept in reports/bench-history.json.
const HISTORY_RUNS: usize = 10;
/// The benchmarks the history table and chart follow.
/// The simulator throughput benchmark, and what one of its runs simulates.
const SIM_THROUGHPUT_ID: &str = "scenario_kv_five_colos_one_seed";
const SIM_THROUGHPUT_REQUESTS: f64 = 6021.0;
const SIM_THROUGHPUT_SIMULATED_S: f64 = 601.0;
/// Trace events one run records (4 per request, 5 cold starts, 3 verdicts; the same for every
/// seed): `edgesim run scenarios/kv-five-colos.yaml --trace FILE`.
const SIM_THROUGHPUT_EVENTS: f64 = 24_092.0;
/// The whole-scenario benchmarks, for seeds per second.
const SEED_BENCHMARKS: [(&str, &str); 5] = [
    ("scenario_hello_one_seed", "hello"),
    ("scenario_do_counter_one_seed", "do-counter"),
    ("scenario_workflow_crash_one_seed", "workflow-crash"),
    ("scenario_tcp_sockets_one_seed", "tcp-sockets"),
    (SIM_THROUGHPUT_ID, "kv-five-colos"),
];

/// Issue 6's throughput figures from one run's median: simulated requests per wall second and
/// simulated time per wall time.
fn throughput_section(median_ns: impl Fn(&str) -> Option<f64>) -> String {
    let Some(ns) = median_ns(SIM_THROUGHPUT_ID) else {
        return String::new();
    };
    let wall_s = ns / 1e9;
    let mut out = format!(
        "\n## Simulator throughput\n\nFrom the kv-five-colos row (one core): **{:.0} simulated \
         requests per wall second**, {:.0} trace events per wall second, and **{:.0}× real \
         time** for 10 simulated minutes of 10 requests a second.\n\nSeeds per second on one core:",
        SIM_THROUGHPUT_REQUESTS / wall_s,
        SIM_THROUGHPUT_EVENTS / wall_s,
        SIM_THROUGHPUT_SIMULATED_S / wall_s
    );
    for (id, name) in SEED_BENCHMARKS {
        if let Some(ns) = median_ns(id) {
            out.push_str(&format!(" {name} {:.1}", 1e9 / ns));
        }
    }
    out.push_str(" (`edgesim sweep` runs seeds on every core).\n");
    out
}

const HEADLINES: [(&str, &str); 4] = [
    ("cold_start_20_line_module", "cold start"),
    ("warm_request_hello_world", "warm request"),
    ("scenario_do_counter_one_seed", "do-counter seed"),
    ("web_stream_10_mib_transform", "10 MiB stream"),
];

/// One benchmark run: which commit, and each benchmark's median (ns).
#[derive(serde::Serialize, serde::Deserialize)]
struct Run {
    commit: String,
    medians_ns: BTreeMap<String, f64>,
}

/// Appends this run to reports/bench-history.json, keeping the last [`HISTORY_RUNS`].
fn record_history(medians: BTreeMap<String, f64>) -> Result<Vec<Run>, String> {
    let path = root().join("reports/bench-history.json");
    let mut runs: Vec<Run> = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(root())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map_or_else(
            || "local".to_string(),
            |o| String::from_utf8_lossy(&o.stdout).trim().to_string(),
        );
    runs.push(Run {
        commit,
        medians_ns: medians,
    });
    let excess = runs.len().saturating_sub(HISTORY_RUNS);
    runs.drain(..excess);
    let text = serde_json::to_string_pretty(&runs).map_err(|e| e.to_string())?;
    std::fs::write(&path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(runs)
}

fn history_section(runs: &[Run]) -> String {
    let mut out = format!(
        "\n## History\n\nThe headline medians over the last {} runs, oldest first \
         (reports/bench-history.json keeps them; the chart shows each relative to its first \
         run):\n\n![history](bench-history.svg)\n\n| commit |",
        runs.len()
    );
    for (_, label) in HEADLINES {
        out.push_str(&format!(" {label} |"));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(HEADLINES.len()));
    out.push('\n');
    for run in runs {
        out.push_str(&format!("| {} |", run.commit));
        for (id, _) in HEADLINES {
            let cell = run
                .medians_ns
                .get(id)
                .map_or(String::new(), |ns| human(*ns));
            out.push_str(&format!(" {cell} |"));
        }
        out.push('\n');
    }
    out
}

/// Each headline median over the runs, divided by its value in the first run that has it.
fn history_chart(runs: &[Run]) -> Result<String, String> {
    use plotters::prelude::*;
    let colors = [
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(148, 103, 189),
    ];
    let series: Vec<(&str, Vec<(f64, f64)>)> = HEADLINES
        .iter()
        .map(|(id, label)| {
            let base = runs.iter().find_map(|r| r.medians_ns.get(*id).copied());
            let points = runs
                .iter()
                .enumerate()
                .filter_map(|(i, r)| Some((i as f64, r.medians_ns.get(*id)? / base?)))
                .collect();
            (*label, points)
        })
        .collect();
    let y_max = series
        .iter()
        .flat_map(|(_, p)| p.iter().map(|(_, y)| *y))
        .fold(1.5f64, f64::max)
        * 1.1;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (800, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(50)
            .build_cartesian_2d(-0.2f64..(runs.len().max(2) - 1) as f64 + 0.2, 0f64..y_max)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("run (oldest → newest)")
            .y_desc("median ÷ first")
            .draw()
            .map_err(|e| e.to_string())?;
        for (i, (label, points)) in series.into_iter().enumerate() {
            let color = colors[i % colors.len()];
            chart
                .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
                .map_err(|e| e.to_string())?
                .label(label)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color));
            chart
                .draw_series(
                    points
                        .into_iter()
                        .map(|p| Circle::new(p, 3, color.filled())),
                )
                .map_err(|e| e.to_string())?;
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK.mix(0.3))
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg + "\n")
}

fn root() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    dir.parent().map(Path::to_path_buf).unwrap_or(dir)
}

fn median_ns(id: &str) -> Option<f64> {
    let path = root()
        .join("target/criterion")
        .join(id)
        .join("new/estimates.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    v["median"]["point_estimate"].as_f64()
}

fn workerd_ms(key: &str) -> Option<f64> {
    let path = root().join("conformance/reference/workerd/results/bench.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    v["trivial"][key]["median"].as_f64()
}

fn human(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.1} µs", ns / 1e3)
    }
}

fn main() -> ExitCode {
    let mut out = String::from(
        "# Benchmarks\n\nGenerated by `cargo run -p edgesim-benches --bin bench-report` from the last\n\
         `cargo bench -p edgesim-benches` run (criterion medians; CI uses a short profile, so expect\n\
         more noise there). The workerd column is miniflare 4.20260426.0 + workerd 1.20260426.1 on the\n\
         same kind of 2-core machine (conformance/reference/workerd/results/bench.json).\n\n\
         | benchmark | edgesim median | workerd | workerd ÷ edgesim |\n|---|---|---|---|\n",
    );
    let mut found = 0;
    for Row {
        id,
        what,
        workerd: reference,
    } in ROWS
    {
        let Some(ns) = median_ns(id) else {
            out.push_str(&format!("| {what} | not measured | | |\n"));
            continue;
        };
        found += 1;
        let (theirs, ratio) =
            match reference.and_then(|(key, label)| workerd_ms(key).map(|ms| (ms, label))) {
                Some((ms, label)) => (
                    format!("{ms} ms ({label})"),
                    format!("{:.0}×", ms * 1e6 / ns),
                ),
                None => (String::new(), String::new()),
            };
        out.push_str(&format!(
            "| {what} | {} | {theirs} | {ratio} |\n",
            human(ns)
        ));
    }
    if found == 0 {
        eprintln!(
            "error: no criterion results under target/criterion: run `cargo bench -p edgesim-benches` first"
        );
        return ExitCode::from(2);
    }
    let medians: BTreeMap<String, f64> = ROWS
        .iter()
        .filter_map(|r| median_ns(r.id).map(|ns| (r.id.to_string(), ns)))
        .collect();
    let history = match record_history(medians) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    out.push_str(&throughput_section(median_ns));
    out.push_str(&side_by_side::section(
        &root().join("reports/workerd-side-by-side.json"),
        median_ns("warm_request_hello_world"),
        median_ns("cold_start_then_first_request"),
    ));
    out.push_str(&history_section(&history));
    match history_chart(&history) {
        Ok(svg) => {
            let svg_path = root().join("reports/bench-history.svg");
            if let Err(e) = std::fs::write(&svg_path, svg) {
                eprintln!("error: {}: {e}", svg_path.display());
                return ExitCode::from(2);
            }
        }
        Err(e) => {
            eprintln!("error: cannot draw the history chart: {e}");
            return ExitCode::from(2);
        }
    }
    let path = root().join("reports/bench.md");
    if let Err(e) = std::fs::write(&path, out) {
        eprintln!("error: {}: {e}", path.display());
        return ExitCode::from(2);
    }
    println!("wrote {}", path.display());
    ExitCode::SUCCESS
}
