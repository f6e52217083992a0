//! What serde cannot check about a scenario: values in range, references to Workers, colos and
//! labels that exist, traffic items that say when to send. Each refusal names the file, the line
//! and column of what it is about, and what was expected.

use edgesim_runtime::diagnostic::Located;

use super::Duration;
use super::expect_spec::Checker;
use super::model::{ColoSpec, LoadedScenario, Scenario, ScenarioError, TrafficSpec, locate};

pub(super) fn validate(loaded: &LoadedScenario, text: &str) -> Result<(), ScenarioError> {
    let v = Validator {
        file: &loaded.file,
        text,
        s: &loaded.scenario,
    };
    v.platform()?;
    v.faults()?;
    v.colos()?;
    v.origins()?;
    v.placement()?;
    for (i, t) in v.s.traffic.iter().enumerate() {
        let item = TrafficItem { number: i + 1, t };
        v.traffic_target(&item)?;
        v.traffic_shape(&item)?;
        v.traffic_timing(&item)?;
    }
    v.expectations()
}

struct Validator<'a> {
    file: &'a str,
    text: &'a str,
    s: &'a Scenario,
}

/// A traffic item and its 1-based number, as messages name it.
struct TrafficItem<'a> {
    number: usize,
    t: &'a TrafficSpec,
}

type Checked = Result<(), ScenarioError>;

/// What one traffic item may send in a run: its send times are planned before the run starts.
const REQUESTS_PER_ITEM_MAX: u64 = 10_000_000;

/// About how many requests `t` sends (exactly, for `at` and `every`; on average, for `rate`).
fn planned_requests(t: &TrafficSpec, duration_ms: Option<u64>) -> f64 {
    let from = t.from.map_or(0, |d| d.ms);
    let until = super::run::last_send_ms(t, duration_ms).unwrap_or(from);
    let window_ms = until.saturating_sub(from) as f64;
    let sends = match (t.at, t.every, t.rate) {
        (Some(_), _, _) => 1.0,
        (None, Some(every), _) if every.ms > 0 => (window_ms / every.ms as f64).floor() + 1.0,
        (None, None, Some(rate)) => {
            let peak = t.ramp_to.map_or(rate.per_ms, |r| r.per_ms.max(rate.per_ms));
            peak * window_ms
        }
        _ => 0.0,
    };
    sends * t.count as f64
}

impl Validator<'_> {
    /// The refusal `message`, placed at the first occurrence of `needle` in the file.
    fn at(&self, needle: &str, message: String) -> ScenarioError {
        let (line, column) = locate(self.text, needle);
        ScenarioError::Invalid(Located {
            file: self.file.to_string(),
            line,
            column,
            message,
        })
    }

    fn platform(&self) -> Checked {
        let p = &self.s.platform;
        if p.isolates_per_colo_max == Some(0) {
            return Err(self.at(
                "isolates_per_colo_max:",
                "platform.isolates_per_colo_max must be at least 1".to_string(),
            ));
        }
        if p.objects_per_isolate == Some(0) {
            return Err(self.at(
                "objects_per_isolate:",
                "platform.objects_per_isolate must be at least 1".to_string(),
            ));
        }
        if let Some(loss) = p.network.loss
            && !(0.0..1.0).contains(&loss)
        {
            return Err(self.at(
                "loss:",
                format!("platform.network.loss must be from 0 up to (not including) 1, got {loss}"),
            ));
        }
        Ok(())
    }

    fn faults(&self) -> Checked {
        let colo_names: Vec<&str> = self.s.colos.iter().map(ColoSpec::name).collect();
        for (i, f) in self.s.faults.iter().enumerate() {
            if let Err(message) = f.fault(&colo_names) {
                let needle = match (&f.crash, &f.partition, &f.latency_spike) {
                    (Some(target), _, _) => target.as_str(),
                    (_, Some(_), _) => "partition:",
                    (_, _, Some(_)) => "latency_spike:",
                    _ => "faults:",
                };
                return Err(self.at(needle, format!("fault {}: {message}", i + 1)));
            }
        }
        Ok(())
    }

    fn origins(&self) -> Checked {
        for (label, spec) in &self.s.origins {
            if let Err(e) = spec.check(label) {
                let needle = match &e {
                    crate::origins::OriginError::UnknownPlace { colo, .. } => colo.as_str(),
                    _ => label.as_str(),
                };
                return Err(self.at(needle, e.to_string()));
            }
        }
        Ok(())
    }

    fn placement(&self) -> Checked {
        for (worker, colo) in &self.s.placement {
            if !self.s.workers.contains_key(worker) {
                return Err(self.at(
                    worker,
                    format!("placement: {worker:?} is not one of the scenario's workers"),
                ));
            }
            // The run's colos: those listed, else those the traffic comes from.
            let in_run = match self.s.colos.is_empty() {
                false => self.s.colos.iter().any(|c| c.name() == colo),
                true => self.s.traffic.iter().any(|t| t.colo == *colo),
            };
            if !in_run {
                return Err(self.at(
                    colo,
                    format!("placement: {worker}: {colo:?} is not one of the run's colos"),
                ));
            }
        }
        Ok(())
    }

    fn colos(&self) -> Checked {
        for c in &self.s.colos {
            if let ColoSpec::Name(name) = c
                && crate::world::colos::built_in(name).is_none()
            {
                let known: Vec<&str> = crate::world::colos::built_in_names().take(8).collect();
                return Err(self.at(
                    name,
                    format!(
                        "unknown colo {name:?}: use an IATA code edgesim knows ({}, …) or give {{ name, lat, lon }}",
                        known.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The item names a Worker the scenario defines, from a colo the run has.
    fn traffic_target(&self, item: &TrafficItem) -> Checked {
        let (n, t) = (item.number, item.t);
        if !self.s.workers.contains_key(&t.worker) {
            let known: Vec<&String> = self.s.workers.keys().collect();
            return Err(self.at(
                &t.worker,
                format!(
                    "traffic item {n}: unknown worker {:?}; the scenario defines {known:?}",
                    t.worker
                ),
            ));
        }
        let colos: Vec<&str> = self.s.colos.iter().map(ColoSpec::name).collect();
        if !colos.is_empty() && !colos.contains(&t.colo.as_str()) {
            return Err(self.at(
                &t.colo,
                format!(
                    "traffic item {n}: colo {:?} is not in `colos` {colos:?}",
                    t.colo
                ),
            ));
        }
        if colos.is_empty() && crate::world::colos::built_in(&t.colo).is_none() {
            return Err(self.at(
                &t.colo,
                format!(
                    "traffic item {n}: unknown colo {:?}: use an IATA code edgesim knows, or list it under `colos` with lat and lon",
                    t.colo
                ),
            ));
        }
        Ok(())
    }

    /// WebSocket scripts, sessions and bursts hold together.
    fn traffic_shape(&self, item: &TrafficItem) -> Checked {
        let (n, t) = (item.number, item.t);
        if let Some(ws) = &t.websocket
            && (ws.repeat == 0 || ws.every.is_some_and(|d| d.ms == 0))
        {
            return Err(self.at(
                "websocket:",
                format!(
                    "traffic item {n}: `websocket.repeat` must be at least 1 and `websocket.every` longer than 0ms"
                ),
            ));
        }
        if !t.carry.is_empty() && t.session.is_none() {
            return Err(self.at(
                "carry:",
                format!(
                    "traffic item {n}: `carry` needs `session` (the client that carries the headers)"
                ),
            ));
        }
        if t.session.is_some() && t.count != 1 {
            return Err(self.at(
                "count:",
                format!(
                    "traffic item {n}: a session's client sends one request at a time; drop `count`"
                ),
            ));
        }
        if !(1..=10_000).contains(&t.count) {
            return Err(self.at(
                "count:",
                format!("traffic item {n}: `count` must be from 1 to 10000"),
            ));
        }
        Ok(())
    }

    /// Exactly one of `at`, `every` and `rate`, and an end for anything that repeats.
    fn traffic_timing(&self, item: &TrafficItem) -> Checked {
        let (n, t) = (item.number, item.t);
        let no_end = t.until.is_none() && self.s.duration.is_none();
        if t.ramp_to.is_some() && t.rate.is_none() {
            return Err(self.at(
                "ramp_to:",
                format!("traffic item {n}: `ramp_to` needs `rate` (the rate the ramp starts from)"),
            ));
        }
        if t.rate.is_some() && (t.at.is_some() || t.every.is_some()) {
            return Err(self.at(
                &t.worker,
                format!("traffic item {n}: give one of `at`, `every` or `rate`"),
            ));
        }
        if t.rate.is_some() && no_end {
            return Err(self.at(
                &t.worker,
                format!(
                    "traffic item {n}: a `rate` item needs `until`, or the scenario a `duration`"
                ),
            ));
        }
        let refusal = match (t.at, t.every.or(t.rate.map(|_| Duration::from_ms(1)))) {
            (Some(_), Some(_)) => {
                Some((t.worker.as_str(), "give either `at` or `every`, not both"))
            }
            (None, None) => Some((
                t.worker.as_str(),
                "needs `at` (one request) or `every` (repeating)",
            )),
            (None, Some(every)) if every.ms == 0 => {
                Some(("every:", "`every` must be longer than 0ms"))
            }
            (None, Some(_)) if no_end => Some((
                t.worker.as_str(),
                "a repeating item needs `until`, or the scenario a `duration`",
            )),
            _ => None,
        };
        if let Some((needle, what)) = refusal {
            return Err(self.at(needle, format!("traffic item {n}: {what}")));
        }
        let planned = planned_requests(t, self.s.duration.map(|d| d.ms));
        if planned > REQUESTS_PER_ITEM_MAX as f64 {
            return Err(self.at(
                &t.worker,
                format!(
                    "traffic item {n}: would send about {planned:.0} requests; at most \
                     {REQUESTS_PER_ITEM_MAX} per item (shorten `until` or `duration`, or \
                     send less often)"
                ),
            ));
        }
        Ok(())
    }

    fn expectations(&self) -> Checked {
        for (i, e) in self.s.expect.iter().enumerate() {
            if let Checker::Linearizable(spec) = &e.checker
                && let Some(model) = spec.model.as_deref()
                && crate::check::linearizable::Model::parse(model).is_none()
            {
                return Err(self.at(
                    model,
                    format!(
                        "expectation {}: unknown model {model:?}; use `counter` or `register`",
                        i + 1
                    ),
                ));
            }
            if let Some(label) = &e.label
                && !self
                    .s
                    .traffic
                    .iter()
                    .any(|t| t.label.as_ref() == Some(label))
            {
                return Err(self.at(
                    label,
                    format!("expectation {}: no traffic item has label {label:?}", i + 1),
                ));
            }
        }
        Ok(())
    }
}
