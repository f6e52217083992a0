//! Static assets at the edge: the router in front of each Worker that has them, and each
//! colo's cache of their files. The first read of a file at a colo misses that colo's cache
//! (`CF-Cache-Status: MISS`); later reads there hit it.

use std::cell::RefCell;
use std::collections::BTreeSet;

use edgesim_runtime::assets::{CacheStatus, Route};
use edgesim_runtime::worker::WorkerDefinition;
use edgesim_runtime::{HttpRequest, HttpResponse};

/// Which (colo, Worker, ETag) each colo's cache holds.
#[derive(Default)]
pub struct AssetCaches {
    held: RefCell<BTreeSet<(String, String, String)>>,
}

impl AssetCaches {
    /// The router at `colo`: the assets' answer to `request`, or `None` when the Worker runs.
    pub fn route(
        &self,
        colo: &str,
        worker: &WorkerDefinition,
        request: &HttpRequest,
    ) -> Option<HttpResponse> {
        let assets = worker.assets.as_ref()?;
        let has_worker = worker.has_script();
        match assets.route(request, has_worker, &mut self.reader(colo, &worker.name)) {
            Route::Worker => None,
            Route::Assets(response) => Some(response),
        }
    }

    /// `env.ASSETS.fetch(request)` at `colo`.
    pub fn fetch(
        &self,
        colo: &str,
        worker: &WorkerDefinition,
        request: &HttpRequest,
    ) -> Option<HttpResponse> {
        let assets = worker.assets.as_ref()?;
        Some(assets.fetch(request, &mut self.reader(colo, &worker.name)))
    }

    /// Reads through the cache of `colo`: a miss puts the file there.
    fn reader<'a>(
        &'a self,
        colo: &'a str,
        worker: &'a str,
    ) -> impl FnMut(&str) -> CacheStatus + 'a {
        move |etag| {
            let key = (colo.to_string(), worker.to_string(), etag.to_string());
            match self.held.borrow_mut().insert(key) {
                true => CacheStatus::Miss,
                false => CacheStatus::Hit,
            }
        }
    }
}
