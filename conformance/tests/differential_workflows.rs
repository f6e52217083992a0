//! Workflows against what workerd's Workflows engine answered (miniflare 4.20260426 running
//! workflows-shared, the engine `wrangler dev` runs; recorded by
//! `reference/workerd/workflows.mjs`): each case of `workflows/cases.json` run by the Worker in
//! `workflows/worker.js` to a finite status, then the binding's refusals.
//!
//! Two answers differ on purpose, each asserted on its own: production refuses `create` with
//! an id in use (workers-types: "If a provided id exists, an error will be thrown"), which
//! `wrangler dev` accepts; and `step.do` without a callback, on which `wrangler dev`'s engine
//! never settles, throws the engine's "requires a callback function" here.

use std::collections::BTreeMap;

use edgesim_conformance::{Run, body_json, get, reference};
use edgesim_runtime::worker::{WorkerDefinition, WranglerConfig};
use serde_json::{Value, json};

/// Cases whose recorded answer edgesim does not reproduce, by design (see above).
const DIVERGENT_INSTANCES: &[&str] = &["noCallback"];
const DIVERGENT_BINDING: &[&str] = &["duplicate"];

fn worker() -> WorkerDefinition {
    let config: WranglerConfig = serde_json::from_value(json!({
        "name": "flow-worker",
        "compatibility_date": "2025-06-01",
        "workflows": [{ "binding": "FLOW", "name": "flow", "class_name": "Flow" }],
    }))
    .expect("a valid config");
    let script = reference::read("workflows/worker.js");
    WorkerDefinition::from_sources(config, "worker.js", &[("worker.js", &script)])
}

/// Every instance's name as the recorder named it, with its create path and follow-ups.
fn instances(cases: &Value) -> Vec<(String, String, Vec<String>)> {
    let list = cases["instances"].as_array().expect("instances");
    list.iter()
        .map(|c| {
            let kind = c["case"].as_str().expect("case");
            let (name, index) = match c["index"].as_u64() {
                Some(i) => (format!("{kind}{i}"), i),
                None => (kind.to_string(), 0),
            };
            let create = format!("/create?id={name}&case={kind}&index={index}");
            let then = (c["then"].as_array().into_iter().flatten())
                .map(|p| format!("{}&id={name}", p.as_str().unwrap_or_default()))
                .collect();
            (name, create, then)
        })
        .collect()
}

/// edgesim's answers: instances created a second apart, follow-ups 300 ms after their
/// create, every status read once all are long finished, then the binding's refusals.
fn edgesim_answers(cases: &Value) -> (BTreeMap<String, Value>, BTreeMap<String, Value>) {
    let instances = instances(cases);
    let bindings: Vec<String> = (cases["binding"].as_array().into_iter().flatten())
        .filter_map(|b| b.as_str().map(str::to_string))
        .collect();
    let mut timeline: Vec<(u64, String)> = Vec::new();
    for (i, (_, create, then)) in instances.iter().enumerate() {
        let at = i as u64 * 1_000;
        timeline.push((at, create.clone()));
        timeline.extend(then.iter().map(|p| (at + 300, p.clone())));
    }
    let late = 600_000;
    timeline.extend(
        instances
            .iter()
            .map(|(name, ..)| (late, format!("/status?id={name}"))),
    );
    timeline.extend(
        bindings
            .iter()
            .map(|b| (late, format!("/binding?case={b}"))),
    );
    timeline.push((late, "/terminate?id=complete".to_string()));
    timeline.sort_by_key(|(at, _)| *at);
    let requests = (timeline.iter())
        .map(|(_, p)| get(&format!("https://flow.example{p}")))
        .collect();
    let send_at_ms: Vec<u64> = timeline.iter().map(|(at, _)| *at).collect();
    let exchanges = Run::default()
        .timeline(&worker(), requests, &send_at_ms)
        .expect("the Worker runs");
    let mut statuses = BTreeMap::new();
    let mut binding = BTreeMap::new();
    for ((_, path), x) in timeline.iter().zip(&exchanges) {
        let answer = body_json(&x.response);
        if let Some(id) = path.strip_prefix("/status?id=") {
            statuses.insert(id.to_string(), answer);
        } else if let Some(case) = path.strip_prefix("/binding?case=") {
            binding.insert(case.to_string(), answer);
        } else if path.starts_with("/terminate") {
            binding.insert("terminateComplete".to_string(), answer);
        }
    }
    (statuses, binding)
}

#[test]
fn workflow_instances_and_binding_refusals_match_workerds_recorded_answers() {
    let cases: Value =
        serde_json::from_str(&reference::read("workflows/cases.json")).expect("JSON");
    let recorded = &reference::result("workflows")["default"];
    let (statuses, binding) = edgesim_answers(&cases);
    let mut differences = Vec::new();
    let mut compared = 0;
    for (group, ours, skip) in [
        ("instances", &statuses, DIVERGENT_INSTANCES),
        ("binding", &binding, DIVERGENT_BINDING),
    ] {
        for (name, expected) in recorded[group].as_object().expect("recorded answers") {
            if skip.contains(&name.as_str()) {
                continue;
            }
            compared += 1;
            let got = ours.get(name).cloned().unwrap_or(Value::Null);
            if reference::normalise(expected) != reference::normalise(&got) {
                differences.push(format!(
                    "{group}.{name}: workerd {expected} / edgesim {got}"
                ));
            }
        }
    }
    assert!(
        differences.is_empty(),
        "{} differ:\n{}",
        differences.len(),
        differences.join("\n")
    );
    assert_eq!(compared, 25);
    // The two answers that differ by design.
    assert_eq!(
        binding["duplicate"],
        json!({ "name": "Error", "message": "WorkflowError: (instance.already_exists) Instance already exists", "isError": true })
    );
    assert_eq!(
        statuses["noCallback"]["value"]["output"]["message"],
        json!("WorkflowFatalError: Step \"no-callback\" requires a callback function")
    );
}
