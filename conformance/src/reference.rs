//! The recorded answers of real workerd (conformance/reference/workerd) and how to compare
//! edgesim's answers with them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The probe Worker (`worker.mjs`), unchanged, with the wrangler binding tables `bindings`
/// (TOML) as probe.mjs configures them.
pub fn probe_worker(bindings: &str) -> edgesim_runtime::worker::WorkerDefinition {
    let toml = format!(
        "name = 'probe'\nmain = 'worker.mjs'\ncompatibility_date = '2026-04-20'\n{bindings}"
    );
    let config = edgesim_runtime::worker::WranglerConfig::parse("wrangler.toml", &toml)
        .unwrap_or_else(|e| panic!("probe config: {e}"));
    let source = read("worker.mjs");
    edgesim_runtime::worker::WorkerDefinition::from_sources(
        config,
        "worker.mjs",
        &[("worker.mjs", &source)],
    )
}

/// A recorder's probe Worker (`script` under reference/workerd, unchanged) with the wrangler
/// config (JSON) its recorder gives it.
pub fn recorded_probe(script: &str, config: Value) -> edgesim_runtime::worker::WorkerDefinition {
    let config: edgesim_runtime::worker::WranglerConfig =
        serde_json::from_value(config).unwrap_or_else(|e| panic!("{script}'s config: {e}"));
    let source = read(script);
    edgesim_runtime::worker::WorkerDefinition::from_sources(
        config,
        "worker.js",
        &[("worker.js", &source)],
    )
}

/// `conformance/reference/workerd`: the probe, its recorder and what workerd answered.
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("reference/workerd")
}

pub fn read(file: &str) -> String {
    let path = dir().join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the reference recordings live in conformance/reference/workerd)",
            path.display()
        )
    })
}

/// A recorded result file (`results/<name>.json`).
pub fn result(name: &str) -> Value {
    serde_json::from_str(&read(&format!("results/{name}.json")))
        .unwrap_or_else(|e| panic!("results/{name}.json: {e}"))
}

/// Replaces what differs by nature between two runs: absolute times in seconds or milliseconds
/// since the epoch (expirations, and the messages that quote them), and HTTP dates.
pub fn normalise(v: &Value) -> Value {
    match v {
        Value::Number(n) if n.as_u64().is_some_and(is_epoch_seconds) => {
            Value::String("<epoch_s>".into())
        }
        Value::Number(n) if n.as_u64().is_some_and(is_epoch_ms) => {
            Value::String("<epoch_ms>".into())
        }
        Value::String(s) if httpdate::parse_http_date(s).is_ok() => {
            Value::String("<http-date>".into())
        }
        Value::String(s) => Value::String(
            s.split(' ')
                .map(|w| {
                    let digits = w.trim_end_matches('.');
                    if digits.len() == 10 && digits.parse::<u64>().is_ok_and(is_epoch_seconds) {
                        w.replace(digits, "<epoch_s>")
                    } else {
                        w.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Value::Array(a) => Value::Array(a.iter().map(normalise).collect()),
        Value::Object(o) => {
            Value::Object(o.iter().map(|(k, v)| (k.clone(), normalise(v))).collect())
        }
        other => other.clone(),
    }
}

fn is_epoch_ms(n: u64) -> bool {
    (1_700_000_000_000..2_000_000_000_000).contains(&n)
}

fn is_epoch_seconds(n: u64) -> bool {
    (1_700_000_000..2_000_000_000).contains(&n)
}

/// Probe keys whose (normalised) answers differ: key -> (workerd, edgesim).
pub fn differences(reference: &Value, ours: &Value) -> BTreeMap<String, (Value, Value)> {
    let mut out = BTreeMap::new();
    let Some(entries) = reference.as_object() else {
        return out;
    };
    for (key, expected) in entries {
        let got = ours.get(key).cloned().unwrap_or(Value::Null);
        let (e, g) = (normalise(expected), normalise(&got));
        if e != g {
            out.insert(key.clone(), (e, g));
        }
    }
    out
}

/// Panics unless the keys on which `reference` and `ours` differ are exactly `allowed` (the
/// differences each test justifies by production's behaviour), showing every other one.
pub fn assert_differences(name: &str, reference: &Value, ours: &Value, allowed: &[&str]) {
    let diffs = differences(reference, ours);
    let differing: Vec<&str> = diffs.keys().map(String::as_str).collect();
    let mut allowed: Vec<&str> = allowed.to_vec();
    allowed.sort_unstable();
    if differing == allowed {
        return;
    }
    let unexplained: Vec<String> = diffs
        .iter()
        .filter(|(k, _)| !allowed.contains(&k.as_str()))
        .map(|(k, (e, g))| format!("  {k}\n    workerd: {e}\n    edgesim: {g}"))
        .collect();
    let missing: Vec<&&str> = allowed
        .iter()
        .filter(|k| !diffs.contains_key(**k))
        .collect();
    panic!(
        "/{name}: unexplained differences from workerd:\n{}\nexpected differences that did not occur: {missing:?}",
        unexplained.join("\n")
    );
}

/// The Worker snippets.mjs records `snippets/<name>.json` with (`snippet-worker.js`, which both
/// fill in the same way), running `snippets`: each is the body of an async function of `env`
/// (an R2 bucket `BUCKET`, a text binding `GREETING`, a SQLite Durable Object `SQL`) and of
/// `sql` (the Worker's helper that runs a query in that object), and `GET /` answers
/// `[[outcome, value], …]`. The file's `wasm` modules (WAT) are imported by their names. The
/// Worker's modules are read from the returned project's directory, which must outlive it.
pub fn snippet_worker(
    name: &str,
    snippets: &[String],
) -> (crate::Project, edgesim_runtime::worker::WorkerDefinition) {
    let recorded: Value = serde_json::from_str(&read(&format!("snippets/{name}.json")))
        .unwrap_or_else(|e| panic!("snippets/{name}.json: {e}"));
    let field = |key: &str| recorded.get(key).cloned().unwrap_or(Value::Null);
    let flags = field("compatibility_flags");
    let flags = if flags.is_array() {
        flags
    } else {
        Value::Array(vec![])
    };
    let date = field("compatibility_date");
    let date = date.as_str().unwrap_or("2026-04-20");
    let wasm = field("wasm");
    let wasm = wasm.as_object().cloned().unwrap_or_default();
    let fns: Vec<String> = snippets
        .iter()
        .map(|s| format!("async (env, sql) => {{{s}\n}}"))
        .collect();
    // serde_json's map is ordered by key, as the recorder sorts the names.
    let imports: String = wasm
        .keys()
        .map(|m| format!("import {m} from \"./{m}.wasm\";\n"))
        .collect();
    let source =
        imports + &read("snippet-worker.js").replacen("/* SNIPPETS */", &fns.join(",\n"), 1);
    let config = format!(
        "name = 'snippets'\nmain = 'snippets.mjs'\ncompatibility_date = '{date}'\n\
         compatibility_flags = {flags}\n[vars]\nGREETING = 'hello'\n\
         [[r2_buckets]]\nbinding = 'BUCKET'\nbucket_name = 'snippets'\n\
         [[kv_namespaces]]\nbinding = 'KV'\nid = 'snippets'\n\
         [[d1_databases]]\nbinding = 'DB'\ndatabase_name = 'snippets'\ndatabase_id = 'snippets'\n\
         [[queues.producers]]\nbinding = 'QUEUE'\nqueue = 'snippets'\n\
         [[durable_objects.bindings]]\nname = 'SQL'\nclass_name = 'SqlObject'\n\
         [[durable_objects.bindings]]\nname = 'KV_OBJECT'\nclass_name = 'KvObject'\n\
         [[migrations]]\ntag = 'v1'\nnew_sqlite_classes = ['SqlObject']\nnew_classes = ['KvObject']\n\
         [[send_email]]\nname = 'EMAIL'\n\
         [[send_email]]\nname = 'EMAIL_ONE'\ndestination_address = 'one@example.com'\n\
         [[send_email]]\nname = 'EMAIL_LIST'\nallowed_destination_addresses = ['a@example.com', 'b@example.com']\n\
         allowed_sender_addresses = ['sender@example.com']\n"
    );
    let project = crate::Project::with(
        &format!("snippets-{name}"),
        &[("wrangler.toml", &config), ("snippets.mjs", &source)],
    );
    for (module, wat) in &wasm {
        let bytes = wat::parse_str(wat.as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("snippets/{name}.json: module {module}: {e}"));
        std::fs::write(project.path().join(format!("{module}.wasm")), bytes)
            .unwrap_or_else(|e| panic!("write {module}.wasm: {e}"));
    }
    let worker = project
        .worker(None)
        .unwrap_or_else(|e| panic!("snippets/{name}.json: {e}"));
    (project, worker)
}

/// `results/snippets-<name>.json` as (snippet, [outcome, value]) pairs.
/// The recorded snippets of `name` with workerd's answers, and edgesim's answers to the same
/// snippets, one per snippet, in order.
pub fn run_recorded_snippets(name: &str) -> (Vec<(String, Value)>, Vec<Value>) {
    let recorded = snippet_answers(name);
    let snippets: Vec<String> = recorded.iter().map(|(s, _)| s.clone()).collect();
    let (_project, worker) = snippet_worker(name, &snippets);
    // All the snippets run in one request: give it production's CPU limit rather than the
    // runaway guard's (checking an 8192-bit group's prime takes hundreds of milliseconds).
    let run = crate::Run {
        runaway_cpu_ms: Some(30_000),
        ..Default::default()
    };
    let x = run
        .fetch(&worker, crate::get("https://example.com/"))
        .unwrap_or_else(|e| panic!("{name}: the snippet Worker did not run: {e}"));
    if std::env::var_os("EDGESIM_SNIPPET_DEBUG").is_some() {
        eprintln!("{:#?}", x.report);
    }
    let ours = crate::body_json(&x.response);
    let ours = ours.as_array().cloned().unwrap_or_default();
    assert_eq!(ours.len(), recorded.len(), "{name}: one answer per snippet");
    (recorded, ours)
}

pub fn snippet_answers(name: &str) -> Vec<(String, Value)> {
    let recorded = result(&format!("snippets-{name}"));
    let rows = recorded.as_array().cloned().unwrap_or_default();
    rows.into_iter()
        .map(|row| {
            let row = row.as_array().cloned().unwrap_or_default();
            let snippet = row.first().and_then(Value::as_str).unwrap_or_default();
            (snippet.to_string(), Value::Array(row[1..].to_vec()))
        })
        .collect()
}

/// A shipped project (`scenarios/workers/<name>`) with its npm packages installed from its
/// lockfile (`npm ci`, once per process), as a user has it after cloning and installing.
pub fn shipped_project(name: &str) -> PathBuf {
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios/workers")
        .join(name);
    let _installing = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    if !dir.join("node_modules/.package-lock.json").is_file() {
        let status = std::process::Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .unwrap_or_else(|e| panic!("{}: `npm ci` could not start ({e})", dir.display()));
        assert!(status.success(), "npm ci failed in {}", dir.display());
    }
    dir
}

/// What workerd answered to each request recorded by `project.mjs` for a shipped project:
/// (path, status, content type, body), a body that is not text as `sha256:<hex>`.
pub fn project_answers(name: &str) -> Vec<(String, u16, String, String)> {
    let rows: Vec<(String, u16, String, String)> =
        serde_json::from_value(result(&format!("project-{name}")))
            .unwrap_or_else(|e| panic!("results/project-{name}.json: {e}"));
    rows
}

/// A response as `project.mjs` and `node-project.mjs` record it: status, content type, and the
/// body as [`recorded_body`] writes it.
pub fn recorded_response(response: &edgesim_runtime::http::HttpResponse) -> (u16, String, String) {
    let content_type = (response.headers.iter())
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map_or("", |(_, v)| v.as_str());
    let body = recorded_body(content_type, &response.body);
    (response.status, content_type.to_string(), body)
}

/// A response body as `project.mjs` records it: text as it is, anything else as its SHA-256.
pub fn recorded_body(content_type: &str, body: &[u8]) -> String {
    if content_type.starts_with("text/") || content_type.starts_with("application/json") {
        return String::from_utf8_lossy(body).into_owned();
    }
    let hex = edgesim_runtime::digest::DigestAlgorithm::Sha256.hex_digest(body);
    format!("sha256:{hex}")
}
