//! Static assets against what workerd's asset serving answered (miniflare 4.20260426 running
//! workers-sdk's router and asset Workers, recorded by `reference/workerd/assets.mjs`): the
//! site in `reference/workerd/assets/public` in front of `assets/worker.js`, under each
//! configuration of `assets/cases.json`, request by request.
//!
//! Normalised, because they differ by nature: ETags (wrangler dev hashes a file's path and
//! modification time, production its content; edgesim uses production's hash, so the test
//! checks their form and that the same file always gets the same one) and `CF-Cache-Status`
//! (miniflare always says HIT; edgesim says MISS on a colo's first read).

use std::collections::BTreeMap;

use edgesim_conformance::{Project, Run, reference};
use edgesim_runtime::HttpRequest;
use edgesim_runtime::worker::WorkerDefinition;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The headers the recorder kept.
const RECORDED: &[&str] = &[
    "content-type",
    "etag",
    "cache-control",
    "location",
    "cf-cache-status",
    "x-frame-options",
    "x-robots-tag",
    "x-blog-post",
    "x-sub",
    "x-served-by",
    "x-via",
];

/// The site under one configuration: a wrangler.json pointing at the recorded site.
fn site(name: &str, config: &Value) -> (Project, WorkerDefinition) {
    let dir = reference::dir().join("assets");
    let mut assets = config.as_object().cloned().unwrap_or_default();
    let with_worker = assets.remove("worker") != Some(Value::Bool(false));
    assets.insert("directory".into(), json!(dir.join("public")));
    assets.insert("binding".into(), json!("ASSETS"));
    let mut wrangler = json!({
        "name": "site",
        "compatibility_date": "2026-04-20",
        "assets": assets,
    });
    let script = reference::read("assets/worker.js");
    let mut files = vec![("wrangler.json", String::new())];
    if with_worker {
        wrangler["main"] = json!("worker.js");
        files.push(("worker.js", script));
    }
    files[0].1 = wrangler.to_string();
    let files: Vec<(&str, &str)> = files.iter().map(|(f, t)| (*f, t.as_str())).collect();
    let project = Project::with(&format!("assets-{name}"), &files);
    let worker = project
        .worker(None)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    (project, worker)
}

/// `[METHOD ]URL[ Name:Value]...`, as the recorder reads it.
fn request(spec: &str, last_etag: &str) -> HttpRequest {
    let mut parts: Vec<&str> = spec.split(' ').collect();
    let method = match parts[0].chars().all(|c| c.is_ascii_uppercase()) {
        true => parts.remove(0).to_string(),
        false => "GET".to_string(),
    };
    let url = parts.remove(0);
    let url = match url.starts_with("http") {
        true => url.to_string(),
        false => format!("http://localhost{url}"),
    };
    let headers = parts
        .iter()
        .map(|h| {
            let (name, value) = h.split_once(':').expect("Name:Value");
            let value = match value {
                "previous" => last_etag.to_string(),
                "weak-previous" => format!("W/{last_etag}"),
                v => v.to_string(),
            };
            (name.to_ascii_lowercase(), value)
        })
        .collect();
    HttpRequest {
        method,
        url,
        headers,
        body: Vec::new(),
        cf: None,
    }
}

/// What edgesim answered, in the recording's shape; each request in a fresh simulation.
fn answer(worker: &WorkerDefinition, specs: &[Value]) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut last_etag = String::new();
    for spec in specs {
        let spec = spec.as_str().expect("a request");
        let x = Run::default()
            .fetch(worker, request(spec, &last_etag))
            .unwrap_or_else(|e| panic!("{spec}: {e}"));
        let mut headers = serde_json::Map::new();
        for name in RECORDED {
            if let Some((_, v)) = x.response.headers.iter().find(|(n, _)| n == name) {
                headers.insert(name.to_string(), json!(v));
            }
        }
        if let Some(etag) = headers.get("etag").and_then(Value::as_str) {
            last_etag = etag.to_string();
        }
        let t = headers
            .get("content-type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let text = t.starts_with("text/")
            || ["json", "javascript", "xml"].iter().any(|k| t.contains(k))
            || x.response.body.is_empty();
        let body = match text {
            true => String::from_utf8_lossy(&x.response.body).into_owned(),
            false => format!("sha256:{:x}", Sha256::digest(&x.response.body)),
        };
        rows.push(json!([spec, x.response.status, headers, body]));
    }
    rows
}

/// Checks an ETag's form and replaces it with the recorded one it stands for, or with a
/// marker when this file's ETag pairs with a different recorded one.
fn normalise_etag(row: &mut Value, recorded_row: &Value, pairs: &mut BTreeMap<String, String>) {
    let ours = row[2]["etag"].as_str().map(str::to_string);
    let theirs = recorded_row[2]["etag"].as_str().map(str::to_string);
    let (Some(ours), Some(theirs)) = (ours, theirs) else {
        return;
    };
    let well_formed = ours.len() == 34
        && ours.starts_with('"')
        && ours.ends_with('"')
        && ours[1..33].bytes().all(|b| b.is_ascii_hexdigit());
    assert!(well_formed, "{}: ETag {ours}", row[0]);
    let paired = pairs.entry(ours.clone()).or_insert_with(|| theirs.clone());
    row[2]["etag"] = json!(if *paired == theirs {
        theirs
    } else {
        format!("{ours} (paired with {paired})")
    });
    if matches!(row[2]["cf-cache-status"].as_str(), Some("HIT" | "MISS")) {
        row[2]["cf-cache-status"] = json!("HIT");
    }
}

#[test]
fn static_assets_answer_as_workerds_router_and_asset_workers_answer() {
    let cases: Value = serde_json::from_str(&reference::read("assets/cases.json")).expect("cases");
    let recorded = reference::result("assets");
    let mut pairs = BTreeMap::new();
    let mut mismatches = Vec::new();
    for (name, config) in cases["configs"].as_object().expect("configs") {
        let (_project, worker) = site(name, config);
        let specs = cases["requests"][name].as_array().expect("requests");
        let mut ours = answer(&worker, specs);
        let theirs = recorded[name].as_array().expect("recorded rows");
        assert_eq!(ours.len(), theirs.len(), "{name}");
        for (row, recorded_row) in ours.iter_mut().zip(theirs) {
            normalise_etag(row, recorded_row, &mut pairs);
            if row != recorded_row {
                mismatches.push(format!("{name}: ours {row}\n  workerd {recorded_row}"));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} differences:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
