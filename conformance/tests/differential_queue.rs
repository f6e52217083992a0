//! The reference probe (conformance/reference/workerd/worker.mjs) runs unchanged; its
//! `/queue-send` answers and what its consumer received (`/queue-received`, 3.5 s later) must
//! equal what workerd answered, except where production differs, each listed with the reason.

use edgesim_conformance::reference::{self, assert_differences};
use edgesim_conformance::{body_json, get};
use edgesim_runtime::Plan;
use edgesim_runtime::worker::WorkerDefinition;
use edgesim_sim::one_colo::fetch_sequence;

fn probe_worker() -> WorkerDefinition {
    reference::probe_worker(
        "\
         [[kv_namespaces]]\nbinding = 'KV'\nid = 'kv'\n\
         [[queues.producers]]\nbinding = 'QUEUE'\nqueue = 'q1'\n\
         [[queues.consumers]]\nqueue = 'q1'\nmax_batch_size = 10\nmax_batch_timeout = 1\n",
    )
}

/// Each successful send reports the queue's backlog (`metadata.metrics`): production counts the
/// messages waiting, local workerd reports zeros.
const PRODUCTION_ONLY_METRICS: &[&str] = &[
    "send",
    "send_text",
    "send_bytes",
    "send_v8",
    "sendBatch",
    "send_json_nonserializable",
    "send_delaySeconds",
];

#[test]
fn reference_probe_queue_answers_match_workerd() {
    let w = probe_worker();
    let out = fetch_sequence(
        &w,
        w.limits(Plan::Paid, None),
        vec![
            get("http://localhost/queue-send"),
            get("http://localhost/queue-received"),
        ],
        3_500,
        1,
    )
    .unwrap();
    assert_differences(
        "queue-send",
        &reference::result("queue-send"),
        &body_json(&out[0].response),
        PRODUCTION_ONLY_METRICS,
    );
    // The consumer receives every message, each once, with the same bodies, classes and
    // attempts. How they are split into batches differs: locally every send takes no time, so
    // the message delayed by 1 s becomes available exactly when the 1 s batch window closes and
    // joins it; in edgesim each send is a round trip to the queue, so it arrives a few
    // milliseconds after the window closed and comes in a batch of its own.
    let received = body_json(&out[1].response);
    let messages = |batches: &serde_json::Value| -> Vec<serde_json::Value> {
        batches
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|b| b["msgs"].as_array().cloned().unwrap_or_default())
            .collect()
    };
    let reference = reference::result("queue-received");
    assert_eq!(messages(&received), messages(&reference));
    let sizes: Vec<u64> = received
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b["size"].as_u64())
        .collect();
    assert_eq!(sizes, vec![7, 1]);
    assert!(
        received
            .as_array()
            .into_iter()
            .flatten()
            .all(|b| b["queue"] == "q1" && b["batchCtor"] == "QueueController")
    );
}
