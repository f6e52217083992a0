//! Cold start (fresh isolate + evaluate a 20-line module), the same plus its first request, the
//! teardown of an isolate, and a warm request (a hello-world fetch round trip through an already
//! started isolate), in process.
//!
//! A cold start is what a request waits for: an isolate is torn down when it is evicted, off
//! every request's path, so the cold-start benchmarks drop their isolates outside the timing and
//! `isolate_teardown` measures that drop on its own.

use std::rc::Rc;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use edgesim_benches::{BenchHost, TWENTY_LINE_WORKER, hello_request};
use edgesim_runtime::{Bundle, Isolate, IsolateConfig, Limits};

fn config() -> IsolateConfig {
    IsolateConfig {
        bundle: Bundle::from_sources(
            "worker.js",
            &[("worker.js", TWENTY_LINE_WORKER)],
            edgesim_runtime::NodeImports::default(),
        ),
        limits: Limits::default(),
        vars: Default::default(),
        bindings: vec![],
        object_classes: vec![],
        catalog: &edgesim_runtime::api::CATALOG,
        weak_refs: true,
        compat_flags: vec!["rpc".to_string()],
    }
}

fn start() -> Isolate {
    match Isolate::start(Rc::new(BenchHost::default()), &config()) {
        Ok(i) => i,
        Err(e) => panic!("the benchmark Worker must start: {e}"),
    }
}

fn serve(isolate: &mut Isolate) -> u16 {
    edgesim_benches::serve(isolate, hello_request()).status
}

/// One isolate at a time, as a pool replaces an evicted one: the routine runs between two clock
/// readings (`PerIteration`) and what it returns is dropped after the second.
fn cold_start(c: &mut Criterion) {
    let cfg = config();
    c.bench_function("cold_start_20_line_module", |b| {
        b.iter_batched(
            || (),
            |()| Isolate::start(Rc::new(BenchHost::default()), &cfg).ok(),
            BatchSize::PerIteration,
        )
    });
    c.bench_function("cold_start_then_first_request", |b| {
        b.iter_batched(
            || (),
            |()| {
                let mut isolate = start();
                let status = serve(&mut isolate);
                (isolate, status)
            },
            BatchSize::PerIteration,
        )
    });
    c.bench_function("isolate_teardown", |b| {
        b.iter_batched(start, drop, BatchSize::PerIteration)
    });
}

fn warm_request(c: &mut Criterion) {
    let mut isolate = start();
    assert_eq!(serve(&mut isolate), 200);
    c.bench_function("warm_request_hello_world", |b| {
        b.iter(|| serve(&mut isolate))
    });
}

criterion_group!(benches, cold_start, warm_request);
criterion_main!(benches);
