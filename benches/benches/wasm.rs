//! WebAssembly on wasmi against JavaScript on QuickJS, each as one warm fetch to a started
//! Worker (so each figure includes a warm request's own cost, see `warm_request_hello_world`):
//! instantiating a small module, and the same integer loop (10^6 rounds of multiply, shift,
//! xor, add) in WebAssembly and in JavaScript — their ratio is what moving a hot loop to wasm
//! buys here.

use criterion::{Criterion, criterion_group, criterion_main};
use edgesim_benches::{BenchHost, get, serve};

const LOOP_WAT: &str = r#"(module
  (func (export "mix") (param $rounds i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $rounds)))
        (local.set $acc
          (i32.add
            (i32.xor (i32.mul (local.get $i) (local.get $i))
                     (i32.shr_u (local.get $acc) (i32.const 3)))
            (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc)))"#;

const WORKER: &str = r#"import mixModule from "./mix.wasm";
const { mix } = new WebAssembly.Instance(mixModule).exports;
function mixJs(rounds) {
  let acc = 0;
  for (let i = 0; i < rounds; i++) acc = ((Math.imul(i, i) ^ (acc >>> 3)) + i) | 0;
  return acc;
}
export default {
  fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === "/instantiate") return new Response(String(Object.keys(new WebAssembly.Instance(mixModule).exports).length));
    if (path === "/wasm") return new Response(String(mix(1000000)));
    return new Response(String(mixJs(1000000)));
  },
};
"#;

/// A started isolate running WORKER, with `mix.wasm` compiled from LOOP_WAT beside it.
fn start() -> edgesim_runtime::Isolate {
    let dir = std::env::temp_dir().join(format!("edgesim-bench-wasm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory for the benchmark project");
    std::fs::write(
        dir.join("wrangler.toml"),
        "name = 'bench'\nmain = 'worker.js'\n",
    )
    .expect("write wrangler.toml");
    std::fs::write(dir.join("worker.js"), WORKER).expect("write worker.js");
    let wasm = wat::parse_str(LOOP_WAT).expect("the loop's WAT must parse");
    std::fs::write(dir.join("mix.wasm"), wasm).expect("write mix.wasm");
    let worker = edgesim_runtime::worker::WorkerDefinition::load_env(&dir, None)
        .unwrap_or_else(|e| panic!("the benchmark project must load: {e}"));
    let config = worker.isolate_config(edgesim_runtime::Limits::default());
    let isolate = edgesim_runtime::Isolate::start(std::rc::Rc::new(BenchHost::default()), &config)
        .unwrap_or_else(|e| panic!("the benchmark Worker must start: {e}"));
    let _ = std::fs::remove_dir_all(&dir);
    isolate
}

fn wasm(c: &mut Criterion) {
    let mut isolate = start();
    let mut serve =
        |path: &str| String::from_utf8_lossy(&serve(&mut isolate, get(path)).body).into_owned();
    assert_eq!(serve("/instantiate"), "1");
    let wasm_answer = serve("/wasm");
    assert_eq!(
        wasm_answer,
        serve("/js"),
        "the two loops must compute the same value"
    );
    c.bench_function("wasm_instantiate_small_module", |b| {
        b.iter(|| serve("/instantiate"))
    });
    c.bench_function("wasm_integer_loop_1m_rounds", |b| b.iter(|| serve("/wasm")));
    c.bench_function("js_integer_loop_1m_rounds", |b| b.iter(|| serve("/js")));
}

criterion_group!(benches, wasm);
criterion_main!(benches);
