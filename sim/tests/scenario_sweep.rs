//! `edgesim sweep`: many seeds in parallel, results in seed order, failures with their seeds.

use std::path::Path;

use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::sweep::{SeedOutcome, SeedSet, sweep};
use edgesim_sim::scenario::{Checker, ExpectSpec};

fn hello() -> LoadedScenario {
    LoadedScenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/hello.yaml"))
        .unwrap()
}

#[test]
fn a_sweep_runs_every_seed_once_in_seed_order() {
    let results = sweep(
        &hello(),
        &SeedSet::parse("10..30", None).unwrap(),
        2,
        &|_, _| {},
    );
    let seeds: Vec<u64> = results.iter().map(|(s, _)| *s).collect();
    assert_eq!(seeds, (10..30).collect::<Vec<_>>());
    assert!(
        results
            .iter()
            .all(|(_, o)| matches!(o, SeedOutcome::Passed))
    );
}

#[test]
fn a_sweep_reports_each_failing_seed_with_the_failed_expectation() {
    let mut s = hello();
    s.scenario.expect = vec![ExpectSpec::new(Checker::ColdStartsMax(1))];
    let results = sweep(
        &s,
        &SeedSet::parse("0..=3", Some("0/2")).unwrap(),
        2,
        &|_, _| {},
    );
    assert_eq!(results.len(), 2);
    for (_, outcome) in &results {
        match outcome {
            SeedOutcome::Failed(v) => assert_eq!(
                v[0].detail,
                "2 cold start(s); first violated at 2000ms by cold start 2 (app at SIN)"
            ),
            other => panic!("expected a failure, got {other:?}"),
        }
    }
}
