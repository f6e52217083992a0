//! `edgesim test`: the wall time of running a project's test files, each in a fresh
//! simulation on a thread of its own (the vitest config already read): the c3 hello-world
//! file (two tests through SELF and a direct handler call) and the five files of
//! examples/notes-app (ten tests: D1, a Durable Object, a queue consumer, KV at two colos).

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use edgesim_sim::test::{self, Project, RunOptions};

fn project(name: &str) -> (Project, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name);
    let project = Project::load(&root, None).expect("the example loads");
    let files = project.test_files(&[]).expect("its test files");
    (project, files)
}

fn passes(project: &Project, files: &[String]) -> usize {
    let results = test::run(project, files, &RunOptions::default()).expect("the run");
    assert!(results.iter().all(|(_, f)| !f.report.failed()));
    results.iter().map(|(_, f)| f.report.tests.len()).sum()
}

fn test_runner(c: &mut Criterion) {
    let (hello, hello_files) = project("c3-hello-world");
    assert_eq!(passes(&hello, &hello_files), 2);
    c.bench_function("test_runner_c3_hello_world_file", |b| {
        b.iter(|| passes(&hello, &hello_files))
    });
    let (notes, notes_files) = project("notes-app");
    assert_eq!(passes(&notes, &notes_files), 11);
    c.bench_function("test_runner_notes_app_suite", |b| {
        b.iter(|| passes(&notes, &notes_files))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = test_runner
}
criterion_main!(benches);
