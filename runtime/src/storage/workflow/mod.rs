//! The durable state of one Workflow's instances, as its engine keeps it: each instance's
//! status, its parameters, what each of its steps recorded (a `step.do` result or error and
//! its attempts so far, a sleep's end, an awaited event) and the events sent to it.
//!
//! A run of an instance is an invocation of the class's `run()` that replays from the top:
//! every step first asks here what it recorded, and only a step with nothing recorded runs.
//! A run that waits (a sleep, a retry's delay, an event) ends — the instance hibernates, as
//! production's engine does when it has no pending work (rules-of-workflows.mdx) — and the
//! engine starts the next run when the wait is over. A run is numbered (its generation):
//! after `terminate`, `pause` or `restart`, what an older run records is refused, so a run
//! that was cut off cannot change the instance.

mod introspect;
mod protocol;

use std::collections::{BTreeMap, VecDeque};

pub use introspect::{IntrospectCall, Modifier, StepSelector};
pub use protocol::{
    InstanceStatus, InstanceView, ReceivedEvent, RecordedError, RunEnd, StepAnswer, StepOp,
    StepRecord, WorkflowCall, WorkflowRefusal, WorkflowReply,
};

/// workflows-shared validators.ts: instance ids and Workflow names.
const ID_MAX_CHARS: usize = 100;
const NAME_MAX_CHARS: usize = 64;
/// limits.mdx: steps per run by default, and the most `limits.steps` may allow.
pub const STEPS_DEFAULT: u32 = 10_000;
pub const STEPS_MAX: u32 = 25_000;

/// `^[a-zA-Z0-9_][a-zA-Z0-9-_]*$`, the pattern ids and names share.
fn is_valid_key(s: &str, max: usize) -> bool {
    let mut chars = s.chars();
    s.len() <= max
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

pub fn is_valid_instance_id(id: &str) -> bool {
    is_valid_key(id, ID_MAX_CHARS)
}

pub fn is_valid_workflow_name(name: &str) -> bool {
    is_valid_key(name, NAME_MAX_CHARS)
}

/// One instance's durable state.
#[derive(Debug, Clone)]
pub struct Instance {
    pub status: InstanceStatus,
    pub params: String,
    pub created_ms: u64,
    pub steps: BTreeMap<String, StepRecord>,
    events: VecDeque<ReceivedEvent>,
    /// While hibernating: when to wake, and which events wake it sooner.
    wake_at_ms: Option<u64>,
    wake_on: Vec<String>,
    /// The run allowed to record; older runs are refused.
    pub generation: u64,
    /// A pause asked for while a run was in flight: applied when it ends.
    pause_requested: bool,
    pub output: Option<String>,
    pub error: Option<RecordedError>,
    /// Runs started, lost ones included.
    pub runs: u32,
}

impl Instance {
    fn new(params: String, now_ms: u64) -> Self {
        Instance {
            status: InstanceStatus::Queued,
            params,
            created_ms: now_ms,
            steps: BTreeMap::new(),
            events: VecDeque::new(),
            wake_at_ms: None,
            wake_on: Vec::new(),
            generation: 0,
            pause_requested: false,
            output: None,
            error: None,
            runs: 0,
        }
    }

    /// A mocked event reaches the instance as a sent one would.
    fn receive_mocked(&mut self, modifier: &Modifier, now_ms: u64) {
        if let Modifier::MockEvent {
            event_type,
            payload,
        } = modifier
        {
            self.events.push_back(ReceivedEvent {
                event_type: event_type.clone(),
                payload: payload.clone(),
                timestamp_ms: now_ms,
            });
        }
    }

    fn view(&self) -> InstanceView {
        InstanceView {
            status: self.status,
            output: self.output.clone(),
            error: self.error.clone(),
        }
    }

    /// Whether a hibernating instance has something to do at `now_ms`.
    fn is_due(&self, now_ms: u64) -> bool {
        match self.status {
            InstanceStatus::Queued => self.wake_at_ms.is_none_or(|at| at <= now_ms),
            InstanceStatus::Waiting => {
                self.wake_at_ms.is_some_and(|at| at <= now_ms)
                    || self
                        .events
                        .iter()
                        .any(|e| self.wake_on.contains(&e.event_type))
            }
            _ => false,
        }
    }
}

/// The instances of one Workflow, by id, and what tests set for them.
#[derive(Debug, Default)]
pub struct WorkflowStore {
    /// The Workflow's `name`, for the messages that carry it.
    name: String,
    instances: BTreeMap<String, Instance>,
    modifiers: BTreeMap<String, Vec<Modifier>>,
    session: Option<introspect::Session>,
}

impl WorkflowStore {
    pub fn new(name: &str) -> Self {
        WorkflowStore {
            name: name.to_string(),
            ..WorkflowStore::default()
        }
    }

    pub fn instance(&self, id: &str) -> Option<&Instance> {
        self.instances.get(id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &String> {
        self.instances.keys()
    }

    /// A binding call at `now_ms`.
    pub fn call(
        &mut self,
        call: WorkflowCall,
        now_ms: u64,
    ) -> Result<WorkflowReply, WorkflowRefusal> {
        match call {
            WorkflowCall::Create { id, params } => return self.create(id, params, now_ms),
            WorkflowCall::Introspect(call) => return self.introspect(call, now_ms),
            _ => {}
        }
        let instance = self
            .instances
            .get_mut(call.instance())
            .ok_or(WorkflowRefusal::NotFound)?;
        match call {
            WorkflowCall::Create { .. } | WorkflowCall::Introspect(_) => {
                unreachable!("handled above")
            }
            WorkflowCall::Get { .. } => {}
            WorkflowCall::Status { .. } => return Ok(WorkflowReply::Status(instance.view())),
            WorkflowCall::Pause { .. } => match instance.status {
                InstanceStatus::Running => {
                    instance.pause_requested = true;
                    instance.status = InstanceStatus::WaitingForPause;
                }
                InstanceStatus::Queued | InstanceStatus::Waiting => {
                    instance.status = InstanceStatus::Paused;
                }
                _ => {}
            },
            WorkflowCall::Resume { .. } => match instance.status {
                InstanceStatus::WaitingForPause => {
                    instance.pause_requested = false;
                    instance.status = InstanceStatus::Running;
                }
                InstanceStatus::Paused => {
                    // The next run replays what was recorded and carries on.
                    instance.status = InstanceStatus::Queued;
                    instance.wake_at_ms = None;
                }
                _ => {}
            },
            WorkflowCall::Terminate { .. } => {
                if instance.status.is_finite() {
                    return Err(WorkflowRefusal::CannotTerminate);
                }
                instance.status = InstanceStatus::Terminated;
                instance.generation += 1;
            }
            WorkflowCall::Restart { id } => {
                let params = std::mem::take(&mut instance.params);
                let generation = instance.generation + 1;
                let runs = instance.runs;
                *instance = Instance::new(params, now_ms);
                instance.generation = generation;
                instance.runs = runs;
                // A test's mocks outlive the run: its mocked events arrive again.
                for modifier in self.modifiers.get(&id).into_iter().flatten() {
                    instance.receive_mocked(modifier, now_ms);
                }
            }
            WorkflowCall::SendEvent {
                event_type,
                payload,
                ..
            } => instance.events.push_back(ReceivedEvent {
                event_type,
                payload,
                timestamp_ms: now_ms,
            }),
        }
        Ok(WorkflowReply::Done)
    }

    fn create(
        &mut self,
        id: String,
        params: String,
        now_ms: u64,
    ) -> Result<WorkflowReply, WorkflowRefusal> {
        if !is_valid_instance_id(&id) {
            return Err(WorkflowRefusal::InvalidId);
        }
        if self.instances.contains_key(&id) {
            return Err(WorkflowRefusal::AlreadyExists);
        }
        let mut instance = Instance::new(params, now_ms);
        if let Some(session) = &mut self.session {
            session.instances.push(id.clone());
            let of_instance = self.modifiers.entry(id.clone()).or_default();
            of_instance.extend(session.modifiers.iter().cloned());
        }
        for modifier in self.modifiers.get(&id).into_iter().flatten() {
            instance.receive_mocked(modifier, now_ms);
        }
        self.instances.insert(id, instance);
        Ok(WorkflowReply::Done)
    }

    fn introspect(
        &mut self,
        call: IntrospectCall,
        now_ms: u64,
    ) -> Result<WorkflowReply, WorkflowRefusal> {
        let no_session = || WorkflowRefusal::NoSession(self.name.clone());
        match call {
            IntrospectCall::Modify { id, modifier } => {
                if let Some(instance) = self.instances.get_mut(&id) {
                    instance.receive_mocked(&modifier, now_ms);
                }
                self.modifiers.entry(id).or_default().push(modifier);
            }
            IntrospectCall::StartSession => {
                if self.session.is_some() {
                    return Err(WorkflowRefusal::SessionActive(self.name.clone()));
                }
                self.session = Some(introspect::Session::default());
            }
            IntrospectCall::SessionModify { modifier } => {
                let session = self.session.as_mut().ok_or_else(no_session)?;
                session.modifiers.push(modifier);
            }
            IntrospectCall::SessionInstances => {
                let session = self.session.as_ref().ok_or_else(no_session)?;
                return Ok(WorkflowReply::Ids(session.instances.clone()));
            }
            IntrospectCall::StopSession => self.session = None,
            IntrospectCall::Dispose { id } => {
                self.instances.remove(&id);
                self.modifiers.remove(&id);
            }
            IntrospectCall::StepResult { id, key } => {
                let instance = self.instances.get(&id).ok_or(WorkflowRefusal::NotFound)?;
                let result = match instance.steps.get(&key) {
                    Some(StepRecord::Do { value: Some(v), .. }) => Some(Ok(v.clone())),
                    Some(StepRecord::Do { error: Some(e), .. }) => Some(Err(e.clone())),
                    _ => None,
                };
                return Ok(WorkflowReply::StepResult(result));
            }
        }
        Ok(WorkflowReply::Done)
    }

    /// The instances to start a run for at `now_ms`, oldest first (a sleeper that woke before
    /// a newly queued one: sleeping-and-retrying.mdx gives resumed instances priority).
    pub fn due(&self, now_ms: u64) -> Vec<String> {
        let mut due: Vec<(&String, &Instance)> = self
            .instances
            .iter()
            .filter(|(_, i)| i.is_due(now_ms))
            .collect();
        due.sort_by_key(|(id, i)| {
            (
                i.status == InstanceStatus::Queued && i.runs == 0,
                i.created_ms,
                *id,
            )
        });
        due.into_iter().map(|(id, _)| id.clone()).collect()
    }

    /// When the next hibernating instance wakes on its own.
    pub fn next_wake_ms(&self) -> Option<u64> {
        self.instances
            .values()
            .filter(|i| matches!(i.status, InstanceStatus::Waiting | InstanceStatus::Queued))
            .filter_map(|i| i.wake_at_ms)
            .min()
    }

    /// A run of `id` starts: its generation, which its steps name.
    pub fn run_started(&mut self, id: &str) -> Option<u64> {
        let instance = self.instances.get_mut(id)?;
        instance.status = InstanceStatus::Running;
        instance.wake_at_ms = None;
        instance.wake_on.clear();
        instance.runs += 1;
        Some(instance.generation)
    }

    /// A step of run `generation` of `id` reads or records.
    pub fn step(&mut self, id: &str, generation: u64, op: StepOp) -> StepAnswer {
        let Some(instance) = self.instances.get_mut(id) else {
            return StepAnswer::Stop;
        };
        let live = instance.generation == generation
            && matches!(
                instance.status,
                InstanceStatus::Running | InstanceStatus::WaitingForPause
            );
        if !live {
            return StepAnswer::Stop;
        }
        match op {
            StepOp::Modifiers => StepAnswer::Modifiers {
                modifiers: self.modifiers.get(id).cloned().unwrap_or_default(),
            },
            // A pause takes effect before the next step starts.
            StepOp::Get { .. } if instance.pause_requested => StepAnswer::Stop,
            StepOp::Get { key } => StepAnswer::Record {
                record: instance.steps.get(&key).cloned(),
            },
            StepOp::Put { key, record } => {
                instance.steps.insert(key, record);
                StepAnswer::Stored
            }
            StepOp::TakeEvent { key, event_type } => {
                let position = instance
                    .events
                    .iter()
                    .position(|e| e.event_type == event_type);
                let event = position.and_then(|p| instance.events.remove(p));
                if let (Some(event), Some(StepRecord::Event { event: slot, .. })) =
                    (&event, instance.steps.get_mut(&key))
                {
                    *slot = Some(event.clone());
                }
                StepAnswer::Event { event }
            }
        }
    }

    /// Run `generation` of `id` ended as `end` at `now_ms`.
    pub fn run_ended(&mut self, id: &str, generation: u64, end: RunEnd) {
        let Some(instance) = self.instances.get_mut(id) else {
            return;
        };
        if instance.generation != generation || instance.status.is_finite() {
            return;
        }
        match end {
            RunEnd::Returned { output } => {
                instance.status = InstanceStatus::Complete;
                instance.output = Some(output);
            }
            RunEnd::Threw { error } => {
                instance.status = InstanceStatus::Errored;
                instance.error = Some(error);
            }
            RunEnd::Suspended { wake_at_ms, events } => {
                instance.status = if instance.pause_requested {
                    InstanceStatus::Paused
                } else {
                    InstanceStatus::Waiting
                };
                instance.wake_at_ms = wake_at_ms;
                instance.wake_on = events;
            }
            RunEnd::Stopped => {
                if instance.pause_requested {
                    instance.status = InstanceStatus::Paused;
                }
            }
        }
        instance.pause_requested = false;
    }

    /// Run `generation` of `id` was lost with its isolate: the instance runs again from what
    /// it recorded, not before `resume_at_ms`.
    pub fn run_lost(&mut self, id: &str, generation: u64, resume_at_ms: u64) {
        let Some(instance) = self.instances.get_mut(id) else {
            return;
        };
        if instance.generation != generation || instance.status.is_finite() {
            return;
        }
        instance.status = if instance.pause_requested {
            InstanceStatus::Paused
        } else {
            InstanceStatus::Queued
        };
        instance.pause_requested = false;
        instance.wake_at_ms = Some(resume_at_ms);
    }
}

#[cfg(test)]
mod tests;
