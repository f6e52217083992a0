//! Properties over random schedules (proptest shrinks a failing one to its essentials):
//! a Durable Object counter hit by random traffic from random colos, through random host
//! crashes, failed writes and partitions, stays linearizable and loses no acknowledged
//! increment; random KV writes and reads across colos, through random partitions from the
//! central store, never see a value staler than the cache TTL allows.

use std::path::Path;

use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::run;
use proptest::prelude::*;

const COLOS: [&str; 4] = ["LHR", "FRA", "IAD", "SIN"];

fn scenario(yaml: &str) -> LoadedScenario {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    LoadedScenario::parse("property.yaml", yaml, dir).unwrap_or_else(|e| panic!("{e}\n{yaml}"))
}

/// (colo, at_ms, increment?, burst)
fn requests() -> impl Strategy<Value = Vec<(usize, u64, bool, u32)>> {
    prop::collection::vec((0..4usize, 0..8_000u64, any::<bool>(), 1..4u32), 1..25)
}

/// (at_ms, colo index, outage_ms)
type Crash = (u64, usize, u64);
/// (at_ms, failing commits)
type StorageFault = (u64, u32);

/// (at_ms, colo index, other colo index offset 1..4, for_ms)
type Partition = (u64, usize, usize, u64);

/// Random host crashes, storage faults and partitions between two colos.
fn faults() -> impl Strategy<Value = (Vec<Crash>, Vec<StorageFault>, Vec<Partition>)> {
    (
        prop::collection::vec((0..8_000u64, 0..4usize, 0..2_000u64), 0..3),
        prop::collection::vec((0..8_000u64, 1..3u32), 0..3),
        prop::collection::vec((0..8_000u64, 0..4usize, 1..4usize, 1..3_000u64), 0..3),
    )
}

/// The `faults:` lines of random partitions.
fn partition_lines(partitions: &[Partition]) -> String {
    partitions
        .iter()
        .map(|(at, a, offset, for_ms)| {
            format!(
                "  - {{ at: {at}ms, partition: [{}, {}], for: {for_ms}ms }}\n",
                COLOS[*a],
                COLOS[(a + offset) % 4]
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn do_counter_is_linearizable_under_random_traffic_and_faults(
        traffic in requests(),
        (crashes, failures, partitions) in faults(),
        seed in 0..1_000u64,
    ) {
        let mut yaml = String::from(
            "name: property\nduration: 20s\ncolos: [LHR, FRA, IAD, SIN]\n\
             workers:\n  app: workers/do-counter/wrangler.toml\ntraffic:\n",
        );
        for (colo, at, inc, count) in &traffic {
            let (method, url) = if *inc { ("POST", "/inc") } else { ("GET", "/count") };
            yaml.push_str(&format!(
                "  - {{ at: {at}ms, colo: {}, worker: app, method: {method}, url: {url}, count: {count} }}\n",
                COLOS[*colo]
            ));
        }
        if !crashes.is_empty() || !failures.is_empty() || !partitions.is_empty() {
            yaml.push_str("faults:\n");
        }
        yaml.push_str(&partition_lines(&partitions));
        for (at, colo, outage) in &crashes {
            yaml.push_str(&format!(
                "  - {{ at: {at}ms, crash: \"do-host:{}\", for: {outage}ms }}\n",
                COLOS[*colo]
            ));
        }
        for (at, n) in &failures {
            yaml.push_str(&format!("  - {{ at: {at}ms, fail_storage_writes: {n} }}\n"));
        }
        yaml.push_str(
            "expect:\n  - { linearizable: { durable_object: COUNTER } }\n  - { no_lost_acknowledged_writes: true }\n",
        );
        let out = run(&scenario(&yaml), seed).unwrap();
        prop_assert!(out.passed(), "{:#?}\n{yaml}", out.verdicts);
    }

    #[test]
    fn kv_reads_are_never_staler_than_the_cache_ttl(
        ops in prop::collection::vec((0..4usize, 0..120_000u64, any::<bool>()), 1..30),
        cuts in prop::collection::vec((0..4usize, 0..120_000u64, 1..30_000u64), 0..3),
        seed in 0..1_000u64,
    ) {
        let mut yaml = String::from(
            "name: property\nduration: 4m\ncolos: [LHR, FRA, IAD, SIN]\n\
             workers:\n  app: workers/kv-app/wrangler.toml\ntraffic:\n",
        );
        for (i, (colo, at, write)) in ops.iter().enumerate() {
            let colo = COLOS[*colo];
            if *write {
                yaml.push_str(&format!(
                    "  - {{ at: {at}ms, colo: {colo}, worker: app, method: PUT, url: /kv/k, body: v{i} }}\n"
                ));
            } else {
                yaml.push_str(&format!("  - {{ at: {at}ms, colo: {colo}, worker: app, url: /kv/k }}\n"));
            }
        }
        if !cuts.is_empty() {
            yaml.push_str("faults:\n");
        }
        for (colo, at, for_ms) in &cuts {
            yaml.push_str(&format!(
                "  - {{ at: {at}ms, partition: [{}, kv-central], for: {for_ms}ms }}\n",
                COLOS[*colo]
            ));
        }
        yaml.push_str("expect:\n  - { kv_staleness_max: 61s }\n");
        let out = run(&scenario(&yaml), seed).unwrap();
        prop_assert!(out.passed(), "{:#?}\n{yaml}", out.verdicts);
    }
}
