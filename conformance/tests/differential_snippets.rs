//! Short snippets of Worker code, answered by real workerd (recorded by
//! conformance/reference/workerd/snippets.mjs into `results/snippets-*.json`) and by edgesim:
//! the same outcome, the same error class and the same message, snippet by snippet.

use edgesim_conformance::reference::{snippet_answers, snippet_worker};
use edgesim_conformance::{Run, body_json, get};

/// Runs the recorded snippets of `name` in edgesim and compares every answer.
fn answers_as_workerd_does(name: &str) {
    let recorded = snippet_answers(name);
    let snippets: Vec<String> = recorded.iter().map(|(s, _)| s.clone()).collect();
    let x = Run::default()
        .fetch(&snippet_worker(&snippets), get("https://example.com/"))
        .unwrap_or_else(|e| panic!("{name}: the snippet Worker did not run: {e}"));
    let ours = body_json(&x.response);
    let ours = ours.as_array().cloned().unwrap_or_default();
    assert_eq!(ours.len(), recorded.len(), "{name}: one answer per snippet");
    let differences: Vec<String> = recorded
        .iter()
        .zip(&ours)
        .filter(|((_, theirs), ours)| theirs != *ours)
        .map(|((snippet, theirs), ours)| {
            format!("{snippet}\n  workerd: {theirs}\n  edgesim: {ours}")
        })
        .collect();
    assert!(
        differences.is_empty(),
        "{name}:\n{}",
        differences.join("\n")
    );
}

#[test]
fn request_and_response_refuse_a_non_dictionary_init_and_report_error_dispatches_an_error_event() {
    answers_as_workerd_does("constructors-and-report-error");
}

#[test]
fn r2_put_accepts_only_streams_of_known_length() {
    answers_as_workerd_does("r2-put-streams");
}
