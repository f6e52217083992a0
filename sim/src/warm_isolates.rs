//! Which Workers have a warm isolate at each colo, and when each last worked. A colo holds at
//! most `platform.isolates_per_colo_max` of them: starting one more evicts the least recently
//! used idle one, as production evicts isolates under memory pressure. (Without the knob a
//! colo keeps every isolate; idle timeouts are separate, `platform.isolate_idle_timeout`.)

use std::cell::RefCell;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy)]
struct Resident {
    last_active_ms: u64,
    /// Serving an event now: never evicted.
    busy: bool,
    /// Evicted to make room; its task drops the isolate when it next looks.
    evicted: bool,
}

#[derive(Debug, Default)]
pub struct WarmIsolates {
    max_per_colo: Option<usize>,
    /// colo -> Worker -> its isolate there.
    colos: RefCell<BTreeMap<String, BTreeMap<String, Resident>>>,
}

impl WarmIsolates {
    pub fn new(max_per_colo: Option<usize>) -> Self {
        WarmIsolates {
            max_per_colo,
            colos: RefCell::default(),
        }
    }

    /// `worker` starts an isolate at `colo`; answers the Worker whose isolate was evicted to
    /// make room, if the colo was full and one of the others was idle.
    pub fn arrive(&self, colo: &str, worker: &str, now_ms: u64) -> Option<String> {
        let mut colos = self.colos.borrow_mut();
        let residents = colos.entry(colo.to_string()).or_default();
        residents.insert(
            worker.to_string(),
            Resident {
                last_active_ms: now_ms,
                busy: true,
                evicted: false,
            },
        );
        let max = self.max_per_colo?;
        if residents.values().filter(|r| !r.evicted).count() <= max {
            return None;
        }
        let victim = residents
            .iter()
            .filter(|(w, r)| !r.evicted && !r.busy && w.as_str() != worker)
            .min_by_key(|(w, r)| (r.last_active_ms, w.as_str()))
            .map(|(w, _)| w.clone())?;
        if let Some(r) = residents.get_mut(&victim) {
            r.evicted = true;
        }
        Some(victim)
    }

    /// `worker`'s isolate at `colo` starts (`busy`) or stops serving at `now_ms`.
    pub fn activity(&self, colo: &str, worker: &str, now_ms: u64, busy: bool) {
        if let Some(r) = self
            .colos
            .borrow_mut()
            .get_mut(colo)
            .and_then(|residents| residents.get_mut(worker))
        {
            r.last_active_ms = now_ms;
            r.busy = busy;
        }
    }

    /// True once `worker`'s isolate at `colo` was evicted for room; it is forgotten then.
    pub fn take_eviction(&self, colo: &str, worker: &str) -> bool {
        let mut colos = self.colos.borrow_mut();
        let Some(residents) = colos.get_mut(colo) else {
            return false;
        };
        if residents.get(worker).is_some_and(|r| r.evicted) {
            residents.remove(worker);
            return true;
        }
        false
    }

    /// `worker`'s isolate at `colo` went for another reason (idle, crash, memory limit).
    pub fn leave(&self, colo: &str, worker: &str) {
        if let Some(residents) = self.colos.borrow_mut().get_mut(colo) {
            residents.remove(worker);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_colo_evicts_its_least_recently_used_idle_isolate() {
        let r = WarmIsolates::new(Some(2));
        assert_eq!(r.arrive("LHR", "a", 0), None);
        r.activity("LHR", "a", 10, false);
        assert_eq!(r.arrive("LHR", "b", 20), None);
        r.activity("LHR", "b", 30, false);
        r.activity("LHR", "a", 40, false);
        // b is now the least recently used.
        assert_eq!(r.arrive("LHR", "c", 50).as_deref(), Some("b"));
        assert!(r.take_eviction("LHR", "b"));
        assert!(!r.take_eviction("LHR", "b"), "an eviction is taken once");
        assert_eq!(r.arrive("SIN", "b", 60), None, "colos are separate");
    }

    #[test]
    fn busy_isolates_are_not_evicted_and_no_limit_evicts_nothing() {
        let r = WarmIsolates::new(Some(1));
        assert_eq!(r.arrive("LHR", "a", 0), None);
        assert_eq!(r.arrive("LHR", "b", 1), None, "a is busy");
        let unlimited = WarmIsolates::new(None);
        for w in ["a", "b", "c"] {
            assert_eq!(unlimited.arrive("LHR", w, 0), None);
            unlimited.activity("LHR", w, 1, false);
        }
    }
}
