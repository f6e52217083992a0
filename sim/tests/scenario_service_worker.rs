//! The service-worker format in a shipped scenario (scenarios/service-worker.yaml): listeners
//! on the global scope answer requests, bindings are globals, `waitUntil` work lands after the
//! response, a cron trigger reaches the `scheduled` listener as a ScheduledEvent, default
//! handling and passThroughOnException() hand requests to the origin.

use std::path::{Path, PathBuf};

use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::{RunOutput, run};

fn shipped() -> RunOutput {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/service-worker.yaml");
    let scenario = LoadedScenario::load(&path).unwrap();
    run(&scenario, 11).unwrap()
}

fn bodies<'a>(out: &'a RunOutput, label: &str) -> Vec<(&'a str, Option<u16>, &'a str)> {
    (out.requests.iter())
        .filter(|r| r.label.as_deref() == Some(label))
        .map(|r| (&*r.url, r.status, r.body.as_str()))
        .collect()
}

#[test]
fn a_service_worker_link_shortener_passes_its_expectations() {
    let out = shipped();
    assert!(out.passed(), "{:?}", out.verdicts);
    assert_eq!(
        bodies(&out, "create"),
        vec![(
            "https://links.example.com/links",
            Some(201),
            "https://sho.rt/docs\n"
        )]
    );
    let follows = out
        .requests
        .iter()
        .filter(|r| r.label.as_deref() == Some("follow"));
    for r in follows {
        assert_eq!(
            (r.headers.as_ref())
                .and_then(|h| h.get("location"))
                .and_then(|v| v.as_str()),
            Some("https://developers.cloudflare.com/workers/")
        );
    }
}

#[test]
fn requests_a_service_worker_does_not_answer_go_to_the_origin() {
    let out = shipped();
    let origin = bodies(&out, "origin");
    assert_eq!(origin[0].0, "https://links.example.com/static/logo.svg");
    assert!(origin[0].2.starts_with("<svg"), "{origin:?}");
    assert_eq!(origin[1].0, "https://links.example.com/legacy/about.html");
    assert!(origin[1].2.contains("Served by the origin."), "{origin:?}");
    // Default handling is no failure; the throw that passThroughOnException() covered is.
    let outcomes: Vec<_> = (out.requests.iter())
        .filter(|r| r.label.as_deref() == Some("origin"))
        .map(|r| r.outcome)
        .collect();
    assert_eq!(outcomes, vec![Some("ok"), Some("exception")]);
}

#[test]
fn the_scheduled_listener_gets_a_scheduled_event_each_cron_minute() {
    let out = shipped();
    let fired: Vec<(u64, Option<&str>)> = (out.scheduled.iter())
        .map(|s| (s.at_ms, s.outcome.as_deref()))
        .collect();
    assert_eq!(fired, vec![(120_000, Some("ok")), (240_000, Some("ok"))]);
    let digest = bodies(&out, "digest");
    let digest: serde_json::Value = serde_json::from_str(digest[0].2).unwrap();
    assert_eq!(digest["cron"], "*/2 * * * *");
    assert_eq!(
        digest["scheduledTime"],
        edgesim_sim::host::DEFAULT_EPOCH_MS + 240_000
    );
    // 29 follows by 240 s (LHR every 10 s from 5 s, NRT every 15 s from 72 s, to 200 s), but
    // the count is a KV read-modify-write: each colo reads its own cached count, so Tokyo's
    // increments are overwritten by London's and only London's 20 survive.
    assert_eq!(
        (out.requests.iter())
            .filter(|r| r.label.as_deref() == Some("follow"))
            .count(),
        29
    );
    assert_eq!(digest["hits"]["docs"], 20);
}

/// The ScheduledEvent itself as workerd showed it to `service-worker/scheduled.js`
/// (conformance/reference/workerd/results/service-worker.json).
#[test]
fn a_scheduled_event_has_workerd_s_shape() {
    let dir = std::env::temp_dir().join(format!("edgesim-sw-cron-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../conformance/reference/workerd/service-worker/scheduled.js");
    std::fs::copy(&script, dir.join("scheduled.js")).unwrap();
    std::fs::write(
        dir.join("wrangler.toml"),
        "main = 'scheduled.js'\ncompatibility_date = '2026-04-01'\n\
         [[kv_namespaces]]\nbinding = 'KV'\nid = 'kv'\n[triggers]\ncrons = ['*/5 * * * *']\n",
    )
    .unwrap();
    let text = format!(
        "name: c\nduration: 6m\ncolos: [LHR]\nworkers:\n  app: {}\n\
         traffic:\n  - {{ at: 0s, colo: LHR, worker: app, url: / }}\n  - {{ at: 301s, colo: LHR, worker: app, url: / }}\n",
        dir.join("wrangler.toml").display()
    );
    let out = run(
        &LoadedScenario::parse("c.yaml", &text, PathBuf::from(".")).unwrap(),
        1,
    )
    .unwrap();
    assert_eq!(out.requests[0].body, "no run yet");
    let seen: serde_json::Value = serde_json::from_str(&out.requests[1].body).unwrap();
    let time = edgesim_sim::host::DEFAULT_EPOCH_MS + 300_000;
    let recorded = format!(
        r#"{{"type":"scheduled","cron":"*/5 * * * *","scheduledTime":{time},"isScheduledEvent":true,"isExtendableEvent":true,"tag":"[object ScheduledEvent]","ownKeys":["cron","scheduledTime","actorState"],"noRetry":"function"}}"#
    );
    assert_eq!(
        seen,
        serde_json::from_str::<serde_json::Value>(&recorded).unwrap()
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// The shipped queue project's Worker (scenarios/workers/queue-app) rewritten in the
/// service-worker format: its `queue` listener gets a QueueEvent with the batch's messages and
/// decides each inside `event.waitUntil`.
const QUEUE_WORKER: &str = r#"
addEventListener("fetch", (event) => event.respondWith(handle(event.request)));

async function handle(request) {
  const name = new URL(request.url).pathname.replace(/^\/jobs\//, "");
  if (request.method === "POST") {
    await JOBS.send({ name });
    return new Response("queued", { status: 202 });
  }
  const done = await RESULTS.get("done:" + name);
  if (done !== null) return new Response(done);
  const dead = await RESULTS.get("dead:" + name);
  if (dead !== null) return new Response(dead, { status: 410 });
  return new Response("pending", { status: 404 });
}

addEventListener("queue", (event) => {
  if (!(event instanceof ExtendableEvent) || event.type !== "queue") throw new Error("not a QueueEvent");
  event.waitUntil((async () => {
    for (const message of event.messages) {
      const { name } = message.body;
      if (event.queue === "jobs-dlq") {
        await RESULTS.put("dead:" + name, `dead after ${message.attempts} attempt(s) in the DLQ`);
        message.ack();
      } else if (name === "poison") {
        message.retry();
      } else {
        await RESULTS.put("done:" + name, `done on attempt ${message.attempts}`);
        message.ack();
      }
    }
  })());
});
"#;

#[test]
fn a_service_worker_queue_listener_acks_and_retries_as_the_module_consumer_does() {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let dir = std::env::temp_dir().join(format!("edgesim-sw-queue-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::copy(
        shipped.join("workers/queue-app/wrangler.toml"),
        dir.join("wrangler.toml"),
    )
    .unwrap();
    std::fs::write(dir.join("src/index.js"), QUEUE_WORKER).unwrap();
    let text = std::fs::read_to_string(shipped.join("queue-dead-letter.yaml"))
        .unwrap()
        .replace(
            "workers/queue-app/wrangler.toml",
            &dir.join("wrangler.toml").display().to_string(),
        );
    let service_worker = run(
        &LoadedScenario::parse("q.yaml", &text, shipped.clone()).unwrap(),
        13,
    )
    .unwrap();
    let modules = run(
        &LoadedScenario::load(&shipped.join("queue-dead-letter.yaml")).unwrap(),
        13,
    )
    .unwrap();
    assert!(service_worker.passed(), "{:?}", service_worker.verdicts);
    let answers = |out: &RunOutput| -> Vec<(String, Option<u16>, String)> {
        (out.requests.iter())
            .map(|r| (r.url.to_string(), r.status, r.body.clone()))
            .collect()
    };
    assert_eq!(answers(&service_worker), answers(&modules));
    assert!(
        answers(&service_worker).contains(&(
            "https://app.example.com/jobs/poison".to_string(),
            Some(410),
            "dead after 1 attempt(s) in the DLQ".to_string()
        )),
        "{:?}",
        answers(&service_worker)
    );
    std::fs::remove_dir_all(&dir).ok();
}
