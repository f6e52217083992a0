//! semantics.md §2: the KV binding at one location — limits, expiry on the simulated clock,
//! list order and pagination, the write rate limit.

use edgesim_conformance::{Run, body_json, get};
use edgesim_runtime::worker::{WorkerDefinition, WranglerConfig};
use serde_json::json;

fn kv_worker(body: &str) -> WorkerDefinition {
    let config = WranglerConfig::parse(
        "wrangler.toml",
        "main = 'w.js'\n[[kv_namespaces]]\nbinding = 'KV'\nid = 'ns1'\n",
    )
    .unwrap();
    let source = format!(
        "export default {{ async fetch(request, env, ctx) {{ const KV = env.KV;\n{body}\n}} }};"
    );
    WorkerDefinition::from_sources(config, "w.js", &[("w.js", &source)])
}

fn run(body: &str) -> serde_json::Value {
    let x = Run::default()
        .fetch(
            &kv_worker(&format!(
                "return Response.json(await (async () => {{ {body} }})());"
            )),
            get("https://example.com/"),
        )
        .unwrap();
    body_json(&x.response)
}

fn error_of(body: &str) -> String {
    let v = run(&format!(
        "try {{ {body}; return 'no error'; }} catch (e) {{ return `${{e.constructor.name}}: ${{e.message}}`; }}"
    ));
    v.as_str().unwrap_or_default().to_string()
}

#[test]
fn kv_get_of_a_missing_key_is_null() {
    assert_eq!(
        run("return [await KV.get('nope'), await KV.getWithMetadata('nope')];"),
        json!([null, {"value": null, "metadata": null, "cacheStatus": null}])
    );
}

#[test]
fn kv_put_rejects_key_longer_than_512_bytes() {
    assert_eq!(
        error_of("await KV.put('é'.repeat(257), 'x')"),
        "Error: KV PUT failed: 414 UTF-8 encoded length of 514 exceeds key length limit of 512."
    );
}

#[test]
fn kv_key_may_not_be_empty_dot_or_dot_dot() {
    assert_eq!(
        error_of("await KV.get('')"),
        "TypeError: Key name cannot be empty."
    );
    assert_eq!(
        error_of("await KV.put('..', 'x')"),
        "TypeError: \"..\" is not allowed as a key name."
    );
}

#[test]
fn kv_expiration_ttl_must_be_at_least_60_seconds() {
    assert_eq!(
        error_of("await KV.put('k', 'v', { expirationTtl: 59 })"),
        "Error: KV PUT failed: 400 Invalid expiration_ttl of 59. Expiration TTL must be at least 60."
    );
}

#[test]
fn kv_metadata_over_1024_bytes_is_refused_with_413() {
    assert_eq!(
        error_of("await KV.put('k', 'v', { metadata: 'a'.repeat(1023) })"),
        "Error: KV PUT failed: 413 Metadata length of 1025 exceeds limit of 1024."
    );
}

#[test]
fn kv_keys_expire_on_the_simulated_clock() {
    let v = run("await KV.put('t', 'v', { expirationTtl: 60 });
         const before = await KV.get('t');
         await scheduler.wait(60 * 1000);
         return [before, await KV.get('t'), (await KV.list()).keys.length];");
    assert_eq!(v, json!(["v", null, 0]));
}

#[test]
fn kv_list_returns_keys_in_utf8_byte_order_with_absolute_expiration() {
    let v = run(
        "for (const k of ['b', 'é', 'a', 'Z']) await KV.put(k, '1', k === 'a' ? { expirationTtl: 120, metadata: { m: 1 } } : {});
         const l = await KV.list();
         return [l.keys.map((k) => k.name), l.keys[1].expiration - Math.floor(Date.now() / 1000), l.keys[1].metadata, l.list_complete];",
    );
    assert_eq!(v, json!([["Z", "a", "b", "é"], 120, {"m": 1}, true]));
}

#[test]
fn kv_list_paginates_with_a_cursor_until_list_complete() {
    let v = run(
        "for (let i = 0; i < 5; i++) await KV.put('p' + i, String(i));
         const pages = []; let cursor;
         do { const l = await KV.list({ prefix: 'p', limit: 2, cursor }); pages.push(l.keys.map((k) => k.name)); cursor = l.cursor; if (l.list_complete) break; } while (true);
         return pages;",
    );
    assert_eq!(v, json!([["p0", "p1"], ["p2", "p3"], ["p4"]]));
}

#[test]
fn kv_bulk_get_returns_a_map_and_caps_at_100_keys() {
    let v = run(
        "await KV.put('a', '1'); const m = await KV.get(['a', 'b']); return [m instanceof Map, [...m]];",
    );
    assert_eq!(v, json!([true, [["a", "1"], ["b", null]]]));
    assert_eq!(
        error_of("await KV.get(Array.from({ length: 101 }, (_, i) => 'k' + i))"),
        "Error: KV GET_BULK failed: 400 You can request a maximum of 100 keys"
    );
}

#[test]
fn kv_second_write_to_a_key_within_a_second_gets_429() {
    let v = run(
        "await KV.put('k', '1');
         let second; try { await KV.put('k', '2'); second = 'ok'; } catch (e) { second = e.message; }
         await scheduler.wait(1000);
         await KV.put('k', '3');
         return [second, await KV.get('k')];",
    );
    assert_eq!(v, json!(["KV PUT failed: 429 Too Many Requests", "3"]));
}

#[test]
fn kv_values_round_trip_as_text_json_array_buffer_and_stream() {
    let v = run(
        "await KV.put('j', JSON.stringify({ a: [1] })); await KV.put('b', new Uint8Array([1, 2, 3]));
         const s = await KV.get('j', 'stream');
         return [await KV.get('j', 'json'), [...new Uint8Array(await KV.get('b', 'arrayBuffer'))], await new Response(s).text()];",
    );
    assert_eq!(v, json!([{"a": [1]}, [1, 2, 3], "{\"a\":[1]}"]));
}

#[test]
fn kv_reads_and_writes_take_simulated_time() {
    // One location with the central store beside it: a hop each way to the store (1 ms), and
    // one more each way to reach the service; a read the colo has cached skips the store.
    let v = run(
        "const t0 = Date.now(); await KV.get('x'); const t1 = Date.now(); await KV.put('x', 'y');
         const t2 = Date.now(); await KV.get('x'); return [t1 - t0, t2 - t1, Date.now() - t2];",
    );
    assert_eq!(v, json!([4, 4, 2]));
}

#[test]
fn kv_calls_count_as_subrequests_to_services() {
    let w =
        kv_worker("for (let i = 0; i < 3; i++) await KV.get('k' + i); return new Response('ok');");
    let x = Run::default()
        .fetch(&w, get("https://example.com/"))
        .unwrap();
    assert_eq!(x.report.subrequests, 3);
}
