//! D1 at one location: a SQLite database (storage::sql, with workerd's limits and texts) and
//! the request shapes the binding sends — statements run alone or as a batch, each request
//! atomic; `exec` split on newlines — with the `meta` each result carries (semantics.md §4).

use super::sql::{METADATA_TABLE, SqlDatabase, SqlError, SqlValue};

/// workerd's text for a request with no statement in it.
pub const NO_STATEMENTS: &str = "No SQL statements detected.";

#[derive(Debug, Clone, PartialEq)]
pub struct D1Statement {
    pub sql: String,
    pub bindings: Vec<SqlValue>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum D1Request {
    /// `stmt.run/all/first/raw` (one statement) or `db.batch` (several, one transaction).
    Statements(Vec<D1Statement>),
    /// `db.exec(sql)`: no bindings, one "line" per `\n`.
    Exec(String),
}

/// The `meta` of a D1 result, as return-object.mdx lists it (timing fields are the caller's).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct D1Meta {
    pub changes: u64,
    pub last_row_id: i64,
    pub changed_db: bool,
    pub size_after: u64,
    pub rows_read: u64,
    pub rows_written: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct D1Result {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<SqlValue>>,
    pub meta: D1Meta,
}

#[derive(Debug, Clone, PartialEq)]
pub enum D1Reply {
    Results(Vec<D1Result>),
    Exec { count: u64 },
}

/// What the D1 service answers: the reply and where it was served.
#[derive(Debug, Clone, PartialEq)]
pub struct D1Response {
    pub reply: D1Reply,
    /// The database version after the request, for `session.getBookmark()`.
    pub bookmark: String,
    /// `meta.served_by_region` (ENAM, WEUR, …).
    pub served_by_region: String,
    pub served_by_primary: bool,
}

/// A failed request: `D1_ERROR: <message>` or `D1_EXEC_ERROR: <message>` to the Worker.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{prefix}: {message}")]
pub struct D1Error {
    pub prefix: &'static str,
    pub message: String,
}

impl D1Error {
    fn query(message: impl Into<String>) -> Self {
        D1Error {
            prefix: "D1_ERROR",
            message: message.into(),
        }
    }
}

/// How a query of a session (`db.withSession(...)`) may be routed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct D1Session {
    /// `"first-primary"` and no query run yet: this one goes to the primary.
    pub first_primary: bool,
    /// The newest bookmark the session has seen (or started from): whoever answers must be at
    /// least that new.
    pub bookmark: Option<String>,
}

pub struct D1Database {
    db: SqlDatabase,
    seed: u64,
    /// Requests that changed the database: the version a session bookmark names.
    version: u64,
}

impl D1Database {
    pub fn open(seed: u64) -> Result<Self, SqlError> {
        Ok(D1Database {
            db: SqlDatabase::open(seed)?,
            seed,
            version: 0,
        })
    }

    /// A database kept in the file at `path` (`edgesim fetch --persist-to`).
    pub fn open_file(path: &std::path::Path, seed: u64) -> Result<Self, SqlError> {
        Ok(D1Database {
            db: SqlDatabase::open_file(path, seed)?,
            seed,
            version: 0,
        })
    }

    /// An in-memory copy of the database as it is now.
    pub fn copy(&self) -> Result<Self, SqlError> {
        Ok(D1Database {
            db: self.db.copy()?,
            seed: self.seed,
            version: self.version,
        })
    }

    /// The bookmark of the database's current version (`x-cf-d1-session-commit-token`).
    pub fn bookmark(&self) -> String {
        format!("00000000-{:08x}-00000000-{:032x}", self.version, 0)
    }

    /// The version a bookmark names; a bookmark edgesim did not make names version 0 (any
    /// copy of the database is at least that new).
    pub fn bookmark_version(bookmark: &str) -> u64 {
        bookmark
            .split('-')
            .nth(1)
            .and_then(|v| u64::from_str_radix(v, 16).ok())
            .unwrap_or(0)
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    /// True when the request only reads, so a read replica may answer it.
    pub fn is_read_only(&self, request: &D1Request) -> bool {
        match request {
            D1Request::Statements(statements) => {
                !statements.is_empty() && statements.iter().all(|s| self.db.is_read_only(&s.sql))
            }
            D1Request::Exec(_) => false,
        }
    }

    /// Runs a request atomically: every statement of it applies, or none does. `random()`
    /// starts from a seed of the database's version, so a replica replaying the same writes
    /// draws the same values.
    pub fn run(&mut self, request: D1Request) -> Result<D1Reply, D1Error> {
        let mix = self
            .version
            .wrapping_add(1)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.db.reseed(self.seed ^ mix);
        self.savepoint("SAVEPOINT _d1_request")
            .map_err(|e| D1Error::query(e.to_string()))?;
        let outcome = match request {
            D1Request::Statements(statements) => self.statements(statements),
            D1Request::Exec(sql) => self.exec(&sql),
        };
        let (finish, changed) = match &outcome {
            Ok(reply) => ("RELEASE _d1_request", changed(reply)),
            Err(_) => ("ROLLBACK TO _d1_request; RELEASE _d1_request", false),
        };
        self.savepoint(finish)
            .map_err(|e| D1Error::query(e.to_string()))?;
        if changed {
            self.version += 1;
            // The version lives in workerd's `_cf_METADATA`, which the first write creates.
            let record = format!(
                "{METADATA_TABLE}; INSERT OR REPLACE INTO _cf_METADATA (key, value) VALUES (1, {})",
                self.version
            );
            self.db
                .bookkeeping(&record)
                .map_err(|e| D1Error::query(e.0))?;
        }
        outcome
    }

    /// Runs the binding's own SQL (savepoints, bookkeeping).
    fn savepoint(&self, sql: &str) -> Result<(), rusqlite::Error> {
        self.db.internal().execute_batch(sql)
    }

    fn statements(&self, statements: Vec<D1Statement>) -> Result<D1Reply, D1Error> {
        if statements.is_empty() {
            return Err(D1Error::query(NO_STATEMENTS));
        }
        let mut results = Vec::with_capacity(statements.len());
        // A statement's size before is the size after the one before it: nothing runs between.
        let mut size_after = self.db.size_bytes();
        for statement in statements {
            if statement.sql.trim().is_empty() {
                return Err(D1Error::query(NO_STATEMENTS));
            }
            let row_id_before = self.db.last_insert_rowid();
            let cursor = self
                .db
                .exec(&statement.sql, &statement.bindings)
                .map_err(|e| D1Error::query(e.0))?;
            let size_before = size_after;
            size_after = self.db.size_bytes();
            // As local D1 decides it: rows changed, a new last row id, or a new size.
            let changed_db = cursor.changes != 0
                || cursor.last_row_id != row_id_before
                || size_after != size_before;
            let meta = D1Meta {
                changes: cursor.changes,
                last_row_id: cursor.last_row_id,
                changed_db,
                size_after,
                rows_read: cursor.rows_read,
                rows_written: cursor.rows_written,
            };
            results.push(D1Result {
                columns: cursor.columns,
                rows: cursor.rows,
                meta,
            });
        }
        Ok(D1Reply::Results(results))
    }

    /// As local workerd answers: every line runs, in one transaction; a failure is reported
    /// against line 1 and undoes them all.
    fn exec(&self, sql: &str) -> Result<D1Reply, D1Error> {
        let lines: Vec<&str> = sql.split('\n').collect();
        let first = lines.first().copied().unwrap_or_default().trim();
        let exec_error = |message: String| D1Error {
            prefix: "D1_EXEC_ERROR",
            message: format!("Error in line 1: {first}: {message}"),
        };
        if sql.trim().is_empty() {
            return Err(exec_error(NO_STATEMENTS.to_string()));
        }
        let mut count = 0;
        for line in lines.iter().filter(|l| !l.trim().is_empty()) {
            self.db.exec(line, &[]).map_err(|e| exec_error(e.0))?;
            count += 1;
        }
        Ok(D1Reply::Exec { count })
    }
}

fn changed(reply: &D1Reply) -> bool {
    match reply {
        D1Reply::Results(results) => results.iter().any(|r| r.meta.changed_db),
        D1Reply::Exec { .. } => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(sql: &str) -> D1Statement {
        D1Statement {
            sql: sql.to_string(),
            bindings: vec![],
        }
    }

    #[test]
    fn a_failing_batch_leaves_nothing_behind() {
        let mut db = D1Database::open(1).unwrap();
        db.run(D1Request::Exec("CREATE TABLE t (x)".into()))
            .unwrap();
        let err = db
            .run(D1Request::Statements(vec![
                statement("INSERT INTO t VALUES (1)"),
                statement("SELEC 1"),
            ]))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "D1_ERROR: near \"SELEC\": syntax error at offset 0: SQLITE_ERROR"
        );
        let Ok(D1Reply::Results(r)) = db.run(D1Request::Statements(vec![statement(
            "SELECT count(*) FROM t",
        )])) else {
            panic!("select answers results");
        };
        assert_eq!(r[0].rows, vec![vec![SqlValue::Integer(0)]]);
    }
}
