//! Unconfirmed writes of a SQLite-backed Durable Object, kept undoable until their commit is
//! confirmed.
//!
//! `ctx.storage.sql` changes the object's database at once (a later statement in the same turn
//! must see it), yet in production those changes share the turn's transaction with the KV API's
//! writes: if the commit fails, or the machine dies before it is confirmed, none of them
//! happened. Each commit's writes therefore go into their own SQLite savepoint, a *window*,
//! nested inside the previous one's. A commit handed to the store seals the open window;
//! confirming it marks the oldest sealed window durable; losing the isolate rolls back every
//! window not yet confirmed. Once every window is confirmed and none is open, the outermost
//! savepoint is released and the transaction ends.

use rusqlite::Connection;

#[derive(Debug, Default)]
pub struct CommitWindows {
    /// Savepoint names, oldest (outermost) first.
    names: Vec<String>,
    /// The newest window still takes writes (no commit has sealed it yet).
    open: bool,
    /// How many of the oldest windows are confirmed.
    confirmed: usize,
}

/// Runs one savepoint statement, prepared once per connection: a window opens and ends with
/// every commit, so parsing them anew each time would cost more than the writes they guard.
fn savepoint_statement(db: &Connection, sql: &str) -> rusqlite::Result<()> {
    db.prepare_cached(sql)?.execute([]).map(drop)
}

impl CommitWindows {
    /// Makes sure writes from here on land in an open window.
    pub fn ensure_open(&mut self, db: &Connection) -> rusqlite::Result<()> {
        if self.open {
            return Ok(());
        }
        // Named by depth: a name is unique among the windows open at once, and the same few
        // statements serve every commit.
        let name = format!("_cf_commit_{}", self.names.len() + 1);
        savepoint_statement(db, &format!("SAVEPOINT {name}"))?;
        self.names.push(name);
        self.open = true;
        Ok(())
    }

    /// A commit now carries the open window's writes; later writes belong to the next one.
    pub fn seal(&mut self) {
        self.open = false;
    }

    /// The oldest sealed window's commit was confirmed: its writes are durable.
    pub fn confirm_oldest(&mut self, db: &Connection) -> rusqlite::Result<()> {
        let sealed = self.names.len() - usize::from(self.open);
        self.confirmed = (self.confirmed + 1).min(sealed);
        self.end_if_all_confirmed(db)
    }

    /// The isolate is gone: every write it made that no confirmed commit carries is undone.
    pub fn roll_back_unconfirmed(&mut self, db: &Connection) -> rusqlite::Result<()> {
        if let Some(name) = self.names.get(self.confirmed) {
            db.execute_batch(&format!("ROLLBACK TO {name}; RELEASE {name}"))?;
            self.names.truncate(self.confirmed);
        }
        self.open = false;
        self.end_if_all_confirmed(db)
    }

    fn end_if_all_confirmed(&mut self, db: &Connection) -> rusqlite::Result<()> {
        if self.open || self.confirmed < self.names.len() {
            return Ok(());
        }
        if let Some(outermost) = self.names.first() {
            savepoint_statement(db, &format!("RELEASE {outermost}"))?;
        }
        self.names.clear();
        self.confirmed = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(db: &Connection) -> i64 {
        db.query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap_or(-1)
    }

    /// A database with one row written in each of `sealed` sealed windows, plus one more in an
    /// open window when `open`.
    fn written(sealed: usize, open: bool) -> (Connection, CommitWindows) {
        let db = Connection::open_in_memory().unwrap();
        db.execute_batch("CREATE TABLE t (x)").unwrap();
        let mut windows = CommitWindows::default();
        for i in 0..sealed + usize::from(open) {
            windows.ensure_open(&db).unwrap();
            db.execute("INSERT INTO t VALUES (1)", []).unwrap();
            if i < sealed {
                windows.seal();
            }
        }
        (db, windows)
    }

    #[test]
    fn a_rolled_back_window_keeps_the_confirmed_ones_below_it() {
        let (db, mut w) = written(2, true);
        w.confirm_oldest(&db).unwrap();
        w.roll_back_unconfirmed(&db).unwrap();
        assert_eq!(count(&db), 1);
        assert!(
            db.is_autocommit(),
            "only the confirmed window was left, so it ended"
        );
    }

    #[test]
    fn the_transaction_ends_once_every_window_is_confirmed() {
        let (db, mut w) = written(2, false);
        w.confirm_oldest(&db).unwrap();
        assert!(!db.is_autocommit());
        w.confirm_oldest(&db).unwrap();
        assert!(db.is_autocommit());
        w.roll_back_unconfirmed(&db).unwrap();
        assert_eq!(count(&db), 2);
    }

    #[test]
    fn rolling_back_with_nothing_confirmed_undoes_everything() {
        let (db, mut w) = written(1, true);
        w.roll_back_unconfirmed(&db).unwrap();
        assert_eq!(count(&db), 0);
        assert!(db.is_autocommit());
    }
}
