//! Web APIs a Worker leans on, each as one warm fetch to a started Worker (so each figure
//! includes a warm request's own cost, see `warm_request_hello_world`): SHA-256 of 1 MiB
//! through `crypto.subtle.digest`, and `JSON.parse` + `JSON.stringify` of a 1 MiB document.

use criterion::{Criterion, criterion_group, criterion_main};
use edgesim_benches::{get, start_worker};

const WEB_WORKER: &str = r#"
const MIB = new Uint8Array(1024 * 1024).fill(42);
const DOC = JSON.stringify(Array.from({ length: 18000 }, (_, i) => ({ id: i, name: "item " + i, tags: ["a", "b"], ok: i % 2 === 0 })));
export default {
  async fetch(request) {
    if (new URL(request.url).pathname === "/sha256") {
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
    c.bench_function("web_sha256_1_mib", |b| b.iter(|| serve("/sha256")));
    c.bench_function("web_json_parse_stringify_1_mib", |b| {
        b.iter(|| serve("/json"))
    });
}

criterion_group!(benches, web_apis);
criterion_main!(benches);
