//! RPC callbacks between isolates: a function or `RpcTarget` passed as an argument of an RPC
//! call stays in the caller's isolate, and the callee's calls on it travel back there — to the
//! Worker's isolate at the caller's colo through the pool, or to the calling Durable Object
//! through the object service, across the simulated network either way.

use std::rc::Rc;

use edgesim_runtime::host::{CallError, CallKind, CallReply, Caller, ObjectCall, ServiceCall};

use crate::durable_objects::{ObjectService, WorkerUnit};
use crate::platform::Platform;

/// `kind` as the isolate of Worker `worker` at `colo` sends it: an RPC call the runtime did
/// not name a calling object for comes from that isolate.
pub fn stamped(kind: CallKind, colo: &str, worker: Option<&WorkerUnit>) -> CallKind {
    match (kind, worker) {
        (
            CallKind::Rpc {
                stub,
                method,
                args,
                caller: None,
            },
            Some(worker),
        ) => CallKind::Rpc {
            stub,
            method,
            args,
            caller: Some(Caller::Worker {
                colo: colo.to_string(),
                worker: worker.definition.name.clone(),
            }),
        },
        (kind, _) => kind,
    }
}

/// Sends `call` (an RPC call on a target `caller` handed out) from `colo`, where Worker
/// `worker`'s isolate makes it, back to `caller`.
pub async fn call_back(
    platform: Rc<Platform>,
    colo: String,
    worker: WorkerUnit,
    caller: Caller,
    call: CallKind,
) -> Result<CallReply, CallError> {
    let call = stamped(call, &colo, Some(&worker));
    match caller {
        Caller::Object(address) => {
            let call = ObjectCall {
                address,
                name: None,
                location_hint: None,
                kind: call,
            };
            ObjectService::call(platform, colo, worker, call).await
        }
        Caller::Worker {
            colo: home,
            worker: service,
        } => {
            let lost = CallError::connection_lost;
            platform.travel(&colo, &home).await.map_err(|_| lost())?;
            let call = ServiceCall {
                service,
                entrypoint: None,
                props: "{}".to_string(),
                kind: call,
            };
            let from = worker.definition.name.clone();
            let answer = crate::services::call(platform.clone(), home.clone(), from, call).await;
            platform.travel(&home, &colo).await.map_err(|_| lost())?;
            answer
        }
    }
}
