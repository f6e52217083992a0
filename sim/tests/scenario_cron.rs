//! Cron triggers (`triggers.crons`) fire the `scheduled` handler on the simulated clock.

use std::path::{Path, PathBuf};

use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::run;

fn shipped() -> LoadedScenario {
    LoadedScenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/cron.yaml"))
        .unwrap()
}

/// A scenario around a one-file Worker with the given cron and `scheduled` body.
fn with_worker(cron: &str, scheduled_body: &str) -> LoadedScenario {
    let dir = std::env::temp_dir().join(format!(
        "edgesim-cron-{}-{}",
        std::process::id(),
        cron.len() + scheduled_body.len()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("wrangler.toml"),
        format!("main = 'w.js'\n[triggers]\ncrons = [\"{cron}\"]\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("w.js"),
        format!("export default {{ async scheduled(controller, env, ctx) {{ {scheduled_body} }}, fetch() {{ return new Response('ok'); }} }};"),
    )
    .unwrap();
    let text = format!(
        "name: c\nduration: 3m\ncolos: [LHR]\nworkers:\n  app: {}\n",
        dir.join("wrangler.toml").display()
    );
    LoadedScenario::parse("c.yaml", &text, PathBuf::from(".")).unwrap()
}

#[test]
fn cron_triggers_fire_at_each_matching_minute_with_the_cron_time() {
    let out = run(&shipped(), 3).unwrap();
    assert!(out.passed(), "{:?}", out.verdicts);
    let fired: Vec<(u64, &str)> = out
        .scheduled
        .iter()
        .map(|s| (s.at_ms, s.outcome.as_deref().unwrap_or("-")))
        .collect();
    assert_eq!(
        fired,
        vec![
            (120_000, "ok"),
            (240_000, "ok"),
            (360_000, "ok"),
            (480_000, "ok")
        ]
    );
    let runs: serde_json::Value = serde_json::from_str(&out.requests[0].body).unwrap();
    let times: Vec<u64> = runs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["scheduledTime"].as_u64().unwrap())
        .collect();
    let epoch = edgesim_sim::host::DEFAULT_EPOCH_MS;
    assert_eq!(
        times,
        vec![
            epoch + 120_000,
            epoch + 240_000,
            epoch + 360_000,
            epoch + 480_000
        ]
    );
    assert_eq!(runs[0]["cron"], "*/2 * * * *");
}

#[test]
fn a_throwing_scheduled_handler_ends_with_outcome_exception() {
    let out = run(
        &with_worker("* * * * *", "throw new Error('cron failed');"),
        1,
    )
    .unwrap();
    assert_eq!(
        out.scheduled.len(),
        2,
        "at 1 and 2 minutes; the run ends at 3"
    );
    let outcomes: Vec<Option<&str>> = out.scheduled.iter().map(|s| s.outcome.as_deref()).collect();
    assert_eq!(outcomes, vec![Some("exception"); 2]);
}

#[test]
fn an_invalid_cron_expression_is_refused_naming_the_worker() {
    let e = run(&with_worker("61 * * * *", ""), 1)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("worker \"app\": triggers.crons: invalid cron expression \"61 * * * *\":"),
        "{e}"
    );
}
