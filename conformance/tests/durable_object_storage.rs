//! semantics.md §5.3: the Durable Object storage API (KV-backed class): values as structured
//! clones, batch calls, list order and options, transactions, deleteAll, and the size limits.

use edgesim_conformance::{Run, object_json};
use serde_json::json;

/// Runs `body` inside the object (with `s` = `this.ctx.storage`) and returns its value.
fn inside(body: &str) -> serde_json::Value {
    let class = format!("async run() {{ const s = this.ctx.storage;\n{body}\n}}");
    object_json(&Run::default(), &class, "return await stub.run();")
}

fn error_inside(code: &str) -> String {
    let v = inside(&format!(
        "try {{ {code}; return 'did not throw'; }} catch (e) {{ return `${{e.constructor.name}}: ${{e.message}}`; }}"
    ));
    v.as_str().unwrap_or_default().to_string()
}

#[test]
fn do_storage_values_round_trip_as_structured_clones() {
    let v = inside(
        "const value = { d: new Date(5), m: new Map([[1, 'x']]), s: new Set(['a']), u8: new Uint8Array([1, 2]), big: 10n, nan: NaN, neg0: -0, undef: undefined };
         await s.put('k', value);
         const back = await s.get('k');
         return [back.d instanceof Date && back.d.getTime(), [...back.m], [...back.s], [...back.u8], typeof back.big, Number.isNaN(back.nan), Object.is(back.neg0, -0), 'undef' in back];",
    );
    assert_eq!(
        v,
        json!([5, [[1, "x"]], ["a"], [1, 2], "bigint", true, true, true])
    );
}

#[test]
fn do_storage_get_of_many_keys_returns_a_map_in_utf8_order_without_missing_keys() {
    let v = inside(
        "await s.put({ 'é': 1, z: 2, a: 3 });
         return [...(await s.get(['z', 'missing', 'é', 'a']))].map(([k]) => k);",
    );
    assert_eq!(v, json!(["a", "z", "é"]));
}

#[test]
fn do_storage_delete_returns_a_boolean_for_one_key_and_a_count_for_many() {
    let v = inside(
        "await s.put({ a: 1, b: 2 });
         return [await s.delete('a'), await s.delete('a'), await s.delete(['b', 'nope'])];",
    );
    assert_eq!(v, json!([true, false, 1]));
}

#[test]
fn do_storage_list_honours_start_end_prefix_reverse_and_limit() {
    let v = inside(
        "await s.put({ a1: 1, a2: 2, a3: 3, b1: 4, c1: 5 });
         const keys = async (o) => [...(await s.list(o)).keys()];
         return {
           all: await keys(),
           range: await keys({ start: 'a2', end: 'c1' }),
           after: await keys({ startAfter: 'a2', limit: 2 }),
           prefix: await keys({ prefix: 'a' }),
           reverse: await keys({ prefix: 'a', reverse: true, limit: 2 }),
         };",
    );
    assert_eq!(
        v,
        json!({
            "all": ["a1", "a2", "a3", "b1", "c1"],
            "range": ["a2", "a3", "b1"],
            "after": ["a3", "b1"],
            "prefix": ["a1", "a2", "a3"],
            "reverse": ["a3", "a2"],
        })
    );
}

#[test]
fn do_storage_list_limit_must_be_positive() {
    assert_eq!(
        error_inside("await s.list({ limit: 0 })"),
        "TypeError: List limit must be positive."
    );
}

#[test]
fn do_storage_put_of_undefined_is_a_type_error() {
    assert_eq!(
        error_inside("await s.put('k', undefined)"),
        "TypeError: put() called with undefined value."
    );
}

#[test]
fn do_storage_put_of_a_function_is_a_data_clone_error() {
    assert_eq!(
        error_inside("await s.put('f', () => 1)"),
        "DOMException: () => 1 could not be cloned."
    );
}

#[test]
fn do_kv_backed_storage_rejects_keys_over_2048_bytes() {
    assert_eq!(
        error_inside("await s.put('é'.repeat(1025), 1)"),
        "RangeError: Keys cannot be larger than 2048 bytes. A key of size 2050 was provided."
    );
    assert_eq!(
        inside("await s.put('k'.repeat(2048), 1); return await s.get('k'.repeat(2048));"),
        json!(1)
    );
}

#[test]
fn do_kv_backed_storage_rejects_values_over_128_kib() {
    let e = error_inside("await s.put('v', 'x'.repeat(129 * 1024))");
    assert!(
        e.starts_with("RangeError: Values cannot be larger than 131072 bytes. A value of size "),
        "{e}"
    );
    assert_eq!(
        inside("await s.put('v', 'x'.repeat(128 * 1024 - 16)); return (await s.get('v')).length;"),
        json!(128 * 1024 - 16)
    );
}

#[test]
fn do_storage_transaction_commits_on_return_and_rolls_back_on_throw() {
    let v = inside(
        "await s.put('n', 1);
         const r = await s.transaction(async (t) => { const n = await t.get('n'); await t.put('n', n + 1); return n + 1; });
         let e; try { await s.transaction(async (t) => { await t.put('n', 99); throw new Error('boom'); }); } catch (x) { e = x.message; }
         await s.transaction(async (t) => { await t.put('n', 55); t.rollback(); });
         return [r, e, await s.get('n')];",
    );
    assert_eq!(v, json!([2, "boom", 2]));
}

#[test]
fn do_storage_delete_all_inside_a_transaction_throws() {
    assert_eq!(
        error_inside("await s.transaction(async (t) => { await t.deleteAll(); })"),
        "Error: Cannot call deleteAll() within a transaction"
    );
}

#[test]
fn do_storage_delete_all_empties_the_object() {
    let v = inside(
        "await s.put({ a: 1, b: 2 });
         await s.deleteAll();
         return [(await s.list()).size, (await s.get('a')) ?? null];",
    );
    assert_eq!(v, json!([0, null]));
}

#[test]
fn do_storage_outlives_the_objects_memory() {
    // A reset (here: blockConcurrencyWhile throwing) loses memory, never confirmed storage.
    let v = object_json(
        &Run::default(),
        r#"
        constructor(ctx, env) { super(ctx, env); this.memory = 0; }
        async bump() { this.memory++; await this.ctx.storage.put("n", this.memory); return this.memory; }
        async crash() { await this.ctx.blockConcurrencyWhile(async () => { throw new Error("x"); }); }
        async both() { return [this.memory, await this.ctx.storage.get("n")]; }
        "#,
        "await stub.bump(); await stub.bump();
         try { await stub.crash(); } catch {}
         return await stub.both();",
    );
    assert_eq!(v, json!([0, 2]));
}

#[test]
fn do_sql_on_a_kv_backed_class_is_refused_with_workerds_message() {
    let e = error_inside("s.sql.exec('SELECT 1')");
    assert!(
        e.starts_with(
            "Error: SQL is not enabled for this Durable Object class. To enable it, change \
             `new_classes` to `new_sqlite_classes`"
        ),
        "{e}"
    );
}
