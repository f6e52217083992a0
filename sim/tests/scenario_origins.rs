//! A Worker's `fetch()` to the Internet reaches the origins a scenario declares — a Worker
//! acting as the origin, a directory of files, canned responses — each at a place on the
//! network, and a host nobody declared fails as production fails to reach one.

use crate::common;

use edgesim_sim::scenario::run::run;
use edgesim_sim::world::colos::built_in;
use edgesim_sim::world::network::Network;

/// Fetches `https://<host><path>` for the request `/<host><path>` and answers
/// `<status> <ms the fetch took> <content-type> <body>` (or `<error name>: <ms> <message>`).
const PROXY: &str = "export default { async fetch(request) {
    const u = new URL(request.url);
    const started = Date.now();
    try {
      const r = await fetch('https:/' + u.pathname + u.search, { method: request.method });
      return new Response(`${r.status} ${Date.now() - started} ${r.headers.get('content-type')} ${await r.text()}`);
    } catch (e) {
      return new Response(`${e.name}: ${Date.now() - started} ${e.message}`);
    }
  } };";

const COUNTER_ORIGIN: &str = "let served = 0;
  export default { fetch(request) {
    served += 1;
    return new Response(`served ${served} ${new URL(request.url).pathname}`);
  } };";

fn proxy_scenario(
    tag: &str,
    origins: &str,
    traffic: &str,
) -> edgesim_sim::scenario::LoadedScenario {
    common::scenario_with_worker(
        tag,
        &[
            ("wrangler.toml", "name = \"proxy\"\nmain = \"proxy.js\"\n"),
            ("proxy.js", PROXY),
            ("origin/counter.js", COUNTER_ORIGIN),
            ("origin/site/index.html", "<h1>home</h1>\n"),
            ("origin/site/docs/guide.html", "guide\n"),
            ("origin/site/logo.svg", "<svg/>"),
        ],
        &format!("colos: [LHR, SIN]\norigins:\n{origins}traffic:\n{traffic}"),
    )
}

/// The proxy's bodies with the time its fetch took replaced by `~N`, N the round trip in whole
/// ms: `Date.now()` is frozen from the request's start, so the Worker's own CPU before its
/// `fetch()` (well under a millisecond) may carry the reading one millisecond past N.
fn timed(out: &edgesim_sim::scenario::run::RunOutput, expected_ms: &[u64]) -> Vec<String> {
    out.requests
        .iter()
        .zip(expected_ms)
        .map(|(r, want)| {
            let mut parts = r.body.splitn(3, ' ');
            let (status, took, rest) = (parts.next(), parts.next(), parts.next());
            let took: u64 = took.and_then(|t| t.parse().ok()).unwrap_or(u64::MAX);
            let mark = if (*want..=want + 1).contains(&took) {
                format!("~{want}")
            } else {
                took.to_string()
            };
            format!("{} {mark} {}", status.unwrap_or(""), rest.unwrap_or(""))
        })
        .collect()
}

#[test]
fn an_origin_worker_at_a_colo_costs_the_round_trip_to_it_and_keeps_its_state() {
    let s = proxy_scenario(
        "origin-worker-placed",
        "  api.example.com: { at: IAD, worker: origin/counter.js }\n",
        "  - { at: 0s, colo: LHR, worker: app, url: /api.example.com/a }\n\
         \x20 - { at: 1s, colo: LHR, worker: app, url: /api.example.com/b }\n\
         \x20 - { at: 2s, colo: SIN, worker: app, url: /api.example.com/c }\n",
    );
    let out = run(&s, 1).unwrap();
    let mut net = Network::default();
    for c in ["LHR", "SIN", "IAD"] {
        net.add_colo(&built_in(c).unwrap());
    }
    let lhr = 2 * net.one_way_ms("LHR", "IAD");
    let sin = 2 * net.one_way_ms("SIN", "IAD");
    assert!(
        sin > lhr + 100,
        "Singapore is further from Ashburn than London"
    );
    // The origin's first request starts its isolate: 2 ms of engine start, no startup CPU.
    let colos: Vec<&str> = out.requests.iter().map(|r| &*r.colo).collect();
    assert_eq!(colos, ["LHR", "LHR", "SIN"]);
    assert_eq!(
        timed(&out, &[lhr + 2, lhr, sin]),
        vec![
            format!("200 ~{} text/plain;charset=UTF-8 served 1 /a", lhr + 2),
            format!("200 ~{lhr} text/plain;charset=UTF-8 served 2 /b"),
            format!("200 ~{sin} text/plain;charset=UTF-8 served 3 /c"),
        ]
    );
}

#[test]
fn a_static_origin_serves_its_files_with_their_types_and_answers_404_and_405() {
    let s = proxy_scenario(
        "origin-static",
        "  cdn.example.com: { static: origin/site }\n",
        "  - { at: 0s, colo: LHR, worker: app, url: /cdn.example.com/ }\n\
         \x20 - { at: 1s, colo: LHR, worker: app, url: /cdn.example.com/docs/guide }\n\
         \x20 - { at: 2s, colo: LHR, worker: app, url: /cdn.example.com/logo.svg }\n\
         \x20 - { at: 3s, colo: LHR, worker: app, url: /cdn.example.com/missing.png }\n\
         \x20 - { at: 4s, colo: LHR, worker: app, method: POST, url: /cdn.example.com/ }\n",
    );
    let out = run(&s, 1).unwrap();
    // Without `at:`, an origin is 10 ms from every colo each way.
    assert_eq!(
        timed(&out, &[20; 5]),
        vec![
            "200 ~20 text/html; charset=utf-8 <h1>home</h1>\n",
            "200 ~20 text/html; charset=utf-8 guide\n",
            "200 ~20 image/svg+xml <svg/>",
            "404 ~20 text/plain; charset=utf-8 Not Found\n",
            "405 ~20 text/plain; charset=utf-8 Method Not Allowed\n",
        ]
    );
}

#[test]
fn canned_responses_answer_in_order_by_method_and_path_after_their_delay() {
    let s = proxy_scenario(
        "origin-canned",
        "  pay.example.com:\n\
         \x20   at: FRA\n\
         \x20   responses:\n\
         \x20     - { method: POST, path: /v1/charges, status: 201, headers: { content-type: application/json }, body: '{\"id\":\"ch_1\"}', delay: 40ms }\n\
         \x20     - { path: /v1/*, status: 503, body: down }\n",
        "  - { at: 0s, colo: LHR, worker: app, method: POST, url: /pay.example.com/v1/charges }\n\
         \x20 - { at: 1s, colo: LHR, worker: app, url: /pay.example.com/v1/charges }\n\
         \x20 - { at: 2s, colo: LHR, worker: app, url: /pay.example.com/other }\n",
    );
    let out = run(&s, 1).unwrap();
    let mut net = Network::default();
    for c in ["LHR", "FRA"] {
        net.add_colo(&built_in(c).unwrap());
    }
    let rtt = 2 * net.one_way_ms("LHR", "FRA");
    assert_eq!(
        timed(&out, &[rtt + 40, rtt, rtt]),
        vec![
            format!("201 ~{} application/json {{\"id\":\"ch_1\"}}", rtt + 40),
            format!("503 ~{rtt} null down"),
            format!(
                "404 ~{rtt} text/plain; charset=utf-8 edgesim: no canned response of this origin matches GET /other\n"
            ),
        ]
    );
}

#[test]
fn a_url_prefix_origin_wins_over_its_hosts_origin_and_serves_below_its_path() {
    let s = proxy_scenario(
        "origin-prefix",
        "  example.com: { worker: origin/counter.js }\n\
         \x20 https://example.com/assets/: { static: origin/site }\n",
        "  - { at: 0s, colo: LHR, worker: app, url: /example.com/assets/logo.svg }\n\
         \x20 - { at: 1s, colo: LHR, worker: app, url: /example.com/api }\n",
    );
    let out = run(&s, 1).unwrap();
    assert_eq!(
        timed(&out, &[20, 22]),
        vec![
            "200 ~20 image/svg+xml <svg/>",
            "200 ~22 text/plain;charset=UTF-8 served 1 /api",
        ]
    );
}

#[test]
fn an_undeclared_host_fails_as_production_and_the_console_says_how_to_declare_it() {
    let s = proxy_scenario(
        "origin-undeclared",
        "  api.example.com: { worker: origin/counter.js }\n",
        "  - { at: 0s, colo: LHR, worker: app, url: /elsewhere.example.net/x }\n",
    );
    let out = run(&s, 1).unwrap();
    assert_eq!(
        timed(&out, &[20]),
        vec!["TypeError: ~20 Network connection lost."]
    );
    let console: Vec<String> = out.trace.console().iter().map(|l| l.to_string()).collect();
    assert_eq!(
        console,
        vec![
            "[0.022s LHR edgesim] warn: fetch() to elsewhere.example.net: no origin is declared \
             for it, so it failed as production fails to reach a host (TypeError: Network \
             connection lost.); declare it under `origins:` in the scenario"
        ]
    );
}

#[test]
fn a_scenario_with_a_bad_origin_is_refused_with_its_line() {
    let bad = |origins: &str| {
        common::parse_error(&format!(
            "name: x\nworkers: {{ app: w/wrangler.toml }}\norigins:\n{origins}"
        ))
    };
    assert_eq!(
        bad("  api.example.com/v1: { static: site }\n"),
        "bad.yaml:4:3: origin \"api.example.com/v1\": expected a host (`api.example.com`, \
         `localhost:8787`) or a URL prefix (`https://api.example.com/v1/`)"
    );
    assert_eq!(
        bad("  api.example.com: { static: site, worker: w.js }\n"),
        "bad.yaml:4:3: origin \"api.example.com\": give exactly one of `worker:`, `static:`, \
         `responses:` or `tcp:`"
    );
    assert_eq!(
        bad("  api.example.com: { at: XXX, static: site }\n"),
        "bad.yaml:4:26: origin \"api.example.com\": at: \"XXX\" is not a colo edgesim knows; use \
         an IATA code such as IAD, FRA or SIN, or { lat, lon }"
    );
    assert_eq!(
        bad("  api.example.com: { responses: [ { status: 99 } ] }\n"),
        "bad.yaml:4:3: origin \"api.example.com\": response 1: status must be from 200 to 599, \
         got 99"
    );
    assert_eq!(
        bad("  api.example.com: { stattic: site }\n"),
        "bad.yaml:4:22: origins.api.example.com: unknown field `stattic`, expected one of `at`, `worker`, \
         `static`, `responses`, `tcp`"
    );
}
