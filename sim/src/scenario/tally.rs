//! What a run's requests add up to: the counts the summary prints and what the expectations that
//! read requests (`status_in`, `cpu_ms_max`, `latency_p99_max`) decide on. A request is added
//! once its client is done with it, in whatever order clients finish, and the tally comes out
//! the same in any order: a run that keeps no request records (a long run, a sweep) gets the
//! verdicts and the summary of one that keeps them all.

use std::collections::BTreeMap;

use super::expect::{describe_cpu_use, describe_request, verdict};
use super::expect_spec::{Checker, ExpectSpec};
use super::run::{RequestRecord, Verdict};

/// A request's place in the run's records: its scheduled send time, traffic item and
/// repetition. Verdicts name violating requests in this order.
pub(crate) type RecordOrder = (u64, usize, usize);

/// How many violating requests a verdict names.
const NAMED: usize = 5;

/// Simulated CPU is summed in whole nanoseconds: a sum that does not depend on the order
/// requests finish in.
const CPU_UNITS_PER_MS: f64 = 1e6;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub requests: usize,
    /// Requests by their response's status; `None`: no response.
    pub statuses: BTreeMap<Option<u16>, usize>,
    /// Per colo of the client, how many responses came at each latency (ms).
    pub latencies_by_colo: BTreeMap<String, BTreeMap<u64, usize>>,
    cpu_ns: u128,
    pub cpu_max_ms: f64,
    pub sockets: SocketTotals,
    /// Indexed as the scenario's `expect` list: the part of each that reads requests.
    checks: Vec<Option<RequestCheck>>,
}

/// What the requests that got a WebSocket exchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SocketTotals {
    pub sockets: usize,
    pub sent: u64,
    pub received: u64,
    /// Closed with 1006: the connection dropped without a close frame.
    pub dropped: usize,
}

#[derive(Debug, Clone, PartialEq)]
struct RequestCheck {
    label: Option<String>,
    rule: Rule,
    seen: usize,
    broken: usize,
    /// The first violating requests in record order, described.
    named: BTreeMap<RecordOrder, String>,
    /// For `latency_p99_max`: requests by latency, no response counting as unbounded.
    latencies: BTreeMap<u64, usize>,
}

/// What an expectation that reads requests asks of them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Rule {
    StatusIn(Vec<u16>),
    CpuMsMax(f64),
    LatencyP99Max(super::Duration),
}

impl Rule {
    pub(crate) fn of(checker: &Checker) -> Option<Rule> {
        Some(match checker {
            Checker::StatusIn(statuses) => Rule::StatusIn(statuses.clone()),
            Checker::CpuMsMax(max_ms) => Rule::CpuMsMax(*max_ms),
            Checker::LatencyP99Max(max) => Rule::LatencyP99Max(*max),
            _ => return None,
        })
    }

    /// Whether `record` on its own breaks the rule (no one request breaks a percentile).
    pub(crate) fn broken_by(&self, record: &RequestRecord) -> bool {
        match self {
            Rule::StatusIn(statuses) => !record.status.is_some_and(|s| statuses.contains(&s)),
            Rule::CpuMsMax(max_ms) => record.cpu_used_ms > *max_ms,
            Rule::LatencyP99Max(_) => false,
        }
    }

    /// `record` as a verdict on this rule names it.
    pub(crate) fn describe(&self, record: &RequestRecord) -> String {
        match self {
            Rule::CpuMsMax(_) => describe_cpu_use(record),
            _ => describe_request(record),
        }
    }
}

/// Whether an expectation scoped to the traffic items labelled `label` (none: all) reads
/// `record`.
pub(crate) fn reads(label: Option<&str>, record: &RequestRecord) -> bool {
    label.is_none() || record.label.as_deref() == label
}

impl Tally {
    /// An empty tally for a run whose expectations are `expect`.
    pub fn new(expect: &[ExpectSpec]) -> Tally {
        let checks = (expect.iter())
            .map(|e| {
                let rule = Rule::of(&e.checker)?;
                Some(RequestCheck {
                    label: e.label.clone(),
                    rule,
                    seen: 0,
                    broken: 0,
                    named: BTreeMap::new(),
                    latencies: BTreeMap::new(),
                })
            })
            .collect();
        Tally {
            checks,
            ..Tally::default()
        }
    }

    /// Counts request `record`, at `order` in the run's records.
    pub fn add(&mut self, order: RecordOrder, record: &RequestRecord) {
        self.requests += 1;
        *self.statuses.entry(record.status).or_default() += 1;
        if let Some(latency_ms) = record.latency_ms {
            let by_latency = self.latencies_by_colo.entry(record.colo.to_string());
            *by_latency.or_default().entry(latency_ms).or_default() += 1;
        }
        self.cpu_ns += (record.cpu_used_ms * CPU_UNITS_PER_MS).round() as u128;
        self.cpu_max_ms = self.cpu_max_ms.max(record.cpu_used_ms);
        if let Some(socket) = &record.websocket {
            self.sockets.sockets += 1;
            self.sockets.sent += u64::from(socket.sent);
            self.sockets.received += u64::from(socket.received);
            self.sockets.dropped += usize::from(socket.close_code == Some(1006));
        }
        for check in self.checks.iter_mut().flatten() {
            check.add(order, record);
        }
    }

    /// The mean simulated CPU per request, ms.
    pub fn cpu_mean_ms(&self) -> f64 {
        if self.requests == 0 {
            return 0.0;
        }
        self.cpu_ns as f64 / CPU_UNITS_PER_MS / self.requests as f64
    }

    /// The end-of-run verdict of expectation `index`, if it reads requests.
    pub fn verdict(&self, index: usize) -> Option<Verdict> {
        self.checks.get(index)?.as_ref().map(RequestCheck::verdict)
    }
}

impl RequestCheck {
    fn add(&mut self, order: RecordOrder, record: &RequestRecord) {
        if !reads(self.label.as_deref(), record) {
            return;
        }
        self.seen += 1;
        if let Rule::LatencyP99Max(_) = self.rule {
            let latency_ms = record.latency_ms.unwrap_or(u64::MAX);
            *self.latencies.entry(latency_ms).or_default() += 1;
        }
        if !self.rule.broken_by(record) {
            return;
        }
        self.broken += 1;
        let last = self.named.last_key_value().map(|(k, _)| *k);
        if self.named.len() < NAMED || last.is_some_and(|last| order < last) {
            self.named.insert(order, self.rule.describe(record));
            if self.named.len() > NAMED {
                self.named.pop_last();
            }
        }
    }

    fn verdict(&self) -> Verdict {
        let scope = (self.label.as_ref())
            .map(|l| format!(" (label {l})"))
            .unwrap_or_default();
        let named: Vec<&String> = self.named.values().collect();
        match &self.rule {
            Rule::StatusIn(statuses) => verdict(
                format!("status_in {statuses:?}{scope}"),
                self.broken,
                &named,
                self.seen,
            ),
            Rule::CpuMsMax(max) => verdict(
                format!("cpu_ms_max {max}{scope}"),
                self.broken,
                &named,
                self.seen,
            ),
            Rule::LatencyP99Max(max) => {
                let p99 = percentile(&self.latencies, self.seen, 99).unwrap_or(0);
                Verdict {
                    expectation: format!("latency_p99_max {max}{scope}"),
                    ok: p99 <= max.ms,
                    detail: format!("p99 latency {p99} ms over {} request(s)", self.seen),
                }
            }
        }
    }
}

/// The `p`th percentile of `count` values held as value -> how many: the value at position
/// ⌈count·p/100⌉ (1-based) in sorted order, as the summary has always taken it.
pub fn percentile(counts: &BTreeMap<u64, usize>, count: usize, p: usize) -> Option<u64> {
    let position = (count * p).div_ceil(100).max(1);
    let mut passed = 0;
    for (value, n) in counts {
        passed += n;
        if passed >= position {
            return Some(*value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::rc::Rc;

    use proptest::prelude::*;

    use super::{RecordOrder, Tally, percentile};
    use crate::scenario::Duration;
    use crate::scenario::expect_spec::{Checker, ExpectSpec};
    use crate::scenario::run::RequestRecord;

    fn record(at_ms: u64, status: Option<u16>, latency_ms: Option<u64>, cpu: f64) -> RequestRecord {
        let text = |t: &str| -> Rc<str> { Rc::from(t) };
        RequestRecord {
            at_ms,
            colo: text(if at_ms.is_multiple_of(2) {
                "LHR"
            } else {
                "SIN"
            }),
            worker: text("app"),
            method: text("GET"),
            url: text("https://app.test/"),
            label: None,
            status,
            headers: None,
            body: String::new(),
            latency_ms,
            cpu_used_ms: cpu,
            cold_start: false,
            outcome: None,
            from_assets: false,
            websocket: None,
        }
    }

    fn expectations() -> Vec<ExpectSpec> {
        vec![
            ExpectSpec::new(Checker::StatusIn(vec![200])),
            ExpectSpec::new(Checker::CpuMsMax(1.5)),
            ExpectSpec::new(Checker::LatencyP99Max(Duration { ms: 40 })),
        ]
    }

    #[test]
    fn percentiles_are_taken_at_the_ceiling_position() {
        let counts: BTreeMap<u64, usize> = [(1, 50), (2, 49), (90, 1)].into_iter().collect();
        assert_eq!(percentile(&counts, 100, 50), Some(1));
        assert_eq!(percentile(&counts, 100, 99), Some(2));
        assert_eq!(percentile(&counts, 100, 100), Some(90));
        assert_eq!(percentile(&BTreeMap::new(), 0, 99), None);
    }

    #[test]
    fn a_verdict_names_the_first_five_violations_in_record_order() {
        let mut tally = Tally::new(&expectations());
        for k in (0..8u64).rev() {
            tally.add((k, 0, 0), &record(k, Some(500), Some(3), 0.5));
        }
        let verdict = tally
            .verdict(0)
            .unwrap_or_else(|| panic!("status_in is tallied"));
        assert!(!verdict.ok);
        assert!(
            verdict.detail.starts_with("8 of 8 request(s) violate it"),
            "{}",
            verdict.detail
        );
        assert!(verdict.detail.contains("at 0ms") && verdict.detail.contains("at 4ms"));
        assert!(!verdict.detail.contains("at 5ms"), "{}", verdict.detail);
        assert_eq!(tally.verdict(3), None);
    }

    proptest! {
        /// Clients finish in any order; the tally is the one the run's records in order give.
        #[test]
        fn the_tally_does_not_depend_on_the_order_requests_finish_in(
            requests in prop::collection::vec(
                (0..50u64, prop::option::of(prop::sample::select(vec![200u16, 404, 500])),
                 prop::option::of(0..100u64), 0..3_000u32),
                0..40,
            ),
            seed in any::<u64>(),
        ) {
            let records: Vec<(RecordOrder, RequestRecord)> = (requests.iter().enumerate())
                .map(|(k, (at, status, latency, cpu))| {
                    ((*at, k, 0), record(*at, *status, *latency, f64::from(*cpu) / 1000.0))
                })
                .collect();
            let mut in_order = Tally::new(&expectations());
            for (order, r) in &records {
                in_order.add(*order, r);
            }
            let mut shuffled = records.clone();
            let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(seed);
            rand::seq::SliceRandom::shuffle(shuffled.as_mut_slice(), &mut rng);
            let mut finished = Tally::new(&expectations());
            for (order, r) in &shuffled {
                finished.add(*order, r);
            }
            prop_assert_eq!(&in_order, &finished);
            prop_assert_eq!(in_order.verdict(0), finished.verdict(0));
        }
    }
}
