//! The side-by-side section: real workerd measured on the same machine in the same CI run
//! (benches/workerd/side-by-side.mjs writes reports/workerd-side-by-side.json), next to
//! edgesim's own figures.

use std::path::Path;

/// A measurement from side-by-side.mjs: its median, in ms.
fn median_ms(v: &serde_json::Value, key: &str) -> Option<f64> {
    v[key]["median"].as_f64()
}

fn ratio(theirs_ms: f64, ours_ms: f64) -> String {
    let r = theirs_ms / ours_ms;
    match r {
        r if !r.is_finite() => String::new(),
        r if r < 10.0 => format!("{r:.1}×"),
        r => format!("{r:.0}×"),
    }
}

/// `warm_ns` / `cold_ns`: edgesim's criterion medians for the warm request and for a cold start
/// with its first request, when this run measured them.
pub fn section(path: &Path, warm_ns: Option<f64>, cold_ns: Option<f64>) -> String {
    let mut out = String::from("\n## Side by side with workerd on this machine\n\n");
    let file = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok());
    let Some(v) = file else {
        out.push_str(
            "Not measured: reports/workerd-side-by-side.json is missing (CI writes it with \
             `node benches/workerd/side-by-side.mjs target/release/edgesim` after `npm ci` in \
             benches/workerd).\n",
        );
        return out;
    };
    let version = v["workerd"].as_str().unwrap_or("?");
    let measured = v["measured"].as_str().unwrap_or("?");
    out.push_str(&format!(
        "workerd {version} from the npm registry, serving benches/workerd/hello.mjs, measured by \
         benches/workerd/side-by-side.mjs on this machine at {measured}, just before the \
         benchmarks above (reports/workerd-side-by-side.json has every figure).\n\n\
         | measure | edgesim | workerd | workerd ÷ edgesim |\n|---|---|---|---|\n"
    ));
    let spawn = median_ms(&v, "workerd_spawn_to_first_response_ms");
    if let (Some(ours), Some(theirs)) = (median_ms(&v, "edgesim_fetch_spawn_to_exit_ms"), spawn) {
        out.push_str(&format!(
            "| process start to first response, hello world | {ours:.1} ms (`edgesim fetch`, spawn \
             to exit) | {theirs:.1} ms (`workerd serve`, spawn to first loopback response) | {} |\n",
            ratio(theirs, ours)
        ));
    }
    if let (Some(ns), Some(theirs)) = (cold_ns, spawn) {
        let ours = ns / 1e6;
        out.push_str(&format!(
            "| a Worker's cold start | {ours:.2} ms (fresh isolate, module and first request, in process) | \
             {theirs:.1} ms (process spawn to first response) | {} |\n",
            ratio(theirs, ours)
        ));
    }
    if let (Some(ns), Some(theirs)) = (warm_ns, median_ms(&v, "workerd_loopback_round_trip_ms")) {
        let ours = ns / 1e6;
        out.push_str(&format!(
            "| warm hello-world request | {:.1} µs (in process) | {theirs:.3} ms (HTTP over \
             loopback from Node's fetch) | {} |\n",
            ns / 1e3,
            ratio(theirs, ours)
        ));
    }
    out.push_str(
        "\nThe rows measure different things on purpose: edgesim runs Workers inside a \
         simulation, with no process or socket per request, so its in-process figures are what \
         a test or a seed sweep pays; workerd's include the process and the network stack a \
         real client pays.\n",
    );
    out
}
