//! Cold start (fresh isolate + evaluate a 20-line module) and warm request (a hello-world fetch
//! round trip through an already started isolate), in process.

use std::rc::Rc;

use criterion::{Criterion, criterion_group, criterion_main};
use edgesim_benches::{BenchHost, TWENTY_LINE_WORKER, hello_request};
use edgesim_runtime::{Bundle, Isolate, IsolateConfig, Limits};

fn config() -> IsolateConfig {
    IsolateConfig {
        bundle: Bundle::from_sources("worker.js", &[("worker.js", TWENTY_LINE_WORKER)]),
        limits: Limits::default(),
        vars: Default::default(),
        bindings: vec![],
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

fn cold_start(c: &mut Criterion) {
    let cfg = config();
    c.bench_function("cold_start_20_line_module", |b| {
        b.iter(|| Isolate::start(Rc::new(BenchHost::default()), &cfg).is_ok())
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
