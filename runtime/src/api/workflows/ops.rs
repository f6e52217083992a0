//! The native half of Workflows: binding calls go to the engine through the host; a run's
//! steps read and record synchronously; a run's end is its invocation's `returned` JSON.

use rquickjs::{Ctx, Exception};

use crate::engine::catalog::OpSet;
use crate::engine::event_loop::{OpKind, OpOutcome};
use crate::engine::ops::service_call;
use crate::storage::workflow::{
    IntrospectCall, Modifier, StepAnswer, StepOp, WorkflowCall, WorkflowRefusal, WorkflowReply,
};

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let i = ops.io.clone();
    ops.add(
        "workflowCall",
        move |ctx: Ctx<'js>,
              workflow: String,
              op: String,
              id: String,
              a: Option<String>,
              b: Option<String>|
              -> rquickjs::Result<f64> {
            let call = binding_call(op.as_str(), id, a, b).ok_or_else(|| {
                Exception::throw_type(&ctx, &format!("unknown Workflow call {op}"))
            })?;
            service_call(&ctx, &i, |host| {
                Box::pin(async move { answer(host.workflow(&workflow, call).await) })
            })
        },
    )?;
    // `cloudflare:test`'s introspectors: not the Worker's subrequests (a test polls them).
    let i = ops.io.clone();
    ops.add(
        "workflowIntrospect",
        move |ctx: Ctx<'js>,
              workflow: String,
              op: String,
              id: String,
              json: Option<String>|
              -> rquickjs::Result<f64> {
            let call = introspect_call(&op, id, json.as_deref()).map_err(|e| {
                Exception::throw_type(&ctx, &format!("bad Workflow introspection {op}: {e}"))
            })?;
            let mut io = i.borrow_mut();
            let host = io.host.clone();
            let future = Box::pin(async move {
                answer(
                    host.workflow(&workflow, WorkflowCall::Introspect(call))
                        .await,
                )
            });
            Ok(io.add_outgoing_op(OpKind::Js, future) as f64)
        },
    )?;
    let i = ops.io.clone();
    ops.add(
        "workflowStep",
        move |ctx: Ctx<'js>,
              workflow: String,
              instance: String,
              generation: f64,
              op: String|
              -> rquickjs::Result<String> {
            let op: StepOp = serde_json::from_str(&op)
                .map_err(|e| Exception::throw_type(&ctx, &format!("bad Workflow step: {e}")))?;
            let host = i.borrow().host.clone();
            let answer = host.workflow_step(&workflow, &instance, generation as u64, op);
            Ok(serde_json::to_string(&answer).unwrap_or_else(|_| stop_json()))
        },
    )?;
    let i = ops.io.clone();
    ops.add("workflowEnded", move |id: f64, end: String| {
        if let Some(inv) = i.borrow_mut().invocations.get_mut(&(id as u64)) {
            inv.returned = Some(end);
        }
    })?;
    Ok(())
}

/// What a binding call settles its promise with: nothing, or its answer as JSON.
fn answer(reply: Result<WorkflowReply, WorkflowRefusal>) -> OpOutcome {
    let json = match reply {
        Ok(WorkflowReply::Done) => {
            return OpOutcome::reply(|ctx| Ok(rquickjs::Value::new_undefined(ctx.clone())));
        }
        Ok(WorkflowReply::Status(view)) => serde_json::to_string(&view),
        Ok(WorkflowReply::Ids(ids)) => serde_json::to_string(&ids),
        Ok(WorkflowReply::StepResult(result)) => serde_json::to_string(&match result {
            None => serde_json::Value::Null,
            Some(Ok(value)) => serde_json::json!({ "value": value }),
            Some(Err(error)) => serde_json::json!({ "error": error }),
        }),
        Err(refusal) => return OpOutcome::error(refusal),
    };
    let json = json.unwrap_or_default();
    OpOutcome::reply(move |ctx| {
        rquickjs::String::from_str(ctx.clone(), &json).map(|s| s.into_value())
    })
}

/// The introspection call step.js's introspectors name `op`; `json` carries a modifier or
/// a step's key.
fn introspect_call(op: &str, id: String, json: Option<&str>) -> Result<IntrospectCall, String> {
    let modifier = || -> Result<Modifier, String> {
        serde_json::from_str(json.unwrap_or("null")).map_err(|e| e.to_string())
    };
    Ok(match op {
        "modify" => IntrospectCall::Modify {
            id,
            modifier: modifier()?,
        },
        "startSession" => IntrospectCall::StartSession,
        "sessionModify" => IntrospectCall::SessionModify {
            modifier: modifier()?,
        },
        "sessionInstances" => IntrospectCall::SessionInstances,
        "stopSession" => IntrospectCall::StopSession,
        "dispose" => IntrospectCall::Dispose { id },
        "stepResult" => IntrospectCall::StepResult {
            id,
            key: json.unwrap_or_default().to_string(),
        },
        _ => return Err("unknown call".into()),
    })
}

fn stop_json() -> String {
    serde_json::to_string(&StepAnswer::Stop).unwrap_or_default()
}

/// The engine call binding.js names `op`, for instance `id`; `a`/`b` carry its arguments.
fn binding_call(
    op: &str,
    id: String,
    a: Option<String>,
    b: Option<String>,
) -> Option<WorkflowCall> {
    Some(match op {
        "create" => WorkflowCall::Create {
            id,
            params: a.unwrap_or_else(|| "{}".into()),
        },
        "get" => WorkflowCall::Get { id },
        "status" => WorkflowCall::Status { id },
        "pause" => WorkflowCall::Pause { id },
        "resume" => WorkflowCall::Resume { id },
        "terminate" => WorkflowCall::Terminate { id },
        "restart" => WorkflowCall::Restart { id },
        "sendEvent" => WorkflowCall::SendEvent {
            id,
            event_type: a?,
            payload: b?,
        },
        _ => return None,
    })
}
