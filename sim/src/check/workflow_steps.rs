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

#[derive(Default, Clone)]
struct Step {
    results: u32,
    attempts_after_result: u32,
}

/// The check as events arrive: a step that runs again after its result, or gets a second
/// one, is a violation the moment its event is recorded; an instance that completes without a
/// step's result, the moment it completes.
#[derive(Default, Clone)]
pub struct StepsOnce {
    /// (workflow, instance) -> step key -> what happened to it.
    steps: BTreeMap<(String, String), BTreeMap<String, Step>>,
    completed: Vec<(String, String)>,
    attempts: usize,
    violations: Vec<String>,
}

impl StepsOnce {
    /// Takes in one event; a violation it makes, if any.
    pub fn observe(&mut self, event: &TraceEvent) -> Option<&str> {
        let before = self.violations.len();
        match event {
            TraceEvent::WorkflowStepAttempt {
                workflow,
                instance,
                step,
                ..
            } => {
                self.attempts += 1;
                let s = self.step(workflow, instance, step);
                if s.results > 0 {
                    s.attempts_after_result += 1;
                    if s.attempts_after_result == 1 {
                        let at = format!("{workflow}/{instance} step {step}");
                        self.violations
                            .push(format!("{at}: ran again after its result"));
                    }
                }
            }
            TraceEvent::WorkflowStepResult {
                workflow,
                instance,
                step,
                ..
            } => {
                let s = self.step(workflow, instance, step);
                s.results += 1;
                if s.results == 2 {
                    let at = format!("{workflow}/{instance} step {step}");
                    self.violations.push(format!("{at}: 2 results"));
                }
            }
            TraceEvent::WorkflowRunEnded {
                workflow,
                instance,
                end,
                ..
            } if end == "returned" => {
                let key = (workflow.clone(), instance.clone());
                let missing: Vec<String> = (self.steps.get(&key).into_iter().flatten())
                    .filter(|(_, step)| step.results == 0)
                    .map(|(step, _)| {
                        format!("{workflow}/{instance} step {step}: the instance completed without its result")
                    })
                    .collect();
                self.violations.extend(missing);
                self.completed.push(key);
            }
            _ => {}
        }
        self.violations.get(before).map(String::as_str)
    }

    fn step(&mut self, workflow: &str, instance: &str, step: &str) -> &mut Step {
        let key = (workflow.to_string(), instance.to_string());
        let of_instance = self.steps.entry(key).or_default();
        of_instance.entry(step.to_string()).or_default()
    }

    pub fn report(self) -> Report {
        Report {
            instances: self.steps.len(),
            steps: self.steps.values().map(BTreeMap::len).sum(),
            attempts: self.attempts,
            violations: self.violations,
        }
    }
}

pub fn check(trace: &Trace) -> Report {
    let mut steps = StepsOnce::default();
    for event in &trace.events {
        steps.observe(event);
    }
    steps.report()
}
