//! The Durable Objects of the tested Worker's own classes live in the test file's isolate, as
//! vitest-pool-workers runs them: `runInDurableObject` hands a test the very instance (of the
//! class the test imports) and its state, `runDurableObjectAlarm` runs a set alarm at once,
//! `listDurableObjectIds` sees only what this test started, alarms ring on the simulated clock,
//! each object keeps its own input gate, and objects can be evicted or aborted.

use std::path::Path;

use edgesim_sim::test::{self, Project, RunOptions, TestStatus};

/// Each test's full name and status in the fixture's file `name`.
fn statuses(name: &str) -> Vec<(String, TestStatus)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vitest/durable-objects");
    let project = Project::load(&root, None).expect("the project loads");
    let files = project.test_files(&[name.to_string()]).expect("files");
    assert_eq!(files.len(), 1, "one file matches {name}");
    let outcomes = test::run(&project, &files, &RunOptions::default()).expect("the run");
    let report = &outcomes[0].1.report;
    assert!(report.load_error.is_none(), "{:?}", report.load_error);
    (report.tests.iter())
        .map(|t| (t.full_name(), t.status))
        .collect()
}

fn passed(names: &[&str]) -> Vec<(String, TestStatus)> {
    (names.iter())
        .map(|n| (n.to_string(), TestStatus::Passed))
        .collect()
}

#[test]
fn run_in_durable_object_hands_the_test_the_objects_own_instance_state_and_outcome() {
    assert_eq!(
        statuses("direct-access"),
        passed(&[
            "runInDurableObject > hands the callback the object's own instance and state",
            "runInDurableObject > gives back the callback's value, its Response, and its exception as thrown",
            "runInDurableObject > lists only the objects this test started, storage being isolated per test",
            "runInDurableObject > refuses what is not a stub or not a callback, with the pool's messages",
            "keeps each object's input gate its own in one isolate",
        ])
    );
}

#[test]
fn run_durable_object_alarm_runs_a_set_alarm_at_once_and_alarms_ring_on_the_simulated_clock() {
    assert_eq!(
        statuses("alarm"),
        passed(&[
            "runs a scheduled alarm at once, and reports when none is set",
            "rings an alarm by itself once the simulated clock reaches it",
        ])
    );
}

#[test]
fn evicting_drops_an_objects_memory_keeps_its_storage_and_aborting_fails_its_calls() {
    assert_eq!(
        statuses("eviction"),
        passed(&[
            "evicting an object drops its memory and keeps its storage",
            "evicting all objects resets each one",
            "refuses an object that is not running, and an unknown WebSocket mode, with workerd's texts",
            "aborting all objects fails their calls in flight",
        ])
    );
}
