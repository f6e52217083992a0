//! semantics.md §2.1 under the multi-colo model: another colo sees a write only when its cached
//! copy expires; "not found" is cached like a value; the writing colo reads its own writes.

use std::path::Path;

use edgesim_sim::scenario::run::{RequestRecord, run};
use edgesim_sim::scenario::{Checker, ExpectSpec, LoadedScenario};
use edgesim_sim::trace::{KvCall, KvSource, TraceEvent};

fn scenario() -> LoadedScenario {
    LoadedScenario::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/kv-propagation.yaml"),
    )
    .unwrap()
}

/// (time, colo, what was read: the `x-value` header, or "404")
fn reads(requests: &[RequestRecord]) -> Vec<(u64, &str, String)> {
    requests
        .iter()
        .filter(|r| &*r.method == "GET")
        .map(|r| {
            let seen = match r.status {
                Some(404) => "404".to_string(),
                _ => (r.headers.as_ref())
                    .and_then(|h| h.get("x-value"))
                    .and_then(|v| v.as_str())
                    .unwrap_or("?")
                    .to_string(),
            };
            (r.at_ms, &*r.colo, seen)
        })
        .collect()
}

/// The first time at which `colo` read `value`.
fn first_seen(reads: &[(u64, &str, String)], colo: &str, value: &str) -> Option<u64> {
    reads
        .iter()
        .find(|(_, c, v)| *c == colo && v == value)
        .map(|(at, ..)| *at)
}

#[test]
fn kv_other_colos_stay_stale_until_their_cached_copy_expires() {
    let s = scenario();
    let out = run(&s, 7).unwrap();
    assert!(out.passed(), "{:?}", out.verdicts);
    let r = reads(&out.requests);
    // SIN cached "not found" at 0 s: it keeps answering 404 for 60 s although v1 exists from 1 s.
    assert!(
        r.iter()
            .filter(|(at, c, _)| *c == "SIN" && *at < 60_000)
            .all(|(.., v)| v == "404"),
        "{r:?}"
    );
    assert_eq!(first_seen(&r, "SIN", "v1"), Some(65_000));
    // SIN cached v1 at 65 s; the overwrite at 90 s reaches it when that copy expires (125 s).
    assert_eq!(first_seen(&r, "SIN", "v2"), Some(130_000));
    // The writer sees its own writes at its next read.
    assert_eq!(first_seen(&r, "LHR", "v1"), Some(2_000));
    assert_eq!(first_seen(&r, "LHR", "v2"), Some(92_000));
}

#[test]
fn kv_never_read_your_writes_keeps_the_writers_stale_copy_too() {
    let mut s = scenario();
    s.scenario.platform.kv.same_colo_read_your_writes =
        Some(edgesim_sim::kv::ReadYourWrites::Never);
    let out = run(&s, 7).unwrap();
    let r = reads(&out.requests);
    // LHR cached v1 when its read at 2 s reached the central store (46 ms later), so the
    // copy lives until 62.046 s and the read at 62 s still hits it; the read at 72 s refreshes
    // it to 132.046 s. v2, written at 90 s, shows only at the read after that: 142 s.
    assert_eq!(first_seen(&r, "LHR", "v2"), Some(142_000));
}

#[test]
fn kv_a_shorter_default_cache_ttl_shortens_staleness() {
    let mut s = scenario();
    s.scenario.platform.kv.cache_ttl_default =
        Some(edgesim_sim::scenario::Duration::from_ms(30_000));
    let out = run(&s, 7).unwrap();
    let r = reads(&out.requests);
    // SIN's "not found" was cached when its read reached the central store, 118 ms after 0 s:
    // it still answers the read at 30 s, and the one at 35 s goes to the store.
    assert_eq!(first_seen(&r, "SIN", "v1"), Some(35_000));
}

#[test]
fn kv_trace_records_where_each_read_was_served_and_the_version_seen() {
    let out = run(&scenario(), 7).unwrap();
    let sin_reads: Vec<(KvSource, Option<u64>)> = out
        .trace
        .events
        .iter()
        .filter_map(|e| match e {
            TraceEvent::Kv {
                colo,
                op,
                source,
                version,
                ..
            } if colo == "SIN" && *op == KvCall::Get => Some((*source, *version)),
            _ => None,
        })
        .take(15)
        .collect();
    assert_eq!(sin_reads[0], (KvSource::Central, None));
    assert_eq!(sin_reads[1], (KvSource::Cache, None));
    assert_eq!(sin_reads[13], (KvSource::Central, Some(1)));
}

#[test]
fn kv_staleness_checker_passes_within_the_cache_ttl_and_names_the_stale_reads_beyond_it() {
    let mut s = scenario();
    let out = run(&s, 7).unwrap();
    let verdict = out
        .verdicts
        .iter()
        .find(|v| v.expectation == "kv_staleness_max 61s")
        .unwrap();
    assert!(verdict.ok);
    assert_eq!(
        verdict.detail,
        "55 read(s) checked; the stalest was 58954ms behind"
    );

    s.scenario.expect = vec![ExpectSpec::new(Checker::KvConvergesWithin(
        edgesim_sim::scenario::Duration::from_ms(30_000),
    ))];
    let out = run(&s, 7).unwrap();
    assert!(!out.passed());
    assert!(
        out.verdicts[0].detail.starts_with(
            "7 of 55 read(s) were staler than 30s, e.g. [\"get \\\"greeting\\\" at SIN at 35002ms saw not found, but version 1 was written at 1048ms (33954ms earlier)\""
        ),
        "{}",
        out.verdicts[0].detail
    );
}
