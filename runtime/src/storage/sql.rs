//! SQLite as Durable Objects (and, later, D1) expose it: one in-memory database per object,
//! with workerd's limits, its error texts (`<sqlite message> at offset <n>: SQLITE_<CODE>`),
//! its refusal of `BEGIN`/`SAVEPOINT`, and its private `_cf_*` tables out of the user's reach.
//!
//! Determinism: SQLite's `random()` and `randomblob()` are replaced by functions drawing from
//! the seed; SQLite's own helper threads are off; its clock is libc's, which madsim controls.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use fallible_iterator::FallibleIterator;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::ValueRef;
use rusqlite::{Batch, Connection};

use super::sql_security::{self, Guard, Refusal};

unsafe extern "C" {
    /// The vendored SQLite's row counters (vendor/libsqlite3-sys/PATCH.md).
    fn sqlite3_edgesim_row_counts(
        db: *mut rusqlite::ffi::sqlite3,
        read: *mut u64,
        written: *mut u64,
    );
}

/// limits.mdx, "SQL storage limits", as workerd enforces them (util/sqlite.c++
/// `setupSecurity`, recorded in conformance's `sql-authorizer` snippets).
pub const BOUND_PARAMETERS_MAX: i32 = 100;
pub const STATEMENT_BYTES_MAX: i32 = 100_000;
pub const COLUMNS_MAX: i32 = 100;
/// The documented limit is 32; workerd allows SQLite's default, 127, for `json_object`'s sake.
pub const FUNCTION_ARGS_MAX: i32 = 127;
pub const LIKE_PATTERN_BYTES_MAX: i32 = 50;
/// A string or BLOB: the documented 2 MB row plus workerd's padding.
pub const LENGTH_BYTES_MAX: i32 = 2_200_000;

/// workerd's text for `BEGIN`, `COMMIT` and `SAVEPOINT` in user SQL (sqlite.c++).
pub const TRANSACTION_REFUSED: &str = "To execute a transaction, please use the \
     state.storage.transaction() or state.storage.transactionSync() APIs instead of the SQL BEGIN \
     TRANSACTION or SAVEPOINT statements. The JavaScript API is safer because it will automatically \
     roll back on exceptions, and because it interacts correctly with Durable Objects' automatic \
     atomic write coalescing.";

/// The KV API's table in a Durable Object's database, ordered by the keys' UTF-8 bytes.
pub const KV_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS _cf_KV (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID";

/// workerd's own bookkeeping table (a D1 database gets it with its first write).
pub const METADATA_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS _cf_METADATA (key INTEGER PRIMARY KEY, value BLOB)";

/// A value going into or coming out of SQLite.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// Everything one `exec()` produced (the last statement's rows; counters over all of them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SqlCursor {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<SqlValue>>,
    /// Rows SQLite's virtual machine read, counted as workerd's patched SQLite counts them
    /// (vendor/libsqlite3-sys/PATCH.md).
    pub rows_read: u64,
    /// Rows SQLite's virtual machine wrote (schema rows and index entries included), as
    /// workerd counts them.
    pub rows_written: u64,
    /// Rows changed by INSERT, UPDATE and DELETE statements, triggers' included (SQLite's
    /// `total_changes()` across the statements: DDL changes none). D1's `meta.changes`.
    pub changes: u64,
    /// Some statement was not read-only (DDL included): the output gate must wait for it.
    pub wrote: bool,
    /// `last_insert_rowid()` after the last statement.
    pub last_row_id: i64,
    /// SQLite virtual-machine steps run, counted in [`SQL_STEPS_PER_CHECK`]s: the CPU the
    /// statements cost the invocation.
    pub vm_steps: u64,
}

/// How often (in virtual-machine steps) a statement's work is counted and its budget checked.
pub const SQL_STEPS_PER_CHECK: u64 = 1_000;

/// The text of a statement stopped because it used up its step budget (the isolate's CPU).
pub const SQL_INTERRUPTED: &str = "interrupted: SQLITE_INTERRUPT";

/// A call on an object's database from its isolate.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlCall {
    Exec {
        query: String,
        bindings: Vec<SqlValue>,
        /// Virtual-machine steps the statements may run before they are interrupted: what is
        /// left of the invocation's CPU (workerd's limit enforcer interrupts SQLite too).
        steps_max: u64,
    },
    /// `transactionSync()`: open, release or roll back the savepoint around its callback.
    Savepoint(Savepoint),
    /// `sql.databaseSize`.
    Size,
    /// The KV API's first write: its `_cf_KV` table is made at once (SqliteKv).
    KvTable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Savepoint {
    Begin,
    Release,
    Rollback,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SqlAnswer {
    Cursor(SqlCursor),
    Size(u64),
    Done,
}

/// A refused or failed statement; the text is what the Worker's `Error` says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SqlError(pub String);

/// Turns off the connection's lookaside allocator, which takes ~48 KB up front: a run holds
/// one database per SQLite-backed Durable Object, and thousands of objects made it most of
/// their memory. SQLite then allocates those small objects from the heap; what it computes is
/// unchanged.
fn without_lookaside(conn: &Connection) {
    // SAFETY: `handle` is this open connection's, used on this thread before any statement
    // runs (lookaside can only change while none of it is in use); the variadic arguments are
    // the (void*, int, int) that SQLITE_DBCONFIG_LOOKASIDE takes. A refusal leaves the default.
    unsafe {
        rusqlite::ffi::sqlite3_db_config(
            conn.handle(),
            rusqlite::ffi::SQLITE_DBCONFIG_LOOKASIDE,
            std::ptr::null_mut::<std::ffi::c_void>(),
            0 as std::ffi::c_int,
            0 as std::ffi::c_int,
        );
    }
}

pub struct SqlDatabase {
    conn: Connection,
    /// What the authorizer knows: whose SQL runs, and why it refused.
    guard: Guard,
    /// What `random()` and `randomblob()` draw from.
    rng: Arc<Mutex<ChaCha8Rng>>,
}

impl SqlDatabase {
    /// A fresh in-memory database with workerd's limits and authorizer; `seed` drives
    /// `random()`. A Durable Object's `_cf_KV` table is made by its first KV write, as workerd
    /// makes it ([`SqlDatabase::ensure_kv_table`]).
    pub fn open(seed: u64) -> Result<Self, SqlError> {
        let conn = Connection::open_in_memory().map_err(|e| SqlError(e.to_string()))?;
        Self::with_connection(conn, seed)
    }

    /// As [`SqlDatabase::open`], on the database file at `path` (created when missing): a
    /// host's choice to keep the database across runs. Every statement outside a transaction
    /// is durable when it returns, as SQLite makes it.
    pub fn open_file(path: &std::path::Path, seed: u64) -> Result<Self, SqlError> {
        let conn =
            Connection::open(path).map_err(|e| SqlError(format!("{}: {e}", path.display())))?;
        Self::with_connection(conn, seed)
    }

    fn with_connection(conn: Connection, seed: u64) -> Result<Self, SqlError> {
        without_lookaside(&conn);
        let rng = Arc::new(Mutex::new(ChaCha8Rng::seed_from_u64(seed)));
        let flags = FunctionFlags::SQLITE_UTF8;
        let r = rng.clone();
        conn.create_scalar_function("random", 0, flags, move |_| {
            Ok(r.lock().map(|mut g| g.next_u64() as i64).unwrap_or(0))
        })
        .map_err(|e| SqlError(e.to_string()))?;
        let r = rng.clone();
        conn.create_scalar_function("randomblob", 1, flags, move |ctx| {
            let n = ctx
                .get::<i64>(0)
                .unwrap_or(1)
                .clamp(1, LENGTH_BYTES_MAX as i64) as usize;
            let mut out = vec![0u8; n];
            if let Ok(mut g) = r.lock() {
                g.fill_bytes(&mut out);
            }
            Ok(out)
        })
        .map_err(|e| SqlError(e.to_string()))?;
        // Reading the schema once up front keeps the first user statement's error offsets:
        // a prepare that first has to load the schema reports its errors without them.
        conn.execute_batch("PRAGMA threads = 0; SELECT count(*) FROM sqlite_master;")
            .map_err(|e| SqlError(e.to_string()))?;
        let guard = Guard::default();
        sql_security::restrict(&conn, &guard).map_err(|e| SqlError(e.to_string()))?;
        Ok(SqlDatabase { conn, guard, rng })
    }

    /// An in-memory copy of the database as it is now, `random()` continuing from where this
    /// one's is (`edgesim test`'s per-test storage keeps copies to go back to).
    pub fn copy(&self) -> Result<SqlDatabase, SqlError> {
        let mut copy = SqlDatabase::open(0)?;
        {
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut copy.conn)
                .map_err(|e| SqlError(e.to_string()))?;
            backup.step(-1).map_err(|e| SqlError(e.to_string()))?;
        }
        if let (Ok(mut to), Ok(from)) = (copy.rng.lock(), self.rng.lock()) {
            *to = from.clone();
        }
        Ok(copy)
    }

    /// Creates the KV API's `_cf_KV` table unless it exists (workerd's `SqliteKv` makes it with
    /// the object's first KV write, so an object that never used the KV API has no such table).
    pub fn ensure_kv_table(&self) -> rusqlite::Result<()> {
        self.internal().execute_batch(KV_TABLE)
    }

    /// True once the object's `_cf_KV` table exists.
    pub fn has_kv_table(&self) -> bool {
        self.internal()
            .prepare_cached("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_cf_KV'")
            .and_then(|mut stmt| stmt.exists([]))
            .unwrap_or(false)
    }

    /// Restarts `random()` from `seed`: two copies of a database that run the same writes from
    /// the same seeds stay identical (D1's read replicas).
    pub fn reseed(&self, seed: u64) {
        if let Ok(mut g) = self.rng.lock() {
            *g = ChaCha8Rng::seed_from_u64(seed);
        }
    }

    /// True when `sql` is one statement that only reads (SQLite's `sqlite3_stmt_readonly`);
    /// false for writes and for anything that does not prepare.
    pub fn is_read_only(&self, sql: &str) -> bool {
        self.conn
            .prepare(sql)
            .is_ok_and(|statement| statement.readonly())
    }

    pub fn call(&self, call: SqlCall) -> Result<SqlAnswer, SqlError> {
        match call {
            SqlCall::Exec {
                query,
                bindings,
                steps_max,
            } => self
                .exec_within(&query, &bindings, steps_max)
                .map(SqlAnswer::Cursor),
            SqlCall::Size => Ok(SqlAnswer::Size(self.size_bytes())),
            SqlCall::KvTable => self
                .ensure_kv_table()
                .map(|()| SqlAnswer::Done)
                .map_err(describe),
            SqlCall::Savepoint(step) => {
                let sql = match step {
                    Savepoint::Begin => "SAVEPOINT _cf_transaction_sync",
                    Savepoint::Release => "RELEASE _cf_transaction_sync",
                    Savepoint::Rollback => {
                        "ROLLBACK TO _cf_transaction_sync; RELEASE _cf_transaction_sync"
                    }
                };
                self.internal()
                    .execute_batch(sql)
                    .map(|()| SqlAnswer::Done)
                    .map_err(describe)
            }
        }
    }

    /// As [`SqlDatabase::exec`], interrupted once the statements have run `steps_max`
    /// virtual-machine steps (counted per [`SQL_STEPS_PER_CHECK`]).
    pub fn exec_within(
        &self,
        query: &str,
        bindings: &[SqlValue],
        steps_max: u64,
    ) -> Result<SqlCursor, SqlError> {
        let steps = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counted = steps.clone();
        self.conn.progress_handler(
            SQL_STEPS_PER_CHECK as i32,
            Some(move || {
                let total =
                    counted.fetch_add(SQL_STEPS_PER_CHECK, Ordering::Relaxed) + SQL_STEPS_PER_CHECK;
                total > steps_max
            }),
        );
        let result = self.exec(query, bindings);
        self.conn.progress_handler(0, None::<fn() -> bool>);
        let steps = steps.load(Ordering::Relaxed);
        match result {
            Ok(mut cursor) => {
                cursor.vm_steps = steps;
                Ok(cursor)
            }
            Err(_) if steps > steps_max => Err(SqlError(SQL_INTERRUPTED.to_string())),
            Err(e) => Err(e),
        }
    }

    /// Runs every statement of `query`; `bindings` go to the last one, whose rows come back.
    pub fn exec(&self, query: &str, bindings: &[SqlValue]) -> Result<SqlCursor, SqlError> {
        self.guard.trusted.store(false, Ordering::SeqCst);
        let result = self.exec_all(query, bindings);
        if let Ok(mut r) = self.guard.refusal.lock()
            && r.take() == Some(Refusal::Transaction)
            && result.is_err()
        {
            return Err(SqlError(TRANSACTION_REFUSED.to_string()));
        }
        result
    }

    /// True when `piece` holds no statement (only whitespace, comments or a lone `;`). A piece
    /// that fails to prepare holds one: it may name a table an earlier statement creates.
    fn is_blank(&self, piece: &str) -> bool {
        matches!(Batch::new(&self.conn, piece).next(), Ok(None))
    }

    /// Runs each statement of `query` before preparing the next, so a statement may use what
    /// an earlier one created (`CREATE TABLE t ...; INSERT INTO t ...`); `bindings` go to the
    /// last.
    fn exec_all(&self, query: &str, bindings: &[SqlValue]) -> Result<SqlCursor, SqlError> {
        let pieces = split_statements(query);
        let mut cursor = SqlCursor::default();
        let mut ran = 0;
        let changes_before = self.total_changes();
        let (read_before, written_before) = self.row_counts();
        for (i, piece) in pieces.iter().enumerate() {
            let Some(mut stmt) = Batch::new(&self.conn, piece).next().map_err(describe)? else {
                continue;
            };
            ran += 1;
            // Only bindings need to know which statement is last (probing the pieces after it);
            // the rows are simply the final statement's, each overwriting the one before.
            let binds_here =
                !bindings.is_empty() && pieces[i + 1..].iter().all(|p| self.is_blank(p));
            let params: &[SqlValue] = if binds_here { bindings } else { &[] };
            if stmt.parameter_count() != params.len() {
                return Err(SqlError(
                    "Wrong number of parameter bindings for SQL query.".into(),
                ));
            }
            for (n, value) in params.iter().enumerate() {
                bind(&mut stmt, n + 1, value).map_err(describe)?;
            }
            let readonly = stmt.readonly();
            let columns: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
            let mut rows = Vec::new();
            {
                let mut raw = stmt.raw_query();
                while let Some(row) = raw.next().map_err(describe)? {
                    let mut out = Vec::with_capacity(columns.len());
                    for c in 0..columns.len() {
                        out.push(from_ref(row.get_ref(c).map_err(describe)?));
                    }
                    rows.push(out);
                }
            }
            cursor.wrote |= !readonly;
            cursor.columns = columns;
            cursor.rows = rows;
            cursor.last_row_id = self.conn.last_insert_rowid();
        }
        if ran == 0 {
            return Err(SqlError("SQL code did not contain a statement.".into()));
        }
        cursor.changes = self.total_changes().saturating_sub(changes_before);
        let (read, written) = self.row_counts();
        cursor.rows_read = read.saturating_sub(read_before);
        cursor.rows_written = written.saturating_sub(written_before);
        Ok(cursor)
    }

    /// The rows the connection's statements have read and written so far.
    fn row_counts(&self) -> (u64, u64) {
        let (mut read, mut written) = (0, 0);
        // SAFETY: the handle belongs to this open connection, used on this thread only; the
        // function only reads two counters of it into the locals.
        unsafe { sqlite3_edgesim_row_counts(self.conn.handle(), &mut read, &mut written) };
        (read, written)
    }

    /// Rows changed since the connection opened (`sqlite3_changes()` would repeat the last
    /// INSERT's count after a CREATE TABLE).
    fn total_changes(&self) -> u64 {
        // SAFETY: the handle belongs to this open connection, used on this thread only.
        let total = unsafe { rusqlite::ffi::sqlite3_total_changes64(self.conn.handle()) };
        u64::try_from(total).unwrap_or(0)
    }

    /// `last_insert_rowid()` as the next statement starts.
    pub fn last_insert_rowid(&self) -> i64 {
        self.conn.last_insert_rowid()
    }

    /// Runs trusted SQL of the runtime itself (the KV API's tables).
    pub fn internal(&self) -> &Connection {
        self.guard.trusted.store(true, Ordering::SeqCst);
        &self.conn
    }

    /// Runs the runtime's own bookkeeping SQL without disturbing `last_insert_rowid()`, which
    /// the user's next `meta.last_row_id` reports.
    pub fn bookkeeping(&self, sql: &str) -> Result<(), SqlError> {
        let conn = self.internal();
        let rowid = conn.last_insert_rowid();
        let result = conn.execute_batch(sql).map_err(describe);
        // SAFETY: the handle belongs to this open connection, used on this thread only, and
        // sqlite3_set_last_insert_rowid only stores the value on it.
        unsafe { rusqlite::ffi::sqlite3_set_last_insert_rowid(conn.handle(), rowid) };
        result
    }

    /// `sql.databaseSize`: pages in use times the page size. SQLite writes a new database's
    /// first page with its first write; workerd's file has it from the start, so a database is
    /// never smaller than one page.
    pub fn size_bytes(&self) -> u64 {
        // As workerd's `databaseSize` (api/sql.c++): pages in use, free pages left out. D1
        // asks after every statement, so the query is prepared once.
        let conn = self.internal();
        let (pages, size): (i64, i64) = conn
            .prepare_cached(
                "SELECT (SELECT * FROM pragma_page_count) - (SELECT * FROM pragma_freelist_count), \
                 (SELECT * FROM pragma_page_size)",
            )
            .and_then(|mut stmt| stmt.query_row([], |r| Ok((r.get(0)?, r.get(1)?))))
            .unwrap_or((0, 0));
        (pages.max(1) * size).max(0) as u64
    }
}

fn bind(
    stmt: &mut rusqlite::Statement<'_>,
    index: usize,
    value: &SqlValue,
) -> rusqlite::Result<()> {
    match value {
        SqlValue::Null => stmt.raw_bind_parameter(index, rusqlite::types::Null),
        SqlValue::Integer(i) => stmt.raw_bind_parameter(index, i),
        SqlValue::Real(f) => stmt.raw_bind_parameter(index, f),
        SqlValue::Text(s) => stmt.raw_bind_parameter(index, s),
        SqlValue::Blob(b) => stmt.raw_bind_parameter(index, b),
    }
}

fn from_ref(value: ValueRef<'_>) -> SqlValue {
    match value {
        ValueRef::Null => SqlValue::Null,
        ValueRef::Integer(i) => SqlValue::Integer(i),
        ValueRef::Real(f) => SqlValue::Real(f),
        ValueRef::Text(t) => SqlValue::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => SqlValue::Blob(b.to_vec()),
    }
}

/// workerd's form: `<message>[ at offset <n>]: SQLITE_<CODE>`.
fn describe(e: rusqlite::Error) -> SqlError {
    match e {
        rusqlite::Error::SqlInputError {
            error, msg, offset, ..
        } => SqlError(format!(
            "{msg} at offset {offset}: {}",
            code_name(error.extended_code)
        )),
        rusqlite::Error::SqliteFailure(error, msg) => {
            let msg = msg.unwrap_or_else(|| error.to_string());
            let code = code_name(error.extended_code);
            match extended_code_name(error.extended_code) {
                Some(extended) => SqlError(format!("{msg}: {code} (extended: {extended})")),
                None => SqlError(format!("{msg}: {code}")),
            }
        }
        other => SqlError(other.to_string()),
    }
}

/// The name of an extended result code workerd spells out (constraint failures).
fn extended_code_name(extended: i32) -> Option<&'static str> {
    Some(match extended {
        275 => "SQLITE_CONSTRAINT_CHECK",
        531 => "SQLITE_CONSTRAINT_COMMITHOOK",
        787 => "SQLITE_CONSTRAINT_FOREIGNKEY",
        1043 => "SQLITE_CONSTRAINT_FUNCTION",
        1299 => "SQLITE_CONSTRAINT_NOTNULL",
        1555 => "SQLITE_CONSTRAINT_PRIMARYKEY",
        1811 => "SQLITE_CONSTRAINT_TRIGGER",
        2067 => "SQLITE_CONSTRAINT_UNIQUE",
        2323 => "SQLITE_CONSTRAINT_VTAB",
        2579 => "SQLITE_CONSTRAINT_ROWID",
        3091 => "SQLITE_CONSTRAINT_DATATYPE",
        _ => return None,
    })
}

/// The name of SQLite's primary result code (https://www.sqlite.org/rescode.html).
fn code_name(extended: i32) -> &'static str {
    const NAMES: [&str; 29] = [
        "SQLITE_OK",
        "SQLITE_ERROR",
        "SQLITE_INTERNAL",
        "SQLITE_PERM",
        "SQLITE_ABORT",
        "SQLITE_BUSY",
        "SQLITE_LOCKED",
        "SQLITE_NOMEM",
        "SQLITE_READONLY",
        "SQLITE_INTERRUPT",
        "SQLITE_IOERR",
        "SQLITE_CORRUPT",
        "SQLITE_NOTFOUND",
        "SQLITE_FULL",
        "SQLITE_CANTOPEN",
        "SQLITE_PROTOCOL",
        "SQLITE_EMPTY",
        "SQLITE_SCHEMA",
        "SQLITE_TOOBIG",
        "SQLITE_CONSTRAINT",
        "SQLITE_MISMATCH",
        "SQLITE_MISUSE",
        "SQLITE_NOLFS",
        "SQLITE_AUTH",
        "SQLITE_FORMAT",
        "SQLITE_RANGE",
        "SQLITE_NOTADB",
        "SQLITE_NOTICE",
        "SQLITE_WARNING",
    ];
    NAMES
        .get((extended & 0xff) as usize)
        .copied()
        .unwrap_or("SQLITE_ERROR")
}

/// `sql` cut after each `;` that ends a complete statement — SQLite's own `sqlite3_complete`
/// decides, so a `;` inside a string, a comment or a trigger body does not cut — with what
/// follows the last one as a final piece unless it is blank.
pub fn split_statements(sql: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (end, _) in sql.match_indices(';') {
        if is_complete(&sql[start..=end]) {
            pieces.push(&sql[start..=end]);
            start = end + 1;
        }
    }
    if !sql[start..].trim().is_empty() {
        pieces.push(&sql[start..]);
    }
    pieces
}

fn is_complete(sql: &str) -> bool {
    let Ok(text) = std::ffi::CString::new(sql) else {
        // A NUL byte: let the prepare that follows report the statement.
        return true;
    };
    // SAFETY: `text` is a valid NUL-terminated string that outlives the call, which only
    // reads it.
    unsafe { rusqlite::ffi::sqlite3_complete(text.as_ptr()) != 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_sees_what_an_earlier_one_in_the_same_exec_created() {
        let db = SqlDatabase::open(1).unwrap();
        let cursor = db
            .exec(
                "CREATE TABLE t(x); -- a; comment\nINSERT INTO t VALUES ('a;b');\n\
                 CREATE TRIGGER g AFTER INSERT ON t BEGIN SELECT 1; END;\nSELECT x FROM t WHERE x != ?",
                &[SqlValue::Text("z".into())],
            )
            .unwrap();
        assert_eq!(cursor.rows, vec![vec![SqlValue::Text("a;b".into())]]);
        assert_eq!(
            split_statements("SELECT 1; SELECT ';'; -- end"),
            vec!["SELECT 1;", " SELECT ';';", " -- end"]
        );
        let trailing = db
            .exec("SELECT ?; -- the end", &[SqlValue::Integer(7)])
            .unwrap();
        assert_eq!(trailing.rows, vec![vec![SqlValue::Integer(7)]]);
    }

    #[test]
    fn errors_carry_the_offset_and_the_code_name() {
        let db = SqlDatabase::open(1).unwrap();
        assert_eq!(
            db.exec("SELEC 1", &[]).unwrap_err().0,
            "near \"SELEC\": syntax error at offset 0: SQLITE_ERROR"
        );
    }

    #[test]
    fn private_tables_are_listed_but_not_readable() {
        let db = SqlDatabase::open(1).unwrap();
        assert!(!db.has_kv_table());
        db.ensure_kv_table().unwrap();
        let names = db.exec("SELECT name FROM sqlite_master", &[]).unwrap();
        assert_eq!(names.rows, vec![vec![SqlValue::Text("_cf_KV".into())]]);
        assert_eq!(
            db.exec("SELECT * FROM _cf_KV", &[]).unwrap_err().0,
            "access to _cf_KV.key is prohibited: SQLITE_AUTH"
        );
    }

    #[test]
    fn random_follows_the_seed() {
        let a = SqlDatabase::open(5)
            .unwrap()
            .exec("SELECT random()", &[])
            .unwrap();
        let b = SqlDatabase::open(5)
            .unwrap()
            .exec("SELECT random()", &[])
            .unwrap();
        assert_eq!(a, b);
    }
}
