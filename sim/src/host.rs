//! The runtime's [`Host`] inside a simulation: madsim's clock, the run's seed, the platform's
//! services as seen from the isolate's colo.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use edgesim_runtime::host::{
    CallError, CallKind, CallReply, Caller, ConnectError, ConnectRequest, EventOutcome, ObjectCall,
    ServiceCall, ServiceEvent,
};
use edgesim_runtime::host::{ObjectControl, R2Result, StorageStep, WorldAnswer, WorldRequest};
use edgesim_runtime::socket::hibernation::Hibernation;
use edgesim_runtime::storage::cache::{CacheOp, CacheReply};
use edgesim_runtime::storage::d1::{D1Error, D1Request, D1Response, D1Session};
use edgesim_runtime::storage::durable::{ObjectAddress, StorageError, StorageOp, StorageReply};
use edgesim_runtime::storage::kv::{KvError, KvOp, KvReply};
use edgesim_runtime::storage::queue::{OutgoingMessage, QueueMetrics, QueueRefusal};
use edgesim_runtime::storage::r2::R2Op;
use edgesim_runtime::storage::sql::{SqlAnswer, SqlCall, SqlError};
use edgesim_runtime::storage::workflow::{
    StepAnswer, StepOp, WorkflowCall, WorkflowRefusal, WorkflowReply,
};
use edgesim_runtime::{FetchError, Host, HostFuture, HttpRequest, HttpResponse};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::d1::D1Service;
use crate::durable_objects::{ObjectService, WorkerUnit};
use crate::platform::Platform;
use crate::queues::QueueService;
use crate::r2::R2Service;
use crate::trace::TraceEvent;

/// 2026-01-01T00:00:00Z: where simulated wall-clock time starts unless a scenario says otherwise.
pub const DEFAULT_EPOCH_MS: u64 = 1_767_225_600_000;

pub use crate::origins::OriginFn;

pub struct SimHost {
    colo: String,
    platform: Rc<Platform>,
    rng: RefCell<ChaCha8Rng>,
    /// The Worker the isolate runs: Durable Object calls start objects of its classes.
    worker: Option<WorkerUnit>,
    /// Whose Durable Object storage this isolate may reach.
    objects: Hosting,
    /// Serves `SELF.fetch(url, { colo })` at other colos (`edgesim test`).
    colo_fetcher: Option<Rc<crate::test::ColoFetcher>>,
    /// States of the platform's storage to go back to (Host::test_storage), newest last.
    saved_storage: RefCell<Vec<crate::storage_snapshot::StorageSnapshot>>,
}

impl SimHost {
    /// The host of an isolate at `colo`.
    pub fn new(seed: u64, colo: &str, platform: Rc<Platform>) -> Self {
        SimHost {
            colo: colo.to_string(),
            platform,
            rng: RefCell::new(ChaCha8Rng::seed_from_u64(seed)),
            worker: None,
            objects: Hosting::None,
            colo_fetcher: None,
            saved_storage: RefCell::default(),
        }
    }

    /// The name of the Worker this isolate runs (empty when it was started without one), as
    /// calls it makes are traced.
    fn worker_name(&self) -> String {
        (self.worker.as_ref()).map_or_else(String::new, |w| w.definition.name.clone())
    }

    pub fn with_worker(mut self, worker: WorkerUnit) -> Self {
        self.worker = Some(worker);
        self
    }

    pub fn with_colo_fetcher(mut self, fetcher: Rc<crate::test::ColoFetcher>) -> Self {
        self.colo_fetcher = Some(fetcher);
        self
    }

    /// The isolate hosts Durable Objects of its Worker's classes that the platform placed in
    /// it.
    pub fn with_placed_objects(mut self) -> Self {
        self.objects = Hosting::Placed;
        self
    }

    /// The isolate hosts every object of its Worker's own classes (`edgesim test`).
    pub fn with_own_objects(mut self) -> Self {
        self.objects = Hosting::OwnClasses;
        self
    }

    /// This isolate, as the callee of an RPC call it makes calls back the functions and
    /// `RpcTarget`s the call passed.
    fn as_caller(&self) -> Option<Caller> {
        let (colo, worker) = (
            self.colo.clone(),
            self.worker.as_ref()?.definition.name.clone(),
        );
        Some(match self.objects {
            Hosting::OwnClasses => Caller::TestFile { colo, worker },
            Hosting::None | Hosting::Placed => Caller::Worker { colo, worker },
        })
    }

    fn hosts(&self, object: &ObjectAddress) -> bool {
        match &self.objects {
            Hosting::None => false,
            Hosting::Placed | Hosting::OwnClasses => (self.worker.as_ref())
                .is_some_and(|w| w.definition.object_class(&object.namespace).is_some()),
        }
    }

    /// Whether this isolate hosts every object of Durable Object namespace `namespace`: a
    /// class of its Worker's own, in the isolate of `edgesim test`.
    fn hosts_class_of(&self, namespace: &str) -> bool {
        matches!(self.objects, Hosting::OwnClasses)
            && (self.worker.as_ref())
                .is_some_and(|w| w.definition.object_class(namespace).is_some())
    }
}

/// The Durable Objects an isolate hosts.
enum Hosting {
    None,
    /// Objects of the Worker's classes the platform placed in the isolate (it shares one
    /// isolate among several, as production does).
    Placed,
    /// Every object of the Worker's own classes, in the isolate `edgesim test` runs a file in.
    OwnClasses,
}

impl Host for SimHost {
    fn now_ms(&self) -> u64 {
        self.platform.now_ms()
    }

    fn sleep_until(&self, at_ms: u64) -> HostFuture<()> {
        let delay = at_ms.saturating_sub(self.now_ms());
        Box::pin(madsim::time::sleep(Duration::from_millis(delay)))
    }

    fn fill_random(&self, buf: &mut [u8]) {
        self.rng.borrow_mut().fill_bytes(buf);
    }

    fn fetch(&self, request: HttpRequest) -> HostFuture<Result<HttpResponse, FetchError>> {
        if let Some(worker) = &self.worker
            && let Some(outbound) = &worker.definition.config.outbound
        {
            let (platform, colo) = (self.platform.clone(), self.colo.clone());
            let (from, outbound) = (worker.definition.name.clone(), outbound.clone());
            return Box::pin(async move {
                crate::services::outbound(platform, colo, from, &outbound, request).await
            });
        }
        Box::pin(crate::origins::fetch(
            self.platform.clone(),
            self.colo.clone(),
            self.worker_name(),
            request,
        ))
    }

    fn connect(
        &self,
        request: ConnectRequest,
    ) -> HostFuture<Result<edgesim_runtime::socket::SocketEnd, ConnectError>> {
        Box::pin(crate::origins::connect(
            self.platform.clone(),
            self.colo.clone(),
            self.worker_name(),
            request,
        ))
    }

    /// A read is answered by the colo's cache when it is fresh, else by the central store;
    /// a write always goes to the central store (crate::kv).
    fn kv(&self, namespace: &str, op: KvOp) -> HostFuture<Result<KvReply, KvError>> {
        let platform = self.platform.clone();
        let colo = self.colo.clone();
        let namespace = namespace.to_string();
        Box::pin(async move { crate::kv::call(&platform, &colo, &namespace, op).await })
    }

    fn call_object(&self, mut call: ObjectCall) -> HostFuture<Result<CallReply, CallError>> {
        let Some(worker) = self.worker.clone() else {
            return Box::pin(std::future::ready(Err(CallError::platform(
                "edgesim: this isolate was started without its Worker, so it cannot reach \
                 Durable Objects",
            ))));
        };
        call.kind = crate::callbacks::stamped(call.kind, self.as_caller());
        Box::pin(ObjectService::call(
            self.platform.clone(),
            self.colo.clone(),
            worker,
            call,
        ))
    }

    fn call_back(
        &self,
        caller: &Caller,
        call: CallKind,
    ) -> HostFuture<Result<CallReply, CallError>> {
        let Some(worker) = self.worker.clone() else {
            return Box::pin(std::future::ready(Err(CallError::platform(
                "edgesim: this isolate was started without its Worker, so it cannot call back",
            ))));
        };
        Box::pin(crate::callbacks::call_back(
            self.platform.clone(),
            self.colo.clone(),
            worker,
            self.as_caller(),
            caller.clone(),
            call,
        ))
    }

    fn route_to_assets(&self, request: &HttpRequest) -> Option<HttpResponse> {
        let worker = self.worker.as_ref()?;
        (self.platform.assets).route(&self.colo, &worker.definition, request)
    }

    fn fetch_asset(&self, request: HttpRequest) -> HostFuture<HttpResponse> {
        let worker = self.worker.as_ref().map(|w| w.definition.clone());
        let served = worker.and_then(|w| self.platform.assets.fetch(&self.colo, &w, &request));
        let answer = served.unwrap_or_else(edgesim_runtime::assets::not_found);
        Box::pin(async move { answer })
    }

    fn service_event(
        &self,
        service: &str,
        event: ServiceEvent,
    ) -> HostFuture<Result<EventOutcome, CallError>> {
        let from = self.worker.as_ref().map(|w| w.definition.name.clone());
        Box::pin(crate::services::event(
            self.platform.clone(),
            self.colo.clone(),
            from.unwrap_or_default(),
            service.to_string(),
            event,
        ))
    }

    fn call_service(&self, mut call: ServiceCall) -> HostFuture<Result<CallReply, CallError>> {
        call.kind = crate::callbacks::stamped(call.kind, self.as_caller());
        let from = self.worker.as_ref().map(|w| w.definition.name.clone());
        Box::pin(crate::services::call(
            self.platform.clone(),
            self.colo.clone(),
            from.unwrap_or_default(),
            call,
        ))
    }

    fn object_storage(
        &self,
        object: &ObjectAddress,
        op: StorageOp,
    ) -> HostFuture<Result<StorageReply, StorageError>> {
        if !self.hosts(object) {
            return Box::pin(std::future::ready(Err(StorageError::Internal)));
        }
        if let Err(e) = self.platform.objects.stage(object, &op) {
            return Box::pin(std::future::ready(Err(e)));
        }
        let platform = self.platform.clone();
        let object = object.clone();
        Box::pin(async move {
            let persist = platform.persist.as_ref();
            platform.objects.storage(&object, op, persist).await
        })
    }

    fn object_sql(&self, object: &ObjectAddress, call: SqlCall) -> Result<SqlAnswer, SqlError> {
        if !self.hosts(object) {
            return Err(SqlError(
                "edgesim: this isolate hosts no such object".to_string(),
            ));
        }
        self.platform.objects.sql(object, call)
    }

    fn object_read_now(
        &self,
        object: &ObjectAddress,
        op: StorageOp,
    ) -> Result<StorageReply, StorageError> {
        if !self.hosts(object) {
            return Err(StorageError::Internal);
        }
        self.platform.objects.read_now(object, op)
    }

    fn hibernation(&self, object: &ObjectAddress) -> Option<Rc<RefCell<Hibernation>>> {
        if !self.hosts(object) {
            return None;
        }
        self.platform.objects.hibernation(object)
    }

    fn fetch_at_colo(
        &self,
        colo: &str,
        request: HttpRequest,
    ) -> HostFuture<Result<HttpResponse, String>> {
        match &self.colo_fetcher {
            Some(fetcher) => fetcher.fetch(colo, request),
            None => {
                let why = format!("this isolate reaches no other colo (asked for {colo})");
                Box::pin(async move { Err(why) })
            }
        }
    }

    fn test_listed_objects(&self, namespace: &str) -> Vec<String> {
        self.platform.objects.ids_in(namespace)
    }

    fn test_objects(&self, namespace: &str) -> Option<Vec<String>> {
        (self.hosts_class_of(namespace)).then(|| self.platform.objects.ids_in(namespace))
    }

    fn test_object_control(&self, control: ObjectControl) -> HostFuture<Result<(), String>> {
        let (reply, answer) = futures::channel::oneshot::channel();
        let home = (self.worker.as_ref())
            .filter(|_| matches!(self.objects, Hosting::OwnClasses))
            .and_then(|w| self.platform.objects.test_home_of(&w.definition.name));
        let call = crate::durable_objects::HomeCall::Control { control, reply };
        if home.is_none_or(|home| home.unbounded_send(call).is_err()) {
            let refused = Err("this isolate hosts no Durable Objects".to_string());
            return Box::pin(std::future::ready(refused));
        }
        Box::pin(async move {
            let gone = "the test's Durable Objects are gone".to_string();
            answer.await.unwrap_or(Err(gone))
        })
    }

    fn test_world(&self, request: WorldRequest) -> Result<WorldAnswer, String> {
        match (&self.colo_fetcher, &self.worker) {
            (Some(_), Some(worker)) => {
                crate::test::world::answer(&self.platform, &worker.definition, request)
            }
            _ => Err("only a test's isolate reaches the simulated world".to_string()),
        }
    }

    fn test_storage(&self, step: StorageStep) -> Result<(), String> {
        match step {
            StorageStep::Save => {
                let saved = self
                    .platform
                    .snapshot_storage()
                    .map_err(|e| e.to_string())?;
                self.saved_storage.borrow_mut().push(saved);
            }
            StorageStep::Restore => {
                let saved = self.saved_storage.borrow_mut().pop();
                let saved = saved.ok_or("no saved storage state to go back to")?;
                self.platform
                    .restore_storage(&saved)
                    .map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    }

    fn d1(
        &self,
        database: &str,
        request: D1Request,
        session: Option<D1Session>,
    ) -> HostFuture<Result<D1Response, D1Error>> {
        let platform = self.platform.clone();
        let colo = self.colo.clone();
        let database = database.to_string();
        Box::pin(
            async move { D1Service::query(&platform, &colo, &database, request, session).await },
        )
    }

    /// The cache of this isolate's colo, one hop away.
    fn cache(&self, op: CacheOp) -> HostFuture<CacheReply> {
        let platform = self.platform.clone();
        let colo = self.colo.clone();
        Box::pin(async move { crate::cache::call(&platform, &colo, op).await })
    }

    fn workflow(
        &self,
        workflow: &str,
        call: WorkflowCall,
    ) -> HostFuture<Result<WorkflowReply, WorkflowRefusal>> {
        Box::pin(crate::workflows::WorkflowService::call(
            self.platform.clone(),
            self.colo.clone(),
            workflow.to_string(),
            call,
        ))
    }

    fn workflow_step(
        &self,
        workflow: &str,
        instance: &str,
        generation: u64,
        op: StepOp,
    ) -> StepAnswer {
        crate::workflows::WorkflowService::step(&self.platform, workflow, instance, generation, op)
    }

    fn rate_limit(&self, namespace: &str, key: &str, limit: u32, period_s: u32) -> bool {
        let now_ms = self.platform.now_ms();
        let mut limits = self.platform.rate_limits.borrow_mut();
        let at_colo = limits.entry(self.colo.clone()).or_default();
        at_colo.hit(namespace, key, limit, period_s, now_ms)
    }

    fn analytics_write(
        &self,
        dataset: &str,
        point: edgesim_runtime::api::analytics_engine::DataPoint,
    ) {
        self.platform.record(TraceEvent::AnalyticsDataPoint {
            at_ms: self.platform.elapsed_ms(),
            colo: self.colo.clone(),
            dataset: dataset.to_string(),
            index: point.index,
            blobs: point.blobs,
            doubles: point.doubles,
        });
    }

    fn pipeline_send(&self, pipeline: &str, records: Vec<String>) {
        self.platform.record(TraceEvent::PipelineRecords {
            at_ms: self.platform.elapsed_ms(),
            colo: self.colo.clone(),
            pipeline: pipeline.to_string(),
            records,
        });
    }

    fn declared_answer(&self, service: &str, key: &str) -> Option<String> {
        let declared = self.platform.declared_answers.borrow();
        let answer = declared
            .get(&(service.to_string(), key.to_string()))?
            .clone();
        self.platform.record(TraceEvent::DeclaredAnswer {
            at_ms: self.platform.elapsed_ms(),
            colo: self.colo.clone(),
            service: service.to_string(),
            key: key.to_string(),
        });
        Some(answer)
    }

    fn email_sent(
        &self,
        via: edgesim_runtime::api::email::EmailRoute,
        email: edgesim_runtime::api::email::SentEmail,
    ) {
        self.platform.record(TraceEvent::EmailSent {
            at_ms: self.platform.elapsed_ms(),
            colo: self.colo.clone(),
            via,
            from: email.from,
            to: email.to,
            message_id: email.message_id,
            size_bytes: email.size_bytes,
        });
    }

    fn deployed_at_ms(&self) -> u64 {
        self.platform.epoch_ms
    }

    fn secrets_store(
        &self,
    ) -> Option<Rc<RefCell<edgesim_runtime::storage::secrets_store::SecretsStore>>> {
        Some(self.platform.secrets_store.clone())
    }

    fn queue_send(
        &self,
        queue: &str,
        messages: Vec<OutgoingMessage>,
    ) -> HostFuture<Result<QueueMetrics, QueueRefusal>> {
        Box::pin(QueueService::send(
            self.platform.clone(),
            self.colo.clone(),
            queue.to_string(),
            messages,
        ))
    }

    fn r2(&self, bucket: &str, op: R2Op, body: Vec<u8>) -> HostFuture<R2Result> {
        let platform = self.platform.clone();
        let colo = self.colo.clone();
        let bucket = bucket.to_string();
        Box::pin(async move { R2Service::call(&platform, &colo, &bucket, op, body).await })
    }
}
