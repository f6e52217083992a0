//! The reference probe (conformance/reference/workerd/worker.mjs) runs unchanged; its `/cache`
//! answers must equal what workerd answered (HTTP dates normalised).

use edgesim_conformance::reference::{self, assert_differences};
use edgesim_conformance::{Run, body_json, get};

#[test]
fn reference_probe_cache_answers_match_workerd() {
    let w = reference::probe_worker("");
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
