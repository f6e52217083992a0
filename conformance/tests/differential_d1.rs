//! The reference probe (conformance/reference/workerd/worker.mjs) runs unchanged; its `/d1` and
//! `/d1-errors` answers must equal what workerd answered, after normalising what differs by
//! nature, except where local workerd differs from production, each listed with the reason.

use edgesim_conformance::reference::{self, assert_differences};
use edgesim_conformance::{body_json, get};
use edgesim_runtime::Plan;
use edgesim_runtime::worker::WorkerDefinition;
use edgesim_sim::one_colo::fetch_sequence;
use serde_json::Value;

fn probe_worker() -> WorkerDefinition {
    reference::probe_worker(
        "\
         [[d1_databases]]\nbinding = 'DB'\ndatabase_name = 'probe'\ndatabase_id = 'd1'\n",
    )
}

/// Drops what differs between any two runs or services: timings, the name of the server, the
/// session bookmark's version number; and `rows_read`/`rows_written`, which workerd counts with
/// libsql's patched SQLite (b-tree rows, index writes included) and edgesim, on stock SQLite,
/// approximates with rows returned and rows changed. Production-only `meta` fields
/// (`served_by_region`, `served_by_primary`, `timings`) are absent locally.
fn normalise(v: &Value) -> Value {
    const DROPPED: &[&str] = &[
        "served_by",
        "served_by_region",
        "served_by_primary",
        "timings",
        "duration",
        "rows_read",
        "rows_written",
    ];
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .filter(|(k, _)| !DROPPED.contains(&k.as_str()))
                .map(|(k, x)| {
                    let x = if k == "bookmark" && x.is_string() {
                        Value::String("<bookmark>".into())
                    } else {
                        normalise(x)
                    };
                    (k.clone(), x)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(normalise).collect()),
        other => other.clone(),
    }
}

/// Miniflare validates a batch's body with zod and reports the validator's stack trace (paths
/// into its node_modules); workerd's own binding refuses the call before sending it.
const LOCAL_ONLY_D1_ERRORS: &[&str] = &["batch_not_statements"];

#[test]
fn reference_probe_d1_answers_match_workerd() {
    let w = probe_worker();
    let out = fetch_sequence(
        &w,
        w.limits(Plan::Paid, None),
        vec![
            get("http://localhost/d1"),
            get("http://localhost/d1-errors"),
        ],
        50,
        1,
    )
    .unwrap();
    for (name, exchange, allowed) in [
        ("d1", &out[0], &[][..]),
        ("d1-errors", &out[1], LOCAL_ONLY_D1_ERRORS),
    ] {
        assert_differences(
            name,
            &normalise(&reference::result(name)),
            &normalise(&body_json(&exchange.response)),
            allowed,
        );
    }
}
