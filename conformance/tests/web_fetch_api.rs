//! Request, Response and Headers as workerd implements them (workerd:src/workerd/api/http.c++,
//! headers.c++), with its error classes and texts.

use edgesim_conformance::{eval_json, thrown};
use serde_json::json;

#[test]
fn response_status_outside_200_to_599_is_a_range_error() {
    assert_eq!(
        thrown("new Response('x', { status: 199 })"),
        "RangeError: Responses may only be constructed with status codes in the range 200 to 599, inclusive."
    );
    assert_eq!(
        thrown("new Response('x', { status: 600 })"),
        "RangeError: Responses may only be constructed with status codes in the range 200 to 599, inclusive."
    );
}

#[test]
fn response_status_text_defaults_to_the_reason_phrase() {
    let v = eval_json(
        "return [new Response('x').statusText, new Response(null, { status: 404 }).statusText, new Response('x', { status: 200, statusText: 'Fine' }).statusText];",
    );
    assert_eq!(v, json!(["OK", "Not Found", "Fine"]));
}

#[test]
fn null_body_status_with_a_body_is_a_type_error() {
    assert_eq!(
        thrown("new Response('x', { status: 204 })"),
        "TypeError: Response with null body status (101, 204, 205, or 304) cannot have a body."
    );
}

#[test]
fn reading_a_body_twice_is_a_type_error() {
    assert_eq!(
        thrown("const r = new Response('x'); await r.text(); await r.text();"),
        "TypeError: Body has already been used. It can only be used once. Use tee() first if you need to read it twice."
    );
}

#[test]
fn a_cloned_response_can_be_read_twice() {
    let v = eval_json(
        "const r = new Response('twice'); const c = r.clone(); return [await r.text(), await c.text(), r.bodyUsed, c.bodyUsed];",
    );
    assert_eq!(v, json!(["twice", "twice", true, true]));
}

#[test]
fn response_json_sets_content_type_and_serialises() {
    let v = eval_json(
        "const r = Response.json({ a: 1 }, { status: 201 }); return [r.status, r.headers.get('content-type'), await r.text()];",
    );
    assert_eq!(v, json!([201, "application/json", "{\"a\":1}"]));
}

#[test]
fn response_redirect_accepts_only_redirect_statuses() {
    let v = eval_json(
        "const r = Response.redirect('https://a.com/x', 301); return [r.status, r.headers.get('location')];",
    );
    assert_eq!(v, json!([301, "https://a.com/x"]));
    assert_eq!(
        thrown("Response.redirect('https://a.com/', 200)"),
        "RangeError: 200 is not a redirect status code. It must be one of: 301, 302, 303, 307, or 308."
    );
}

#[test]
fn redirect_response_headers_are_immutable() {
    assert_eq!(
        thrown("Response.redirect('https://a.com/').headers.set('x', 'y')"),
        "TypeError: Can't modify immutable headers."
    );
}

#[test]
fn response_error_has_type_error_and_status_0() {
    let v = eval_json("const r = Response.error(); return [r.type, r.status, r.ok];");
    assert_eq!(v, json!(["error", 0, false]));
}

#[test]
fn body_can_be_read_as_text_json_array_buffer_bytes_and_blob() {
    let v = eval_json(
        "const mk = () => new Response('{\"k\":[1]}', { headers: { 'content-type': 'application/json' } });
         const blob = await mk().blob();
         return [await mk().text(), await mk().json(), (await mk().arrayBuffer()).byteLength, (await mk().bytes()).length, blob.size, blob.type];",
    );
    assert_eq!(
        v,
        json!(["{\"k\":[1]}", {"k": [1]}, 9, 9, 9, "application/json"])
    );
}

#[test]
fn a_response_built_from_a_stream_can_be_read() {
    let v = eval_json(
        "const s = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('a')); c.enqueue(new TextEncoder().encode('b')); c.close(); } });
         return await new Response(s).text();",
    );
    assert_eq!(v, "ab");
}

#[test]
fn request_with_get_and_a_body_is_a_type_error() {
    assert_eq!(
        thrown("new Request('https://a.com/', { method: 'GET', body: 'x' })"),
        "TypeError: Request with a GET or HEAD method cannot have a body."
    );
}

#[test]
fn request_with_a_relative_url_is_a_type_error() {
    assert_eq!(
        thrown("new Request('/relative')"),
        "TypeError: Invalid URL: /relative"
    );
}

#[test]
fn request_methods_are_normalised_and_bodies_typed() {
    let v = eval_json(
        "const r = new Request('https://a.com/p?q=1', { method: 'post', body: 'hi' });
         return [r.method, r.url, r.headers.get('content-type'), await r.text(), r.redirect];",
    );
    assert_eq!(
        v,
        json!([
            "POST",
            "https://a.com/p?q=1",
            "text/plain;charset=UTF-8",
            "hi",
            "follow"
        ])
    );
}

#[test]
fn the_incoming_request_carries_method_url_headers_and_body() {
    let w = edgesim_conformance::js(
        "export default { async fetch(r) { return Response.json([r.method, r.url, r.headers.get('x-a'), await r.text()]); } };",
    );
    let req = edgesim_runtime::HttpRequest {
        method: "PUT".into(),
        url: "https://example.com/k".into(),
        headers: vec![("x-a".into(), "1".into())],
        body: b"payload".to_vec(),
        cf: None,
    };
    let x = edgesim_conformance::Run::default().fetch(&w, req).unwrap();
    assert_eq!(
        edgesim_conformance::body_json(&x.response),
        json!(["PUT", "https://example.com/k", "1", "payload"])
    );
}

#[test]
fn headers_are_case_insensitive_and_combine_repeated_values() {
    let v = eval_json(
        "const h = new Headers(); h.append('Accept', 'a'); h.append('accept', 'b'); h.set('X-One', ' 1 ');
         return [h.get('ACCEPT'), h.get('x-one'), h.has('X-ONE'), h.get('missing')];",
    );
    assert_eq!(v, json!(["a, b", "1", true, null]));
}

#[test]
fn headers_iterate_sorted_with_set_cookie_kept_apart() {
    let v = eval_json(
        "const h = new Headers([['b', '2'], ['Set-Cookie', 'x=1'], ['a', '1'], ['set-cookie', 'y=2']]);
         return [[...h], h.getSetCookie(), h.get('set-cookie')];",
    );
    assert_eq!(
        v,
        json!([
            [
                ["a", "1"],
                ["b", "2"],
                ["set-cookie", "x=1"],
                ["set-cookie", "y=2"]
            ],
            ["x=1", "y=2"],
            "x=1, y=2"
        ])
    );
}

#[test]
fn invalid_header_names_and_values_are_type_errors() {
    assert_eq!(
        thrown("new Headers({ 'bad name': 'x' })"),
        "TypeError: Invalid header name."
    );
    assert_eq!(
        thrown("new Headers({ a: 'x\\ny' })"),
        "TypeError: Invalid header value."
    );
}

#[test]
fn the_incoming_request_carries_its_colo_in_cf() {
    let w = edgesim_conformance::js("export default { fetch(r) { return Response.json(r.cf); } };");
    let x = edgesim_conformance::Run::default()
        .fetch(&w, edgesim_conformance::get("https://example.com/"))
        .unwrap();
    assert_eq!(
        edgesim_conformance::body_json(&x.response),
        json!({"colo": "LHR"})
    );
}

#[test]
fn the_incoming_request_has_immutable_headers_and_a_serialised_url() {
    let w = edgesim_conformance::js(
        "export default { fetch(r) {
           let set;
           try { r.headers.set('x-added', '1'); set = 'ok'; } catch (e) { set = `${e.constructor.name}: ${e.message}`; }
           const copy = new Request(r);
           copy.headers.set('x-added', '1');
           return Response.json([set, r.headers.get('x-test'), copy.headers.get('x-added'), r.url]);
         } };",
    );
    let mut request = edgesim_conformance::get("https://EXAMPLE.com:443/a/../b?q");
    request.headers.push(("x-test".into(), "yes".into()));
    let x = edgesim_conformance::Run::default()
        .fetch(&w, request)
        .unwrap();
    assert_eq!(
        edgesim_conformance::body_json(&x.response),
        json!([
            "TypeError: Can't modify immutable headers.",
            "yes",
            "1",
            "https://example.com/b?q"
        ])
    );
}

#[test]
fn an_incoming_request_has_redirect_mode_manual_and_a_copy_keeps_it() {
    let x = edgesim_conformance::fetch_js(
        "export default { fetch(request) { return new Response([request.redirect, \
         new Request(request).redirect, new Request('https://x/').redirect].join(' ')); } };",
        "https://example.com/",
    );
    assert_eq!(
        edgesim_conformance::body_text(&x.response),
        "manual manual follow"
    );
}
