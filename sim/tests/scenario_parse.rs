//! Bad scenario files are refused with `file:line:col` and what was expected.

use std::path::PathBuf;

use edgesim_sim::scenario::{LoadedScenario, ScenarioError};

fn parse(text: &str) -> Result<LoadedScenario, ScenarioError> {
    LoadedScenario::parse("s.yaml", text, PathBuf::from("."))
}

fn error(text: &str) -> String {
    parse(text)
        .expect_err("the scenario must be refused")
        .to_string()
}

const BASE: &str = "name: t\nworkers:\n  app: w/wrangler.toml\n";

#[test]
fn a_valid_scenario_parses() {
    let s = parse(&format!("{BASE}duration: 1m\ntraffic:\n  - {{ every: 1s, colo: LHR, worker: app, url: /x, label: r }}\nexpect:\n  - {{ status_in: [200], label: r }}\n")).unwrap();
    assert_eq!(s.scenario.traffic[0].every.map(|d| d.ms), Some(1000));
}

#[test]
fn an_unknown_top_level_key_is_refused_at_its_line() {
    let e = error(&format!("{BASE}trafic: []\n"));
    assert!(
        e.starts_with("s.yaml:4:1: unknown field `trafic`, expected one of"),
        "{e}"
    );
}

#[test]
fn a_bad_duration_says_which_units_exist() {
    let e = error(&format!("{BASE}duration: 5 minutes\n"));
    assert!(
        e.starts_with(
            "s.yaml:4:11: invalid duration \"5 minutes\": the unit must be ms, s, m or h"
        ),
        "{e}"
    );
}

#[test]
fn an_unknown_worker_is_refused_where_it_is_named() {
    let e = error(&format!(
        "{BASE}traffic:\n  - {{ at: 0s, colo: LHR, worker: ghost, url: / }}\n"
    ));
    assert_eq!(
        e,
        "s.yaml:5:34: traffic item 1: unknown worker \"ghost\"; the scenario defines [\"app\"]"
    );
}

#[test]
fn a_colo_missing_from_colos_is_refused() {
    let e = error(&format!(
        "{BASE}colos: [LHR]\ntraffic:\n  - {{ at: 0s, colo: XYZ, worker: app, url: / }}\n"
    ));
    assert_eq!(
        e,
        "s.yaml:6:21: traffic item 1: colo \"XYZ\" is not in `colos` [\"LHR\"]"
    );
}

#[test]
fn traffic_needs_exactly_one_of_at_and_every() {
    let e = error(&format!(
        "{BASE}traffic:\n  - {{ colo: LHR, worker: app, url: / }}\n"
    ));
    assert!(
        e.ends_with("traffic item 1: needs `at` (one request) or `every` (repeating)"),
        "{e}"
    );
    let e = error(&format!(
        "{BASE}traffic:\n  - {{ at: 1s, every: 1s, colo: LHR, worker: app, url: / }}\n"
    ));
    assert!(e.ends_with("give either `at` or `every`, not both"), "{e}");
}

#[test]
fn an_expectation_on_an_unknown_label_is_refused() {
    let e = error(&format!(
        "{BASE}traffic:\n  - {{ at: 0s, colo: LHR, worker: app, url: / }}\nexpect:\n  - {{ status_in: [200], label: nope }}\n"
    ));
    assert!(
        e.ends_with("expectation 1: no traffic item has label \"nope\""),
        "{e}"
    );
}

#[test]
fn an_unknown_checker_is_refused_naming_the_known_ones() {
    let e = error(&format!("{BASE}expect:\n  - {{ eventually_fine: true }}\n"));
    assert!(e.starts_with("s.yaml:5:"), "{e}");
    assert!(e.contains("unknown field `eventually_fine`"), "{e}");
    assert!(e.contains("`d1_sessions_monotonic`"), "{e}");
    assert!(e.contains("`websocket_total_order`"), "{e}");
}

#[test]
fn malformed_faults_are_refused_with_their_position() {
    let e = error(&format!(
        "{BASE}faults:\n  - {{ at: 30s, partition: [LHR, SIN] }}\n"
    ));
    assert_eq!(
        e,
        "s.yaml:5:16: fault 1: a `partition` needs `for:`, how long it lasts (like 20s)"
    );
    let e = error(&format!(
        "{BASE}faults:\n  - {{ at: 30s, partition: [LHR, MOON], for: 5s }}\n"
    ));
    assert!(
        e.ends_with("fault 1: unknown place \"MOON\": name a colo of the scenario or `kv-central`"),
        "{e}"
    );
    let e = error(&format!(
        "{BASE}faults:\n  - {{ at: 30s, latency_spike: [LHR, SIN], for: 5s }}\n"
    ));
    assert!(e.contains("a `latency_spike` needs `add:`"), "{e}");
    let e = error(&format!(
        "{BASE}faults:\n  - {{ at: 30s, partition: [[LHR, SIN], [SIN]], for: 5s }}\n"
    ));
    assert!(e.ends_with("\"SIN\" is on both sides"), "{e}");
    let e = error(&format!(
        "{BASE}faults:\n  - {{ at: 30s, crash: moon:FRA }}\n"
    ));
    assert!(
        e.starts_with("s.yaml:5:23: fault 1: cannot crash \"moon:FRA\": say `colo:<COLO>`"),
        "{e}"
    );
}

#[test]
fn a_fault_needs_exactly_one_kind() {
    let e = error(&format!("{BASE}faults:\n  - {{ at: 30s }}\n"));
    assert!(
        e.contains("fault 1: a fault needs exactly one of `crash`, `fail_storage_writes`, `partition` or `latency_spike`"),
        "{e}"
    );
}

#[test]
fn malformed_yaml_is_refused_with_its_position() {
    let e = error("name: [unclosed\n");
    assert!(
        e.starts_with("s.yaml:2:1:") || e.starts_with("s.yaml:1:"),
        "{e}"
    );
}

#[test]
fn a_missing_file_is_a_read_error() {
    let e = LoadedScenario::load(std::path::Path::new("no/such.yaml"))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("no/such.yaml: cannot read:"), "{e}");
}

#[test]
fn an_unknown_colo_code_is_refused_with_known_examples() {
    let e = error(&format!("{BASE}colos: [LHR, XYZ]\n"));
    assert!(
        e.starts_with(
            "s.yaml:4:14: unknown colo \"XYZ\": use an IATA code edgesim knows (SJC, SFO,"
        ),
        "{e}"
    );
}

#[test]
fn a_colo_given_with_coordinates_needs_no_table_entry() {
    let s = parse(&format!("{BASE}colos: [{{ name: HOME, lat: 10.0, lon: 20.0 }}]\ntraffic:\n  - {{ at: 0s, colo: HOME, worker: app, url: / }}\n")).unwrap();
    assert_eq!(s.colos()[0].name, "HOME");
}

#[test]
fn traffic_from_an_unknown_colo_without_a_colos_list_is_refused() {
    let e = error(&format!(
        "{BASE}traffic:\n  - {{ at: 0s, colo: QQQ, worker: app, url: / }}\n"
    ));
    assert!(e.contains("traffic item 1: unknown colo \"QQQ\""), "{e}");
}

#[test]
fn an_unknown_kv_knob_is_refused() {
    let e = error(&format!("{BASE}platform:\n  kv: {{ cache_ttl: 30s }}\n"));
    assert!(
        e.contains("unknown field `cache_ttl`, expected one of `cache_ttl_default`"),
        "{e}"
    );
}

#[test]
fn a_burst_count_must_be_from_1_to_10000() {
    let e = error(&format!(
        "{BASE}traffic:\n  - {{ at: 0s, count: 0, colo: LHR, worker: app, url: / }}\n"
    ));
    assert!(
        e.ends_with("traffic item 1: `count` must be from 1 to 10000"),
        "{e}"
    );
}

#[test]
fn an_expectation_names_exactly_one_checker() {
    let none = error(&format!("{BASE}expect:\n  - {{ label: r }}\n"));
    assert_eq!(none, "s.yaml:5:3: expect: the expectation names no checker");
    let two = error(&format!(
        "{BASE}expect:\n  - {{ status_in: [200], cold_starts_max: 3 }}\n"
    ));
    assert_eq!(
        two,
        "s.yaml:5:3: expect: one checker per expectation, found `status_in` and `cold_starts_max`"
    );
}

#[test]
fn a_checker_switched_off_with_false_is_refused_rather_than_ignored() {
    let e = error(&format!(
        "{BASE}expect:\n  - {{ no_lost_acknowledged_writes: false }}\n"
    ));
    assert!(
        e.ends_with(
            "`no_lost_acknowledged_writes: false` checks nothing; write \
             `no_lost_acknowledged_writes: true` or leave the item out"
        ),
        "{e}"
    );
}
