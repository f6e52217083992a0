//! semantics.md §4: the D1 binding at one location — statements, batches as one transaction,
//! exec, value rules, results and `meta`, limits and error texts, sessions.

use edgesim_conformance::{Run, body_json, get};
use edgesim_runtime::worker::{WorkerDefinition, WranglerConfig};
use serde_json::json;

fn run(body: &str) -> serde_json::Value {
    let config = WranglerConfig::parse(
        "wrangler.toml",
        "name = 'app'\nmain = 'w.js'\n[[d1_databases]]\nbinding = 'DB'\ndatabase_name = 'db'\ndatabase_id = 'db1'\n",
    )
    .unwrap();
    let source = format!(
        "export default {{ async fetch(request, env, ctx) {{ const DB = env.DB;\n\
         return Response.json(await (async () => {{ {body} }})()); }} }};"
    );
    let worker = WorkerDefinition::from_sources(config, "w.js", &[("w.js", &source)]);
    let x = Run::default()
        .fetch(&worker, get("https://example.com/"))
        .unwrap_or_else(|e| panic!("{e}"));
    body_json(&x.response)
}

fn error_of(body: &str) -> String {
    let v = run(&format!(
        "try {{ {body}; return 'no error'; }} catch (e) {{ return `${{e.message}} | cause: ${{e.cause?.message}}`; }}"
    ));
    v.as_str().unwrap_or_default().to_string()
}

const TABLE: &str =
    "await DB.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, n REAL, b BLOB)');";

#[test]
fn d1_run_reports_changes_and_last_row_id() {
    let v = run(&format!(
        "{TABLE} const r = await DB.prepare('INSERT INTO t (name, n) VALUES (?, ?)').bind('a', 1).run();
         return [r.success, r.results, r.meta.changes, r.meta.last_row_id, r.meta.changed_db, r.meta.served_by_primary];"
    ));
    assert_eq!(v, json!([true, [], 1, 1, true, true]));
}

#[test]
fn d1_first_returns_a_row_a_column_or_null() {
    let v = run(&format!(
        "{TABLE} await DB.prepare(\"INSERT INTO t (name, n) VALUES ('a', 1.5)\").run();
         const s = DB.prepare('SELECT name, n FROM t WHERE name = ?');
         return [await s.bind('a').first(), await s.bind('a').first('n'), await s.bind('zz').first()];"
    ));
    assert_eq!(v, json!([{"name": "a", "n": 1.5}, 1.5, null]));
}

#[test]
fn d1_first_of_a_missing_column_is_column_notfound() {
    assert_eq!(
        error_of("await DB.prepare('SELECT 1 AS a').first('b')"),
        "D1_COLUMN_NOTFOUND: Column not found (b) | cause: Column not found"
    );
}

#[test]
fn d1_raw_returns_arrays_with_optional_column_names() {
    let v = run("return [await DB.prepare('SELECT 1 AS a, 2 AS b').raw(),
                         await DB.prepare('SELECT 1 AS a, 2 AS b').raw({ columnNames: true })];");
    assert_eq!(v, json!([[[1, 2]], [["a", "b"], [1, 2]]]));
}

#[test]
fn d1_binds_booleans_as_1_and_0_and_returns_blobs_as_byte_arrays() {
    let v = run(
        "return await DB.prepare('SELECT ? AS t, ? AS f, typeof(?) AS kind, ? AS blob').bind(true, false, 1, new Uint8Array([7, 8])).first();",
    );
    assert_eq!(v, json!({"t": 1, "f": 0, "kind": "real", "blob": [7, 8]}));
}

#[test]
fn d1_rejects_undefined_and_objects_as_bindings() {
    assert_eq!(
        error_of("await DB.prepare('SELECT ?').bind(undefined).all()"),
        "D1_TYPE_ERROR: Type 'undefined' not supported for value 'undefined' | cause: Type 'undefined' not supported for value 'undefined'"
    );
    assert_eq!(
        error_of("await DB.prepare('SELECT ?').bind({ a: 1 }).all()"),
        "D1_TYPE_ERROR: Type 'object' not supported for value '[object Object]' | cause: Type 'object' not supported for value '[object Object]'"
    );
}

#[test]
fn d1_batch_is_one_transaction_that_rolls_back_on_error() {
    let v = run(&format!(
        "{TABLE} let e;
         try {{ await DB.batch([DB.prepare(\"INSERT INTO t (name) VALUES ('x')\"), DB.prepare('SELEC 1')]); }}
         catch (x) {{ e = x.message; }}
         const ok = await DB.batch([DB.prepare(\"INSERT INTO t (name) VALUES ('y')\"), DB.prepare('SELECT name FROM t')]);
         return [e, ok.map((r) => r.results)];"
    ));
    assert_eq!(
        v,
        json!([
            "D1_ERROR: near \"SELEC\": syntax error at offset 0: SQLITE_ERROR",
            [[], [{"name": "y"}]]
        ])
    );
}

#[test]
fn d1_exec_counts_lines_and_reports_exec_errors() {
    let v = run("return await DB.exec('CREATE TABLE a (x);\\nINSERT INTO a VALUES (1);');");
    assert_eq!(v, json!({"count": 2, "duration": 0}));
    assert_eq!(
        error_of("await DB.exec('SELEC 1')"),
        "D1_EXEC_ERROR: Error in line 1: SELEC 1: near \"SELEC\": syntax error at offset 0: SQLITE_ERROR | cause: Error in line 1: SELEC 1: near \"SELEC\": syntax error at offset 0: SQLITE_ERROR"
    );
}

#[test]
fn d1_constraint_failures_name_the_extended_code() {
    let e = error_of(&format!(
        "{TABLE} await DB.prepare(\"INSERT INTO t (name) VALUES ('d')\").run(); await DB.prepare(\"INSERT INTO t (name) VALUES ('d')\").run()"
    ));
    assert!(
        e.starts_with("D1_ERROR: UNIQUE constraint failed: t.name: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)"),
        "{e}"
    );
}

#[test]
fn d1_allows_at_most_100_bound_parameters() {
    let v = run(
        "return (await DB.prepare('SELECT ' + Array(100).fill('?').join(',')).bind(...Array(100).fill(1)).raw())[0].length;",
    );
    assert_eq!(v, json!(100));
    let e = error_of(
        "await DB.prepare('SELECT ' + Array(101).fill('?').join(',')).bind(...Array(101).fill(1)).raw()",
    );
    assert!(
        e.starts_with("D1_ERROR: too many SQL variables at offset 207: SQLITE_ERROR"),
        "{e}"
    );
}

#[test]
fn d1_refuses_statements_over_100_kb() {
    assert!(
        error_of("await DB.prepare(\"SELECT '\" + 'a'.repeat(101 * 1024) + \"'\").first()")
            .starts_with("D1_ERROR: statement too long: SQLITE_TOOBIG")
    );
}

#[test]
fn d1_refuses_begin_transaction() {
    let e = error_of("await DB.exec('BEGIN TRANSACTION; SELECT 1; COMMIT;')");
    assert!(
        e.starts_with("D1_EXEC_ERROR: Error in line 1: BEGIN TRANSACTION; SELECT 1; COMMIT;: To execute a transaction"),
        "{e}"
    );
}

#[test]
fn d1_session_bookmark_is_null_until_a_query_then_moves_forward() {
    let v = run("const s = DB.withSession();
         const before = s.getBookmark();
         await s.prepare('CREATE TABLE s (x)').run();
         const first = s.getBookmark();
         await s.prepare('INSERT INTO s VALUES (1)').run();
         return [before, typeof first, s.getBookmark() > first];");
    assert_eq!(v, json!([null, "string", true]));
    // Nothing but spaces is no constraint: the session starts unconstrained (d1-api.ts).
    let v = run("const s = DB.withSession('  ');
         await s.prepare('SELECT 1').run();
         return [typeof s.getBookmark()];");
    assert_eq!(v, json!(["string"]));
}
