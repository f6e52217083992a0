//! R2 on the simulated platform: one strongly consistent store per bucket, at a home colo (the
//! colo of the bucket's first use), reached across the network (semantics.md §3.1).

use edgesim_runtime::host::R2Result;
use edgesim_runtime::storage::r2::{R2Bucket, R2Error, R2Op};
use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::platform::{Platform, home_colo};

#[derive(Default)]
pub struct R2Service {
    buckets: RefCell<BTreeMap<String, R2Bucket>>,
    homes: RefCell<BTreeMap<String, String>>,
}

impl R2Service {
    pub async fn call(
        platform: &Platform,
        from_colo: &str,
        bucket: &str,
        op: R2Op,
        body: Vec<u8>,
    ) -> R2Result {
        let service = &platform.r2;
        let home = home_colo(&service.homes, bucket, from_colo);
        let lost = || R2Error::internal(op.action());
        platform
            .travel(from_colo, &home)
            .await
            .map_err(|_| lost())?;
        let action = op.action();
        let result = service
            .buckets
            .borrow_mut()
            .entry(bucket.to_string())
            .or_default()
            .apply(op, body, platform.now_ms());
        platform
            .travel(&home, from_colo)
            .await
            .map_err(|_| R2Error::internal(action))?;
        result
    }
}
