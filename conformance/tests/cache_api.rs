//! semantics.md §7: the Cache API at one data centre — what put() stores and refuses, what
//! match() answers, expiry on the simulated clock.

use edgesim_conformance::{Run, body_json, eval_json, get, js, thrown};
use serde_json::json;

#[test]
fn cache_put_refuses_non_get_requests_206_and_vary_star() {
    assert_eq!(
        thrown(
            "await caches.default.put(new Request('https://e.com/', { method: 'POST' }), new Response('x'))"
        ),
        "TypeError: Cannot cache response to non-GET request."
    );
    assert_eq!(
        thrown("await caches.default.put('https://e.com/', new Response('x', { status: 206 }))"),
        "TypeError: Cannot cache response to a range request (206 Partial Content)."
    );
    assert_eq!(
        thrown(
            "await caches.default.put('https://e.com/', new Response('x', { headers: { vary: '*' } }))"
        ),
        "TypeError: Cannot cache response with 'Vary: *' header."
    );
    assert_eq!(
        thrown("await caches.default.put('https://e.com/', Response.error())"),
        "TypeError: Cache is unable to store an error response"
    );
}

#[test]
fn cache_name_of_1024_characters_is_too_long() {
    assert_eq!(
        thrown("await caches.open('x'.repeat(1024))"),
        "TypeError: Cache name is too long."
    );
}

#[test]
fn cache_stores_only_what_cache_control_allows() {
    let v = eval_json(
        "const c = caches.default;
         const stored = async (u, headers) => { await c.put(u, new Response('x', { headers })); return !!(await c.match(u)); };
         return [
           await stored('https://e.com/a', { 'cache-control': 'max-age=60' }),
           await stored('https://e.com/b', { 'cache-control': 's-maxage=60' }),
           await stored('https://e.com/c', {}),
           await stored('https://e.com/d', { 'cache-control': 'no-store' }),
           await stored('https://e.com/e', { 'cache-control': 'private, max-age=60' }),
           await stored('https://e.com/f', { 'cache-control': 'max-age=60', 'set-cookie': 'a=b' }),
           await stored('https://e.com/g', { 'cache-control': 'private=Set-Cookie, max-age=60', 'set-cookie': 'a=b' }),
         ];",
    );
    assert_eq!(v, json!([true, true, false, false, false, false, true]));
}

#[test]
fn cache_match_of_a_non_get_request_is_undefined_unless_ignore_method() {
    let v = eval_json(
        "const c = caches.default;
         await c.put('https://e.com/', new Response('x', { headers: { 'cache-control': 'max-age=60' } }));
         const post = new Request('https://e.com/', { method: 'POST' });
         return [(await c.match(post)) === undefined, (await c.match(post, { ignoreMethod: true }))?.status];",
    );
    assert_eq!(v, json!([true, 200]));
}

#[test]
fn cache_match_answers_conditional_and_range_requests() {
    let v = eval_json(
        "const c = caches.default;
         await c.put('https://e.com/', new Response('0123456789', { headers: { 'cache-control': 'max-age=60', etag: '\"v1\"' } }));
         const inm = await c.match(new Request('https://e.com/', { headers: { 'if-none-match': '\"v1\"' } }));
         const range = await c.match(new Request('https://e.com/', { headers: { range: 'bytes=-3' } }));
         return [inm.status, range.status, range.headers.get('content-range'), await range.text()];",
    );
    assert_eq!(v, json!([304, 206, "bytes 7-9/10", "789"]));
}

#[test]
fn cache_delete_reports_whether_something_was_deleted() {
    let v = eval_json(
        "const c = await caches.open('mine');
         await c.put('https://e.com/', new Response('x', { headers: { 'cache-control': 'max-age=60' } }));
         return [await c.delete('https://e.com/'), await c.delete('https://e.com/'), !!(await caches.default.match('https://e.com/'))];",
    );
    assert_eq!(v, json!([true, false, false]));
}

#[test]
fn cache_entries_expire_on_the_simulated_clock() {
    let worker = js(
        "export default { async fetch(request) {
           const c = caches.default;
           if (new URL(request.url).pathname === '/put') {
             await c.put('https://e.com/k', new Response('v', { headers: { 'cache-control': 'max-age=30' } }));
           }
           const hit = await c.match('https://e.com/k');
           return Response.json(hit ? { age: hit.headers.get('age') } : null);
         } };",
    );
    let out = Run::default()
        .sequence(
            &worker,
            vec![
                get("https://app.example.com/put"),
                get("https://app.example.com/"),
                get("https://app.example.com/"),
            ],
            20_000,
        )
        .unwrap();
    let answers: Vec<serde_json::Value> = out.iter().map(|x| body_json(&x.response)).collect();
    assert_eq!(
        answers,
        vec![json!({"age": "0"}), json!({"age": "20"}), json!(null)]
    );
}
