//! The edgesim command line: exit codes (0 ok, 1 an expectation failed, 2 bad input), output
//! that is the same bytes for the same seed, and the replay command printed on failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn edgesim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_edgesim"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .output()
        .expect("the edgesim binary runs")
}

fn temp(name: &str, text: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("edgesim-cli");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn fetch_prints_the_response_like_curl_and_exits_0() {
    let out = edgesim(&[
        "fetch",
        "scenarios/workers/hello",
        "https://example.com/?name=cli",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{\"message\":\"Hello, cli!\""
        ),
        "{stdout}"
    );
}

#[test]
fn fetch_json_is_the_same_bytes_for_the_same_seed() {
    let a = edgesim(&["fetch", "scenarios/workers/hello", "--json", "--seed", "5"]);
    let b = edgesim(&["fetch", "scenarios/workers/hello", "--json", "--seed", "5"]);
    let c = edgesim(&["fetch", "scenarios/workers/hello", "--json", "--seed", "6"]);
    assert_eq!(a.stdout, b.stdout);
    assert_ne!(a.stdout, c.stdout, "the request id comes from the seed");
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    assert_eq!(v["status"], 200);
    assert_eq!(v["outcome"], "ok");
}

/// `cpu_breakdown_ms` says what each term of the CPU model charged, and the terms add up to
/// `cpu_ms`: an arithmetic loop is charged as simple operations, its delivery to the host.
#[test]
fn fetch_json_breaks_cpu_ms_down_by_what_each_term_of_the_model_charged() {
    let out = edgesim(&[
        "fetch",
        "scenarios/workers/cpu-app",
        "https://app.example.com/heavy?n=1",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], 200, "{v}");
    let terms = v["cpu_breakdown_ms"].as_object().unwrap();
    let sum: f64 = terms.values().map(|ms| ms.as_f64().unwrap()).sum();
    let cpu_ms = v["cpu_ms"].as_f64().unwrap();
    assert!(
        (sum - cpu_ms).abs() < 1e-6,
        "{terms:?} add up to {sum}, not {cpu_ms}"
    );
    let simple = terms["simple_ops"].as_f64().unwrap();
    assert!(
        simple > terms["call_ops"].as_f64().unwrap_or(0.0),
        "{terms:?}"
    );
    assert_eq!(
        terms["host"].as_f64(),
        Some(0.01),
        "one event delivered: 10 µs"
    );
    assert!(terms.values().all(|ms| ms.as_f64().unwrap() > 0.0));
}

#[test]
fn fetch_exits_0_for_a_worker_error_page_and_2_for_a_broken_worker() {
    let throws = temp(
        "throws.js",
        "export default { fetch() { throw new Error('x'); } };",
    );
    let out = edgesim(&["fetch", throws.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "a 1101 page is still a response"
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("HTTP/1.1 500 Internal Server Error"));

    let broken = temp("broken.js", "export default {\n  fetch( {\n");
    let out = edgesim(&["fetch", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: broken.js:3:1: SyntaxError"),
        "{stderr}"
    );
}

#[test]
fn fetch_refuses_bad_arguments_with_exit_2() {
    assert_eq!(
        edgesim(&["fetch", "scenarios/workers/hello", "not a url"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        edgesim(&["fetch", "scenarios/workers/hello", "-H", "no-colon"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(edgesim(&["fetch", "no/such/worker"]).status.code(), Some(2));
    assert_eq!(
        edgesim(&["fetch", "scenarios/workers/hello", "--plan", "gold"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn run_exits_1_on_a_failed_expectation_and_prints_the_replay_command() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/hello.yaml"),
    )
    .unwrap()
    .replace("cold_starts_max: 2", "cold_starts_max: 1")
    .replace(
        "workers/hello/wrangler.toml",
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../scenarios/workers/hello/wrangler.toml")
            .display()
            .to_string(),
    );
    let scenario = temp("failing.yaml", &text);
    let out = edgesim(&["run", scenario.to_str().unwrap(), "--seed", "9"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("FAIL cold_starts_max 1: 2 cold start(s)")
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "replay with: edgesim run {} --seed 9",
            scenario.display()
        )),
        "{stderr}"
    );
}

#[test]
fn run_exits_2_on_a_malformed_scenario_with_its_position() {
    let scenario = temp("bad.yaml", "name: x\nworkers: {}\ndurration: 5m\n");
    let out = edgesim(&["run", scenario.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.yaml:3:1: unknown field `durration`"),
        "{stderr}"
    );
}

#[test]
fn replay_confirms_a_seed_replays_byte_for_byte() {
    let out = edgesim(&["replay", "scenarios/hello.yaml", "--seed", "3"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("identical: seed 3 replays byte for byte")
    );
}

/// A Worker counting its runs in KV, R2 and D1; the first run starts a multipart upload that
/// the third completes; `?fail` makes it throw after writing.
const PERSISTED_WORKER: &str = r#"export default {
  async fetch(request, env) {
    const n = Number((await env.KV.get("count")) ?? 0) + 1;
    await env.KV.put("count", String(n));
    const last = await env.B.get("last");
    await env.B.put("last", `run ${n}`);
    await env.DB.exec("CREATE TABLE IF NOT EXISTS runs (n INTEGER)");
    await env.DB.prepare("INSERT INTO runs VALUES (?)").bind(n).run();
    if (n === 1) {
      const upload = await env.B.createMultipartUpload("big");
      const part = await upload.uploadPart(1, "part one");
      await env.KV.put("upload", JSON.stringify([upload.uploadId, part]));
    }
    let big = null;
    if (n === 3) {
      const [id, part] = JSON.parse(await env.KV.get("upload"));
      await env.B.resumeMultipartUpload("big", id).complete([part]);
      big = await (await env.B.get("big")).text();
    }
    if (new URL(request.url).searchParams.has("fail")) throw new Error("after the writes");
    const { results } = await env.DB.prepare("SELECT group_concat(n) AS ns FROM runs").all();
    return Response.json({ n, last: last && (await last.text()), runs: results[0].ns, big });
  },
};"#;

/// The Worker's config in directory `dir`, and a state directory beside it that starts empty.
fn persisted_worker(dir: &str) -> (PathBuf, PathBuf) {
    let config = temp(
        &format!("{dir}/wrangler.toml"),
        "name = 'persist'\nmain = 'w.js'\n\
         [[kv_namespaces]]\nbinding = 'KV'\nid = 'kv'\n\
         [[r2_buckets]]\nbinding = 'B'\nbucket_name = 'b'\njurisdiction = 'eu'\n\
         [[d1_databases]]\nbinding = 'DB'\ndatabase_name = 'db'\ndatabase_id = 'db'\n",
    );
    temp(&format!("{dir}/w.js"), PERSISTED_WORKER);
    let state = config.with_file_name("state");
    let _ = std::fs::remove_dir_all(&state);
    (config, state)
}

/// The body `edgesim fetch <config> <url> --persist-to <state>` prints (it must exit 0).
fn fetch_persisted(config: &Path, state: &Path, url: &str) -> String {
    let out = edgesim(&[
        "fetch",
        config.to_str().unwrap(),
        url,
        "--persist-to",
        state.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    stdout
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .trim()
        .to_string()
}

#[test]
fn fetch_persist_to_carries_kv_r2_and_d1_data_to_the_next_run() {
    let (config, state) = persisted_worker("persist");
    let fetch = |url: &str| fetch_persisted(&config, &state, url);
    assert_eq!(
        fetch("https://x/"),
        r#"{"n":1,"last":null,"runs":"1","big":null}"#
    );
    // The invocation fails after its writes; each write was acknowledged, so each stays.
    assert!(fetch("https://x/?fail").contains("Error 1101"));
    assert_eq!(
        fetch("https://x/"),
        r#"{"n":3,"last":"run 2","runs":"1,2,3","big":"part one"}"#
    );
    // Without the directory, a run starts empty.
    let out = edgesim(&["fetch", config.to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains(r#"{"n":1,"last":null,"runs":"1","big":null}"#)
    );
}

#[test]
fn fetch_persist_to_a_file_is_bad_input() {
    let (config, _) = persisted_worker("persist-bad");
    let out = edgesim(&[
        "fetch",
        config.to_str().unwrap(),
        "--persist-to",
        config.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: --persist-to: ") && stderr.contains("wrangler.toml"),
        "{stderr}"
    );
}

/// A SQLite-backed object counting in SQL and in its KV API (and setting an alarm), and a
/// KV-backed one counting in its KV API.
const PERSISTED_OBJECTS: &str = r#"import { DurableObject } from "cloudflare:workers";
export class SqlCounter extends DurableObject {
  async fetch() {
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS hits (n INTEGER)");
    const n = sql.exec("SELECT count(*) AS c FROM hits").toArray()[0].c + 1;
    sql.exec("INSERT INTO hits VALUES (?)", n);
    const kv = ((await this.ctx.storage.get("kv")) ?? 0) + 1;
    await this.ctx.storage.put("kv", kv);
    if (n === 1) await this.ctx.storage.setAlarm(Date.now() + 3_600_000);
    return Response.json({ n, kv, alarm: (await this.ctx.storage.getAlarm()) !== null });
  }
  async alarm() {}
}
export class KvCounter extends DurableObject {
  async fetch() {
    const n = ((await this.ctx.storage.get("n")) ?? 0) + 1;
    await this.ctx.storage.put("n", n);
    return Response.json({ n });
  }
}
export default {
  async fetch(request, env) {
    const sql = await (await env.SQL.get(env.SQL.idFromName("a")).fetch("https://do/")).json();
    const kv = await (await env.KVC.get(env.KVC.idFromName("b")).fetch("https://do/")).json();
    return Response.json({ sql, kv });
  },
};"#;

#[test]
fn fetch_persist_to_keeps_durable_object_storage_and_alarms() {
    let config = temp(
        "persist-do/wrangler.toml",
        "name = 'objects'\nmain = 'w.js'\n\
         [[durable_objects.bindings]]\nname = 'SQL'\nclass_name = 'SqlCounter'\n\
         [[durable_objects.bindings]]\nname = 'KVC'\nclass_name = 'KvCounter'\n\
         [[migrations]]\ntag = 'v1'\nnew_sqlite_classes = ['SqlCounter']\nnew_classes = ['KvCounter']\n",
    );
    temp("persist-do/w.js", PERSISTED_OBJECTS);
    let state = config.with_file_name("state");
    let _ = std::fs::remove_dir_all(&state);
    let fetch = || fetch_persisted(&config, &state, "https://example.com/");
    assert_eq!(
        fetch(),
        r#"{"sql":{"n":1,"kv":1,"alarm":true},"kv":{"n":1}}"#
    );
    assert_eq!(
        fetch(),
        r#"{"sql":{"n":2,"kv":2,"alarm":true},"kv":{"n":2}}"#
    );
}

/// As `wrangler dev src/index.ts`: a script inside a project runs with the project's wrangler
/// config (the nearest one above it), whose `main` it replaces; `--config FILE` names a config
/// of any name, and a `.toml` file is read as a config, never run as a script.
#[test]
fn fetch_finds_the_projects_config_above_a_script_and_takes_one_of_any_name() {
    let config = temp(
        "project/wrangler.toml",
        "name = 'p'\nmain = 'src/index.js'\n[vars]\nWHO = 'project'\n",
    );
    let dir = config.parent().unwrap().to_path_buf();
    let say = "export default { fetch(r, env) { return new Response(`NAME ${env.WHO}`); } };";
    temp("project/src/index.js", &say.replace("NAME", "index"));
    let other = temp("project/src/other.js", &say.replace("NAME", "other"));
    let custom = temp(
        "project/custom.toml",
        "main = 'src/index.js'\n[vars]\nWHO = 'custom'\n",
    );
    let body = |args: &[&str]| {
        let out = edgesim(args);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        stdout
            .rsplit("\r\n")
            .next()
            .unwrap_or_default()
            .trim_end()
            .to_string()
    };
    let path = |p: &Path| p.display().to_string();
    assert_eq!(body(&["fetch", &path(&other)]), "other project");
    assert_eq!(body(&["fetch", &path(&dir)]), "index project");
    assert_eq!(body(&["fetch", &path(&custom)]), "index custom");
    assert_eq!(
        body(&["fetch", "--config", &path(&custom), &path(&other)]),
        "other custom"
    );
}

#[test]
fn fetch_refuses_a_module_that_links_outside_the_project() {
    let outside = temp("linked-outside/secret.js", "export default 'host file';\n");
    let config = temp(
        "linked/wrangler.toml",
        "name = 'linked'\nmain = 'w.js'\ncompatibility_date = '2026-04-01'\n",
    );
    let dir = config.parent().unwrap();
    temp(
        "linked/w.js",
        "import secret from './secret.js';\nimport same from './same.js';\n\
         export default { fetch() { return new Response(secret + same); } };\n",
    );
    temp("linked/real.js", "export default '!';\n");
    // The project's top (a repository of its own), so the directory beside it is outside.
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    let _ = std::fs::remove_file(dir.join("secret.js"));
    let _ = std::fs::remove_file(dir.join("same.js"));
    std::os::unix::fs::symlink(&outside, dir.join("secret.js")).unwrap();
    // A link that stays inside the project (as pnpm's node_modules are) is fine.
    std::os::unix::fs::symlink(dir.join("real.js"), dir.join("same.js")).unwrap();
    let out = edgesim(&["fetch", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("secret.js")
            && stderr.contains("outside the project")
            && !stderr.contains("host file"),
        "{stderr}"
    );
    std::fs::remove_file(dir.join("secret.js")).unwrap();
    temp("linked/secret.js", "export default 'inside';\n");
    let out = edgesim(&["fetch", config.to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .trim_end()
            .ends_with("inside!"),
        "{out:?}"
    );
}
