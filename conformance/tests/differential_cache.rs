//! The reference probe (../shared/reference/workerd/worker.mjs) runs unchanged; its `/cache`
//! answers must equal what workerd answered (HTTP dates normalised).

use edgesim_conformance::reference::{self, assert_differences};
use edgesim_conformance::{Run, body_json, get};
use edgesim_runtime::worker::{WorkerDefinition, WranglerConfig};

#[test]
fn reference_probe_cache_answers_match_workerd() {
    let config = WranglerConfig::parse(
        "wrangler.toml",
        "name = 'probe'\nmain = 'worker.mjs'\ncompatibility_date = '2026-04-20'\n",
    )
    .unwrap();
    let source = reference::read("worker.mjs");
    let w = WorkerDefinition::from_sources(config, "worker.mjs", &[("worker.mjs", &source)]);
    let x = Run::default()
        .fetch(&w, get("http://localhost/cache"))
        .unwrap();
    assert_differences(
        "cache",
        &reference::result("cache"),
        &body_json(&x.response),
        &[],
    );
}
