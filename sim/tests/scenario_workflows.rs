//! The shipped Workflow scenario: orders as Workflow instances through a colo crash. The runs
//! in flight are lost with their isolate; each instance runs again from what its steps
//! recorded, and no finished step runs twice.

use std::path::Path;

use edgesim_sim::check::workflow_steps;
use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::{RunOutput, run};
use edgesim_sim::trace::{Trace, TraceEvent};

fn workflow_crash() -> RunOutput {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/workflow-crash.yaml");
    let s = LoadedScenario::load(&path).unwrap();
    run(&s, s.scenario.seed.unwrap()).unwrap()
}

#[test]
fn orders_complete_after_the_crash_with_each_finished_step_run_once() {
    let out = workflow_crash();
    assert!(out.passed(), "{:#?}", out.verdicts);
    let statuses: Vec<serde_json::Value> = out
        .requests
        .iter()
        .filter(|r| r.label.as_deref() == Some("status"))
        .map(|r| serde_json::from_str(&r.body).expect("JSON"))
        .collect();
    assert_eq!(statuses.len(), 4);
    assert!(
        statuses.iter().all(|s| s["status"] == "complete"),
        "{statuses:?}"
    );
    // o1 finished before the crash; the others were charging when it hit, and the charge
    // request had already gone out: the step ran again, so the provider saw two calls.
    let charged: Vec<&str> = statuses
        .iter()
        .map(|s| s["output"]["charged"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        charged,
        [
            "charged (call 1)",
            "charged (call 2)",
            "charged (call 2)",
            "charged (call 2)"
        ]
    );
    let lost = out
        .trace
        .events
        .iter()
        .filter(|e| matches!(e, TraceEvent::WorkflowRunLost { .. }))
        .count();
    assert_eq!(lost, 3);
}

#[test]
fn the_workflow_trace_is_the_same_on_every_run_of_the_seed() {
    let lines = |out: &RunOutput| -> String {
        out.trace
            .events
            .iter()
            .filter_map(|e| match e {
                TraceEvent::WorkflowRun {
                    at_ms,
                    instance,
                    run,
                    ..
                } => Some(format!("{at_ms:>6} run {instance} #{run}")),
                TraceEvent::WorkflowStepAttempt {
                    at_ms,
                    instance,
                    step,
                    attempt,
                    ..
                } => Some(format!("{at_ms:>6} attempt {instance} {step} #{attempt}")),
                TraceEvent::WorkflowStepResult {
                    at_ms,
                    instance,
                    step,
                    ok,
                    ..
                } => Some(format!("{at_ms:>6} result {instance} {step} ok={ok}")),
                TraceEvent::WorkflowRunEnded {
                    at_ms,
                    instance,
                    end,
                    ..
                } => Some(format!("{at_ms:>6} ended {instance} {end}")),
                TraceEvent::WorkflowRunLost {
                    at_ms, instance, ..
                } => Some(format!("{at_ms:>6} lost {instance}")),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let first = lines(&workflow_crash());
    assert_eq!(first, lines(&workflow_crash()));
    insta::assert_snapshot!(first);
}

fn step_event(instance: &str, step: &str, result: bool) -> TraceEvent {
    let (workflow, instance, step) = ("w".to_string(), instance.to_string(), step.to_string());
    if result {
        TraceEvent::WorkflowStepResult {
            at_ms: 0,
            workflow,
            instance,
            step,
            ok: true,
        }
    } else {
        TraceEvent::WorkflowStepAttempt {
            at_ms: 0,
            workflow,
            instance,
            step,
            attempt: 1,
        }
    }
}

#[test]
fn the_checker_names_a_step_that_ran_again_after_its_result() {
    let mut trace = Trace::default();
    for event in [
        step_event("i", "do:a:1", false),
        step_event("i", "do:a:1", true),
        step_event("i", "do:a:1", false),
        step_event("i", "do:a:1", true),
    ] {
        trace.push(event);
    }
    let report = workflow_steps::check(&trace);
    assert_eq!(
        report.violations,
        [
            "w/i step do:a:1: 2 results",
            "w/i step do:a:1: ran again after its result"
        ]
    );
}
