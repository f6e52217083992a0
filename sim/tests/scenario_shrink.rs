//! `edgesim shrink`: a failing seed's traffic reduced to the requests the failure needs.

use std::path::{Path, PathBuf};

use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::run;
use edgesim_sim::scenario::shrink::{ShrinkError, shrink, to_yaml};

fn kv_propagation(staleness_bound: &str) -> LoadedScenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/kv-propagation.yaml");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "kv_staleness_max: 61s",
        &format!("kv_staleness_max: {staleness_bound}"),
    );
    LoadedScenario::parse("kv.yaml", &text, path.parent().unwrap().to_path_buf()).unwrap()
}

#[test]
fn shrink_reduces_a_planted_staleness_failure_to_its_three_essential_requests() {
    let shrunk = shrink(&kv_propagation("30s"), 7).unwrap();
    assert_eq!(shrunk.requests_before, 57);
    let kept: Vec<(u64, &str, &str)> = shrunk
        .scenario
        .scenario
        .traffic
        .iter()
        .map(|t| (t.at.unwrap().ms, t.colo.as_str(), t.method.as_str()))
        .collect();
    // SIN caches "not found", LHR writes, a later SIN read is served the stale miss.
    assert_eq!(kept.len(), 3, "{kept:?}");
    assert_eq!(kept[0], (0, "SIN", "GET"));
    assert_eq!(kept[1], (1_000, "LHR", "PUT"));
    assert_eq!((kept[2].1, kept[2].2), ("SIN", "GET"));
    assert!((31_000..60_000).contains(&kept[2].0), "{kept:?}");
    assert_eq!(
        shrunk.scenario.scenario.expect.len(),
        1,
        "only the failed expectation is kept"
    );

    // The written scenario stands on its own and still fails with the same seed.
    let yaml = to_yaml(&shrunk.scenario).unwrap();
    let again = LoadedScenario::parse("shrunk.yaml", &yaml, PathBuf::from("/")).unwrap();
    assert!(!run(&again, 7).unwrap().passed());
}

#[test]
fn shrinking_a_passing_seed_is_refused() {
    assert!(matches!(
        shrink(&kv_propagation("61s"), 7),
        Err(ShrinkError::Passes(7))
    ));
}
