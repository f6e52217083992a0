//! The shipped service-bindings scenario: a gateway Worker calls an auth Worker over JS RPC and
//! HTTP through `services` bindings, at the caller's colo, and replays byte for byte.

use std::path::Path;

use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::run;
use edgesim_sim::trace::TraceEvent;

fn service_bindings() -> LoadedScenario {
    LoadedScenario::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/service-bindings.yaml"),
    )
    .unwrap()
}

#[test]
fn rpc_between_workers_answers_with_the_callees_values_and_errors() {
    let s = service_bindings();
    let out = run(&s, s.scenario.seed.unwrap()).unwrap();
    assert!(out.passed(), "{:#?}", out.verdicts);
    let body = |label: &str, colo: &str| {
        let r = out
            .requests
            .iter()
            .find(|r| r.label.as_deref() == Some(label) && &*r.colo == colo)
            .unwrap_or_else(|| panic!("a {label} request at {colo}"));
        r.body.clone()
    };
    // Each colo runs its own auth isolate, so its count starts over.
    assert_eq!(body("known", "LHR"), r#"{"user":"ada","calls":1}"#);
    assert_eq!(body("known", "SYD"), r#"{"user":"grace","calls":1}"#);
    assert_eq!(
        body("unknown", "SYD"),
        r#"{"error":"RangeError: unknown token for gateway","remote":true}"#
    );
    assert_eq!(body("health", "LHR"), "auth ok");
}

#[test]
fn a_service_call_runs_at_the_callers_colo_and_is_traced_as_a_call() {
    let s = service_bindings();
    let out = run(&s, s.scenario.seed.unwrap()).unwrap();
    let calls: Vec<(String, String, String, String)> = out
        .trace
        .events
        .iter()
        .filter_map(|e| match e {
            TraceEvent::ServiceCall {
                colo,
                from,
                to,
                method,
                ..
            } => Some((colo.clone(), from.clone(), to.clone(), method.clone())),
            _ => None,
        })
        .take(4)
        .collect();
    let call =
        |colo: &str, method: &str| (colo.into(), "gateway".into(), "auth".into(), method.into());
    assert_eq!(
        calls,
        vec![
            call("LHR", "verify"),
            call("LHR", "callsSoFar"),
            call("SYD", "verify"),
            call("SYD", "callsSoFar")
        ]
    );
    let auth_starts: Vec<&str> = out
        .trace
        .events
        .iter()
        .filter_map(|e| match e {
            TraceEvent::ColdStart { colo, worker, .. } if worker == "auth" => Some(colo.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(auth_starts, vec!["LHR", "SYD"]);
    let logged = out.trace.events.iter().any(|e| {
        matches!(e, TraceEvent::ServiceLog { message, .. } if message == "verified ada for gateway")
    });
    assert!(logged, "the callee's console lines are in the trace");
}

#[test]
fn service_bindings_scenario_replays_identically() {
    let s = service_bindings();
    for seed in 0..3 {
        let a = run(&s, seed).unwrap();
        let b = run(&s, seed).unwrap();
        assert_eq!(a.trace.hash(), b.trace.hash(), "seed {seed}");
    }
}

/// Two Workers in a fresh directory: `caller` binds `consumer` (and a Worker that does not
/// exist) under `service_binding_extra_handlers`, and answers what their handlers returned.
fn extra_handlers_scenario() -> LoadedScenario {
    let files = [
        (
            "caller/wrangler.toml",
            "name = \"caller\"\nmain = \"index.js\"\ncompatibility_date = \"2025-06-01\"\n\
             compatibility_flags = [\"service_binding_extra_handlers\"]\n\
             services = [{ binding = \"CONSUMER\", service = \"consumer\" }, \
             { binding = \"GONE\", service = \"gone\" }]\n",
        ),
        (
            "caller/index.js",
            r#"export default {
  async fetch(request, env) {
    const scheduled = await env.CONSUMER.scheduled({ cron: "*/5 * * * *", scheduledTime: new Date(60000) });
    const queue = await env.CONSUMER.queue("jobs", [
      { id: "a", timestamp: new Date(0), body: { n: 1 }, attempts: 1 },
      { id: "b", timestamp: new Date(0), body: { n: 2 }, attempts: 2 },
    ]);
    const failed = await env.CONSUMER.scheduled({ cron: "fail" });
    const gone = await env.GONE.queue("jobs", []).catch((e) => `${e.name}: ${e.message}`);
    return Response.json({ scheduled, queue, failed, gone });
  },
};"#,
        ),
        (
            "consumer/wrangler.toml",
            "name = \"consumer\"\nmain = \"index.js\"\ncompatibility_date = \"2025-06-01\"\n",
        ),
        (
            "consumer/index.js",
            r#"export default {
  async scheduled(controller) {
    if (controller.cron === "fail") throw new Error("cron failed");
    console.log(`tick ${controller.cron} at ${controller.scheduledTime}`);
  },
  async queue(batch) {
    for (const m of batch.messages) {
      if (m.body.n === 1) m.ack();
      else m.retry({ delaySeconds: 5 });
    }
  },
};"#,
        ),
    ];
    let yaml = "name: extra-handlers\nworkers:\n  caller: caller/wrangler.toml\n  \
                consumer: consumer/wrangler.toml\ntraffic:\n  \
                - { at: 0s, colo: LHR, worker: caller, url: / }\n";
    crate::common::scenario_with_files("extra-handlers", &files, yaml)
}

#[test]
fn scheduled_and_queue_on_a_binding_to_another_worker_run_its_handlers_and_answer_their_outcome() {
    let s = extra_handlers_scenario();
    let out = run(&s, 1).unwrap();
    let body: serde_json::Value = serde_json::from_str(&out.requests[0].body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "scheduled": { "outcome": "ok", "noRetry": false },
            "queue": {
                "outcome": "ok",
                "ackAll": false,
                "retryBatch": { "retry": false },
                "explicitAcks": ["a"],
                "retryMessages": [{ "msgId": "b", "delaySeconds": 5 }],
            },
            "failed": { "outcome": "exception", "noRetry": false },
            "gone": "Error: Worker \"gone\" not found. Make sure it is running locally.",
        })
    );
    let calls: Vec<(&str, &str)> = (out.trace.events.iter())
        .filter_map(|e| match e {
            TraceEvent::ServiceCall { to, method, .. } => Some((to.as_str(), method.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        calls,
        vec![
            ("consumer", "scheduled"),
            ("consumer", "queue"),
            ("consumer", "scheduled")
        ]
    );
}
