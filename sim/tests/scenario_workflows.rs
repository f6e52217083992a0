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
            "w/i step do:a:1: ran again after its result",
            "w/i step do:a:1: 2 results"
        ]
    );
}

/// Writes `files` (path, contents) under a fresh directory named `tag`.
fn project(tag: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(tag);
    for (path, contents) in files {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().expect("a parent")).unwrap();
        std::fs::write(file, contents).unwrap();
    }
    dir
}

#[test]
fn a_worker_reaches_a_workflow_another_worker_defines_through_script_name() {
    let dir = project(
        "workflow-script-name",
        &[
            (
                "api/wrangler.toml",
                "name = \"api\"\nmain = \"index.js\"\ncompatibility_date = \"2025-06-01\"\n\
                 [[workflows]]\nbinding = \"JOBS\"\nname = \"jobs\"\nclass_name = \"Job\"\nscript_name = \"engine\"\n",
            ),
            (
                "api/index.js",
                "export default { async fetch(request, env) {\n\
                   const url = new URL(request.url);\n\
                   if (url.pathname === '/start') return Response.json({ id: (await env.JOBS.create({ id: 'j1', params: { n: 20 } })).id });\n\
                   return Response.json(await (await env.JOBS.get('j1')).status());\n\
                 } };\n",
            ),
            (
                "engine/wrangler.toml",
                "name = \"engine\"\nmain = \"index.js\"\ncompatibility_date = \"2025-06-01\"\n\
                 [[workflows]]\nbinding = \"JOBS\"\nname = \"jobs\"\nclass_name = \"Job\"\n",
            ),
            (
                "engine/index.js",
                "import { WorkflowEntrypoint } from 'cloudflare:workers';\n\
                 export class Job extends WorkflowEntrypoint {\n\
                   async run(event, step) { return await step.do('double', async () => event.payload.n * 2); }\n\
                 }\n\
                 export default { fetch() { return new Response('engine'); } };\n",
            ),
        ],
    );
    let yaml = format!(
        "name: script-name\nduration: 10s\ncolos: [FRA]\nworkers:\n  api: {}\n  engine: {}\n\
         traffic:\n  - {{ at: 0s, colo: FRA, worker: api, url: /start }}\n  \
         - {{ at: 5s, colo: FRA, worker: api, url: /status, label: status }}\n",
        dir.join("api/wrangler.toml").display(),
        dir.join("engine/wrangler.toml").display()
    );
    let s = LoadedScenario::parse("script-name.yaml", &yaml, dir).unwrap();
    let out = run(&s, 1).unwrap();
    let status = out
        .requests
        .iter()
        .find(|r| r.label.as_deref() == Some("status"))
        .expect("the status request");
    assert_eq!(status.body, r#"{"status":"complete","output":40}"#);
    // The run happened on the engine Worker's isolate.
    let cold: Vec<&str> = (out.trace.events.iter())
        .filter_map(|e| match e {
            TraceEvent::ColdStart { worker, .. } => Some(worker.as_str()),
            _ => None,
        })
        .collect();
    assert!(cold.contains(&"engine"), "{cold:?}");
}
