//! An isolate running a Workflow instance: one invocation per run of `run(event, step)`
//! (storage::workflow says why a run replays and when it ends).

use super::Isolate;
use crate::invocation::{InvocationId, InvocationKind, WorkflowRun};

impl Isolate {
    /// Starts run `run.generation` of the instance. It ends with the invocation's `returned`
    /// JSON holding a [`crate::storage::workflow::RunEnd`].
    pub fn start_workflow(&mut self, run: WorkflowRun) -> InvocationId {
        let id = self.new_invocation(InvocationKind::Workflow(run.clone()));
        let target = vec![run.workflow, run.class_name, run.instance, run.params];
        let numbers = vec![
            run.generation as f64,
            run.created_ms as f64,
            f64::from(run.steps_limit),
            f64::from(run.retry_delay_default_ms),
        ];
        self.run_js(Some(id), |ctx, e| {
            let f = e.dispatch_workflow.clone().restore(ctx)?;
            f.call::<_, ()>((id as f64, target, numbers))
        });
        id
    }
}
