//! Network faults: a partition drops messages between two groups of places for a while (both
//! ways or one way), a latency spike slows them. What a Worker sees is a lost connection after
//! its caller gave up waiting — and a request whose answer was lost may have been applied.

use std::path::Path;

use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::{RequestRecord, RunOutput, run};
use edgesim_sim::trace::TraceEvent;

fn kv_scenario(body: &str) -> LoadedScenario {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let yaml = format!(
        "name: partitions\nworkers:\n  app: workers/kv-app/wrangler.toml\nduration: 30s\n\
         colos: [LHR, SIN]\nplatform: {{ kv: {{ central: LHR, cache_ttl_default: 1s }} }}\n{body}"
    );
    LoadedScenario::parse("partitions.yaml", &yaml, dir).unwrap_or_else(|e| panic!("{e}"))
}

fn statuses(out: &RunOutput, label: &str) -> Vec<(u64, Option<u16>)> {
    out.requests
        .iter()
        .filter(|r| r.label.as_deref() == Some(label))
        .map(|r: &RequestRecord| (r.at_ms, r.status))
        .collect()
}

#[test]
fn partition_from_kv_central_fails_uncached_reads_until_it_heals() {
    // Colo caches keep what they read for 1 s here, so every read two seconds apart goes central.
    let s = kv_scenario(
        "traffic:
  - { at: 0s, colo: LHR, worker: app, method: PUT, url: /kv/k, body: v1 }
  - { every: 2s, from: 1s, until: 15s, colo: SIN, worker: app, url: '/kv/missing', label: reads }
faults:
  - { at: 4s, partition: [SIN, kv-central], for: 6s }
",
    );
    let out = run(&s, 1).unwrap_or_else(|e| panic!("{e}"));
    // 404 (nothing stored) before and after; during the partition the Worker's KV read fails.
    assert_eq!(
        statuses(&out, "reads"),
        vec![
            (1_000, Some(404)),
            (3_000, Some(404)),
            (5_000, Some(500)),
            (7_000, Some(500)),
            (9_000, Some(500)),
            (11_000, Some(404)),
            (13_000, Some(404)),
            (15_000, Some(404)),
        ]
    );
    let read = out
        .requests
        .iter()
        .find(|r| r.at_ms == 5_000)
        .unwrap_or_else(|| panic!("no read at 5 s"));
    // The caller waited 1 s for an answer that never came.
    assert!(read.latency_ms.is_some_and(|l| l >= 1_000), "{read:?}");
    let lost = out
        .trace
        .events
        .iter()
        .filter(|e| matches!(e, TraceEvent::MessageLost { from, to, .. } if from == "SIN" && to == "kv-central"))
        .count();
    assert_eq!(lost, 3);
}

#[test]
fn a_write_whose_answer_is_lost_in_a_one_way_partition_was_applied() {
    let s = kv_scenario(
        "traffic:
  - { at: 2s, colo: SIN, worker: app, method: PUT, url: /kv/k, body: written, label: write }
  - { at: 20s, colo: LHR, worker: app, url: /kv/k, label: read }
faults:
  - { at: 1s, partition: { from: kv-central, to: SIN }, for: 5s }
",
    );
    let out = run(&s, 1).unwrap_or_else(|e| panic!("{e}"));
    // SIN never heard back: its write failed as far as it knows...
    assert_eq!(statuses(&out, "write"), vec![(2_000, Some(500))]);
    // ...yet the central store applied it, and London reads it.
    let read = out
        .requests
        .iter()
        .find(|r| r.label.as_deref() == Some("read"));
    assert_eq!(
        read.map(|r| (r.status, r.body.as_str())),
        Some((Some(200), "written"))
    );
}

#[test]
fn a_latency_spike_slows_messages_between_its_sides_for_its_duration() {
    let s = kv_scenario(
        "traffic:
  - { at: 1s, colo: SIN, worker: app, url: '/kv/a', label: before }
  - { at: 5s, colo: SIN, worker: app, url: '/kv/b', label: during }
  - { at: 12s, colo: SIN, worker: app, url: '/kv/c', label: after }
faults:
  - { at: 4s, latency_spike: [SIN, kv-central], add: 250ms, for: 5s }
",
    );
    let out = run(&s, 1).unwrap_or_else(|e| panic!("{e}"));
    let latency = |label: &str| {
        out.requests
            .iter()
            .find(|r| r.label.as_deref() == Some(label))
            .and_then(|r| r.latency_ms)
            .unwrap_or_else(|| panic!("no {label} read"))
    };
    assert_eq!(
        latency("during") - latency("after"),
        500,
        "both ways slowed"
    );
    // (The first read also paid the cold start.)
    assert!(latency("before") >= latency("after"));
    assert!(
        out.trace
            .events
            .iter()
            .any(|e| matches!(e, TraceEvent::Fault { fault, .. }
            if fault == "latency_spike SIN <-> kv-central +250ms for 5s")),
        "{:?}",
        out.trace.events
    );
}

#[test]
fn durable_object_calls_across_a_partition_fail_and_the_counter_stays_linearizable() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let yaml = "name: do-partition
workers:
  app: workers/do-counter/wrangler.toml
duration: 20s
colos: [LHR, FRA]
traffic:
  - { at: 0s, colo: LHR, worker: app, method: POST, url: /inc, label: inc }
  - { every: 300ms, from: 100ms, until: 12s, colo: FRA, worker: app, method: POST, url: /inc, label: inc }
faults:
  - { at: 3s, partition: [FRA, LHR], for: 4s }
expect:
  - { linearizable: { durable_object: COUNTER, model: counter } }
  - { no_lost_acknowledged_writes: true }
";
    let s = LoadedScenario::parse("do-partition.yaml", yaml, dir).unwrap_or_else(|e| panic!("{e}"));
    let out = run(&s, 2).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.passed(), "{:#?}", out.verdicts);
    let failed: Vec<u64> = out
        .requests
        .iter()
        .filter(|r| r.status != Some(200))
        .map(|r| r.at_ms)
        .collect();
    assert!(!failed.is_empty(), "calls into the partition must fail");
    assert!(
        failed.iter().all(|at| (3_000..7_000).contains(at)),
        "{failed:?}"
    );
}
