//! The smaller bindings in a scenario: a rate limiter counts at each colo apart, Analytics
//! Engine data points land in the trace with the colo that wrote them, and
//! `version_metadata` names one version for every isolate of the run, a send_email binding's
//! messages land in the trace, and Workers AI and Vectorize answer what the scenario declares.

use crate::common;

use edgesim_runtime::api::email::EmailRoute;
use edgesim_sim::scenario::run::run;
use edgesim_sim::trace::TraceEvent;

const WRANGLER: &str = r#"
name = "api"
main = "index.js"
compatibility_date = "2025-06-01"
[[ratelimits]]
name = "LIMITER"
namespace_id = "7"
simple = { limit = 2, period = 60 }
[[analytics_engine_datasets]]
binding = "STATS"
[version_metadata]
binding = "VERSION"
"#;

const WORKER: &str = r#"
export default {
  async fetch(request, env) {
    const { success } = await env.LIMITER.limit({ key: "client" });
    env.STATS.writeDataPoint({ indexes: [request.cf.colo], blobs: [success ? "allowed" : "limited"], doubles: [1] });
    if (!success) return new Response("slow down", { status: 429 });
    return Response.json(env.VERSION);
  },
};
"#;

#[test]
fn each_colo_counts_its_own_rate_limit_and_writes_its_data_points() {
    let s = common::scenario_with_worker(
        "small-bindings",
        &[("wrangler.toml", WRANGLER), ("index.js", WORKER)],
        "colos: [LHR, SYD]\nduration: 20s\ntraffic:\n  \
         - { every: 1s, from: 0s, until: 3s, colo: LHR, worker: app, url: /, label: london }\n  \
         - { every: 1s, from: 0s, until: 3s, colo: SYD, worker: app, url: /, label: sydney }\n",
    );
    let out = run(&s, 1).unwrap();
    let statuses = |label: &str| -> Vec<u16> {
        (out.requests.iter())
            .filter(|r| r.label.as_deref() == Some(label))
            .filter_map(|r| r.status)
            .collect()
    };
    // Two allowed per colo per minute: Sydney's calls do not count against London's.
    assert_eq!(statuses("london"), [200, 200, 429, 429]);
    assert_eq!(statuses("sydney"), [200, 200, 429, 429]);
    let points: Vec<(String, Option<String>, Vec<Option<String>>)> = (out.trace.events.iter())
        .filter_map(|e| match e {
            TraceEvent::AnalyticsDataPoint {
                colo,
                dataset,
                index,
                blobs,
                ..
            } if dataset == "STATS" => Some((colo.clone(), index.clone(), blobs.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(points.len(), 8);
    assert!(
        points
            .iter()
            .all(|(colo, index, _)| index.as_deref() == Some(colo.as_str()))
    );
    // Both colos' isolates see the same version, deployed when the run began.
    let versions: Vec<serde_json::Value> = (out.requests.iter())
        .filter(|r| r.status == Some(200))
        .map(|r| serde_json::from_str(&r.body).expect("JSON"))
        .collect();
    assert!(versions.windows(2).all(|w| w[0] == w[1]), "{versions:?}");
    let version = &versions[0];
    assert_eq!(version["tag"], "");
    assert_eq!(version["id"].as_str().map(str::len), Some(36));
    assert!(
        version["timestamp"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
}

#[test]
fn pipeline_records_are_ingested_as_json_with_the_colo_that_sent_them_and_bad_records_throw() {
    let wrangler = "name = \"api\"\nmain = \"index.js\"\ncompatibility_date = \"2025-06-01\"\n\
                    [[pipelines]]\npipeline = \"requests\"\nbinding = \"LOG\"\n";
    let worker = r#"
export default {
  async fetch(request, env) {
    await env.LOG.send([{ path: new URL(request.url).pathname, colo: request.cf.colo }, { n: 1 }]);
    const refused = await env.LOG.send({ not: "an array" }).catch((e) => `${e.name}: ${e.message}`);
    const cyclic = {}; cyclic.self = cyclic;
    const unserializable = await env.LOG.send([cyclic]).then(() => "sent", (e) => e.name);
    return Response.json({ refused, unserializable });
  },
};
"#;
    let s = common::scenario_with_worker(
        "pipelines",
        &[("wrangler.toml", wrangler), ("index.js", worker)],
        "colos: [LHR, SYD]\nduration: 5s\ntraffic:\n  \
         - { at: 1s, colo: SYD, worker: app, url: /ingest }\n",
    );
    let out = run(&s, 1).unwrap();
    let body: serde_json::Value = serde_json::from_str(&out.requests[0].body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "refused": "TypeError: send(): records must be an array of objects that JSON can serialize.",
            "unserializable": "TypeError"
        })
    );
    let sent: Vec<(&str, &str, &[String])> = (out.trace.events.iter())
        .filter_map(|e| match e {
            TraceEvent::PipelineRecords {
                colo,
                pipeline,
                records,
                ..
            } => Some((colo.as_str(), pipeline.as_str(), records.as_slice())),
            _ => None,
        })
        .collect();
    assert_eq!(
        sent,
        [(
            "SYD",
            "requests",
            &[
                r#"{"path":"/ingest","colo":"SYD"}"#.to_string(),
                r#"{"n":1}"#.to_string()
            ][..]
        )]
    );
}

const SECRETS_WRANGLER: &str = r#"
name = "api"
main = "index.js"
compatibility_date = "2025-06-01"
[[secrets_store_secrets]]
binding = "API_KEY"
store_id = "store-1"
secret_name = "api-key"
[[secrets_store_secrets]]
binding = "MISSING"
store_id = "store-1"
secret_name = "nope"
"#;

const SECRETS_WORKER: &str = r#"
export default {
  async fetch(request, env) {
    const key = await env.API_KEY.get();
    const missing = await env.MISSING.get().then(String, (e) => `${e.constructor.name}: ${e.message}`);
    return new Response(`${key} | ${missing} | ${Object.prototype.toString.call(env.API_KEY)}`);
  },
};
"#;

#[test]
fn a_secrets_store_binding_reads_the_scenarios_secret_and_a_missing_one_rejects_with_miniflares_text()
 {
    let s = common::scenario_with_worker(
        "secrets-store",
        &[
            ("wrangler.toml", SECRETS_WRANGLER),
            ("index.js", SECRETS_WORKER),
        ],
        "colos: [LHR]\nduration: 5s\nsecrets_store:\n  store-1: { api-key: s3cr3t }\n  store-2: { nope: elsewhere }\n\
         traffic:\n  - { at: 0s, colo: LHR, worker: app, url: / }\n",
    );
    let out = run(&s, 1).unwrap();
    let bodies: Vec<&str> = out.requests.iter().map(|r| r.body.as_str()).collect();
    assert_eq!(
        bodies,
        ["s3cr3t | Error: Secret \"nope\" not found | [object SecretsStoreSecret]"]
    );
}

#[test]
fn sent_email_lands_in_the_trace_with_its_message_id_and_a_config_with_both_destinations_is_refused()
 {
    let wrangler = "name = \"api\"\nmain = \"index.js\"\ncompatibility_date = \"2025-06-01\"\n\
                    [[send_email]]\nname = \"MAIL\"\ndestination_address = \"ops@example.com\"\n";
    let worker = r#"
import { EmailMessage } from "cloudflare:email";
export default {
  async fetch(request, env) {
    const raw = "From: app@example.com\r\nTo: ops@example.com\r\nMessage-ID: <1@example.com>\r\nSubject: Alert\r\n\r\nDisk full";
    const { messageId } = await env.MAIL.send(new EmailMessage("app@example.com", "ops@example.com", raw));
    const refused = await env.MAIL.send(new EmailMessage("app@example.com", "ceo@example.com", raw)).catch((e) => e.message);
    return Response.json({ messageId, refused });
  },
};
"#;
    let s = common::scenario_with_worker(
        "send-email",
        &[("wrangler.toml", wrangler), ("index.js", worker)],
        "colos: [LHR]\nduration: 5s\ntraffic:\n  - { at: 1s, colo: LHR, worker: app, url: /alert }\n",
    );
    let out = run(&s, 1).unwrap();
    let body: serde_json::Value = serde_json::from_str(&out.requests[0].body).unwrap();
    assert_eq!(body["refused"], "email to ceo@example.com not allowed");
    let message_id = body["messageId"].as_str().unwrap_or_default();
    let sent: Vec<_> = (out.trace.events.iter())
        .filter_map(|e| match e {
            TraceEvent::EmailSent {
                colo,
                via,
                from,
                to,
                message_id,
                size_bytes,
                ..
            } => Some((
                colo.as_str(),
                via.clone(),
                from.as_str(),
                to.clone(),
                message_id.as_str(),
                *size_bytes,
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        sent,
        [(
            "LHR",
            EmailRoute::Binding("MAIL".to_string()),
            "app@example.com",
            vec!["ops@example.com".to_string()],
            message_id,
            100
        )]
    );
    assert!(
        message_id.ends_with("@example.com>") && message_id.len() == 50,
        "{message_id}"
    );

    let both = "name = \"api\"\nmain = \"index.js\"\ncompatibility_date = \"2025-06-01\"\n\
                [[send_email]]\nname = \"MAIL\"\ndestination_address = \"a@example.com\"\n\
                allowed_destination_addresses = [\"b@example.com\"]\n";
    let s = common::scenario_with_worker(
        "send-email-both",
        &[("wrangler.toml", both), ("index.js", "export default {}")],
        "colos: [LHR]\nduration: 1s\n",
    );
    let error = run(&s, 1).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        error.contains("\"send_email[0]\" bindings should have either a \"destination_address\" or \"allowed_destination_addresses\" field, but not both."),
        "{error}"
    );
}

#[test]
fn ai_and_vectorize_answer_what_the_scenario_declares_and_reject_what_it_does_not() {
    let wrangler = "name = \"api\"\nmain = \"index.js\"\ncompatibility_date = \"2025-06-01\"\n\
                    [ai]\nbinding = \"AI\"\n[[vectorize]]\nbinding = \"DOCS\"\nindex_name = \"docs\"\n";
    let worker = r#"
export default {
  async fetch(request, env) {
    const model = "@cf/meta/llama-3.1-8b-instruct";
    const answer = await env.AI.run(model, { prompt: "hi" });
    const streamed = await new Response(await env.AI.run(model, { prompt: "hi", stream: true })).text();
    const raw = await (await env.AI.run(model, { prompt: "hi" }, { returnRawResponse: true })).json();
    const matches = await env.DOCS.query([0.1, 0.2], { topK: 1 });
    const other = await env.AI.run("@cf/other/model", {}).catch((e) => e.message.slice(0, 40));
    const upsert = await env.DOCS.upsert([]).catch((e) => e.message.slice(0, 36));
    return Response.json({ answer, streamed, raw, matches, other, upsert });
  },
};
"#;
    let s = common::scenario_with_worker(
        "declared-answers",
        &[("wrangler.toml", wrangler), ("index.js", worker)],
        "colos: [SIN]\nduration: 5s\n\
         answers:\n  ai:\n    \"@cf/meta/llama-3.1-8b-instruct\": { response: \"Hello!\" }\n  \
         vectorize:\n    docs:\n      query: { count: 1, matches: [{ id: \"a\", score: 0.9 }] }\n\
         traffic:\n  - { at: 1s, colo: SIN, worker: app, url: /ask }\n",
    );
    let out = run(&s, 1).unwrap();
    let body: serde_json::Value = serde_json::from_str(&out.requests[0].body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "answer": { "response": "Hello!" },
            "streamed": "data: {\"response\":\"Hello!\"}\n\ndata: [DONE]\n\n",
            "raw": { "response": "Hello!" },
            "matches": { "count": 1, "matches": [{ "id": "a", "score": 0.9 }] },
            "other": "edgesim does not reach Workers AI: env.<",
            "upsert": "edgesim does not reach Vectorize: up"
        })
    );
    let answered: Vec<(&str, &str)> = (out.trace.events.iter())
        .filter_map(|e| match e {
            TraceEvent::DeclaredAnswer { service, key, .. } => {
                Some((service.as_str(), key.as_str()))
            }
            _ => None,
        })
        .collect();
    let model = "@cf/meta/llama-3.1-8b-instruct";
    assert_eq!(
        answered,
        [
            ("ai", model),
            ("ai", model),
            ("ai", model),
            ("vectorize:docs", "query")
        ]
    );
}
