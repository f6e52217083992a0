//! D1 on the simulated platform: each database has one primary, placed in the colo of its first
//! query, and queries cross the network to it. (Read replicas and sessions' bookmarks waiting
//! for a replica to catch up come with the replication model; today every query, in a session
//! or not, is served by the primary, which is what production does without sessions.)

use std::cell::RefCell;
use std::collections::BTreeMap;

use edgesim_runtime::storage::d1::{D1Database, D1Error, D1Request, D1Response};

use crate::platform::{Platform, home_colo};

#[derive(Default)]
pub struct D1Service {
    databases: RefCell<BTreeMap<String, D1Database>>,
    primaries: RefCell<BTreeMap<String, String>>,
}

impl D1Service {
    /// Runs `request` from an isolate at `from_colo`: to the primary and back.
    pub async fn query(
        platform: &Platform,
        from_colo: &str,
        database: &str,
        request: D1Request,
    ) -> Result<D1Response, D1Error> {
        let service = &platform.d1;
        let primary = home_colo(&service.primaries, database, from_colo);
        let lost = || D1Error {
            prefix: "D1_ERROR",
            message: "Network connection lost.".into(),
        };
        platform
            .travel(from_colo, &primary)
            .await
            .map_err(|_| lost())?;
        let (reply, bookmark) = {
            let mut databases = service.databases.borrow_mut();
            if !databases.contains_key(database) {
                let seed = crate::seed::derive(platform.run_seed, &format!("d1/{database}"));
                let db = D1Database::open(seed).map_err(|e| D1Error {
                    prefix: "D1_ERROR",
                    message: format!("Internal error while starting up D1 DB storage caused object to be reset. ({e})"),
                })?;
                databases.insert(database.to_string(), db);
            }
            match databases.get_mut(database) {
                Some(db) => (db.run(request), db.bookmark()),
                None => {
                    return Err(D1Error {
                        prefix: "D1_ERROR",
                        message: "Network connection lost.".into(),
                    });
                }
            }
        };
        platform
            .travel(&primary, from_colo)
            .await
            .map_err(|_| lost())?;
        let region = crate::world::colos::built_in(&primary)
            .map_or("WEUR".to_string(), |c| c.region.to_ascii_uppercase());
        reply.map(|reply| D1Response {
            reply,
            bookmark,
            served_by_region: region,
            served_by_primary: true,
        })
    }
}
