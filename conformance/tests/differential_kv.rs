//! The reference probe (conformance/reference/workerd/worker.mjs) runs unchanged; its `/kv` and
//! `/kv-errors` answers must equal what workerd answered, except where production differs from
//! local workerd, each listed here with the reason.

use edgesim_conformance::reference::{self, assert_differences};
use edgesim_conformance::{body_json, get};
use edgesim_runtime::Plan;
use edgesim_runtime::worker::WorkerDefinition;
use edgesim_sim::one_colo::fetch_sequence;

fn probe_worker() -> WorkerDefinition {
    reference::probe_worker("[[kv_namespaces]]\nbinding = 'KV'\nid = 'kv'\n")
}

/// Production enforces one write per second per key (semantics.md §2.2, KV limits); local
/// workerd does not. The probe deletes `k1` a few milliseconds after writing it, so production
/// answers 429 and the key is still there when read back.
const PRODUCTION_ONLY_KV: &[&str] = &["delete", "get_after_delete"];
/// The same refused delete leaves `k1` in the namespace, so `/kv-errors` lists 13 keys, not 12.
const PRODUCTION_ONLY_KV_ERRORS: &[&str] = &["list_limit_0", "list_limit_1000", "list_limit_neg"];

#[test]
fn reference_probe_kv_answers_match_workerd() {
    let w = probe_worker();
    let limits = w.limits(Plan::Paid, None);
    let out = fetch_sequence(
        &w,
        limits,
        vec![
            get("http://localhost/kv"),
            get("http://localhost/kv-errors"),
        ],
        50,
        1,
    )
    .unwrap();
    let cases = [
        ("kv", &out[0], PRODUCTION_ONLY_KV),
        ("kv-errors", &out[1], PRODUCTION_ONLY_KV_ERRORS),
    ];
    for (name, exchange, allowed) in cases {
        assert_eq!(exchange.response.status, 200, "{name}");
        assert_differences(
            name,
            &reference::result(name),
            &body_json(&exchange.response),
            allowed,
        );
    }
}
