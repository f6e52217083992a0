//! `websocket_total_order`: the promise of a room that relays every message to every client
//! through one Durable Object. The object handles messages one at a time, so whatever order it
//! relays them in is one order for everybody: two clients never receive two messages in
//! opposite orders (messages are told apart by their text, so relayed messages must be
//! distinct, as scenario templates make them). A room that relays a client's text unchanged
//! must also send every message back to its sender; a room with its own protocol (it wraps the
//! text in JSON with a name and a time, say) is checked on the order alone.

use std::collections::BTreeMap;

use crate::trace::{Trace, TraceEvent};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub clients: usize,
    pub messages: usize,
    /// Some client received a text exactly as some client sent it: the room echoes verbatim.
    pub verbatim: bool,
    /// Each names the clients (request ids) and messages that witness it.
    pub violations: Vec<String>,
}

#[derive(Default)]
struct Client {
    sent: Vec<String>,
    /// Received text -> its position in what this client received.
    position: BTreeMap<String, usize>,
    received: Vec<String>,
}

pub fn check(trace: &Trace) -> Report {
    let mut clients: BTreeMap<u64, Client> = BTreeMap::new();
    for event in &trace.events {
        match event {
            TraceEvent::SocketOpen { id, .. } => {
                clients.entry(*id).or_default();
            }
            TraceEvent::SocketSend { id, text, .. } => {
                clients.entry(*id).or_default().sent.push(text.clone());
            }
            TraceEvent::SocketReceive { id, text, .. } => {
                let c = clients.entry(*id).or_default();
                c.position.entry(text.clone()).or_insert(c.received.len());
                c.received.push(text.clone());
            }
            _ => {}
        }
    }
    let mut violations = Vec::new();
    let verbatim = clients
        .values()
        .flat_map(|c| &c.sent)
        .any(|text| clients.values().any(|c| c.position.contains_key(text)));
    for (id, c) in clients.iter().filter(|_| verbatim) {
        for text in &c.sent {
            if !c.position.contains_key(text) {
                violations.push(format!(
                    "client {id} sent {text:?} but never received it back"
                ));
            }
        }
    }
    let ids: Vec<&u64> = clients.keys().collect();
    for (i, a) in ids.iter().enumerate() {
        for b in &ids[i + 1..] {
            if let Some(v) = first_disagreement(**a, &clients[*a], **b, &clients[*b]) {
                violations.push(v);
            }
        }
    }
    Report {
        clients: clients.len(),
        messages: clients.values().map(|c| c.sent.len()).sum(),
        verbatim,
        violations,
    }
}

/// The first pair of messages `a` and `b` both received in opposite orders.
fn first_disagreement(a_id: u64, a: &Client, b_id: u64, b: &Client) -> Option<String> {
    let mut last: Option<(&String, usize)> = None;
    for text in &a.received {
        let Some(&at_b) = b.position.get(text) else {
            continue;
        };
        if let Some((previous, previous_at_b)) = last
            && at_b < previous_at_b
        {
            return Some(format!(
                "client {a_id} received {previous:?} before {text:?}, client {b_id} the other way round"
            ));
        }
        last = Some((text, at_b));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trace(events: &[(u64, bool, &str)]) -> Trace {
        let mut t = Trace::default();
        for (id, sent, text) in events {
            let text = text.to_string();
            t.push(if *sent {
                TraceEvent::SocketSend {
                    at_ms: 0,
                    id: *id,
                    text,
                }
            } else {
                TraceEvent::SocketReceive {
                    at_ms: 0,
                    id: *id,
                    text,
                }
            });
        }
        t
    }

    #[test]
    fn one_relay_order_for_everybody_passes() {
        let t = trace(&[
            (1, true, "a"),
            (2, true, "b"),
            (1, false, "a"),
            (2, false, "a"),
            (1, false, "b"),
            (2, false, "b"),
        ]);
        let r = check(&t);
        assert_eq!((r.clients, r.messages, r.violations.len()), (2, 2, 0));
        assert!(r.verbatim);
    }

    #[test]
    fn a_room_with_its_own_protocol_is_checked_on_order_alone() {
        let t = trace(&[
            (1, true, "{\"message\":\"a\"}"),
            (2, true, "{\"message\":\"b\"}"),
            (1, false, "{\"name\":\"one\",\"message\":\"a\"}"),
            (2, false, "{\"ready\":true}"),
            (2, false, "{\"name\":\"one\",\"message\":\"a\"}"),
            (2, false, "{\"name\":\"two\",\"message\":\"b\"}"),
            (1, false, "{\"name\":\"two\",\"message\":\"b\"}"),
        ]);
        let r = check(&t);
        assert!(!r.verbatim);
        assert!(r.violations.is_empty(), "{:?}", r.violations);
        let swapped = trace(&[
            (1, false, "{\"m\":1}"),
            (1, false, "{\"m\":2}"),
            (2, false, "{\"m\":2}"),
            (2, false, "{\"m\":1}"),
        ]);
        assert_eq!(
            check(&swapped).violations,
            [
                "client 1 received \"{\\\"m\\\":1}\" before \"{\\\"m\\\":2}\", client 2 the other way round"
            ]
        );
    }

    #[test]
    fn opposite_orders_and_lost_echoes_are_named() {
        let t = trace(&[
            (1, true, "a"),
            (2, true, "b"),
            (3, true, "c"),
            (1, false, "a"),
            (1, false, "b"),
            (2, false, "b"),
            (2, false, "a"),
        ]);
        let r = check(&t);
        assert_eq!(
            r.violations,
            vec![
                "client 3 sent \"c\" but never received it back".to_string(),
                "client 1 received \"a\" before \"b\", client 2 the other way round".to_string(),
            ]
        );
    }
}
