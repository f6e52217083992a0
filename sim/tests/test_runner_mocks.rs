//! `vi.mock` in `edgesim test`, as vitest mocks modules: hoisted above the file's imports, seen
//! by every module the test file imports (a real npm package included), with factories,
//! `importOriginal`, automocks, `{ spy: true }` and `__mocks__` files — and not by `SELF`, whose
//! Worker keeps its real modules.

use std::path::{Path, PathBuf};

use edgesim_sim::test::{self, TestStatus};

use crate::common::{all_passed, test_statuses};

/// The fixture project, its packages (`jose`) installed from its lockfile.
fn project() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vitest/mocks");
    crate::common::npm_ci(&root);
    root
}

fn run_file(filter: &str) -> test::FileOutcome {
    crate::common::run_test_file(&project(), filter)
}

#[test]
fn a_factory_mock_replaces_a_package_for_the_test_file_and_the_modules_it_imports_but_not_self() {
    let file = run_file("test/factory");
    let mut expected = all_passed(&[
        "a factory mock > replaces the package where the test imports it",
        "a factory mock > replaces it inside the modules the test imports",
        "a factory mock > reaches the handler the test calls directly",
        "a factory mock > leaves SELF on the Worker's real modules",
        "a factory mock > lets vi.mocked change the mock per test",
    ]);
    expected.push((
        "a factory mock > reports a failure on the line it was written".to_string(),
        TestStatus::Failed,
    ));
    assert_eq!(test_statuses(&file), expected);
}

#[test]
fn a_failure_after_hoisted_mocks_points_at_the_line_as_written() {
    let file = run_file("test/factory");
    let failed = (file.report.tests.iter())
        .find(|t| t.status == TestStatus::Failed)
        .expect("the failing test");
    let error = &failed.errors[0];
    assert_eq!(
        error.message,
        "expected \"vi.fn()\" to be called 99 times, but got 4 times"
    );
    assert!(
        error.stack.contains("test/factory.spec.ts:35:18"),
        "{}",
        error.stack
    );
}

#[test]
fn an_automock_turns_functions_into_mocks_empties_arrays_and_keeps_primitives() {
    let file = run_file("automock");
    assert_eq!(
        test_statuses(&file),
        all_passed(&[
            "turns functions into mocks that return undefined",
            "keeps primitives and empties arrays",
            "mocks a class and its methods",
            "takes an implementation per test",
            "gives the real module through vi.importActual",
        ])
    );
}

#[test]
fn import_original_and_a_mocks_folder_give_partial_and_manual_mocks() {
    let file = run_file("partial");
    assert_eq!(
        test_statuses(&file),
        all_passed(&[
            "keeps what the factory takes from importOriginal",
            "uses the __mocks__ file beside the module",
        ])
    );
}

#[test]
fn a_spy_mock_keeps_the_implementation_and_records_calls() {
    let file = run_file("spy");
    assert_eq!(
        test_statuses(&file),
        all_passed(&["keeps the implementation and records the calls"])
    );
    let file = run_file("real");
    assert_eq!(
        test_statuses(&file),
        all_passed(&["sees the real modules in a file that mocks nothing"])
    );
}

#[test]
fn a_factory_that_returns_no_object_fails_the_file_with_vitests_message() {
    let file = run_file("bad-factory");
    assert!(file.report.tests.is_empty());
    let error = file.report.load_error.as_ref().expect("a load error");
    assert_eq!(
        error.message,
        "[vitest] vi.mock(\"../src/pricing\", factory?) is not returning an object. Did you \
         mean to return an object with a \"default\" key?"
    );
}

#[test]
fn do_mock_reaches_the_imports_after_it_and_reset_modules_loads_them_afresh() {
    let file = run_file("test/do-mock");
    assert_eq!(
        test_statuses(&file),
        all_passed(&[
            "vi.doMock > mocks the module for the imports that come after it",
            "vi.doMock > takes an async factory with importOriginal",
            "vi.doMock > is undone by vi.doUnmock for the imports after it",
            "vi.resetModules > gives the next import a fresh module state, a mocked one's factory running again",
        ])
    );
}
