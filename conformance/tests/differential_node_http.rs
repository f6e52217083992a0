//! node:http and node:https against what workerd answered (miniflare 4.20260426, recorded by
//! `reference/workerd/http.mjs`): the probe Worker `http/worker.js`, unchanged, makes client
//! requests to `origin.test` and serves requests through a Node HTTP server behind
//! cloudflare:node's `httpServerHandler`.

use std::rc::Rc;

use edgesim_conformance::{Run, body_json, get, reference};
use edgesim_runtime::http::{HttpRequest, HttpResponse};
use edgesim_runtime::worker::WorkerDefinition;
use serde_json::{Value, json};

/// Probe `script` (under reference/workerd) with nodejs_compat at compatibility date `date`.
fn probe(script: &str, date: &str) -> WorkerDefinition {
    reference::recorded_probe(
        script,
        json!({
            "name": "http",
            "compatibility_date": date,
            "compatibility_flags": ["nodejs_compat"],
        }),
    )
}

/// The recorder's origin (`origin()` in http.mjs), with the fields its Node server added on the
/// wire (`Connection`, `Keep-Alive`, `Date`, chunked framing) and the empty reason phrase a
/// Response made without `statusText` carries.
fn origin(request: &HttpRequest) -> Option<HttpResponse> {
    let url = url::Url::parse(&request.url).ok()?;
    let wire = |mut headers: Vec<(&str, &str)>| {
        headers.extend([
            ("connection", "keep-alive"),
            ("date", "Sat, 05 Dec 2026 13:53:57 GMT"),
            ("keep-alive", "timeout=5"),
            ("transfer-encoding", "chunked"),
        ]);
        headers.sort();
        (headers.into_iter())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let (status, status_text, headers, body) = match url.path() {
        "/redirect" => (302, "", wire(vec![("location", "/echo")]), String::new()),
        "/error" => (
            500,
            "Oops",
            wire(vec![
                ("content-type", "text/plain;charset=UTF-8"),
                ("x-error", "1"),
            ]),
            "broken".to_string(),
        ),
        _ => {
            let shown = [
                "host",
                "content-type",
                "content-length",
                "authorization",
                "x-one",
                "x-many",
            ];
            // The recorder's origin read them from a Headers object, which iterates sorted.
            let mut seen: Vec<&(String, String)> = (request.headers.iter())
                .filter(|(k, _)| shown.contains(&k.as_str()))
                .collect();
            seen.sort();
            let headers: serde_json::Map<String, Value> = (seen.into_iter())
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            let echo = json!({
                "method": request.method,
                "url": request.url,
                "headers": headers,
                "body": String::from_utf8_lossy(&request.body),
            });
            let fields = vec![
                ("content-type", "application/json"),
                ("set-cookie", "s=1"),
                ("x-origin", "yes"),
            ];
            (200, "", wire(fields), echo.to_string())
        }
    };
    Some(HttpResponse {
        status,
        status_text: status_text.to_string(),
        headers,
        body: body.into_bytes(),
        web_socket: None,
    })
}

#[test]
fn node_http_client_and_server_answer_as_workerd_recorded() {
    let run = Run {
        origins: Some(Rc::new(origin)),
        ..Default::default()
    };
    let worker = probe("http/worker.js", "2026-04-01");
    assert_eq!(run.assert_recorded_cases(&worker, "node-http"), 24);
}

#[test]
fn before_2025_09_01_node_http_has_its_client_but_no_server() {
    let worker = probe("http/early-worker.js", "2025-08-20");
    let exchange = Run::default()
        .fetch(&worker, get("https://http.example/"))
        .expect("the Worker runs");
    assert_eq!(
        body_json(&exchange.response),
        reference::result("node-http-early")
    );
}
