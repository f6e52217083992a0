//! Isolates per (colo, Worker): cold on first use, warm after, cold again after eviction.

use std::path::{Path, PathBuf};

use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::run;
use edgesim_sim::trace::{DiscardReason, TraceEvent};

fn scenario(platform: &str) -> LoadedScenario {
    let worker =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/workers/hello/wrangler.toml");
    let text = format!(
        "name: i\nduration: 2m\n{platform}workers:\n  app: {}\ntraffic:\n{}",
        worker.display(),
        ["0s", "10s", "40s", "45s"]
            .iter()
            .map(|at| format!("  - {{ at: {at}, colo: LHR, worker: app, url: / }}\n"))
            .collect::<String>()
    );
    LoadedScenario::parse("i.yaml", &text, PathBuf::from(".")).unwrap()
}

fn cold(out: &edgesim_sim::scenario::run::RunOutput) -> Vec<u64> {
    out.requests
        .iter()
        .filter(|r| r.cold_start)
        .map(|r| r.at_ms)
        .collect()
}

#[test]
fn an_isolate_serves_later_requests_warm_when_nothing_evicts_it() {
    let out = run(&scenario(""), 1).unwrap();
    assert_eq!(cold(&out), vec![0]);
}

#[test]
fn an_isolate_idle_past_the_timeout_is_evicted_and_the_next_request_starts_cold() {
    let out = run(&scenario("platform: { isolate_idle_timeout: 20s }\n"), 1).unwrap();
    assert_eq!(cold(&out), vec![0, 40_000]);
    let evictions: Vec<(u64, DiscardReason)> = out
        .trace
        .events
        .iter()
        .filter_map(|e| match e {
            TraceEvent::IsolateDiscarded { at_ms, reason, .. } => Some((*at_ms, *reason)),
            _ => None,
        })
        .collect();
    assert_eq!(evictions, vec![(40_000, DiscardReason::Idle)]);
    let latency = |at| {
        out.requests
            .iter()
            .find(|r| r.at_ms == at)
            .and_then(|r| r.latency_ms)
    };
    assert!(latency(40_000) > latency(45_000), "a cold start costs time");
}

#[test]
fn a_burst_is_served_concurrently_by_one_isolate_sharing_its_globals() {
    let out = burst(
        "burst",
        "let served = 0;\nexport default { async fetch() { const n = ++served; await scheduler.wait(100); return new Response(String(n)); } };",
        5,
    );
    let mut bodies: Vec<&str> = out.requests.iter().map(|r| r.body.as_str()).collect();
    bodies.sort_unstable();
    assert_eq!(
        bodies,
        vec!["1", "2", "3", "4", "5"],
        "one isolate, one module-level counter"
    );
    assert_eq!(out.cold_starts(), 1);
    // All five waited their 100 ms at the same time: none waited for another to finish.
    assert!(
        out.requests
            .iter()
            .all(|r| (100..110).contains(&r.latency_ms.unwrap())),
        "{:?}",
        out.requests
            .iter()
            .map(|r| r.latency_ms)
            .collect::<Vec<_>>()
    );
}

/// Three Workers take turns at one colo that holds two warm isolates (`max`), or any number.
fn three_workers(max: Option<usize>) -> edgesim_sim::scenario::run::RunOutput {
    let worker =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/workers/hello/wrangler.toml");
    let platform = max.map_or(String::new(), |n| {
        format!("platform: {{ isolates_per_colo_max: {n} }}\n")
    });
    let mut text = format!("name: m\nduration: 1m\n{platform}workers:\n");
    for w in ["a", "b", "c"] {
        text.push_str(&format!("  {w}: {}\n", worker.display()));
    }
    text.push_str("traffic:\n");
    for (at, w) in [
        ("0s", "a"),
        ("1s", "b"),
        ("2s", "a"),
        ("3s", "c"),
        ("4s", "b"),
        ("5s", "a"),
    ] {
        text.push_str(&format!(
            "  - {{ at: {at}, colo: LHR, worker: {w}, url: / }}\n"
        ));
    }
    let s = LoadedScenario::parse("m.yaml", &text, PathBuf::from(".")).unwrap();
    run(&s, 1).unwrap()
}

#[test]
fn a_colo_under_memory_pressure_evicts_its_least_recently_used_isolate() {
    assert_eq!(cold(&three_workers(None)), vec![0, 1_000, 3_000]);
    let out = three_workers(Some(2));
    // c's start evicts b (a was used more recently); b's return evicts a; a's return evicts c.
    assert_eq!(cold(&out), vec![0, 1_000, 3_000, 4_000, 5_000]);
    let evicted: Vec<(u64, &str)> = out
        .trace
        .events
        .iter()
        .filter_map(|e| match e {
            TraceEvent::IsolateDiscarded {
                at_ms,
                worker,
                reason,
                ..
            } if *reason == DiscardReason::MemoryPressure => Some((*at_ms, worker.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(evicted, vec![(3_000, "b"), (4_000, "a"), (5_000, "c")]);
}

/// Two requests a second apart over new connections that each pay a 30 ms TLS handshake.
fn with_tls(prewarm: bool) -> edgesim_sim::scenario::run::RunOutput {
    let platform = format!("platform: {{ tls: {{ handshake: 30ms, prewarm: {prewarm} }} }}\n");
    let worker =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/workers/hello/wrangler.toml");
    let text = format!(
        "name: t\nduration: 5s\n{platform}workers:\n  app: {}\ntraffic:\n\
         \x20 - {{ at: 0s, colo: LHR, worker: app, url: / }}\n\
         \x20 - {{ at: 1s, colo: LHR, worker: app, url: / }}\n",
        worker.display()
    );
    let s = LoadedScenario::parse("t.yaml", &text, PathBuf::from(".")).unwrap();
    run(&s, 1).unwrap()
}

#[test]
fn tls_prewarm_hides_a_cold_start_shorter_than_the_handshake() {
    let latency = |out: &edgesim_sim::scenario::run::RunOutput| -> Vec<u64> {
        out.requests.iter().filter_map(|r| r.latency_ms).collect()
    };
    let hidden = with_tls(true);
    let paid = with_tls(false);
    assert_eq!(cold(&hidden), vec![0]);
    assert_eq!(cold(&paid), vec![0]);
    let (hidden, paid) = (latency(&hidden), latency(&paid));
    // Warm: the handshake plus the request itself, the same either way.
    assert_eq!(hidden[1], paid[1]);
    assert!(hidden[1] >= 30, "{hidden:?}");
    // Cold: started with the handshake, the isolate is ready when the request arrives; only a
    // fresh isolate's slower first run of the handler (≤ 1 ms here) remains.
    assert!(hidden[0] <= hidden[1] + 1, "{hidden:?}");
    // Without pre-warm the request waits for the engine start (2 ms) and startup on top.
    assert!(paid[0] >= hidden[0] + 2, "hidden {hidden:?}, paid {paid:?}");
}

#[test]
fn in_a_burst_only_the_requests_that_can_never_answer_end_in_1101() {
    // 300 requests at once in one isolate: every third waits on a promise nothing settles,
    // the rest on a timer. Each stalled one ends as soon as nothing can wake it, while the
    // others are still in flight, and no answering one is disturbed.
    let out = burst(
        "burst-stall",
        "let served = 0;\nexport default { async fetch() { const n = served++; if (n % 3 === 0) await new Promise(() => {}); await scheduler.wait(50 + (n % 7)); return new Response(`answered ${n}`); } };",
        300,
    );
    let stalled: Vec<_> = (out.requests.iter())
        .filter(|r| r.status == Some(500))
        .collect();
    assert_eq!(stalled.len(), 100);
    // Ended at once, before any timer of the others fired.
    assert!(
        stalled.iter().all(|r| r.latency_ms.unwrap() < 50),
        "{stalled:?}"
    );
    assert!(stalled.iter().all(|r| r.outcome == Some("exception")));
    let answered = (out.requests.iter()).filter(|r| r.body.starts_with("answered "));
    assert_eq!(answered.count(), 200);
}

/// `count` requests at once at LHR to the one-file Worker `script`, run from seed 1.
fn burst(name: &str, script: &str, count: u32) -> edgesim_sim::scenario::run::RunOutput {
    let dir = std::env::temp_dir().join(format!("edgesim-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("wrangler.toml"), "main = 'w.js'\n").unwrap();
    std::fs::write(dir.join("w.js"), script).unwrap();
    let text = format!(
        "name: b\nworkers:\n  app: {}\ntraffic:\n  - {{ at: 1s, count: {count}, colo: LHR, worker: app, url: / }}\n",
        dir.join("wrangler.toml").display()
    );
    let out = run(
        &LoadedScenario::parse("b.yaml", &text, PathBuf::from(".")).unwrap(),
        1,
    )
    .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    out
}
