//! `connect()` in a scenario: TCP origins answer by their scripts, every round trip costs
//! what the distance to the origin costs, TLS adds its handshake's round trip, an address
//! nobody declared refuses (and the console says how to declare it), and bad `tcp:` input is
//! refused with the origin named.

use crate::common;

use common::one_way_ms as one_way;
use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::run;
use edgesim_sim::trace::TraceEvent;

const WRANGLER: &str = "name = \"app\"\nmain = \"index.js\"\ncompatibility_date = \"2026-04-01\"\n";

/// `/<address>?tls=1&say=LINE`: connects, sends LINE, reads the answer up to its newline and
/// answers `<ms> <answer>` (or `<ms> <error message>`).
const WORKER: &str = r#"
import { connect } from "cloudflare:sockets";
export default {
  async fetch(request) {
    const u = new URL(request.url);
    const started = Date.now();
    try {
      const socket = connect(u.pathname.slice(1), { secureTransport: u.searchParams.get("tls") ? "on" : "off" });
      await socket.opened;
      const writer = socket.writable.getWriter();
      await writer.write(new TextEncoder().encode(u.searchParams.get("say") + "\n"));
      const reader = socket.readable.getReader();
      let text = "";
      while (!text.endsWith("\n")) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      await socket.close();
      return new Response(`${Date.now() - started} ${text.trim()}`);
    } catch (e) {
      return new Response(`${Date.now() - started} ${e.message}`);
    }
  },
};
"#;

const ORIGINS: &str = "origins:\n  \
    \"echo.internal:7\": { at: IAD, tcp: { echo: true } }\n  \
    \"slow.internal:9000\": { at: IAD, tcp: { script: [ { receive: \"hello\\n\", delay: 40ms, send: \"welcome\\n\", close: true } ] } }\n";

fn bodies(s: &LoadedScenario) -> Vec<String> {
    let out = run(s, 1).unwrap();
    out.requests.iter().map(|r| r.body.clone()).collect()
}

#[test]
fn each_round_trip_to_a_tcp_origin_costs_the_distance_and_tls_adds_one() {
    let s = common::scenario_with_worker(
        "tcp-distance",
        &[("wrangler.toml", WRANGLER), ("index.js", WORKER)],
        &format!(
            "colos: [IAD, SIN]\nduration: 10s\n{ORIGINS}traffic:\n  \
             - {{ at: 0s, colo: SIN, worker: app, url: \"/echo.internal:7?say=one\" }}\n  \
             - {{ at: 1s, colo: SIN, worker: app, url: \"/echo.internal:7?say=two&tls=1\" }}\n  \
             - {{ at: 2s, colo: IAD, worker: app, url: \"/slow.internal:9000?say=hello\" }}\n"
        ),
    );
    let far = 2 * one_way("SIN", "IAD");
    let near = 2 * one_way("IAD", "IAD");
    assert_eq!(
        bodies(&s),
        [
            // The handshake, then the line and its echo.
            format!("{} one", 2 * far),
            format!("{} two", 3 * far),
            // The script waits for the greeting, thinks 40 ms, answers and hangs up.
            format!("{} welcome", 2 * near + 40),
        ]
    );
    let out = run(&s, 1).unwrap();
    let opened: Vec<(String, String, bool)> = (out.trace.events.iter())
        .filter_map(|e| match e {
            TraceEvent::SocketOpened {
                colo, address, tls, ..
            } => Some((colo.clone(), address.clone(), *tls)),
            _ => None,
        })
        .collect();
    assert_eq!(
        opened,
        [
            ("SIN".to_string(), "echo.internal:7".to_string(), false),
            ("SIN".to_string(), "echo.internal:7".to_string(), true),
            ("IAD".to_string(), "slow.internal:9000".to_string(), false),
        ]
    );
}

#[test]
fn connect_to_an_address_nobody_declared_is_refused_and_the_console_says_how_to_declare_it() {
    let s = common::scenario_with_worker(
        "tcp-undeclared",
        &[("wrangler.toml", WRANGLER), ("index.js", WORKER)],
        &format!(
            "colos: [IAD]\nduration: 5s\n{ORIGINS}traffic:\n  \
             - {{ at: 0s, colo: IAD, worker: app, url: \"/db.internal:5432?say=x\" }}\n  \
             - {{ at: 1s, colo: IAD, worker: app, url: \"/echo.internal:8?say=x\" }}\n"
        ),
    );
    let refused = "proxy request failed, cannot connect to the specified address";
    assert_eq!(
        bodies(&s),
        [format!("20 {refused}"), format!("20 {refused}")]
    );
    let out = run(&s, 1).unwrap();
    let refusals = (out.trace.events.iter())
        .filter(|e| matches!(e, TraceEvent::SocketRefused { address, .. } if address == "db.internal:5432"))
        .count();
    assert_eq!(refusals, 1);
    let console = out.trace.console();
    assert!(
        console.iter().any(|l| l.message.starts_with(
            "connect() to echo.internal:8: no TCP origin is declared at that address"
        )),
        "{console:?}"
    );
}

#[test]
fn a_tcp_origin_without_a_port_or_with_two_kinds_of_server_is_refused_naming_it() {
    common::assert_refused(
        "name: x\nworkers: {}\norigins:\n  db.internal: { tcp: { echo: true } }\n",
        "\"db.internal\": a TCP origin is a host and port",
    );
    common::assert_refused(
        "name: x\nworkers: {}\norigins:\n  \"db.internal:1\": { tcp: { echo: true, script: [] } }\n",
        "tcp: give exactly one of `echo: true` or `script: [...]`",
    );
    common::assert_refused(
        "name: x\nworkers: {}\norigins:\n  \"db.internal:1\": { tcp: { script: [ { expect: hi } ] } }\n",
        "unknown field `expect`",
    );
}

#[test]
fn the_shipped_tcp_scenario_talks_to_its_cache_and_through_hyperdrive_to_its_database() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/tcp-sockets.yaml");
    let s = LoadedScenario::load(&path).unwrap();
    let out = run(&s, s.scenario.seed.unwrap()).unwrap();
    assert!(out.passed(), "{:#?}", out.verdicts);
    let body = |url: &str, colo: &str| {
        (out.requests.iter())
            .find(|r| r.url.ends_with(url) && &*r.colo == colo)
            .map(|r| r.body.clone())
            .unwrap_or_else(|| panic!("a request to {url} at {colo}"))
    };
    // Three round trips to Frankfurt: the handshake, PING, QUIT.
    let cache_ms = |colo: &str| 6 * one_way(colo, "FRA");
    assert_eq!(
        body("/cache", "FRA"),
        format!(r#"{{"answers":["+PONG","+OK"],"ms":{}}}"#, cache_ms("FRA"))
    );
    assert_eq!(
        body("/cache", "SIN"),
        format!(r#"{{"answers":["+PONG","+OK"],"ms":{}}}"#, cache_ms("SIN"))
    );
    // Hyperdrive reaches the database in Ashburn: the handshake, the query, 5 ms of its time.
    assert_eq!(
        body("/db", "SIN"),
        format!(
            r#"{{"answers":["42"],"ms":{}}}"#,
            4 * one_way("SIN", "IAD") + 5
        )
    );
    assert_eq!(
        body("/nowhere", "FRA"),
        r#"{"error":"proxy request failed, cannot connect to the specified address"}"#
    );
}

/// `/leave` answers without closing its socket; `/close` closes it first.
const LEAVER: &str = r#"
import { connect } from "cloudflare:sockets";
export default {
  async fetch(request) {
    const socket = connect("echo.internal:7");
    const writer = socket.writable.getWriter();
    await writer.write(new TextEncoder().encode("hi\n"));
    const { value } = await socket.readable.getReader().read();
    if (new URL(request.url).pathname === "/close") await socket.close();
    return new Response(new TextDecoder().decode(value));
  },
};
"#;

#[test]
fn a_socket_left_open_closes_with_its_request_as_the_server_sees_it() {
    let s = common::scenario_with_worker(
        "tcp-request-end",
        &[("wrangler.toml", WRANGLER), ("index.js", LEAVER)],
        &format!(
            "colos: [IAD]\nduration: 5s\n{ORIGINS}traffic:\n  \
             - {{ at: 0s, colo: IAD, worker: app, url: /leave }}\n  \
             - {{ at: 1s, colo: IAD, worker: app, url: /close }}\n"
        ),
    );
    let out = run(&s, 1).unwrap();
    assert_eq!(
        out.requests
            .iter()
            .map(|r| r.body.as_str())
            .collect::<Vec<_>>(),
        ["hi\n", "hi\n"]
    );
    let ended: Vec<bool> = (out.trace.events.iter())
        .filter_map(|e| match e {
            TraceEvent::SocketEnded { reset, .. } => Some(*reset),
            _ => None,
        })
        .collect();
    // The first connection goes with its request; the second ends with a FIN.
    assert_eq!(ended, [true, false]);
}

/// A Worker serving TCP: its `connect(socket)` handler answers each line in capitals.
const SHOUTING_SERVER: &str = r#"
export default {
  async connect(socket, env, ctx) {
    const { localAddress } = await socket.opened;
    const reader = socket.readable.getReader();
    const writer = socket.writable.getWriter();
    let text = "";
    while (!text.endsWith("\n")) {
      const { value, done } = await reader.read();
      if (done) return;
      text += new TextDecoder().decode(value);
    }
    await writer.write(new TextEncoder().encode(`${text.trim().toUpperCase()} (${localAddress})\n`));
    await writer.close();
  },
};
"#;

#[test]
fn an_origin_worker_with_a_connect_handler_serves_the_connections_to_its_address() {
    let s = common::scenario_with_worker(
        "tcp-worker-origin",
        &[
            ("wrangler.toml", WRANGLER),
            ("index.js", WORKER),
            ("origin/server.js", SHOUTING_SERVER),
            (
                "origin/no-handler.js",
                "export default { fetch() { return new Response(\"\"); } };\n",
            ),
        ],
        "colos: [IAD, SIN]\nduration: 5s\norigins:\n  \
         \"shout.internal:7000\": { at: IAD, worker: origin/server.js }\n  \
         \"mute.internal:7000\": { at: IAD, worker: origin/no-handler.js }\ntraffic:\n  \
         - { at: 0s, colo: SIN, worker: app, url: \"/shout.internal:7000?say=hello\" }\n  \
         - { at: 1s, colo: SIN, worker: app, url: \"/mute.internal:7000?say=hello\" }\n",
    );
    let answers: Vec<(u64, String)> = (bodies(&s).iter())
        .map(|b| {
            let (ms, text) = b.split_once(' ').unwrap();
            (ms.parse().unwrap(), text.to_string())
        })
        .collect();
    // The handshake and the line's round trip at least; the server's answer names the address
    // the Worker asked for. A Worker without a handler ends the connection unanswered.
    let far = 2 * one_way("SIN", "IAD");
    assert_eq!(answers[0].1, "HELLO (shout.internal:7000)");
    assert!(answers[0].0 >= 2 * far, "{answers:?}");
    assert_eq!(answers[1].1, "");
    let out = run(&s, 1).unwrap();
    let warned = (out.trace.events.iter()).any(|e| {
        matches!(e, TraceEvent::ServiceLog { message, .. } if message
            == "Received a connect event but we lack a handler. Did you remember to export a connect() function?")
    });
    assert!(warned, "{:#?}", out.trace.events);
}
