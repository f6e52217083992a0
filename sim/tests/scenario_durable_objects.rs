//! The shipped Durable Object counter scenario: linearizable through a host crash and a failed
//! write, and the checker's teeth — a counter that awaits a timer between its read and its
//! write loses updates, and the checker names the calls that prove it.

use crate::common;

use std::path::{Path, PathBuf};

use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::run;
use edgesim_sim::trace::TraceEvent;

fn do_counter() -> LoadedScenario {
    LoadedScenario::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/do-counter.yaml"),
    )
    .unwrap()
}

#[test]
fn do_counter_stays_linearizable_through_a_host_crash_and_a_failed_write() {
    let s = do_counter();
    let out = run(&s, s.scenario.seed.unwrap()).unwrap();
    assert!(out.passed(), "{:#?}", out.verdicts);
    let unavailable = out
        .requests
        .iter()
        .filter(|r| r.status == Some(503))
        .count();
    assert!(unavailable > 0, "the faults must make some calls fail");
    let resets: Vec<&str> = out
        .trace
        .events
        .iter()
        .filter_map(|e| match e {
            TraceEvent::ObjectReset { reason, .. } => Some(reason.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        resets,
        vec![
            "Network connection lost.",
            "Internal error in Durable Object storage caused object to be reset."
        ]
    );
}

#[test]
fn do_counter_replays_identically() {
    let s = do_counter();
    for seed in 0..5 {
        let a = run(&s, seed).unwrap();
        let b = run(&s, seed).unwrap();
        assert_eq!(a.trace.hash(), b.trace.hash(), "seed {seed}");
        assert!(a.passed(), "seed {seed}: {:#?}", a.verdicts);
    }
}

/// The shipped scenario, pointed at a counter that awaits a timer between read and write.
fn racy() -> LoadedScenario {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("racy-counter");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/workers/do-counter");
    std::fs::copy(shipped.join("wrangler.toml"), dir.join("wrangler.toml")).unwrap();
    let source = std::fs::read_to_string(shipped.join("src/index.ts")).unwrap();
    let racy = source.replace(
        "await this.ctx.storage.put(\"value\", value);",
        "await new Promise((r) => setTimeout(r, 5));\n    await this.ctx.storage.put(\"value\", value);",
    );
    assert_ne!(racy, source, "the planted race must change the Worker");
    std::fs::write(dir.join("src/index.ts"), racy).unwrap();
    let mut s = do_counter();
    s.scenario.workers.insert(
        "app".into(),
        edgesim_sim::scenario::model::WorkerSpec::Path(
            dir.join("wrangler.toml").display().to_string(),
        ),
    );
    s.scenario.faults.clear();
    s
}

#[test]
fn a_counter_that_awaits_between_read_and_write_is_caught_losing_updates() {
    let s = racy();
    let out = run(&s, 1).unwrap();
    let verdict = |name: &str| {
        out.verdicts
            .iter()
            .find(|v| v.expectation.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} verdict"))
            .clone()
    };
    let linearizable = verdict("linearizable");
    assert!(!linearizable.ok);
    assert!(
        linearizable
            .detail
            .contains("can be ordered; none of these can come next: [\"call #"),
        "{}",
        linearizable.detail
    );
    assert!(!verdict("no_lost_acknowledged_writes").ok);
}

/// A scenario of `colos` whose Worker calls one object, with `get(id, options)`.
fn placement(colos: &str, options: &str) -> LoadedScenario {
    let config = "name = \"place\"\nmain = \"w.js\"\n[[durable_objects.bindings]]\nname = \"OBJ\"\nclass_name = \"Obj\"\n[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"Obj\"]\n";
    let source = format!(
        "import {{ DurableObject }} from 'cloudflare:workers';
         export class Obj extends DurableObject {{ ping() {{ return 'pong'; }} }}
         export default {{ async fetch(request, env) {{
           const stub = env.OBJ.get(env.OBJ.idFromName('x'), {options});
           return new Response(await stub.ping());
         }} }};"
    );
    common::scenario_with_worker(
        &format!("placement{colos}{options}"),
        &[("wrangler.toml", config), ("w.js", &source)],
        &format!("colos: [{colos}]\ntraffic:\n  - {{ at: 0s, colo: LHR, worker: app, url: / }}\n"),
    )
}

fn started_at(s: &LoadedScenario) -> Vec<String> {
    let out = run(s, 1).unwrap();
    assert_eq!(out.requests[0].status, Some(200));
    out.trace
        .events
        .iter()
        .filter_map(|e| match e {
            TraceEvent::ObjectStart { colo, .. } => Some(colo.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn do_object_is_placed_where_it_is_first_called() {
    assert_eq!(started_at(&placement("LHR, SIN", "{}")), vec!["LHR"]);
}

#[test]
fn do_location_hint_places_a_new_object_in_that_region() {
    assert_eq!(
        started_at(&placement("LHR, SIN, SYD", "{ locationHint: 'apac' }")),
        vec!["SIN"]
    );
    // Best effort: no colo of the run is in the region, so the object stays with its caller.
    assert_eq!(
        started_at(&placement("LHR, FRA", "{ locationHint: 'apac' }")),
        vec!["LHR"]
    );
}

#[test]
fn do_console_output_reaches_the_trace() {
    let config = "name = \"logs\"\nmain = \"w.js\"\n[[durable_objects.bindings]]\nname = \"OBJ\"\nclass_name = \"Obj\"\n[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"Obj\"]\n";
    let source = "import { DurableObject } from 'cloudflare:workers';
        export class Obj extends DurableObject { ping() { console.log('hello from', this.ctx.id.name); return 'pong'; } }
        export default { async fetch(request, env) { return new Response(await env.OBJ.getByName('x').ping()); } };";
    let s = common::scenario_with_worker(
        "object-logs",
        &[("wrangler.toml", config), ("w.js", source)],
        "colos: [LHR]\ntraffic:\n  - { at: 0s, colo: LHR, worker: app, url: / }\n",
    );
    let out = run(&s, 1).unwrap();
    let logs: Vec<(&str, &str)> = out
        .trace
        .events
        .iter()
        .filter_map(|e| match e {
            TraceEvent::ObjectLog { level, message, .. } => {
                Some((level.as_str(), message.as_str()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(logs, vec![("log", "hello from x")]);
}
