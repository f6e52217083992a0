//! Fixtures for the criterion benchmarks: a host that needs no simulation (its timers are
//! ready at once), so a benchmark measures the runtime and nothing around it.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use edgesim_runtime::host::R2Result;
use edgesim_runtime::host::{CallError, CallReply, ObjectCall};
use edgesim_runtime::socket::hibernation::Hibernation;
use edgesim_runtime::storage::cache::{CacheOp, CacheReply, HttpCache};
use edgesim_runtime::storage::d1::{D1Database, D1Error, D1Request, D1Response, D1Session};
use edgesim_runtime::storage::durable::{
    ObjectAddress, ObjectStore, StorageError, StorageOp, StorageReply,
};
use edgesim_runtime::storage::kv::{KvError, KvOp, KvReply, LocalKv};
use edgesim_runtime::storage::queue::{OutgoingMessage, QueueBroker, QueueMetrics, QueueRefusal};
use edgesim_runtime::storage::r2::{R2Bucket, R2Op};
use edgesim_runtime::storage::sql::{SqlAnswer, SqlCall, SqlError};
use edgesim_runtime::{FetchError, Host, HostFuture, HttpRequest, HttpResponse};

/// A fixed clock, counter-based randomness, no network.
#[derive(Default)]
pub struct BenchHost {
    counter: Cell<u64>,
    kv: LocalKv,
    /// Durable Object stores, all SQLite-backed (the default for new classes).
    objects: RefCell<BTreeMap<ObjectAddress, ObjectStore>>,
    d1: RefCell<BTreeMap<String, D1Database>>,
    cache: RefCell<HttpCache>,
    queues: RefCell<BTreeMap<String, QueueBroker>>,
    r2: RefCell<BTreeMap<String, R2Bucket>>,
    hibernation: RefCell<BTreeMap<ObjectAddress, Rc<RefCell<Hibernation>>>>,
}

impl Host for BenchHost {
    fn now_ms(&self) -> u64 {
        1_767_225_600_000
    }
    fn sleep_until(&self, _at_ms: u64) -> HostFuture<()> {
        Box::pin(std::future::ready(()))
    }
    fn fill_random(&self, buf: &mut [u8]) {
        for b in buf {
            let n = self
                .counter
                .get()
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.counter.set(n);
            *b = (n >> 56) as u8;
        }
    }
    fn fetch(&self, _request: HttpRequest) -> HostFuture<Result<HttpResponse, FetchError>> {
        Box::pin(std::future::ready(Err(FetchError::ConnectionLost)))
    }
    fn kv(&self, namespace: &str, op: KvOp) -> HostFuture<Result<KvReply, KvError>> {
        Box::pin(std::future::ready(self.kv.call(
            namespace,
            op,
            self.now_ms(),
        )))
    }
    fn r2(&self, bucket: &str, op: R2Op, body: Vec<u8>) -> HostFuture<R2Result> {
        let result = self
            .r2
            .borrow_mut()
            .entry(bucket.to_string())
            .or_default()
            .apply(op, body, self.now_ms());
        Box::pin(std::future::ready(result))
    }
    fn queue_send(
        &self,
        queue: &str,
        messages: Vec<OutgoingMessage>,
    ) -> HostFuture<Result<QueueMetrics, QueueRefusal>> {
        let mut queues = self.queues.borrow_mut();
        let broker = queues.entry(queue.to_string()).or_default();
        let ids = (0..messages.len())
            .map(|_| {
                let mut id = [0u8; 16];
                self.fill_random(&mut id);
                id.iter().map(|b| format!("{b:02x}")).collect()
            })
            .collect();
        broker.send(ids, messages, self.now_ms());
        Box::pin(std::future::ready(Ok(broker.metrics())))
    }
    fn cache(&self, op: CacheOp) -> HostFuture<CacheReply> {
        let reply = self.cache.borrow_mut().apply(op, self.now_ms());
        Box::pin(std::future::ready(reply))
    }
    fn d1(
        &self,
        database: &str,
        request: D1Request,
        _session: Option<D1Session>,
    ) -> HostFuture<Result<D1Response, D1Error>> {
        let mut databases = self.d1.borrow_mut();
        if !databases.contains_key(database) {
            match D1Database::open(0) {
                Ok(db) => databases.insert(database.to_string(), db),
                Err(e) => {
                    return Box::pin(std::future::ready(Err(D1Error {
                        prefix: "D1_ERROR",
                        message: e.to_string(),
                    })));
                }
            };
        }
        let answer = match databases.get_mut(database) {
            Some(db) => db.run(request).map(|reply| D1Response {
                reply,
                bookmark: db.bookmark(),
                served_by_region: "WEUR".into(),
                served_by_primary: true,
            }),
            None => Err(D1Error {
                prefix: "D1_ERROR",
                message: "no such database".into(),
            }),
        };
        Box::pin(std::future::ready(answer))
    }
    /// Benchmarks call objects directly, not through stubs.
    fn call_object(&self, _call: ObjectCall) -> HostFuture<Result<CallReply, CallError>> {
        Box::pin(std::future::ready(Err(CallError::platform(
            "the benchmark host has no Durable Objects",
        ))))
    }
    fn object_storage(
        &self,
        object: &ObjectAddress,
        op: StorageOp,
    ) -> HostFuture<Result<StorageReply, StorageError>> {
        Box::pin(std::future::ready(self.object_read_now(object, op)))
    }
    /// Reads and commits alike, applied at once (the benchmark host has no latency).
    fn object_read_now(
        &self,
        object: &ObjectAddress,
        op: StorageOp,
    ) -> Result<StorageReply, StorageError> {
        let mut objects = self.objects.borrow_mut();
        if !objects.contains_key(object) {
            let store = ObjectStore::sqlite(0).map_err(|_| StorageError::Internal)?;
            objects.insert(object.clone(), store);
        }
        match objects.get_mut(object) {
            Some(store) => store.apply(op),
            None => Err(StorageError::Internal),
        }
    }
    fn object_sql(&self, object: &ObjectAddress, call: SqlCall) -> Result<SqlAnswer, SqlError> {
        let mut objects = self.objects.borrow_mut();
        if !objects.contains_key(object) {
            let store = ObjectStore::sqlite(0)?;
            objects.insert(object.clone(), store);
        }
        match objects.get_mut(object) {
            Some(store) => store.sql(call),
            None => Err(SqlError("no such object".into())),
        }
    }
    fn hibernation(&self, object: &ObjectAddress) -> Option<Rc<RefCell<Hibernation>>> {
        let mut sets = self.hibernation.borrow_mut();
        Some(sets.entry(object.clone()).or_default().clone())
    }
}

/// The 20-line module of the cold-start benchmark.
pub const TWENTY_LINE_WORKER: &str = r#"
const ROUTES = new Map([
  ["/", () => new Response("hello world")],
  ["/json", () => Response.json({ ok: true, n: 1 })],
]);

function notFound(url) {
  return new Response(`no route for ${url.pathname}`, { status: 404 });
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const route = ROUTES.get(url.pathname);
    if (!route) return notFound(url);
    const response = route(request);
    response.headers.set("x-served-by", "edgesim");
    return response;
  },
};
"#;

pub fn hello_request() -> HttpRequest {
    HttpRequest {
        method: "GET".into(),
        url: "https://example.com/".into(),
        headers: vec![],
        body: vec![],
        cf: None,
    }
}

/// Serves `request` to completion (its response and any `waitUntil` work) and returns the
/// response (status 0 and no body if there was none).
pub fn serve(isolate: &mut edgesim_runtime::Isolate, request: HttpRequest) -> HttpResponse {
    let id = isolate.start_fetch(request, edgesim_runtime::BodyUse::Keep);
    let mut response = HttpResponse {
        status: 0,
        status_text: String::new(),
        headers: vec![],
        body: vec![],
        web_socket: None,
    };
    while let Some(event) = futures::executor::block_on(isolate.next_event()) {
        match event {
            edgesim_runtime::IsolateEvent::Responded { id: r, response: x } if r == id => {
                response = x;
            }
            edgesim_runtime::IsolateEvent::Finished(report) if report.id == id => break,
            _ => {}
        }
    }
    response
}

/// `GET https://example.com<path>`.
pub fn get(path: &str) -> HttpRequest {
    HttpRequest {
        method: "GET".into(),
        url: format!("https://example.com{path}"),
        headers: vec![],
        body: vec![],
        cf: None,
    }
}

/// An isolate running the one-module Worker `source` with `nodejs_compat` (at the latest
/// compatibility date), on a [`BenchHost`].
pub fn start_node_worker(source: &str) -> edgesim_runtime::Isolate {
    let config = edgesim_runtime::worker::WranglerConfig::parse(
        "wrangler.toml",
        "name = 'bench'\nmain = 'worker.js'\ncompatibility_flags = ['nodejs_compat']\n",
    )
    .unwrap_or_else(|e| panic!("the benchmark config must parse: {e}"));
    let worker = edgesim_runtime::worker::WorkerDefinition::from_sources(
        config,
        "worker.js",
        &[("worker.js", source)],
    );
    let isolate = worker.isolate_config(edgesim_runtime::Limits::default());
    match edgesim_runtime::Isolate::start(std::rc::Rc::new(BenchHost::default()), &isolate) {
        Ok(i) => i,
        Err(e) => panic!("the benchmark Worker must start: {e}"),
    }
}

/// An isolate running the one-module Worker `source` with `bindings`, on a [`BenchHost`].
pub fn start_worker(
    source: &str,
    bindings: Vec<edgesim_runtime::bindings::Binding>,
) -> edgesim_runtime::Isolate {
    let config = edgesim_runtime::IsolateConfig {
        bundle: edgesim_runtime::Bundle::from_sources(
            "worker.js",
            &[("worker.js", source)],
            edgesim_runtime::NodeImports::default(),
        ),
        limits: edgesim_runtime::Limits::default(),
        vars: Default::default(),
        bindings,
        object_classes: vec![],
        catalog: &edgesim_runtime::api::CATALOG,
        weak_refs: true,
        compat_flags: vec!["rpc".to_string()],
    };
    match edgesim_runtime::Isolate::start(std::rc::Rc::new(BenchHost::default()), &config) {
        Ok(i) => i,
        Err(e) => panic!("the benchmark Worker must start: {e}"),
    }
}
