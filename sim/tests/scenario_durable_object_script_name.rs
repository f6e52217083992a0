//! A Durable Object bound from another Worker (`script_name`): the binding reaches the objects
//! of the Worker that defines the class — one object per id, whoever calls it — and those
//! objects run that Worker's code, placed where they were first called.

use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::run;
use edgesim_sim::trace::TraceEvent;

const COUNTER_CONFIG: &str = "name = \"counter\"\nmain = \"index.js\"\ncompatibility_date = \"2025-06-01\"\n\
    [[durable_objects.bindings]]\nname = \"COUNTER\"\nclass_name = \"Counter\"\n\
    [[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"Counter\"]\n";

const COUNTER: &str = "import { DurableObject } from 'cloudflare:workers';\n\
    export class Counter extends DurableObject {\n\
      async add(by) {\n\
        const n = ((await this.ctx.storage.get('n')) ?? 0) + by;\n\
        await this.ctx.storage.put('n', n);\n\
        return { n, sql: this.ctx.storage.sql !== undefined };\n\
      }\n\
    }\n\
    export default { async fetch(request, env) {\n\
      return Response.json(await env.COUNTER.getByName('shared').add(1));\n\
    } };\n";

const API_CONFIG: &str = "name = \"api\"\nmain = \"index.js\"\ncompatibility_date = \"2025-06-01\"\n\
    [[durable_objects.bindings]]\nname = \"COUNTER\"\nclass_name = \"Counter\"\nscript_name = \"counter\"\n";

const API: &str = "export default { async fetch(request, env) {\n\
      return Response.json(await env.COUNTER.getByName('shared').add(10));\n\
    } };\n";

#[test]
fn a_binding_with_script_name_reaches_the_other_workers_objects() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("do-script-name");
    for (file, text) in [
        ("counter/wrangler.toml", COUNTER_CONFIG),
        ("counter/index.js", COUNTER),
        ("api/wrangler.toml", API_CONFIG),
        ("api/index.js", API),
    ] {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().expect("a parent")).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let yaml = format!(
        "name: do-script-name\nduration: 10s\ncolos: [FRA, SIN]\nworkers:\n  api: {}\n  counter: {}\n\
         traffic:\n  - {{ at: 0s, colo: FRA, worker: counter, url: / }}\n  \
         - {{ at: 1s, colo: SIN, worker: api, url: / }}\n  \
         - {{ at: 2s, colo: FRA, worker: counter, url: / }}\n",
        dir.join("api/wrangler.toml").display(),
        dir.join("counter/wrangler.toml").display()
    );
    let s = LoadedScenario::parse("do-script-name.yaml", &yaml, dir).unwrap();
    let out = run(&s, 1).unwrap();
    let bodies: Vec<&str> = out.requests.iter().map(|r| r.body.as_str()).collect();
    // One object: the api Worker's call adds to what the counter Worker's did, and the object
    // is SQLite-backed as its own Worker declares it.
    assert_eq!(
        bodies,
        [
            r#"{"n":1,"sql":true}"#,
            r#"{"n":11,"sql":true}"#,
            r#"{"n":12,"sql":true}"#
        ]
    );
    let namespaces: Vec<(String, String)> = (out.trace.events.iter())
        .filter_map(|e| match e {
            TraceEvent::ObjectCall {
                namespace, from, ..
            } => Some((namespace.clone(), from.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        namespaces,
        [
            ("counter/Counter".to_string(), "FRA".to_string()),
            ("counter/Counter".to_string(), "SIN".to_string()),
            ("counter/Counter".to_string(), "FRA".to_string()),
        ]
    );
}
