//! Faults as data: what a scenario's `faults:` items say, checked before the run starts.
//!
//! Simulated now: a colo outage (`crash: colo:<COLO>`, with `for:` its length), the crash of
//! the Durable Object hosts at a colo (`crash: do-host:<COLO>`), and failing Durable Object
//! storage writes (`fail_storage_writes: N`). The other kinds design.md names (partitions,
//! latency spikes) are recognised and refused with a clear message until they are built.

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
    /// Recognised, not simulated yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<serde_norway::Value>,
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
        }
    }
}

impl FaultSpec {
    /// The fault this item describes, or what is wrong with it (`colos`: the scenario's colos,
    /// empty when it uses the built-in table).
    pub fn fault(&self, colos: &[&str]) -> Result<Fault, String> {
        if self.partition.is_some() {
            return Err(
                "partitions are not simulated by this version of edgesim yet; \
                        supported faults: `crash: do-host:<COLO>` and `fail_storage_writes: N`"
                    .into(),
            );
        }
        match (&self.crash, self.fail_storage_writes) {
            (Some(target), None) => {
                let (whole_colo, colo) = match target.split_once(':') {
                    Some(("colo", colo)) => (true, colo),
                    Some(("do-host", colo)) => (false, colo),
                    _ => {
                        return Err(format!(
                            "cannot crash {target:?}: say `colo:<COLO>` (a colo outage) or \
                             `do-host:<COLO>` (the Durable Object hosts of a colo)"
                        ));
                    }
                };
                let known = if colos.is_empty() {
                    crate::world::colos::built_in(colo).is_some()
                } else {
                    colos.contains(&colo)
                };
                if !known {
                    return Err(format!(
                        "cannot crash do-host:{colo}: unknown colo {colo:?}"
                    ));
                }
                let (colo, for_ms) = (colo.to_string(), self.for_.map_or(0, |d| d.ms));
                Ok(if whole_colo {
                    Fault::CrashColo { colo, for_ms }
                } else {
                    Fault::CrashObjectHosts { colo, for_ms }
                })
            }
            (None, Some(n)) if self.for_.is_none() => Ok(Fault::FailStorageWrites(n)),
            (None, Some(_)) => Err("`for` applies to `crash`, not to `fail_storage_writes`".into()),
            _ => Err("a fault needs exactly one of `crash` or `fail_storage_writes`".into()),
        }
    }
}
