//! semantics.md §5.3 and state.mdx: `ctx.storage.sql` in SQLite-backed Durable Objects —
//! synchronous cursors, workerd's bindings and errors, its limits, `transactionSync`, and SQL
//! writes held behind the output gate like any other write.

use edgesim_conformance::{Run, object_json_with};
use serde_json::json;

/// Runs `body` inside a SQLite-backed object (with `sql` = `this.ctx.storage.sql`).
fn sql(body: &str) -> serde_json::Value {
    let class = format!("run() {{ const sql = this.ctx.storage.sql;\n{body}\n}}");
    object_json_with(&Run::default(), &class, "return await stub.run();", true)
}

fn sql_error(code: &str) -> String {
    let v = sql(&format!(
        "try {{ {code}; return 'did not throw'; }} catch (e) {{ return `${{e.constructor.name}}: ${{e.message}}`; }}"
    ));
    v.as_str().unwrap_or_default().to_string()
}

const ITEMS: &str = "sql.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, v TEXT)');
     sql.exec('INSERT INTO items (v) VALUES (?), (?), (?)', 'one', 'two', 'three');";

#[test]
fn do_sql_exec_returns_a_cursor_of_row_objects() {
    let v = sql(&format!(
        "{ITEMS}
         const c = sql.exec('SELECT id, v FROM items ORDER BY id');
         return {{ columns: c.columnNames, rows: c.toArray(), read: c.rowsRead }};"
    ));
    assert_eq!(
        v,
        json!({
            "columns": ["id", "v"],
            "rows": [{"id": 1, "v": "one"}, {"id": 2, "v": "two"}, {"id": 3, "v": "three"}],
            "read": 3,
        })
    );
}

#[test]
fn do_sql_exec_runs_each_statement_before_the_next_and_binds_the_last() {
    let v = sql(
        "const c = sql.exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
           INSERT INTO notes (body) VALUES ('semi;colon'); -- a comment; with a semicolon
           SELECT body FROM notes WHERE id = ?`, 1);
         return [c.toArray(), c.rowsWritten];",
    );
    // Rows written as workerd's SQLite counts them: the new table's two schema rows, then the
    // note.
    assert_eq!(v, json!([[{"body": "semi;colon"}], 3]));
}

#[test]
fn do_sql_cursor_reads_each_row_once_by_next_raw_or_iteration() {
    let v = sql(&format!(
        "{ITEMS}
         const c = sql.exec('SELECT v FROM items ORDER BY id');
         const first = c.next();
         const rest = [...c.raw()];
         return [first, rest, c.next().done];"
    ));
    assert_eq!(
        v,
        json!([{"done": false, "value": {"v": "one"}}, [["two"], ["three"]], true])
    );
}

#[test]
fn do_sql_one_requires_exactly_one_row() {
    assert_eq!(
        sql(&format!(
            "{ITEMS} return sql.exec('SELECT count(*) AS n FROM items').one();"
        )),
        json!({"n": 3})
    );
    assert_eq!(
        sql_error(&format!(
            "{ITEMS} sql.exec('SELECT * FROM items WHERE id = -1').one()"
        )),
        "Error: Expected exactly one result from SQL query, but got no results."
    );
    assert_eq!(
        sql_error(&format!("{ITEMS} sql.exec('SELECT * FROM items').one()")),
        "Error: Expected exactly one result from SQL query, but got multiple results."
    );
}

#[test]
fn do_sql_insert_reports_rows_written() {
    let v = sql("sql.exec('CREATE TABLE t (x)');
         const c = sql.exec('INSERT INTO t VALUES (1), (2)');
         return [c.rowsRead, c.rowsWritten, c.toArray()];");
    assert_eq!(v, json!([0, 2, []]));
}

#[test]
fn do_sql_binds_numbers_as_real_and_other_values_as_workerd_does() {
    let v = sql(
        "return sql.exec('SELECT typeof(?) AS i, typeof(?) AS s, typeof(?) AS n, typeof(?) AS b, ? AS t, ? AS o, ? AS u',
           1, 's', null, new Uint8Array([1]), true, { a: 1 }, undefined).one();",
    );
    assert_eq!(
        v,
        json!({"i": "real", "s": "text", "n": "null", "b": "blob", "t": "true", "o": "[object Object]", "u": null})
    );
}

#[test]
fn do_sql_returns_integers_as_numbers_and_blobs_as_array_buffers() {
    let v = sql(
        "const r = sql.exec(\"SELECT 9007199254740993 AS big, x'0102' AS b\").one();
         return [r.big, r.b.constructor.name, r.b.byteLength];",
    );
    assert_eq!(v, json!([9007199254740992u64, "ArrayBuffer", 2]));
}

#[test]
fn do_sql_bigint_bindings_are_a_type_error() {
    assert_eq!(
        sql_error("sql.exec('SELECT ?', 1n)"),
        "TypeError: Cannot convert a BigInt value to a number"
    );
}

#[test]
fn do_sql_errors_name_the_offset_and_sqlite_code() {
    assert_eq!(
        sql_error("sql.exec('SELEC 1')"),
        "Error: near \"SELEC\": syntax error at offset 0: SQLITE_ERROR"
    );
}

#[test]
fn do_sql_wrong_binding_count_is_refused() {
    assert_eq!(
        sql_error("sql.exec('SELECT ?, ?', 1)"),
        "Error: Wrong number of parameter bindings for SQL query."
    );
}

#[test]
fn do_sql_allows_at_most_100_bound_parameters() {
    let hundred = sql(
        "return sql.exec('SELECT ' + Array(100).fill('?').join(','), ...Array(100).fill(1)).raw().toArray()[0].length;",
    );
    assert_eq!(hundred, json!(100));
    assert_eq!(
        sql_error("sql.exec('SELECT ' + Array(101).fill('?').join(','), ...Array(101).fill(1))"),
        "Error: too many SQL variables at offset 207: SQLITE_ERROR"
    );
}

#[test]
fn do_sql_begin_transaction_is_refused_in_favour_of_the_js_api() {
    let e = sql_error("sql.exec('BEGIN TRANSACTION')");
    assert!(
        e.starts_with(
            "Error: To execute a transaction, please use the state.storage.transaction()"
        ),
        "{e}"
    );
}

#[test]
fn do_sql_cannot_touch_the_internal_kv_table() {
    let v = object_json_with(
        &Run::default(),
        "async run() { await this.ctx.storage.put('k', 1); await this.ctx.storage.sync();
           try { this.ctx.storage.sql.exec('SELECT * FROM _cf_KV'); return 'did not throw'; }
           catch (e) { return `${e.constructor.name}: ${e.message}`; } }",
        "return await stub.run();",
        true,
    );
    assert_eq!(v, "Error: access to _cf_KV.key is prohibited: SQLITE_AUTH");
}

#[test]
fn do_sql_object_that_never_used_the_kv_api_has_no_private_tables_and_one_page() {
    let v = sql(
        "return [sql.exec('PRAGMA table_list').toArray().map((r) => r.name), sql.databaseSize];",
    );
    assert_eq!(v, json!([["sqlite_schema", "sqlite_temp_schema"], 4096]));
}

#[test]
fn do_sql_multi_statement_exec_returns_the_last_statements_rows() {
    assert_eq!(
        sql("return sql.exec('SELECT 1 AS a; SELECT 2 AS b').toArray();"),
        json!([{"b": 2}])
    );
    assert_eq!(
        sql_error("sql.exec('')"),
        "Error: SQL code did not contain a statement."
    );
}

#[test]
fn do_transaction_sync_rolls_back_sql_when_the_callback_throws() {
    let v = sql(
        "sql.exec('CREATE TABLE t (x)');
         this.ctx.storage.transactionSync(() => sql.exec('INSERT INTO t VALUES (1)'));
         try { this.ctx.storage.transactionSync(() => { sql.exec('INSERT INTO t VALUES (2)'); throw new Error('no'); }); } catch {}
         return sql.exec('SELECT x FROM t').raw().toArray();",
    );
    assert_eq!(v, json!([[1]]));
}

#[test]
fn do_sql_random_follows_the_seed() {
    let a = sql("return sql.exec('SELECT random() AS r').one().r;");
    let b = sql("return sql.exec('SELECT random() AS r').one().r;");
    assert_eq!(a, b);
}

#[test]
fn do_kv_api_and_sql_share_the_objects_database() {
    let v = object_json_with(
        &Run::default(),
        "async run() { await this.ctx.storage.put('k', 1); await this.ctx.storage.sync(); this.ctx.storage.sql.exec('CREATE TABLE mine (x)');
           return [await this.ctx.storage.get('k'), this.ctx.storage.sql.exec('SELECT name FROM sqlite_master ORDER BY name').toArray().map((r) => r.name)]; }",
        "return await stub.run();",
        true,
    );
    assert_eq!(v, json!([1, ["_cf_KV", "mine"]]));
}

#[test]
fn do_sql_write_holds_the_response_until_confirmed() {
    let run = Run::with_commit_ms(40);
    let v = object_json_with(
        &run,
        "read() { return this.ctx.storage.sql.exec('SELECT 1 AS x').one().x; }
         write() { this.ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS t (x)'); this.ctx.storage.sql.exec('INSERT INTO t VALUES (1)'); return 1; }",
        "await stub.read();
         const time = async (f) => { const t = Date.now(); await f(); return Date.now() - t; };
         return [await time(() => stub.read()), await time(() => stub.write())];",
        true,
    );
    let read = v[0].as_u64().unwrap_or(0);
    assert_eq!(v[1].as_u64(), Some(read + 40), "{v}");
}
