//! Shipped nodejs_compat projects with their npm packages from the registry, answered by real
//! workerd (recorded by conformance/reference/workerd/node-project.mjs into
//! `results/project-<name>.json`) and by edgesim: the same requests in the same order, the same
//! status, content type and body.

use edgesim_conformance::Run;
use edgesim_conformance::reference::{project_answers, recorded_response, shipped_project};
use edgesim_runtime::http::HttpRequest;
use edgesim_runtime::invocation::Outcome;

/// A recorded request (`METHOD PATH [JSON BODY]`) as a client sends it.
fn request(recorded: &str) -> HttpRequest {
    let mut parts = recorded.splitn(3, ' ');
    let method = parts.next().unwrap_or("GET").to_string();
    let path = parts.next().unwrap_or("/");
    let body = parts
        .next()
        .map(|b| b.as_bytes().to_vec())
        .unwrap_or_default();
    let mut headers = Vec::new();
    if !body.is_empty() {
        headers.push(("content-type".to_string(), "application/json".to_string()));
        headers.push(("content-length".to_string(), body.len().to_string()));
    }
    HttpRequest {
        method,
        url: format!("https://example.com{path}"),
        headers,
        body,
        cf: None,
    }
}

/// Express 5 behind cloudflare:node's httpServerHandler: its JSON body parser, route
/// parameters, 404 and error handlers, and `res.sendFile` of a file the request wrote to /tmp
/// (express's `send` stats it and pipes a node:fs read stream into the response). workerd's
/// ServerResponse emits `close` once its head is out, which unpipes the file stream; the body
/// written by then reaches the client and the request ends as hung — in both runtimes.
#[test]
fn express_answers_as_workerd_does_json_routes_and_a_file_sent_from_tmp() {
    let dir = shipped_project("express-app");
    let worker = edgesim_runtime::worker::WorkerDefinition::load_env(&dir, None)
        .unwrap_or_else(|e| panic!("{e}"));
    let answers = project_answers("express-app");
    let requests = answers.iter().map(|(r, ..)| request(r)).collect();
    let exchanges = Run::default()
        .sequence(&worker, requests, 10)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(exchanges.len(), answers.len());
    for ((recorded, status, content_type, body), x) in answers.iter().zip(&exchanges) {
        assert_eq!(
            recorded_response(&x.response),
            (*status, content_type.clone(), body.clone()),
            "{recorded}"
        );
        let hung = recorded.ends_with("/export");
        assert_eq!(x.report.outcome == Outcome::Exception, hung, "{recorded}");
        if hung {
            assert_eq!(
                x.report.exception.as_deref(),
                Some(edgesim_runtime::engine::io_state::HUNG)
            );
        }
    }
}
