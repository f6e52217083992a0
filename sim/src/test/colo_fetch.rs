//! `SELF.fetch(url, { colo })`: a test's request entering the platform at another data
//! centre, served by an isolate of the same Worker there (the isolate pool scenarios use), so
//! a test sees what that colo's clients see — its KV cache, its cold start, and during its
//! outage the nearest colo that is up.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use edgesim_runtime::worker::WorkerDefinition;
use edgesim_runtime::{BodyUse, HostFuture, HttpRequest, HttpResponse, Limits};
use futures::channel::oneshot;

use crate::platform::Platform;
use crate::pool::{Delivery, Job, Pool, PoolContext};
use crate::trace::TraceEvent;

pub struct ColoFetcher {
    pool: Rc<RefCell<Pool>>,
    platform: Rc<Platform>,
    worker: Rc<WorkerDefinition>,
    limits: Limits,
    next_id: Cell<u64>,
}

impl ColoFetcher {
    pub fn new(
        run_seed: u64,
        platform: Rc<Platform>,
        worker: Rc<WorkerDefinition>,
        limits: Limits,
    ) -> Self {
        let ctx = PoolContext {
            run_seed,
            platform: platform.clone(),
            idle_evict_ms: None,
            warm_isolates: crate::warm_isolates::WarmIsolates::new(None),
            serves_origins: false,
        };
        ColoFetcher {
            pool: Rc::new(RefCell::new(Pool::new(Rc::new(ctx)))),
            platform,
            worker,
            limits,
            next_id: Cell::new(0),
        }
    }

    /// The isolates of the Worker's colos, which run the run's other Workers too.
    pub fn pool(&self) -> &Rc<RefCell<Pool>> {
        &self.pool
    }

    /// Serves `request` at `colo` (an IATA code edgesim knows).
    pub fn fetch(
        &self,
        colo: &str,
        request: HttpRequest,
    ) -> HostFuture<Result<HttpResponse, String>> {
        let Some(known) = crate::world::colos::built_in(colo) else {
            let why = format!(
                "{colo:?} is not a colo edgesim knows; use an IATA code such as LHR, IAD or SIN"
            );
            return Box::pin(async move { Err(why) });
        };
        let id = self.next_id.get() + 1;
        self.next_id.set(id);
        let platform = self.platform.clone();
        let at_ms = platform.elapsed_ms();
        platform.record(TraceEvent::Request {
            at_ms,
            id,
            colo: known.name.clone(),
            worker: self.worker.name.clone(),
            method: request.method.clone(),
            url: request.url.clone(),
        });
        let (pool, worker, limits) = (self.pool.clone(), self.worker.clone(), self.limits.clone());
        Box::pin(async move {
            // During an outage the client reaches the nearest colo that is up instead.
            let (serving, detour) = platform.arrive(id, &known.name, at_ms).await;
            let (reply, answer) = oneshot::channel();
            let job = Job {
                id,
                arrived_ms: platform.elapsed_ms(),
                event: Delivery::Fetch(request, BodyUse::Keep),
                reply,
            };
            (pool.borrow_mut()).send(&serving, &worker.name, &worker, &limits, job);
            let answer = answer.await;
            madsim::time::sleep(detour).await;
            match answer {
                Ok(Ok(served)) => served
                    .response
                    .ok_or_else(|| "the Worker finished without answering".to_string()),
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err("the Worker's isolate stopped without answering".to_string()),
            }
        })
    }
}
