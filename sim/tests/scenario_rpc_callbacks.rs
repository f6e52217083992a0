//! RPC callbacks between isolates (workerd's worker-rpc.c++, js-rpc-test.js): a function or an
//! `RpcTarget` passed as an argument of an RPC call stays in the caller's isolate, and the
//! callee's calls on it go back there — from another Worker through a service binding, and from
//! a Durable Object — each call back crossing as a call of its own.

use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::run;
use edgesim_sim::trace::TraceEvent;

const APP: &str = r#"import { RpcTarget } from "cloudflare:workers";

class Greeter extends RpcTarget {
  #name;
  calls = 0;
  constructor(name) { super(); this.#name = name; }
  hello(greeting) { this.calls++; return `${greeting}, ${this.#name}`; }
  get name() { return this.#name; }
}

export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    if (path === "/service") {
      const seen = [];
      const mapped = await env.TOOLS.map([1, 2, 3], (x) => { seen.push(x); return x * 10; });
      const greeter = new Greeter("ada");
      const greeting = await env.TOOLS.greet(greeter);
      const thrown = await env.TOOLS.map([1], () => { throw new RangeError("no callbacks today"); })
        .catch((e) => `${e.name}: ${e.message}`);
      return Response.json({ mapped, seen, greeting, calls: greeter.calls, thrown });
    }
    const room = env.ROOMS.get(env.ROOMS.idFromName("lobby"));
    let total = 0;
    const answer = await room.run(async (n) => { total += n; return total; });
    const nested = await room.relay((s) => s.toUpperCase());
    return Response.json({ answer, total, nested });
  },
};
"#;

const TOOLS: &str = r#"import { DurableObject, WorkerEntrypoint } from "cloudflare:workers";

export class Rooms extends DurableObject {
  async run(callback) {
    await callback(5);
    return await callback(7);
  }
  async relay(callback) {
    // A function this object was passed, passed on to another object, which calls it.
    const other = this.env.ROOMS.get(this.env.ROOMS.idFromName("annex"));
    return await other.apply(callback, "shout");
  }
  async apply(callback, text) { return await callback(text); }
}

export default class extends WorkerEntrypoint {
  async map(items, fn) { return Promise.all(items.map((item) => fn(item))); }
  async greet(greeter) {
    const name = await greeter.name;
    return `${await greeter.hello("hi")} (${name})`;
  }
}
"#;

fn scenario() -> LoadedScenario {
    let files = [
        (
            "app/wrangler.toml",
            "name = \"app\"\nmain = \"index.js\"\ncompatibility_date = \"2025-06-01\"\n\
             services = [{ binding = \"TOOLS\", service = \"tools\" }]\n\
             durable_objects.bindings = [{ name = \"ROOMS\", class_name = \"Rooms\", \
             script_name = \"tools\" }]\n",
        ),
        ("app/index.js", APP),
        (
            "tools/wrangler.toml",
            "name = \"tools\"\nmain = \"index.js\"\ncompatibility_date = \"2025-06-01\"\n\
             durable_objects.bindings = [{ name = \"ROOMS\", class_name = \"Rooms\" }]\n\
             migrations = [{ tag = \"v1\", new_sqlite_classes = [\"Rooms\"] }]\n",
        ),
        ("tools/index.js", TOOLS),
    ];
    let yaml = "name: rpc-callbacks\nworkers:\n  app: app/wrangler.toml\n  \
                tools: tools/wrangler.toml\ntraffic:\n  \
                - { at: 0s, colo: LHR, worker: app, url: /service }\n  \
                - { at: 1s, colo: LHR, worker: app, url: /object }\n";
    crate::common::scenario_with_files("rpc-callbacks", &files, yaml)
}

#[test]
fn a_function_or_rpc_target_passed_to_another_worker_or_an_object_is_called_back_where_it_was_made()
{
    let out = run(&scenario(), 1).unwrap();
    let bodies: Vec<serde_json::Value> = (out.requests.iter())
        .map(|r| serde_json::from_str(&r.body).unwrap_or_else(|_| panic!("{}", r.body)))
        .collect();
    assert_eq!(
        bodies,
        [
            serde_json::json!({
                "mapped": [10, 20, 30],
                "seen": [1, 2, 3],
                "greeting": "hi, ada (ada)",
                "calls": 1,
                "thrown": "RangeError: no callbacks today",
            }),
            serde_json::json!({ "answer": 12, "total": 12, "nested": "SHOUT" }),
        ]
    );
    // Each call back is a call from the callee's Worker to the caller's.
    let back: Vec<(&str, &str)> = (out.trace.events.iter())
        .filter_map(|e| match e {
            TraceEvent::ServiceCall {
                from, to, method, ..
            } if to == "app" => Some((from.as_str(), method.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        back,
        [
            ("tools", ""),
            ("tools", ""),
            ("tools", ""),
            ("tools", "name"),
            ("tools", "hello"),
            ("tools", ""),
            ("tools", ""),
            ("tools", ""),
            ("tools", ""),
        ]
    );
}
