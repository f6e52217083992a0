//! semantics.md §5.5: hibernatable WebSockets. The object accepts the server end with
//! `ctx.acceptWebSocket`, the platform keeps the socket while the object hibernates, messages
//! wake it through `webSocketMessage`, and sends wait behind the output gate like any output.

use edgesim_conformance::{ClientEvent, Frame, Run, Session, object_worker, script};
use edgesim_runtime::socket::MESSAGE_BYTES_MAX;
use edgesim_sim::trace::TraceEvent;

/// A chat-like object: accepts with tag "room", answers each message with what it knows.
const ROOM: &str = "
  constructor(ctx, env) { super(ctx, env); this.starts = (globalThis.starts = (globalThis.starts ?? 0) + 1); }
  async fetch(request) {
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server, ['room', 'room', 'user:ann']);
    server.serializeAttachment({ user: 'ann' });
    if (new URL(request.url).searchParams.has('auto')) {
      this.ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
    }
    return new Response(null, { status: 101, webSocket: client });
  }
  async webSocketMessage(ws, message) {
    if (message === 'store') {
      this.ctx.storage.put('k', 1);
      ws.send('stored');
      return;
    }
    if (message.startsWith('timeout:')) {
      try { this.ctx.setHibernatableWebSocketEventTimeout(Number(message.slice(8))); }
      catch (e) { ws.send(`${e.constructor.name}: ${e.message}`); return; }
      ws.send(String(this.ctx.getHibernatableWebSocketEventTimeout()));
      return;
    }
    if (message === 'slow') {
      await new Promise((resolve) => setTimeout(resolve, 5000));
      ws.send('slow done');
      return;
    }
    if (message === 'when') {
      const at = this.ctx.getWebSocketAutoResponseTimestamp(ws);
      ws.send(at === null ? 'never' : String(at.getTime() - Date.UTC(2026, 0, 1)));
      return;
    }
    ws.send(JSON.stringify({
      message, starts: this.starts, attachment: ws.deserializeAttachment(),
      tags: this.ctx.getTags(ws), room: this.ctx.getWebSockets('room').length,
      other: this.ctx.getWebSockets('other').length, state: ws.readyState,
    }));
  }
  async webSocketClose(ws, code, reason, wasClean) {
    console.log(`close ${code} ${reason} ${wasClean} ${ws.readyState}`);
  }
  async webSocketError(ws, error) {
    console.log(`error ${error.constructor.name}: ${error.message} ${ws.readyState}`);
  }";

fn room_session(run: &Run, url: &str, texts: &[(u64, &str)], close_at_ms: Option<u64>) -> Session {
    let worker = object_worker(ROOM, "return stub.fetch(request);", true);
    run.session(&worker, url, script(texts, close_at_ms, 1_000))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// What the object's code logged, in order.
fn object_logs(session: &Session) -> Vec<&str> {
    session
        .trace
        .iter()
        .filter_map(|e| match e {
            TraceEvent::ObjectLog { message, .. } => Some(message.as_str()),
            _ => None,
        })
        .collect()
}

fn json_texts(session: &Session) -> Vec<serde_json::Value> {
    session
        .received_texts()
        .iter()
        .map(|t| serde_json::from_str(t).unwrap_or_else(|_| serde_json::Value::String(t.clone())))
        .collect()
}

#[test]
fn do_hibernatable_websocket_messages_reach_web_socket_message_with_tags_and_attachment() {
    let session = room_session(
        &Run::default(),
        "https://example.com/",
        &[(10, "hi")],
        Some(50),
    );
    assert_eq!(session.response.status, 101);
    assert_eq!(
        json_texts(&session),
        vec![serde_json::json!({
            "message": "hi", "starts": 1, "attachment": { "user": "ann" },
            "tags": ["room", "user:ann"], "room": 1, "other": 0, "state": 1
        })]
    );
}

#[test]
fn do_hibernates_after_10_seconds_idle_and_a_message_wakes_it_with_the_socket_intact() {
    let session = room_session(
        &Run::default(),
        "https://example.com/",
        &[(1_000, "before"), (30_000, "after")],
        Some(31_000),
    );
    let texts = json_texts(&session);
    assert_eq!(texts[0]["starts"], 1);
    // A new isolate ran the constructor again; the socket and its attachment were kept.
    assert_eq!(
        texts[1]["starts"], 1,
        "module state is per isolate: {texts:?}"
    );
    assert_eq!(texts[1]["attachment"], serde_json::json!({ "user": "ann" }));
    let hibernated: Vec<u64> = session
        .trace
        .iter()
        .filter_map(|e| match e {
            TraceEvent::ObjectHibernated { at_ms, .. } => Some(*at_ms),
            _ => None,
        })
        .collect();
    assert_eq!(hibernated.len(), 1, "{:?}", session.trace);
    assert!((11_000..12_000).contains(&hibernated[0]), "{hibernated:?}");
    let starts = session
        .trace
        .iter()
        .filter(|e| matches!(e, TraceEvent::ObjectStart { .. }))
        .count();
    assert_eq!(starts, 2);
}

#[test]
fn do_websocket_auto_response_answers_without_waking_the_object() {
    let session = room_session(
        &Run::default(),
        "https://example.com/?auto",
        &[(20_000, "ping"), (25_000, "ping"), (40_000, "when")],
        Some(41_000),
    );
    assert_eq!(session.received_texts()[..2], ["pong", "pong"]);
    let starts_before_when = session
        .trace
        .iter()
        .filter(|e| matches!(e, TraceEvent::ObjectStart { at_ms, .. } if *at_ms < 40_000))
        .count();
    assert_eq!(starts_before_when, 1, "pings must not wake the object");
    // The timestamp of the last auto-response, ms after the run's epoch (2026-01-01).
    let when: u64 = session.received_texts()[2].parse().unwrap_or(0);
    assert!((25_000..25_100).contains(&when), "{when}");
}

#[test]
fn do_websocket_close_runs_web_socket_close_and_the_runtime_answers_the_close() {
    let session = room_session(&Run::default(), "https://example.com/", &[], Some(10));
    // compatibility_date 2026-04-20 has web_socket_auto_reply_to_close: closed both ways.
    assert_eq!(object_logs(&session), vec!["close 1000 done true 3"]);
    assert!(session.events.iter().any(|(_, e)| *e
        == ClientEvent::Received(Frame::Close {
            code: 1000,
            reason: "done".into()
        })));
}

#[test]
fn do_websocket_client_gone_gives_web_socket_close_1006() {
    let session = room_session(&Run::default(), "https://example.com/", &[(5, "x")], None);
    assert_eq!(
        object_logs(&session),
        vec!["close 1006 WebSocket disconnected without sending Close frame. false 3"]
    );
}

#[test]
fn do_websocket_send_waits_for_the_write_before_it_to_be_confirmed() {
    let fast = room_session(
        &Run::with_commit_ms(1),
        "https://example.com/",
        &[(100, "store")],
        Some(2_000),
    );
    let slow = room_session(
        &Run::with_commit_ms(300),
        "https://example.com/",
        &[(100, "store")],
        Some(2_000),
    );
    let arrival = |s: &Session| {
        s.events
            .iter()
            .find_map(|(at, e)| {
                (*e == ClientEvent::Received(Frame::Text("stored".into()))).then_some(*at)
            })
            .unwrap_or_else(|| panic!("no answer: {:?}", s.events))
    };
    let delay_ms = arrival(&slow) - arrival(&fast);
    assert!((295..=305).contains(&delay_ms), "held {delay_ms} ms");
}

#[test]
fn do_accept_web_socket_refuses_more_than_10_tags_and_long_tags() {
    let worker = object_worker(
        "async fetch(request) {
           const out = [];
           for (const tags of [Array.from({ length: 11 }, (_, i) => `t${i}`), ['x'.repeat(257)]]) {
             const [c, s] = Object.values(new WebSocketPair());
             try { this.ctx.acceptWebSocket(s, tags); out.push('accepted'); }
             catch (e) { out.push(`${e.constructor.name}: ${e.message}`); }
           }
           const [c, s] = Object.values(new WebSocketPair());
           s.accept();
           try { this.ctx.acceptWebSocket(s); } catch (e) { out.push(e.message); }
           const [c2, s2] = Object.values(new WebSocketPair());
           this.ctx.acceptWebSocket(s2);
           try { s2.serializeAttachment('x'.repeat(20000)); } catch (e) { out.push(e.message.replace(/was [0-9]+ bytes/, 'was N bytes')); }
           try { this.ctx.getTags(s); } catch (e) { out.push(e.message); }
           try { this.ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('x'.repeat(2049), 'y')); }
           catch (e) { out.push(`${e.constructor.name}: ${e.message}`); }
           return Response.json(out);
         }",
        "return stub.fetch(request);",
        true,
    );
    let x = Run::default()
        .fetch(&worker, edgesim_conformance::get("https://example.com/"))
        .unwrap_or_else(|e| panic!("{e}"));
    let long = "x".repeat(257);
    assert_eq!(
        edgesim_conformance::body_json(&x.response),
        serde_json::json!([
            "Error: a Hibernatable WebSocket cannot have more than 10 tags",
            format!("Error: \"{long}\" is longer than the max tag length (256 characters)."),
            "Cannot call `acceptWebSocket()` if the WebSocket was already accepted via `accept()`",
            "A WebSocket 'attachment' cannot be larger than 16384 bytes.'attachment' was N bytes.",
            "only hibernatable websockets can have tags.",
            "RangeError: Request cannot be larger than 2048 bytes. A request of size 2049 was provided."
        ])
    );
}

#[test]
fn do_websocket_handler_past_its_event_timeout_resets_the_object() {
    let session = room_session(
        &Run::default(),
        "https://example.com/",
        &[
            (10, "timeout:604800001"),
            (20, "timeout:0"),
            (30, "timeout:1000"),
            (40, "slow"),
            (3_000, "hi"),
        ],
        Some(4_000),
    );
    let texts = json_texts(&session);
    assert_eq!(
        texts[0],
        "Error: Event timeout should not exceed 604800000 ms."
    );
    assert_eq!(texts[1], serde_json::Value::Null, "0 unsets the timeout");
    assert_eq!(texts[2], 1000);
    // "slow" never answers: 1 s into it the object was shut down; the socket stayed.
    assert_eq!(texts[3]["message"], "hi", "{texts:?}");
    assert_eq!(texts.len(), 4, "{texts:?}");
    let resets: Vec<(u64, &str)> = session
        .trace
        .iter()
        .filter_map(|e| match e {
            TraceEvent::ObjectReset { at_ms, reason, .. } => Some((*at_ms, reason.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(resets.len(), 1, "{resets:?}");
    assert_eq!(
        resets[0].1,
        "Actor exceeded event execution time and was disconnected."
    );
    assert!((1_040..1_200).contains(&resets[0].0), "{resets:?}");
}

/// kj refuses a received message over 32 MiB: it closes the connection with 1009 and the
/// object's `webSocketError` runs (hibernation-manager.c++ `handleSocketTermination`).
#[test]
fn do_websocket_message_over_32_mib_closes_with_1009_and_runs_web_socket_error() {
    let big = "x".repeat(MESSAGE_BYTES_MAX + 1);
    let session = room_session(
        &Run::default(),
        "https://example.com/",
        &[(10, "hi"), (20, big.as_str()), (30, "after")],
        None,
    );
    let reason = format!(
        "Message is too large: {} > {MESSAGE_BYTES_MAX}",
        MESSAGE_BYTES_MAX + 1
    );
    let closes: Vec<(u16, String)> = session
        .events
        .iter()
        .filter_map(|(_, e)| match e {
            ClientEvent::Received(Frame::Close { code, reason }) => Some((*code, reason.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(closes, vec![(1009, reason.clone())]);
    assert_eq!(
        session.received_texts().len(),
        1,
        "only \"hi\" was answered"
    );
    assert_eq!(
        object_logs(&session),
        vec![format!("error Error: {reason} 3")],
        "the socket is closed both ways"
    );
}
