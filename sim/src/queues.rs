//! Queues on the simulated platform: one broker per queue (storage::queue), and per queue with
//! a consumer a task that forms batches (`max_batch_size`, `max_batch_timeout`), runs the
//! consumer Worker's `queue` handler in its own isolate, and applies what it decided: acked
//! messages leave, retried ones come back after their delay, and after `max_retries` they go
//! to the dead-letter queue or are dropped (semantics.md §6).

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use edgesim_runtime::storage::queue::{
    OutgoingMessage, QueueBroker, QueueLimits, QueueMetrics, QueueRefusal, QueuedMessage, Settle,
};
use edgesim_runtime::{InvocationId, InvocationReport, Isolate, IsolateEvent, Outcome};
use futures::channel::mpsc;
use futures::{FutureExt, StreamExt};

use crate::durable_objects::WorkerUnit;
use crate::host::SimHost;
use crate::platform::Platform;
use crate::trace::{BatchOutcome, TraceEvent};

/// batching-retries.mdx defaults and bounds.
const BATCH_SIZE_DEFAULT: u32 = 10;
const BATCH_SIZE_MAX: u32 = 100;
const BATCH_TIMEOUT_DEFAULT_S: f64 = 5.0;
const BATCH_TIMEOUT_MAX_S: f64 = 60.0;
const RETRIES_DEFAULT: u32 = 3;
const RETRIES_MAX: u32 = 100;
/// limits.mdx: concurrent consumer invocations per queue (push consumers); also the default
/// `max_concurrency`.
const CONCURRENCY_MAX: u32 = 250;

/// A queue's consumer: the Worker and its `queues.consumers` settings.
#[derive(Clone)]
pub struct Consumer {
    pub worker: WorkerUnit,
    pub max_batch_size: usize,
    pub max_batch_timeout_ms: u64,
    pub max_retries: u32,
    pub dead_letter_queue: Option<String>,
    pub retry_delay_s: u64,
    /// How many batches may run at once (`max_concurrency`).
    pub max_concurrency: usize,
}

#[derive(Default)]
pub struct QueueService {
    brokers: RefCell<BTreeMap<String, QueueBroker>>,
    consumers: RefCell<BTreeMap<String, Consumer>>,
    /// Wakes a queue's consumer task when messages arrive.
    wakers: RefCell<BTreeMap<String, mpsc::UnboundedSender<()>>>,
    sent: Cell<u64>,
    /// Throughput and backlog limits of every queue.
    pub limits: Cell<QueueLimits>,
}

impl QueueService {
    /// Records the consumers `worker` declares (`queues.consumers`).
    pub fn register(&self, worker: &WorkerUnit) {
        let Some(queues) = &worker.definition.config.queues else {
            return;
        };
        let mut consumers = self.consumers.borrow_mut();
        for c in &queues.consumers {
            consumers.insert(
                c.queue.clone(),
                Consumer {
                    worker: worker.clone(),
                    max_batch_size: c
                        .max_batch_size
                        .unwrap_or(BATCH_SIZE_DEFAULT)
                        .clamp(1, BATCH_SIZE_MAX) as usize,
                    max_batch_timeout_ms: (c.max_batch_timeout)
                        .unwrap_or(BATCH_TIMEOUT_DEFAULT_S)
                        .clamp(0.0, BATCH_TIMEOUT_MAX_S)
                        .mul_add(1000.0, 0.0)
                        .round() as u64,
                    max_retries: c.max_retries.unwrap_or(RETRIES_DEFAULT).min(RETRIES_MAX),
                    dead_letter_queue: c.dead_letter_queue.clone(),
                    retry_delay_s: u64::from(c.retry_delay.unwrap_or(0)),
                    max_concurrency: c
                        .max_concurrency
                        .unwrap_or(CONCURRENCY_MAX)
                        .clamp(1, CONCURRENCY_MAX) as usize,
                },
            );
        }
    }

    /// The queue's backlog now.
    pub fn metrics(&self, queue: &str) -> QueueMetrics {
        self.brokers
            .borrow()
            .get(queue)
            .map(QueueBroker::metrics)
            .unwrap_or_default()
    }

    /// Sends from an isolate at `from_colo`: one round trip to the queue, then the consumer is
    /// woken. Message ids are drawn from the run's seed. A send past the queue's throughput or
    /// backlog limit is refused whole.
    pub async fn send(
        platform: Rc<Platform>,
        from_colo: String,
        queue: String,
        messages: Vec<OutgoingMessage>,
    ) -> Result<QueueMetrics, QueueRefusal> {
        platform.local_hop(&from_colo).await;
        let service = &platform.queues;
        let bytes = messages.iter().map(|m| m.bytes as u64).sum();
        let admitted = service
            .brokers
            .borrow_mut()
            .entry(queue.clone())
            .or_default()
            .admit(
                messages.len(),
                bytes,
                platform.now_ms(),
                &service.limits.get(),
            );
        if let Err(refusal) = admitted {
            platform.local_hop(&from_colo).await;
            return Err(refusal);
        }
        let ids: Vec<String> = messages
            .iter()
            .map(|_| {
                let n = service.sent.get() + 1;
                service.sent.set(n);
                let a = crate::seed::derive(platform.run_seed, &format!("queue-message/{n}/a"));
                let b = crate::seed::derive(platform.run_seed, &format!("queue-message/{n}/b"));
                format!("{a:016x}{b:016x}")
            })
            .collect();
        platform.record(TraceEvent::QueueSend {
            at_ms: platform.elapsed_ms(),
            queue: queue.clone(),
            messages: ids.clone(),
        });
        service
            .brokers
            .borrow_mut()
            .entry(queue.clone())
            .or_default()
            .send(ids, messages, platform.now_ms());
        Self::wake(&platform, &queue);
        let metrics = service.metrics(&queue);
        platform.local_hop(&from_colo).await;
        Ok(metrics)
    }

    /// Starts the queue's consumer task if it has a consumer, or nudges it.
    fn wake(platform: &Rc<Platform>, queue: &str) {
        let service = &platform.queues;
        let Some(consumer) = service.consumers.borrow().get(queue).cloned() else {
            return;
        };
        let mut wakers = service.wakers.borrow_mut();
        let waker = wakers.entry(queue.to_string()).or_insert_with(|| {
            let (tx, rx) = mpsc::unbounded();
            let task = ConsumerTask {
                platform: platform.clone(),
                queue: queue.to_string(),
                consumer,
                generation: 0,
                concurrency: 1,
            };
            platform.tasks.spawn(task.run(rx));
            tx
        });
        let _ = waker.unbounded_send(());
    }
}

struct ConsumerTask {
    platform: Rc<Platform>,
    queue: String,
    consumer: Consumer,
    generation: u64,
    /// How many batches may run at once now (consumer-concurrency.mdx): one more after a
    /// batch that succeeded while a full batch still waits, one fewer after a failed one,
    /// within `max_concurrency`.
    concurrency: usize,
}

/// What woke the consumer task.
enum Woke {
    Isolate(Option<IsolateEvent>),
    /// A batch that ran in the test's isolate.
    Done(Option<(Vec<QueuedMessage>, InvocationReport)>),
    Sent,
    Closed,
    Timer,
}

impl ConsumerTask {
    /// Consumer invocations run at the run's first colo.
    fn colo(&self) -> String {
        self.platform
            .colos
            .first()
            .map_or_else(|| "LHR".to_string(), |c| c.name.clone())
    }

    async fn run(mut self, mut wake: mpsc::UnboundedReceiver<()>) {
        let mut isolate: Option<Isolate> = None;
        // The batches running on the isolate, by invocation.
        let mut running: BTreeMap<InvocationId, Vec<QueuedMessage>> = BTreeMap::new();
        // In `edgesim test`, batches run in the test's isolate and come back here, done.
        let (done_tx, mut done) = mpsc::unbounded::<(Vec<QueuedMessage>, InvocationReport)>();
        let mut elsewhere = 0usize;
        loop {
            let now_ms = self.platform.now_ms();
            let (ready, since, next) = {
                let brokers = self.platform.queues.brokers.borrow();
                match brokers.get(&self.queue) {
                    Some(b) => {
                        let (ready, since) = b.ready_summary(now_ms);
                        (ready, since, b.next_available_ms())
                    }
                    None => (0, None, None),
                }
            };
            let deadline = since.map(|s| s + self.consumer.max_batch_timeout_ms);
            let room = running.len() + elsewhere < self.concurrency;
            if room
                && ready > 0
                && (ready >= self.consumer.max_batch_size || deadline.is_some_and(|d| d <= now_ms))
            {
                if self.send_batch_home(&done_tx) {
                    elsewhere += 1;
                } else {
                    self.start_batch(&mut isolate, &mut running);
                }
                continue;
            }
            let wait_until = match (room, ready > 0, deadline, next) {
                (false, ..) => None,
                (true, true, Some(d), _) => Some(d),
                (true, false, _, Some(n)) => Some(n.max(now_ms)),
                _ => None,
            };
            let sleep = crate::wait::sleep_for(wait_until.map(|at| at - now_ms));
            let mut sleep = Box::pin(sleep.fuse());
            let events = crate::wait::next_event(isolate.as_mut(), !running.is_empty());
            let mut events = Box::pin(events.fuse());
            let woke = futures::select_biased! {
                e = events => Woke::Isolate(e),
                d = done.next() => Woke::Done(d),
                w = wake.next() => if w.is_some() { Woke::Sent } else { Woke::Closed },
                () = sleep => Woke::Timer,
            };
            drop(events);
            match woke {
                Woke::Closed => return,
                Woke::Sent | Woke::Timer | Woke::Done(None) => {}
                Woke::Done(Some((batch, report))) => {
                    elsewhere -= 1;
                    self.finish(&batch, &report);
                }
                Woke::Isolate(Some(IsolateEvent::Finished(report))) => {
                    let Some(batch) = running.remove(&report.id) else {
                        continue;
                    };
                    self.finish(&batch, &report);
                    if report.outcome == Outcome::ExceededMemory {
                        // The isolate is gone, and every batch still running on it failed.
                        isolate = None;
                        for (_, batch) in std::mem::take(&mut running) {
                            self.settle(&batch, BTreeMap::new(), BatchOutcome::ExceededMemory);
                        }
                    }
                }
                Woke::Isolate(Some(_)) => {}
                Woke::Isolate(None) => {
                    isolate = None;
                    for (_, batch) in std::mem::take(&mut running) {
                        self.settle(&batch, BTreeMap::new(), BatchOutcome::Exception);
                    }
                }
            }
        }
    }

    /// Takes the next batch and starts the consumer's `queue` handler on it, starting the
    /// isolate if needed; a batch whose isolate cannot start is settled as failed.
    fn start_batch(
        &mut self,
        isolate: &mut Option<Isolate>,
        running: &mut BTreeMap<InvocationId, Vec<QueuedMessage>>,
    ) {
        let batch = self.take_batch();
        if batch.is_empty() {
            return;
        }
        if isolate.is_none() {
            *isolate = self.start_isolate();
        }
        let Some(iso) = isolate.as_mut() else {
            return self.settle(&batch, BTreeMap::new(), BatchOutcome::StartupFailed);
        };
        let messages = serde_json::to_string(&batch).unwrap_or_else(|_| "[]".into());
        running.insert(iso.start_queue(&self.queue, messages), batch);
    }

    /// In `edgesim test`, takes the next batch to the test's isolate (where the pool runs the
    /// Worker's own consumers) and has its report sent to `done`; false when this run has no
    /// test isolate for the consumer's Worker.
    fn send_batch_home(
        &mut self,
        done: &mpsc::UnboundedSender<(Vec<QueuedMessage>, InvocationReport)>,
    ) -> bool {
        let worker = &self.consumer.worker.definition.name;
        let Some(home) = self.platform.objects.test_home_of(worker) else {
            return false;
        };
        let batch = self.take_batch();
        if batch.is_empty() {
            return true;
        }
        let (reply, report) = futures::channel::oneshot::channel();
        let messages = serde_json::to_string(&batch).unwrap_or_else(|_| "[]".into());
        let call = crate::durable_objects::HomeCall::Batch {
            queue: self.queue.clone(),
            messages,
            reply,
        };
        if home.unbounded_send(call).is_err() {
            self.settle(&batch, BTreeMap::new(), BatchOutcome::Exception);
            return true;
        }
        let done = done.clone();
        self.platform.tasks.spawn(async move {
            if let Ok(report) = report.await {
                let _ = done.unbounded_send((batch, report));
            }
        });
        true
    }

    /// The next batch of messages ready for the consumer (empty when none is).
    fn take_batch(&self) -> Vec<QueuedMessage> {
        let now_ms = self.platform.now_ms();
        let mut brokers = self.platform.queues.brokers.borrow_mut();
        (brokers.get_mut(&self.queue))
            .map(|b| b.take_batch(self.consumer.max_batch_size, now_ms))
            .unwrap_or_default()
    }

    fn start_isolate(&mut self) -> Option<Isolate> {
        self.generation += 1;
        let colo = self.colo();
        let seed = crate::seed::derive(
            self.platform.run_seed,
            &format!("queue-consumer/{}/{}", self.queue, self.generation),
        );
        let host = SimHost::new(seed, &colo, self.platform.clone())
            .with_worker(self.consumer.worker.clone());
        let worker = &self.consumer.worker;
        let config = worker.definition.isolate_config(worker.limits.clone());
        let mut started = Isolate::start(Rc::new(host), &config).ok()?;
        started.set_colo(&colo);
        Some(started)
    }

    /// Applies what the handler decided for `batch`, then scales the concurrency.
    fn finish(&mut self, batch: &[QueuedMessage], report: &InvocationReport) {
        let decisions = report
            .returned
            .as_deref()
            .map(parse_decisions)
            .unwrap_or_default();
        self.settle(batch, decisions, report.outcome.into());
        let waiting = self
            .platform
            .queues
            .brokers
            .borrow()
            .get(&self.queue)
            .map_or(0, |b| b.ready_summary(self.platform.now_ms()).0);
        self.concurrency = if report.outcome != Outcome::Ok {
            self.concurrency.saturating_sub(1).max(1)
        } else if waiting >= self.consumer.max_batch_size {
            (self.concurrency + 1).min(self.consumer.max_concurrency)
        } else {
            self.concurrency
        };
    }

    fn settle(
        &self,
        batch: &[QueuedMessage],
        decisions: BTreeMap<String, Settle>,
        outcome: BatchOutcome,
    ) {
        let platform = &self.platform;
        let now_ms = platform.now_ms();
        let acked: Vec<String> = batch
            .iter()
            .filter(|m| decisions.get(&m.id) == Some(&Settle::Ack))
            .map(|m| m.id.clone())
            .collect();
        let exhausted = match platform.queues.brokers.borrow_mut().get_mut(&self.queue) {
            Some(b) => b.settle(
                &decisions,
                batch,
                self.consumer.max_retries,
                self.consumer.retry_delay_s,
                now_ms,
            ),
            None => Vec::new(),
        };
        platform.record(TraceEvent::QueueBatch {
            at_ms: platform.elapsed_ms(),
            queue: self.queue.clone(),
            messages: batch.iter().map(|m| (m.id.clone(), m.attempts)).collect(),
            acked,
            outcome,
            dead_lettered: exhausted.iter().map(|m| m.id.clone()).collect(),
        });
        let Some(dlq) = self.consumer.dead_letter_queue.clone() else {
            return;
        };
        if exhausted.is_empty() {
            return;
        }
        {
            let mut brokers = platform.queues.brokers.borrow_mut();
            let broker = brokers.entry(dlq.clone()).or_default();
            for m in exhausted {
                broker.receive(m, now_ms);
            }
        }
        QueueService::wake(platform, &dlq);
    }
}

/// `{ id: ["ack"] | ["retry", delaySeconds | null] }` from the consumer's batch.
fn parse_decisions(json: &str) -> BTreeMap<String, Settle> {
    let parsed: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(json).unwrap_or_default();
    parsed
        .into_iter()
        .filter_map(|(id, d)| {
            let kind = d.get(0)?.as_str()?;
            let settle = match kind {
                "ack" => Settle::Ack,
                _ => Settle::Retry {
                    delay_s: d.get(1).and_then(serde_json::Value::as_u64).unwrap_or(0),
                },
            };
            Some((id, settle))
        })
        .collect()
}
