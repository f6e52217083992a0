//! The recorded answers of real workerd (conformance/reference/workerd) and how to compare
//! edgesim's answers with them.

use std::collections::BTreeMap;
use std::path::PathBuf;

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

/// The Worker snippets.mjs records with (`snippet-worker.js`, which both fill in the same way):
/// each snippet is the body of an async function of `env` (an R2 bucket `BUCKET`, a text
/// binding `GREETING`), and `GET /` answers `[[outcome, value], …]`.
pub fn snippet_worker(
    snippets: &[String],
    compatibility_flags: &[String],
    compatibility_date: &str,
) -> edgesim_runtime::worker::WorkerDefinition {
    let fns: Vec<String> = snippets
        .iter()
        .map(|s| format!("async (env) => {{{s}\n}}"))
        .collect();
    let source = read("snippet-worker.js").replacen("/* SNIPPETS */", &fns.join(",\n"), 1);
    let flags = serde_json::to_string(compatibility_flags).unwrap_or_else(|_| "[]".into());
    let config = edgesim_runtime::worker::WranglerConfig::parse(
        "wrangler.toml",
        &format!(
            "name = 'snippets'\nmain = 'snippets.js'\ncompatibility_date = '{compatibility_date}'\n\
             compatibility_flags = {flags}\n[vars]\nGREETING = 'hello'\n\
             [[r2_buckets]]\nbinding = 'BUCKET'\nbucket_name = 'snippets'\n"
        ),
    )
    .unwrap_or_else(|e| panic!("snippet config: {e}"));
    edgesim_runtime::worker::WorkerDefinition::from_sources(
        config,
        "snippets.js",
        &[("snippets.js", &source)],
    )
}

/// The compatibility flags `snippets/<name>.json` is recorded with (none for a bare array).
pub fn snippet_flags(name: &str) -> Vec<String> {
    let recorded: Value = serde_json::from_str(&read(&format!("snippets/{name}.json")))
        .unwrap_or_else(|e| panic!("snippets/{name}.json: {e}"));
    recorded
        .get("compatibility_flags")
        .and_then(Value::as_array)
        .map(|flags| {
            flags
                .iter()
                .filter_map(|f| f.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The compatibility date `snippets/<name>.json` was recorded at (`compatibility_date`, by
/// default 2026-04-20).
pub fn snippet_date(name: &str) -> String {
    let recorded: Value = serde_json::from_str(&read(&format!("snippets/{name}.json")))
        .unwrap_or_else(|e| panic!("snippets/{name}.json: {e}"));
    recorded
        .get("compatibility_date")
        .and_then(Value::as_str)
        .unwrap_or("2026-04-20")
        .to_string()
}

/// `results/snippets-<name>.json` as (snippet, [outcome, value]) pairs.
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
