//! R2 on the simulated platform: one strongly consistent store per bucket, at a home colo (the
//! colo of the bucket's first use), reached across the network (semantics.md §3.1).

use edgesim_runtime::host::R2Result;
use edgesim_runtime::storage::r2::{R2Bucket, R2Error, R2Op, R2Reply};
use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::platform::{Platform, home_colo};

#[derive(Default)]
pub struct R2Service {
    buckets: RefCell<BTreeMap<String, R2Bucket>>,
    homes: RefCell<BTreeMap<String, String>>,
}

impl R2Service {
    /// Every bucket as it is now.
    pub fn copy(&self) -> (BTreeMap<String, R2Bucket>, BTreeMap<String, String>) {
        (self.buckets.borrow().clone(), self.homes.borrow().clone())
    }

    /// Puts every bucket back as a [`R2Service::copy`] held it.
    pub fn restore(&self, saved: &(BTreeMap<String, R2Bucket>, BTreeMap<String, String>)) {
        *self.buckets.borrow_mut() = saved.0.clone();
        *self.homes.borrow_mut() = saved.1.clone();
    }

    /// Runs `op` at the bucket's home, reading the bucket back from disk first and writing the
    /// keys it changed through before answering, when the platform persists.
    fn apply(&self, platform: &Platform, bucket: &str, op: R2Op, body: Vec<u8>) -> R2Result {
        let action = op.action();
        let mut buckets = self.buckets.borrow_mut();
        let store = buckets.entry(bucket.to_string()).or_default();
        let Some(persist) = &platform.persist else {
            return store.apply(op, body, platform.now_ms());
        };
        let written = match &op {
            R2Op::Put { key, .. } | R2Op::Complete { key, .. } => vec![key.clone()],
            R2Op::Delete { keys } => keys.clone(),
            _ => Vec::new(),
        };
        persist
            .check(persist.load_r2(store, bucket))
            .ok_or_else(|| R2Error::internal(action))?;
        let upload = match &op {
            R2Op::UploadPart { upload_id, .. }
            | R2Op::Complete { upload_id, .. }
            | R2Op::Abort { upload_id, .. } => Some(upload_id.clone()),
            _ => None,
        };
        let result = store.apply(op, body, platform.now_ms())?;
        let upload = match &result.0 {
            R2Reply::Upload { upload_id } => Some(upload_id.clone()),
            _ => upload,
        };
        let saved = (written.is_empty()
            || persist
                .check(persist.save_r2_keys(store, bucket, &written))
                .is_some())
            && upload.is_none_or(|id| {
                persist
                    .check(persist.save_r2_upload(store, bucket, &id))
                    .is_some()
            });
        if !saved {
            return Err(R2Error::internal(action));
        }
        Ok(result)
    }

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
        let result = service.apply(platform, bucket, op, body);
        platform
            .travel(&home, from_colo)
            .await
            .map_err(|_| R2Error::internal(action))?;
        result
    }
}
