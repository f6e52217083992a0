//! Service bindings between the Workers of a run. A call goes to an isolate of the Worker it
//! names at the caller's colo — a service binding runs on the same machine as its caller, with
//! no network hop (service-bindings docs: "zero overhead") — through the colo's isolate pool,
//! so it may start that Worker cold. A call to a Worker the run does not have gets what
//! `wrangler dev` answers when that Worker is not running.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::{Rc, Weak};

use edgesim_runtime::host::{
    CallError, CallKind, CallReply, EventOutcome, ServiceCall, ServiceEvent, service_not_running,
};
use edgesim_runtime::invocation::ErrorClass;
use edgesim_runtime::worker::WorkerDefinition;
use edgesim_runtime::worker::config::ServiceBindingConfig;
use edgesim_runtime::{FetchError, HttpRequest, HttpResponse, Limits};
use futures::channel::oneshot;

use crate::platform::Platform;
use crate::pool::{Delivery, Job, Pool, Served};
use crate::trace::TraceEvent;

/// A Worker a service binding can reach.
struct Target {
    /// The run's name for it (the pool's key).
    worker: String,
    definition: Rc<WorkerDefinition>,
    limits: Limits,
}

/// The Workers of a run by the name bindings use (their wrangler `name`), and the pool that
/// runs their isolates.
#[derive(Default)]
pub struct ServiceDirectory {
    targets: RefCell<BTreeMap<String, Target>>,
    pool: RefCell<Weak<RefCell<Pool>>>,
    next_call: Cell<u64>,
}

impl ServiceDirectory {
    /// Makes `workers` (the run's name → definition and limits) reachable through `pool`.
    pub fn connect<'a>(
        &self,
        pool: &Rc<RefCell<Pool>>,
        workers: impl IntoIterator<Item = (&'a String, &'a (Rc<WorkerDefinition>, Limits))>,
    ) {
        *self.pool.borrow_mut() = Rc::downgrade(pool);
        let mut targets = self.targets.borrow_mut();
        for (worker, (definition, limits)) in workers {
            targets.insert(
                definition.name.clone(),
                Target {
                    worker: worker.clone(),
                    definition: definition.clone(),
                    limits: limits.clone(),
                },
            );
        }
    }
}

impl ServiceDirectory {
    /// The run's name for the Worker whose wrangler `name` is `name` (the pool's and the
    /// trace's key), when the run has it.
    pub fn run_name(&self, name: &str) -> Option<String> {
        self.targets.borrow().get(name).map(|t| t.worker.clone())
    }

    /// The Worker whose wrangler `name` is `name`, to start its Durable Objects with.
    pub fn unit(&self, name: &str) -> Option<crate::durable_objects::WorkerUnit> {
        self.targets
            .borrow()
            .get(name)
            .map(|t| crate::durable_objects::WorkerUnit {
                definition: t.definition.clone(),
                limits: t.limits.clone(),
            })
    }
}

/// Delivers `call` from Worker `from` at `colo` and waits for its answer.
pub async fn call(
    platform: Rc<Platform>,
    colo: String,
    from: String,
    call: ServiceCall,
) -> Result<CallReply, CallError> {
    let method = match &call.kind {
        CallKind::Fetch(_) => "fetch".to_string(),
        CallKind::Rpc { method, .. } => method.clone(),
        CallKind::Connect { .. } => "connect".to_string(),
    };
    let route = Route {
        colo,
        from,
        service: call.service.clone(),
        entrypoint: call.entrypoint.clone(),
        method,
    };
    let delivery = Delivery::Service {
        entrypoint: call.entrypoint.clone(),
        props: call.props.clone(),
        call: call.kind.clone(),
    };
    let Some(served) = deliver(&platform, route, delivery).await else {
        return service_not_running(&call);
    };
    let served = served?;
    match (served.response, served.returned) {
        (Some(response), _) => Ok(CallReply::Response(response)),
        (None, Some(Ok(value))) => Ok(CallReply::Value(value)),
        (None, Some(Err(thrown))) => Err(CallError::thrown(&thrown.class, &thrown.message)),
        // The called Worker's invocation ended without an answer (its isolate went).
        (None, None) => Err(CallError::connection_lost()),
    }
}

/// Sends `event` (`scheduled()` or `queue()` under `service_binding_extra_handlers`) from
/// Worker `from` at `colo` to the default export of Worker `service`; how its handler ended.
pub async fn event(
    platform: Rc<Platform>,
    colo: String,
    from: String,
    service: String,
    event: ServiceEvent,
) -> Result<EventOutcome, CallError> {
    let (method, delivery) = match event {
        ServiceEvent::Scheduled {
            cron,
            scheduled_time_ms,
        } => (
            "scheduled",
            Delivery::Scheduled {
                cron,
                scheduled_time_ms,
            },
        ),
        ServiceEvent::Queue { queue, messages } => ("queue", Delivery::Queue { queue, messages }),
    };
    let route = Route {
        colo,
        from,
        service: service.clone(),
        entrypoint: None,
        method: method.to_string(),
    };
    let Some(served) = deliver(&platform, route, delivery).await else {
        let text = format!("Worker \"{service}\" not found. Make sure it is running locally.");
        return Err(CallError::thrown(&ErrorClass::Error, &text));
    };
    match served?.report {
        Some(report) => Ok(EventOutcome {
            outcome: report.outcome,
            returned: report.returned,
        }),
        None => Err(CallError::connection_lost()),
    }
}

/// Worker `from` at `colo` fetches `request` from the Internet, which its outbound service
/// (`outbound`: a service binding) answers instead, as workerd's `globalOutbound` does.
pub async fn outbound(
    platform: Rc<Platform>,
    colo: String,
    from: String,
    outbound: &ServiceBindingConfig,
    request: HttpRequest,
) -> Result<HttpResponse, FetchError> {
    let call = ServiceCall {
        service: outbound.service.clone(),
        entrypoint: outbound.entrypoint.clone(),
        props: serde_json::Value::Object(outbound.props.clone()).to_string(),
        kind: CallKind::Fetch(request),
    };
    match self::call(platform, colo, from, call).await {
        Ok(CallReply::Response(response)) => Ok(response),
        Ok(CallReply::Value(_)) => Err(FetchError::ConnectionLost),
        Err(e) => Err(FetchError::Thrown {
            class: e.class,
            message: e.message,
        }),
    }
}

/// Where a call through a service binding goes, and what the trace names it.
struct Route {
    colo: String,
    from: String,
    service: String,
    entrypoint: Option<String>,
    method: String,
}

/// Sends `delivery` to an isolate of the Worker `route` names, at the caller's colo, and waits
/// for what it served; `None` when no Worker of the run has that name. The trace records the
/// call and its return.
async fn deliver(
    platform: &Rc<Platform>,
    route: Route,
    delivery: Delivery,
) -> Option<Result<Served, CallError>> {
    let directory = &platform.services;
    let id = directory.next_call.get() + 1;
    directory.next_call.set(id);
    let pool = directory.pool.borrow().upgrade();
    let (reply, answer) = oneshot::channel();
    {
        let targets = directory.targets.borrow();
        let (Some(target), Some(pool)) = (targets.get(&route.service), pool) else {
            return None;
        };
        platform.record(TraceEvent::ServiceCall {
            at_ms: platform.elapsed_ms(),
            call: id,
            colo: route.colo.clone(),
            from: route.from,
            to: target.worker.clone(),
            entrypoint: route.entrypoint.unwrap_or_else(|| "default".into()),
            method: route.method,
        });
        let job = Job {
            id,
            arrived_ms: platform.elapsed_ms(),
            event: delivery,
            reply,
        };
        let (definition, limits) = (&target.definition, &target.limits);
        pool.borrow_mut()
            .send(&route.colo, &target.worker, definition, limits, job);
    }
    let served = match answer.await {
        Ok(Ok(served)) => Ok(served),
        Ok(Err(e)) => Err(CallError::platform(e.to_string())),
        Err(_) => Err(CallError::connection_lost()),
    };
    platform.record(TraceEvent::ServiceReturn {
        at_ms: platform.elapsed_ms(),
        call: id,
        ok: served.is_ok(),
    });
    Some(served)
}
