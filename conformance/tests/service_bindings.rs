//! Service bindings and JS RPC to a Worker's entrypoints (`services` in wrangler config), as
//! workerd's worker-rpc.c++ and its js-rpc-test.js define them. A binding to the Worker itself
//! is answered in the caller's isolate; one to a Worker that is not running gets what
//! `wrangler dev` answers.

use edgesim_conformance::{Run, body_text, get};
use edgesim_runtime::worker::{WorkerDefinition, WranglerConfig};

/// The called side: a named `WorkerEntrypoint`, a plain handler object and a default export.
const CALLEE: &str = r#"
import { WorkerEntrypoint } from "cloudflare:workers";
export class Named extends WorkerEntrypoint {
  add(a, b) { return a + b; }
  get who() { return this.ctx.props.user; }
  get later() { return Promise.resolve("settled"); }
  field = 1;
  arrow = () => 2;
  boom() { throw new RangeError("too far"); }
  async fetch(req) {
    return new Response(`${req.method} ${new URL(req.url).pathname} ${await req.text()} ${this.ctx.props.user}`);
  }
}
export const plain = {
  fetch(req, env, ctx) { return new Response(`plain ${typeof env.NAMED} ${typeof ctx.waitUntil}`); },
  echo(x, env, ctx) { return { x, env: typeof env, ctx: typeof ctx.waitUntil }; },
  two(a, b, env, ctx) { return a + b; },
};
"#;

/// A Worker named `svc` whose `fetch` runs `body` (with `env` and `url` in scope) and answers
/// what it returns as text, with `CALLEE`'s entrypoints bound to itself.
fn worker(body: &str) -> WorkerDefinition {
    let config: WranglerConfig = serde_json::from_value(serde_json::json!({
        "name": "svc",
        "compatibility_date": "2025-06-01",
        "services": [
            { "binding": "NAMED", "service": "svc", "entrypoint": "Named", "props": { "user": "ada" } },
            { "binding": "PLAIN", "service": "svc", "entrypoint": "plain" },
            { "binding": "ROOT", "service": "svc" },
            { "binding": "MISSING", "service": "svc", "entrypoint": "Nope" },
            { "binding": "AWAY", "service": "elsewhere" },
        ],
    }))
    .expect("a valid config");
    let main = format!(
        "{CALLEE}\nexport default {{ async fetch(request, env) {{ const url = new URL(request.url);\n\
         if (url.pathname === '/inner') return new Response('default ' + request.method);\n\
         const out = await (async () => {{ {body} }})(); return new Response(String(out)); }} }};"
    );
    WorkerDefinition::from_sources(config, "worker.js", &[("worker.js", &main)])
}

/// What the Worker answers, as text.
fn answer(body: &str) -> String {
    let x = Run::default()
        .fetch(&worker(body), get("https://svc.example.com/"))
        .expect("the Worker runs");
    assert_eq!(x.response.status, 200, "{:?}", x.report.exception);
    body_text(&x.response)
}

/// `name: message` of what `expr` rejects with, and whether it is marked remote.
fn rejection(expr: &str) -> String {
    answer(&format!(
        "try {{ await ({expr}); return 'no error'; }} catch (e) {{ return `${{e.name}}: ${{e.message}} remote=${{e.remote}}`; }}"
    ))
}

#[test]
fn service_binding_fetch_reaches_the_named_entrypoint_with_its_props() {
    let text = answer(
        "const r = await env.NAMED.fetch('https://x/a/b', { method: 'POST', body: 'hi' }); return r.text();",
    );
    assert_eq!(text, "POST /a/b hi ada");
}

#[test]
fn service_binding_fetch_to_a_plain_handler_passes_env_and_ctx() {
    let text = answer("return (await env.PLAIN.fetch('https://x/')).text();");
    assert_eq!(text, "plain object function");
    let text =
        answer("return (await env.ROOT.fetch('https://x/inner', { method: 'PUT' })).text();");
    assert_eq!(text, "default PUT");
}

#[test]
fn rpc_calls_a_method_and_awaiting_a_member_reads_the_property() {
    assert_eq!(answer("return await env.NAMED.add(2, 3);"), "5");
    assert_eq!(answer("return await env.NAMED.who;"), "ada");
    assert_eq!(answer("return await env.NAMED.later;"), "settled");
    let chained = "const seen = []; const v = await env.NAMED.who.finally(() => seen.push('f')); \
                   const w = await env.NAMED.who.then((x) => x + '!'); return `${v} ${w} ${seen}`;";
    assert_eq!(answer(chained), "ada ada! f");
    assert_eq!(answer("return env.NAMED instanceof Fetcher;"), "true");
}

#[test]
fn rpc_refuses_instance_fields_and_missing_members_as_not_implemented() {
    for (expr, member) in [
        ("env.NAMED.field", "field"),
        ("env.NAMED.arrow()", "arrow"),
        ("env.NAMED.nope()", "nope"),
        ("env.NAMED.env", "env"),
        ("env.NAMED.ctx", "ctx"),
        ("env.PLAIN.missing(1)", "missing"),
    ] {
        assert_eq!(
            rejection(expr),
            format!(
                "TypeError: The RPC receiver does not implement the method \"{member}\". remote=true"
            )
        );
    }
}

#[test]
fn rpc_errors_cross_with_their_class_and_marked_remote() {
    assert_eq!(
        rejection("env.NAMED.boom()"),
        "RangeError: too far remote=true"
    );
    assert_eq!(
        rejection("env.NAMED.who()"),
        "TypeError: \"who\" is not a function. remote=true"
    );
}

#[test]
fn rpc_to_a_plain_handler_function_sends_one_argument_then_env_and_ctx() {
    assert_eq!(
        answer("return JSON.stringify(await env.PLAIN.echo(5));"),
        r#"{"x":5,"env":"object","ctx":"function"}"#
    );
    assert_eq!(
        rejection("env.PLAIN.echo(5, 6)"),
        "TypeError: Attempted to call RPC function \"echo\" with the wrong number of arguments. \
         When calling a top-level handler function that is not declared as part of a class, you \
         must always send exactly one argument. In order to support variable numbers of \
         arguments, the server must use class-based syntax (extending WorkerEntrypoint) instead. \
         remote=true"
    );
    assert!(
        rejection("env.PLAIN.two(1)").starts_with(
            "TypeError: Cannot call handler function \"two\" over RPC because it has the wrong \
             number of arguments."
        ),
        "{}",
        rejection("env.PLAIN.two(1)")
    );
}

#[test]
fn service_binding_to_an_entrypoint_the_worker_does_not_export_fails() {
    assert_eq!(
        rejection("env.MISSING.hello()"),
        "Error: Worker has no such entrypoint: Nope remote=true"
    );
}

#[test]
fn service_binding_to_a_worker_that_is_not_running_answers_as_wrangler_dev() {
    let text = answer(
        "const r = await env.AWAY.fetch('https://x/'); return `${r.status} ${await r.text()}`;",
    );
    assert_eq!(
        text,
        "503 Worker \"elsewhere\" not found. Make sure it is running locally."
    );
    assert_eq!(
        rejection("env.AWAY.hello()"),
        "Error: Worker \"elsewhere\" not found. Make sure it is running locally. remote=true"
    );
}

#[test]
fn service_binding_calls_count_as_subrequests() {
    let x = Run::default()
        .fetch(
            &worker(
                "await env.NAMED.add(1, 1); await env.ROOT.fetch('https://x/inner'); return 'ok';",
            ),
            get("https://svc.example.com/"),
        )
        .expect("the Worker runs");
    assert_eq!(body_text(&x.response), "ok");
    assert_eq!(x.report.subrequests, 2);
}

/// A Worker of compatibility date `date` whose `/inner` answers its own fetch and whose `/`
/// answers what `body` returns, with the `cloudflare:workers` `exports` in scope.
fn exports_worker(date: &str, body: &str) -> WorkerDefinition {
    let config: WranglerConfig = serde_json::from_value(serde_json::json!({
        "name": "self", "compatibility_date": date,
    }))
    .expect("a valid config");
    let main = format!(
        "import {{ WorkerEntrypoint, exports }} from 'cloudflare:workers';\n\
         export class Greeter extends WorkerEntrypoint {{ hi(n) {{ return `hi ${{n}}`; }} }}\n\
         export default {{ async fetch(request, env, ctx) {{ const url = new URL(request.url);\n\
         if (url.pathname === '/inner') return new Response('inner ' + request.method);\n\
         const out = await (async () => {{ {body} }})(); return new Response(String(out)); }} }};"
    );
    WorkerDefinition::from_sources(config, "worker.js", &[("worker.js", &main)])
}

#[test]
fn ctx_exports_reach_the_workers_own_entrypoints_from_their_compatibility_date() {
    let body = "const a = await (await exports.default.fetch('https://self/inner', { method: 'PUT' })).text();\n\
                const b = await ctx.exports.Greeter.hi('ada');\n\
                return [a, b, exports.Nothing === undefined].join(' | ');";
    let x = Run::default()
        .fetch(&exports_worker("2025-11-17", body), get("https://self/"))
        .expect("the Worker runs");
    assert_eq!(body_text(&x.response), "inner PUT | hi ada | true");
    let before = Run::default()
        .fetch(
            &exports_worker(
                "2025-11-16",
                "return typeof ctx.exports + ' | ' + await (await exports.default.fetch('https://self/inner')).text();",
            ),
            get("https://self/"),
        )
        .expect("the Worker runs");
    assert_eq!(body_text(&before.response), "undefined | inner GET");
}

/// workerd's queue-test.js, consumer side: `Fetcher.queue()` (`service_binding_extra_handlers`)
/// hands the messages to the Worker's `queue` handler and answers its decisions.
#[test]
fn fetcher_queue_delivers_a_batch_and_answers_the_handlers_decisions_as_queue_test_checks() {
    let config: WranglerConfig = serde_json::from_value(serde_json::json!({
        "name": "consumer", "compatibility_date": "2025-06-01",
        "compatibility_flags": ["service_binding_extra_handlers"],
        "services": [{ "binding": "SERVICE", "service": "consumer" }],
    }))
    .expect("a valid config");
    let main = r##"
export default {
  async queue(batch) {
    const seen = batch.messages.map((m) => [m.id, m.attempts, m.body instanceof Uint8Array ? [...m.body] : m.body]);
    if (batch.queue !== "test-queue" || JSON.stringify(seen) !== JSON.stringify([
      ["#0", 1, "ghi"], ["#1", 2, [7, 8, 9]], ["#2", 3, { c: { d: 10 } }], ["#3", 4, "2026-01-01T00:00:00.000Z"],
    ])) throw new Error(`unexpected batch ${batch.queue} ${JSON.stringify(seen)}`);
    batch.messages[2].retry();
    batch.messages[3].retry({ delaySeconds: 2 });
    batch.ackAll();
  },
  async fetch(request, env) {
    const timestamp = new Date(Date.UTC(2026, 0, 1));
    const result = await env.SERVICE.queue("test-queue", [
      { id: "#0", timestamp, body: "ghi", attempts: 1 },
      { id: "#1", timestamp, body: new Uint8Array([7, 8, 9]), attempts: 2 },
      { id: "#2", timestamp, body: { c: { d: 10 } }, attempts: 3 },
      { id: "#3", timestamp, body: timestamp.toISOString(), attempts: 4 },
    ]);
    const refusals = [];
    for (const messages of [[{ id: "#0", timestamp, attempts: 1 }]]) {
      try { await env.SERVICE.queue("test-queue", messages); } catch (e) { refusals.push(`${e.constructor.name}: ${e.message}`); }
    }
    return Response.json({ result, refusals });
  },
};
"##;
    let worker = WorkerDefinition::from_sources(config, "worker.js", &[("worker.js", main)]);
    let x = Run::default()
        .fetch(&worker, get("https://consumer/"))
        .expect("the Worker runs");
    assert_eq!(
        edgesim_conformance::body_json(&x.response),
        serde_json::json!({
            "result": {
                "outcome": "ok",
                "ackAll": true,
                "retryBatch": { "retry": false },
                "explicitAcks": [],
                "retryMessages": [{ "msgId": "#2" }, { "msgId": "#3", "delaySeconds": 2 }],
            },
            "refusals": ["TypeError: Expected one of body or serializedBody for each message"],
        })
    );
}
