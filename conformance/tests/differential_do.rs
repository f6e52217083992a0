//! The reference probe (conformance/reference/workerd/worker.mjs) runs unchanged; its Durable
//! Object answers (`/do`, `/do-kvbacked`, the alarm state) must equal what workerd answered,
//! except where production differs from local workerd, each listed here with the reason.

use edgesim_conformance::reference::{self, assert_differences};
use edgesim_conformance::{body_json, get};
use edgesim_runtime::Plan;
use edgesim_runtime::worker::WorkerDefinition;
use edgesim_sim::one_colo::fetch_sequence;
use serde_json::Value;

fn probe_worker() -> WorkerDefinition {
    reference::probe_worker(
        "\
         [[kv_namespaces]]\nbinding = 'KV'\nid = 'kv'\n\
         [[durable_objects.bindings]]\nname = 'COUNTER'\nclass_name = 'Counter'\n\
         [[durable_objects.bindings]]\nname = 'KVCOUNTER'\nclass_name = 'KvCounter'\n\
         [[migrations]]\ntag = 'v1'\nnew_sqlite_classes = ['Counter']\nnew_classes = ['KvCounter']\n",
    )
}

/// Production enforces the KV-backed limits of limits.mdx (keys 2 KiB, values 128 KiB);
/// local workerd keeps every object in SQLite and enforces neither.
const PRODUCTION_ONLY_KV_BACKED: &[&str] =
    &["put_key_2049", "put_value_129KiB", "put_value_2MiB_plus"];

/// `put_value_2MiB_plus`: production limits a SQLite-backed object's key plus value to 2 MB
/// (limits.mdx); local workerd stored the 2 MiB value, and so its `sql_databaseSize` counts it.
/// `sql_kv_table_visible`: workerd writes `setAlarm` into a SQLite-backed object's
/// `_cf_METADATA` at once; edgesim writes it with the turn's coalesced commit, which here comes
/// after the probe's SQL has listed the tables.
const PRODUCTION_ONLY_SQLITE: &[&str] = &[
    "put_value_2MiB_plus",
    "sql_databaseSize",
    "sql_kv_table_visible",
];

/// Runs the probe's own sequence: `/do`, `/do-kvbacked`, then the alarm state (the probe waits
/// 1.5 s before asking; here the requests are 750 ms apart, 1.5 s in all).
fn probe_answers() -> Vec<Value> {
    let w = probe_worker();
    let limits = w.limits(Plan::Paid, None);
    let requests = vec![
        get("http://localhost/do?name=c1"),
        get("http://localhost/do-kvbacked"),
        get("http://localhost/do?name=c1&sub=alarm-state"),
    ];
    let out = fetch_sequence(&w, limits, requests, 750, 1).unwrap();
    out.iter().map(|x| body_json(&x.response)).collect()
}

#[test]
fn reference_probe_do_answers_match_workerd() {
    let answers = probe_answers();
    // KV-backed class: every answer but the production-only limits.
    let kv_backed = reference::result("do-kvbacked");
    assert_differences(
        "do-kvbacked",
        &kv_backed,
        &answers[1],
        PRODUCTION_ONLY_KV_BACKED,
    );
    // SQLite-backed class: ids, RPC, the KV API and SQL.
    let reference = reference::result("do-sqlite");
    assert_differences("do meta", &reference["meta"], &answers[0]["meta"], &[]);
    let body = &answers[0]["body"];
    assert_differences("do", &reference["body"], body, PRODUCTION_ONLY_SQLITE);
}

#[test]
fn reference_probe_do_alarm_fires_as_in_workerd() {
    let answers = probe_answers();
    let reference = reference::result("do-alarm");
    assert_differences("do alarm", &reference["body"], &answers[2]["body"], &[]);
    assert_differences(
        "do alarm meta",
        &reference["meta"],
        &answers[2]["meta"],
        &[],
    );
    let body = &answers[2]["body"];
    let fired = body["alarmFired"].as_u64().unwrap_or(0);
    let scheduled = body["alarmInfo"]["scheduledTime"].as_u64().unwrap_or(0);
    assert!(
        fired >= scheduled && fired - scheduled < 50,
        "alarm ran at {fired}, scheduled for {scheduled}"
    );
}
