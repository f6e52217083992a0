//! `platform.network`: jitter on every message's latency and a chance of losing it, drawn per
//! message from the seed — so a noisy run still replays byte for byte.

use crate::common;

use std::path::Path;

use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::{RunOutput, run};
use edgesim_sim::trace::TraceEvent;

/// Singapore reads a missing key every 500 ms for 20 s; colo caches keep what they read for
/// 1 s, so every other read crosses to the central store in London and back.
fn noisy(network: &str) -> LoadedScenario {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let yaml = format!(
        "name: noise\nworkers:\n  app: workers/kv-app/wrangler.toml\nduration: 25s\n\
         colos: [LHR, SIN]\n\
         platform: {{ kv: {{ central: LHR, cache_ttl_default: 1s }}, network: {network} }}\n\
         traffic:\n  - {{ every: 500ms, from: 0s, until: 20s, colo: SIN, worker: app, url: /kv/missing }}\n"
    );
    LoadedScenario::parse("noise.yaml", &yaml, dir).unwrap_or_else(|e| panic!("{e}"))
}

fn statuses(out: &RunOutput) -> Vec<Option<u16>> {
    out.requests.iter().map(|r| r.status).collect()
}

fn lost(out: &RunOutput) -> usize {
    out.trace
        .events
        .iter()
        .filter(|e| matches!(e, TraceEvent::MessageLost { .. }))
        .count()
}

#[test]
fn link_loss_fails_some_reads_and_replays_from_its_seed() {
    let s = noisy("{ loss: 0.3 }");
    let out = run(&s, 3).unwrap_or_else(|e| panic!("{e}"));
    let st = statuses(&out);
    let failed = st.iter().filter(|s| **s == Some(500)).count();
    let answered = st.iter().filter(|s| **s == Some(404)).count();
    assert!(failed > 0 && answered > 0, "{st:?}");
    assert_eq!(failed + answered, st.len(), "{st:?}");
    assert!(
        lost(&out) >= failed,
        "a lost message is behind every failure"
    );
    let again = run(&s, 3).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.trace.hash(), out.trace.hash());
    let other = run(&s, 4).unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(statuses(&other), st, "another seed loses other messages");
    let quiet = run(&noisy("{}"), 3).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(lost(&quiet), 0);
    assert!(statuses(&quiet).iter().all(|s| *s == Some(404)));
}

#[test]
fn link_jitter_spreads_latency_within_its_bound() {
    let latencies = |network: &str| -> Vec<u64> {
        let out = run(&noisy(network), 5).unwrap_or_else(|e| panic!("{e}"));
        out.requests.iter().filter_map(|r| r.latency_ms).collect()
    };
    let quiet = latencies("{}");
    let jittery = latencies("{ jitter: 40ms }");
    assert_eq!(quiet.len(), jittery.len());
    // Each request's trip to the central store and back is two messages: at most 80 ms more.
    for (q, j) in quiet.iter().zip(&jittery) {
        assert!(*q <= *j && *j <= q + 80, "quiet {q} ms, jittery {j} ms");
    }
    assert!(quiet.iter().zip(&jittery).any(|(q, j)| j > q));
}

#[test]
fn link_loss_outside_zero_to_one_is_refused_with_its_line() {
    let err = common::parse_error(
        "name: bad\nworkers: {}\nplatform:\n  network:\n    loss: 1.5\ntraffic: []\n",
    );
    assert!(
        err.contains("bad.yaml:5") && err.contains("platform.network.loss must be from 0 up to"),
        "{err}"
    );
}
