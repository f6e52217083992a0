//! Faults as data: what a scenario's `faults:` items say, checked before the run starts.
//!
//! - `crash: colo:<COLO>` (an outage, `for:` its length) and `crash: do-host:<COLO>` (the
//!   Durable Object hosts of a colo);
//! - `fail_storage_writes: N`: the next N Durable Object commits fail;
//! - `partition: [A, B]` drops messages both ways between A and B, `partition: { from: A,
//!   to: B }` one way only; A and B are places (colos, `kv-central`) or lists of them;
//! - `latency_spike: [A, B]` with `add: 300ms` slows messages between them.
//!
//! Partitions and spikes last `for:`.

use serde::{Deserialize, Serialize};

use super::duration::Duration;

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    pub at: Duration,
    /// `do-host:<COLO>`: the hosts of the Durable Objects placed at COLO crash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crash: Option<String>,
    /// How long the crashed hosts stay down (default 0s: they restart at once).
    #[serde(default, rename = "for", skip_serializing_if = "Option::is_none")]
    pub for_: Option<Duration>,
    /// The next N Durable Object storage commits fail (each resets its object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_storage_writes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<PartitionSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_spike: Option<Vec<Group>>,
    /// With `latency_spike`: the extra one-way latency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add: Option<Duration>,
}

/// One place or several.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Group {
    One(String),
    Many(Vec<String>),
}

impl Group {
    fn places(&self) -> Vec<String> {
        match self {
            Group::One(p) => vec![p.clone()],
            Group::Many(ps) => ps.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum PartitionSpec {
    /// `[A, B]`: both ways.
    BothWays(Vec<Group>),
    /// `{ from: A, to: B }`: messages from A to B are lost; B still reaches A.
    OneWay { from: Group, to: Group },
}

/// A fault ready to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The whole colo: isolates, caches, Durable Object hosts; its traffic is rerouted.
    CrashColo {
        colo: String,
        for_ms: u64,
    },
    CrashObjectHosts {
        colo: String,
        for_ms: u64,
    },
    FailStorageWrites(u32),
    Partition {
        from: Vec<String>,
        to: Vec<String>,
        both_ways: bool,
        for_ms: u64,
    },
    LatencySpike {
        between: (Vec<String>, Vec<String>),
        add_ms: u64,
        for_ms: u64,
    },
}

impl Fault {
    /// How the trace names it.
    pub fn describe(&self) -> String {
        match self {
            Fault::CrashObjectHosts { colo, for_ms } => {
                format!("crash do-host:{colo} for {}", Duration::from_ms(*for_ms))
            }
            Fault::CrashColo { colo, for_ms } => {
                format!("crash colo:{colo} for {}", Duration::from_ms(*for_ms))
            }
            Fault::FailStorageWrites(n) => format!("fail_storage_writes {n}"),
            Fault::Partition {
                from,
                to,
                both_ways,
                for_ms,
            } => format!(
                "partition {} {} {} for {}",
                from.join(","),
                if *both_ways { "<->" } else { "->" },
                to.join(","),
                Duration::from_ms(*for_ms)
            ),
            Fault::LatencySpike {
                between: (a, b),
                add_ms,
                for_ms,
            } => format!(
                "latency_spike {} <-> {} +{} for {}",
                a.join(","),
                b.join(","),
                Duration::from_ms(*add_ms),
                Duration::from_ms(*for_ms)
            ),
        }
    }
}

/// What is wrong with a scenario's fault item.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FaultSpecError {
    #[error(
        "a fault needs exactly one of `crash`, `fail_storage_writes`, `partition` or \
         `latency_spike`"
    )]
    NotOneKind,
    #[error("`add` applies to `latency_spike`")]
    AddWithoutSpike,
    #[error("a `{0}` needs `for:`, how long it lasts (like 20s)")]
    NoWindow(&'static str),
    #[error("a `latency_spike` needs `add:`, the extra latency (like 200ms)")]
    NoAddedLatency,
    #[error(
        "cannot crash {0:?}: say `colo:<COLO>` (a colo outage) or `do-host:<COLO>` (the \
         Durable Object hosts of a colo)"
    )]
    CrashTarget(String),
    #[error("cannot crash do-host:{0}: unknown colo {0:?}")]
    UnknownCrashColo(String),
    #[error("`for` applies to `crash`, not to `fail_storage_writes`")]
    WindowOnStorageFault,
    #[error("`{kind}` takes two sides, like [SIN, kv-central] or [[LHR, FRA], [NRT]]; got {got}")]
    NotTwoSides { kind: &'static str, got: usize },
    #[error("unknown place {0:?}: name a colo of the scenario or `kv-central`")]
    UnknownPlace(String),
    #[error("each side needs at least one place")]
    EmptySide,
    #[error("{0:?} is on both sides")]
    OnBothSides(String),
}

impl FaultSpec {
    /// The fault this item describes, or what is wrong with it (`colos`: the scenario's colos,
    /// empty when it uses the built-in table).
    pub fn fault(&self, colos: &[&str]) -> Result<Fault, FaultSpecError> {
        let kinds = [
            self.crash.is_some(),
            self.fail_storage_writes.is_some(),
            self.partition.is_some(),
            self.latency_spike.is_some(),
        ];
        if kinds.iter().filter(|k| **k).count() != 1 {
            return Err(FaultSpecError::NotOneKind);
        }
        if self.add.is_some() && self.latency_spike.is_none() {
            return Err(FaultSpecError::AddWithoutSpike);
        }
        if let Some(p) = &self.partition {
            let for_ms = self.window("partition")?;
            let (from, to, both_ways) = match p {
                PartitionSpec::BothWays(groups) => {
                    let [a, b] = two_groups(groups, "partition")?;
                    (a, b, true)
                }
                PartitionSpec::OneWay { from, to } => (from.places(), to.places(), false),
            };
            check_places(&from, &to, colos)?;
            return Ok(Fault::Partition {
                from,
                to,
                both_ways,
                for_ms,
            });
        }
        if let Some(groups) = &self.latency_spike {
            let for_ms = self.window("latency_spike")?;
            let [a, b] = two_groups(groups, "latency_spike")?;
            check_places(&a, &b, colos)?;
            let add_ms = match self.add {
                Some(d) if d.ms > 0 => d.ms,
                _ => return Err(FaultSpecError::NoAddedLatency),
            };
            return Ok(Fault::LatencySpike {
                between: (a, b),
                add_ms,
                for_ms,
            });
        }
        match (&self.crash, self.fail_storage_writes) {
            (Some(target), None) => {
                let (whole_colo, colo) = match target.split_once(':') {
                    Some(("colo", colo)) => (true, colo),
                    Some(("do-host", colo)) => (false, colo),
                    _ => return Err(FaultSpecError::CrashTarget(target.clone())),
                };
                let known = if colos.is_empty() {
                    crate::world::colos::built_in(colo).is_some()
                } else {
                    colos.contains(&colo)
                };
                if !known {
                    return Err(FaultSpecError::UnknownCrashColo(colo.to_string()));
                }
                let (colo, for_ms) = (colo.to_string(), self.for_.map_or(0, |d| d.ms));
                Ok(if whole_colo {
                    Fault::CrashColo { colo, for_ms }
                } else {
                    Fault::CrashObjectHosts { colo, for_ms }
                })
            }
            (None, Some(n)) if self.for_.is_none() => Ok(Fault::FailStorageWrites(n)),
            (None, Some(_)) => Err(FaultSpecError::WindowOnStorageFault),
            _ => Err(FaultSpecError::NotOneKind),
        }
    }

    /// How long a partition or spike lasts: `for` is required.
    fn window(&self, kind: &'static str) -> Result<u64, FaultSpecError> {
        match self.for_ {
            Some(d) if d.ms > 0 => Ok(d.ms),
            _ => Err(FaultSpecError::NoWindow(kind)),
        }
    }
}

fn two_groups(groups: &[Group], kind: &'static str) -> Result<[Vec<String>; 2], FaultSpecError> {
    match groups {
        [a, b] => Ok([a.places(), b.places()]),
        _ => Err(FaultSpecError::NotTwoSides {
            kind,
            got: groups.len(),
        }),
    }
}

/// Every place must be a colo of the run or `kv-central`, and no place on both sides.
fn check_places(a: &[String], b: &[String], colos: &[&str]) -> Result<(), FaultSpecError> {
    for place in a.iter().chain(b) {
        let known = place == crate::platform::KV_CENTRAL
            || if colos.is_empty() {
                crate::world::colos::built_in(place).is_some()
            } else {
                colos.contains(&place.as_str())
            };
        if !known {
            return Err(FaultSpecError::UnknownPlace(place.clone()));
        }
    }
    if a.is_empty() || b.is_empty() {
        return Err(FaultSpecError::EmptySide);
    }
    if let Some(both) = a.iter().find(|p| b.contains(p)) {
        return Err(FaultSpecError::OnBothSides(both.clone()));
    }
    Ok(())
}
