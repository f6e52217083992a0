//! The trace as a run records it: every event is hashed and its console line gathered as it
//! happens, and only the events the run will read again are kept — all of them by default, or,
//! for a run that says what it needs ([`Keep::Only`]), those its checkers read. A long run then
//! holds its trace's hash, not its history.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{TraceEvent, TraceFile};

/// Which recorded events a trace keeps in [`Trace::events`].
#[derive(Clone, Default)]
pub enum Keep {
    #[default]
    All,
    /// Those one of the predicates picks.
    Only(Vec<fn(&TraceEvent) -> bool>),
}

#[derive(Clone, Default)]
pub struct Trace {
    /// The events kept (see [`Keep`]), in the order they were recorded.
    pub events: Vec<TraceEvent>,
    keep: Keep,
    /// SHA-256 of the JSONL of every event recorded so far, kept or not.
    hasher: Sha256,
    console: Console,
    /// Where each event's line is written as it is recorded, if anywhere.
    file: Option<Rc<RefCell<TraceFile>>>,
}

impl std::fmt::Debug for Trace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (f.debug_struct("Trace"))
            .field("events", &self.events.len())
            .field("hash", &self.hash())
            .finish()
    }
}

impl Trace {
    /// A trace that keeps only what `keep` picks.
    pub fn keeping(keep: Keep) -> Trace {
        Trace {
            keep,
            ..Trace::default()
        }
    }

    /// This trace, writing every event's line to `file` as it is recorded.
    pub fn writing_to(self, file: Rc<RefCell<TraceFile>>) -> Trace {
        Trace {
            file: Some(file),
            ..self
        }
    }

    /// Stops writing to the trace file, handing it back to be finished.
    pub fn stop_writing(&mut self) -> Option<Rc<RefCell<TraceFile>>> {
        self.file.take()
    }

    /// A trace of `events`, recorded in order.
    pub fn of(events: impl IntoIterator<Item = TraceEvent>) -> Trace {
        let mut trace = Trace::default();
        for event in events {
            trace.push(event);
        }
        trace
    }

    pub fn push(&mut self, event: TraceEvent) {
        // Serialising these plain structs cannot fail.
        let line = serde_json::to_string(&event).unwrap_or_default();
        self.hasher.update(line.as_bytes());
        self.hasher.update(b"\n");
        if let Some(file) = &self.file {
            file.borrow_mut().line(&line);
        }
        self.console.observe(&event);
        let kept = match &self.keep {
            Keep::All => true,
            Keep::Only(picks) => picks.iter().any(|picks| picks(&event)),
        };
        if kept {
            self.events.push(event);
        }
    }

    /// What the Workers' and objects' code logged, in order, each line with where it ran.
    pub fn console(&self) -> Vec<ConsoleLine> {
        self.console.lines.clone()
    }

    /// SHA-256 of the JSONL of every event recorded, hex.
    pub fn hash(&self) -> String {
        let digest = self.hasher.clone().finalize();
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The console lines of a run, gathered as its events are recorded.
#[derive(Clone, Default)]
struct Console {
    /// Where each request or cron firing still running came in: (colo, Worker).
    origins: BTreeMap<u64, (String, String)>,
    lines: Vec<ConsoleLine>,
}

impl Console {
    fn observe(&mut self, event: &TraceEvent) {
        let line = |at_ms: u64, place: String, level: &str, message: String| ConsoleLine {
            at_ms,
            place,
            level: level.to_string(),
            message,
        };
        match event {
            TraceEvent::Request {
                id, colo, worker, ..
            }
            | TraceEvent::Scheduled {
                id, colo, worker, ..
            } => {
                self.origins.insert(*id, (colo.clone(), worker.clone()));
            }
            // An invocation's lines are recorded before its end.
            TraceEvent::Finished { id, .. } => {
                self.origins.remove(id);
            }
            TraceEvent::Log {
                at_ms,
                id,
                level,
                message,
            } => {
                let place = match self.origins.get(id) {
                    Some((colo, worker)) => format!("{colo} {worker}"),
                    None => "- -".to_string(),
                };
                self.lines.push(line(*at_ms, place, level, message.clone()));
            }
            TraceEvent::ObjectLog {
                at_ms,
                namespace,
                object,
                level,
                message,
            } => {
                let place = format!("{namespace} {object}");
                self.lines.push(line(*at_ms, place, level, message.clone()));
            }
            TraceEvent::SocketRefused {
                at_ms,
                colo,
                address,
            } => {
                let advice = crate::origins::refused_advice(address);
                let place = format!("{colo} edgesim");
                self.lines.push(line(*at_ms, place, "warn", advice));
            }
            TraceEvent::OriginUndeclared { at_ms, colo, host } => {
                let advice = crate::origins::undeclared_advice(
                    host,
                    "declare it under `origins:` in the scenario",
                );
                let place = format!("{colo} edgesim");
                self.lines.push(line(*at_ms, place, "warn", advice));
            }
            _ => {}
        }
    }
}

/// A `console.*` line: when (ms of simulated time), where (colo and Worker, or a Durable
/// Object's namespace and id), its level and text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConsoleLine {
    pub at_ms: u64,
    pub place: String,
    pub level: String,
    pub message: String,
}

impl std::fmt::Display for ConsoleLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let seconds = self.at_ms as f64 / 1000.0;
        write!(
            f,
            "[{seconds:.3}s {}] {}: {}",
            self.place, self.level, self.message
        )
    }
}
