//! Network faults over time: partitions that drop messages between two groups of places (both
//! ways, or one way only), and latency spikes that slow them. Places are colo names and
//! `kv-central`; a group is one place or several.
//!
//! A message is judged when it is sent: one sent into a partition is lost, even if the
//! partition heals before it would have arrived. Its sender learns only by waiting
//! [`UNREACHABLE_TIMEOUT_MS`] — so a request whose answer is lost may well have been applied.

use std::cell::RefCell;

/// How long a caller waits on a message lost in a partition before it counts as a lost
/// connection. edgesim's model: production's timeouts differ per service.
pub const UNREACHABLE_TIMEOUT_MS: u64 = 1_000;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Window {
    from_ms: u64,
    until_ms: u64,
}

impl Window {
    fn contains(&self, at_ms: u64) -> bool {
        (self.from_ms..self.until_ms).contains(&at_ms)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Cut {
    from: Vec<String>,
    to: Vec<String>,
    both_ways: bool,
    window: Window,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Spike {
    between: (Vec<String>, Vec<String>),
    add_ms: u64,
    window: Window,
}

/// Does a message from `from` to `to` go from group `a` to group `b`?
fn crosses(a: &[String], b: &[String], from: &str, to: &str) -> bool {
    a.iter().any(|x| x == from) && b.iter().any(|x| x == to)
}

#[derive(Debug, Default)]
pub struct NetworkFaults {
    cuts: RefCell<Vec<Cut>>,
    spikes: RefCell<Vec<Spike>>,
}

impl NetworkFaults {
    /// From `at_ms` for `for_ms`, messages from group `from` to group `to` are lost, and the
    /// other way too when `both_ways`.
    pub fn partition(
        &self,
        from: Vec<String>,
        to: Vec<String>,
        both_ways: bool,
        at_ms: u64,
        for_ms: u64,
    ) {
        self.cuts.borrow_mut().push(Cut {
            from,
            to,
            both_ways,
            window: Window {
                from_ms: at_ms,
                until_ms: at_ms.saturating_add(for_ms),
            },
        });
    }

    /// From `at_ms` for `for_ms`, messages between the two groups (either way) take `add_ms`
    /// longer.
    pub fn spike(&self, a: Vec<String>, b: Vec<String>, add_ms: u64, at_ms: u64, for_ms: u64) {
        self.spikes.borrow_mut().push(Spike {
            between: (a, b),
            add_ms,
            window: Window {
                from_ms: at_ms,
                until_ms: at_ms.saturating_add(for_ms),
            },
        });
    }

    /// Whether a message sent from `from` to `to` at `at_ms` (ms since the run started) is lost.
    pub fn is_cut(&self, from: &str, to: &str, at_ms: u64) -> bool {
        from != to
            && self.cuts.borrow().iter().any(|c| {
                c.window.contains(at_ms)
                    && (crosses(&c.from, &c.to, from, to)
                        || c.both_ways && crosses(&c.to, &c.from, from, to))
            })
    }

    /// Extra one-way latency of a message sent from `from` to `to` at `at_ms`.
    pub fn extra_ms(&self, from: &str, to: &str, at_ms: u64) -> u64 {
        self.spikes
            .borrow()
            .iter()
            .filter(|s| {
                let (a, b) = &s.between;
                s.window.contains(at_ms) && (crosses(a, b, from, to) || crosses(b, a, from, to))
            })
            .map(|s| s.add_ms)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_two_way_partition_drops_both_directions_only_while_it_lasts() {
        let f = NetworkFaults::default();
        f.partition(names(&["SIN"]), names(&["kv-central"]), true, 1_000, 500);
        assert!(!f.is_cut("SIN", "kv-central", 999));
        assert!(f.is_cut("SIN", "kv-central", 1_000));
        assert!(f.is_cut("kv-central", "SIN", 1_499));
        assert!(!f.is_cut("kv-central", "SIN", 1_500));
        assert!(!f.is_cut("LHR", "kv-central", 1_200));
    }

    #[test]
    fn a_one_way_partition_drops_one_direction_and_groups_cut_every_pair() {
        let f = NetworkFaults::default();
        f.partition(
            names(&["LHR", "FRA"]),
            names(&["NRT", "SIN"]),
            false,
            0,
            100,
        );
        assert!(f.is_cut("FRA", "SIN", 50));
        assert!(f.is_cut("LHR", "NRT", 50));
        assert!(!f.is_cut("SIN", "FRA", 50));
        assert!(!f.is_cut("LHR", "FRA", 50));
    }

    #[test]
    fn latency_spikes_add_up_in_both_directions() {
        let f = NetworkFaults::default();
        f.spike(names(&["LHR"]), names(&["IAD"]), 200, 0, 1_000);
        f.spike(names(&["IAD"]), names(&["LHR"]), 50, 500, 1_000);
        assert_eq!(f.extra_ms("LHR", "IAD", 100), 200);
        assert_eq!(f.extra_ms("IAD", "LHR", 600), 250);
        assert_eq!(f.extra_ms("IAD", "LHR", 1_200), 50);
        assert_eq!(f.extra_ms("LHR", "SIN", 600), 0);
    }
}
