//! The shipped static-site scenario: a site's files served by the platform at each colo in
//! front of its API Worker.

use std::path::Path;

use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::run;
use edgesim_sim::trace::TraceEvent;

#[test]
fn static_site_scenario_serves_files_at_the_edge_and_the_api_from_the_worker() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/static-site.yaml");
    let s = LoadedScenario::load(&path).unwrap();
    let out = run(&s, s.scenario.seed.unwrap()).unwrap();
    assert!(out.passed(), "{:#?}", out.verdicts);
    let from_assets = out.requests.iter().filter(|r| r.from_assets).count();
    let api = out
        .requests
        .iter()
        .filter(|r| r.url.contains("/api/"))
        .count();
    assert_eq!(from_assets + api, out.requests.len());
    assert!(
        out.requests
            .iter()
            .filter(|r| r.from_assets)
            .all(|r| !r.cold_start && r.cpu_used_ms == 0.0)
    );
    let assets_traced = out
        .trace
        .events
        .iter()
        .filter(|e| matches!(e, TraceEvent::AssetResponse { .. }))
        .count();
    assert_eq!(assets_traced, from_assets);
    let manifest = out
        .requests
        .iter()
        .find(|r| r.url.ends_with("/api/manifest"))
        .unwrap();
    assert!(
        manifest.body.contains(r#""scripts":["/assets/app.js"]"#),
        "{}",
        manifest.body
    );
    let spa = out
        .requests
        .iter()
        .find(|r| r.label.as_deref() == Some("spa"))
        .unwrap();
    assert!(spa.from_assets && spa.body.contains("<title>Visits</title>"));
    let again = run(&s, s.scenario.seed.unwrap()).unwrap();
    assert_eq!(out.trace.hash(), again.trace.hash());
}
