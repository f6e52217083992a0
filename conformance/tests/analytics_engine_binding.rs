//! Workers Analytics Engine (`analytics_engine_datasets`): `writeDataPoint()` is checked as
//! workerd checks it (analytics-engine-impl.h), with its TypeErrors word for word, and a
//! point written is recorded in the run's trace.

use edgesim_conformance::{Run, body_json, get};
use edgesim_runtime::worker::{WorkerDefinition, WranglerConfig};
use serde_json::json;

fn worker(body: &str) -> WorkerDefinition {
    let config: WranglerConfig = serde_json::from_value(json!({
        "name": "metrics",
        "compatibility_date": "2025-06-01",
        "analytics_engine_datasets": [{ "binding": "STATS", "dataset": "page_views" }],
    }))
    .expect("a valid config");
    let main = format!(
        "export default {{ async fetch(request, env) {{ return Response.json(await (async () => {{ {body} }})()); }} }};"
    );
    WorkerDefinition::from_sources(config, "worker.js", &[("worker.js", &main)])
}

#[test]
fn write_data_point_refuses_what_workerd_refuses_with_its_texts() {
    let body = "const tries = [\n\
                  { indexes: ['a', 'b'] },\n\
                  { indexes: ['x'.repeat(97)] },\n\
                  { blobs: Array(21).fill('b') },\n\
                  { blobs: ['x'.repeat(3000), 'y'.repeat(3000)] },\n\
                  { doubles: Array(21).fill(1) },\n\
                  { indexes: ['x'.repeat(96)], blobs: Array(20).fill('z'.repeat(256)), doubles: Array(20).fill(2) },\n\
                  undefined,\n\
                ];\n\
                return tries.map((t) => { try { env.STATS.writeDataPoint(t); return 'ok'; } catch (e) { return `${e.name}: ${e.message}`; } });";
    let x = Run::default()
        .fetch(&worker(body), get("https://metrics.example/"))
        .expect("the Worker runs");
    assert_eq!(
        body_json(&x.response),
        json!([
            "TypeError: writeDataPoint(): Maximum of 1 indexes supported.",
            "TypeError: writeDataPoint(): Size of indexes[0] exceeds 96 bytes).",
            "TypeError: writeDataPoint(): Maximum of 20 blobs supported.",
            "TypeError: writeDataPoint(): Cumulative size of blobs exceeds 5120 bytes).",
            "TypeError: writeDataPoint(): Maximum of 20 doubles supported.",
            "ok",
            "ok"
        ])
    );
}
