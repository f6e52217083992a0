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
        // Without a date, wrangler dev runs at its runtime's latest date.
        ("", &present),
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

/// A Durable Object stub (here, with an RPC method `bump`) as Workers see it, configured by
/// `toml`: `[typeof stub.bump, outcome of calling it, typeof stub.fetch]`.
fn stub_with(toml: &str) -> serde_json::Value {
    let config = WranglerConfig::parse(
        "wrangler.toml",
        &format!(
            "name = 'app'\nmain = 'w.js'\n{toml}\n[[durable_objects.bindings]]\nname = 'COUNTER'\n\
             class_name = 'Counter'\n[[migrations]]\ntag = 'v1'\nnew_sqlite_classes = ['Counter']\n"
        ),
    )
    .unwrap();
    let source = "import { DurableObject } from 'cloudflare:workers';
        export class Counter extends DurableObject { bump() { return 1; } }
        export default { async fetch(request, env) {
          const stub = env.COUNTER.get(env.COUNTER.idFromName('a'));
          let call;
          try { call = ['ok', await stub.bump()]; } catch (e) { call = [e.constructor.name]; }
          return Response.json([typeof stub.bump, call, typeof stub.fetch]);
        } };";
    let worker = WorkerDefinition::from_sources(config, "w.js", &[("w.js", source)]);
    let x = Run::default()
        .fetch(&worker, get("https://example.com/"))
        .unwrap();
    body_json(&x.response)
}

/// Recorded from workerd 1.20260426.1 (miniflare 4.20260426.0) with the same Worker, which
/// also gave V8's message, `stub.bump is not a function`; QuickJS words its own TypeError for
/// calling a non-function (`not a function`), so only the class is compared.
#[test]
fn stubs_have_rpc_methods_from_2024_04_03_or_with_the_rpc_flag() {
    let without = json!(["undefined", ["TypeError"], "function"]);
    let with = json!(["function", ["ok", 1], "function"]);
    for (toml, expected) in [
        ("compatibility_date = '2024-04-02'", &without),
        ("compatibility_date = '2024-04-03'", &with),
        (
            "compatibility_date = '2024-04-02'\ncompatibility_flags = ['rpc']",
            &with,
        ),
        (
            "compatibility_date = '2026-04-20'\ncompatibility_flags = ['no_rpc']",
            &without,
        ),
    ] {
        assert_eq!(&stub_with(toml), expected, "{toml}");
    }
}
