use super::*;

fn created(id: &str) -> WorkflowStore {
    let mut store = WorkflowStore::default();
    let call = WorkflowCall::Create {
        id: id.into(),
        params: "{}".into(),
    };
    assert_eq!(store.call(call, 0), Ok(WorkflowReply::Done));
    store
}

fn status(store: &mut WorkflowStore, id: &str) -> InstanceStatus {
    match store.call(WorkflowCall::Status { id: id.into() }, 0) {
        Ok(WorkflowReply::Status(view)) => view.status,
        other => panic!("{other:?}"),
    }
}

#[test]
fn ids_follow_the_engines_pattern_and_length() {
    assert!(is_valid_instance_id("order-1_a"));
    assert!(is_valid_instance_id("_x"));
    assert!(!is_valid_instance_id("-x"));
    assert!(!is_valid_instance_id(""));
    assert!(!is_valid_instance_id("a b"));
    assert!(is_valid_instance_id(&"a".repeat(100)));
    assert!(!is_valid_instance_id(&"a".repeat(101)));
}

#[test]
fn a_second_create_with_the_same_id_is_refused() {
    let mut store = created("a");
    let again = WorkflowCall::Create {
        id: "a".into(),
        params: "{}".into(),
    };
    assert_eq!(store.call(again, 5), Err(WorkflowRefusal::AlreadyExists));
}

#[test]
fn a_suspended_run_wakes_at_its_time_or_on_its_event() {
    let mut store = created("a");
    assert_eq!(store.due(0), vec!["a".to_string()]);
    let generation = store.run_started("a").expect("the instance");
    let end = RunEnd::Suspended {
        wake_at_ms: Some(1_000),
        events: vec!["approved".into()],
    };
    store.run_ended("a", generation, end);
    assert_eq!(status(&mut store, "a"), InstanceStatus::Waiting);
    assert!(store.due(999).is_empty());
    assert_eq!(store.next_wake_ms(), Some(1_000));
    let event = WorkflowCall::SendEvent {
        id: "a".into(),
        event_type: "approved".into(),
        payload: "1".into(),
    };
    store.call(event, 10).expect("sent");
    assert_eq!(store.due(10), vec!["a".to_string()]);
}

#[test]
fn a_terminated_instance_refuses_its_old_runs_steps() {
    let mut store = created("a");
    let generation = store.run_started("a").expect("the instance");
    store
        .call(WorkflowCall::Terminate { id: "a".into() }, 1)
        .expect("terminated");
    let put = StepOp::Put {
        key: "do:x:1".into(),
        record: StepRecord::Sleep { until_ms: 5 },
    };
    assert_eq!(store.step("a", generation, put), StepAnswer::Stop);
    assert_eq!(
        store.call(WorkflowCall::Terminate { id: "a".into() }, 2),
        Err(WorkflowRefusal::CannotTerminate)
    );
}

#[test]
fn a_pause_during_a_run_applies_when_the_run_ends_and_resume_queues_it() {
    let mut store = created("a");
    let generation = store.run_started("a").expect("the instance");
    store
        .call(WorkflowCall::Pause { id: "a".into() }, 1)
        .expect("paused");
    assert_eq!(status(&mut store, "a"), InstanceStatus::WaitingForPause);
    store.run_ended("a", generation, RunEnd::Stopped);
    assert_eq!(status(&mut store, "a"), InstanceStatus::Paused);
    assert!(store.due(100).is_empty());
    store
        .call(WorkflowCall::Resume { id: "a".into() }, 2)
        .expect("resumed");
    assert_eq!(store.due(2), vec!["a".to_string()]);
}

#[test]
fn a_lost_run_keeps_what_its_steps_recorded() {
    let mut store = created("a");
    let generation = store.run_started("a").expect("the instance");
    let record = StepRecord::Do {
        attempts: 1,
        retry_at_ms: None,
        value: Some("42".into()),
        error: None,
    };
    let put = StepOp::Put {
        key: "do:x:1".into(),
        record: record.clone(),
    };
    assert_eq!(store.step("a", generation, put), StepAnswer::Stored);
    store.run_lost("a", generation, 500);
    assert!(store.due(499).is_empty());
    let generation = store.run_started("a").expect("the instance");
    let get = StepOp::Get {
        key: "do:x:1".into(),
    };
    assert_eq!(
        store.step("a", generation, get),
        StepAnswer::Record {
            record: Some(record)
        }
    );
}
