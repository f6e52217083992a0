//! Cron triggers in a scenario: when each Worker's `triggers.crons` fire during the run, and
//! the delivery of each firing to the Worker at the run's first colo.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration as StdDuration;

use edgesim_runtime::worker::WorkerDefinition;
use futures::channel::oneshot;

use super::client::Shared;
use super::run::{RunError, ScheduledRecord};
use crate::pool::{Delivery, Job, Served};
use crate::trace::TraceEvent;

/// When each Worker's cron triggers fire during the run: (ms after the start, Worker, cron),
/// in time order. Cron times are UTC, as on the platform; neither a time equal to the start
/// (the Worker is deployed then) nor one at the end of the run (it could not finish) fires.
pub(crate) fn cron_firings(
    definitions: &BTreeMap<String, Rc<WorkerDefinition>>,
    epoch_ms: u64,
    until_ms: u64,
) -> Result<Vec<(u64, String, String)>, RunError> {
    let mut out = Vec::new();
    for (name, def) in definitions {
        for cron in def.config.triggers.iter().flat_map(|t| t.crons.iter()) {
            let invalid = |message: String| RunError::Cron {
                name: name.clone(),
                cron: cron.clone(),
                message,
            };
            let schedule: croner::Cron = cron
                .parse()
                .map_err(|e: croner::errors::CronError| invalid(e.to_string()))?;
            let start = chrono::DateTime::from_timestamp_millis(epoch_ms as i64)
                .ok_or_else(|| invalid("start time out of range".into()))?;
            for next in schedule.iter_after(start) {
                let at_ms = (next.timestamp_millis() as u64).saturating_sub(epoch_ms);
                if at_ms >= until_ms {
                    break;
                }
                out.push((at_ms, name.clone(), cron.clone()));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// One firing of a cron trigger.
pub(crate) struct CronFiring {
    pub id: u64,
    pub at_ms: u64,
    pub worker: String,
    pub cron: String,
    pub colo: String,
    /// `controller.scheduledTime`: the cron time, ms since the epoch.
    pub scheduled_time_ms: u64,
}

/// Delivers one cron firing at its time and records what became of it.
pub(crate) async fn fire_cron(
    shared: Rc<Shared>,
    scheduled: Rc<RefCell<Vec<ScheduledRecord>>>,
    f: CronFiring,
) {
    madsim::time::sleep_until(shared.start + StdDuration::from_millis(f.at_ms)).await;
    shared.platform.record(TraceEvent::Scheduled {
        at_ms: f.at_ms,
        id: f.id,
        colo: f.colo.clone(),
        worker: f.worker.clone(),
        cron: f.cron.clone(),
    });
    let index = scheduled.borrow().len();
    scheduled.borrow_mut().push(ScheduledRecord {
        at_ms: f.at_ms,
        colo: f.colo.clone(),
        worker: f.worker.clone(),
        cron: f.cron.clone(),
        scheduled_time_ms: f.scheduled_time_ms,
        outcome: None,
        cpu_used_ms: 0.0,
    });
    let Some((definition, limits)) = shared.workers.get(&f.worker) else {
        return;
    };
    let (reply, answer) = oneshot::channel();
    let event = Delivery::Scheduled {
        cron: f.cron,
        scheduled_time_ms: f.scheduled_time_ms,
    };
    shared.pool.borrow_mut().send(
        &f.colo,
        &f.worker,
        definition,
        limits,
        Job {
            id: f.id,
            arrived_ms: f.at_ms,
            event,
            reply,
        },
    );
    match answer.await {
        Ok(Ok(Served {
            report: Some(report),
            ..
        })) => {
            let mut records = scheduled.borrow_mut();
            records[index].outcome = Some(report.outcome.as_str().to_string());
            records[index].cpu_used_ms = report.cpu_used_ms;
        }
        // Only a fetch can be answered from static assets.
        Ok(Ok(Served { report: None, .. })) => {}
        Ok(Err(e)) => {
            shared.startup_error.borrow_mut().get_or_insert(e);
        }
        Err(_) => {}
    }
}
