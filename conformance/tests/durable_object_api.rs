//! semantics.md §5: Durable Object namespaces, ids and stubs — one instance per id, `fetch` and
//! JS RPC through stubs, errors that keep their class across the call.

use edgesim_conformance::{Run, object_json};
use serde_json::json;

fn caller(class_body: &str, fetch_body: &str) -> serde_json::Value {
    object_json(&Run::default(), class_body, fetch_body)
}

#[test]
fn do_ids_from_the_same_name_are_equal_and_64_hex_digits() {
    let v = caller(
        "",
        "const a = env.COUNTER.idFromName('x'), b = env.COUNTER.idFromName('x');
         const u = env.COUNTER.newUniqueId();
         return [a.equals(b), a.toString() === b.toString(), /^[0-9a-f]{64}$/.test(a.toString()),
                 a.name, u.name ?? null, u.equals(a), /^[0-9a-f]{64}$/.test(u.toString()),
                 env.COUNTER.idFromString(a.toString()).equals(a)];",
    );
    assert_eq!(v, json!([true, true, true, "x", null, false, true, true]));
}

#[test]
fn do_id_from_string_rejects_what_is_not_64_hex_digits() {
    let v = caller(
        "",
        "try { env.COUNTER.idFromString('not-hex'); return 'no error'; }
         catch (e) { return `${e.constructor.name}: ${e.message}`; }",
    );
    assert_eq!(
        v,
        json!("TypeError: Invalid Durable Object ID: must be 64 hex digits")
    );
}

#[test]
fn do_one_instance_serves_every_stub_of_an_id() {
    let v = caller(
        "constructor(ctx, env) { super(ctx, env); this.hits = 0; }
         async hit() { return ++this.hits; }",
        "const other = env.COUNTER.getByName('a');
         return [await stub.hit(), await other.hit(), await env.COUNTER.get(env.COUNTER.idFromName('b')).hit()];",
    );
    assert_eq!(v, json!([1, 2, 1]));
}

#[test]
fn do_stub_fetch_delivers_the_request_and_returns_the_response() {
    let v = caller(
        "async fetch(request) {
           return new Response(`${request.method} ${new URL(request.url).pathname} ${await request.text()}`,
             { status: 201, headers: { 'x-from': 'object' } });
         }",
        "const r = await stub.fetch('https://do/path', { method: 'POST', body: 'hi' });
         return [r.status, r.headers.get('x-from'), await r.text()];",
    );
    assert_eq!(v, json!([201, "object", "POST /path hi"]));
}

#[test]
fn do_rpc_arguments_and_results_are_structured_clones() {
    let v = caller(
        "async echo(x) { return { got: x, isMap: x instanceof Map, when: new Date(7) }; }",
        "const r = await stub.echo(new Map([['k', [1, 2]]]));
         return [[...r.got], r.isMap, r.when instanceof Date && r.when.getTime()];",
    );
    assert_eq!(v, json!([[["k", [1, 2]]], true, 7]));
}

#[test]
fn do_rpc_errors_keep_their_class_and_message() {
    let v = caller(
        "async bad() { throw new RangeError('out of range'); }",
        "try { await stub.bad(); return 'no error'; }
         catch (e) { return [e.constructor.name, e.message]; }",
    );
    assert_eq!(v, json!(["RangeError", "out of range"]));
}

#[test]
fn do_rpc_to_a_method_the_class_lacks_is_a_type_error() {
    let v = caller(
        "",
        "try { await stub.nothing(); return 'no error'; }
         catch (e) { return `${e.constructor.name}: ${e.message}`; }",
    );
    assert_eq!(
        v,
        json!("TypeError: The RPC receiver does not implement the method \"nothing\".")
    );
}

#[test]
fn do_rpc_property_reads_await_getters_and_refuse_instance_fields() {
    let v = caller(
        "count = 3; get doubled() { return 2 * 21; }",
        "const read = await stub.doubled;
         let field;
         try { await stub.count; field = 'no error'; } catch (e) { field = e.message; }
         return [read, field];",
    );
    assert_eq!(
        v,
        json!([
            42,
            "The RPC receiver does not implement the method \"count\"."
        ])
    );
}

#[test]
fn do_rpc_to_a_reserved_name_is_refused() {
    let v = caller(
        "alarm() {} webSocketMessage() {}",
        "const out = [];
         for (const name of ['alarm', 'webSocketMessage', 'dup']) {
           try { await stub[name](); out.push('no error'); } catch (e) { out.push(`${e.name}: ${e.message}`); }
         }
         return out;",
    );
    assert_eq!(
        v,
        json!([
            "TypeError: 'alarm' is a reserved method and cannot be called over RPC.",
            "TypeError: 'webSocketMessage' is a reserved method and cannot be called over RPC.",
            "TypeError: 'dup' is a reserved method and cannot be called over RPC."
        ])
    );
}

#[test]
fn do_class_not_extending_durable_object_refuses_rpc() {
    let config = edgesim_runtime::worker::WranglerConfig::parse(
        "wrangler.toml",
        "name = 'app'\nmain = 'w.js'\ncompatibility_date = '2026-04-20'\n\
         [[durable_objects.bindings]]\nname = 'OLD'\nclass_name = 'Old'\n\
         [[migrations]]\ntag = 'v1'\nnew_classes = ['Old']\n",
    )
    .expect("a valid config");
    let source = "export class Old { constructor(state, env) {} hello() { return 1; } }\n\
        export default { async fetch(request, env) {\n\
          try { await env.OLD.get(env.OLD.idFromName('a')).hello(); return new Response('no error'); }\n\
          catch (e) { return new Response(`${e.name}: ${e.message}`); } } };";
    let worker = edgesim_runtime::worker::WorkerDefinition::from_sources(
        config,
        "w.js",
        &[("w.js", source)],
    );
    let x = Run::default()
        .fetch(&worker, edgesim_conformance::get("https://example.com/"))
        .expect("the Worker runs");
    assert_eq!(
        edgesim_conformance::body_text(&x.response),
        "TypeError: The receiving Durable Object does not support RPC, because its class was not \
         declared with `extends DurableObject`. In order to enable RPC, make sure your class \
         extends the special class `DurableObject`, which can be imported from the module \
         \"cloudflare:workers\"."
    );
}

#[test]
fn do_ctx_id_carries_the_name_it_was_made_from() {
    let v = caller(
        "async who() { return [this.ctx.id.name, this.ctx.id.toString().length]; }",
        "return await stub.who();",
    );
    assert_eq!(v, json!(["a", 64]));
}

#[test]
fn do_classic_state_env_classes_work_too() {
    let worker_source = "
        export class Counter {
          constructor(state, env) { this.state = state; }
          async fetch() {
            const n = ((await this.state.storage.get('n')) ?? 0) + 1;
            await this.state.storage.put('n', n);
            return new Response(String(n));
          }
        }
        export default { async fetch(request, env) {
          const stub = env.COUNTER.get(env.COUNTER.idFromName('c'));
          await stub.fetch('https://do/');
          return new Response(await (await stub.fetch('https://do/')).text());
        } };";
    let config = edgesim_runtime::worker::WranglerConfig::parse(
        "wrangler.toml",
        "name = 'app'\nmain = 'w.js'\n[[durable_objects.bindings]]\nname = 'COUNTER'\nclass_name = 'Counter'\n[[migrations]]\ntag = 'v1'\nnew_classes = ['Counter']\n",
    )
    .unwrap();
    let worker = edgesim_runtime::worker::WorkerDefinition::from_sources(
        config,
        "w.js",
        &[("w.js", worker_source)],
    );
    let x = Run::default()
        .fetch(&worker, edgesim_conformance::get("https://example.com/"))
        .unwrap();
    assert_eq!(edgesim_conformance::body_text(&x.response), "2");
}

#[test]
fn a_jurisdictions_ids_carry_it_name_other_objects_and_are_refused_by_another_jurisdiction() {
    let v = caller(
        "constructor(ctx, env) { super(ctx, env); this.hits = 0; }
         async hit() { return [++this.hits, this.ctx.id.jurisdiction ?? null]; }",
        "const eu = env.COUNTER.jurisdiction('eu');
         const a = eu.idFromName('a'), plain = env.COUNTER.idFromName('a');
         const back = env.COUNTER.idFromString(a.toString());
         const unique = env.COUNTER.newUniqueId({ jurisdiction: 'fedramp' });
         let mixed;
         try { env.COUNTER.jurisdiction('us').get(a); } catch (e) { mixed = `${e.constructor.name}: ${e.message}`; }
         let unknown;
         try { env.COUNTER.jurisdiction('mars'); } catch (e) { unknown = e.constructor.name; }
         return [a.jurisdiction, plain.jurisdiction ?? null, a.equals(plain), back.jurisdiction,
                 unique.jurisdiction, env.COUNTER.idFromString(unique.toString()).jurisdiction,
                 env.COUNTER.idFromString(plain.toString()).jurisdiction ?? null,
                 await eu.get(a).hit(), await eu.getByName('a').hit(), await env.COUNTER.get(plain).hit(),
                 await env.COUNTER.get(a).hit(), mixed, unknown,
                 env.COUNTER.jurisdiction(null).idFromName('a').equals(plain)];",
    );
    assert_eq!(
        v,
        json!([
            "eu",
            null,
            false,
            "eu",
            "fedramp",
            "fedramp",
            null,
            [1, "eu"],
            [2, "eu"],
            [1, null],
            [3, "eu"],
            "TypeError: get called on jurisdictional subnamespace with an ID from a different jurisdiction",
            "TypeError",
            true
        ])
    );
}
