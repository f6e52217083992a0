//! One client's request in a scenario: sent at its time (or, in a session, once the client's
//! previous request is answered), rerouted around an outage, and — for a WebSocket item — the
//! conversation on the socket it got back.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration as StdDuration;

use edgesim_runtime::worker::WorkerDefinition;
use edgesim_runtime::{BodyUse, HttpRequest, Limits};
use futures::channel::oneshot;
use serde::Serialize;

use super::model::TrafficSpec;
use super::tally::Tally;
use crate::platform::Platform;
use crate::pool::{Delivery, Job, Pool, ServeError, Served};
use crate::trace::TraceEvent;
use crate::world::clients::{Client, Clients, add_edge_headers};

/// One request of the run, as the client saw it. A run that keeps its records (`Retention::All`)
/// holds one per request until it ends, so its texts are shared (see [`Texts`]: a traffic
/// item's URL is fixed, so there are as many as items) and it owns no other memory unless it
/// keeps the response's headers and body.
#[derive(Debug, Clone, Serialize)]
pub struct RequestRecord {
    pub at_ms: u64,
    pub colo: Rc<str>,
    pub worker: Rc<str>,
    pub method: Rc<str>,
    pub url: Rc<str>,
    pub label: Option<Rc<str>>,
    /// `None` when the run's `duration` ended before the response.
    pub status: Option<u16>,
    /// The response's headers, when the run keeps responses (written `{}` when it does not).
    #[serde(serialize_with = "headers_or_none")]
    pub headers: Option<Box<serde_json::Map<String, serde_json::Value>>>,
    pub body: String,
    pub latency_ms: Option<u64>,
    #[serde(rename = "cpu_ms")]
    pub cpu_used_ms: f64,
    pub cold_start: bool,
    /// How the Worker's invocation ended; `None` when it did not run.
    pub outcome: Option<&'static str>,
    /// The router answered from the Worker's static assets, without running it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub from_assets: bool,
    /// For a `websocket` traffic item that got its socket: what the client exchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub websocket: Option<SocketStats>,
}

/// `{}` for headers not kept: a record costs one word for them rather than an empty map.
fn headers_or_none<S: serde::Serializer>(
    headers: &Option<Box<serde_json::Map<String, serde_json::Value>>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match headers {
        Some(headers) => headers.serialize(serializer),
        None => serializer.collect_map(std::iter::empty::<(&str, &str)>()),
    }
}

/// A WebSocket client's totals.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SocketStats {
    pub sent: u32,
    pub received: u32,
    /// The close code the client saw (1006: the connection dropped without a close frame).
    pub close_code: Option<u16>,
}

/// A request's place in the output: (scheduled time, traffic item, repetition) and its record.
pub(crate) type Slot = (u64, usize, usize, RequestRecord);

/// The run's request records: every one, for whoever reads them after the run; or only those
/// still in flight, each tallied and let go of as its client finishes, so that a run's memory
/// follows what is going on rather than how long it has gone on.
pub(crate) enum Records {
    All(Vec<Slot>),
    InFlight {
        slots: BTreeMap<usize, Slot>,
        started: usize,
        tally: Tally,
    },
}

impl Records {
    /// Records `slot` as its client starts; its index, in start order.
    fn start(&mut self, slot: Slot) -> usize {
        match self {
            Records::All(all) => {
                all.push(slot);
                all.len() - 1
            }
            Records::InFlight { slots, started, .. } => {
                slots.insert(*started, slot);
                *started += 1;
                *started - 1
            }
        }
    }

    /// What the client of request `index` has seen so far.
    fn update(&mut self, index: usize, record: RequestRecord) {
        let slot = match self {
            Records::All(all) => all.get_mut(index),
            Records::InFlight { slots, .. } => slots.get_mut(&index),
        };
        if let Some(slot) = slot {
            slot.3 = record;
        }
    }

    /// The client of request `index` is done with it.
    fn finish(&mut self, index: usize, record: RequestRecord) {
        match self {
            Records::All(_) => self.update(index, record),
            Records::InFlight { slots, tally, .. } => {
                if let Some((at, item, repetition, _)) = slots.remove(&index) {
                    tally.add((at, item, repetition), &record);
                }
            }
        }
    }
}

/// One copy of each distinct text the run's records hold (colos, Workers, methods, URLs,
/// labels): a million requests to a few URLs keep a few strings, not a million.
#[derive(Debug, Default)]
pub(crate) struct Texts(std::collections::BTreeSet<Rc<str>>);

impl Texts {
    pub fn get(&mut self, text: &str) -> Rc<str> {
        if let Some(known) = self.0.get(text) {
            return known.clone();
        }
        let text: Rc<str> = Rc::from(text);
        self.0.insert(text.clone());
        text
    }
}

/// What every client of a run shares.
pub(crate) struct Shared {
    pub start: madsim::time::Instant,
    pub platform: Rc<Platform>,
    pub pool: Rc<RefCell<Pool>>,
    pub workers: BTreeMap<String, (Rc<WorkerDefinition>, Limits)>,
    pub records: Rc<RefCell<Records>>,
    pub texts: RefCell<Texts>,
    pub startup_error: Rc<RefCell<Option<ServeError>>>,
    /// `platform.tls`, if the run models handshakes.
    pub tls: Option<crate::scenario::model::TlsSpec>,
    /// The run's clients, as the edge describes them to the Worker.
    pub clients: Clients,
    /// Where Smart Placement runs each placed Worker (scenario `placement`, or near the
    /// backends for `placement.mode = "smart"`).
    pub placements: BTreeMap<String, String>,
    /// The expectations checked as the run goes.
    pub online: crate::scenario::online::SharedChecks,
    /// Whether records keep each response's headers and body (see `Retention`).
    pub keep_responses: bool,
}

/// Which request this is: its number, traffic item, repetition and scheduled time.
pub(crate) struct Sending {
    pub id: u64,
    pub item: usize,
    pub repetition: usize,
    pub at_ms: u64,
}

/// A request's place in its session: wait for `after`, signal `then`, carry `carried`.
#[derive(Default)]
pub(crate) struct Turn {
    after: Option<oneshot::Receiver<()>>,
    then: Option<oneshot::Sender<()>>,
    carried: Option<Rc<RefCell<BTreeMap<String, String>>>>,
}

/// The turns of every session's requests, in the order their client sends them.
#[derive(Default)]
pub(crate) struct Turns {
    turns: BTreeMap<(usize, usize), Turn>,
}

impl Turns {
    /// `requests`: (scheduled time, traffic item, repetition, session name) of every request.
    pub fn plan(mut requests: Vec<(u64, usize, usize, String)>) -> Self {
        requests.sort();
        let mut sessions: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
        for (_, item, repetition, name) in requests {
            sessions.entry(name).or_default().push((item, repetition));
        }
        let mut turns = BTreeMap::new();
        for order in sessions.into_values() {
            let carried: Rc<RefCell<BTreeMap<String, String>>> = Rc::default();
            let mut after = None;
            for (i, key) in order.iter().enumerate() {
                let (then, next_after) = if i + 1 < order.len() {
                    let (tx, rx) = oneshot::channel();
                    (Some(tx), Some(rx))
                } else {
                    (None, None)
                };
                turns.insert(
                    *key,
                    Turn {
                        after: after.take(),
                        then,
                        carried: Some(carried.clone()),
                    },
                );
                after = next_after;
            }
        }
        Turns { turns }
    }

    pub fn take(&mut self, item: usize, repetition: usize) -> Turn {
        self.turns.remove(&(item, repetition)).unwrap_or_default()
    }
}

pub(crate) fn request_url(t: &TrafficSpec) -> String {
    if t.url.starts_with("http://") || t.url.starts_with("https://") {
        t.url.clone()
    } else {
        let path = if t.url.starts_with('/') {
            t.url.clone()
        } else {
            format!("/{}", t.url)
        };
        format!("https://{}.example.com{path}", t.worker)
    }
}

/// What the edge at `colo` does to a client's request before the Worker sees it: the headers it
/// adds, and `request.cf`.
pub fn arrive_at_edge(
    request: &mut HttpRequest,
    clients: &Clients,
    client: &Client,
    colo: &str,
    ray: u64,
) {
    let Ok(url) = url::Url::parse(&request.url) else {
        return;
    };
    let accept_encoding = request
        .headers
        .iter()
        .find(|(k, _)| k == "accept-encoding")
        .map(|(_, v)| v.clone());
    let cf = clients.cf_text(
        client,
        colo,
        url.scheme() == "https",
        accept_encoding.as_deref(),
    );
    request.cf = Some(cf.to_string());
    add_edge_headers(&mut request.headers, client, &url, colo, ray);
}

/// Sends one request of traffic item `t`, now (its send time), and records what its client saw.
pub(crate) async fn send(shared: Rc<Shared>, t: Rc<TrafficSpec>, sending: Sending, turn: Turn) {
    let Sending {
        id,
        item,
        repetition,
        at_ms: scheduled_ms,
    } = sending;
    let platform = &shared.platform;
    // A session's client sends one request at a time: this one waits for the one before, and
    // goes out when that one is answered if it is not yet.
    let in_session_turn = turn.after.is_some();
    let at_ms = match turn.after {
        Some(before) => {
            let _ = before.await;
            platform.elapsed_ms().max(scheduled_ms)
        }
        None => scheduled_ms,
    };
    let url = request_url(&t);
    let mut headers: Vec<(String, String)> = t
        .headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .collect();
    if let Some(carried) = &turn.carried {
        for (name, value) in carried.borrow().iter() {
            headers.retain(|(k, _)| k != name);
            headers.push((name.clone(), value.clone()));
        }
    }
    // An HTTP client sending a body says how long it is, and the edge passes that on: a
    // Worker (and a Node server behind httpServerHandler, whose body parsers look for it)
    // sees `content-length`.
    let framed = |k: &str| k == "content-length" || k == "transfer-encoding";
    if let Some(body) = &t.body
        && !headers.iter().any(|(k, _)| framed(k))
    {
        headers.push(("content-length".to_string(), body.len().to_string()));
    }
    if t.websocket.is_some() && !headers.iter().any(|(k, _)| k == "upgrade") {
        headers.push(("upgrade".to_string(), "websocket".to_string()));
    }
    let mut request = HttpRequest {
        method: t.method.to_ascii_uppercase(),
        url: url.clone(),
        headers,
        body: t.body.clone().unwrap_or_default().into_bytes(),
        cf: None,
    };
    platform.record(TraceEvent::Request {
        at_ms,
        id,
        colo: t.colo.clone(),
        worker: t.worker.clone(),
        method: request.method.clone(),
        url: url.clone(),
    });
    let mut record = {
        let mut texts = shared.texts.borrow_mut();
        RequestRecord {
            at_ms,
            colo: texts.get(&t.colo),
            worker: texts.get(&t.worker),
            method: texts.get(&request.method),
            url: texts.get(&url),
            label: t.label.as_deref().map(|label| texts.get(label)),
            status: None,
            headers: None,
            body: String::new(),
            latency_ms: None,
            cpu_used_ms: 0.0,
            cold_start: false,
            outcome: None,
            from_assets: false,
            websocket: None,
        }
    };
    let index =
        (shared.records.borrow_mut()).start((scheduled_ms, item, repetition, record.clone()));
    // During an outage the client reaches the nearest colo that is up instead.
    let (serving, detour) = platform.arrive(id, &t.colo, at_ms).await;
    let client_key = t.session.clone().unwrap_or_else(|| format!("item/{item}"));
    let ip = t.ip.map(|ip| ip.to_string());
    let clients = &shared.clients;
    let client = clients.client(platform.run_seed, &client_key, &t.colo, ip.as_deref());
    let ray = crate::seed::derive(platform.run_seed, &format!("ray/{id}"));
    arrive_at_edge(&mut request, clients, &client, &serving, ray);
    let (reply, answer) = oneshot::channel();
    let Some((definition, limits)) = shared.workers.get(&t.worker) else {
        return;
    };
    // Smart Placement: the request crosses from the edge to where the Worker runs, and back.
    let placed = (shared.placements.get(&t.worker))
        .map(|colo| platform.serving_colo(colo, at_ms))
        .filter(|colo| *colo != serving);
    let placement_hop = placed.as_ref().map_or(StdDuration::ZERO, |colo| {
        StdDuration::from_millis(platform.network.one_way_ms(&serving, colo))
    });
    if let Some(colo) = &placed {
        platform.record(TraceEvent::PlacedAway {
            at_ms: platform.elapsed_ms(),
            id,
            worker: t.worker.clone(),
            edge: serving.clone(),
            runs_at: colo.clone(),
        });
        madsim::time::sleep(placement_hop).await;
    }
    let runs_at = placed.clone().unwrap_or_else(|| serving.clone());
    // A session's later requests reuse its connection; every other request opens one.
    let mut arrived_ms = at_ms;
    if let Some(tls) = shared.tls.as_ref().filter(|_| !in_session_turn) {
        if tls.prewarm {
            (shared.pool.borrow_mut()).prewarm(&serving, &t.worker, definition, limits, id);
        }
        madsim::time::sleep(StdDuration::from_millis(tls.handshake.ms)).await;
        arrived_ms = platform.elapsed_ms();
    }
    // A run that keeps no responses drains their bodies, so none of any length is ever held.
    let body_use = match shared.keep_responses {
        true => BodyUse::Keep,
        false => BodyUse::Drain,
    };
    shared.pool.borrow_mut().send(
        &runs_at,
        &t.worker,
        definition,
        limits,
        Job {
            id,
            arrived_ms,
            event: Delivery::Fetch(request, body_use),
            reply,
        },
    );
    let answer = answer.await;
    madsim::time::sleep(placement_hop + detour).await;
    match answer {
        Ok(Ok(mut served)) => {
            // The answer travels back the detour too.
            served.responded_at_ms += (placement_hop + detour).as_millis() as u64;
            let socket = served.response.as_mut().and_then(|r| r.web_socket.take());
            if let (Some(carried), Some(response)) = (&turn.carried, &served.response) {
                let mut carried = carried.borrow_mut();
                for (name, value) in &response.headers {
                    if t.carry.iter().any(|c| c.eq_ignore_ascii_case(name)) {
                        carried.insert(name.clone(), value.clone());
                    }
                }
            }
            fill(&mut record, served, shared.keep_responses);
            if let (Some(end), Some(ws)) = (socket, &t.websocket) {
                shared.records.borrow_mut().update(index, record.clone());
                // The socket spans the client's hop to the colo serving it, rerouted or not.
                let client_hop_ms = platform.network.one_way_ms(&t.colo, &serving);
                end.add_latency_ms(client_hop_ms + placement_hop.as_millis() as u64);
                let stats = talk(end, platform, ws.script(id), id).await;
                record.websocket = Some(stats);
            }
        }
        Ok(Err(e)) => {
            shared.startup_error.borrow_mut().get_or_insert(e);
        }
        Err(_) => {}
    }
    (shared.online.borrow_mut()).request(index, &record, platform.elapsed_ms());
    shared.records.borrow_mut().finish(index, record);
    if let Some(next) = turn.then {
        let _ = next.send(());
    }
}

/// What the client saw of `served`; the response's headers and body only if `keep_response`.
fn fill(record: &mut RequestRecord, mut served: Served, keep_response: bool) {
    if let Some(r) = served.response.take() {
        record.status = Some(r.status);
        if keep_response {
            record.headers = Some(Box::new(
                (r.headers.into_iter())
                    .map(|(k, v)| (k, serde_json::Value::String(v)))
                    .collect(),
            ));
            record.body = String::from_utf8_lossy(&r.body).into_owned();
        }
    }
    record.latency_ms = Some(served.responded_at_ms.saturating_sub(record.at_ms));
    record.cold_start = served.cold_start;
    record.from_assets = served.report.is_none();
    if let Some(report) = served.report {
        record.cpu_used_ms = report.cpu_used_ms;
        record.outcome = Some(report.outcome.as_str());
    }
}

/// Runs request `id`'s WebSocket client to its end, tracing what it sent and received.
async fn talk(
    end: edgesim_runtime::socket::SocketEnd,
    platform: &Platform,
    script: crate::socket_client::ClientScript,
    id: u64,
) -> SocketStats {
    use crate::socket_client::ClientEvent;
    use edgesim_runtime::socket::Frame;
    let mut stats = SocketStats::default();
    platform.record(TraceEvent::SocketOpen {
        at_ms: platform.elapsed_ms(),
        id,
        latency_ms: end.latency_ms(),
    });
    let describe = |frame: &Frame| match frame {
        Frame::Text(t) => t.clone(),
        other => format!("<{} bytes>", other.len()),
    };
    crate::socket_client::run(end, platform, script, |at_ms, event| {
        let traced = match event {
            ClientEvent::Sent(Frame::Close { .. }) => return,
            ClientEvent::Sent(frame) => {
                stats.sent += 1;
                TraceEvent::SocketSend {
                    at_ms,
                    id,
                    text: describe(&frame),
                }
            }
            ClientEvent::Received(Frame::Close { code, reason }) => {
                stats.close_code = Some(code);
                TraceEvent::SocketClose {
                    at_ms,
                    id,
                    code,
                    reason,
                }
            }
            ClientEvent::Received(frame) => {
                stats.received += 1;
                TraceEvent::SocketReceive {
                    at_ms,
                    id,
                    text: describe(&frame),
                }
            }
            ClientEvent::Gone | ClientEvent::HungUp => {
                stats.close_code = Some(1006);
                let reason = if event == ClientEvent::Gone {
                    "the server went away"
                } else {
                    "the client hung up"
                };
                TraceEvent::SocketClose {
                    at_ms,
                    id,
                    code: 1006,
                    reason: reason.to_string(),
                }
            }
        };
        platform.record(traced);
    })
    .await;
    stats
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::Texts;

    #[test]
    fn records_share_one_copy_of_each_text() {
        let mut texts = Texts::default();
        let first = texts.get("https://app.test/");
        let again = texts.get(&String::from("https://app.test/"));
        assert!(Rc::ptr_eq(&first, &again));
        assert_eq!(&*texts.get("LHR"), "LHR");
        assert!(!Rc::ptr_eq(&first, &texts.get("https://app.test/other")));
    }
}
