//! Durable Objects of one Worker at one colo share isolates, as in production ("a given
//! instance of a Durable Object may share global memory with other instances defined in the
//! same Worker code", in-memory-state.mdx): module-level state and the 128 MB limit are common
//! to them, while each object keeps its own instance, eviction and resets.

use crate::common;

use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::{RunOutput, run};
use edgesim_sim::trace::TraceEvent;

const WORKER: &str = r#"
import { DurableObject } from "cloudflare:workers";

// Module-level: one count for every object the isolate holds.
let instances = 0;

export class Room extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.number = ++instances;
    this.calls = 0;
  }
  async fetch(request) {
    const url = new URL(request.url);
    this.calls++;
    if (url.pathname === "/hoard") {
      this.kept = new Uint8Array(Number(url.searchParams.get("mb")) * 1024 * 1024).fill(1);
    }
    if (url.pathname === "/break") this.ctx.abort("broken on purpose");
    return Response.json({ instances, number: this.number, calls: this.calls });
  }
}

export default {
  fetch(request, env) {
    const name = new URL(request.url).searchParams.get("o");
    return env.ROOM.getByName(name).fetch(request);
  },
};
"#;

const WRANGLER: &str = r#"
name = "rooms"
main = "w.js"
compatibility_date = "2026-04-20"

[[durable_objects.bindings]]
name = "ROOM"
class_name = "Room"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["Room"]
"#;

/// Requests to the rooms at LHR: (at, path and query), one after another.
fn rooms(tag: &str, platform: &str, requests: &[(&str, &str)]) -> LoadedScenario {
    let traffic: String = (requests.iter())
        .map(|(at, url)| format!("  - {{ at: {at}, colo: LHR, worker: app, url: \"{url}\" }}\n"))
        .collect();
    let body = format!("colos: [LHR]\n{platform}traffic:\n{traffic}");
    common::scenario_with_worker(tag, &[("wrangler.toml", WRANGLER), ("w.js", WORKER)], &body)
}

/// Each request's answer, in the order sent: (status, instances, number, calls).
fn answers(out: &RunOutput) -> Vec<(u16, u64, u64, u64)> {
    let mut records: Vec<_> = out.requests.iter().collect();
    records.sort_by_key(|r| r.at_ms);
    (records.iter())
        .map(|r| {
            let v: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
            let n = |k: &str| v[k].as_u64().unwrap_or(0);
            (
                r.status.unwrap_or(0),
                n("instances"),
                n("number"),
                n("calls"),
            )
        })
        .collect()
}

fn object_starts(out: &RunOutput) -> Vec<f64> {
    (out.trace.events.iter())
        .filter_map(|e| match e {
            TraceEvent::ObjectStart {
                startup_cpu_used_ms,
                ..
            } => Some(*startup_cpu_used_ms),
            _ => None,
        })
        .collect()
}

fn resets(out: &RunOutput) -> Vec<String> {
    (out.trace.events.iter())
        .filter_map(|e| match e {
            TraceEvent::ObjectReset { reason, .. } => Some(reason.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn objects_of_one_worker_at_one_colo_share_module_state_and_one_cold_start() {
    let s = rooms(
        "share",
        "",
        &[("0s", "/?o=a"), ("1s", "/?o=b"), ("2s", "/?o=c")],
    );
    let out = run(&s, 1).unwrap();
    assert_eq!(
        answers(&out),
        vec![(200, 1, 1, 1), (200, 2, 2, 1), (200, 3, 3, 1)]
    );
    let starts = object_starts(&out);
    assert_eq!(starts.len(), 3);
    assert!(starts[0] > 0.0, "the first object pays the cold start");
    assert_eq!(&starts[1..], &[0.0, 0.0], "the others join its isolate");
}

#[test]
fn an_isolate_past_objects_per_isolate_live_objects_sends_the_next_to_another() {
    let platform = "platform: { objects_per_isolate: 2 }\n";
    let s = rooms(
        "capacity",
        platform,
        &[("0s", "/?o=a"), ("1s", "/?o=b"), ("2s", "/?o=c")],
    );
    let out = run(&s, 1).unwrap();
    // The third object starts a second isolate: its module count starts again.
    assert_eq!(
        answers(&out),
        vec![(200, 1, 1, 1), (200, 2, 2, 1), (200, 1, 1, 1)]
    );
    let starts = object_starts(&out);
    assert!(starts[2] > 0.0, "a new isolate is a cold start");
}

#[test]
fn objects_sharing_an_isolate_share_its_128_mb_and_are_reset_together() {
    let s = rooms(
        "memory",
        "",
        &[
            ("0s", "/hoard?o=a&mb=80"),
            ("1s", "/hoard?o=b&mb=80"),
            ("2s", "/?o=a"),
        ],
    );
    let out = run(&s, 1).unwrap();
    let answers = answers(&out);
    assert_eq!(answers[0], (200, 1, 1, 1));
    assert_eq!(
        answers[1].0, 500,
        "b's call takes the isolate over its limit"
    );
    // a's instance went with the isolate: a fresh one in a fresh isolate.
    assert_eq!(answers[2], (200, 1, 1, 1));
    let resets = resets(&out);
    assert_eq!(resets.len(), 2, "{resets:?}");
    assert!(
        (resets.iter()).all(|r| r.contains("exceeded its memory limit")),
        "{resets:?}"
    );
}

#[test]
fn a_reset_or_an_eviction_takes_one_object_and_leaves_its_neighbours() {
    let mut requests = vec![("0s", "/?o=a"), ("1s", "/?o=b"), ("2s", "/break?o=a")];
    requests.extend([("3s", "/?o=b"), ("4s", "/?o=a")]);
    // b stays busy while a sits idle past its eviction (70–140 s).
    let busy = ["30s", "60s", "90s", "120s", "150s", "180s"];
    requests.extend(busy.iter().map(|at| (*at, "/?o=b")));
    requests.push(("200s", "/?o=a"));
    let s = rooms("neighbours", "", &requests);
    let out = run(&s, 1).unwrap();
    let answers = answers(&out);
    // a's abort resets a alone: b keeps its instance and its count of calls.
    assert_eq!(answers[2].0, 500);
    assert_eq!(answers[3], (200, 2, 2, 2));
    assert_eq!(answers[4], (200, 3, 3, 1), "a restarts in the same isolate");
    assert_eq!(answers[5..11].last(), Some(&(200, 3, 2, 8)));
    // a was evicted alone; the isolate lived on with b, so its module count goes on.
    assert_eq!(answers[11], (200, 4, 4, 1));
    let evicted: Vec<&str> = (out.trace.events.iter())
        .filter_map(|e| match e {
            TraceEvent::ObjectEvicted { object, .. } => Some(object.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(evicted.len(), 1, "{evicted:?}");
    assert_eq!(resets(&out).len(), 1);
}

#[test]
fn objects_per_isolate_must_be_at_least_one() {
    let error = common::parse_error("name: x\nplatform: { objects_per_isolate: 0 }\nworkers: {}\n");
    assert!(error.starts_with("bad.yaml:2:"), "{error}");
    assert!(
        error.contains("platform.objects_per_isolate must be at least 1"),
        "{error}"
    );
}
