//! `--persist-to` under `kill -9`: a Worker writes one key through every binding per run
//! (KV, R2, D1, a SQLite-backed and a KV-backed Durable Object); runs are killed at points
//! drawn from a seed; every write a run acknowledged (its response printed) must be there
//! afterwards, and every file must still open. Also: one directory, one process at a time.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Writes `?i=N` everywhere and answers `ok N`; `?check` lists what each binding holds.
const WRITER: &str = r#"import { DurableObject } from "cloudflare:workers";
export class SqlStore extends DurableObject {
  async fetch(request) {
    const i = new URL(request.url).searchParams.get("i");
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS seen (i TEXT PRIMARY KEY)");
    if (i === null) {
      const rows = sql.exec("SELECT i FROM seen").toArray().map((r) => r.i);
      const keys = [...(await this.ctx.storage.list()).keys()];
      return Response.json({ sql: rows, kv: keys });
    }
    sql.exec("INSERT OR REPLACE INTO seen VALUES (?)", i);
    await this.ctx.storage.put(i, i);
    return new Response("ok");
  }
}
export class KvStore extends DurableObject {
  async fetch(request) {
    const i = new URL(request.url).searchParams.get("i");
    if (i === null) return Response.json([...(await this.ctx.storage.list()).keys()]);
    await this.ctx.storage.put(i, i);
    return new Response("ok");
  }
}
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const sqlStore = env.SQL.get(env.SQL.idFromName("s"));
    const kvStore = env.KVS.get(env.KVS.idFromName("k"));
    await env.DB.exec("CREATE TABLE IF NOT EXISTS seen (i TEXT PRIMARY KEY)");
    if (url.searchParams.has("check")) {
      const d1 = (await env.DB.prepare("SELECT i FROM seen").all()).results.map((r) => r.i);
      const kv = [];
      for (let page = { cursor: undefined }; !page.list_complete; ) {
        page = await env.KV.list({ cursor: page.cursor });
        kv.push(...page.keys.map((k) => k.name));
      }
      const r2 = [];
      for (let page = { truncated: true }; page.truncated; ) {
        page = await env.B.list({ cursor: page.cursor });
        r2.push(...page.objects.map((o) => o.key));
      }
      const object = await (await sqlStore.fetch("https://do/")).json();
      const kvObject = await (await kvStore.fetch("https://do/")).json();
      return Response.json({ d1, kv, r2, sqlObject: object.sql, sqlObjectKv: object.kv, kvObject });
    }
    const i = url.searchParams.get("i");
    await env.KV.put(i, i);
    await env.B.put(i, i.repeat(1000));
    await env.DB.prepare("INSERT OR REPLACE INTO seen VALUES (?)").bind(i).run();
    await sqlStore.fetch(`https://do/?i=${i}`);
    await kvStore.fetch(`https://do/?i=${i}`);
    return new Response(`ok ${i}`);
  },
};"#;

const CONFIG: &str = "name = 'crash'\nmain = 'w.js'\n\
    [[kv_namespaces]]\nbinding = 'KV'\nid = 'kv'\n\
    [[r2_buckets]]\nbinding = 'B'\nbucket_name = 'b'\n\
    [[d1_databases]]\nbinding = 'DB'\ndatabase_name = 'db'\ndatabase_id = 'db'\n\
    [[durable_objects.bindings]]\nname = 'SQL'\nclass_name = 'SqlStore'\n\
    [[durable_objects.bindings]]\nname = 'KVS'\nclass_name = 'KvStore'\n\
    [[migrations]]\ntag = 'v1'\nnew_sqlite_classes = ['SqlStore']\nnew_classes = ['KvStore']\n";

/// A fresh project directory `name` with the writer Worker and an empty state directory.
fn project(name: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("edgesim-crash-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("wrangler.toml"), CONFIG).unwrap();
    std::fs::write(dir.join("w.js"), WRITER).unwrap();
    let state = dir.join("state");
    (dir.join("wrangler.toml"), state)
}

fn fetch_command(config: &Path, state: &Path, url: &str) -> Command {
    // EDGESIM_BIN: a copy of the binary, for long local runs while the tree is rebuilt.
    let binary = std::env::var_os("EDGESIM_BIN").unwrap_or(env!("CARGO_BIN_EXE_edgesim").into());
    let mut command = Command::new(binary);
    command
        .args(["fetch", config.to_str().unwrap(), url, "--persist-to"])
        .arg(state)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Runs one `?i=N` writer, killed after `kill_after` unless it ends first; true when it
/// printed its acknowledgement.
fn write_killed_after(config: &Path, state: &Path, i: usize, kill_after: Duration) -> bool {
    let url = format!("https://x/?i={i}");
    let mut child = fetch_command(config, state, &url).spawn().unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() >= kill_after {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).contains(&format!("ok {i}"))
}

/// The body of `?check`: what each binding holds now.
fn check(config: &Path, state: &Path) -> serde_json::Value {
    let out = fetch_command(config, state, "https://x/?check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let body = stdout.split("\r\n\r\n").nth(1).unwrap_or_default();
    serde_json::from_str(body.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// Every SQLite file under `dir` opens and passes SQLite's integrity check.
fn assert_every_database_is_whole(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            assert_every_database_is_whole(&path);
        } else if path.extension().is_some_and(|e| e == "sqlite") {
            let db = rusqlite::Connection::open(&path).unwrap();
            let verdict: String = db
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(verdict, "ok", "{}", path.display());
        }
    }
}

#[test]
fn every_acknowledged_write_survives_kill_9_at_seeded_points() {
    let (config, state) = project("kills");
    // How long one uninterrupted run takes here: kills land anywhere from its start to just
    // past its end.
    let started = Instant::now();
    assert!(write_killed_after(
        &config,
        &state,
        0,
        Duration::from_secs(60)
    ));
    let run = started.elapsed();
    let kills: usize = std::env::var("EDGESIM_CRASH_KILLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
    let mut rng = ChaCha8Rng::seed_from_u64(24);
    let mut acknowledged = vec![0];
    for i in 1..=kills {
        let kill_after = run.mul_f64(rng.random_range(0.0..1.2));
        if write_killed_after(&config, &state, i, kill_after) {
            acknowledged.push(i);
        }
    }
    let held = check(&config, &state);
    for binding in ["d1", "kv", "r2", "sqlObject", "sqlObjectKv", "kvObject"] {
        let keys: Vec<&str> = held[binding]
            .as_array()
            .unwrap_or_else(|| panic!("{binding}: {held}"))
            .iter()
            .filter_map(|k| k.as_str())
            .collect();
        let lost: Vec<&usize> = acknowledged
            .iter()
            .filter(|i| !keys.contains(&i.to_string().as_str()))
            .collect();
        assert!(
            lost.is_empty(),
            "{binding} lost acknowledged writes {lost:?}"
        );
    }
    assert_every_database_is_whole(&state);
    let clock = std::fs::read_to_string(state.join("clock")).unwrap();
    assert!(clock.trim().parse::<u64>().is_ok(), "clock: {clock:?}");
    eprintln!(
        "{kills} runs killed at seeded points, {} acknowledged",
        acknowledged.len() - 1
    );
}

#[test]
fn a_second_process_on_the_same_persist_dir_is_refused_and_told_which_holds_it() {
    let (config, state) = project("lock");
    let held = edgesim_sim::persist::Persist::open(&state).unwrap();
    let out = fetch_command(&config, &state, "https://x/?i=1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let expected = format!(
        "another edgesim (process {}) is using this directory",
        std::process::id()
    );
    assert!(stderr.contains(&expected), "{stderr}");
    drop(held);
    assert!(write_killed_after(
        &config,
        &state,
        1,
        Duration::from_secs(60)
    ));
}
