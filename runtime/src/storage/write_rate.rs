//! The one-write-per-second-per-key limit KV and R2 both enforce (semantics.md §2.2, §3.2).

use std::collections::BTreeMap;

/// Writes to one key closer together than this are refused.
pub const SAME_KEY_WRITE_INTERVAL_MS: u64 = 1_000;

/// When each key was last written.
#[derive(Debug, Default, Clone)]
pub struct SameKeyWrites {
    last_ms: BTreeMap<String, u64>,
    /// The limit is not enforced: local storage as Miniflare keeps it (`edgesim test`).
    off: bool,
}

impl SameKeyWrites {
    /// Enforces the limit (the default) or not.
    pub fn enforce(&mut self, on: bool) {
        self.off = !on;
    }

    /// Whether a write to `key` now is allowed; only an allowed write counts as the last one.
    pub fn admit(&mut self, key: &str, now_ms: u64) -> bool {
        if !self.allows(key, now_ms) {
            return false;
        }
        self.last_ms.insert(key.to_string(), now_ms);
        true
    }

    /// Whether a write to `key` now would be allowed, without counting it.
    pub fn allows(&self, key: &str, now_ms: u64) -> bool {
        self.off
            || self
                .last_ms
                .get(key)
                .is_none_or(|last| now_ms >= last + SAME_KEY_WRITE_INTERVAL_MS)
    }
}
