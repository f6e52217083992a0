//! Web APIs a Worker leans on, each as one warm fetch to a started Worker (so each figure
//! includes a warm request's own cost, see `warm_request_hello_world`): SHA-256 of 1 MiB
//! through `crypto.subtle.digest`, `JSON.parse` + `JSON.stringify` of a 1 MiB document, and
//! 10 MiB streamed through a `TransformStream` in 64 KiB chunks.

use criterion::{Criterion, criterion_group, criterion_main};
use edgesim_benches::{get, start_worker};

const WEB_WORKER: &str = r#"
const MIB = new Uint8Array(1024 * 1024).fill(42);
const DOC = JSON.stringify(Array.from({ length: 18000 }, (_, i) => ({ id: i, name: "item " + i, tags: ["a", "b"], ok: i % 2 === 0 })));
export default {
  async fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === "/stream") {
      const chunk = new Uint8Array(64 * 1024).fill(7);
      let sent = 0;
      const source = new ReadableStream({
        pull(c) { if (sent === 160) c.close(); else { sent++; c.enqueue(chunk); } },
      });
      let total = 0;
      for await (const part of source.pipeThrough(new TransformStream())) total += part.byteLength;
      return new Response(String(total));
    }
    if (path === "/sha256") {
      const d = await crypto.subtle.digest("SHA-256", MIB);
      return new Response(String(new Uint8Array(d)[0]));
    }
    return new Response(String(JSON.stringify(JSON.parse(DOC)).length));
  },
};
"#;

fn web_apis(c: &mut Criterion) {
    let mut isolate = start_worker(WEB_WORKER, vec![]);
    let mut serve = |path: &str| edgesim_benches::serve(&mut isolate, get(path)).body;
    let json_len: usize = String::from_utf8_lossy(&serve("/json"))
        .parse()
        .unwrap_or(0);
    assert!(json_len >= 1_000_000, "the document is {json_len} bytes");
    assert!(!serve("/sha256").is_empty());
    let streamed: usize = String::from_utf8_lossy(&serve("/stream"))
        .parse()
        .unwrap_or(0);
    assert_eq!(streamed, 10 * 1024 * 1024);
    c.bench_function("web_sha256_1_mib", |b| b.iter(|| serve("/sha256")));
    c.bench_function("web_stream_10_mib_transform", |b| {
        b.iter(|| serve("/stream"))
    });
    c.bench_function("web_json_parse_stringify_1_mib", |b| {
        b.iter(|| serve("/json"))
    });
}

criterion_group!(benches, web_apis);
criterion_main!(benches);
