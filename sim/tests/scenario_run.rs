//! Running shipped scenarios: expectations, determinism, and the JSON summary.

use std::path::Path;

use crate::common;

use edgesim_sim::scenario::run::run;
use edgesim_sim::scenario::{Checker, ExpectSpec, LoadedScenario};

fn hello() -> LoadedScenario {
    LoadedScenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/hello.yaml"))
        .unwrap()
}

#[test]
fn hello_passes_its_expectations_on_its_default_seed() {
    let s = hello();
    let out = run(&s, s.scenario.seed.unwrap()).unwrap();
    assert!(out.passed(), "{:?}", out.verdicts);
    assert_eq!(out.requests.len(), 10);
    assert_eq!(out.cold_starts(), 2);
    let cold: Vec<(&str, u64)> = out
        .requests
        .iter()
        .filter(|r| r.cold_start)
        .map(|r| (&*r.colo, r.at_ms))
        .collect();
    assert_eq!(cold, vec![("LHR", 0), ("SIN", 2000)]);
}

#[test]
fn hello_summary_snapshot() {
    let s = hello();
    let out = run(&s, 42).unwrap();
    // CPU figures and the trace hash move whenever the runtime's own JavaScript changes; they
    // are pinned by the CPU tests and the replay test. The snapshot pins what the Worker did.
    insta::assert_json_snapshot!(out.to_json(), {
        ".requests[].cpu_ms" => "[cpu_ms]",
        ".trace_hash" => "[trace_hash]",
    });
}

#[test]
fn a_planted_violation_fails_with_a_witness() {
    let mut s = hello();
    s.scenario.expect = vec![ExpectSpec::new(Checker::StatusIn(vec![404])).labelled("first")];
    let out = run(&s, 1).unwrap();
    assert!(!out.passed());
    assert_eq!(
        out.verdicts[0].detail,
        "1 of 1 request(s) violate it, e.g. [\"GET https://app.example.com/?name=London at 0ms from LHR -> 200\"]; \
         first violated at 2ms by GET https://app.example.com/?name=London at 0ms from LHR -> 200"
    );
}

#[test]
fn two_hundred_seeds_each_replay_identically_and_differ_from_each_other() {
    let s = hello();
    let mut hashes = std::collections::BTreeSet::new();
    for seed in 0..200 {
        let a = run(&s, seed).unwrap().trace.hash();
        let b = run(&s, seed).unwrap().trace.hash();
        assert_eq!(a, b, "seed {seed} did not replay");
        hashes.insert(a);
    }
    assert_eq!(
        hashes.len(),
        200,
        "different seeds must give different traces"
    );
}

#[test]
fn a_broken_worker_is_a_startup_error_not_a_panic() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("edgesim-broken");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("wrangler.toml"), "main = 'w.js'\n").unwrap();
    std::fs::write(dir.join("w.js"), "export default { fetch( {\n").unwrap();
    let text = format!(
        "name: b\nworkers:\n  app: {}\ntraffic:\n  - {{ at: 0s, colo: LHR, worker: app, url: / }}\n",
        dir.join("wrangler.toml").display()
    );
    let s = LoadedScenario::parse("b.yaml", &text, ".".into()).unwrap();
    let e = run(&s, 0).unwrap_err().to_string();
    assert!(
        e.starts_with("worker \"app\" failed to start: w.js:2:1: SyntaxError"),
        "{e}"
    );
}

#[test]
fn cpu_ms_max_catches_a_planted_violation_naming_the_requests() {
    let mut s = hello();
    s.scenario.expect = vec![ExpectSpec::new(Checker::CpuMsMax(0.001))];
    let out = run(&s, 1).unwrap();
    assert!(!out.passed());
    let detail = &out.verdicts[0].detail;
    assert!(detail.starts_with("10 of 10 request(s) violate it, e.g. [\"GET https://app.example.com/?name=London at 0ms from LHR -> 200 used "), "{detail}");
}

#[test]
fn latency_p99_max_catches_a_planted_violation() {
    let mut s = hello();
    // The two cold starts take a few milliseconds each; warm requests answer in 0 ms.
    s.scenario.expect = vec![ExpectSpec::new(Checker::LatencyP99Max(
        edgesim_sim::scenario::Duration::from_ms(1),
    ))];
    let out = run(&s, 1).unwrap();
    assert!(!out.passed());
    assert!(
        out.verdicts[0].detail.starts_with("p99 latency "),
        "{}",
        out.verdicts[0].detail
    );
    s.scenario.expect[0].checker =
        Checker::LatencyP99Max(edgesim_sim::scenario::Duration::from_ms(10));
    assert!(run(&s, 1).unwrap().passed());
}

#[test]
fn cold_starts_max_catches_a_planted_violation() {
    let mut s = hello();
    s.scenario.expect = vec![ExpectSpec::new(Checker::ColdStartsMax(1))];
    let out = run(&s, 1).unwrap();
    assert!(!out.passed());
    assert_eq!(
        out.verdicts[0].detail,
        "2 cold start(s); first violated at 2000ms by cold start 2 (app at SIN)"
    );
}

/// `app: { config: …, env: staging }` runs the config's `[env.staging]`, as `wrangler dev
/// --env staging` would; an environment the config lacks is an error naming it.
#[test]
fn a_worker_runs_in_the_environment_its_scenario_names() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("edgesim-scenario-env");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("wrangler.toml"),
        "name = 'app'\nmain = 'w.js'\n[vars]\nSTAGE = 'top'\n[env.staging.vars]\nSTAGE = 'staging'\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("w.js"),
        "export default { fetch(req, env) { return new Response(env.STAGE); } };",
    )
    .unwrap();
    let scenario = |env: &str| {
        let text = format!(
            "name: e\nworkers:\n  app: {{ config: {}, env: {env} }}\ntraffic:\n  - {{ at: 0s, colo: LHR, worker: app, url: / }}\n",
            dir.join("wrangler.toml").display()
        );
        LoadedScenario::parse("e.yaml", &text, ".".into()).unwrap()
    };
    let out = run(&scenario("staging"), 1).unwrap();
    assert_eq!(out.requests[0].body, "staging");
    let e = run(&scenario("prod"), 1).unwrap_err().to_string();
    assert!(e.contains("no environment named \"prod\""), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A run lasts its `duration` even after the last response: the queue batch that waits out
/// `max_batch_timeout` (2 s) after a single request at 0 s is still delivered.
#[test]
fn a_run_continues_to_its_duration_after_the_last_response() {
    let config =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/workers/queue-app/wrangler.toml");
    let text = format!(
        "name: q\nduration: 10s\ncolos: [LHR]\nworkers:\n  app: {}\ntraffic:\n  - {{ at: 0s, colo: LHR, worker: app, method: POST, url: /jobs/late }}\n",
        config.display()
    );
    let s = LoadedScenario::parse("q.yaml", &text, ".".into()).unwrap();
    let out = run(&s, 1).unwrap();
    let batches: Vec<(u64, String)> = out
        .trace
        .events
        .iter()
        .filter_map(|e| match e {
            edgesim_sim::trace::TraceEvent::QueueBatch { at_ms, queue, .. } => {
                Some((*at_ms, queue.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(batches.len(), 1, "{batches:?}");
    assert_eq!(batches[0].1, "jobs");
    assert!(batches[0].0 >= 2_000, "{batches:?}");
}

/// What Workers log reaches the run's console output with its simulated time, colo and Worker
/// (fetch and cron handlers alike).
#[test]
fn worker_console_output_is_shown_with_time_colo_and_worker() {
    let s = common::scenario_with_worker(
        "console",
        &[
            (
                "wrangler.toml",
                "name = 'w'\nmain = 'w.js'\n[triggers]\ncrons = ['* * * * *']\n",
            ),
            (
                "w.js",
                "export default {
                   fetch(req) { console.log('hit', new URL(req.url).pathname); return new Response('ok'); },
                   scheduled(e) { console.warn('cron', e.cron); },
                 };",
            ),
        ],
        "duration: 70s\ncolos: [LHR]\ntraffic:\n  - { at: 1s, colo: LHR, worker: app, url: /a }\n",
    );
    let out = run(&s, 1).unwrap();
    let lines: Vec<String> = out.trace.console().iter().map(|l| l.to_string()).collect();
    assert_eq!(
        lines,
        [
            "[1.002s LHR app] log: hit /a",
            "[60.000s LHR app] warn: cron * * * * *"
        ]
    );
    assert_eq!(out.to_json()["console"][0]["message"], "hit /a");
}
