//! What crosses between the engine and the rest: an instance's status and records, a run's
//! step operations and how it ended, and the binding's calls, answers and refusals.

use serde::{Deserialize, Serialize};

use super::{IntrospectCall, Modifier};

/// An instance's status as `instance.status()` names it (workers-types `InstanceStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum InstanceStatus {
    Queued,
    Running,
    Paused,
    Errored,
    Terminated,
    Complete,
    WaitingForPause,
    Waiting,
}

impl InstanceStatus {
    /// An instance in a finite state never runs again (unless restarted).
    pub fn is_finite(self) -> bool {
        matches!(
            self,
            InstanceStatus::Errored | InstanceStatus::Terminated | InstanceStatus::Complete
        )
    }
}

/// An error as the engine records it: its class name and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedError {
    pub name: String,
    pub message: String,
}

/// What one step recorded. Values are structured-clone encoded (global_scope/serialize.js).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum StepRecord {
    /// A `step.do`: attempts started so far, when the next may start after a failure, and
    /// its result once it has one.
    #[serde(rename_all = "camelCase")]
    Do {
        attempts: u32,
        retry_at_ms: Option<u64>,
        value: Option<String>,
        error: Option<RecordedError>,
    },
    /// A `step.sleep`/`sleepUntil`: over at `until_ms`.
    #[serde(rename_all = "camelCase")]
    Sleep { until_ms: u64 },
    /// A `step.waitForEvent`: gives up at `timeout_at_ms`; the event once one came.
    #[serde(rename_all = "camelCase")]
    Event {
        event_type: String,
        timeout_at_ms: u64,
        event: Option<ReceivedEvent>,
        error: Option<RecordedError>,
    },
}

/// An event sent with `instance.sendEvent()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceivedEvent {
    #[serde(rename = "type")]
    pub event_type: String,
    /// Encoded payload.
    pub payload: String,
    pub timestamp_ms: u64,
}

/// What a run asks of the instance's record.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum StepOp {
    Get {
        key: String,
    },
    Put {
        key: String,
        record: StepRecord,
    },
    /// The modifiers a test set for the instance ([`Modifier`]).
    Modifiers,
    /// Takes the oldest waiting event of `event_type` for the `waitForEvent` at `key`,
    /// recording it there.
    #[serde(rename_all = "camelCase")]
    TakeEvent {
        key: String,
        event_type: String,
    },
}

/// The answer to a [`StepOp`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "answer", rename_all = "camelCase")]
pub enum StepAnswer {
    Record {
        record: Option<StepRecord>,
    },
    Stored,
    Event {
        event: Option<ReceivedEvent>,
    },
    Modifiers {
        modifiers: Vec<Modifier>,
    },
    /// The run is no longer the instance's (terminated, paused, restarted): it must stop.
    Stop,
}

/// A call through a Workflow binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkflowCall {
    Create {
        id: String,
        params: String,
    },
    Get {
        id: String,
    },
    Status {
        id: String,
    },
    Pause {
        id: String,
    },
    Resume {
        id: String,
    },
    Terminate {
        id: String,
    },
    Restart {
        id: String,
    },
    SendEvent {
        id: String,
        event_type: String,
        payload: String,
    },
    Introspect(IntrospectCall),
}

impl WorkflowCall {
    pub fn instance(&self) -> &str {
        match self {
            WorkflowCall::Create { id, .. }
            | WorkflowCall::Get { id }
            | WorkflowCall::Status { id }
            | WorkflowCall::Pause { id }
            | WorkflowCall::Resume { id }
            | WorkflowCall::Terminate { id }
            | WorkflowCall::Restart { id }
            | WorkflowCall::SendEvent { id, .. } => id,
            WorkflowCall::Introspect(
                IntrospectCall::Modify { id, .. }
                | IntrospectCall::Dispose { id }
                | IntrospectCall::StepResult { id, .. },
            ) => id,
            WorkflowCall::Introspect(_) => "",
        }
    }
}

/// What `instance.status()` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstanceView {
    pub status: InstanceStatus,
    /// The encoded value `run()` returned, once complete.
    pub output: Option<String>,
    pub error: Option<RecordedError>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkflowReply {
    Done,
    Status(InstanceView),
    /// Instance ids (an introspection session's).
    Ids(Vec<String>),
    /// A finished step's encoded value or error; `None` while it has neither.
    StepResult(Option<Result<String, RecordedError>>),
}

/// Why a binding call was refused; each message is the error's as it reaches the caller under
/// workerd (conformance/reference/workerd/results/workflows.json): the engine's WorkflowError
/// crosses RPC as an Error with the class's name before its message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowRefusal {
    #[error("WorkflowError: Workflow instance has invalid id")]
    InvalidId,
    /// Production refuses an id in use (workers-types `Workflow.create`); `wrangler dev`
    /// accepts it. The text is edgesim's, in the engine's form.
    #[error("WorkflowError: (instance.already_exists) Instance already exists")]
    AlreadyExists,
    #[error("instance.not_found")]
    NotFound,
    #[error(
        "WorkflowError: (instance.cannot_terminate) Cannot terminate instance since its on a finite state"
    )]
    CannotTerminate,
    #[error("Workflow {0:?} is not defined by any Worker of this run")]
    UnknownWorkflow(String),
    #[error(
        "Workflow {0:?} already has an active introspection session: dispose of the first introspector before starting another"
    )]
    SessionActive(String),
    #[error("Workflow {0:?} does not have an active introspection session for this introspector.")]
    NoSession(String),
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "end", rename_all = "camelCase")]
pub enum RunEnd {
    /// `run()` returned this (encoded) value.
    Returned { output: String },
    /// `run()` threw, or the engine failed the instance (a step's value could not be stored).
    Threw { error: RecordedError },
    /// The run waits: until `wake_at_ms`, or until an event of one of `events` arrives.
    #[serde(rename_all = "camelCase")]
    Suspended {
        wake_at_ms: Option<u64>,
        events: Vec<String>,
    },
    /// The run was told to stop ([`StepAnswer::Stop`]).
    Stopped,
}
