//! Rate limiter counters at one location: per namespace, key and period, a count of calls in
//! the current window. Windows are fixed and aligned to the clock (every key of a period rolls
//! over at the same instant), and the limit is a threshold on the count, not part of its
//! identity — bindings that share a namespace and period share a counter, as in production.

use std::collections::BTreeMap;

#[derive(Debug, Default)]
pub struct RateLimits {
    /// (namespace, key, period_s) -> (window number, calls in it).
    counters: BTreeMap<(String, String, u32), (u64, u32)>,
}

impl RateLimits {
    /// Counts a call at `now_ms`; whether it is within `limit`.
    pub fn hit(
        &mut self,
        namespace: &str,
        key: &str,
        limit: u32,
        period_s: u32,
        now_ms: u64,
    ) -> bool {
        let window = now_ms / 1000 / u64::from(period_s.max(1));
        let id = (namespace.to_string(), key.to_string(), period_s);
        let counter = self.counters.entry(id).or_insert((window, 0));
        if counter.0 != window {
            *counter = (window, 0);
        }
        counter.1 = counter.1.saturating_add(1);
        counter.1 <= limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_allows_the_limit_then_refuses_until_the_next_one() {
        let mut r = RateLimits::default();
        let calls: Vec<bool> = (0..4).map(|i| r.hit("ns", "k", 3, 10, 1_000 + i)).collect();
        assert_eq!(calls, [true, true, true, false]);
        // Another key counts apart; the next window starts at 10 s.
        assert!(r.hit("ns", "other", 3, 10, 5_000));
        assert!(!r.hit("ns", "k", 3, 10, 9_999));
        assert!(r.hit("ns", "k", 3, 10, 10_000));
    }

    #[test]
    fn the_same_key_over_another_period_is_another_counter() {
        let mut r = RateLimits::default();
        assert!(r.hit("ns", "k", 1, 10, 0));
        assert!(!r.hit("ns", "k", 1, 10, 1));
        assert!(r.hit("ns", "k", 1, 60, 2));
    }
}
