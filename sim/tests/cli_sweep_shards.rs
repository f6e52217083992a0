//! A sweep fanned out as `--shard I/N` processes and put back together by `sweep-merge` is the
//! sweep of the whole range; the deploy manifests (Kubernetes Indexed Job, GitHub Actions
//! matrix) are run here as written, with local processes standing in for pods and runners.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const EDGESIM: &str = env!("CARGO_BIN_EXE_edgesim");

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fresh directory holding `hello.yaml` with an expectation every seed fails.
fn workdir(tag: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("sweep-shards-{tag}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let hello = std::fs::read_to_string(repo().join("scenarios/hello.yaml")).unwrap();
    let worker = repo().join("scenarios/workers/hello/wrangler.toml");
    let yaml = hello
        .replace("workers/hello/wrangler.toml", &worker.display().to_string())
        .replace("cold_starts_max: 2", "cold_starts_max: 1")
        .replace("duration: 1m", "duration: 5s");
    std::fs::write(dir.join("s.yaml"), yaml).unwrap();
    dir
}

fn edgesim(dir: &Path, args: &[&str]) -> Output {
    Command::new(EDGESIM)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// Runs `script` with `sh -c` in `dir` with `env`, the edgesim binary first on `PATH`.
fn shell(dir: &Path, script: &str, env: &[(String, String)]) -> std::process::Child {
    let bin = Path::new(EDGESIM).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("bash")
        .args(["-c", script])
        .current_dir(dir)
        .envs(env.iter().cloned())
        .env("PATH", path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits for every one of `children` and asserts that each exited 0.
fn all_succeed(children: Vec<std::process::Child>) {
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn yaml_file(path: &str) -> Value {
    let text = std::fs::read_to_string(repo().join(path)).unwrap();
    serde_norway::from_str(&text).unwrap()
}

#[test]
fn shards_run_as_separate_processes_merge_into_the_sweep_of_the_whole_range() {
    let dir = workdir("merge");
    let whole = edgesim(&dir, &["sweep", "s.yaml", "--seeds", "0..7", "--json"]);
    assert_eq!(whole.status.code(), Some(1));
    let shards: Vec<std::process::Child> = (0..3)
        .map(|i| {
            let script =
                format!("edgesim sweep s.yaml --seeds 0..7 --shard {i}/3 --json > {i}.json");
            shell(&dir, &script, &[])
        })
        .collect();
    for shard in shards {
        assert_eq!(shard.wait_with_output().unwrap().status.code(), Some(1));
    }
    let shard_one: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("1.json")).unwrap()).unwrap();
    assert_eq!(
        shard_one["shard"],
        serde_json::json!({"index": 1, "count": 3})
    );
    assert_eq!(shard_one["seeds"], 2);
    let merged = edgesim(
        &dir,
        &["sweep-merge", "2.json", "0.json", "1.json", "--json"],
    );
    assert_eq!(merged.status.code(), Some(1));
    assert_eq!(json(&merged), json(&whole));
    let seeds: Vec<u64> = (json(&merged)["failures"].as_array().unwrap().iter())
        .map(|f| f["seed"].as_u64().unwrap())
        .collect();
    assert_eq!(seeds, (0..7).collect::<Vec<_>>());
    let text = edgesim(&dir, &["sweep-merge", "0.json", "1.json", "2.json"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.starts_with("7 seeds: 0 passed, 7 failed\n"), "{text}");
    assert!(
        text.contains("  seed 3: cold_starts_max 1: 2 cold start(s); first violated at 2000ms by cold start 2 (app at SIN)\n    replay: edgesim run s.yaml --seed 3\n"),
        "{text}"
    );
}

#[test]
fn sweep_merge_refuses_a_missing_or_repeated_shard_and_parts_of_another_sweep() {
    let dir = workdir("refuse");
    for (name, args) in [
        ("a0", "--seeds 0..4 --shard 0/2"),
        ("a1", "--seeds 0..4 --shard 1/2"),
        ("b1", "--seeds 0..5 --shard 1/2"),
        ("whole", "--seeds 0..4"),
    ] {
        let mut all = vec!["sweep", "s.yaml", "--json"];
        all.extend(args.split(' '));
        let out = edgesim(&dir, &all);
        std::fs::write(dir.join(format!("{name}.json")), out.stdout).unwrap();
    }
    std::fs::write(dir.join("junk.json"), "{\"scenario\": 1}").unwrap();
    let refused = |files: &[&str]| {
        let mut args = vec!["sweep-merge"];
        args.extend(files);
        let out = edgesim(&dir, &args);
        assert_eq!(out.status.code(), Some(2), "{files:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    assert_eq!(
        refused(&["a0.json"]),
        "error: shard(s) 1 of 2 missing: their seeds did not run\n"
    );
    assert_eq!(
        refused(&["a0.json", "a1.json", "a1.json"]),
        "error: shard 1/2 is given twice: a1.json and a1.json\n"
    );
    assert_eq!(
        refused(&["a0.json", "b1.json"]),
        "error: b1.json: seeds 0..5, not 0..4 like a0.json\n"
    );
    assert_eq!(
        refused(&["a0.json", "whole.json"]),
        "error: whole.json: the whole range, but a0.json is one of 2 shards\n"
    );
    assert!(refused(&["junk.json"]).starts_with(
        "error: junk.json: not the output of `edgesim sweep --json`: invalid type: integer `1`"
    ));
    // One summary of the whole range merges into itself.
    let whole = edgesim(&dir, &["sweep-merge", "whole.json", "--json"]);
    assert_eq!(json(&whole)["seeds"], 4);
}

/// The value of `name` in a Kubernetes container's `env` list.
fn env_value(container: &Value, name: &str) -> String {
    (container["env"].as_array().unwrap().iter())
        .find(|e| e["name"] == name)
        .and_then(|e| e["value"].as_str())
        .unwrap_or_else(|| panic!("no {name} in the manifest's env"))
        .to_string()
}

#[test]
fn the_kubernetes_indexed_job_and_its_merge_run_as_the_manifests_say() {
    let dir = workdir("kubernetes");
    let job = yaml_file("deploy/kubernetes/sweep-job.yaml");
    assert_eq!(job["spec"]["completionMode"], "Indexed");
    let completions = job["spec"]["completions"].as_u64().unwrap();
    let container = &job["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(env_value(container, "SHARDS"), completions.to_string());
    let script = container["command"][2].as_str().unwrap();
    let results = dir.join("results");
    std::fs::create_dir_all(&results).unwrap();
    // Each pod, as the Job controller starts it: the manifest's env with its index.
    let pods: Vec<std::process::Child> = (0..completions)
        .map(|index| {
            let env = [
                ("SCENARIO", "s.yaml".to_string()),
                ("SEEDS", "0..10".to_string()),
                ("SHARDS", env_value(container, "SHARDS")),
                ("RESULTS", results.display().to_string()),
                ("JOB_COMPLETION_INDEX", index.to_string()),
            ]
            .map(|(k, v)| (k.to_string(), v));
            shell(&dir, script, &env)
        })
        .collect();
    // Failing seeds are written down, not a failed pod.
    all_succeed(pods);
    let merge = yaml_file("deploy/kubernetes/sweep-merge-job.yaml");
    let container = &merge["spec"]["template"]["spec"]["containers"][0];
    let script = container["command"][2].as_str().unwrap();
    let env = [("RESULTS".to_string(), results.display().to_string())];
    let out = shell(&dir, script, &env).wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("10 seeds: 0 passed, 10 failed\n"),
        "{text}"
    );
}

#[test]
fn the_github_actions_matrix_and_its_merge_run_as_the_workflow_says() {
    let dir = workdir("github");
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(EDGESIM, bin.join("edgesim")).unwrap();
    let workflow = yaml_file("deploy/github-actions/sweep.yml");
    let shards: Vec<u64> = (workflow["jobs"]["shard"]["strategy"]["matrix"]["shard"])
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let step = |job: &str, name: &str| -> String {
        (workflow["jobs"][job]["steps"].as_array().unwrap().iter())
            .find(|s| s["name"] == name)
            .and_then(|s| s["run"].as_str())
            .unwrap_or_else(|| panic!("no step {name:?} in job {job}"))
            .to_string()
    };
    let sweep = step("shard", "sweep one shard");
    let env = [
        ("SCENARIO".to_string(), "s.yaml".to_string()),
        ("SEEDS".to_string(), "0..10".to_string()),
    ];
    let runners: Vec<std::process::Child> = (shards.iter())
        .map(|i| {
            let script = sweep
                .replace("${{ matrix.shard }}", &i.to_string())
                .replace("${{ strategy.job-total }}", &shards.len().to_string());
            shell(&dir, &script, &env)
        })
        .collect();
    all_succeed(runners);
    // The merge job downloads every shard's artifact into `shards/`.
    std::fs::create_dir_all(dir.join("shards")).unwrap();
    for i in &shards {
        let name = format!("shard-{i}.json");
        std::fs::rename(dir.join(&name), dir.join("shards").join(&name)).unwrap();
    }
    let summary = dir.join("step-summary.md");
    let env = [(
        "GITHUB_STEP_SUMMARY".to_string(),
        summary.display().to_string(),
    )];
    let out = shell(&dir, &step("merge", "merge the shards"), &env)
        .wait_with_output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the merge job fails on failing seeds"
    );
    let written = std::fs::read_to_string(summary).unwrap();
    assert!(
        written.starts_with("10 seeds: 0 passed, 10 failed\n"),
        "{written}"
    );
}
