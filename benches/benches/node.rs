//! nodejs_compat APIs, each as one warm fetch to a started Worker (so each figure includes a
//! warm request's own cost, see `warm_request_hello_world`): `Buffer.from(s, "base64")` of a
//! 1 MiB payload, `buf.toString("hex")` of 1 MiB, `createHash("sha256")` of 1 MiB, and an
//! AsyncLocalStorage `run` whose function reads the store after each of 1 000 `await`s, and a
//! request answered by a node:http server behind cloudflare:node's `httpServerHandler`.

use criterion::{Criterion, criterion_group, criterion_main};
use edgesim_benches::{get, serve, start_node_worker};

const NODE_WORKER: &str = r#"
import { Buffer } from "node:buffer";
import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import http from "node:http";
import { httpServerHandler } from "cloudflare:node";
http.createServer((req, res) => {
  res.setHeader("content-type", "text/plain");
  res.end(String(req.url.length));
}).listen(8080);
const server = httpServerHandler({ port: 8080 });
const MIB = Buffer.alloc(1024 * 1024, "edgesim");
const MIB_BASE64 = MIB.toString("base64");
const als = new AsyncLocalStorage();
export default {
  async fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === "/http-server") return server.fetch(request);
    if (path === "/base64") return new Response(String(Buffer.from(MIB_BASE64, "base64").length));
    if (path === "/hex") return new Response(String(MIB.toString("hex").length));
    if (path === "/sha256") return new Response(String(createHash("sha256").update(MIB).digest("hex").length));
    const seen = await als.run(path, async () => {
      let n = 0;
      for (let i = 0; i < 1000; i++) {
        await null;
        if (als.getStore() === path) n++;
      }
      return n;
    });
    return new Response(String(seen));
  },
};
"#;

fn node(c: &mut Criterion) {
    let mut isolate = start_node_worker(NODE_WORKER);
    let mut serve = |path: &str| {
        let body = serve(&mut isolate, get(path)).body;
        String::from_utf8_lossy(&body).parse::<usize>().unwrap_or(0)
    };
    assert_eq!(serve("/base64"), 1024 * 1024);
    assert_eq!(serve("/hex"), 2 * 1024 * 1024);
    assert_eq!(serve("/als"), 1000);
    assert_eq!(serve("/sha256"), 64);
    assert_eq!(serve("/http-server"), "/http-server".len());
    c.bench_function("node_buffer_from_base64_1_mib", |b| {
        b.iter(|| serve("/base64"))
    });
    c.bench_function("node_buffer_to_hex_1_mib", |b| b.iter(|| serve("/hex")));
    c.bench_function("node_create_hash_sha256_1_mib", |b| {
        b.iter(|| serve("/sha256"))
    });
    c.bench_function("node_als_run_1000_awaited_reads", |b| {
        b.iter(|| serve("/als"))
    });
    c.bench_function("node_http_server_request", |b| {
        b.iter(|| serve("/http-server"))
    });
}

criterion_group!(benches, node);
criterion_main!(benches);
