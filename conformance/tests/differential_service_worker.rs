//! The service-worker format against what workerd answered (miniflare 4.20260426, recorded by
//! `reference/workerd/service-worker.mjs`): the scripts under `service-worker/`, unchanged, with
//! the var `GREETING` and the KV namespace `KV` as globals and an origin behind the Worker.
//! Each recorded `METHOD PATH [BODY]` step is sent in turn to one isolate; an answer of 500 or
//! more is compared by status (its body is Miniflare's error page, edgesim's is production's
//! 1101 page). Cron steps are the shipped `sw-cron` scenario's (sim tests).

use std::rc::Rc;

use edgesim_conformance::{Run, body_text, get, reference};
use edgesim_runtime::StartupError;
use edgesim_runtime::http::{HttpRequest, HttpResponse};
use edgesim_runtime::worker::WorkerDefinition;
use edgesim_sim::one_colo::OneColoError;
use serde_json::{Value, json};

fn service_worker(script: &str) -> WorkerDefinition {
    reference::recorded_probe(
        &format!("service-worker/{script}"),
        json!({
            "name": "sw",
            "compatibility_date": "2026-04-01",
            "vars": { "GREETING": "hello" },
            "kv_namespaces": [{ "binding": "KV", "id": "kv" }],
        }),
    )
}

/// The recorder's origin: `origin saw METHOD URL[ BODY]`.
fn origin(request: &HttpRequest) -> Option<HttpResponse> {
    let body = match request.body.is_empty() {
        true => String::new(),
        false => format!(" {}", String::from_utf8_lossy(&request.body)),
    };
    Some(HttpResponse {
        status: 200,
        status_text: "OK".into(),
        headers: vec![("x-origin".into(), "yes".into())],
        body: format!("origin saw {} {}{body}", request.method, request.url).into_bytes(),
        web_socket: None,
    })
}

fn request(step: &str) -> HttpRequest {
    let mut words = step.splitn(3, ' ');
    let method = words.next().unwrap_or("GET");
    let path = words.next().unwrap_or("/");
    let mut request = get(&format!("https://sw.example{path}"));
    request.method = method.into();
    if let Some(body) = words.next() {
        request.body = body.as_bytes().to_vec();
    }
    request
}

/// The recorded rows of `script`: (step, status, body unless an error page).
fn recorded(script: &str) -> Vec<(String, u64, Value)> {
    let rows = reference::result("service-worker")[script].clone();
    (rows.as_array().expect("recorded rows").iter())
        .map(|row| {
            let step = row[0].as_str().expect("a step").to_string();
            (step, row[1].as_u64().expect("a status"), row[2].clone())
        })
        .collect()
}

#[test]
fn fetch_events_answer_as_workerd_recorded() {
    let rows = recorded("fetch-events.js");
    let run = Run {
        origins: Some(Rc::new(origin)),
        ..Default::default()
    };
    let requests = rows.iter().map(|(step, ..)| request(step)).collect();
    let exchanges =
        (run.sequence(&service_worker("fetch-events.js"), requests, 10)).expect("the Worker runs");
    let mut differences = Vec::new();
    for ((step, status, body), exchange) in rows.iter().zip(&exchanges) {
        let ours_status = u64::from(exchange.response.status);
        let ours_body = match ours_status >= 500 {
            true => Value::Null,
            false => Value::String(body_text(&exchange.response)),
        };
        if (ours_status, &ours_body) != (*status, body) {
            differences.push(format!(
                "{step}: workerd {status} {body}\n    edgesim {ours_status} {ours_body}"
            ));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    assert_eq!(rows.len(), 19);
}

#[test]
fn a_service_worker_that_registers_no_listener_does_not_start() {
    // workerd logged `No event handlers were registered. This script does nothing.` and
    // Miniflare reported that the runtime failed to start (results/service-worker.json).
    assert_eq!(
        recorded_startup("no-listeners.js"),
        "The Workers runtime failed to start. There is likely additional logging output above."
    );
    let outcome = Run::default().fetch(
        &service_worker("no-listeners.js"),
        get("https://sw.example/"),
    );
    assert!(
        matches!(
            outcome,
            Err(OneColoError::Startup(StartupError::NoHandlers))
        ),
        "{outcome:?}"
    );
}

fn recorded_startup(script: &str) -> String {
    let rows = reference::result("service-worker")[script].clone();
    rows[0][1].as_str().unwrap_or_default().to_string()
}
