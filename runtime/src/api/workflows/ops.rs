//! The native half of Workflows: binding calls go to the engine through the host; a run's
//! steps read and record synchronously; a run's end is its invocation's `returned` JSON.

use rquickjs::{Ctx, Exception};

use crate::engine::catalog::OpSet;
use crate::engine::event_loop::OpOutcome;
use crate::engine::ops::service_call;
use crate::storage::workflow::{StepAnswer, StepOp, WorkflowCall, WorkflowReply};

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
                Box::pin(async move {
                    match host.workflow(&workflow, call).await {
                        Ok(WorkflowReply::Done) => {
                            OpOutcome::reply(|ctx| Ok(rquickjs::Value::new_undefined(ctx.clone())))
                        }
                        Ok(WorkflowReply::Status(view)) => {
                            let json = serde_json::to_string(&view).unwrap_or_default();
                            OpOutcome::reply(move |ctx| {
                                rquickjs::String::from_str(ctx.clone(), &json)
                                    .map(|s| s.into_value())
                            })
                        }
                        Err(refusal) => OpOutcome::error(refusal),
                    }
                })
            })
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
