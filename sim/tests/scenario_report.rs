//! `edgesim run --report FILE.html`: a self-contained page with the verdicts, charts drawn as
//! inline SVG, and the run's notable events.

use std::path::Path;

use edgesim_sim::report::html;
use edgesim_sim::scenario::LoadedScenario;
use edgesim_sim::scenario::run::run;

fn shipped(name: &str) -> (LoadedScenario, u64) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../scenarios/{name}.yaml"));
    let s = LoadedScenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let seed = s.scenario.seed.unwrap_or(0);
    (s, seed)
}

/// The page without its SVG, trace hash and CPU figures (those move with the runtime's own
/// JavaScript and are pinned elsewhere): what a reader sees as text.
fn text_of(page: &str) -> String {
    let mut out = String::new();
    let mut rest = page;
    while let Some(start) = rest.find("<svg") {
        out.push_str(&rest[..start]);
        out.push_str("[chart]");
        rest = rest[start..]
            .split_once("</svg>")
            .map_or("", |(_, after)| after);
    }
    out.push_str(rest);
    out.lines()
        .map(|line| {
            let line = match line.find(" · trace ") {
                Some(i) => format!("{}</p>", &line[..i]),
                None => line.to_string(),
            };
            match (line.find(" ("), line.find(" ms startup CPU)")) {
                (Some(a), Some(b)) if a < b => {
                    format!("{} (… ms startup CPU){}", &line[..a], &line[b + 16..])
                }
                _ => line,
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn report_of_the_do_counter_run_has_its_verdicts_charts_and_events() {
    let (s, seed) = shipped("do-counter");
    let out = run(&s, seed).unwrap_or_else(|e| panic!("{e}"));
    let page = html(&out).unwrap_or_else(|e| panic!("{e}"));
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(!page.contains("<script"), "self-contained, no scripts");
    assert!(
        page.replace("http://www.w3.org/2000/svg", "")
            .find("http")
            .is_none(),
        "nothing to fetch from the network"
    );
    assert_eq!(page.matches("<svg").count(), 2, "requests and object calls");
    insta::assert_snapshot!("report_do_counter_text", text_of(&page));
}

#[test]
fn report_of_a_kv_run_charts_the_versions_each_colo_saw() {
    let (s, seed) = shipped("kv-propagation");
    let out = run(&s, seed).unwrap_or_else(|e| panic!("{e}"));
    let page = html(&out).unwrap_or_else(|e| panic!("{e}"));
    assert!(page.contains("<h2>KV versions seen</h2>"));
    assert_eq!(page.matches("<svg").count(), 2, "requests and KV");
}

#[test]
fn run_report_flag_writes_the_page() {
    let path = std::env::temp_dir().join(format!("edgesim-report-{}.html", std::process::id()));
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_edgesim"))
        .args(["run", "scenarios/hello.yaml", "--report"])
        .arg(&path)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .output()
        .expect("the edgesim binary runs");
    assert_eq!(status.status.code(), Some(0));
    let page = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        page.contains("<h1>hello</h1>"),
        "{}",
        &page[..page.len().min(400)]
    );
    assert!(page.contains("<svg"));
}
