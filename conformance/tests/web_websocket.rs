//! WebSocketPair and WebSocket as workerd implements them (web-socket.c++): a Worker accepts
//! the server end and returns the client end in a 101; frames, close codes, the states and the
//! texts of the errors.

use edgesim_conformance::{ClientEvent, Frame, Run, body_text, eval_json, js, script, thrown};
use serde_json::json;

/// Echoes every message back with a prefix, and logs the close it gets.
const ECHO: &str = "export default { async fetch(request) {
  if (request.headers.get('upgrade') !== 'websocket') return new Response('expected websocket', { status: 426 });
  const [client, server] = Object.values(new WebSocketPair());
  server.accept();
  server.addEventListener('message', (e) => server.send(`echo:${e.data}`));
  server.addEventListener('error', (e) => console.log(`error ${e.message} ${server.readyState}`));
  server.addEventListener('close', (e) => {
    console.log(`close ${e.code} ${e.reason} ${e.wasClean}`);
    if (e.code !== 1006) server.close(e.code, 'bye');
  });
  return new Response(null, { status: 101, webSocket: client });
} };";

#[test]
fn websocket_worker_returns_101_and_echoes_client_messages() {
    let session = Run::default()
        .session(
            &js(ECHO),
            "https://example.com/ws",
            script(&[(10, "a"), (20, "b")], Some(30), 1_000),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(session.response.status, 101);
    assert_eq!(session.response.status_text, "Switching Protocols");
    assert_eq!(session.received_texts(), vec!["echo:a", "echo:b"]);
    let closes: Vec<&ClientEvent> = session
        .events
        .iter()
        .map(|(_, e)| e)
        .filter(|e| matches!(e, ClientEvent::Received(Frame::Close { .. })))
        .collect();
    assert_eq!(
        closes,
        vec![&ClientEvent::Received(Frame::Close {
            code: 1000,
            reason: "bye".into()
        })]
    );
    let report = session
        .report
        .expect("the fetch invocation ended with the socket");
    let logs: Vec<&str> = report.logs.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(logs, vec!["close 1000 done true"]);
}

#[test]
fn websocket_client_that_vanishes_gives_close_1006_not_clean() {
    let session = Run::default()
        .session(
            &js(ECHO),
            "https://example.com/ws",
            script(&[(5, "x")], None, 50),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(session.received_texts(), vec!["echo:x"]);
    let report = session
        .report
        .expect("the invocation ends when the client is gone");
    let logs: Vec<&str> = report.logs.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(
        logs,
        vec!["close 1006 WebSocket disconnected without sending Close frame. false"]
    );
}

#[test]
fn websocket_upgrade_refused_is_a_plain_response() {
    let x = Run::default()
        .fetch(
            &js(ECHO),
            edgesim_conformance::get("https://example.com/ws"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(x.response.status, 426);
    assert_eq!(body_text(&x.response), "expected websocket");
    assert!(x.response.web_socket.is_none());
}

#[test]
fn websocket_pair_ends_in_one_isolate_talk_to_each_other() {
    let v = eval_json(
        "const [a, b] = Object.values(new WebSocketPair());
         a.accept(); b.accept();
         const got = [];
         const done = new Promise((resolve) => {
           b.addEventListener('message', (e) => { got.push(e.data); if (got.length === 2) b.close(1000, 'ok'); });
           a.addEventListener('close', (e) => resolve([e.code, e.reason, e.wasClean]));
         });
         a.send('one'); a.send(new Uint8Array([1, 2]));
         const close = await done;
         return { got: got.map((d) => typeof d === 'string' ? d : [...new Uint8Array(d)]), close,
                  states: [a.readyState, b.readyState], pair: String(new WebSocketPair()) };",
    );
    assert_eq!(
        v,
        json!({ "got": ["one", [1, 2]], "close": [1000, "ok", true], "states": [2, 2],
                "pair": "[object WebSocketPair]" })
    );
}

#[test]
fn websocket_send_before_accept_throws_workerd_text() {
    assert_eq!(
        thrown("const [c, s] = Object.values(new WebSocketPair()); s.send('x');"),
        "TypeError: You must call one of accept() or state.acceptWebSocket() on this WebSocket \
         before sending messages."
    );
}

#[test]
fn websocket_send_after_close_throws_workerd_text() {
    assert_eq!(
        thrown(
            "const [c, s] = Object.values(new WebSocketPair()); s.accept(); s.close(); s.send('x');"
        ),
        "TypeError: Can't call WebSocket send() after close()."
    );
}

#[test]
fn websocket_close_rejects_reserved_and_out_of_range_codes() {
    for code in [1005, 1006, 1015, 999, 5000] {
        assert_eq!(
            thrown(&format!(
                "const [c, s] = Object.values(new WebSocketPair()); s.accept(); s.close({code});"
            )),
            format!("TypeError: Invalid WebSocket close code: {code}.")
        );
    }
}

#[test]
fn websocket_close_reason_needs_a_code() {
    assert_eq!(
        thrown(
            "const [c, s] = Object.values(new WebSocketPair()); s.accept(); s.close(undefined, 'why');"
        ),
        "TypeError: If you specify a WebSocket close reason, you must also specify a code."
    );
}

#[test]
fn websocket_accepted_end_cannot_be_returned_in_a_response() {
    let worker = js("export default { async fetch() {
      const [client, server] = Object.values(new WebSocketPair());
      client.accept();
      try { return new Response(null, { status: 101, webSocket: client }); }
      catch (e) { return new Response(`constructor threw ${e.message}`); }
    } };");
    let x = Run::default()
        .fetch(&worker, edgesim_conformance::get("https://example.com/"))
        .unwrap_or_else(|e| panic!("{e}"));
    // The check happens when the response is sent, so the Worker fails with workerd's text.
    assert_eq!(x.response.status, 500);
    let logs: Vec<&str> = x.report.logs.iter().map(|l| l.message.as_str()).collect();
    assert!(
        logs.iter().any(|l| l.starts_with(
            "Uncaught TypeError: Can't return WebSocket in a Response after calling accept()."
        )),
        "{logs:?}"
    );
}

#[test]
fn websocket_accept_after_use_in_a_response_and_double_accept() {
    let v = eval_json(
        "const [a, b] = Object.values(new WebSocketPair());
         a.accept(); a.accept();
         return a.readyState;",
    );
    assert_eq!(v, json!(1));
}

#[test]
fn websocket_constructor_validates_url_with_dom_syntax_errors() {
    assert_eq!(
        thrown("new WebSocket('https://example.com/');"),
        "DOMException: WebSocket Constructor: The url scheme must be ws or wss."
    );
    assert_eq!(
        thrown("new WebSocket('wss://example.com/#frag');"),
        "DOMException: WebSocket Constructor: The url fragment must be empty."
    );
    assert_eq!(
        thrown("new WebSocket('wss://example.com/', []);"),
        "DOMException: WebSocket Constructor: The protocols array cannot be empty."
    );
    assert_eq!(
        thrown("new WebSocket('wss://example.com/', ['a', 'a']);"),
        "DOMException: WebSocket Constructor: The protocols header cannot have repeating values."
    );
}

#[test]
fn websocket_to_an_origin_without_101_reports_error_then_close_1006() {
    let v = eval_json(
        "const ws = new WebSocket('wss://nowhere.example/');
         const seen = [];
         await new Promise((resolve) => {
           ws.addEventListener('error', (e) => seen.push(`error`));
           ws.addEventListener('close', (e) => { seen.push(`close ${e.code} ${e.reason} ${e.wasClean}`); resolve(); });
         });
         return { seen, state: ws.readyState, initial: WebSocket.CONNECTING };",
    );
    assert_eq!(
        v,
        json!({ "seen": ["error", "close 1006 Failed to establish websocket connection false"],
                "state": 3, "initial": 0 })
    );
}

#[test]
fn websocket_message_over_32_mib_closes_with_1009_and_errors_the_server_end() {
    let limit = edgesim_runtime::socket::MESSAGE_BYTES_MAX;
    let big = "x".repeat(limit + 1);
    let session = Run::default()
        .session(
            &js(ECHO),
            "https://example.com/ws",
            script(&[(5, "a"), (10, big.as_str())], None, 50),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let reason = format!("Message is too large: {} > {limit}", limit + 1);
    assert_eq!(session.received_texts(), vec!["echo:a"]);
    assert!(
        session.events.iter().any(|(_, e)| *e
            == ClientEvent::Received(Frame::Close {
                code: 1009,
                reason: reason.clone()
            })),
        "{:?}",
        session
            .events
            .iter()
            .map(|(_, e)| format!("{e:?}").chars().take(80).collect::<String>())
            .collect::<Vec<_>>()
    );
    let report = session
        .report
        .expect("the server end is done after the error");
    let logs: Vec<&str> = report.logs.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(logs, vec![format!("error Uncaught Error: {reason} 3")]);
}
