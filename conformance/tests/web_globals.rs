//! URL, encoding, base64, structuredClone, crypto, console and fetch as Workers see them.

use std::rc::Rc;

use edgesim_conformance::{Run, body_json, eval_json, get, js, thrown};
use edgesim_runtime::HttpResponse;
use serde_json::json;

#[test]
fn url_parses_and_resolves_per_whatwg() {
    let v = eval_json(
        "const u = new URL('../x?y=1#z', 'https://user:pw@a.com:8080/b/c/d');
         return [u.href, u.origin, u.host, u.port, u.pathname, u.search, u.hash, u.username];",
    );
    assert_eq!(
        v,
        json!([
            "https://user:pw@a.com:8080/b/x?y=1#z",
            "https://a.com:8080",
            "a.com:8080",
            "8080",
            "/b/x",
            "?y=1",
            "#z",
            "user"
        ])
    );
}

#[test]
fn url_setters_and_search_params_stay_in_sync() {
    let v = eval_json(
        "const u = new URL('https://a.com/p?x=1');
         u.searchParams.append('y', 'a b'); u.pathname = '/q r'; u.hash = 'h';
         const s1 = u.href; u.search = '?z=9';
         return [s1, u.searchParams.get('z'), u.searchParams.has('x')];",
    );
    assert_eq!(v, json!(["https://a.com/q%20r?x=1&y=a+b#h", "9", false]));
}

#[test]
fn invalid_url_is_a_type_error() {
    assert_eq!(
        thrown("new URL('not a url')"),
        "TypeError: Invalid URL string."
    );
    assert_eq!(
        eval_json("return [URL.canParse('nope'), URL.canParse('https://a'), URL.parse('nope')];"),
        json!([false, true, null])
    );
}

#[test]
fn url_search_params_encode_as_form_data() {
    let v = eval_json(
        "const p = new URLSearchParams({ a: '1 2', b: 'é&' }); p.sort(); return [p.toString(), [...new URLSearchParams('?x=1&x=2')].length, p.size];",
    );
    assert_eq!(v, json!(["a=1+2&b=%C3%A9%26", 2, 2]));
}

#[test]
fn text_encoder_and_decoder_round_trip_utf8() {
    let v = eval_json(
        "const b = new TextEncoder().encode('héllo €');
         const into = new Uint8Array(4); const r = new TextEncoder().encodeInto('héllo', into);
         return [Array.from(b), new TextDecoder().decode(b), r, new TextDecoder('latin1').encoding];",
    );
    assert_eq!(
        v,
        json!([[104, 195, 169, 108, 108, 111, 32, 226, 130, 172], "héllo €", {"read": 3, "written": 4}, "windows-1252"])
    );
}

#[test]
fn text_decoder_strips_the_bom_and_fatal_mode_rejects_bad_bytes() {
    let v = eval_json(
        "return [new TextDecoder().decode(new Uint8Array([0xef, 0xbb, 0xbf, 104, 105])), new TextDecoder().decode(new Uint8Array([0xff]))];",
    );
    assert_eq!(v, json!(["hi", "\u{fffd}"]));
    assert_eq!(
        thrown("new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff]))"),
        "TypeError: Failed to decode input."
    );
}

#[test]
fn text_decoder_stream_mode_joins_split_code_points() {
    let v = eval_json(
        "const d = new TextDecoder(); return d.decode(new Uint8Array([0xe2, 0x82]), { stream: true }) + d.decode(new Uint8Array([0xac]));",
    );
    assert_eq!(v, "€");
}

#[test]
fn atob_and_btoa_follow_forgiving_base64() {
    let v =
        eval_json("return [btoa('hello'), atob('aGVsbG8='), atob(' aGVs bG8 '), atob('aGVsbG8')];");
    assert_eq!(v, json!(["aGVsbG8=", "hello", "hello", "hello"]));
    assert!(
        thrown("atob('a')")
            .starts_with("DOMException: atob() called with invalid base64-encoded data.")
    );
    assert!(
        thrown("btoa('€')")
            .starts_with("DOMException: btoa() can only operate on characters in the Latin1")
    );
}

#[test]
fn structured_clone_copies_deeply_and_refuses_functions() {
    let v = eval_json(
        "const src = { a: [1, { b: 2 }], d: new Date(5), m: new Map([[1, 'x']]) }; src.self = src;
         const c = structuredClone(src);
         return [c !== src, c.a[1].b, c.d.getTime(), c.m.get(1), c.self === c];",
    );
    assert_eq!(v, json!([true, 2, 5, "x", true]));
    let e = eval_json(
        "try { structuredClone(() => 1); } catch (e) { return [e.name, e.message, e.code]; }",
    );
    assert_eq!(
        e,
        json!(["DataCloneError", "() => 1 could not be cloned.", 25])
    );
}

#[test]
fn get_random_values_caps_at_64_kib_and_needs_an_integer_view() {
    let e = eval_json(
        "try { crypto.getRandomValues(new Uint8Array(65537)); } catch (e) { return [e.name, e.message]; }",
    );
    assert_eq!(
        e,
        json!([
            "QuotaExceededError",
            "getRandomValues() only accepts buffers of size <= 64K but provided 65537 bytes."
        ])
    );
    let e = eval_json(
        "try { crypto.getRandomValues(new Float32Array(4)); } catch (e) { return [e.name, e.message]; }",
    );
    assert_eq!(
        e,
        json!([
            "TypeMismatchError",
            "ArrayBufferView argument to getRandomValues() must be an integer-typed view."
        ])
    );
}

#[test]
fn random_uuid_is_version_4() {
    let v = eval_json("return crypto.randomUUID();");
    let s = v.as_str().unwrap();
    assert_eq!(s.len(), 36);
    assert_eq!(&s[14..15], "4");
    assert!(matches!(&s[19..20], "8" | "9" | "a" | "b"));
}

#[test]
fn subtle_digest_computes_sha256_and_md5() {
    let v = eval_json(
        "const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
         const d = new TextEncoder().encode('abc');
         return [hex(await crypto.subtle.digest('SHA-256', d)), hex(await crypto.subtle.digest({ name: 'MD5' }, d))];",
    );
    assert_eq!(
        v,
        json!([
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "900150983cd24fb0d6963f7d28e17f72"
        ])
    );
}

#[test]
fn navigator_user_agent_is_cloudflare_workers() {
    assert_eq!(
        eval_json("return navigator.userAgent;"),
        "Cloudflare-Workers"
    );
}

#[test]
fn console_output_is_captured_with_the_simulated_time() {
    let w = js(
        "export default { async fetch() { console.log('a', 1, { b: [2] }); await scheduler.wait(7); console.error('%s=%d', 'x', 5); return new Response('ok'); } };",
    );
    let x = Run::default()
        .fetch(&w, get("https://example.com/"))
        .unwrap();
    let lines: Vec<(u64, &str, &str)> = x
        .report
        .logs
        .iter()
        .map(|l| {
            (
                l.at_ms - edgesim_sim::host::DEFAULT_EPOCH_MS,
                l.level.as_str(),
                l.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![(0, "log", "a 1 { b: [ 2 ] }"), (7, "error", "x=5")]
    );
}

fn origin() -> Rc<edgesim_sim::host::OriginFn> {
    Rc::new(|req| {
        let path = url::Url::parse(&req.url).ok()?.path().to_string();
        let (status, location) = match path.as_str() {
            "/a" => (302, Some("/b")),
            "/b" => (301, Some("https://origin.test/c")),
            "/c" => (200, None),
            _ => return None,
        };
        let mut headers = vec![("content-type".to_string(), "text/plain".to_string())];
        if let Some(l) = location {
            headers.push(("location".into(), l.into()));
        }
        Some(HttpResponse {
            status,
            status_text: String::new(),
            headers,
            body: format!("{} {}", req.method, path).into_bytes(),
            web_socket: None,
        })
    })
}

#[test]
fn fetch_follows_redirects_and_each_hop_is_a_subrequest() {
    let w = js("export default { async fetch() {
        const t0 = Date.now();
        const r = await fetch('https://origin.test/a', { method: 'POST', body: 'x' });
        return Response.json([r.status, r.url, await r.text(), Date.now() - t0]);
    } };");
    let x = Run {
        origins: Some(origin()),
        ..Default::default()
    }
    .fetch(&w, get("https://example.com/"))
    .unwrap();
    assert_eq!(
        body_json(&x.response),
        json!([200, "https://origin.test/c", "GET /c", 60])
    );
    assert_eq!(x.report.subrequests, 3);
}

#[test]
fn fetch_with_manual_redirect_returns_the_redirect() {
    let w = js(
        "export default { async fetch() { const r = await fetch('https://origin.test/a', { redirect: 'manual' }); return Response.json([r.status, r.headers.get('location')]); } };",
    );
    let x = Run {
        origins: Some(origin()),
        ..Default::default()
    }
    .fetch(&w, get("https://example.com/"))
    .unwrap();
    assert_eq!(body_json(&x.response), json!([302, "/b"]));
}

#[test]
fn fetch_to_an_origin_nobody_serves_rejects_with_network_connection_lost() {
    assert_eq!(
        thrown("await fetch('https://nowhere.test/')"),
        "TypeError: Network connection lost."
    );
}

#[test]
fn fetch_detached_from_global_this_is_an_illegal_invocation() {
    assert!(
        thrown("const o = { f: fetch }; await o.f('https://a.test/');")
            .starts_with("TypeError: Illegal invocation")
    );
}

#[test]
fn abort_controller_aborts_its_signal_with_an_abort_error() {
    let v = eval_json(
        "const c = new AbortController(); let fired = 0; c.signal.onabort = () => fired++;
         c.abort(); c.abort();
         let thrown; try { c.signal.throwIfAborted(); } catch (e) { thrown = [e.name, e.message]; }
         return [c.signal.aborted, fired, thrown, AbortSignal.abort('why').reason];",
    );
    assert_eq!(
        v,
        json!([true, 1, ["AbortError", "The operation was aborted"], "why"])
    );
}

#[test]
fn abort_signal_timeout_fires_on_the_simulated_clock() {
    let v = eval_json(
        "const t0 = Date.now(); const s = AbortSignal.timeout(25);
         const reason = await new Promise((r) => s.addEventListener('abort', () => r(s.reason)));
         return [Date.now() - t0, reason.name, reason.message];",
    );
    assert_eq!(
        v,
        json!([
            25,
            "TimeoutError",
            "The operation was aborted due to timeout"
        ])
    );
}

#[test]
fn fetch_rejects_with_the_signals_reason_when_it_aborts_first() {
    let w = js("export default { async fetch() {
        const t0 = Date.now();
        try { await fetch('https://origin.test/c', { signal: AbortSignal.timeout(5) }); return Response.json('completed'); }
        catch (e) { return Response.json([e.name, Date.now() - t0]); }
    } };");
    let x = Run {
        origins: Some(origin()),
        ..Default::default()
    }
    .fetch(&w, get("https://example.com/"))
    .unwrap();
    assert_eq!(body_json(&x.response), json!(["TimeoutError", 5]));
    assert_eq!(
        thrown("await fetch('https://a.test/', { signal: AbortSignal.abort() })"),
        "DOMException: The operation was aborted"
    );
}

#[test]
fn text_encoder_replaces_lone_surrogates_with_u_fffd() {
    assert_eq!(
        edgesim_conformance::eval_json("return Array.from(new TextEncoder().encode('a\\uD800b'));"),
        serde_json::json!([97, 239, 191, 189, 98])
    );
}

#[test]
fn globals_loaded_on_first_use_become_plain_data_properties() {
    let v = eval_json(
        "const before = 'WebSocketPair' in globalThis;
         const ws = typeof WebSocketPair;
         const d = Object.getOwnPropertyDescriptor(globalThis, 'WebSocketPair');
         const close = Object.getOwnPropertyDescriptor(globalThis, 'CloseEvent');
         return [before, ws, 'value' in d, d.writable, d.enumerable, d.configurable, typeof close.value,
                 Object.keys(globalThis).includes('WebSocketPair')];",
    );
    assert_eq!(
        v,
        json!([true, "function", true, true, false, true, "function", false])
    );
}

/// Every global of every part the runtime loads on first use, each in an isolate of its own (so
/// no other global has loaded its part first): present before, a data property after.
#[test]
fn every_global_loaded_on_first_use_is_present_before_and_data_after() {
    for unit in edgesim_runtime::api::CATALOG.units {
        for name in unit.globals {
            let v = eval_json(&format!(
                "const before = Object.getOwnPropertyDescriptor(globalThis, '{name}');
                 const kind = typeof globalThis['{name}'];
                 const after = Object.getOwnPropertyDescriptor(globalThis, '{name}');
                 return [before !== undefined && !before.enumerable && before.configurable, kind,
                         'value' in after && after.writable && !after.enumerable && after.configurable];"
            ));
            // Interfaces and the global functions; the rest (crypto, performance, caches,
            // process, global, WebAssembly, Intl) are objects.
            let is_function = (name.starts_with(char::is_uppercase)
                && !["WebAssembly", "Intl"].contains(name))
                || [
                    "fetch",
                    "structuredClone",
                    "addEventListener",
                    "removeEventListener",
                    "dispatchEvent",
                    "reportError",
                    "setImmediate",
                    "clearImmediate",
                ]
                .contains(name);
            let kind = if is_function { "function" } else { "object" };
            assert_eq!(v, json!([true, kind, true]), "{name} (unit {})", unit.name);
        }
    }
}

#[test]
fn a_global_the_worker_assigns_before_first_use_keeps_its_value() {
    let v = eval_json(
        "globalThis.CloseEvent = 'mine';
         const [a, b] = Object.values(new WebSocketPair());
         return [CloseEvent, typeof WebSocket, a instanceof WebSocket];",
    );
    assert_eq!(v, json!(["mine", "function", true]));
}
