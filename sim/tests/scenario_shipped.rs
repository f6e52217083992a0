//! Every scenario shipped in `scenarios/` passes its expectations on its default seed, and its
//! outcome is pinned: statuses per label, cold starts and verdicts (CPU figures and trace hashes
//! move with the runtime's own JavaScript and are pinned elsewhere).

use std::collections::BTreeMap;
use std::path::Path;

use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::run;

/// Installs the npm packages of every shipped project that has a lockfile.
fn install_npm_projects(dir: &Path) {
    let mut projects: Vec<_> = std::fs::read_dir(dir.join("workers"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("package-lock.json").is_file())
        .collect();
    projects.sort();
    for project in projects {
        crate::common::npm_ci(&project);
    }
}

fn shipped() -> Vec<(String, LoadedScenario)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    // Tests run in parallel; one `npm ci` per project.
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| install_npm_projects(&dir));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let loaded = LoadedScenario::load(&p).unwrap_or_else(|e| panic!("{e}"));
            (name, loaded)
        })
        .collect()
}

#[test]
fn at_least_eight_scenarios_are_shipped() {
    assert!(shipped().len() >= 8, "{} scenarios", shipped().len());
}

#[test]
fn every_shipped_scenario_passes_on_its_default_seed() {
    for (name, s) in shipped() {
        let seed = s.scenario.seed.unwrap_or(0);
        let out = run(&s, seed).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(out.passed(), "{name}: {:#?}", out.verdicts);
        let mut statuses: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        for r in &out.requests {
            let label = r.label.as_deref().unwrap_or("-").to_string();
            let status = r.status.map_or("none".into(), |s| s.to_string());
            *statuses
                .entry(label)
                .or_default()
                .entry(status)
                .or_default() += 1;
        }
        let verdicts: Vec<String> = out
            .verdicts
            .iter()
            .map(|v| format!("{} {}", if v.ok { "PASS" } else { "FAIL" }, v.expectation))
            .collect();
        insta::assert_json_snapshot!(
            format!("shipped_{name}"),
            serde_json::json!({
                "seed": seed,
                "statuses_by_label": statuses,
                "cold_starts": out.cold_starts(),
                "verdicts": verdicts,
            })
        );
    }
}

#[test]
fn queue_delivery_checker_names_messages_that_never_reached_a_consumer() {
    let (_, mut s) = shipped()
        .into_iter()
        .find(|(name, _)| name == "queue-dead-letter")
        .unwrap_or_else(|| panic!("queue-dead-letter is shipped"));
    // The run ends before the first batch's 2 s window closes.
    s.scenario.duration = Some(edgesim_sim::scenario::Duration::from_ms(1_000));
    s.scenario
        .traffic
        .retain(|t| t.label.as_deref() == Some("enqueue"));
    s.scenario
        .expect
        .retain(|e| e.checker == edgesim_sim::scenario::Checker::QueueDeliveredAtLeastOnce);
    let out = run(&s, 13).unwrap();
    assert!(!out.passed());
    let detail = &out.verdicts[0].detail;
    assert!(
        detail.starts_with("3 of 3 message(s) never reached a consumer, e.g. [\"message "),
        "{detail}"
    );
}

/// A run that keeps only what its expectations read (as `edgesim run` and `sweep` do) judges,
/// hashes, logs and counts every request exactly as one that keeps everything, without keeping
/// a record of any request once its client is done.
#[test]
fn keeping_only_the_events_the_checks_read_changes_no_verdict_hash_or_console_line() {
    use edgesim_sim::scenario::run::{Retention, RunOptions, run_with};
    let needed = RunOptions {
        retention: Retention::Needed,
        ..RunOptions::default()
    };
    for (name, s) in shipped() {
        let seed = s.scenario.seed.unwrap_or(0);
        let all = run(&s, seed).unwrap_or_else(|e| panic!("{name}: {e}"));
        let some = run_with(&s, seed, needed.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(all.verdicts, some.verdicts, "{name}");
        assert_eq!(all.trace.hash(), some.trace.hash(), "{name}");
        assert_eq!(all.trace.console(), some.trace.console(), "{name}");
        assert_eq!(all.cold_starts(), some.cold_starts(), "{name}");
        // Tallied as clients finish, in whatever order, the requests add up to what the kept
        // records add up to; none is kept.
        assert_eq!(all.tally, some.tally, "{name}");
        assert_eq!(all.tally.requests, all.requests.len(), "{name}");
        assert!(some.requests.is_empty(), "{name}");
        assert!(
            some.trace.events.len() < all.trace.events.len(),
            "{name}: {} of {} events kept",
            some.trace.events.len(),
            all.trace.events.len()
        );
    }
}
