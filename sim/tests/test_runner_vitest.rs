//! `edgesim test` runs vitest files as vitest-pool-workers does: expectations with vitest's
//! messages and diffs, `.only`/`.skip`/`.todo`/`.fails`/`.each`, hooks in vitest's order,
//! isolated per-test storage, `SELF` and `cloudflare:test`, snapshots, and a report that a seed
//! replays byte for byte.

use std::path::{Path, PathBuf};

use edgesim_sim::test::{self, Project, RunOptions, SnapshotUpdate, TestStatus};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/vitest")
        .join(name)
}

/// Runs the files of project `root` whose path contains `filter`.
fn run(root: &Path, filter: &str, options: &RunOptions) -> Vec<test::FileOutcome> {
    let project = Project::load(root, None).expect("the project loads");
    let files = project.test_files(&[filter.to_string()]).expect("files");
    assert!(!files.is_empty(), "no file matches {filter}");
    test::run(&project, &files, options)
        .expect("the run")
        .into_iter()
        .map(|(_, f)| f)
        .collect()
}

fn status_of(file: &test::FileOutcome, name: &str) -> TestStatus {
    file.report
        .tests
        .iter()
        .find(|t| t.full_name() == name)
        .unwrap_or_else(|| panic!("no test {name:?} in {:?}", file.report.tests))
        .status
}

#[test]
fn a_failing_expectation_fails_its_test_and_shows_vitests_message_and_diff() {
    let files = run(&fixture("basics"), "expectations", &RunOptions::default());
    let file = &files[0];
    assert!(file.report.failed());
    let failed = file
        .report
        .tests
        .iter()
        .find(|t| t.name == "fails with a diff")
        .expect("the test");
    assert_eq!(failed.status, TestStatus::Failed);
    let error = &failed.errors[0];
    assert_eq!(error.name, "AssertionError");
    assert_eq!(
        error.message,
        "expected { a: 1, b: [ 1, 2 ] } to deeply equal { a: 1, b: [ 1, 3 ] }"
    );
    assert_eq!(
        error.diff.as_deref(),
        Some(
            "- Expected\n+ Received\n\n  {\n    \"a\": 1,\n    \"b\": [\n      1,\n-     3,\n+     2,\n    ],\n  }"
        )
    );
    let to_be = status_of(file, "expectations > fails a toBe");
    assert_eq!(to_be, TestStatus::Failed);
    assert_eq!(status_of(file, "expectations > passes"), TestStatus::Passed);
    // `.resolves`/`.rejects`, `.resolves.not.toThrow()` on a value included.
    let settles = status_of(
        file,
        "expectations > settles promises with resolves and rejects",
    );
    assert_eq!(settles, TestStatus::Passed);
}

#[test]
fn skip_todo_fails_and_each_are_reported_as_vitest_reports_them() {
    let files = run(&fixture("basics"), "expectations", &RunOptions::default());
    let file = &files[0];
    assert_eq!(
        status_of(file, "expectations > is skipped"),
        TestStatus::Skipped
    );
    assert_eq!(status_of(file, "expectations > is to do"), TestStatus::Todo);
    assert_eq!(
        status_of(file, "expectations > is expected to fail"),
        TestStatus::Passed
    );
    assert_eq!(
        status_of(file, "expectations > add(1, 2) = 3"),
        TestStatus::Passed
    );
    assert_eq!(
        status_of(file, "expectations > add(2, 3) = 5"),
        TestStatus::Passed
    );
}

#[test]
fn a_test_that_never_settles_times_out_on_the_simulated_clock() {
    let files = run(&fixture("basics"), "expectations", &RunOptions::default());
    let test = files[0]
        .report
        .tests
        .iter()
        .find(|t| t.name == "never settles")
        .expect("the test");
    assert_eq!(test.status, TestStatus::Failed);
    assert_eq!(test.duration_ms, 250);
    assert!(
        test.errors[0]
            .message
            .starts_with("Test timed out in 250ms."),
        "{}",
        test.errors[0].message
    );
}

#[test]
fn only_runs_the_marked_tests_and_suites() {
    let files = run(&fixture("basics"), "only", &RunOptions::default());
    let file = &files[0];
    assert_eq!(
        status_of(file, "outer > is not marked"),
        TestStatus::Skipped
    );
    assert_eq!(status_of(file, "outer > is marked"), TestStatus::Passed);
    assert_eq!(
        status_of(
            file,
            "outer > a marked suite > runs because its suite is marked"
        ),
        TestStatus::Passed
    );
}

#[test]
fn a_name_pattern_skips_the_tests_it_does_not_match() {
    let options = RunOptions {
        pattern: Some("toBe$".to_string()),
        ..Default::default()
    };
    let files = run(&fixture("basics"), "expectations", &options);
    let ran: Vec<String> = files[0]
        .report
        .tests
        .iter()
        .filter(|t| t.status != TestStatus::Skipped && t.status != TestStatus::Todo)
        .map(|t| t.full_name())
        .collect();
    assert_eq!(ran, ["expectations > fails a toBe"]);
}

#[test]
fn hooks_run_outermost_first_before_a_test_and_innermost_first_after_it() {
    let files = run(&fixture("basics"), "hooks", &RunOptions::default());
    let report = &files[0].report;
    assert!(!report.failed(), "{:#?}", report.tests);
    assert_eq!(report.tests.len(), 2);
}

#[test]
fn self_env_bindings_and_isolated_storage_behave_as_in_the_pool() {
    let files = run(&fixture("basics"), "worker", &RunOptions::default());
    let report = &files[0].report;
    // Each test's KV write is undone: both counting tests see beforeAll's 10 and count to 11.
    assert!(!report.failed(), "{:#?}", report.tests);
    assert_eq!(report.tests.len(), 6);
    let console: Vec<&str> = report
        .logs
        .iter()
        .filter(|l| l.level != "edgesim-test")
        .map(|l| l.message.as_str())
        .collect();
    assert_eq!(console[0], "serving /hello");
}

#[test]
fn the_same_seed_gives_the_same_report() {
    let first = run(&fixture("basics"), "spec", &RunOptions::default());
    let second = run(&fixture("basics"), "spec", &RunOptions::default());
    let json = |files: &[test::FileOutcome]| {
        serde_json::to_string(&test::report::json_report(files, Path::new("/project"))).unwrap()
    };
    assert_eq!(json(&first), json(&second));
}

/// A copy of fixture `name` in a directory of its own, to write snapshots into.
fn scratch_copy(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("edgesim-vitest-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&fixture(name), &dir);
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn new_snapshots_are_written_as_vitest_writes_them_and_then_match() {
    let root = scratch_copy("snapshots");
    let mut options = RunOptions {
        update: SnapshotUpdate::New,
        ..Default::default()
    };
    let first = run(&root, "spec", &options);
    assert!(!first[0].report.failed(), "{:#?}", first[0].report.tests);
    assert_eq!(first[0].report.snapshots.added, 3);
    let source = std::fs::read_to_string(root.join("test/snap.spec.ts")).unwrap();
    assert!(
        source.contains("expect(\"one line\").toMatchInlineSnapshot(`\"one line\"`);"),
        "{source}"
    );
    assert!(
        source.contains(
            "\t\texpect({ b: 2, a: [1] }).toMatchInlineSnapshot(`\n\t\t\t{\n\t\t\t  \"a\": [\n\t\t\t    1,\n\t\t\t  ],\n\t\t\t  \"b\": 2,\n\t\t\t}\n\t\t`);"
        ),
        "{source}"
    );
    let stored =
        std::fs::read_to_string(root.join("test/__snapshots__/snap.spec.ts.snap")).unwrap();
    assert_eq!(
        stored,
        "// Vitest Snapshot v1, https://vitest.dev/guide/snapshot.html\n\nexports[`snapshots > to a file 1`] = `\nMap {\n  \"k\" => Set {\n    1,\n  },\n}\n`;\n"
    );
    // In CI nothing is written, and what was written now matches.
    options.update = SnapshotUpdate::None;
    let second = run(&root, "spec", &options);
    assert!(!second[0].report.failed(), "{:#?}", second[0].report.tests);
    assert_eq!(second[0].report.snapshots.matched, 3);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_snapshot_that_differs_fails_in_ci_with_vitests_message() {
    let root = scratch_copy("snapshots");
    std::fs::create_dir_all(root.join("test/__snapshots__")).unwrap();
    std::fs::write(
        root.join("test/__snapshots__/snap.spec.ts.snap"),
        "// Vitest Snapshot v1, https://vitest.dev/guide/snapshot.html\n\nexports[`snapshots > to a file 1`] = `\"something else\"`;\n",
    )
    .unwrap();
    let files = run(&root, "spec", &RunOptions::default());
    let test = files[0]
        .report
        .tests
        .iter()
        .find(|t| t.name == "to a file")
        .expect("the test");
    assert_eq!(test.status, TestStatus::Failed);
    assert_eq!(
        test.errors[0].message,
        "Snapshot `snapshots > to a file 1` mismatched"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_test_file_that_does_not_parse_fails_to_load_naming_its_line() {
    let files = run(&fixture("broken"), "spec", &RunOptions::default());
    let error = files[0].report.load_error.as_ref().expect("a load error");
    assert!(
        error.message.contains("test/broken.spec.ts:3"),
        "{}",
        error.message
    );
}

#[test]
fn cloudflare_test_helpers_migrate_mock_fetch_read_queue_results_and_travel_in_time() {
    // vitest.config.ts reads the migrations with readD1Migrations, a setup file applies them
    // with applyD1Migrations; fetchMock answers and refuses outbound requests; a queue
    // handler's decisions come back from getQueueResult; sim.advance("61s") expires a KV key
    // inside a test whose timeout is 5 s; SELF.queue and SELF.scheduled reach the Worker's
    // other handlers in the test's isolate.
    let files = run(&fixture("platform"), "spec", &RunOptions::default());
    let report = &files[0].report;
    assert!(!report.failed(), "{:#?}", report.tests);
    assert_eq!(report.tests.len(), 5);
    assert!(report.duration_ms >= 61_000, "{}", report.duration_ms);
}

#[test]
fn production_kv_write_limit_is_kept_only_when_asked_for() {
    // beforeAll writes `count`, a test writes it again at once: the pool's local KV (and so
    // edgesim test by default) allows it; production's one write per second per key does not.
    let options = RunOptions {
        kv_write_limit: true,
        ..Default::default()
    };
    let files = run(&fixture("basics"), "worker", &options);
    let test = files[0]
        .report
        .tests
        .iter()
        .find(|t| t.name == "counts from what beforeAll stored")
        .expect("the test");
    assert_eq!(test.status, TestStatus::Failed);
    assert_eq!(
        test.errors[0].message,
        "KV PUT failed: 429 Too Many Requests"
    );
}

#[test]
fn self_fetch_reaches_static_assets_before_the_worker_as_the_pools_router_does() {
    let files = run(&fixture("assets"), "spec", &RunOptions::default());
    let report = &files[0].report;
    assert!(!report.failed(), "{:#?}", report.tests);
    assert_eq!(report.tests.len(), 5);
    // Only the two requests run_worker_first sends to the Worker ran it.
    let worker_lines: Vec<&str> = report
        .logs
        .iter()
        .filter(|l| l.level != "edgesim-test")
        .map(|l| l.message.as_str())
        .collect();
    assert_eq!(
        worker_lines,
        ["worker ran for /api/items", "worker ran for /api/guide"]
    );
}

#[test]
fn workflow_introspectors_mock_steps_and_events_and_wait_on_the_simulated_clock() {
    // introspectWorkflowInstance and introspectWorkflow (with `await using`): mocked step
    // results and errors, disabled sleeps and retry delays, mocked and timed-out events,
    // waits on step results and statuses, mocks kept through a restart, and
    // `exports.default.fetch` creating instances the session sees.
    let files = run(&fixture("workflows"), "spec", &RunOptions::default());
    for file in &files {
        assert!(!file.report.failed(), "{:#?}", file.report.tests);
    }
    let tests: usize = files.iter().map(|f| f.report.tests.len()).sum();
    assert_eq!(tests, 9);
    // The one test that leaves sleeps on waits out the 30 s sleep on the simulated clock.
    let instance = files
        .iter()
        .find(|f| {
            f.report
                .tests
                .iter()
                .any(|t| t.name.starts_with("sleeps on"))
        })
        .expect("instance.spec.ts");
    assert!(
        instance.report.duration_ms >= 30_000,
        "{}",
        instance.report.duration_ms
    );
}

/// Asserts that every test of `files` passed and that they hold `count` tests in all.
fn assert_all_passed(files: &[test::FileOutcome], count: usize) {
    for file in files {
        let failures: Vec<String> = (file.report.tests.iter())
            .filter(|t| t.status != TestStatus::Passed)
            .map(|t| format!("{}: {:?}", t.full_name(), t.errors))
            .collect();
        assert!(
            failures.is_empty() && file.report.load_error.is_none(),
            "{failures:#?} {:?}",
            file.report.load_error
        );
    }
    let tests: usize = files.iter().map(|f| f.report.tests.len()).sum();
    assert_eq!(tests, count);
}

#[test]
fn a_pages_project_runs_its_function_tests_unit_and_integration() {
    let files = run(&fixture("pages-functions"), "test/", &RunOptions::default());
    assert_eq!(files.len(), 2);
    assert_all_passed(&files, 7);
}

#[test]
fn fake_timers_and_stubs_behave_as_vitests() {
    let files = run(&fixture("timers"), "timers", &RunOptions::default());
    assert_eq!(files.len(), 1);
    assert_all_passed(&files, 7);
}

#[test]
fn a_cloudflare_test_plugin_config_isolates_storage_per_file_and_sees_import_meta_as_node_does() {
    let files = run(&fixture("plugin-config"), "test", &RunOptions::default());
    let mut statuses: Vec<(String, TestStatus)> = (files.iter())
        .flat_map(|f| f.report.tests.iter())
        .map(|t| (t.full_name(), t.status))
        .collect();
    statuses.sort_by(|a, b| a.0.cmp(&b.0));
    let expected: Vec<(String, TestStatus)> = [
        "reads the config that import.meta located",
        "sees what an earlier test of the file wrote",
        "starts from empty storage in another file",
        "writes a key",
    ]
    .iter()
    .map(|n| (n.to_string(), TestStatus::Passed))
    .collect();
    assert_eq!(statuses, expected);
}

#[test]
fn queue_batches_reach_the_workers_consumer_in_the_tests_isolate_within_the_configs_batch_timeout()
{
    let files = run(&fixture("queues"), "consumer", &RunOptions::default());
    let file = &files[0];
    assert_eq!(
        status_of(
            file,
            "delivers the platform's batches to the Worker's queue handler in the test's isolate"
        ),
        TestStatus::Passed
    );
    assert_eq!(
        status_of(
            file,
            "forms batches within the test config's maxBatchTimeout"
        ),
        TestStatus::Passed
    );
}

#[test]
fn service_binding_extra_handlers_give_the_workers_own_exports_default_its_queue_handler() {
    let files = run(&fixture("queues"), "extra-handlers", &RunOptions::default());
    assert_eq!(
        status_of(
            &files[0],
            "runs the queue handler through the Worker's own exports.default"
        ),
        TestStatus::Passed
    );
}

#[test]
fn auxiliary_workers_of_the_config_run_beside_the_runner_and_answer_through_service_bindings() {
    // miniflare.workers: one built by `wrangler build` into dist/ in the pool (loaded from its
    // wrangler config here), one a script with a KV binding and a named entrypoint; the
    // project has no Worker of its own, so SELF has nothing to reach. A function the test
    // passes to one is called back in the test file's isolate.
    let files = run(&fixture("auxiliary"), "spec", &RunOptions::default());
    let report = &files[0].report;
    assert!(!report.failed(), "{:#?}", report.tests);
    let names: Vec<String> = report.tests.iter().map(|t| t.full_name()).collect();
    assert_eq!(
        names,
        [
            "reaches an auxiliary Worker's fetch handler through a service binding",
            "runs its scheduled handler with service_binding_extra_handlers",
            "calls a named entrypoint over RPC, with the auxiliary Worker's own bindings",
            "calls back a function the test passed to an auxiliary Worker",
            "has no Worker of its own for SELF to reach without a main",
        ]
    );
}

#[test]
fn a_worker_configured_in_a_subdirectory_runs_the_test_files_beside_it() {
    // `wrangler.configPath: "./src/wrangler.jsonc"`: the Worker's root is src/, its tests are
    // in test/ (with a tsconfig.json of their own) and import `../src/index`; outside any
    // repository, so the project (not src/) bounds what the Worker may load.
    let root = std::env::temp_dir().join(format!("edgesim-src-worker-{}", std::process::id()));
    let files = [
        (
            "src/wrangler.jsonc",
            r#"{ "name": "nested", "main": "./index.ts", "compatibility_date": "2025-06-01" }"#,
        ),
        (
            "src/index.ts",
            "export default { fetch: () => new Response(\"nested\") };\n",
        ),
        (
            "vitest.config.ts",
            "import { defineWorkersConfig } from \"@cloudflare/vitest-pool-workers/config\";\n\
             export default defineWorkersConfig({ test: { poolOptions: { workers: { wrangler: \
             { configPath: \"./src/wrangler.jsonc\" } } } } });\n",
        ),
        (
            "test/index.spec.ts",
            "import { SELF } from \"cloudflare:test\";\nimport { expect, it } from \"vitest\";\n\
             import worker from \"../src/index\";\n\
             it(\"imports the Worker\", async () => {\n\
             \x20 expect(await (await worker.fetch()).text()).toBe(\"nested\");\n\
             \x20 expect(await (await SELF.fetch(\"https://x/\")).text()).toBe(\"nested\");\n\
             \x20 const again = await import(\"../src/index\");\n\
             \x20 expect(again.default).toBe(worker);\n\
             \x20 expect((await import(\"@nested\")).default).toBe(worker);\n});\n",
        ),
        // The test files' own tsconfig.json, as the pool's examples have: it is theirs (its
        // `paths` apply to them), and relative imports out of test/ still resolve.
        (
            "test/tsconfig.json",
            r#"{ "include": ["./**/*.ts"], "compilerOptions": { "paths": { "@nested": ["../src/index.ts"] } } }"#,
        ),
    ];
    for (path, contents) in files {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, contents).unwrap();
    }
    let outcome = run(&root, "index", &RunOptions::default());
    let _ = std::fs::remove_dir_all(&root);
    let report = &outcome[0].report;
    assert!(
        !report.failed(),
        "{:#?} {:?}",
        report.tests,
        report.load_error
    );
    assert_eq!(report.tests.len(), 1);
}

#[test]
fn with_env_and_with_exports_replace_cloudflare_workers_bindings_for_a_callback_and_assert_is_chais()
 {
    // `withEnv`/`withExports`/`withEnvAndExports` from `cloudflare:workers`: the callback (and
    // what it awaits, a timer included) reads the replacement; outside it, the Worker's own.
    // vitest's `assert` is chai's interface with chai's texts; a config's `miniflare` import
    // gives the runtime's fetch classes.
    assert_eq!(
        crate::common::fixture_statuses("env-overrides", "overrides"),
        crate::common::all_passed(&[
            "runs a callback with env replaced, through what it awaits",
            "runs a callback with exports replaced, and both at once",
            "gives chai's assert interface with chai's messages",
        ])
    );
}
