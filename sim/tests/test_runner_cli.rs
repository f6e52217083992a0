//! `edgesim test` from the command line: a project made by `create-cloudflare` passes
//! unchanged, exit codes (0 passed, 1 a test failed, 2 bad input), vitest's JSON and JUnit
//! reports, and runs over many seeds.

use std::path::Path;
use std::process::{Command, Output};

fn edgesim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_edgesim"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        // Outside CI new snapshots would be written; these runs must write nothing.
        .env("CI", "1")
        .output()
        .expect("the edgesim binary runs")
}

/// The standard output of a run that must exit 0.
fn passing(args: &[&str]) -> String {
    let out = edgesim(args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    stdout
}

const BASICS: &str = "sim/tests/fixtures/vitest/basics";

#[test]
fn the_create_cloudflare_hello_world_project_passes_unchanged() {
    // examples/c3-hello-world is `npm create cloudflare@2.66.0 -- --type hello-world --lang ts`
    // as it made it (without node_modules): vitest.config.mts with defineWorkersConfig,
    // test/index.spec.ts with SELF, createExecutionContext and inline snapshots.
    let stdout = passing(&["test", "--root", "examples/c3-hello-world"]);
    assert_eq!(
        stdout,
        " ✓ test/index.spec.ts (2 tests) 0ms\n\n Test Files  1 passed (1)\n      Tests  2 passed (2)\n     Replay  edgesim test --seed 0 --root examples/c3-hello-world\n"
    );
}

#[test]
fn the_shipped_notes_app_suite_passes_including_its_multi_colo_staleness_test() {
    // Unit tests, integration through SELF with D1 migrations, a Durable Object through its
    // stub, a queue consumer, KV read at Singapore from its cached copy until it expires (its
    // staleness checked), and Singapore cut off KV's central store.
    let stdout = passing(&["test", "--root", "examples/notes-app"]);
    assert!(
        stdout.contains(" ✓ test/edge.spec.ts (2 tests) 126"),
        "{stdout}"
    );
    assert!(stdout.contains("      Tests  11 passed (11)\n"), "{stdout}");
}

#[test]
fn a_failing_test_exits_1_and_prints_the_failure_and_its_replay_command() {
    let out = edgesim(&["test", "--root", BASICS, "expectations", "--seed", "7"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(" FAIL  test/expectations.spec.ts > expectations > fails a toBe\nAssertionError: expected 2 to be 3 // Object.is equality\n\n- Expected\n+ Received\n\n- 3\n+ 2\n\n ❯ test/expectations.spec.ts:11:17\n"), "{stdout}");
    assert!(
        stdout.ends_with("     Replay  edgesim test --seed 7 --root sim/tests/fixtures/vitest/basics expectations\n"),
        "{stdout}"
    );
}

#[test]
fn the_same_seed_prints_the_same_bytes() {
    let first = edgesim(&["test", "--root", BASICS, "--seed", "3"]);
    let second = edgesim(&["test", "--root", BASICS, "--seed", "3"]);
    assert_eq!(first.stdout, second.stdout);
    assert_eq!(first.status.code(), Some(1));
}

#[test]
fn no_test_files_and_a_broken_config_exit_2_naming_the_problem() {
    let out = edgesim(&["test", "--root", BASICS, "no-such-file"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no test files found"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = edgesim(&["test", "--root", "sim/tests/fixtures/vitest/bad-config"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: vitest.config.mts: poolOptions.workers: ")
            && stderr.contains("missing.toml: no such file"),
        "{stderr}"
    );
}

#[test]
fn a_migration_that_fails_stops_the_run_with_exit_2_naming_it_once() {
    let out = edgesim(&["test", "--root", "sim/tests/fixtures/vitest/bad-migration"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.ends_with(
            "error: D1 migrations: Migration 0001_bad.sql failed with the following errors:\nD1_ERROR: near \"(\": syntax error at offset 14: SQLITE_ERROR\n"
        ),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("failed with the following errors").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn the_json_reporter_prints_vitests_jest_compatible_document() {
    let out = edgesim(&["test", "--root", BASICS, "--reporter", "json", "only"]);
    assert_eq!(out.status.code(), Some(0));
    let mut json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    // The absolute path differs from one checkout to another.
    json["testResults"][0]["name"] = serde_json::Value::from("<root>/test/only.spec.ts");
    insta::assert_json_snapshot!(json);
}

#[test]
fn the_junit_reporter_prints_one_testsuite_per_file() {
    let out = edgesim(&[
        "test",
        "--root",
        BASICS,
        "--reporter",
        "junit",
        "expectations",
    ]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

#[test]
fn seeds_run_every_file_under_each_seed_and_list_the_failing_ones() {
    let out = edgesim(&[
        "test", "--root", BASICS, "hooks", "--seeds", "0..3", "--jobs", "2",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        " 3 seeds × 1 files: 0 failing\n"
    );
}

const PROJECTS: &str = "sim/tests/fixtures/vitest/projects";

/// vitest's `test.projects`, run from a monorepo's root: each listed config (a package
/// directory, or a config file by glob; `!` leaves one out) is a project with its own Worker
/// and include, its files named from the root; the root's global setup provides to all.
#[test]
fn a_root_config_listing_projects_runs_each_with_its_own_config_and_worker() {
    let stdout = passing(&["test", "--root", PROJECTS]);
    assert_eq!(
        stdout,
        " ✓ other/test/sum.e2e.ts (1 test) 0ms\n ✓ packages/counter/test/index.test.ts (1 test) 0ms\n ✓ packages/greeter/test/index.test.ts (1 test) 0ms\n\n Test Files  3 passed (3)\n      Tests  3 passed (3)\n     Replay  edgesim test --seed 0 --root sim/tests/fixtures/vitest/projects\n"
    );
    // A filter is over the path from the root; the JSON report names files from there too.
    let json = passing(&["test", "--root", PROJECTS, "greeter", "--reporter", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let names: Vec<&str> = (report["testResults"].as_array().unwrap().iter())
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(
        names[0].ends_with("/projects/packages/greeter/test/index.test.ts"),
        "{names:?}"
    );
}

#[test]
fn an_inline_project_config_is_refused_with_exit_2_saying_what_to_do() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("inline-project");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("vitest.config.ts"),
        "export default { test: { projects: [{ test: { name: \"unit\" } }] } };\n",
    )
    .unwrap();
    let out = edgesim(&["test", "--root", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "test.projects: the inline project \"unit\" is not supported; give each project a \
             config file (or a directory holding one) and list its path"
        ),
        "{stderr}"
    );
}

#[test]
fn a_global_setups_teardown_runs_after_its_setup_last_first_and_what_it_throws_fails_the_run() {
    let out = edgesim(&[
        "test",
        "--root",
        "sim/tests/fixtures/vitest/global-teardown",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Tests  1 passed (1)"), "{stdout}");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Error: a global setup's teardown threw (vitest.config.mts):\n\
         Error: teardown failed after: first setup, first teardown, second teardown\n"
    );
}
