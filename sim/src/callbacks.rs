//! RPC callbacks between isolates: a function or `RpcTarget` passed as an argument of an RPC
//! call stays in the caller's isolate, and the callee's calls on it travel back there — to the
//! Worker's isolate at the caller's colo through the pool, to the calling Durable Object
//! through the object service, or to the isolate `edgesim test` runs the file in, across the
//! simulated network each way.

use std::rc::Rc;

use edgesim_runtime::host::{CallError, CallKind, CallReply, Caller, ObjectCall, ServiceCall};
use futures::channel::oneshot;

use crate::durable_objects::{HomeCall, ObjectService, WorkerUnit};
use crate::platform::Platform;

/// `kind` as an isolate sends it: an RPC call the runtime did not name a calling object for
/// comes from `from`, the isolate itself.
pub fn stamped(kind: CallKind, from: Option<Caller>) -> CallKind {
    match (kind, from) {
        (
            CallKind::Rpc {
                stub,
                method,
                args,
                caller: None,
            },
            Some(from),
        ) => CallKind::Rpc {
            stub,
            method,
            args,
            caller: Some(from),
        },
        (kind, _) => kind,
    }
}

/// Sends `call` (an RPC call on a target `caller` handed out) from `colo`, where Worker
/// `worker`'s isolate (`from`) makes it, back to `caller`.
pub async fn call_back(
    platform: Rc<Platform>,
    colo: String,
    worker: WorkerUnit,
    from: Option<Caller>,
    caller: Caller,
    call: CallKind,
) -> Result<CallReply, CallError> {
    let call = stamped(call, from);
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
        Caller::TestFile {
            colo: home,
            worker: tested,
        } => {
            let lost = CallError::connection_lost;
            let test_file = platform.objects.test_home_of(&tested).ok_or_else(lost)?;
            platform.travel(&colo, &home).await.map_err(|_| lost())?;
            let (reply, answer) = oneshot::channel();
            (test_file.unbounded_send(HomeCall::Callback { call, reply })).map_err(|_| lost())?;
            let answer = answer.await.map_err(|_| lost())?;
            platform.travel(&home, &colo).await.map_err(|_| lost())?;
            answer
        }
    }
}
