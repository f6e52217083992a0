//! Storage through the JS bindings, in process (BenchHost answers at once): a KV put + get, an
//! R2 put + get of 1 MiB, a D1 insert and an indexed D1 select, each as one fetch to a started
//! Worker — so each figure
//! includes a warm request's own cost (see `warm_request_hello_world`).

use criterion::{Criterion, criterion_group, criterion_main};
use edgesim_benches::{get, start_worker};
use edgesim_runtime::Isolate;
use edgesim_runtime::bindings::Binding;

const STORAGE_WORKER: &str = r#"
let n = 0;
const MIB = new Uint8Array(1024 * 1024).fill(7);
export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    if (path === "/setup") {
      await env.DB.exec("CREATE TABLE items (id INTEGER PRIMARY KEY, k TEXT, v TEXT);\nCREATE INDEX items_k ON items (k);\nINSERT INTO items (k, v) VALUES ('key1', 'value 1');");
      return new Response("ok");
    }
    if (path === "/kv") {
      n++;
      await env.KV.put("k" + n, "value");
      return new Response(await env.KV.get("k" + n));
    }
    if (path === "/r2") {
      n++;
      await env.BUCKET.put("obj" + n, MIB);
      const o = await env.BUCKET.get("obj" + n);
      return new Response(String((await o.arrayBuffer()).byteLength));
    }
    if (path === "/d1-insert") {
      n++;
      const r = await env.DB.prepare("INSERT INTO items (k, v) VALUES (?, ?)").bind("key" + n, "value").run();
      return new Response(String(r.meta.last_row_id));
    }
    const row = await env.DB.prepare("SELECT v FROM items WHERE k = ?").bind("key1").first();
    return new Response(row.v);
  },
};
"#;

fn start() -> Isolate {
    start_worker(
        STORAGE_WORKER,
        vec![
            Binding::Kv {
                name: "KV".into(),
                namespace: "kv".into(),
            },
            Binding::D1 {
                name: "DB".into(),
                database: "db".into(),
            },
            Binding::R2 {
                name: "BUCKET".into(),
                bucket: "bucket".into(),
            },
        ],
    )
}

fn serve(isolate: &mut Isolate, path: &str) -> Vec<u8> {
    edgesim_benches::serve(isolate, get(path)).body
}

fn storage(c: &mut Criterion) {
    let mut isolate = start();
    assert_eq!(serve(&mut isolate, "/setup"), b"ok");
    assert_eq!(serve(&mut isolate, "/d1-select"), b"value 1");
    assert_eq!(serve(&mut isolate, "/kv"), b"value");
    c.bench_function("kv_put_get_via_binding", |b| {
        b.iter(|| serve(&mut isolate, "/kv"))
    });
    assert_eq!(serve(&mut isolate, "/r2"), b"1048576");
    c.bench_function("r2_put_get_1_mib_via_binding", |b| {
        b.iter(|| serve(&mut isolate, "/r2"))
    });
    c.bench_function("d1_insert_via_binding", |b| {
        b.iter(|| serve(&mut isolate, "/d1-insert"))
    });
    c.bench_function("d1_indexed_select_via_binding", |b| {
        b.iter(|| serve(&mut isolate, "/d1-select"))
    });
}

criterion_group!(benches, storage);
criterion_main!(benches);
