//! Smart Placement: a Worker with `placement.mode = "smart"` runs at the run's colo nearest its
//! backends (the origins the scenario places), so its requests cross from the edge to there and
//! back while its subrequests stay short; `placement:` in a scenario says where explicitly.

use crate::common;

use common::one_way_ms as one_way;
use edgesim_sim::scenario::run::run;
use edgesim_sim::trace::TraceEvent;

/// Answers how long its fetch of the backend took, in ms.
const WORKER: &str = "export default { async fetch() {\n\
      const started = Date.now();\n\
      await (await fetch('https://db.internal/row')).text();\n\
      return new Response(String(Date.now() - started));\n\
    } };\n";

fn wrangler(smart: bool) -> String {
    let placement = if smart {
        "[placement]\nmode = \"smart\"\n"
    } else {
        ""
    };
    format!("name = \"app\"\nmain = \"index.js\"\ncompatibility_date = \"2026-04-01\"\n{placement}")
}

const BODY: &str = "colos: [SIN, IAD]\nduration: 5s\n\
    origins:\n  db.internal: { at: IAD, responses: [ { body: row } ] }\n\
    traffic:\n  - { at: 0s, colo: SIN, worker: app, url: / }\n";

/// The fetch's time as the Worker measured it: the round trip, plus up to 1 ms of its own.
fn fetch_ms(body: &str, round_trip_ms: u64) -> bool {
    body.parse::<u64>()
        .is_ok_and(|ms| (round_trip_ms..=round_trip_ms + 1).contains(&ms))
}

#[test]
fn a_smart_placed_worker_runs_near_its_backend_and_pays_the_hop_from_the_edge_instead() {
    let far = 2 * one_way("SIN", "IAD");
    let near = 2 * one_way("IAD", "IAD");
    let at_edge = common::scenario_with_worker(
        "placement-off",
        &[("wrangler.toml", &wrangler(false)), ("index.js", WORKER)],
        BODY,
    );
    let out = run(&at_edge, 1).unwrap();
    assert!(
        fetch_ms(&out.requests[0].body, far),
        "{}",
        out.requests[0].body
    );
    let edge_latency = out.requests[0].latency_ms.unwrap();

    let smart = common::scenario_with_worker(
        "placement-smart",
        &[("wrangler.toml", &wrangler(true)), ("index.js", WORKER)],
        BODY,
    );
    let out = run(&smart, 1).unwrap();
    // The fetch is local to Ashburn now; the request crossed from Singapore and back instead.
    assert!(
        fetch_ms(&out.requests[0].body, near),
        "{}",
        out.requests[0].body
    );
    // The far round trip moved from the fetch to the request, and the local fetch came on top
    // (give or take each fetch's own millisecond).
    let latency = out.requests[0].latency_ms.unwrap();
    assert!(
        latency.abs_diff(edge_latency + near) <= 1,
        "{latency} vs {edge_latency}"
    );
    let placed: Vec<(String, String)> = (out.trace.events.iter())
        .filter_map(|e| match e {
            TraceEvent::PlacedAway { edge, runs_at, .. } => Some((edge.clone(), runs_at.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(placed, [("SIN".to_string(), "IAD".to_string())]);
}

#[test]
fn a_scenarios_placement_runs_a_worker_where_it_says() {
    let s = common::scenario_with_worker(
        "placement-explicit",
        &[("wrangler.toml", &wrangler(false)), ("index.js", WORKER)],
        &format!("placement: {{ app: IAD }}\n{BODY}"),
    );
    let out = run(&s, 1).unwrap();
    assert!(
        fetch_ms(&out.requests[0].body, 2 * one_way("IAD", "IAD")),
        "{}",
        out.requests[0].body
    );
}

#[test]
fn a_placement_of_an_unknown_worker_or_outside_the_run_is_refused() {
    common::assert_refused(
        "name: x\ncolos: [SIN]\nworkers: { app: w/wrangler.toml }\nplacement: { api: SIN }\n",
        "placement: \"api\" is not one of the scenario's workers",
    );
    common::assert_refused(
        "name: x\ncolos: [SIN]\nworkers: { app: w/wrangler.toml }\nplacement: { app: IAD }\n",
        "placement: app: \"IAD\" is not one of the run's colos",
    );
}
