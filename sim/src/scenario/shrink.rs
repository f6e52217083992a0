//! Shrinking a failing seed: the scenario's traffic is expanded into single requests, then
//! delta debugging (Zeller's ddmin) removes every request the failure does not need, running the
//! scenario with the same seed each time. What is left, with only the expectations that failed,
//! is written back as a scenario that reproduces the failure on its own.

use super::model::{LoadedScenario, TrafficSpec};
use super::run::{RunError, run, send_times};

#[derive(Debug, thiserror::Error)]
pub enum ShrinkError {
    #[error("nothing to shrink: seed {0} passes every expectation")]
    Passes(u64),
    #[error("the failure did not reproduce once the traffic was written as single requests")]
    NotReproduced,
    #[error(transparent)]
    Run(#[from] RunError),
}

pub struct Shrunk {
    pub scenario: LoadedScenario,
    pub requests_before: usize,
    pub runs: usize,
}

/// Every request the scenario sends, as a one-shot traffic item at its time.
pub fn expand_traffic(loaded: &LoadedScenario, seed: u64) -> Vec<TrafficSpec> {
    let s = &loaded.scenario;
    let duration_ms = s.duration.map(|d| d.ms);
    let mut out: Vec<(u64, usize, TrafficSpec)> = Vec::new();
    for (i, t) in s.traffic.iter().enumerate() {
        for at in send_times(t, duration_ms, seed, i) {
            for _ in 0..t.count {
                let mut single = t.clone();
                single.at = Some(super::Duration::from_ms(at));
                (
                    single.every,
                    single.rate,
                    single.from,
                    single.until,
                    single.count,
                ) = (None, None, None, None, 1);
                single.ramp_to = None;
                out.push((at, i, single));
            }
        }
    }
    out.sort_by_key(|(at, i, _)| (*at, *i));
    out.into_iter().map(|(.., t)| t).collect()
}

pub fn shrink(loaded: &LoadedScenario, seed: u64) -> Result<Shrunk, ShrinkError> {
    let first = run(loaded, seed)?;
    if first.passed() {
        return Err(ShrinkError::Passes(seed));
    }
    let mut base = loaded.clone();
    let failed: Vec<String> = first
        .verdicts
        .iter()
        .filter(|v| !v.ok)
        .map(|v| v.expectation.clone())
        .collect();
    let kept_expectations: Vec<_> = loaded
        .scenario
        .expect
        .iter()
        .zip(&first.verdicts)
        .filter(|(_, v)| failed.contains(&v.expectation))
        .map(|(e, _)| e.clone())
        .collect();
    base.scenario.expect = kept_expectations;
    let mut runs = 1;
    let mut fails = |items: &[TrafficSpec]| -> Result<bool, ShrinkError> {
        runs += 1;
        let mut candidate = base.clone();
        candidate.scenario.traffic = items.to_vec();
        Ok(!run(&candidate, seed)?.passed())
    };
    let mut items = expand_traffic(loaded, seed);
    let requests_before = items.len();
    if !fails(&items)? {
        return Err(ShrinkError::NotReproduced);
    }
    let mut n = 2;
    while items.len() >= 2 {
        let chunk = items.len().div_ceil(n);
        let mut reduced = false;
        for start in (0..items.len()).step_by(chunk) {
            let complement: Vec<TrafficSpec> = items[..start]
                .iter()
                .chain(items[(start + chunk).min(items.len())..].iter())
                .cloned()
                .collect();
            if fails(&complement)? {
                items = complement;
                n = (n - 1).max(2);
                reduced = true;
                break;
            }
        }
        if !reduced {
            if n >= items.len() {
                break;
            }
            n = (2 * n).min(items.len());
        }
    }
    base.scenario.traffic = items;
    Ok(Shrunk {
        scenario: base,
        requests_before,
        runs,
    })
}

/// Why a scenario could not be written back as YAML.
#[derive(Debug, thiserror::Error)]
pub enum ToYamlError {
    #[error("cannot represent the scenario: {0}")]
    Value(#[from] serde_json::Error),
    #[error("cannot write the scenario as YAML: {0}")]
    Yaml(#[from] serde_norway::Error),
}

/// The scenario as YAML, with Worker paths made absolute so the file runs from anywhere, and
/// unset options left out.
pub fn to_yaml(loaded: &LoadedScenario) -> Result<String, ToYamlError> {
    let mut scenario = loaded.scenario.clone();
    for worker in scenario.workers.values_mut() {
        let full = loaded.dir.join(worker.config());
        let absolute = std::fs::canonicalize(&full).unwrap_or(full);
        *worker = worker.with_config(absolute.display().to_string());
    }
    let mut value = serde_json::to_value(&scenario)?;
    prune(&mut value);
    Ok(serde_norway::to_string(&value)?)
}

/// Drops nulls, empty lists and empty maps, which only restate defaults.
fn prune(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            for child in map.values_mut() {
                prune(child);
            }
            map.retain(|_, c| {
                !(c.is_null()
                    || c.as_array().is_some_and(Vec::is_empty)
                    || c.as_object().is_some_and(|o| o.is_empty()))
            });
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(prune),
        _ => {}
    }
}
