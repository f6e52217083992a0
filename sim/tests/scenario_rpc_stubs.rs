//! What JS RPC passes by reference (workerd's worker-rpc.c++ and js-rpc-test.js): an `RpcTarget`
//! or a function returned by another Worker or a Durable Object stays where it was made, and
//! its stub's calls go back to it; a call's promise can be used before it settles
//! (pipelining); stubs are disposed as workerd disposes them.

use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::run;
use edgesim_sim::trace::TraceEvent;

const CALLER: &str = r#"import { RpcStub, RpcTarget } from "cloudflare:workers";

class Local extends RpcTarget {
  disposed = false;
  hello(name) { return `hello ${name}`; }
  [Symbol.dispose]() { this.disposed = true; }
}

const settle = (p) => Promise.resolve(p).then((v) => v, (e) => `${e.name}: ${e.message}`);

export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    if (path === "/service") {
      const counter = await env.COUNTERS.make(5);
      await counter.increment(2);
      const value = await counter.value;
      const pipelined = await env.COUNTERS.make(10).clone().increment(1);
      const add = await env.COUNTERS.adder(3);
      const sum = await add(4);
      const missing = await settle(counter.nope());
      const field = await settle(counter.field);
      counter[Symbol.dispose]();
      const afterDispose = await settle(counter.increment(1));
      return Response.json({ value, pipelined, sum, missing, field, afterDispose });
    }
    if (path === "/object") {
      const stub = env.OBJECTS.get(env.OBJECTS.idFromName("a"));
      const counter = await stub.counter();
      await counter.increment(4);
      const again = await stub.counter();
      const shared = await again.value;
      const result = await stub.wrapped();
      const inner = await result.counter.value;
      result[Symbol.dispose]();
      const disposedInner = await settle(result.counter.value);
      return Response.json({ shared, inner, disposedInner, plain: result.plain });
    }
    const target = new Local();
    const stub = new RpcStub(target);
    const dup = stub.dup();
    const greeting = await stub.hello("ada");
    stub[Symbol.dispose]();
    const stillAlive = target.disposed;
    const viaDup = await dup.hello("grace");
    dup[Symbol.dispose]();
    const refused = await settle(Promise.resolve().then(() => new RpcStub({ plain: true })));
    return Response.json({ greeting, stillAlive, viaDup, disposed: target.disposed, refused });
  },
};
"#;

const COUNTERS: &str = r#"import { DurableObject, RpcTarget, WorkerEntrypoint } from "cloudflare:workers";

export class Counter extends RpcTarget {
  #value;
  field = 1;
  constructor(value) { super(); this.#value = value; }
  get value() { return this.#value; }
  increment(by) { return (this.#value += by); }
  clone() { return new Counter(this.#value); }
}

export class Objects extends DurableObject {
  #counter = new Counter(100);
  counter() { return this.#counter; }
  wrapped() { return { plain: "yes", counter: this.#counter }; }
}

export default class extends WorkerEntrypoint {
  make(value) { return new Counter(value); }
  adder(a) { return (b) => a + b; }
}
"#;

fn rpc_stubs_scenario() -> LoadedScenario {
    let files = [
        (
            "caller/wrangler.toml",
            "name = \"caller\"\nmain = \"index.js\"\ncompatibility_date = \"2025-06-01\"\n\
             services = [{ binding = \"COUNTERS\", service = \"counters\" }]\n\
             durable_objects.bindings = [{ name = \"OBJECTS\", class_name = \"Objects\", \
             script_name = \"counters\" }]\n",
        ),
        ("caller/index.js", CALLER),
        (
            "counters/wrangler.toml",
            "name = \"counters\"\nmain = \"index.js\"\ncompatibility_date = \"2025-06-01\"\n\
             durable_objects.bindings = [{ name = \"OBJECTS\", class_name = \"Objects\" }]\n\
             migrations = [{ tag = \"v1\", new_sqlite_classes = [\"Objects\"] }]\n",
        ),
        ("counters/index.js", COUNTERS),
    ];
    let yaml = "name: rpc-stubs\nworkers:\n  caller: caller/wrangler.toml\n  \
                counters: counters/wrangler.toml\ntraffic:\n  \
                - { at: 0s, colo: LHR, worker: caller, url: /service }\n  \
                - { at: 1s, colo: LHR, worker: caller, url: /object }\n  \
                - { at: 2s, colo: LHR, worker: caller, url: /local }\n";
    crate::common::scenario_with_files("rpc-stubs", &files, yaml)
}

fn bodies() -> (Vec<serde_json::Value>, Vec<TraceEvent>) {
    let s = rpc_stubs_scenario();
    let out = run(&s, 1).unwrap();
    let bodies = (out.requests.iter())
        .map(|r| serde_json::from_str(&r.body).unwrap_or_else(|_| panic!("{}", r.body)))
        .collect();
    (bodies, out.trace.events)
}

#[test]
fn an_rpc_target_or_function_returned_by_another_worker_stays_there_and_its_stub_calls_reach_it() {
    let (bodies, trace) = bodies();
    assert_eq!(
        bodies[0],
        serde_json::json!({
            "value": 7,
            "pipelined": 11,
            "sum": 7,
            "missing": "TypeError: The RPC receiver does not implement the method \"nope\".",
            "field": "TypeError: The RPC receiver does not implement the method \"field\".",
            "afterDispose": "Error: RPC stub used after being disposed.",
        })
    );
    // Every call on a stub is a call to the Worker that holds its target.
    let methods: Vec<&str> = (trace.iter())
        .filter_map(|e| match e {
            TraceEvent::ServiceCall { to, method, .. } if to == "counters" => Some(method.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        methods,
        [
            "make",
            "increment",
            "value",
            "make",
            "clone",
            "increment",
            "adder",
            "",
            "nope",
            "field"
        ]
    );
}

#[test]
fn an_rpc_target_a_durable_object_returns_is_the_objects_own_and_an_object_answer_disposes_its_stubs()
 {
    let (bodies, _) = bodies();
    assert_eq!(
        bodies[1],
        serde_json::json!({
            "shared": 104,
            "inner": 104,
            "disposedInner": "Error: RPC stub used after being disposed.",
            "plain": "yes",
        })
    );
}

#[test]
fn rpc_stub_wraps_a_local_target_which_is_disposed_with_its_last_stub() {
    let (bodies, _) = bodies();
    assert_eq!(
        bodies[2],
        serde_json::json!({
            "greeting": "hello ada",
            "stillAlive": false,
            "viaDup": "hello grace",
            "disposed": true,
            "refused": "TypeError: Failed to construct 'RpcStub': parameter 1 is not of type 'RpcTarget'.",
        })
    );
}
