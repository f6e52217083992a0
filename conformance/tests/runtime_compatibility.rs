//! Behaviour that a compatibility date or flag switches, at exactly the date or flag workerd's
//! compatibility-date.capnp gives it.

use edgesim_conformance::{Run, body_json, get};
use edgesim_runtime::worker::{WorkerDefinition, WranglerConfig};
use serde_json::json;

/// What `code` (an expression) evaluates to in a Worker configured by `toml`.
fn evaluated_with(toml: &str, code: &str) -> serde_json::Value {
    let config = WranglerConfig::parse("wrangler.toml", toml).unwrap();
    let source = format!("export default {{ fetch() {{ return Response.json({code}); }} }};");
    let worker = WorkerDefinition::from_sources(config, "w.js", &[("w.js", &source)]);
    let x = Run::default()
        .fetch(&worker, get("https://example.com/"))
        .unwrap();
    assert_eq!(x.report.exception, None, "{toml}");
    body_json(&x.response)
}

#[test]
fn weak_refs_exist_from_2025_05_05_or_with_enable_weak_ref() {
    let kinds = "[typeof WeakRef, typeof FinalizationRegistry]";
    let absent = json!(["undefined", "undefined"]);
    let present = json!(["function", "function"]);
    for (toml, expected) in [
        ("compatibility_date = '2025-05-04'", &absent),
        ("compatibility_date = '2025-05-05'", &present),
        (
            "compatibility_date = '2024-01-01'\ncompatibility_flags = ['enable_weak_ref']",
            &present,
        ),
        (
            "compatibility_date = '2026-01-01'\ncompatibility_flags = ['disable_weak_ref']",
            &absent,
        ),
        ("", &absent),
    ] {
        assert_eq!(&evaluated_with(toml, kinds), expected, "{toml}");
    }
    assert_eq!(
        evaluated_with(
            "compatibility_date = '2025-05-05'",
            "((target) => new WeakRef(target).deref().a)({ a: 1 })"
        ),
        json!(1)
    );
}
