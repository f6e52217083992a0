//! `workflow_steps_once`: what Workflows promise a step (rules-of-workflows.mdx): once a
//! `step.do` has its result, no run of the instance runs it again — a replay after a sleep, a
//! retry or a lost run reads the recorded result — and every step of an instance that
//! completed has exactly one result. Attempts that fail, or that a crash cut off, may repeat;
//! a finished step may not.

use std::collections::BTreeMap;

use crate::trace::{Trace, TraceEvent};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub instances: usize,
    pub steps: usize,
    pub attempts: usize,
    pub violations: Vec<String>,
}

#[derive(Default)]
struct Step {
    results: u32,
    attempts_after_result: u32,
}

pub fn check(trace: &Trace) -> Report {
    // (workflow, instance) -> step key -> what happened to it.
    let mut steps: BTreeMap<(String, String), BTreeMap<String, Step>> = BTreeMap::new();
    let mut completed = Vec::new();
    let mut attempts = 0;
    for event in &trace.events {
        match event {
            TraceEvent::WorkflowStepAttempt {
                workflow,
                instance,
                step,
                ..
            } => {
                attempts += 1;
                let s = steps
                    .entry((workflow.clone(), instance.clone()))
                    .or_default();
                let entry = s.entry(step.clone()).or_default();
                if entry.results > 0 {
                    entry.attempts_after_result += 1;
                }
            }
            TraceEvent::WorkflowStepResult {
                workflow,
                instance,
                step,
                ..
            } => {
                let s = steps
                    .entry((workflow.clone(), instance.clone()))
                    .or_default();
                s.entry(step.clone()).or_default().results += 1;
            }
            TraceEvent::WorkflowRunEnded {
                workflow,
                instance,
                end,
                ..
            } if end == "returned" => completed.push((workflow.clone(), instance.clone())),
            _ => {}
        }
    }
    let mut violations = Vec::new();
    for ((workflow, instance), of_instance) in &steps {
        let done = completed.contains(&(workflow.clone(), instance.clone()));
        for (key, step) in of_instance {
            let at = format!("{workflow}/{instance} step {key}");
            if step.results > 1 {
                violations.push(format!("{at}: {} results", step.results));
            }
            if step.attempts_after_result > 0 {
                violations.push(format!("{at}: ran again after its result"));
            }
            if done && step.results == 0 {
                violations.push(format!("{at}: the instance completed without its result"));
            }
        }
    }
    Report {
        instances: steps.len(),
        steps: steps.values().map(BTreeMap::len).sum(),
        attempts,
        violations,
    }
}
