//! D1 on the simulated platform (semantics.md §4.3): each database has a primary, placed in the
//! colo of its first query, and a read replica in every replication region of the run (ENAM,
//! WNAM, WEUR, EEUR, APAC, OC) other than the primary's, at the run's first colo of that region.
//!
//! Without a session every query goes to the primary. In a session (`withSession`) a read goes
//! to the nearest copy — a replica, or the primary — and a replica that is older than the
//! session's bookmark waits until it has caught up; writes always go to the primary. A replica
//! receives each committed write one replication lag after the primary committed it (the
//! network between them plus `platform.d1.replication_lag`), replaying it in commit order.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::time::Duration;

use edgesim_runtime::storage::d1::{D1Database, D1Error, D1Request, D1Response, D1Session};
use edgesim_runtime::storage::d1_migrations::{MigrationError, Migrations};
use edgesim_runtime::worker::WorkerDefinition;

use crate::platform::{Platform, home_colo};
use crate::trace::TraceEvent;
use edgesim_runtime::storage::sql::SqlError;

/// read-replication.mdx: where replicas run.
pub const REPLICA_REGIONS: [&str; 6] = ["enam", "wnam", "weur", "eeur", "apac", "oc"];
/// How long a committed write takes to reach a replica on top of the network (the default of
/// `platform.d1.replication_lag`).
pub const REPLICATION_LAG_MS: u64 = 200;

/// A write the primary committed: replicas replay it in order.
#[derive(Clone)]
struct LoggedWrite {
    request: D1Request,
    committed_ms: u64,
}

struct Primary {
    colo: String,
    db: D1Database,
    log: Vec<LoggedWrite>,
}

pub struct D1Service {
    primaries: RefCell<BTreeMap<String, Primary>>,
    homes: RefCell<BTreeMap<String, String>>,
    /// (database, colo) -> the replica there.
    replicas: RefCell<BTreeMap<(String, String), D1Database>>,
    /// Database -> the migrations it gets when it starts empty.
    migrations: RefCell<BTreeMap<String, Migrations>>,
    pub replication_lag_ms: Cell<u64>,
}

impl Default for D1Service {
    fn default() -> Self {
        D1Service {
            primaries: Default::default(),
            homes: Default::default(),
            replicas: Default::default(),
            migrations: Default::default(),
            replication_lag_ms: Cell::new(REPLICATION_LAG_MS),
        }
    }
}

fn d1_error(message: impl Into<String>) -> D1Error {
    D1Error {
        prefix: "D1_ERROR",
        message: message.into(),
    }
}

fn lost() -> D1Error {
    d1_error("Network connection lost.")
}

/// The region of one of the run's colos (a colo the run does not know counts as WEUR).
fn region_of(platform: &Platform, colo: &str) -> &'static str {
    platform
        .colos
        .iter()
        .find(|c| c.name == colo)
        .map_or("weur", |c| c.region)
}

/// Every database's data at one moment (`edgesim test`'s per-test storage).
pub struct D1Copy {
    primaries: BTreeMap<String, Primary>,
    homes: BTreeMap<String, String>,
    replicas: BTreeMap<(String, String), D1Database>,
}

fn copy_databases(
    primaries: &BTreeMap<String, Primary>,
    replicas: &BTreeMap<(String, String), D1Database>,
    homes: &BTreeMap<String, String>,
) -> Result<D1Copy, SqlError> {
    let mut out = D1Copy {
        primaries: BTreeMap::new(),
        homes: homes.clone(),
        replicas: BTreeMap::new(),
    };
    for (name, p) in primaries {
        let primary = Primary {
            colo: p.colo.clone(),
            db: p.db.copy()?,
            log: p.log.clone(),
        };
        out.primaries.insert(name.clone(), primary);
    }
    for (key, db) in replicas {
        out.replicas.insert(key.clone(), db.copy()?);
    }
    Ok(out)
}

impl D1Service {
    /// Copies every database as it is now.
    pub fn copy(&self) -> Result<D1Copy, SqlError> {
        copy_databases(
            &self.primaries.borrow(),
            &self.replicas.borrow(),
            &self.homes.borrow(),
        )
    }

    /// Puts every database back as `saved` holds it (which stays as it is, to go back to again).
    pub fn restore(&self, saved: &D1Copy) -> Result<(), SqlError> {
        let copy = copy_databases(&saved.primaries, &saved.replicas, &saved.homes)?;
        *self.primaries.borrow_mut() = copy.primaries;
        *self.replicas.borrow_mut() = copy.replicas;
        *self.homes.borrow_mut() = copy.homes;
        Ok(())
    }

    /// Notes the migrations of `worker`'s databases, which a database that starts empty gets
    /// before its first query, as if `wrangler d1 migrations apply --local` had run on a fresh
    /// local state. (A database kept with `--persist-to` is not registered: it gets them from
    /// `edgesim d1 migrations apply`, as wrangler's local one does.) [`check_migrations`] has
    /// reported any that cannot be read or fail.
    pub fn register(&self, worker: &WorkerDefinition) {
        for (database, migrations) in worker.d1_migrations().unwrap_or_default() {
            self.migrations.borrow_mut().insert(database, migrations);
        }
    }

    /// Runs `request` from an isolate at `from_colo`, at the primary or (in a session, for a
    /// read) at the nearest copy that is new enough.
    pub async fn query(
        platform: &Platform,
        from_colo: &str,
        database: &str,
        request: D1Request,
        session: Option<D1Session>,
    ) -> Result<D1Response, D1Error> {
        let service = &platform.d1;
        let primary_colo = home_colo(&service.homes, database, from_colo);
        service.open(platform, database, &primary_colo)?;
        let min_version = session
            .as_ref()
            .and_then(|s| s.bookmark.as_deref())
            .map_or(0, D1Database::bookmark_version);
        let replica_colo = match &session {
            Some(s) if !s.first_primary && service.is_read_only(database, &request) => {
                nearest_replica(platform, from_colo, &primary_colo)
            }
            _ => None,
        };
        let serving = replica_colo.clone().unwrap_or_else(|| primary_colo.clone());
        platform
            .travel(from_colo, &serving)
            .await
            .map_err(|_| lost())?;
        let answer = match &replica_colo {
            None => service.at_primary(platform, database, request)?,
            Some(colo) => {
                service
                    .at_replica(platform, database, colo, min_version, request)
                    .await?
            }
        };
        platform
            .travel(&serving, from_colo)
            .await
            .map_err(|_| lost())?;
        let (reply, bookmark, version) = answer;
        if session.is_some() {
            platform.record(TraceEvent::D1Query {
                at_ms: platform.elapsed_ms(),
                database: database.to_string(),
                from: from_colo.to_string(),
                served_by: serving.clone(),
                primary: replica_colo.is_none(),
                min_version,
                version,
            });
        }
        reply.map(|reply| D1Response {
            reply,
            bookmark,
            served_by_region: region_of(platform, &serving).to_ascii_uppercase(),
            served_by_primary: replica_colo.is_none(),
        })
    }

    /// Creates the database (its primary at `colo`) on first use.
    fn open(&self, platform: &Platform, database: &str, colo: &str) -> Result<(), D1Error> {
        let mut primaries = self.primaries.borrow_mut();
        if !primaries.contains_key(database) {
            let starting_failed = |e: String| {
                d1_error(format!(
                    "Internal error while starting up D1 DB storage caused object to be reset. ({e})"
                ))
            };
            let seed = database_seed(platform, database);
            let db = match &platform.persist {
                None => D1Database::open(seed),
                Some(persist) => {
                    let path = persist
                        .check(persist.d1_path(database))
                        .ok_or_else(|| starting_failed("--persist-to".into()))?;
                    D1Database::open_file(&path, seed)
                }
            }
            .map_err(|e| starting_failed(e.to_string()))?;
            let mut db = db;
            if let Some(migrations) = self.migrations.borrow().get(database) {
                migrations
                    .apply(&mut db, &sql_timestamp(platform.now_ms()))
                    .map_err(|e| starting_failed(e.to_string()))?;
            }
            primaries.insert(
                database.to_string(),
                Primary {
                    colo: colo.to_string(),
                    db,
                    log: Vec::new(),
                },
            );
        }
        Ok(())
    }

    fn is_read_only(&self, database: &str, request: &D1Request) -> bool {
        self.primaries
            .borrow()
            .get(database)
            .is_some_and(|p| p.db.is_read_only(request))
    }

    fn at_primary(
        &self,
        platform: &Platform,
        database: &str,
        request: D1Request,
    ) -> Result<Answer, D1Error> {
        let mut primaries = self.primaries.borrow_mut();
        let primary = primaries.get_mut(database).ok_or_else(|| {
            d1_error("Cannot resolve D1 DB due to transient issue on remote node.")
        })?;
        let before = primary.db.version();
        let reply = primary.db.run(request.clone());
        if primary.db.version() > before {
            primary.log.push(LoggedWrite {
                request,
                committed_ms: platform.elapsed_ms(),
            });
        }
        Ok((reply, primary.db.bookmark(), primary.db.version()))
    }

    /// Answers a read at the replica in `colo`, after it has caught up with `min_version`.
    async fn at_replica(
        &self,
        platform: &Platform,
        database: &str,
        colo: &str,
        min_version: u64,
        request: D1Request,
    ) -> Result<Answer, D1Error> {
        let key = (database.to_string(), colo.to_string());
        let lag_ms = {
            let primaries = self.primaries.borrow();
            let primary = primaries.get(database).ok_or_else(lost)?;
            platform.network.one_way_ms(&primary.colo, colo) + self.replication_lag_ms.get()
        };
        // A replica that is behind the session's bookmark waits for that write to arrive.
        let needed_at_ms = {
            let primaries = self.primaries.borrow();
            let primary = primaries.get(database).ok_or_else(lost)?;
            min_version
                .checked_sub(1)
                .and_then(|i| primary.log.get(i as usize))
                .map_or(0, |w| w.committed_ms + lag_ms)
        };
        let now_ms = platform.elapsed_ms();
        if needed_at_ms > now_ms {
            madsim::time::sleep(Duration::from_millis(needed_at_ms - now_ms)).await;
        }
        let now_ms = platform.elapsed_ms();
        let primaries = self.primaries.borrow();
        let primary = primaries.get(database).ok_or_else(lost)?;
        let mut replicas = self.replicas.borrow_mut();
        if !replicas.contains_key(&key) {
            let db = D1Database::open(database_seed(platform, database))
                .map_err(|e| d1_error(e.to_string()))?;
            replicas.insert(key.clone(), db);
        }
        let replica = replicas.get_mut(&key).ok_or_else(lost)?;
        // Replay, in order, every write that has reached this replica by now.
        while let Some(write) = primary.log.get(replica.version() as usize) {
            if write.committed_ms + lag_ms > now_ms {
                break;
            }
            // It committed on the primary from the same state, so it commits here too.
            let _ = replica.run(write.request.clone());
        }
        let reply = replica.run(request);
        Ok((reply, replica.bookmark(), replica.version()))
    }
}

/// (the reply, the bookmark of the copy that answered, its version)
type Answer = (
    Result<edgesim_runtime::storage::d1::D1Reply, D1Error>,
    String,
    u64,
);

/// Applies `worker`'s migrations to scratch databases, so one that fails stops a run before
/// it starts, naming the migration, rather than failing the Worker's first query.
pub fn check_migrations(worker: &WorkerDefinition) -> Result<(), MigrationError> {
    for (_, migrations) in worker.d1_migrations()? {
        let mut scratch = D1Database::open(0).map_err(|e| MigrationError::Table {
            table: migrations.table.clone(),
            message: e.to_string(),
        })?;
        migrations.apply(&mut scratch, "1970-01-01 00:00:00")?;
    }
    Ok(())
}

/// `ms` since the Unix epoch as SQLite's `CURRENT_TIMESTAMP` writes a time (UTC).
pub fn sql_timestamp(ms: u64) -> String {
    chrono::DateTime::from_timestamp_millis(ms as i64)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

fn database_seed(platform: &Platform, database: &str) -> u64 {
    seed_of(platform.run_seed, database)
}

/// What `random()` in database `database` draws from, in a run of `run_seed` (the d1 commands
/// outside a run use run seed 0).
pub fn seed_of(run_seed: u64, database: &str) -> u64 {
    crate::seed::derive(run_seed, &format!("d1/{database}"))
}

/// The copy nearest `from_colo`: a replica's colo, or `None` when the primary is nearest.
fn nearest_replica(platform: &Platform, from_colo: &str, primary_colo: &str) -> Option<String> {
    let primary_region = region_of(platform, primary_colo);
    let copies = REPLICA_REGIONS
        .iter()
        .filter(|r| **r != primary_region)
        .filter_map(|r| platform.colos.iter().find(|c| c.region == *r));
    let nearest = copies
        .map(|c| c.name.clone())
        .min_by_key(|c| (platform.network.one_way_ms(from_colo, c), c.clone()))?;
    let to_primary = platform.network.one_way_ms(from_colo, primary_colo);
    (platform.network.one_way_ms(from_colo, &nearest) < to_primary).then_some(nearest)
}
