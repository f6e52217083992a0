//! What answers a Worker's `fetch()` to the Internet: the origins a user declares (a Worker
//! acting as the origin, a directory of files, canned responses), each at a place on the
//! simulated network so the round trip costs what distance costs. A host nobody declared fails
//! as production fails to connect, and the trace says how to declare it.

pub mod canned;
pub mod spec;
pub mod static_site;
pub mod tcp;

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::rc::Rc;
use std::time::Duration;

use edgesim_runtime::host::{CallKind, CallReply, ConnectError, ConnectRequest, ServiceCall};
use edgesim_runtime::socket::SocketEnd;
use edgesim_runtime::worker::WorkerDefinition;
use edgesim_runtime::{BodyUse, FetchError, HttpRequest, HttpResponse, Limits};
use futures::channel::oneshot;

use crate::platform::Platform;
use crate::pool::{Delivery, Job, Pool, PoolContext};
use crate::trace::TraceEvent;
pub use spec::{CannedSpec, OriginError, OriginSpec, PlaceSpec};
use static_site::StaticSite;

/// One way between a colo and an origin whose place is not given.
pub const UNPLACED_ONE_WAY_MS: u64 = 10;
/// How long a `fetch()` to a host nobody declared takes to fail (a DNS lookup's worth).
pub const UNDECLARED_FAILURE_MS: u64 = 20;

/// Answers outbound `fetch()` calls in tests; `None` means nothing listens at that origin.
pub type OriginFn = dyn Fn(&HttpRequest) -> Option<HttpResponse>;

/// Which requests an origin answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginKey {
    /// Every URL on this host (and port, when given).
    Host { host: String, port: Option<u16> },
    /// Every URL that starts with this one.
    Prefix(url::Url),
}

impl OriginKey {
    pub fn parse(text: &str) -> Option<OriginKey> {
        if text.contains("://") {
            let url = url::Url::parse(text).ok()?;
            let web = matches!(url.scheme(), "http" | "https") && url.host_str().is_some();
            return (web && url.query().is_none() && url.fragment().is_none())
                .then_some(OriginKey::Prefix(url));
        }
        let url = url::Url::parse(&format!("http://{text}")).ok()?;
        let bare = url.path() == "/" && url.username().is_empty() && !text.contains(['/', '?']);
        Some(OriginKey::Host {
            host: url.host_str()?.to_string(),
            port: url.port(),
        })
        .filter(|_| bare)
    }

    fn matches(&self, url: &url::Url) -> bool {
        match self {
            OriginKey::Host { host, port } => {
                url.host_str() == Some(host.as_str())
                    && port.is_none_or(|p| url.port_or_known_default() == Some(p))
            }
            OriginKey::Prefix(prefix) => url.as_str().starts_with(prefix.as_str()),
        }
    }

    /// A URL prefix is more specific than a host; a longer prefix more than a shorter one.
    fn specificity(&self) -> (bool, usize) {
        match self {
            OriginKey::Host { .. } => (false, 0),
            OriginKey::Prefix(prefix) => (true, prefix.as_str().len()),
        }
    }

    /// The part of `url`'s path the origin sees as its own (below a prefix's path).
    fn path_within<'u>(&self, url: &'u url::Url) -> &'u str {
        let path = url.path();
        match self {
            OriginKey::Host { .. } => path,
            OriginKey::Prefix(prefix) => {
                let base = prefix.path().trim_end_matches('/');
                path.strip_prefix(base).unwrap_or(path)
            }
        }
    }
}

/// A place on the simulated network.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

pub struct OriginWorker {
    pub definition: Rc<WorkerDefinition>,
    pub limits: Limits,
}

pub enum Answer {
    Worker(OriginWorker),
    Static(StaticSite),
    Canned(Vec<canned::CannedResponse>),
    Tcp(tcp::TcpServer),
    /// A TCP server that Worker `service` of the run keeps (a vitest global setup's
    /// `net.createServer()`): each connection is a connect event to its default entrypoint.
    Listener {
        service: String,
    },
}

pub struct Origin {
    /// The key as the user wrote it.
    pub label: String,
    pub key: OriginKey,
    pub place: Option<Place>,
    pub answer: Answer,
}

/// The origins of a run.
#[derive(Default)]
pub struct OriginTable {
    pub origins: Vec<Origin>,
}

impl OriginTable {
    /// The most specific origin that answers `url`.
    pub fn route(&self, url: &url::Url) -> Option<&Origin> {
        self.origins
            .iter()
            .filter(|o| o.key.matches(url))
            .max_by_key(|o| o.key.specificity())
    }

    /// The origin that accepts TCP connections at `host:port`.
    pub fn route_tcp(&self, host: &str, port: u16) -> Option<&Origin> {
        self.origins.iter().find(|o| {
            matches!(&o.key, OriginKey::Host { host: h, port: Some(p) } if h == host && *p == port)
        })
    }

    pub fn places(&self) -> impl Iterator<Item = &Place> {
        self.origins.iter().filter_map(|o| o.place.as_ref())
    }
}

/// The platform's view of the origins during a run.
#[derive(Default)]
pub struct OriginService {
    table: Rc<OriginTable>,
    /// A test's stand-in for the Internet, asked when no declared origin matches.
    answerer: RefCell<Option<Rc<OriginFn>>>,
    /// The isolates of Worker origins, started on first use. It holds the platform, so it is
    /// dropped when the run ends ([`OriginService::close`]).
    pool: RefCell<Option<Pool>>,
    next_job: Cell<u64>,
    undeclared: RefCell<BTreeSet<String>>,
}

impl OriginService {
    pub fn new(table: Rc<OriginTable>) -> Self {
        OriginService {
            table,
            ..Default::default()
        }
    }

    pub fn set_answerer(&self, answerer: Option<Rc<OriginFn>>) {
        *self.answerer.borrow_mut() = answerer;
    }

    /// Ends the Worker origins' isolates (the pool holds the platform that holds it).
    pub fn close(&self) {
        self.pool.borrow_mut().take();
    }

    /// The hosts Workers fetched that no origin answers, in name order.
    pub fn undeclared_hosts(&self) -> Vec<String> {
        self.undeclared.borrow().iter().cloned().collect()
    }
}

/// Worker `from` at `colo` fetches `request` from the Internet.
pub async fn fetch(
    platform: Rc<Platform>,
    colo: String,
    from: String,
    request: HttpRequest,
) -> Result<HttpResponse, FetchError> {
    let service = &platform.origins;
    let url = url::Url::parse(&request.url).map_err(|_| FetchError::ConnectionLost)?;
    let table = service.table.clone();
    let Some(origin) = table.route(&url) else {
        let answer = service.answerer.borrow().as_ref().and_then(|a| a(&request));
        sleep_ms(UNDECLARED_FAILURE_MS).await;
        return match answer {
            Some(response) => Ok(response),
            None => Err(undeclared(&platform, &colo, &url)),
        };
    };
    travel(&platform, &colo, origin, true).await?;
    let response = match &origin.answer {
        Answer::Static(site) => site.serve(&request, origin.key.path_within(&url)),
        Answer::Canned(responses) => {
            let (response, delay_ms) = canned::answer(responses, &request, url.path());
            sleep_ms(delay_ms).await;
            response
        }
        Answer::Worker(worker) => ask_worker(&platform, origin, worker, request).await,
        Answer::Listener { service } => {
            let port = url.port_or_known_default().unwrap_or_default();
            let call = ServiceCall {
                service: service.clone(),
                entrypoint: None,
                props: serde_json::json!({ "listening": port }).to_string(),
                kind: CallKind::Fetch(request),
            };
            // Only an HTTP server answers; a TCP one (or none) leaves the request unanswered.
            match crate::services::call(platform.clone(), colo.clone(), from, call).await {
                Ok(CallReply::Response(response)) => response,
                Ok(CallReply::Value(_)) | Err(_) => {
                    travel(&platform, &colo, origin, false).await?;
                    return Err(FetchError::ConnectionLost);
                }
            }
        }
        Answer::Tcp(_) => {
            // A TCP server does not speak HTTP: the request gets no answer.
            travel(&platform, &colo, origin, false).await?;
            return Err(FetchError::ConnectionLost);
        }
    };
    travel(&platform, &colo, origin, false).await?;
    Ok(response)
}

/// Worker `from` at `colo` opens a TCP connection (`connect()`): the handshake's round trip (two
/// with TLS) to the origin at that address, then a connection to its own run of the origin's
/// server, or to the Worker that listens there. An address nobody declared, or one that is
/// not a TCP server, refuses.
pub async fn connect(
    platform: Rc<Platform>,
    colo: String,
    from: String,
    request: ConnectRequest,
) -> Result<SocketEnd, ConnectError> {
    let url = url::Url::parse(&format!("tcp://{}", request.address)).ok();
    let host = url.as_ref().and_then(|u| u.host_str().map(str::to_string));
    let port = url.as_ref().and_then(url::Url::port);
    let table = platform.origins.table.clone();
    let origin = host
        .as_deref()
        .zip(port)
        .and_then(|(h, p)| table.route_tcp(h, p));
    let Some(origin) = origin else {
        sleep_ms(UNDECLARED_FAILURE_MS).await;
        (platform.origins.undeclared.borrow_mut()).insert(request.address.clone());
        platform.record(TraceEvent::SocketRefused {
            at_ms: platform.elapsed_ms(),
            colo,
            address: request.address,
        });
        return Err(ConnectError::Refused);
    };
    // TCP's handshake, and TLS 1.3's round trip on top when the socket asked for TLS.
    let round_trips = if request.tls { 2 } else { 1 };
    let handshake = async {
        for _ in 0..round_trips {
            travel(&platform, &colo, origin, true).await?;
            travel(&platform, &colo, origin, false).await?;
        }
        Ok::<(), FetchError>(())
    };
    if !matches!(
        origin.answer,
        Answer::Tcp(_) | Answer::Listener { .. } | Answer::Worker(_)
    ) {
        let _ = handshake.await;
        return Err(ConnectError::Refused);
    }
    handshake.await.map_err(|_| ConnectError::Refused)?;
    let (client, server_end) = SocketEnd::pair();
    client.lift_message_limit();
    server_end.lift_message_limit();
    client.add_latency_ms(one_way_ms(&platform, &colo, origin));
    platform.record(TraceEvent::SocketOpened {
        at_ms: platform.elapsed_ms(),
        colo: colo.clone(),
        address: request.address.clone(),
        tls: request.tls,
    });
    let serving = platform.clone();
    let address = request.address;
    let connect = |authority, end| CallKind::Connect { authority, end };
    match &origin.answer {
        // The handler's end is the connection's: nothing waits on what it answers.
        Answer::Worker(worker) => {
            let event = Delivery::Service {
                entrypoint: None,
                props: "{}".to_string(),
                call: connect(address, server_end),
            };
            drop(send_to_worker(&platform, origin, worker, event));
        }
        Answer::Listener { service } => {
            let call = ServiceCall {
                service: service.clone(),
                entrypoint: None,
                props: "{}".to_string(),
                kind: connect(address, server_end),
            };
            // The listener's answer is its handler ending; the connection has ended by then.
            platform.tasks.spawn(async move {
                let _ = crate::services::call(serving, colo, from, call).await;
            });
        }
        Answer::Tcp(server) => {
            let server = server.clone();
            platform
                .tasks
                .spawn(async move { tcp::serve(server_end, server, &serving, address).await });
        }
        Answer::Static(_) | Answer::Canned(_) => {}
    }
    Ok(client)
}

/// One way between `colo` and the origin, as [`travel`] waits it without faults.
fn one_way_ms(platform: &Platform, colo: &str, origin: &Origin) -> u64 {
    origin.place.as_ref().map_or(UNPLACED_ONE_WAY_MS, |p| {
        platform.network.one_way_ms(colo, &p.name)
    })
}

async fn sleep_ms(ms: u64) {
    madsim::time::sleep(Duration::from_millis(ms)).await;
}

/// The way to the origin (`out`) or back; a partition loses the request.
async fn travel(
    platform: &Platform,
    colo: &str,
    origin: &Origin,
    out: bool,
) -> Result<(), FetchError> {
    let Some(place) = &origin.place else {
        sleep_ms(UNPLACED_ONE_WAY_MS).await;
        return Ok(());
    };
    let (from, to) = if out {
        (colo, place.name.as_str())
    } else {
        (place.name.as_str(), colo)
    };
    platform
        .travel(from, to)
        .await
        .map_err(|_| FetchError::ConnectionLost)
}

fn undeclared(platform: &Platform, colo: &str, url: &url::Url) -> FetchError {
    let host = url.host_str().unwrap_or_default().to_string();
    platform
        .origins
        .undeclared
        .borrow_mut()
        .insert(host.clone());
    platform.record(TraceEvent::OriginUndeclared {
        at_ms: platform.elapsed_ms(),
        colo: colo.to_string(),
        host,
    });
    FetchError::ConnectionLost
}

/// Hands `request` to the origin's Worker, in its own isolate at the origin's place.
async fn ask_worker(
    platform: &Rc<Platform>,
    origin: &Origin,
    worker: &OriginWorker,
    request: HttpRequest,
) -> HttpResponse {
    match send_to_worker(
        platform,
        origin,
        worker,
        Delivery::Fetch(request, BodyUse::Keep),
    )
    .await
    {
        Ok(Ok(served)) => served.response.unwrap_or_else(|| {
            plain_response(502, "Bad Gateway", "the origin Worker gave no response\n")
        }),
        Ok(Err(e)) => plain_response(502, "Bad Gateway", &format!("origin Worker: {e}\n")),
        Err(_) => plain_response(502, "Bad Gateway", "the origin Worker stopped\n"),
    }
}

/// Sends `event` to an isolate of the origin's Worker at the origin's place (the origins'
/// pool starts on first use); what it served comes back on the receiver.
fn send_to_worker(
    platform: &Rc<Platform>,
    origin: &Origin,
    worker: &OriginWorker,
    event: Delivery,
) -> oneshot::Receiver<Result<crate::pool::Served, crate::pool::ServeError>> {
    let service = &platform.origins;
    let (reply, answer) = oneshot::channel();
    let id = service.next_job.get() + 1;
    service.next_job.set(id);
    let job = Job {
        id,
        arrived_ms: platform.elapsed_ms(),
        event,
        reply,
    };
    let place = origin
        .place
        .as_ref()
        .map_or_else(|| format!("origin {}", origin.label), |p| p.name.clone());
    service
        .pool
        .borrow_mut()
        .get_or_insert_with(|| {
            Pool::new(Rc::new(PoolContext {
                run_seed: crate::seed::derive(platform.run_seed, "origins"),
                platform: platform.clone(),
                idle_evict_ms: None,
                warm_isolates: crate::warm_isolates::WarmIsolates::new(None),
                serves_origins: true,
            }))
        })
        .send(
            &place,
            &origin.label,
            &worker.definition,
            &worker.limits,
            job,
        );
    answer
}

/// A `text/plain` response.
pub(crate) fn plain_response(status: u16, status_text: &str, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        status_text: status_text.to_string(),
        headers: vec![(
            "content-type".to_string(),
            "text/plain; charset=utf-8".to_string(),
        )],
        body: body.as_bytes().to_vec(),
        web_socket: None,
    }
}

/// The line a user reads when a Worker's `connect()` found no TCP origin at its address.
pub fn refused_advice(address: &str) -> String {
    format!(
        "connect() to {address}: no TCP origin is declared at that address, so the connection \
         was refused as production refuses one (Error: proxy request failed, cannot connect to \
         the specified address); declare it under `origins:` with `tcp:`"
    )
}

/// The line a user reads when a Worker fetched a host nobody declared.
pub fn undeclared_advice(host: &str, how_to_declare: &str) -> String {
    format!(
        "fetch() to {host}: no origin is declared for it, so it failed as production fails to \
         reach a host (TypeError: Network connection lost.); {how_to_declare}"
    )
}
