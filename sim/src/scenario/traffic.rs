//! A scenario's traffic: each request sent when its time comes, its client run with the
//! others in one task group.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration as StdDuration;

use super::client::{Sending, Shared, Turns};
use super::model::{LoadedScenario, TrafficSpec};
use crate::task_group::{self, TaskGroup};

/// The traffic's clients, one per request (a burst is `count` requests at each time), numbered
/// from 1 in traffic order; a session's requests wait for their turn. Each client is started at
/// its send time by one feeder task, which runs them all, so a run holds the clients in flight,
/// not one per request it will ever send; the feeder ends when the last client has.
pub(super) fn spawn_traffic(
    shared: &Rc<Shared>,
    loaded: &LoadedScenario,
    schedule: Vec<(usize, Vec<u64>)>,
) -> madsim::task::JoinHandle<()> {
    let traffic: Vec<Rc<TrafficSpec>> = (loaded.scenario.traffic.iter())
        .map(|t| Rc::new(t.clone()))
        .collect();
    let turns = Turns::plan(
        schedule
            .iter()
            .filter_map(|(ti, burst)| {
                let name = traffic[*ti].session.clone()?;
                Some(
                    burst
                        .iter()
                        .enumerate()
                        .map(move |(k, at)| (*at, *ti, k, name.clone())),
                )
            })
            .flatten()
            .collect(),
    );
    let sends = SendOrder::new(schedule);
    let feeder = feed(shared.clone(), traffic, turns, sends);
    shared.platform.tasks.spawn(feeder)
}

/// Every request of the run in send order (time, then request id), drawn from each traffic
/// item's send times as the run reaches them: a long run never lists all its requests at once.
/// Request ids number the items' requests one item after another, so within an item (whose
/// times never go back) they rise with time too.
struct SendOrder {
    schedule: Vec<(usize, Vec<u64>)>,
    /// (time, id, schedule entry, repetition) of each entry's next request.
    next: std::collections::BinaryHeap<std::cmp::Reverse<(u64, u64, usize, usize)>>,
}

impl SendOrder {
    fn new(schedule: Vec<(usize, Vec<u64>)>) -> SendOrder {
        let mut next = std::collections::BinaryHeap::new();
        let mut first_id = 1;
        for (entry, (_, times)) in schedule.iter().enumerate() {
            if let Some(at_ms) = times.first() {
                next.push(std::cmp::Reverse((*at_ms, first_id, entry, 0)));
            }
            first_id += times.len() as u64;
        }
        SendOrder { schedule, next }
    }
}

impl Iterator for SendOrder {
    type Item = Sending;

    fn next(&mut self) -> Option<Sending> {
        let std::cmp::Reverse((at_ms, id, entry, repetition)) = self.next.pop()?;
        let (item, times) = &self.schedule[entry];
        if let Some(next_ms) = times.get(repetition + 1) {
            (self.next).push(std::cmp::Reverse((*next_ms, id + 1, entry, repetition + 1)));
        }
        Some(Sending {
            id,
            item: *item,
            repetition,
            at_ms,
        })
    }
}

/// Starts each client of `sends` (in send order) when its time comes, and waits for them all.
/// The clients run in one task (see [`TaskGroup`]): a run keeps nothing of a finished one.
async fn feed(
    shared: Rc<Shared>,
    traffic: Vec<Rc<TrafficSpec>>,
    mut turns: Turns,
    sends: SendOrder,
) {
    let order_seed = crate::seed::derive(shared.platform.run_seed, "clients/order");
    let clients = RefCell::new(TaskGroup::new(order_seed));
    let sent_all = std::cell::Cell::new(false);
    let send_each = async {
        for sending in sends {
            let due = shared.start + StdDuration::from_millis(sending.at_ms);
            // A sleep always ends on a later tick: requests due together (a burst) leave together.
            if madsim::time::Instant::now() < due {
                madsim::time::sleep_until(due).await;
            }
            let t = traffic[sending.item].clone();
            let turn = turns.take(sending.item, sending.repetition);
            let client = super::client::send(shared.clone(), t, sending, turn);
            clients.borrow_mut().push(client);
        }
        sent_all.set(true);
    };
    futures::join!(send_each, task_group::drive(&clients, || sent_all.get()));
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::SendOrder;

    proptest! {
        /// Drawn as the run goes, the requests come in the order of sorting them all by time
        /// and id.
        #[test]
        fn requests_are_drawn_in_time_then_id_order(
            gaps in prop::collection::vec(prop::collection::vec(0..5u64, 0..12), 0..6),
        ) {
            let schedule: Vec<(usize, Vec<u64>)> = (gaps.iter().enumerate())
                .map(|(item, gaps)| {
                    (item, gaps.iter().scan(0, |at, gap| { *at += gap; Some(*at) }).collect())
                })
                .collect();
            let mut listed = Vec::new();
            for (item, times) in &schedule {
                for (repetition, at_ms) in times.iter().enumerate() {
                    listed.push((*at_ms, listed.len() as u64 + 1, *item, repetition));
                }
            }
            listed.sort_by_key(|(at_ms, id, ..)| (*at_ms, *id));
            let drawn: Vec<_> = SendOrder::new(schedule)
                .map(|s| (s.at_ms, s.id, s.item, s.repetition))
                .collect();
            prop_assert_eq!(drawn, listed);
        }
    }
}
