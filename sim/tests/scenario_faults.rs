//! Faults as data: a colo outage reroutes its clients to the nearest colo that is up, and when
//! the colo comes back its isolates and caches start cold; nothing held centrally is lost.

use std::path::Path;

use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::run;
use edgesim_sim::trace::{DiscardReason, TraceEvent};

#[test]
fn colo_outage_reroutes_clients_and_restarts_the_colo_cold() {
    let s = LoadedScenario::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/colo-outage.yaml"),
    )
    .unwrap();
    let out = run(&s, s.scenario.seed.unwrap_or(0)).unwrap();
    assert!(out.passed(), "{:#?}", out.verdicts);
    let mut rerouted = Vec::new();
    let mut lhr_restarts = Vec::new();
    for e in &out.trace.events {
        match e {
            TraceEvent::Rerouted {
                at_ms, from, to, ..
            } => {
                rerouted.push((*at_ms, from.clone(), to.clone()));
            }
            TraceEvent::IsolateDiscarded {
                at_ms,
                colo,
                reason,
                ..
            } if colo == "LHR" => {
                lhr_restarts.push((*at_ms, *reason));
            }
            _ => {}
        }
    }
    // Down from 8 s to 18 s: the reads at 9, 11, 13, 15 and 17 s are served in Paris.
    let expected: Vec<(u64, String, String)> = [9_000, 11_000, 13_000, 15_000, 17_000]
        .into_iter()
        .map(|t| (t, "LHR".to_string(), "CDG".to_string()))
        .collect();
    assert_eq!(rerouted, expected);
    assert_eq!(lhr_restarts, vec![(19_000, DiscardReason::ColoCrash)]);
}
