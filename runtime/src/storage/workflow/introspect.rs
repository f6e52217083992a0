//! What `cloudflare:test`'s `introspectWorkflowInstance` and `introspectWorkflow` change
//! about instances (workflows-shared modifier.ts, introspection.ts): modifiers kept per
//! instance id — set before the instance exists, as tests do — which its runs read when they
//! start, and a session that gives every instance created while it lasts the same modifiers.

use serde::{Deserialize, Serialize};

use super::RecordedError;

/// A step as a test names it: the `index`th call (from 1) of steps named `name`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepSelector {
    pub name: String,
    pub index: Option<u32>,
}

/// One change a test makes to how an instance runs (workflows-shared
/// `WorkflowIntrospectionOperation`); step.js applies them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Modifier {
    /// Sleeps (these, or all when `None`) last no time.
    DisableSleeps { steps: Option<Vec<StepSelector>> },
    /// Retries (of these steps, or all) start at once.
    DisableRetryDelays { steps: Option<Vec<StepSelector>> },
    /// The step answers `result` (encoded) without running its callback.
    MockStepResult { step: StepSelector, result: String },
    /// The step's attempts fail with `error`: the next `times` of them, or all.
    MockStepError {
        step: StepSelector,
        error: RecordedError,
        times: Option<u32>,
    },
    /// The step's attempts time out: the next `times` of them, or all.
    ForceStepTimeout {
        step: StepSelector,
        times: Option<u32>,
    },
    /// An event of `event_type` is sent to the instance.
    #[serde(rename_all = "camelCase")]
    MockEvent { event_type: String, payload: String },
    /// The `waitForEvent` step times out at once.
    ForceEventTimeout { step: StepSelector },
}

/// An introspection call through the binding (the pool's `unsafe*` methods).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntrospectCall {
    /// Adds `modifier` to instance `id`, created or not.
    Modify {
        id: String,
        modifier: Modifier,
    },
    /// Starts the Workflow's session (one at a time).
    StartSession,
    /// Adds `modifier` for every instance the session sees created from now on.
    SessionModify {
        modifier: Modifier,
    },
    /// The ids of the instances created since the session started.
    SessionInstances,
    StopSession,
    /// Forgets instance `id`: its runs stop, its id can be used again.
    Dispose {
        id: String,
    },
    /// What step `key` (step.js's key) of instance `id` recorded, if it finished.
    StepResult {
        id: String,
        key: String,
    },
}

/// The session `introspectWorkflow` opens.
#[derive(Debug, Default)]
pub(super) struct Session {
    pub(super) modifiers: Vec<Modifier>,
    pub(super) instances: Vec<String>,
}
