//! D1 read replicas (semantics.md §4.3): without a session every query goes to the primary; a
//! session's reads go to the nearest replica, which may be behind — unless the session carries
//! a bookmark, when the replica waits until it has caught up. Session traffic: one client's
//! requests go out one at a time and carry the headers they were told to.

use crate::common;

use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::{RequestRecord, RunOutput, run};

const WRANGLER: &str = "name = 'app'\nmain = 'index.js'\ncompatibility_date = '2026-04-20'\n\
    [[d1_databases]]\nbinding = 'DB'\ndatabase_name = 'db'\ndatabase_id = 'db-1'\n";

/// POST writes a row through the primary; GET /plain counts without a session; GET /session
/// counts in a session opened from the `x-bm` header (or unconstrained) and returns its bookmark.
const WORKER: &str = "export default { async fetch(request, env) {
  const url = new URL(request.url);
  if (request.method === 'POST') {
    await env.DB.batch([env.DB.prepare('CREATE TABLE IF NOT EXISTS t (x)'), env.DB.prepare('INSERT INTO t VALUES (1)')]);
    const s = env.DB.withSession('first-primary');
    await s.prepare('SELECT 1').run();
    return new Response('ok', { headers: { 'x-bm': s.getBookmark() } });
  }
  const db = url.pathname === '/plain' ? env.DB : env.DB.withSession(request.headers.get('x-bm') ?? 'first-unconstrained');
  const r = await db.prepare('SELECT count(*) AS n FROM t').run();
  return Response.json({ n: r.results[0].n, primary: r.meta.served_by_primary, region: r.meta.served_by_region },
    { headers: { 'x-bm': db.getBookmark?.() ?? '' } });
} };";

fn scenario(tag: &str, traffic: &str) -> LoadedScenario {
    common::scenario_with_worker(
        tag,
        &[("wrangler.toml", WRANGLER), ("index.js", WORKER)],
        &format!(
            "duration: 20s\ncolos: [LHR, SIN]\nplatform: {{ d1: {{ replication_lag: 3s }} }}\n\
             traffic:\n  - {{ at: 0s, colo: LHR, worker: app, method: POST, url: /w }}\n{traffic}\
             expect:\n  - {{ d1_sessions_monotonic: true }}\n"
        ),
    )
}

fn answers(out: &RunOutput, label: &str) -> Vec<serde_json::Value> {
    out.requests
        .iter()
        .filter(|r| r.label.as_deref() == Some(label))
        .map(|r: &RequestRecord| serde_json::from_str(&r.body).unwrap_or(serde_json::Value::Null))
        .collect()
}

#[test]
fn d1_without_a_session_every_query_goes_to_the_primary() {
    let out = run(
        &scenario(
            "plain",
            "  - { at: 1s, colo: SIN, worker: app, url: /plain, label: r }\n",
        ),
        1,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        answers(&out, "r"),
        vec![serde_json::json!({ "n": 1, "primary": true, "region": "WEUR" })]
    );
}

#[test]
fn d1_session_reads_go_to_the_nearest_replica_which_may_be_behind() {
    let out = run(
        &scenario(
            "stale",
            concat!(
                "  - { at: 1s, colo: SIN, worker: app, url: /session, label: early }\n",
                "  - { at: 1s, colo: LHR, worker: app, method: POST, url: /w }\n",
                "  - { at: 3500ms, colo: SIN, worker: app, url: /session, label: stale }\n",
                "  - { at: 6s, colo: SIN, worker: app, url: /session, label: caught-up }\n",
            ),
        ),
        1,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // The Singapore replica has the first write from about 3.1 s on, the second from 4.1 s.
    assert_eq!(
        answers(&out, "early")[0],
        serde_json::Value::Null,
        "no table yet"
    );
    let stale = &answers(&out, "stale")[0];
    assert_eq!(
        stale["n"], 1,
        "the replica has the first write only: {stale}"
    );
    assert_eq!(stale["primary"], false);
    assert_eq!(stale["region"], "APAC");
    assert_eq!(answers(&out, "caught-up")[0]["n"], 2);
    assert!(out.passed(), "{:#?}", out.verdicts);
}

#[test]
fn d1_session_with_a_bookmark_waits_for_the_replica_to_catch_up() {
    // The client writes in London and reads in Singapore at once, carrying the bookmark.
    let out = run(
        &scenario(
            "bookmark",
            concat!(
                "  - { at: 1s, colo: LHR, worker: app, method: POST, url: /w, session: c, carry: [x-bm] }\n",
                "  - { at: 1s, colo: SIN, worker: app, url: /session, session: c, carry: [x-bm], label: read }\n",
            ),
        ),
        1,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let read = out
        .requests
        .iter()
        .find(|r| r.label.as_deref() == Some("read"))
        .unwrap_or_else(|| panic!("no read"));
    let answer: serde_json::Value = serde_json::from_str(&read.body).unwrap_or_default();
    assert_eq!(
        answer["n"], 2,
        "read-your-writes through the replica: {answer}"
    );
    assert_eq!(answer["primary"], false);
    // The replica had to wait out most of the 3 s replication lag.
    assert!(read.latency_ms.is_some_and(|l| l > 2_500), "{read:?}");
    // The read went out only when the write was answered.
    assert!(read.at_ms > 1_000, "{read:?}");
    assert!(out.passed(), "{:#?}", out.verdicts);
}

#[test]
fn carry_without_a_session_is_refused() {
    let err = common::parse_error(
        "name: bad\nworkers: { app: x/wrangler.toml }\ntraffic:\n  - { at: 0s, colo: LHR, worker: app, url: /,\n      carry: [x-bm] }\n",
    );
    assert_eq!(
        err,
        "bad.yaml:5:7: traffic item 1: `carry` needs `session` (the client that carries the headers)"
    );
}
