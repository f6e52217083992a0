//! Helpers shared by the scenario tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use edgesim_sim::scenario::LoadedScenario;

/// A scenario whose one Worker `app` is written from `files` (path, contents) into a fresh
/// directory named `tag`; `body` is the scenario YAML after its `workers:` block.
#[allow(dead_code)] // each test binary compiles this module; not all of them use it
pub fn scenario_with_worker(tag: &str, files: &[(&str, &str)], body: &str) -> LoadedScenario {
    let tag: String = tag.chars().filter(char::is_ascii_alphanumeric).collect();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("worker-{tag}"));
    write_files(&dir, files);
    let yaml = format!(
        "name: {tag}\nworkers:\n  app: {}\n{body}",
        dir.join("wrangler.toml").display()
    );
    LoadedScenario::parse(&format!("{tag}.yaml"), &yaml, dir).unwrap()
}

/// Scenario `yaml`, named `tag`, in a fresh directory named `tag` holding `files` (path,
/// contents): the Workers it names, each in a directory of its own.
#[allow(dead_code)] // each test binary compiles this module; not all of them use it
pub fn scenario_with_files(tag: &str, files: &[(&str, &str)], yaml: &str) -> LoadedScenario {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(tag);
    write_files(&dir, files);
    LoadedScenario::parse(&format!("{tag}.yaml"), yaml, dir).unwrap()
}

/// Writes `files` (path, contents) under `dir`, making the directories they need.
pub fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (path, contents) in files {
        let file = dir.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(file, contents).unwrap();
    }
}

/// The error a scenario text is refused with (panics when it is accepted).
#[allow(dead_code)] // each test binary compiles this module; not all of them parse bad input
pub fn parse_error(yaml: &str) -> String {
    LoadedScenario::parse("bad.yaml", yaml, ".".into())
        .map(|_| ())
        .expect_err("the scenario must be refused")
        .to_string()
}

/// Asserts that a scenario text is refused with an error containing `expected`.
#[allow(dead_code)] // each test binary compiles this module; not all of them parse bad input
pub fn assert_refused(yaml: &str, expected: &str) {
    let error = parse_error(yaml);
    assert!(
        error.contains(expected),
        "{error}\n does not contain {expected:?}"
    );
}

/// One way between built-in colos `a` and `b` on the simulated network, in ms.
#[allow(dead_code)] // each test binary compiles this module; not all of them time the network
pub fn one_way_ms(a: &str, b: &str) -> u64 {
    let mut net = edgesim_sim::world::network::Network::default();
    for c in [a, b] {
        net.add_colo(&edgesim_sim::world::colos::built_in(c).expect("a built-in colo"));
    }
    net.one_way_ms(a, b)
}

/// Runs the edgesim binary with `args` in `dir`.
#[allow(dead_code)] // each test binary compiles this module; not all of them run the CLI
pub fn edgesim_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_edgesim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the edgesim binary runs")
}

/// Installs `project`'s npm packages from its lockfile (`npm ci`, exactly the lockfile's
/// versions) unless they are there, as a user does after cloning. Tests run in parallel, so
/// one install at a time.
pub fn npm_ci(project: &Path) {
    static INSTALLING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = INSTALLING.lock().unwrap_or_else(|e| e.into_inner());
    if project.join("node_modules/.package-lock.json").is_file() {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(project)
        .status()
        .unwrap_or_else(|e| {
            panic!(
                "{} needs its npm packages: `npm ci` there could not start ({e}); install \
                 Node.js and npm",
                project.display()
            )
        });
    assert!(status.success(), "npm ci failed in {}", project.display());
}

/// Runs the one file of `edgesim test` fixture project `root` whose path contains `filter`.
pub fn run_test_file(root: &Path, filter: &str) -> edgesim_sim::test::FileOutcome {
    use edgesim_sim::test::{Project, RunOptions};
    let project = Project::load(root, None).expect("the project loads");
    let files = project.test_files(&[filter.to_string()]).expect("files");
    assert_eq!(files.len(), 1, "one file matches {filter}");
    let mut outcomes =
        edgesim_sim::test::run(&project, &files, &RunOptions::default()).expect("the run");
    outcomes.remove(0).1
}

/// Each test's full name and status in the file matching `filter` of the vitest fixture
/// `fixture` (under tests/fixtures/vitest); the file loads.
pub fn fixture_statuses(
    fixture: &str,
    filter: &str,
) -> Vec<(String, edgesim_sim::test::TestStatus)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/vitest")
        .join(fixture);
    let file = run_test_file(&root, filter);
    assert!(
        file.report.load_error.is_none(),
        "{:?}",
        file.report.load_error
    );
    test_statuses(&file)
}

/// Each test's full name and status, in order.
pub fn test_statuses(
    file: &edgesim_sim::test::FileOutcome,
) -> Vec<(String, edgesim_sim::test::TestStatus)> {
    (file.report.tests.iter())
        .map(|t| (t.full_name(), t.status))
        .collect()
}

/// `names`, each passed.
pub fn all_passed(names: &[&str]) -> Vec<(String, edgesim_sim::test::TestStatus)> {
    (names.iter())
        .map(|n| (n.to_string(), edgesim_sim::test::TestStatus::Passed))
        .collect()
}
