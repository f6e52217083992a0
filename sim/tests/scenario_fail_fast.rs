//! Expectations checked as the run goes: a violation is reported with the simulated time it
//! happened and what witnessed it, and `--fail-fast` ends the run there.

use crate::common;

use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::{RunOptions, run, run_with};
use edgesim_sim::trace::TraceEvent;

const WORKER: &str = r#"
export default {
  fetch(request) {
    const bad = new URL(request.url).pathname === "/bad";
    return new Response(bad ? "broken" : "ok", { status: bad ? 500 : 200 });
  },
};
"#;

const WRANGLER: &str = "name = \"app\"\nmain = \"w.js\"\ncompatibility_date = \"2026-04-20\"\n";

/// The scenario after its `workers:` block: twenty good requests a second apart at LHR, one
/// bad one at 5 s, and `expect`.
fn body(expect: &str) -> String {
    format!(
        "colos: [LHR]\ntraffic:\n  \
         - {{ every: 1s, from: 0s, until: 19s, colo: LHR, worker: app, url: /ok }}\n  \
         - {{ at: 5s, colo: LHR, worker: app, url: /bad }}\n\
         expect:\n{expect}"
    )
}

fn scenario(tag: &str, expect: &str) -> LoadedScenario {
    let files = [("wrangler.toml", WRANGLER), ("w.js", WORKER)];
    common::scenario_with_worker(tag, &files, &body(expect))
}

fn fail_fast() -> RunOptions {
    RunOptions {
        fail_fast: true,
        ..RunOptions::default()
    }
}

#[test]
fn a_status_violation_names_when_it_happened_and_the_request_that_did_it() {
    let s = scenario("status", "  - { status_in: [200] }\n");
    let out = run(&s, 1).unwrap();
    assert_eq!(
        out.requests.len(),
        21,
        "without --fail-fast the run goes on"
    );
    assert_eq!(out.stopped_at_ms, None);
    let verdict = &out.verdicts[0];
    assert!(!verdict.ok);
    let bad = (out.requests.iter())
        .find(|r| r.url.ends_with("/bad"))
        .unwrap();
    let answered_ms = bad.at_ms + bad.latency_ms.unwrap();
    let expected = format!(
        "1 of 21 request(s) violate it, e.g. [\"GET {0} at 5000ms from LHR -> 500\"]; \
         first violated at {answered_ms}ms by GET {0} at 5000ms from LHR -> 500",
        bad.url
    );
    assert_eq!(verdict.detail, expected);
}

#[test]
fn fail_fast_ends_the_run_at_the_first_violation_and_replays_identically() {
    let s = scenario(
        "stop",
        "  - { status_in: [200] }\n  - { cold_starts_max: 5 }\n",
    );
    let out = run_with(&s, 1, fail_fast()).unwrap();
    let bad = (out.requests.iter())
        .find(|r| r.url.ends_with("/bad"))
        .unwrap();
    let answered_ms = bad.at_ms + bad.latency_ms.unwrap();
    assert_eq!(out.stopped_at_ms, Some(answered_ms));
    // The run holds what was answered by then: the requests of 0..4 s and the bad one (5 s's
    // good one may be in flight still); nothing sent later.
    assert!(out.requests.len() >= 6, "{}", out.requests.len());
    assert!((out.requests.iter()).all(|r| r.at_ms <= 5000));
    assert!((out.requests.iter()).all(|r| r.at_ms + r.latency_ms.unwrap() <= answered_ms));
    let last_event_ms = (out.trace.events.iter())
        .filter_map(|e| match e {
            TraceEvent::Request { at_ms, .. } | TraceEvent::Response { at_ms, .. } => Some(*at_ms),
            _ => None,
        })
        .max();
    assert_eq!(last_event_ms, Some(answered_ms));
    assert!(!out.passed());
    assert!(out.verdicts[0].detail.contains("with --fail-fast"));
    // The expectation that held is judged over the run up to the stop, and says so.
    assert!(out.verdicts[1].ok, "{:?}", out.verdicts[1]);
    assert!(out.verdicts[1].detail.contains("the run stopped at"));
    let again = run_with(&s, 1, fail_fast()).unwrap();
    assert_eq!(out.trace.hash(), again.trace.hash());
}

#[test]
fn fail_fast_stops_at_the_cold_start_past_the_bound() {
    let s = scenario("cold", "  - { cold_starts_max: 0 }\n");
    let out = run_with(&s, 1, fail_fast()).unwrap();
    let cold_ms = (out.trace.events.iter())
        .find_map(|e| match e {
            TraceEvent::ColdStart { at_ms, .. } => Some(*at_ms),
            _ => None,
        })
        .unwrap();
    assert_eq!(out.stopped_at_ms, Some(cold_ms));
    assert_eq!(
        out.verdicts[0].detail,
        format!(
            "1 cold start(s); first violated at {cold_ms}ms by cold start 1 (app at LHR) \
             (the run stopped at {cold_ms}ms, the first violation, with --fail-fast)"
        )
    );
    // The first request was still in flight: it has no outcome to judge.
    assert!(out.requests.is_empty());
}

#[test]
fn a_passing_run_is_the_same_with_fail_fast() {
    let s = scenario("pass", "  - { status_in: [200, 500] }\n");
    let plain = run(&s, 1).unwrap();
    let fast = run_with(&s, 1, fail_fast()).unwrap();
    assert!(plain.passed() && fast.passed());
    assert_eq!(fast.stopped_at_ms, None);
    assert_eq!(plain.trace.hash(), fast.trace.hash());
    assert_eq!(plain.verdicts, fast.verdicts);
}

#[test]
fn the_cli_says_where_fail_fast_stopped_the_run() {
    let expect = "  - { status_in: [200] }\n";
    let s = scenario("cli", expect);
    let yaml = format!(
        "name: cli\nworkers:\n  app: wrangler.toml\n{}",
        body(expect)
    );
    std::fs::write(s.dir.join("cli.yaml"), yaml).unwrap();
    let out = common::edgesim_in(&s.dir, &["run", "cli.yaml", "--seed", "1", "--fail-fast"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("stopped at 50"), "{stdout}");
    assert!(stdout.contains("by --fail-fast"), "{stdout}");
}

#[test]
fn a_cpu_bound_is_checked_as_each_request_ends() {
    let s = scenario("cpu", "  - { cpu_ms_max: 0.000001 }\n");
    let out = run_with(&s, 1, fail_fast()).unwrap();
    let first = &out.requests[0];
    let answered_ms = first.at_ms + first.latency_ms.unwrap();
    assert_eq!(out.stopped_at_ms, Some(answered_ms));
    let witness = format!(
        "; first violated at {answered_ms}ms by GET {} at 0ms from LHR -> 200 used {:.3} ms (",
        first.url, first.cpu_used_ms
    );
    let detail = &out.verdicts[0].detail;
    assert!(detail.contains(&witness), "{detail}\n{witness}");
}
