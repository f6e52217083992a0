//! WebAssembly (runtime/src/api/wasm): a `.wasm` import is a `WebAssembly.Module` that
//! instantiates with JavaScript imports, shares its memory with JavaScript, traps with V8's
//! errors, and runs against the isolate's CPU and memory limits; compiling bytes at run time is
//! refused as workerd refuses it.

use edgesim_conformance::{Project, Run, get};
use edgesim_runtime::Outcome;
use serde_json::json;

/// A project whose `src/index.js` is `script` and whose `src/<name>.wasm` files are `modules`,
/// written as WAT.
fn project(name: &str, script: &str, modules: &[(&str, &str)]) -> Project {
    let p = Project::with(
        name,
        &[
            (
                "wrangler.toml",
                "name = 'app'\nmain = 'src/index.js'\ncompatibility_date = '2026-04-20'\n",
            ),
            ("src/index.js", script),
        ],
    );
    for (file, wat) in modules {
        let bytes = wat::parse_str(wat).unwrap_or_else(|e| panic!("{file}: {e}"));
        std::fs::write(p.path().join("src").join(file), bytes).expect("write the module");
    }
    p
}

const CALC: &str = r#"(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "twice" (func $twice (param i32) (result i32)))
  (memory (export "memory") 1 4)
  (global $count (mut i32) (i32.const 0))
  (global (export "answer") i32 (i32.const 42))
  (data (i32.const 16) "hello")
  (func (export "add") (param i32 i32) (result i32)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (call $log (global.get $count))
    (i32.add (local.get 0) (local.get 1)))
  (func (export "quad") (param i32) (result i32)
    (call $twice (call $twice (local.get 0))))
  (func (export "wide") (param i64) (result i64)
    (i64.mul (local.get 0) (i64.const 3)))
  (func (export "half") (param f64) (result f64)
    (f64.div (local.get 0) (f64.const 2)))
  (func (export "pair") (result i32 i64)
    (i32.const 7) (i64.const 8))
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0)))
  (func (export "boom") unreachable)
  (func (export "divide") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func (export "spin") (loop $l (br $l))))"#;

#[test]
fn a_wasm_import_is_a_webassembly_module_that_instantiates_with_javascript_imports() {
    let p = project(
        "wasm-basics",
        r#"import calc from "./calc.wasm";
export default { async fetch() {
  const logged = [];
  let exports;
  const imports = { env: {
    log: (n) => logged.push(n),
    // Calls back into the instance while it runs.
    twice: (n) => exports.add(n, n),
  } };
  const instance = await WebAssembly.instantiate(calc, imports);
  exports = instance.exports;
  const text = new TextDecoder().decode(new Uint8Array(exports.memory.buffer, 16, 5));
  const before = exports.memory.buffer;
  const grown = exports.grow(1);
  return Response.json({
    isModule: calc instanceof WebAssembly.Module,
    isInstance: instance instanceof WebAssembly.Instance,
    exportKinds: WebAssembly.Module.exports(calc),
    importKinds: WebAssembly.Module.imports(calc),
    sum: exports.add(2, 40), quad: exports.quad(3), logged,
    wide: String(exports.wide(2n ** 40n)), half: exports.half(5), pair: exports.pair().map(String),
    answer: exports.answer.value, text,
    grown, pages: exports.memory.buffer.byteLength / 65536,
    detached: before.byteLength, length: exports.add.length, names: [exports.add.name, exports.spin.name],
    frozen: Object.isFrozen(exports), proto: Object.getPrototypeOf(exports),
    tag: String(WebAssembly),
  });
} };"#,
        &[("calc.wasm", CALC)],
    );
    assert_eq!(
        p.answer().unwrap(),
        json!({
            "isModule": true, "isInstance": true,
            "exportKinds": [
                {"name": "memory", "kind": "memory"}, {"name": "answer", "kind": "global"},
                {"name": "add", "kind": "function"}, {"name": "quad", "kind": "function"},
                {"name": "wide", "kind": "function"}, {"name": "half", "kind": "function"},
                {"name": "pair", "kind": "function"}, {"name": "grow", "kind": "function"},
                {"name": "boom", "kind": "function"}, {"name": "divide", "kind": "function"},
                {"name": "spin", "kind": "function"}
            ],
            "importKinds": [
                {"module": "env", "name": "log", "kind": "function"},
                {"module": "env", "name": "twice", "kind": "function"}
            ],
            "sum": 42, "quad": 12, "logged": [1, 2, 3],
            "wide": "3298534883328", "half": 2.5, "pair": ["7", "8"],
            "answer": 42, "text": "hello", "grown": 1, "pages": 2, "detached": 0, "length": 2,
            "names": ["2", "10"],
            "frozen": true, "proto": null, "tag": "[object WebAssembly]",
        })
    );
}

#[test]
fn a_commonjs_require_of_a_wasm_module_query_gets_the_module_as_default() {
    // wrangler's default rules claim `**/*.wasm?module` as CompiledWasm for `require` as for
    // `import`; the required namespace carries it as `default`.
    let p = project(
        "wasm-require",
        "import add from './add.cjs';\nexport default { fetch() { return Response.json({ sum: add(2, 3) }); } };",
        &[(
            "add.wasm",
            "(module (func (export \"add\") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))",
        )],
    );
    std::fs::write(
        p.path().join("src/add.cjs"),
        "module.exports = function add(a, b) {\n\
           const { default: mod } = require('./add.wasm?module');\n\
           return new WebAssembly.Instance(mod).exports.add(a, b);\n};\n",
    )
    .unwrap();
    assert_eq!(p.answer().unwrap(), json!({ "sum": 5 }));
}

#[test]
fn traps_and_bad_imports_throw_v8s_errors_and_bytes_cannot_be_compiled_at_run_time() {
    let p = project(
        "wasm-errors",
        r#"import calc from "./calc.wasm";
const outcome = async (f) => {
  try { await f(); return "ok"; } catch (e) { return `${e.constructor.name}: ${e.message}`; }
};
export default { async fetch() {
  const env = { log() {}, twice: (n) => n * 2 };
  const { exports } = new WebAssembly.Instance(calc, { env });
  return Response.json([
    await outcome(() => exports.boom()),
    await outcome(() => exports.divide(1, 0)),
    await outcome(() => exports.wide(1)),
    await outcome(() => new WebAssembly.Instance(calc)),
    await outcome(() => new WebAssembly.Instance(calc, { env: { log: 1 } })),
    await outcome(() => new WebAssembly.Instance(calc, {})),
    await outcome(() => new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))),
    await outcome(() => WebAssembly.compile(new Uint8Array(8))),
    await outcome(() => WebAssembly.instantiate(new Uint8Array(8))),
    WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])),
    WebAssembly.validate(new Uint8Array([1, 2, 3])),
    await outcome(() => new WebAssembly.Memory({ initial: 2, maximum: 1 })),
    await outcome(() => exports.memory.grow(10)),
  ]);
} };"#,
        &[("calc.wasm", CALC)],
    );
    assert_eq!(
        p.answer().unwrap(),
        json!([
            "RuntimeError: unreachable",
            "RuntimeError: divide by zero",
            "TypeError: Cannot convert 1 to a BigInt",
            "TypeError: WebAssembly.Instance(): Imports argument must be present and must be an object",
            "LinkError: WebAssembly.Instance(): Import #0 \"env\" \"log\": function import requires a callable",
            "TypeError: WebAssembly.Instance(): Import #0 \"env\": module is not an object or function",
            "CompileError: WebAssembly.Module(): Wasm code generation disallowed by embedder",
            "CompileError: WebAssembly.compile(): Wasm code generation disallowed by embedder",
            "CompileError: WebAssembly.instantiate(): Wasm code generation disallowed by embedder",
            true,
            false,
            "RangeError: WebAssembly.Memory(): Property 'maximum': value 1 is below the lower bound 2",
            "RangeError: WebAssembly.Memory.grow(): Maximum memory size exceeded",
        ])
    );
}

#[test]
fn webassembly_that_never_returns_ends_as_exceeded_cpu() {
    let p = project(
        "wasm-cpu",
        r#"import calc from "./calc.wasm";
export default { fetch() {
  const { exports } = new WebAssembly.Instance(calc, { env: { log() {}, twice: (n) => n } });
  try { exports.spin(); } catch (e) { return new Response("caught " + e); }
  return new Response("returned");
} };"#,
        &[("calc.wasm", CALC)],
    );
    let worker = p.worker(None).unwrap();
    let x = Run::free()
        .fetch(&worker, get("https://example.com/"))
        .unwrap();
    assert_eq!(
        x.report.outcome,
        Outcome::ExceededCpu,
        "{:?}",
        x.report.exception
    );
    // The deadline stops the loop itself, not a check after it.
    let used_ms = x.report.cpu_used_ms;
    assert!((10.0..10.1).contains(&used_ms), "stopped at {used_ms} ms");
}

#[test]
fn webassembly_memory_counts_against_the_isolate_memory_limit() {
    let p = project(
        "wasm-memory",
        r#"export default { fetch() {
  const memories = [];
  // 64 MiB each: the second takes the isolate past 128 MB.
  for (let i = 0; i < 2; i++) memories.push(new WebAssembly.Memory({ initial: 1024 }));
  return new Response(String(memories.length));
} };"#,
        &[],
    );
    let worker = p.worker(None).unwrap();
    let x = Run::default()
        .fetch(&worker, get("https://example.com/"))
        .unwrap();
    assert_eq!(
        x.report.outcome,
        Outcome::ExceededMemory,
        "{:?}",
        x.response
    );
}

/// A real npm package that ships its code as a `.wasm` module (`@cf-wasm/photon`, Rust image
/// processing, imported through the package's `workerd` condition): the same thumbnails, pixel
/// for pixel and PNG byte for PNG byte, as workerd made them, and the same trap when its decoder
/// panics.
#[test]
fn an_npm_package_that_ships_wasm_answers_byte_for_byte_as_in_workerd() {
    use edgesim_conformance::reference::{project_answers, recorded_response, shipped_project};
    let dir = shipped_project("image-app");
    let worker = edgesim_runtime::worker::WorkerDefinition::load_env(&dir, None)
        .unwrap_or_else(|e| panic!("{e}"));
    let answers = project_answers("image-app");
    let requests = answers
        .iter()
        .map(|(path, ..)| get(&format!("https://example.com{path}")))
        .collect();
    let exchanges = Run::default()
        .sequence(&worker, requests, 0)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(exchanges.len(), answers.len());
    for ((path, status, content_type, body), x) in answers.iter().zip(&exchanges) {
        assert_eq!(
            recorded_response(&x.response),
            (*status, content_type.clone(), body.clone()),
            "{path}"
        );
    }
}

/// wrangler's default rule also claims `.wasm?module` (the form Vercel- and Next-style code
/// imports); the query names the rule, and the file read is the `.wasm` itself.
#[test]
fn a_wasm_module_query_import_is_the_same_compiled_module() {
    let p = project(
        "wasm-query",
        r#"import plain from "./calc.wasm";
import queried from "./calc.wasm?module";
export default { fetch() {
  return Response.json({
    isModule: queried instanceof WebAssembly.Module,
    exports: WebAssembly.Module.exports(queried).length,
    same: WebAssembly.Module.exports(plain).length,
  });
} };"#,
        &[("calc.wasm", CALC)],
    );
    assert_eq!(
        p.answer().unwrap(),
        json!({"isModule": true, "exports": 11, "same": 11})
    );
}

/// A `.wasm` file that is not WebAssembly stops the Worker at load with the file, the
/// compiler's reason and the import chain, as a deploy of it is refused; nothing panics.
#[test]
fn a_wasm_file_that_is_not_webassembly_is_refused_at_load_naming_the_file() {
    let p = Project::with(
        "wasm-broken",
        &[
            (
                "wrangler.toml",
                "name = 'app'\nmain = 'src/index.js'\ncompatibility_date = '2026-04-20'\n",
            ),
            (
                "src/index.js",
                "import broken from './broken.wasm';\nexport default { fetch() { return new Response(String(broken)); } };",
            ),
            ("src/broken.wasm", "this is not a wasm module"),
        ],
    );
    let error = p.answer().unwrap_err();
    assert!(error.contains("broken.wasm"), "{error}");
    assert!(
        error.contains(
            "WebAssembly.Module(): expected magic word 00 61 73 6d, found 74 68 69 73 @+0"
        ),
        "{error}"
    );
    assert!(error.contains("src/index.js"), "{error}");
}

/// Operators are weighed as V8's optimising compiler runs them (api/wasm/costs.rs): locals and
/// constants are free, so two loops that differ only in them cost the same; a floating-point
/// multiplication costs eight integer additions; a call ten, and the function called one.
#[test]
fn webassembly_cpu_weighs_operators_as_v8_runs_them() {
    const WEIGHED: &str = r#"(module
  (func $id (param i32) (result i32) (local.get 0))
  (func (export "adds") (param $n i32) (local $x i32)
    (loop $l (local.set $x (i32.add (local.get $x) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "addsWithLocals") (param $n i32) (local $x i32) (local $y i32)
    (loop $l (local.set $y (local.get $x)) (local.set $x (i32.add (local.get $y) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "muls") (param $n i32) (local $x f64)
    (loop $l (local.set $x (f64.mul (local.get $x) (f64.const 1.5)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "calls") (param $n i32) (local $x i32)
    (loop $l (local.set $x (call $id (local.get $x)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))"#;
    let p = project(
        "wasm-weights",
        r#"import weighed from "./weighed.wasm";
const { exports } = new WebAssembly.Instance(weighed, {});
export default { fetch(request) {
  exports[new URL(request.url).pathname.slice(1)](1000000);
  return new Response("ok");
} };"#,
        &[("weighed.wasm", WEIGHED)],
    );
    let worker = p.worker(None).unwrap();
    let cost = |name: &str| {
        let x = Run::default()
            .fetch(&worker, get(&format!("https://example.com/{name}")))
            .unwrap();
        assert_eq!(x.report.outcome, Outcome::Ok, "{:?}", x.report.exception);
        x.report.cpu.host_ps
    };
    let (adds, with_locals, muls, calls) = (
        cost("adds"),
        cost("addsWithLocals"),
        cost("muls"),
        cost("calls"),
    );
    // Units (89 ps) per iteration more than the plain loop's: its addition's one unit gives
    // way to a multiplication's eight, or to a call's ten and the called function's one.
    let more_units = |ps: u64| ((ps as f64 - adds as f64) / 1e6 / 89.0).round();
    assert_eq!(more_units(with_locals), 0.0);
    assert_eq!(more_units(muls), 7.0);
    assert_eq!(more_units(calls), 10.0);
}
