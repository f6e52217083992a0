//! Workflows (`[[workflows]]` bindings and `WorkflowEntrypoint`): instances created and
//! managed through the binding, `step.do` with its retries, backoff and timeouts,
//! `step.sleep`/`sleepUntil` on the simulated clock, `waitForEvent` with `sendEvent`, and
//! every step's result kept, so that a run which replays from the top never runs a finished
//! step again. Defaults and texts are workflows-shared's (the engine `wrangler dev` runs)
//! and the docs' (sleeping-and-retrying.mdx, events-and-parameters.mdx, limits.mdx).

use edgesim_conformance::{Run, body_json, get};
use edgesim_runtime::worker::{WorkerDefinition, WranglerConfig};
use serde_json::{Value, json};

/// A Worker whose Workflow `flow` runs `run_body` (with `event`, `step` and `this.env` in
/// scope); its `fetch` creates (`/create?id=`), reads (`/status?id=`), signals
/// (`/event?id=&type=`) and manages (`/pause`, `/resume`, `/terminate`, `/restart`)
/// instances, and `/kv?key=` reads what the run wrote.
fn worker(run_body: &str) -> WorkerDefinition {
    let config: WranglerConfig = serde_json::from_value(json!({
        "name": "app",
        "compatibility_date": "2025-06-01",
        "workflows": [{ "binding": "FLOW", "name": "flow", "class_name": "Flow" }],
        "kv_namespaces": [{ "binding": "KV", "id": "kv" }],
    }))
    .expect("a valid config");
    let main = format!(
        r#"
import {{ WorkflowEntrypoint }} from "cloudflare:workers";
import {{ NonRetryableError }} from "cloudflare:workflows";
const count = async (env, key) => {{
  const n = Number((await env.KV.get(key)) ?? 0) + 1;
  await env.KV.put(key, String(n));
  return n;
}};
export class Flow extends WorkflowEntrypoint {{
  async run(event, step) {{ {run_body} }}
}}
export default {{
  async fetch(request, env) {{
    const url = new URL(request.url);
    const id = url.searchParams.get("id");
    try {{
      switch (url.pathname) {{
        case "/create": {{
          const params = JSON.parse(url.searchParams.get("params") ?? "{{}}");
          const instance = await env.FLOW.create({{ id, params }});
          return Response.json({{ id: instance.id }});
        }}
        case "/status": return Response.json(await (await env.FLOW.get(id)).status());
        case "/event": {{
          const payload = JSON.parse(url.searchParams.get("payload") ?? "null");
          await (await env.FLOW.get(id)).sendEvent({{ type: url.searchParams.get("type"), payload }});
          return Response.json({{ sent: true }});
        }}
        case "/kv": return Response.json(await env.KV.get(url.searchParams.get("key")));
        default: {{
          await (await env.FLOW.get(id))[url.pathname.slice(1)]();
          return Response.json({{ done: url.pathname }});
        }}
      }}
    }} catch (e) {{
      return Response.json({{ error: `${{e.name}}: ${{e.message}}` }});
    }}
  }},
}};
"#
    );
    WorkerDefinition::from_sources(config, "worker.js", &[("worker.js", &main)])
}

/// Sends `paths` in turn, each `at` ms of simulated time after the run started, and answers
/// their JSON bodies.
fn timeline(run_body: &str, paths: &[(u64, &str)]) -> Vec<Value> {
    timeline_in(Run::default(), run_body, paths)
}

/// As [`timeline`], in `run`.
fn timeline_in(run: Run, run_body: &str, paths: &[(u64, &str)]) -> Vec<Value> {
    let requests = (paths.iter())
        .map(|(_, path)| get(&format!("https://app.example.com{path}")))
        .collect();
    let send_at_ms: Vec<u64> = paths.iter().map(|(at, _)| *at).collect();
    let exchanges = run
        .timeline(&worker(run_body), requests, &send_at_ms)
        .expect("the Worker runs");
    exchanges.iter().map(|x| body_json(&x.response)).collect()
}

#[test]
fn a_workflow_runs_its_steps_and_completes_with_its_output() {
    let answers = timeline(
        r#"const a = await step.do("one", async () => 20);
           const b = await step.do("two", async () => a + event.payload.add);
           return { sum: b, id: event.instanceId };"#,
        &[
            (0, "/create?id=i1&params=%7B%22add%22%3A22%7D"),
            (1_000, "/status?id=i1"),
        ],
    );
    assert_eq!(answers[0], json!({ "id": "i1" }));
    assert_eq!(
        answers[1],
        json!({ "status": "complete", "output": { "sum": 42, "id": "i1" } })
    );
}

#[test]
fn a_failing_step_is_retried_with_exponential_backoff_until_it_succeeds() {
    // Attempts at 0 s and 1 s fail; the retry delays are 1 s, then 2 s: the third attempt
    // runs at 3 s and succeeds.
    let body = r#"return await step.do("flaky", { retries: { limit: 3, delay: "1 second", backoff: "exponential" } },
        async (ctx) => { const n = await count(this.env, "attempts"); if (n < 3) throw new Error("not yet " + ctx.attempt); return n; });"#;
    let answers = timeline(
        body,
        &[
            (0, "/create?id=r"),
            (2_500, "/status?id=r"),
            (2_600, "/kv?key=attempts"),
            (3_500, "/status?id=r"),
        ],
    );
    assert_eq!(answers[1]["status"], "waiting");
    assert_eq!(answers[2], json!("2"));
    assert_eq!(answers[3], json!({ "status": "complete", "output": 3 }));
}

#[test]
fn a_step_out_of_retries_throws_its_last_error_and_an_uncaught_one_errors_the_instance() {
    let body = r#"await step.do("doomed", { retries: { limit: 1, delay: 2_000, backoff: "constant" } },
        async () => { await count(this.env, "tries"); throw new TypeError("bad input"); });"#;
    let answers = timeline(
        body,
        &[
            (0, "/create?id=e"),
            (5_000, "/status?id=e"),
            (5_100, "/kv?key=tries"),
        ],
    );
    assert_eq!(
        answers[1],
        json!({ "status": "errored", "output": null, "error": { "name": "TypeError", "message": "bad input" } })
    );
    assert_eq!(answers[2], json!("2"), "one attempt and one retry");
}

#[test]
fn a_non_retryable_error_stops_retries_and_errors_the_instance_with_the_engines_text() {
    let body = r#"await step.do("charge", async () => { await count(this.env, "tries"); throw new NonRetryableError("card declined"); });"#;
    let answers = timeline(
        body,
        &[
            (0, "/create?id=n"),
            (60_000, "/status?id=n"),
            (60_100, "/kv?key=tries"),
        ],
    );
    assert_eq!(answers[1]["status"], "errored");
    assert_eq!(
        answers[1]["error"],
        json!({ "name": "WorkflowFatalError", "message": "The execution of the Workflow instance was terminated, as a step threw an NonRetryableError and it was not handled" })
    );
    assert_eq!(answers[2], json!("1"));
}

#[test]
fn a_step_that_outlives_its_timeout_fails_with_a_workflow_timeout_error() {
    // The engine's WorkflowTimeoutError reaches the run as RPC carries a class of its own:
    // an Error with the class's name before the message.
    let body = r#"try {
        await step.do("slow", { timeout: "1 second", retries: { limit: 0, delay: 0 } }, () => scheduler.wait(5_000));
      } catch (e) { return `${e.name}: ${e.message}`; }"#;
    let answers = timeline(body, &[(0, "/create?id=t"), (10_000, "/status?id=t")]);
    assert_eq!(
        answers[1]["output"],
        json!("Error: WorkflowTimeoutError: Execution timed out after 1000ms")
    );
}

#[test]
fn a_sleeping_instance_waits_on_the_simulated_clock_and_replays_without_rerunning_finished_steps() {
    // Code outside steps runs again on every run; the step before the sleep runs once.
    let body = r#"await count(this.env, "runs");
        const before = await step.do("before", async () => count(this.env, "before"));
        await step.sleep("nap", "1 hour");
        const after = await step.do("after", async () => count(this.env, "after"));
        return { before, after };"#;
    let answers = timeline(
        body,
        &[
            (0, "/create?id=s"),
            (1_800_000, "/status?id=s"),
            (3_700_000, "/status?id=s"),
            (3_700_100, "/kv?key=runs"),
            (3_700_200, "/kv?key=before"),
        ],
    );
    assert_eq!(answers[1]["status"], "waiting");
    assert_eq!(
        answers[2],
        json!({ "status": "complete", "output": { "before": 1, "after": 1 } })
    );
    assert_eq!(
        answers[3],
        json!("2"),
        "one run before the sleep, one after"
    );
    assert_eq!(answers[4], json!("1"));
}

#[test]
fn wait_for_event_returns_the_event_sent_and_times_out_without_one() {
    let body = r#"try {
        const e = await step.waitForEvent("approval", { type: "approved", timeout: "1 hour" });
        return { type: e.type, payload: e.payload, date: e.timestamp instanceof Date };
      } catch (e) { return `${e.name}: ${e.message}`; }"#;
    let answers = timeline(
        body,
        &[
            (0, "/create?id=a"),
            (0, "/create?id=b"),
            (60_000, "/status?id=a"),
            (
                120_000,
                "/event?id=a&type=approved&payload=%7B%22by%22%3A%22ada%22%7D",
            ),
            (121_000, "/status?id=a"),
            (3_700_000, "/status?id=b"),
        ],
    );
    assert_eq!(answers[2]["status"], "waiting");
    assert_eq!(
        answers[4]["output"],
        json!({ "type": "approved", "payload": { "by": "ada" }, "date": true })
    );
    assert_eq!(
        answers[5]["output"],
        json!("Error: WorkflowTimeoutError: Execution timed out after 3600000ms")
    );
}

#[test]
fn an_event_sent_before_the_instance_waits_for_it_is_kept_for_it() {
    let body = r#"await step.sleep("first", "10 seconds");
        const e = await step.waitForEvent("go", { type: "go" });
        return e.payload;"#;
    let answers = timeline(
        body,
        &[
            (0, "/create?id=early"),
            (1_000, "/event?id=early&type=go&payload=7"),
            (20_000, "/status?id=early"),
        ],
    );
    assert_eq!(answers[2], json!({ "status": "complete", "output": 7 }));
}

#[test]
fn pause_resume_terminate_and_restart_change_the_instance_as_the_binding_documents() {
    let body = r#"await step.sleep("wait", "1 minute");
        return await step.do("work", async () => count(this.env, "work"));"#;
    let answers = timeline(
        body,
        &[
            (0, "/create?id=p"),
            (1_000, "/pause?id=p"),
            (1_100, "/status?id=p"),
            (120_000, "/status?id=p"),
            (120_100, "/resume?id=p"),
            (121_000, "/status?id=p"),
            (121_100, "/restart?id=p"),
            (200_000, "/status?id=p"),
            (200_100, "/terminate?id=p"),
            (300_000, "/create?id=q"),
            (300_100, "/terminate?id=q"),
            (300_200, "/status?id=q"),
        ],
    );
    assert_eq!(answers[2]["status"], "paused");
    assert_eq!(
        answers[3]["status"], "paused",
        "a paused instance does not wake"
    );
    assert_eq!(answers[5], json!({ "status": "complete", "output": 1 }));
    assert_eq!(
        answers[7],
        json!({ "status": "complete", "output": 2 }),
        "a restart runs every step again"
    );
    assert_eq!(
        answers[8],
        json!({ "error": "Error: WorkflowError: (instance.cannot_terminate) Cannot terminate instance since its on a finite state" })
    );
    assert_eq!(answers[11]["status"], "terminated");
}

#[test]
fn the_binding_refuses_unknown_invalid_and_duplicate_instance_ids() {
    let answers = timeline(
        "return 1;",
        &[
            (0, "/status?id=nope"),
            (0, "/create?id=-bad"),
            (0, "/create?id=x"),
            (0, "/create?id=x"),
        ],
    );
    assert_eq!(answers[0], json!({ "error": "Error: instance.not_found" }));
    assert_eq!(
        answers[1],
        json!({ "error": "Error: WorkflowError: Workflow instance has invalid id" })
    );
    assert_eq!(
        answers[3],
        json!({ "error": "Error: WorkflowError: (instance.already_exists) Instance already exists" })
    );
}

#[test]
fn a_step_with_an_invalid_config_or_name_throws_the_engines_message() {
    let body = r#"const out = [];
        for (const [name, config] of [["a", { retries: { limit: -1, delay: 1 } }], ["b", { timeout: 0 }], ["c", { extra: 1 }], ["x".repeat(257), {}]]) {
          try { await step.do(name, config, async () => 1); } catch (e) { out.push(e.message.slice(0, 60)); }
        }
        return out;"#;
    let answers = timeline(body, &[(0, "/create?id=v"), (1_000, "/status?id=v")]);
    assert_eq!(
        answers[1]["output"],
        json!([
            "WorkflowFatalError: Step config for \"a\" is in a invalid form",
            "WorkflowFatalError: Step config for \"b\" is in a invalid form",
            "WorkflowFatalError: Step config for \"c\" is in a invalid form",
            format!("WorkflowFatalError: Step name \"{}", "x".repeat(29)),
        ])
    );
}

#[test]
fn a_typescript_workflow_importing_its_types_by_name_loads_as_wranglers_bundle_would() {
    // create-cloudflare's Workflows template imports the types `WorkflowEvent` and
    // `WorkflowStep` without `import type`; TypeScript elides them, so must edgesim.
    let config: WranglerConfig = serde_json::from_value(json!({
        "name": "typed",
        "compatibility_date": "2025-06-01",
        "workflows": [{ "binding": "FLOW", "name": "typed", "class_name": "Typed" }],
    }))
    .expect("a valid config");
    let main = r#"
import { WorkflowEntrypoint, WorkflowEvent, WorkflowStep } from "cloudflare:workers";
type Params = { n: number };
export class Typed extends WorkflowEntrypoint<unknown, Params> {
  async run(event: WorkflowEvent<Params>, step: WorkflowStep): Promise<number> {
    return await step.do("square", async () => event.payload.n ** 2);
  }
}
export default {
  async fetch(request: Request, env: any): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/create") return Response.json((await env.FLOW.create({ id: "t", params: { n: 9 } })).id);
    return Response.json(await (await env.FLOW.get("t")).status());
  },
};
"#;
    let worker = WorkerDefinition::from_sources(config, "worker.ts", &[("worker.ts", main)]);
    let requests = vec![
        get("https://t.example/create"),
        get("https://t.example/status"),
    ];
    let exchanges = Run::default()
        .timeline(&worker, requests, &[0, 1_000])
        .expect("the Worker starts");
    assert_eq!(
        body_json(&exchanges[1].response),
        json!({ "status": "complete", "output": 81 })
    );
}

#[test]
fn a_delay_function_sets_each_retrys_wait_and_the_step_count_is_limited() {
    // The delay function answers 5 s for every retry (constant backoff): the second attempt
    // runs at 5 s, not at the 10 s default. Then a loop of steps passes the limit.
    let body = r#"const flaky = await step.do("flaky",
          { retries: { limit: 1, delay: ({ ctx }) => `${5 * ctx.attempt} seconds`, backoff: "constant" } },
          async (ctx) => { if (ctx.attempt === 1) throw new Error("once"); return Date.now(); });
        try { for (let i = 0; i < 10_001; i++) await step.do(`s${i}`, async () => i); }
        catch (e) { return { flaky, limit: e.message }; }"#;
    // 10,001 steps run in one invocation: production's CPU limit, not the runaway guard's.
    let run = Run {
        runaway_cpu_ms: Some(30_000),
        ..Run::default()
    };
    let answers = timeline_in(
        run,
        body,
        &[
            (0, "/create?id=d"),
            (4_000, "/status?id=d"),
            (7_000, "/status?id=d"),
        ],
    );
    assert_eq!(answers[1]["status"], "waiting");
    assert_eq!(
        answers[2]["status"], "complete",
        "retried at 5 s, not the default 10 s: {}",
        answers[2]
    );
    let output = &answers[2]["output"];
    assert_eq!(
        output["limit"],
        json!(
            "WorkflowFatalError: The limit of 10000 steps has been reached. This limit can be changed in your worker configuration."
        )
    );
    assert!(output["flaky"].as_u64().is_some());
}

#[test]
fn an_invalid_workflow_name_or_step_limit_is_refused_when_the_config_loads() {
    let config = |name: &str, steps: u32| {
        format!(
            "name = \"x\"\n[[workflows]]\nbinding = \"W\"\nname = \"{name}\"\nclass_name = \"C\"\nlimits = {{ steps = {steps} }}\n"
        )
    };
    let bad_name =
        WranglerConfig::parse("wrangler.toml", &config("-bad", 10)).expect_err("refused");
    assert_eq!(
        bad_name.to_string(),
        "wrangler.toml: workflows: \"-bad\" is not a valid Workflow name: at most 64 letters, digits, `-` and `_`, not starting with `-`"
    );
    let too_many =
        WranglerConfig::parse("wrangler.toml", &config("ok", 25_001)).expect_err("refused");
    assert_eq!(
        too_many.to_string(),
        "wrangler.toml: workflows: limits.steps of 25001 for \"ok\" is outside 1..=25000"
    );
    assert!(WranglerConfig::parse("wrangler.toml", &config("ok", 25_000)).is_ok());
}
