//! Whole simulations from load to verdicts — the unit of work of `edgesim sweep`: the shipped
//! `hello` scenario (10 requests at two colos, two cold starts) and `do-counter` (a Durable
//! Object under load from four colos, a host crash, a failed write, the linearizability check).

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::run;

/// Benchmarks one run of `scenarios/<file>`, a new seed each iteration.
fn bench_scenario(c: &mut Criterion, id: &str, file: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios")
        .join(file);
    let scenario = match LoadedScenario::load(&path) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let mut seed = 0;
    c.bench_function(id, |b| {
        b.iter(|| {
            seed += 1;
            run(&scenario, seed).map(|out| out.passed())
        })
    });
}

fn scenarios(c: &mut Criterion) {
    bench_scenario(c, "scenario_hello_one_seed", "hello.yaml");
    bench_scenario(c, "scenario_do_counter_one_seed", "do-counter.yaml");
}

criterion_group!(benches, scenarios);
criterion_main!(benches);
