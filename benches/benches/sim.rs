//! Whole simulations: the shipped `hello` scenario (10 requests at two colos, two cold starts)
//! from load to verdicts — the unit of work of `edgesim sweep`.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::run;

fn hello_scenario(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/hello.yaml");
    let scenario = match LoadedScenario::load(&path) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let mut seed = 0;
    c.bench_function("scenario_hello_one_seed", |b| {
        b.iter(|| {
            seed += 1;
            run(&scenario, seed).map(|out| out.passed())
        })
    });
}

criterion_group!(benches, hello_scenario);
criterion_main!(benches);
