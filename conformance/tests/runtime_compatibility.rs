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

/// What `fetch_body` answers in a Worker configured by `toml` whose Durable Object class
/// `Counter` (SQLite-backed, bound as COUNTER) has `class_body`.
fn with_object(toml: &str, class_body: &str, fetch_body: &str) -> serde_json::Value {
    let config = WranglerConfig::parse(
        "wrangler.toml",
        &format!(
            "name = 'app'\nmain = 'w.js'\n{toml}\n[[durable_objects.bindings]]\nname = 'COUNTER'\n\
             class_name = 'Counter'\n[[migrations]]\ntag = 'v1'\nnew_sqlite_classes = ['Counter']\n"
        ),
    )
    .unwrap();
    let source = format!(
        "import {{ DurableObject }} from 'cloudflare:workers';
        export class Counter extends DurableObject {{ {class_body} }}
        export default {{ async fetch(request, env) {{
          const stub = env.COUNTER.get(env.COUNTER.idFromName('a'));
          {fetch_body}
        }} }};"
    );
    let worker = WorkerDefinition::from_sources(config, "w.js", &[("w.js", &source)]);
    let x = Run::default()
        .fetch(&worker, get("https://example.com/"))
        .unwrap();
    body_json(&x.response)
}

/// A Durable Object stub (here, with an RPC method `bump`) as Workers see it, configured by
/// `toml`: `[typeof stub.bump, outcome of calling it, typeof stub.fetch]`.
fn stub_with(toml: &str) -> serde_json::Value {
    with_object(
        toml,
        "bump() { return 1; }",
        "let call;
         try { call = ['ok', await stub.bump()]; } catch (e) { call = [e.constructor.name]; }
         return Response.json([typeof stub.bump, call, typeof stub.fetch]);",
    )
}

/// workerd's `deleteAllDeletesAlarm` (compatibility-date.capnp): on from 2026-02-24, with
/// `delete_all_deletes_alarm` before, off with `delete_all_preserves_alarm`; a config without a
/// date runs at the newest.
#[test]
fn delete_all_deletes_the_alarm_from_2026_02_24_or_with_its_flag() {
    let alarm_after_delete_all = |toml: &str| {
        with_object(
            toml,
            "async run() {
               await this.ctx.storage.setAlarm(Date.now() + 60000);
               await this.ctx.storage.put('k', 1);
               await this.ctx.storage.deleteAll();
               return [await this.ctx.storage.getAlarm() !== null, (await this.ctx.storage.get('k')) ?? null];
             }
             alarm() {}",
            "return Response.json(await stub.run());",
        )
    };
    let kept = json!([true, null]);
    let deleted = json!([false, null]);
    for (toml, expected) in [
        ("compatibility_date = '2026-02-23'", &kept),
        ("compatibility_date = '2026-02-24'", &deleted),
        ("", &deleted),
        (
            "compatibility_date = '2026-02-23'\ncompatibility_flags = ['delete_all_deletes_alarm']",
            &deleted,
        ),
        (
            "compatibility_date = '2026-04-20'\ncompatibility_flags = ['delete_all_preserves_alarm']",
            &kept,
        ),
    ] {
        assert_eq!(&alarm_after_delete_all(toml), expected, "{toml}");
    }
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

/// What loading a config with `date` and `flags` says: its error, or its warnings.
fn loaded(date: &str, flags: &str) -> Result<Vec<String>, String> {
    let toml =
        format!("main = 'w.js'\ncompatibility_date = '{date}'\ncompatibility_flags = [{flags}]\n");
    WranglerConfig::parse("wrangler.toml", &toml)
        .map(|c| c.warnings())
        .map_err(|e| e.to_string())
}

#[test]
fn flags_workerd_refuses_stop_the_load_with_workerds_message() {
    assert_eq!(
        loaded("2026-04-20", "'rpc', 'no_rpc'").unwrap_err(),
        "wrangler.toml: Compatibility flags are mutually contradictory: rpc vs no_rpc"
    );
    assert_eq!(
        loaded("2026-04-20", "'nodejs_compat', 'nodejs_compat'").unwrap_err(),
        "wrangler.toml: Compatibility flag specified multiple times: nodejs_compat"
    );
    assert_eq!(
        loaded("2026-13-01", "").unwrap_err(),
        "wrangler.toml: Invalid compatibility date: 2026-13-01"
    );
}

#[test]
fn unknown_redundant_and_unswitched_flags_and_dates_are_each_one_warning() {
    assert_eq!(
        loaded("2026-04-20", "'nodejs_compat'").unwrap(),
        Vec::<String>::new()
    );
    assert_eq!(
        loaded(
            "2026-04-20",
            "'nodejs_compat_v3', 'rpc', 'streams_enable_constructors'"
        )
        .unwrap(),
        [
            "compatibility flag \"nodejs_compat_v3\" is not one workerd knows (as of 2026-08-22; \
             workerd refuses an unknown flag with \"No such compatibility flag: \
             nodejs_compat_v3\"): ignored",
            "The compatibility flag rpc became the default as of 2024-04-03 so does not need to \
             be specified anymore.",
            "The compatibility flag streams_enable_constructors became the default as of \
             2022-11-30 so does not need to be specified anymore.",
        ]
    );
    assert_eq!(
        loaded("2026-04-20", "'python_workers', 'url_original'").unwrap(),
        [
            "compatibility flag \"python_workers\" is not implemented by edgesim yet (ignored): \
             the Worker runs as if it were not set",
            "compatibility flag \"url_original\" turns off url_standard, which edgesim always \
             has on: ignored",
        ]
    );
    let old = loaded("2023-05-18", "").unwrap();
    assert_eq!(old.len(), 1, "{old:?}");
    assert!(
        old[0].starts_with("compatibility_date 2023-05-18 predates ")
            && old[0].contains("urlsearchparams_delete_has_value_arg (2023-07-01)"),
        "{}",
        old[0]
    );
}

/// A Worker that compiles a string at top level and answers with the result.
fn startup_eval(toml: &str) -> Result<serde_json::Value, String> {
    let config = WranglerConfig::parse("wrangler.toml", toml).unwrap();
    let source = "const doubled = new Function('a', 'return a * 2');\nconst n = eval('20 + 1');\n\
                  export default { fetch() { return Response.json(doubled(n)); } };";
    let worker = WorkerDefinition::from_sources(config, "w.js", &[("w.js", source)]);
    match Run::default().fetch(&worker, get("https://example.com/")) {
        Ok(x) => Ok(body_json(&x.response)),
        Err(e) => Err(e.to_string()),
    }
}

#[test]
fn eval_at_startup_works_from_2025_06_01_or_with_allow_eval_during_startup() {
    assert_eq!(
        startup_eval("compatibility_date = '2025-06-01'"),
        Ok(json!(42))
    );
    let flagged =
        "compatibility_date = '2024-01-01'\ncompatibility_flags = ['allow_eval_during_startup']";
    assert_eq!(startup_eval(flagged), Ok(json!(42)));
    for toml in [
        "compatibility_date = '2025-05-31'",
        "compatibility_date = '2026-01-01'\ncompatibility_flags = ['disallow_eval_during_startup']",
    ] {
        let refused = startup_eval(toml).expect_err(toml);
        assert!(
            refused.contains(
                "Uncaught EvalError: Code generation from strings disallowed for this context"
            ),
            "{toml}: {refused}"
        );
    }
}
