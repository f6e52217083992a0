//! node:dns against what workerd answered (miniflare 4.20260426, recorded by
//! `reference/workerd/dns.mjs`): the probe Worker `dns/worker.js`, unchanged, asks names whose
//! DNS-over-HTTPS answers an origin for cloudflare-dns.com gives from `dns/zone.json`, as the
//! recorder's outbound service did.

use std::rc::Rc;

use edgesim_conformance::{Run, reference};
use edgesim_runtime::http::{HttpRequest, HttpResponse};
use edgesim_runtime::worker::WorkerDefinition;
use serde_json::{Value, json};

fn worker() -> WorkerDefinition {
    reference::recorded_probe(
        "dns/worker.js",
        json!({
            "name": "dns",
            "compatibility_date": "2026-04-01",
            "compatibility_flags": ["nodejs_compat"],
        }),
    )
}

/// cloudflare-dns.com's JSON API answered from the zone, as `doh()` in dns.mjs answers it.
fn doh(zone: &Value, request: &HttpRequest) -> Option<HttpResponse> {
    let url = url::Url::parse(&request.url).ok()?;
    if url.host_str() != Some("cloudflare-dns.com") {
        return None;
    }
    let param = |key: &str| {
        (url.query_pairs())
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    let (name, kind) = (param("name"), param("type"));
    let entry = zone.get(&name).and_then(|n| n.get(&kind));
    let respond = |status: u16, body: String| HttpResponse {
        status,
        status_text: String::new(),
        headers: vec![("content-type".into(), "application/dns-json".into())],
        body: body.into_bytes(),
        web_socket: None,
    };
    if let Some(status) = entry.and_then(|e| e.get("status")).and_then(Value::as_u64) {
        return Some(respond(u16::try_from(status).ok()?, "failed".into()));
    }
    if let Some(text) = entry.and_then(|e| e.get("text")).and_then(Value::as_str) {
        return Some(respond(200, text.into()));
    }
    let body = match entry {
        Some(e) if e.get("error").is_some() => json!({ "error": e["error"] }),
        _ => {
            let mut body = json!({
                "Status": if entry.is_some() { 0 } else { 3 },
                "TC": false, "RD": true, "RA": true, "AD": false, "CD": false,
                "Question": [{ "name": name, "type": 1 }],
            });
            if let Some(answers) = entry {
                body["Answer"] = answers.clone();
            }
            body
        }
    };
    Some(respond(200, body.to_string()))
}

#[test]
fn node_dns_looks_up_and_resolves_over_https_as_workerd_recorded() {
    let zone: Value = serde_json::from_str(&reference::read("dns/zone.json")).expect("the zone");
    let run = Run {
        origins: Some(Rc::new(move |request: &HttpRequest| doh(&zone, request))),
        ..Default::default()
    };
    assert_eq!(run.assert_recorded_cases(&worker(), "node-dns"), 7);
}
