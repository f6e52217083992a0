//! `edgesim:test` gives a test the simulated world: faults that happen now (`sim.partition`,
//! `sim.latencySpike`, `sim.crash`, `sim.failStorageWrites`), checked by a scenario's rules
//! and with its error texts; the trace of what happened since the test began; the scenario
//! checkers as functions that fail the test with their verdict.

use std::path::Path;

use edgesim_sim::test::TestStatus;

use crate::common::{all_passed, run_test_file, test_statuses};

/// Each test's full name and status in the fixture's file `name`; the file loads, and a
/// failure shows its errors.
fn statuses(name: &str) -> Vec<(String, TestStatus)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vitest/world");
    let file = run_test_file(&root, name);
    assert!(
        file.report.load_error.is_none(),
        "{:?}",
        file.report.load_error
    );
    let failures: Vec<_> = (file.report.tests.iter())
        .filter(|t| t.status == TestStatus::Failed)
        .map(|t| (t.full_name(), t.errors.clone()))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    test_statuses(&file)
}

#[test]
fn a_test_partitions_slows_crashes_and_fails_storage_now_as_a_scenario_fault_would() {
    assert_eq!(
        statuses("faults"),
        all_passed(&[
            "partition > cuts a colo off KV's central store until it heals",
            "partition > one way only, with oneWay",
            "partition > names what is wrong with its arguments",
            "latency spike > slows the messages between two places while it lasts",
            "crash > a do-host crash loses the object's memory, not its confirmed storage",
            "crash > a colo outage sends its clients to the nearest colo that is up",
            "crash > refuses to take down the colo the test runs at",
            "storage faults > the next commits fail and reset the object",
        ])
    );
}

#[test]
fn scenario_checkers_judge_what_happened_since_the_test_began_and_fail_it_with_their_verdict() {
    assert_eq!(
        statuses("checkers"),
        all_passed(&[
            "KV reads across colos stay within the cache TTL of the writes they miss",
            "calls to a Durable Object from many colos are linearizable",
            "sim.trace() holds what happened since the test began",
        ])
    );
}
