//! WebSocket traffic in scenarios: clients that keep a socket open and talk, the
//! `websocket_total_order` checker (which must catch a room that breaks its promise), and the
//! network latency each socket's frames pay.

use crate::common;

use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::run;
use edgesim_sim::trace::TraceEvent;

const WRANGLER: &str = "name = 'app'\nmain = 'index.js'\ncompatibility_date = '2026-04-20'\n\
    [[durable_objects.bindings]]\nname = 'ROOM'\nclass_name = 'Room'\n\
    [[migrations]]\ntag = 'v1'\nnew_sqlite_classes = ['Room']\n";

/// A room whose object relays every message to everybody (`relay` = "all"), or only back to
/// its sender after a delay that depends on the message (`relay` = "skewed"): the second breaks
/// the one-order promise, because each client then sees the others' messages not at all.
fn room(relay: &str) -> String {
    format!(
        "import {{ DurableObject }} from 'cloudflare:workers';
export class Room extends DurableObject {{
  async fetch() {{
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    return new Response(null, {{ status: 101, webSocket: client }});
  }}
  async webSocketMessage(ws, text) {{
    if ('{relay}' === 'all') {{ for (const s of this.ctx.getWebSockets()) s.send(text); return; }}
    // Each client gets everybody's messages, but later ones first for odd clients.
    const me = this.ctx.getWebSockets().indexOf(ws);
    for (const [i, s] of this.ctx.getWebSockets().entries()) {{
      if (i % 2 === 1) await new Promise((r) => setTimeout(r, text.endsWith('1') ? 300 : 0));
      s.send(text);
    }}
  }}
}}
export default {{ fetch(request, env) {{ return env.ROOM.getByName('r').fetch(request); }} }};"
    )
}

const TRAFFIC: &str = "duration: 20s
colos: [LHR, NRT]
traffic:
  - { at: 0s, colo: LHR, worker: app, url: /, count: 2,
      websocket: { send: ['{client}:{n}'], repeat: 2, every: 500ms, close_after: 5s } }
  - { at: 100ms, colo: NRT, worker: app, url: /,
      websocket: { send: ['{client}:{n}'], repeat: 2, every: 500ms, close_after: 5s } }
expect:
  - { websocket_total_order: true }
";

fn scenario(tag: &str, relay: &str) -> LoadedScenario {
    let source = room(relay);
    common::scenario_with_worker(
        tag,
        &[("wrangler.toml", WRANGLER), ("index.js", &source)],
        TRAFFIC,
    )
}

#[test]
fn websocket_total_order_holds_when_one_object_relays_everything() {
    let out = run(&scenario("relay-all", "all"), 1).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.passed(), "{:#?}", out.verdicts);
    assert_eq!(
        out.verdicts[0].detail,
        "3 client(s), 6 message(s): one order for everybody"
    );
    let received: u32 = out
        .requests
        .iter()
        .filter_map(|r| r.websocket.as_ref().map(|w| w.received))
        .sum();
    // Every message reaches all three clients.
    assert_eq!(received, 18);
}

#[test]
fn websocket_total_order_catches_a_room_that_relays_in_different_orders() {
    let out = run(&scenario("relay-skewed", "skewed"), 1).unwrap_or_else(|e| panic!("{e}"));
    assert!(!out.passed());
    assert!(
        out.verdicts[0].detail.contains("the other way round"),
        "{}",
        out.verdicts[0].detail
    );
}

#[test]
fn websocket_frames_pay_the_network_between_client_and_object() {
    let out = run(&scenario("latency", "all"), 1).unwrap_or_else(|e| panic!("{e}"));
    let latency = |id: u64| {
        out.trace
            .events
            .iter()
            .find_map(|e| match e {
                TraceEvent::SocketOpen {
                    id: i, latency_ms, ..
                } if *i == id => Some(*latency_ms),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no socket for request {id}"))
    };
    // The room sits in LHR (its first caller's colo): Tokyo's frames cross the world.
    assert!(latency(1) < 5, "LHR client: {}", latency(1));
    assert!(latency(3) > 50, "NRT client: {}", latency(3));
}

#[test]
fn websocket_scenarios_replay_byte_for_byte() {
    let s = scenario("replay", "all");
    let a = run(&s, 9).unwrap_or_else(|e| panic!("{e}"));
    let b = run(&s, 9).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.trace.hash(), b.trace.hash());
}

#[test]
fn websocket_traffic_with_zero_repeat_is_refused_with_its_location() {
    let err = common::parse_error(
        "name: bad\nworkers: { app: x/wrangler.toml }\ntraffic:\n  - { at: 0s, colo: LHR, worker: app, url: /,\n      websocket: { send: [hi], repeat: 0 } }\n",
    );
    assert_eq!(
        err,
        "bad.yaml:5:7: traffic item 1: `websocket.repeat` must be at least 1 and `websocket.every` longer than 0ms"
    );
}

#[test]
fn websocket_traffic_with_an_unknown_key_is_refused() {
    let err = common::parse_error(
        "name: bad\nworkers: { app: x/wrangler.toml }\ntraffic:\n  - { at: 0s, colo: LHR, worker: app, url: /, websocket: { sned: [hi] } }\n",
    );
    assert!(err.starts_with("bad.yaml:4:"), "{err}");
    assert!(err.contains("unknown field `sned`"), "{err}");
}
