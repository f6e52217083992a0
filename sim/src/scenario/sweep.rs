//! Running one scenario over many seeds, in parallel: the way to find the seed that breaks an
//! expectation. Each simulation runs on a thread of its own (madsim seeds thread-local state
//! when a runtime first starts on a thread), a fixed number at a time.

use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::model::LoadedScenario;
use super::run::{RunOptions, Verdict, run_with};

/// Which seeds to run: a range, optionally one shard of it (`index` of `count`, for a batch
/// system that fans seeds out over machines: shard i takes every count-th seed from the i-th).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedSet {
    pub range: Range<u64>,
    pub shard: Option<(u64, u64)>,
}

/// A `--seeds` range or `--shard` that edgesim cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeedSetError {
    #[error("--seeds {0:?}: expected A..B or A..=B, with whole numbers")]
    Range(String),
    #[error("--seeds {0:?} is empty")]
    Empty(String),
    #[error("--shard {0:?}: expected I/N with 0 <= I < N")]
    Shard(String),
}

impl SeedSet {
    /// `A..B` (B excluded) or `A..=B` (B included); `shard` is `I/N`.
    pub fn parse(range: &str, shard: Option<&str>) -> Result<Self, SeedSetError> {
        let bad = || SeedSetError::Range(range.to_string());
        let (a, b, inclusive) = match range.split_once("..=") {
            Some((a, b)) => (a, b, true),
            None => range
                .split_once("..")
                .map(|(a, b)| (a, b, false))
                .ok_or_else(bad)?,
        };
        let a: u64 = a.trim().parse().map_err(|_| bad())?;
        let b: u64 = b.trim().parse().map_err(|_| bad())?;
        let end = if inclusive {
            b.checked_add(1).ok_or_else(bad)?
        } else {
            b
        };
        if end <= a {
            return Err(SeedSetError::Empty(range.to_string()));
        }
        let shard = match shard {
            None => None,
            Some(s) => {
                let bad = || SeedSetError::Shard(s.to_string());
                let (i, n) = s.split_once('/').ok_or_else(bad)?;
                let (i, n): (u64, u64) = (
                    i.trim().parse().map_err(|_| bad())?,
                    n.trim().parse().map_err(|_| bad())?,
                );
                if n == 0 || i >= n {
                    return Err(bad());
                }
                Some((i, n))
            }
        };
        Ok(SeedSet {
            range: a..end,
            shard,
        })
    }

    pub fn seeds(&self) -> Vec<u64> {
        self.range
            .clone()
            .enumerate()
            .filter(|(k, _)| self.shard.is_none_or(|(i, n)| *k as u64 % n == i))
            .map(|(_, seed)| seed)
            .collect()
    }
}

/// What one seed gave.
#[derive(Debug, Clone)]
pub enum SeedOutcome {
    Passed,
    Failed(Vec<Verdict>),
    /// The run could not happen (a Worker that does not start): the same for every seed.
    Error(String),
}

/// Runs `scenario` for every seed of `seeds` with `jobs` simulations at a time; the result is in
/// seed order whatever the scheduling. `progress` is called after each seed.
pub fn sweep(
    scenario: &LoadedScenario,
    seeds: &SeedSet,
    jobs: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<(u64, SeedOutcome)> {
    sweep_with(scenario, seeds, jobs, RunOptions::default(), progress)
}

/// [`sweep`], each run carried out as `options` say.
pub fn sweep_with(
    scenario: &LoadedScenario,
    seeds: &SeedSet,
    jobs: usize,
    options: RunOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<(u64, SeedOutcome)> {
    let seeds = seeds.seeds();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(seeds.len()));
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&seed) = seeds.get(k) else { break };
                    // A fresh thread per simulation, so thread-local state never carries over.
                    let outcome = std::thread::scope(|inner| {
                        inner
                            .spawn(|| match run_with(scenario, seed, options.clone()) {
                                Ok(out) if out.passed() => SeedOutcome::Passed,
                                Ok(out) => SeedOutcome::Failed(
                                    out.verdicts.into_iter().filter(|v| !v.ok).collect(),
                                ),
                                Err(e) => SeedOutcome::Error(e.to_string()),
                            })
                            .join()
                            .unwrap_or_else(|_| {
                                SeedOutcome::Error(
                                    "the simulation panicked (an edgesim bug)".into(),
                                )
                            })
                    });
                    if let Ok(mut r) = results.lock() {
                        r.push((seed, outcome));
                    }
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1, seeds.len());
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(seed, _)| *seed);
    results
}

#[cfg(test)]
mod tests {
    use super::SeedSet;

    #[test]
    fn ranges_and_shards_select_the_right_seeds() {
        assert_eq!(
            SeedSet::parse("0..5", None).unwrap().seeds(),
            vec![0, 1, 2, 3, 4]
        );
        assert_eq!(
            SeedSet::parse("3..=5", None).unwrap().seeds(),
            vec![3, 4, 5]
        );
        assert_eq!(
            SeedSet::parse("0..10", Some("1/3")).unwrap().seeds(),
            vec![1, 4, 7]
        );
        let all: Vec<u64> = (0..3)
            .flat_map(|i| {
                SeedSet::parse("0..10", Some(&format!("{i}/3")))
                    .unwrap()
                    .seeds()
            })
            .collect();
        assert_eq!(all.len(), 10);
    }

    #[test]
    fn bad_ranges_and_shards_say_what_was_expected() {
        let error = |range, shard| SeedSet::parse(range, shard).map_err(|e| e.to_string());
        assert_eq!(
            error("5", None),
            Err("--seeds \"5\": expected A..B or A..=B, with whole numbers".to_string())
        );
        assert_eq!(
            error("5..5", None),
            Err("--seeds \"5..5\" is empty".to_string())
        );
        assert_eq!(
            error("0..5", Some("3/3")),
            Err("--shard \"3/3\": expected I/N with 0 <= I < N".to_string())
        );
    }
}
