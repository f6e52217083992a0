//! semantics.md §1.2: uncaught exceptions, handlers that never respond, and module errors
//! reported as `file:line:col: message`.

use edgesim_conformance::{Run, body_text, get, js, modules};
use edgesim_runtime::diagnostic::Located;
use edgesim_runtime::worker::{WorkerDefinition, WranglerConfig};
use edgesim_runtime::{ModuleError, Outcome, StartupError};
use edgesim_sim::one_colo::OneColoError;

fn startup_error(w: &WorkerDefinition) -> StartupError {
    match Run::default().fetch(w, get("https://example.com/")) {
        Err(OneColoError::Startup(e)) => e,
        other => panic!("expected a startup error, got {other:?}"),
    }
}

#[test]
fn uncaught_exception_gives_error_1101_with_status_500() {
    let x = Run::default()
        .fetch(
            &js("export default { async fetch() { throw new Error('uncaught in fetch'); } };"),
            get("https://example.com/"),
        )
        .unwrap();
    assert_eq!(x.response.status, 500);
    assert!(body_text(&x.response).contains("Error 1101"));
    assert!(body_text(&x.response).contains("Worker threw exception | example.com | Cloudflare"));
    assert_eq!(x.report.outcome, Outcome::Exception);
    let log = &x.report.logs[0];
    assert_eq!(log.level, "error");
    assert!(
        log.message
            .starts_with("Uncaught Error: uncaught in fetch\n    at fetch (worker.js:1:"),
        "{}",
        log.message
    );
}

#[test]
fn synchronous_throw_also_gives_1101() {
    let x = Run::default()
        .fetch(
            &js("export default { fetch() { null.x; } };"),
            get("https://example.com/"),
        )
        .unwrap();
    assert_eq!(x.response.status, 500);
    assert_eq!(x.report.outcome, Outcome::Exception);
    assert!(
        x.report
            .exception
            .as_deref()
            .unwrap_or("")
            .starts_with("TypeError")
    );
}

#[test]
fn a_promise_that_never_settles_gives_1101_will_never_generate_a_response() {
    let x = Run::default()
        .fetch(
            &js("export default { fetch() { return new Promise(() => {}); } };"),
            get("https://example.com/"),
        )
        .unwrap();
    assert_eq!(x.response.status, 500);
    assert_eq!(x.report.outcome, Outcome::Exception);
    assert_eq!(
        x.report.exception.as_deref(),
        Some("The script will never generate a response.")
    );
}

#[test]
fn returning_a_non_response_is_a_type_error() {
    let x = Run::default()
        .fetch(
            &js("export default { fetch() { return 'hello'; } };"),
            get("https://example.com/"),
        )
        .unwrap();
    assert_eq!(x.response.status, 500);
    assert!(x.report.exception.as_deref().unwrap_or("").starts_with(
        "TypeError: Incorrect type for Promise: the Promise did not resolve to 'Response'."
    ));
}

#[test]
fn pass_through_on_exception_sends_the_request_to_the_origin() {
    let origin: std::rc::Rc<edgesim_sim::host::OriginFn> = std::rc::Rc::new(|req| {
        Some(edgesim_runtime::HttpResponse {
            status: 200,
            status_text: "OK".into(),
            headers: vec![("x-origin".into(), "yes".into())],
            body: format!("origin saw {}", req.url).into_bytes(),
            web_socket: None,
        })
    });
    let run = Run {
        origins: Some(origin),
        ..Default::default()
    };
    let w = js(
        "export default { fetch(req, env, ctx) { ctx.passThroughOnException(); throw new Error('boom'); } };",
    );
    let x = run.fetch(&w, get("https://example.com/page")).unwrap();
    assert_eq!(x.response.status, 200);
    assert_eq!(
        body_text(&x.response),
        "origin saw https://example.com/page"
    );
    assert_eq!(x.report.outcome, Outcome::Exception);
}

#[test]
fn syntax_error_is_reported_at_its_file_line_and_column() {
    let e = startup_error(&js(
        "export default {\n  fetch() {\n    return new Response('x'\n  }\n};\n",
    ));
    assert_eq!(
        e.to_string(),
        "worker.js:4:3: SyntaxError: Unexpected token '}'"
    );
}

#[test]
fn a_missing_import_is_reported_at_the_import() {
    let e = startup_error(&js(
        "// a\nimport { x } from './nope.js';\nexport default { fetch() { return new Response(x); } };",
    ));
    assert_eq!(
        e,
        StartupError::Module(ModuleError::At(Located {
            file: "worker.js".into(),
            line: 2,
            column: 19,
            message: "Could not resolve \"./nope.js\"".into(),
        }))
    );
}

#[test]
fn a_missing_export_names_the_module() {
    let w = modules(&[
        (
            "src/index.js",
            "import { y } from './lib.js';\nexport default { fetch() { return new Response(y); } };",
        ),
        ("src/lib.js", "export const x = 1;"),
    ]);
    assert_eq!(
        startup_error(&w).to_string(),
        "src/index.js:1:1: SyntaxError: Could not find export 'y' in module 'src/lib.js'"
    );
}

#[test]
fn typescript_runtime_constructs_compile_as_esbuild_compiles_them() {
    let w = modules(&[(
        "src/index.ts",
        "enum E { A = 2, B }\nnamespace N { export const k = 10; }\nconst h = <ExportedHandler>{\n  fetch(req: Request) {\n    if (req.url.endsWith('/throw')) throw new Error(`E.B is ${E.B}`);\n    return new Response(String(E.B + N.k));\n  },\n};\nexport default h;\n",
    )]);
    let x = Run::default()
        .fetch(&w, get("https://example.com/"))
        .unwrap();
    assert_eq!(x.response.body, b"13");
    let x = Run::default()
        .fetch(&w, get("https://example.com/throw"))
        .unwrap();
    let exception = x.report.exception.unwrap();
    assert!(exception.starts_with("Error: E.B is 3"), "{exception}");
    assert!(exception.contains("src/index.ts:5:"), "{exception}");
}

#[test]
fn typescript_stack_traces_point_into_the_ts_source() {
    let w = modules(&[
        (
            "src/index.ts",
            "import { fail } from './fail';\ninterface Env { A: string }\nexport default {\n  fetch(req: Request, env: Env): Response {\n    return fail(env.A as string);\n  },\n};\n",
        ),
        (
            "src/fail.ts",
            "export function fail(why: string): never {\n  throw new Error(`failed: ${why}`);\n}\n",
        ),
    ]);
    let x = Run::default()
        .fetch(&w, get("https://example.com/"))
        .unwrap();
    let exception = x.report.exception.unwrap();
    assert!(exception.contains("at fail (src/fail.ts:2:"), "{exception}");
    assert!(
        exception.contains("at fetch (src/index.ts:5:"),
        "{exception}"
    );
}

#[test]
fn json_modules_can_be_imported() {
    let w = modules(&[
        (
            "index.js",
            "import data from './data.json' with { type: 'json' };\nexport default { fetch() { return Response.json(data.items); } };",
        ),
        ("data.json", "{\"items\": [1, 2, 3]}"),
    ]);
    let x = Run::default()
        .fetch(&w, get("https://example.com/"))
        .unwrap();
    assert_eq!(body_text(&x.response), "[1,2,3]");
}

#[test]
fn cloudflare_workers_module_provides_worker_entrypoint() {
    let w = js("import { WorkerEntrypoint } from 'cloudflare:workers';
        export default class extends WorkerEntrypoint { fetch(req) { return new Response(`${this.env.X ?? 'no env'} ${typeof this.ctx.waitUntil}`); } };");
    let x = Run::default()
        .fetch(&w, get("https://example.com/"))
        .unwrap();
    assert_eq!(body_text(&x.response), "no env function");
}

#[test]
fn a_module_without_handlers_is_refused() {
    assert_eq!(
        startup_error(&js("export const x = 1;")),
        StartupError::NoHandlers
    );
}

#[test]
fn an_exception_at_top_level_fails_startup() {
    let e = startup_error(&js("throw new Error('top');\nexport default {};"));
    assert!(e.to_string().starts_with("Uncaught Error: top"), "{e}");
}

#[test]
fn vars_from_wrangler_config_are_in_env() {
    let config = WranglerConfig::parse(
        "wrangler.toml",
        "main = 'w.js'\n[vars]\nGREETING = 'hi'\nLIST = [1, 2]\n",
    )
    .unwrap();
    let w = WorkerDefinition::from_sources(
        config,
        "w.js",
        &[(
            "w.js",
            "export default { fetch(r, env) { return Response.json(env); } };",
        )],
    );
    let x = Run::default()
        .fetch(&w, get("https://example.com/"))
        .unwrap();
    assert_eq!(body_text(&x.response), r#"{"GREETING":"hi","LIST":[1,2]}"#);
}
