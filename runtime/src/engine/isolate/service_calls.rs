//! An isolate answering calls through service bindings: `fetch()`, JS RPC and TCP connections
//! to one of the Worker's entrypoints (its default export or a named `WorkerEntrypoint`), as
//! another Worker — or this one, through a binding to itself — makes them.

use super::{Isolate, header_pairs};
use crate::host::CallKind;
use crate::invocation::{InvocationId, InvocationKind};

impl Isolate {
    /// Delivers a call through a service binding to entrypoint `entrypoint` (the default
    /// export when `None`) with the binding's `props` (JSON). A fetch answers with
    /// `Responded`; an RPC call with `Returned`; either may end with `Returned` carrying the
    /// handler's exception.
    pub fn start_service(
        &mut self,
        entrypoint: Option<String>,
        props: String,
        call: CallKind,
    ) -> InvocationId {
        let id = self.new_invocation(InvocationKind::Service {
            entrypoint: entrypoint.clone(),
            props: props.clone(),
            call: call.clone(),
        });
        self.dispatch_service(id, entrypoint, props, call);
        id
    }

    pub(super) fn dispatch_service(
        &mut self,
        id: InvocationId,
        entrypoint: Option<String>,
        props: String,
        call: CallKind,
    ) {
        // `[entrypoint, props]`: JavaScript calls take at most seven arguments.
        let target = vec![entrypoint, Some(props)];
        match call {
            CallKind::Fetch(request) => {
                let headers = header_pairs(&request);
                let url = url::Url::parse(&request.url)
                    .map_or_else(|_| request.url.clone(), String::from);
                self.run_js(Some(id), |ctx, e| {
                    let f = e.dispatch_service.clone().restore(ctx)?;
                    let body = rquickjs::TypedArray::<u8>::new(ctx.clone(), request.body)?;
                    let method = request.method;
                    f.call::<_, ()>((id as f64, target, "fetch", method, url, headers, body))
                });
            }
            CallKind::Rpc {
                stub,
                method,
                args,
                caller,
            } => {
                let caller = self.io.borrow_mut().caller_handle(caller);
                self.run_js(Some(id), |ctx, e| {
                    let f = e.dispatch_service.clone().restore(ctx)?;
                    let kind = if args.is_some() { "call" } else { "get" };
                    f.call::<_, ()>((id as f64, target, kind, method, args, stub, caller))
                })
            }
            // The connection is the invocation's: it closes when the handler is done, as
            // workerd neuters it once the handler's promise settles.
            CallKind::Connect { authority, end } => {
                let handle = self.io.borrow_mut().sockets.adopt_owned(end, id);
                self.run_js(Some(id), |ctx, e| {
                    let f = e.dispatch_service.clone().restore(ctx)?;
                    f.call::<_, ()>((id as f64, target, "connect", authority, handle))
                });
            }
        }
    }
}
