//! What a sweep found, as `sweep --json` writes it, and the merge of the shards of one sweep
//! that ran apart (a CI matrix, a Kubernetes Indexed Job) into the summary one process running
//! every seed would have written.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::run::Verdict;
use super::sweep::{SeedOutcome, SeedSet};

/// One seed whose run broke an expectation, with the command that replays it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedFailure {
    pub seed: u64,
    pub failed: Vec<Verdict>,
    pub replay: String,
}

/// Which part of a range of seeds a summary covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

/// A sweep's result: `sweep --json`'s output, and `sweep-merge`'s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepSummary {
    pub scenario: String,
    /// The seeds asked for, half-open: `[first, end)`.
    pub seed_range: [u64; 2],
    /// The part of the range this summary covers; absent when it covers all of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
    /// How many seeds ran.
    pub seeds: u64,
    pub passed: u64,
    /// In seed order.
    pub failures: Vec<SeedFailure>,
}

impl SweepSummary {
    /// The summary of `results` (a sweep over `seeds` of `scenario`); `replay` names the
    /// command that reruns a seed.
    pub fn new(
        scenario: &str,
        seeds: &SeedSet,
        results: &[(u64, SeedOutcome)],
        replay: impl Fn(u64) -> String,
    ) -> Self {
        let failures: Vec<SeedFailure> = results
            .iter()
            .filter_map(|(seed, outcome)| match outcome {
                SeedOutcome::Passed => None,
                SeedOutcome::Failed(failed) => Some(SeedFailure {
                    seed: *seed,
                    failed: failed.clone(),
                    replay: replay(*seed),
                }),
                SeedOutcome::Error(e) => Some(SeedFailure {
                    seed: *seed,
                    failed: vec![Verdict {
                        expectation: "the run happens".into(),
                        ok: false,
                        detail: e.clone(),
                    }],
                    replay: replay(*seed),
                }),
            })
            .collect();
        SweepSummary {
            scenario: scenario.to_string(),
            seed_range: [seeds.range.start, seeds.range.end],
            shard: seeds.shard.map(|(index, count)| Shard { index, count }),
            seeds: results.len() as u64,
            passed: (results.len() - failures.len()) as u64,
            failures,
        }
    }
}

/// Shard summaries that do not make one sweep.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error("no sweep summaries to merge")]
    Nothing,
    #[error("{name}: a sweep of {found:?}, not of {expected:?} like {first}")]
    OtherScenario {
        name: String,
        found: String,
        expected: String,
        first: String,
    },
    #[error("{name}: seeds {found}, not {expected} like {first}")]
    OtherRange {
        name: String,
        found: String,
        expected: String,
        first: String,
    },
    #[error("{name}: {found}, but {first} is {expected}")]
    OtherSharding {
        name: String,
        found: String,
        expected: String,
        first: String,
    },
    #[error("shard {index}/{count} is given twice: {first} and {second}")]
    Twice {
        index: u64,
        count: u64,
        first: String,
        second: String,
    },
    #[error("shard(s) {missing} of {count} missing: their seeds did not run")]
    Missing { missing: String, count: u64 },
    #[error("{name}: shard {shard} ran {ran} seeds where its part of {range} has {expected}")]
    Incomplete {
        name: String,
        shard: String,
        ran: u64,
        range: String,
        expected: u64,
    },
}

fn range_text([first, end]: [u64; 2]) -> String {
    format!("{first}..{end}")
}

fn sharding_text(shard: Option<Shard>) -> String {
    shard.map_or("the whole range".into(), |s| {
        format!("one of {} shards", s.count)
    })
}

/// Merges `parts` (each named, e.g. by its file) — every shard of one sweep exactly once, or one
/// summary of the whole range — into the summary of the whole sweep.
pub fn merge(parts: &[(String, SweepSummary)]) -> Result<SweepSummary, MergeError> {
    let (first_name, first) = parts.first().ok_or(MergeError::Nothing)?;
    let mut by_index: BTreeMap<u64, &str> = BTreeMap::new();
    for (name, part) in parts {
        if part.scenario != first.scenario {
            return Err(MergeError::OtherScenario {
                name: name.clone(),
                found: part.scenario.clone(),
                expected: first.scenario.clone(),
                first: first_name.clone(),
            });
        }
        if part.seed_range != first.seed_range {
            return Err(MergeError::OtherRange {
                name: name.clone(),
                found: range_text(part.seed_range),
                expected: range_text(first.seed_range),
                first: first_name.clone(),
            });
        }
        if part.shard.map(|s| s.count) != first.shard.map(|s| s.count) {
            return Err(MergeError::OtherSharding {
                name: name.clone(),
                found: sharding_text(part.shard),
                expected: sharding_text(first.shard),
                first: first_name.clone(),
            });
        }
        let set = SeedSet {
            range: part.seed_range[0]..part.seed_range[1],
            shard: part.shard.map(|s| (s.index, s.count)),
        };
        let expected = set.seeds().len() as u64;
        let shard = part.shard.unwrap_or(Shard { index: 0, count: 1 });
        if part.seeds != expected {
            return Err(MergeError::Incomplete {
                name: name.clone(),
                shard: format!("{}/{}", shard.index, shard.count),
                ran: part.seeds,
                range: range_text(part.seed_range),
                expected,
            });
        }
        if let Some(previous) = by_index.insert(shard.index, name) {
            return Err(MergeError::Twice {
                index: shard.index,
                count: shard.count,
                first: previous.to_string(),
                second: name.clone(),
            });
        }
    }
    let count = first.shard.map_or(1, |s| s.count);
    let missing: Vec<String> = (0..count)
        .filter(|i| !by_index.contains_key(i))
        .map(|i| i.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing {
            missing: missing.join(", "),
            count,
        });
    }
    let mut failures: Vec<SeedFailure> = parts
        .iter()
        .flat_map(|(_, p)| p.failures.iter().cloned())
        .collect();
    failures.sort_by_key(|f| f.seed);
    Ok(SweepSummary {
        scenario: first.scenario.clone(),
        seed_range: first.seed_range,
        shard: None,
        seeds: parts.iter().map(|(_, p)| p.seeds).sum(),
        passed: parts.iter().map(|(_, p)| p.passed).sum(),
        failures,
    })
}
