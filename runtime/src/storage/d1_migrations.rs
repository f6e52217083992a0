//! D1 migrations as wrangler keeps them: the `.sql` files of a database's `migrations_dir`,
//! applied in the order of their numeric prefixes, each in one transaction together with the
//! row that records it in the `d1_migrations` table (or the database's `migrations_table`).
//!
//! One difference from wrangler: the row's `applied_at` is written from the caller's clock
//! (the simulated one in a run) rather than from SQLite's `CURRENT_TIMESTAMP`, which reads the
//! host's and would make a run depend on when it ran.

use std::path::{Path, PathBuf};

use super::d1::{D1Database, D1Reply, D1Request, D1Statement};
use super::sql::SqlValue;

pub const MIGRATIONS_DIR_DEFAULT: &str = "migrations";
pub const MIGRATIONS_TABLE_DEFAULT: &str = "d1_migrations";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MigrationError {
    /// wrangler's text when the directory is missing.
    #[error("No migrations present at {dir}.")]
    NoDirectory { dir: String },
    #[error("{path}: cannot read: {message}")]
    Read { path: String, message: String },
    /// wrangler's text for a migration that failed (it and every later one stay unapplied).
    #[error("Migration {name} failed with the following errors:\n{message}")]
    Failed { name: String, message: String },
    #[error("the migrations table {table}: {message}")]
    Table { table: String, message: String },
}

/// Where a database's migrations are and where it records them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migrations {
    pub dir: PathBuf,
    pub table: String,
}

/// A migration already applied, as its row in the migrations table has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedMigration {
    pub id: i64,
    pub name: String,
    pub applied_at: String,
}

impl Migrations {
    /// The names of the `.sql` files in the directory, in wrangler's order: by the number before
    /// the first `_`, then (where wrangler keeps the directory's order) by name.
    pub fn names(&self) -> Result<Vec<String>, MigrationError> {
        if !self.dir.is_dir() {
            return Err(MigrationError::NoDirectory {
                dir: self.dir.display().to_string(),
            });
        }
        let read_failed = |e: std::io::Error| MigrationError::Read {
            path: self.dir.display().to_string(),
            message: e.to_string(),
        };
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&self.dir).map_err(read_failed)? {
            let name = entry.map_err(read_failed)?.file_name();
            let name = name.to_string_lossy();
            if name.ends_with(".sql") {
                names.push(name.into_owned());
            }
        }
        names.sort_by(|a, b| (number_of(a), a).cmp(&(number_of(b), b)));
        Ok(names)
    }

    /// The migrations recorded as applied in `db`, oldest first (none before the table exists).
    pub fn applied(&self, db: &mut D1Database) -> Result<Vec<AppliedMigration>, MigrationError> {
        self.create_table(db)?;
        let sql = format!(
            "SELECT id, name, applied_at FROM {} ORDER BY id",
            self.table
        );
        let reply = self.run(db, &sql, Vec::new())?;
        let D1Reply::Results(results) = reply else {
            return Ok(Vec::new());
        };
        let rows = results
            .into_iter()
            .next()
            .map(|r| r.rows)
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|row| {
                let text = |v: Option<&SqlValue>| match v {
                    Some(SqlValue::Text(s)) => s.clone(),
                    Some(SqlValue::Integer(i)) => i.to_string(),
                    _ => String::new(),
                };
                AppliedMigration {
                    id: match row.first() {
                        Some(SqlValue::Integer(i)) => *i,
                        _ => 0,
                    },
                    name: text(row.get(1)),
                    applied_at: text(row.get(2)),
                }
            })
            .collect())
    }

    /// The migrations in the directory not yet applied to `db`, in the order they would run.
    pub fn pending(&self, db: &mut D1Database) -> Result<Vec<String>, MigrationError> {
        let applied: Vec<String> = self.applied(db)?.into_iter().map(|m| m.name).collect();
        Ok(self
            .names()?
            .into_iter()
            .filter(|name| !applied.contains(name))
            .collect())
    }

    /// Applies every pending migration, stamping each `applied_at` (`YYYY-MM-DD HH:MM:SS`,
    /// UTC); returns the names applied. A migration that fails is rolled back and stops the
    /// rest, leaving those before it applied.
    pub fn apply(
        &self,
        db: &mut D1Database,
        applied_at: &str,
    ) -> Result<Vec<String>, MigrationError> {
        let pending = self.pending(db)?;
        for name in &pending {
            let path = self.dir.join(name);
            let sql = std::fs::read_to_string(&path).map_err(|e| MigrationError::Read {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
            let record = format!(
                "{sql}\nINSERT INTO {} (name, applied_at) VALUES (?, ?);",
                self.table
            );
            let bindings = vec![
                SqlValue::Text(name.clone()),
                SqlValue::Text(applied_at.to_string()),
            ];
            let statement = D1Statement {
                sql: record,
                bindings,
            };
            db.run(D1Request::Statements(vec![statement]))
                .map_err(|e| MigrationError::Failed {
                    name: name.clone(),
                    message: e.to_string(),
                })?;
        }
        Ok(pending)
    }

    fn create_table(&self, db: &mut D1Database) -> Result<(), MigrationError> {
        let sql = format!(
            "CREATE TABLE IF NOT EXISTS {}(\n    id         INTEGER PRIMARY KEY AUTOINCREMENT,\n    \
             name       TEXT UNIQUE,\n    applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL\n);",
            self.table
        );
        self.run(db, &sql, Vec::new()).map(|_| ())
    }

    fn run(
        &self,
        db: &mut D1Database,
        sql: &str,
        bindings: Vec<SqlValue>,
    ) -> Result<D1Reply, MigrationError> {
        let statement = D1Statement {
            sql: sql.to_string(),
            bindings,
        };
        db.run(D1Request::Statements(vec![statement]))
            .map_err(|e| MigrationError::Table {
                table: self.table.clone(),
                message: e.to_string(),
            })
    }
}

/// The number a migration's name starts with (`0001_init.sql` is 1), as JavaScript's
/// `parseInt` reads it; a name without one sorts first, as `NaN` compares in wrangler's sort.
fn number_of(name: &str) -> Option<u64> {
    let prefix = name.split('_').next().unwrap_or("").trim_start();
    let digits: String = prefix.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

/// The migrations of a database the config declares, the directory relative to `root`.
pub fn for_database(root: &Path, dir: Option<&str>, table: Option<&str>) -> Migrations {
    Migrations {
        dir: root.join(dir.unwrap_or(MIGRATIONS_DIR_DEFAULT)),
        table: table.unwrap_or(MIGRATIONS_TABLE_DEFAULT).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> (PathBuf, Migrations) {
        let dir = std::env::temp_dir().join(format!(
            "edgesim-migrations-{}-{}",
            std::process::id(),
            files.len()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("migrations")).unwrap();
        for (name, sql) in files {
            std::fs::write(dir.join("migrations").join(name), sql).unwrap();
        }
        let migrations = for_database(&dir, None, None);
        (dir, migrations)
    }

    #[test]
    fn migrations_run_in_numeric_order_once_each_and_are_recorded() {
        let (dir, m) = project(&[
            ("0010_more.sql", "INSERT INTO users (name) VALUES ('b');"),
            ("0002_seed.sql", "INSERT INTO users (name) VALUES ('a');"),
            (
                "0001_init.sql",
                "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\n-- done",
            ),
            ("README.md", "not a migration"),
        ]);
        let mut db = D1Database::open(1).unwrap();
        assert_eq!(
            m.apply(&mut db, "2026-01-01 00:00:00").unwrap(),
            ["0001_init.sql", "0002_seed.sql", "0010_more.sql"]
        );
        assert!(m.apply(&mut db, "2026-01-02 00:00:00").unwrap().is_empty());
        let applied = m.applied(&mut db).unwrap();
        assert_eq!(applied.len(), 3);
        assert_eq!(
            (
                applied[2].id,
                applied[2].name.as_str(),
                applied[2].applied_at.as_str()
            ),
            (3, "0010_more.sql", "2026-01-01 00:00:00")
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_failing_migration_is_rolled_back_and_stops_the_rest() {
        let (dir, m) = project(&[
            ("0001_init.sql", "CREATE TABLE t (x);"),
            (
                "0002_bad.sql",
                "INSERT INTO t VALUES (1);\nINSERT INTO nope VALUES (2);",
            ),
            ("0003_after.sql", "INSERT INTO t VALUES (3);"),
        ]);
        let mut db = D1Database::open(1).unwrap();
        let err = m.apply(&mut db, "2026-01-01 00:00:00").unwrap_err();
        assert_eq!(
            err.to_string(),
            "Migration 0002_bad.sql failed with the following errors:\nD1_ERROR: no such table: nope: SQLITE_ERROR"
        );
        assert_eq!(
            m.pending(&mut db).unwrap(),
            ["0002_bad.sql", "0003_after.sql"]
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_missing_directory_is_wranglers_error() {
        let m = for_database(
            Path::new("/nonexistent-edgesim"),
            Some("db/migrations"),
            None,
        );
        assert_eq!(
            m.names().unwrap_err().to_string(),
            "No migrations present at /nonexistent-edgesim/db/migrations."
        );
    }
}
