//! `connect()` from `cloudflare:sockets` and Hyperdrive against what workerd answered
//! (miniflare 4.20260426, recorded by `reference/workerd/sockets.mjs`): the probe Worker
//! `sockets/worker.js`, unchanged, runs each case against the same servers, declared here as
//! TCP origins — an echo server, a greeter that sends a line and ends its side, a server that
//! never writes — and a port nobody listens on. Then node:net's probe (`sockets/net-worker.js`,
//! with nodejs_compat) against the same servers.

use std::collections::BTreeMap;
use std::rc::Rc;

use edgesim_conformance::{Run, body_json, get, reference};
use edgesim_runtime::worker::{WorkerDefinition, WranglerConfig};
use edgesim_sim::origins::{OriginSpec, OriginTable};
use serde_json::{Value, json};

fn worker() -> WorkerDefinition {
    let config: WranglerConfig = serde_json::from_value(json!({
        "name": "sockets",
        "compatibility_date": "2026-04-01",
        "hyperdrive": [{
            "binding": "HYPERDRIVE",
            "id": "00000000000000000000000000000000",
            "localConnectionString": "postgres://user:pass@127.0.0.1:47101/db",
        }],
    }))
    .expect("a valid config");
    let script = reference::read("sockets/worker.js");
    WorkerDefinition::from_sources(config, "worker.js", &[("worker.js", &script)])
}

/// The recorder's servers (sockets.mjs), as a scenario declares them.
fn servers() -> Rc<OriginTable> {
    let specs: BTreeMap<String, OriginSpec> = serde_json::from_value(json!({
        "127.0.0.1:47101": { "tcp": { "echo": true } },
        "127.0.0.1:47102": { "tcp": { "script": [{ "send": "hi there\n", "close": true }] } },
        "127.0.0.1:47104": { "tcp": { "script": [] } },
    }))
    .expect("origin specs");
    Rc::new(OriginTable::load(&specs, std::path::Path::new(".")).expect("origins load"))
}

fn net_worker() -> WorkerDefinition {
    let config: WranglerConfig = serde_json::from_value(json!({
        "name": "net",
        "compatibility_date": "2026-04-01",
        "compatibility_flags": ["nodejs_compat"],
    }))
    .expect("a valid config");
    let script = reference::read("sockets/net-worker.js");
    WorkerDefinition::from_sources(config, "worker.js", &[("worker.js", &script)])
}

fn run_cases(worker: &WorkerDefinition, names: &[String]) -> BTreeMap<String, Value> {
    let run = Run {
        declared_origins: servers(),
        ..Default::default()
    };
    let requests = (names.iter())
        .map(|n| get(&format!("https://sockets.example/case?name={n}")))
        .collect();
    let exchanges = run.sequence(worker, requests, 10).expect("the Worker runs");
    (names.iter().cloned())
        .zip(exchanges.iter().map(|x| body_json(&x.response)))
        .collect()
}

/// How many cases results/`result`.json holds, and those `worker` answers otherwise.
fn differences(worker: &WorkerDefinition, result: &str) -> (usize, Vec<String>) {
    let recorded = reference::result(result);
    let recorded = recorded.as_object().expect("recorded cases");
    let names: Vec<String> = recorded.keys().cloned().collect();
    let ours = run_cases(worker, &names);
    let differences = (recorded.iter())
        .filter(|(name, expected)| {
            reference::normalise(expected) != reference::normalise(&ours[name.as_str()])
        })
        .map(|(name, expected)| format!("{name}:\n  workerd {expected}\n  edgesim {}", ours[name]))
        .collect();
    (names.len(), differences)
}

#[test]
fn connect_and_hyperdrive_answer_as_workerd_recorded() {
    let (compared, differences) = differences(&worker(), "sockets");
    assert!(
        differences.is_empty(),
        "{} of {compared} differ:\n{}",
        differences.len(),
        differences.join("\n")
    );
    assert_eq!(compared, 15);
}

#[test]
fn node_net_sockets_and_addresses_answer_as_workerd_recorded() {
    let (compared, differences) = differences(&net_worker(), "node-net");
    assert!(
        differences.is_empty(),
        "{} of {compared} differ:\n{}",
        differences.len(),
        differences.join("\n")
    );
    assert_eq!(compared, 14);
}
