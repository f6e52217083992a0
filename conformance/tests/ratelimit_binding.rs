//! Rate limiting (`ratelimits`, or `unsafe.bindings` of type `ratelimit`): `limit({ key })`
//! counts calls per key in fixed windows of the configured period, aligned to the clock, and
//! answers `{ success }`; the binding's option checks reject with the edgeworker texts.

use edgesim_conformance::{Run, body_json, get};
use edgesim_runtime::worker::{WorkerDefinition, WranglerConfig};
use serde_json::{Value, json};

/// A Worker whose `/` answers, as JSON, what `body` returns (`env` in scope), with a limiter
/// of 3 calls per 10 s bound as LIMITER (`ratelimits`) and one of 1 per 60 s as OLD
/// (`unsafe.bindings`).
fn worker(body: &str) -> WorkerDefinition {
    let config: WranglerConfig = serde_json::from_value(json!({
        "name": "limited",
        "compatibility_date": "2025-06-01",
        "ratelimits": [{ "name": "LIMITER", "namespace_id": "1001", "simple": { "limit": 3, "period": 10 } }],
        "unsafe": { "bindings": [
            { "name": "OLD", "type": "ratelimit", "namespace_id": 1002, "simple": { "limit": 1, "period": 60 } },
        ] },
    }))
    .expect("a valid config");
    let main = format!(
        "export default {{ async fetch(request, env) {{ return Response.json(await (async () => {{ {body} }})()); }} }};"
    );
    WorkerDefinition::from_sources(config, "worker.js", &[("worker.js", &main)])
}

fn answers(body: &str, send_at_ms: &[u64]) -> Vec<Value> {
    let requests = send_at_ms
        .iter()
        .map(|_| get("https://limited.example/"))
        .collect();
    let exchanges = Run::default()
        .timeline(&worker(body), requests, send_at_ms)
        .expect("the Worker runs");
    exchanges.iter().map(|x| body_json(&x.response)).collect()
}

#[test]
fn a_key_gets_its_limit_per_window_and_the_next_window_starts_afresh() {
    // Two calls per request: a key at its limit by the second request; another key apart.
    let body = "const a = await env.LIMITER.limit({ key: 'ada' });\n\
                const b = await env.LIMITER.limit({ key: 'ada' });\n\
                const other = await env.LIMITER.limit({ key: 'grace' });\n\
                return [a.success, b.success, other.success];";
    // The run starts at a whole 10 s, so the window rolls over at 10 s after it.
    let got = answers(body, &[0, 1_000, 10_500]);
    assert_eq!(got[0], json!([true, true, true]));
    assert_eq!(got[1], json!([true, false, true]));
    assert_eq!(got[2], json!([true, true, true]));
}

#[test]
fn an_unsafe_ratelimit_binding_limits_over_its_own_period() {
    let body = "return [(await env.OLD.limit({ key: 'k' })).success, (await env.OLD.limit({ key: 'k' })).success];";
    let got = answers(body, &[0, 30_000, 60_000]);
    assert_eq!(
        got,
        [
            json!([true, false]),
            json!([false, false]),
            json!([true, false])
        ]
    );
}

#[test]
fn limit_options_are_checked_with_the_bindings_texts() {
    let body = "const out = [];\n\
                for (const o of [null, { foo: 1, bar: 2 }, { key: 5 }, { limit: '3' }, { period: '10' }, { period: 30 }]) {\n\
                  try { await env.LIMITER.limit(o); out.push('ok'); } catch (e) { out.push(`${e.name}: ${e.message}`); }\n\
                }\n\
                out.push((await env.LIMITER.limit({})).success);\n\
                return out;";
    assert_eq!(
        answers(body, &[0])[0],
        json!([
            "Error: invalid rate limit options",
            "Error: bad rate limit options: [foo,bar]",
            "Error: invalid key: 5",
            "Error: limit must be a number: 3",
            "Error: period must be a number: 10",
            "Error: unsupported period: 30",
            true
        ])
    );
}

#[test]
fn a_period_other_than_10_or_60_seconds_is_refused_when_the_config_loads() {
    let text = "name = \"x\"\n[[ratelimits]]\nname = \"L\"\nnamespace_id = \"1\"\nsimple = { limit = 5, period = 30 }\n";
    let error = WranglerConfig::parse("wrangler.toml", text).expect_err("refused");
    assert_eq!(
        error.to_string(),
        "wrangler.toml: rate limiter \"L\": simple.period must be 10 or 60 (seconds), got 30"
    );
}
