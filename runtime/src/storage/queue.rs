//! One queue's broker (semantics.md §6): messages wait until their delay has passed, are handed
//! to the consumer in batches, and are removed when acknowledged; a retried message comes back
//! after its delay with `attempts` one higher, and after `max_retries` goes to the dead-letter
//! queue or is dropped. Delivery is at least once. Time is passed in (simulated ms).

use std::collections::BTreeMap;

/// limits.mdx: 128 KB per message (1 KB = 1000 bytes) with about 100 bytes of metadata.
pub const MESSAGE_BYTES_MAX: usize = 128_000 - 100;
pub const BATCH_MESSAGES_MAX: usize = 100;
pub const BATCH_BYTES_MAX: usize = 256_000;
pub const DELAY_S_MAX: u64 = 43_200;

/// What one queue accepts (limits.mdx); a simulation may lower them to reach them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueLimits {
    /// Messages sent per second, over any one-second window.
    pub messages_per_s_max: u64,
    /// Bytes of messages waiting or in flight.
    pub backlog_bytes_max: u64,
}

impl Default for QueueLimits {
    fn default() -> Self {
        QueueLimits {
            messages_per_s_max: 5_000,
            backlog_bytes_max: 25_000_000_000,
        }
    }
}

/// Why the queue service refused a send: the status text workerd puts after
/// `Queue send failed: ` (api/queue.c++).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QueueRefusal {
    #[error("Too Many Requests")]
    TooManyRequests,
    #[error("Storage Limit Exceeded")]
    StorageLimitExceeded,
}

/// A message as produced: its body encoded by the binding, and its size for the limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMessage {
    pub body: String,
    pub content_type: String,
    pub bytes: usize,
    pub delay_s: u64,
}

/// A message as the consumer receives it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct QueuedMessage {
    pub id: String,
    pub timestamp_ms: u64,
    pub body: String,
    pub content_type: String,
    pub attempts: u32,
    #[serde(skip)]
    pub bytes: usize,
    #[serde(skip)]
    pub available_ms: u64,
}

/// `send()`'s answer: the queue's backlog after the send.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueMetrics {
    pub backlog_count: u64,
    pub backlog_bytes: u64,
    pub oldest_message_ms: Option<u64>,
}

/// What the consumer decided for one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settle {
    Ack,
    Retry { delay_s: u64 },
}

/// Messages that used up their retries: for the dead-letter queue, if there is one.
pub type Exhausted = Vec<QueuedMessage>;

#[derive(Debug, Clone, Default)]
pub struct QueueBroker {
    /// Waiting or in flight, by id.
    messages: BTreeMap<String, QueuedMessage>,
    in_flight: std::collections::BTreeSet<String>,
    /// Accepted sends of the last second: (when, how many messages).
    recent_sends: std::collections::VecDeque<(u64, u64)>,
}

impl QueueBroker {
    /// Whether the queue takes `count` more messages of `bytes` in all now; an accepted send
    /// counts toward the throughput limit for one second. A refused one changes nothing.
    pub fn admit(
        &mut self,
        count: usize,
        bytes: u64,
        now_ms: u64,
        limits: &QueueLimits,
    ) -> Result<(), QueueRefusal> {
        while self
            .recent_sends
            .front()
            .is_some_and(|(at_ms, _)| at_ms + 1000 <= now_ms)
        {
            self.recent_sends.pop_front();
        }
        let recent: u64 = self.recent_sends.iter().map(|(_, n)| n).sum();
        if recent + count as u64 > limits.messages_per_s_max {
            return Err(QueueRefusal::TooManyRequests);
        }
        if self.metrics().backlog_bytes + bytes > limits.backlog_bytes_max {
            return Err(QueueRefusal::StorageLimitExceeded);
        }
        self.recent_sends.push_back((now_ms, count as u64));
        Ok(())
    }

    pub fn send(&mut self, ids: Vec<String>, messages: Vec<OutgoingMessage>, now_ms: u64) {
        for (id, m) in ids.into_iter().zip(messages) {
            let queued = QueuedMessage {
                id: id.clone(),
                timestamp_ms: now_ms,
                body: m.body,
                content_type: m.content_type,
                attempts: 1,
                bytes: m.bytes,
                available_ms: now_ms + m.delay_s.min(DELAY_S_MAX) * 1000,
            };
            self.messages.insert(id, queued);
        }
    }

    /// Re-queues a message that used up its retries elsewhere (a dead-letter queue receiving).
    pub fn receive(&mut self, mut message: QueuedMessage, now_ms: u64) {
        message.attempts = 1;
        message.available_ms = now_ms;
        self.messages.insert(message.id.clone(), message);
    }

    pub fn metrics(&self) -> QueueMetrics {
        QueueMetrics {
            backlog_count: self.messages.len() as u64,
            backlog_bytes: self.messages.values().map(|m| m.bytes as u64).sum(),
            oldest_message_ms: self.messages.values().map(|m| m.timestamp_ms).min(),
        }
    }

    fn ready(&self, now_ms: u64) -> impl Iterator<Item = &QueuedMessage> {
        self.messages
            .values()
            .filter(move |m| m.available_ms <= now_ms && !self.in_flight.contains(&m.id))
    }

    /// When the next message becomes available, if none is now.
    pub fn next_available_ms(&self) -> Option<u64> {
        self.messages
            .values()
            .filter(|m| !self.in_flight.contains(&m.id))
            .map(|m| m.available_ms)
            .min()
    }

    /// How many messages are ready now, and since when the oldest of them has been.
    pub fn ready_summary(&self, now_ms: u64) -> (usize, Option<u64>) {
        let count = self.ready(now_ms).count();
        let since = self.ready(now_ms).map(|m| m.available_ms).min();
        (count, since)
    }

    /// Takes up to `max` ready messages (oldest first) for one consumer invocation.
    pub fn take_batch(&mut self, max: usize, now_ms: u64) -> Vec<QueuedMessage> {
        let mut ready: Vec<QueuedMessage> = self.ready(now_ms).cloned().collect();
        ready.sort_by(|a, b| (a.available_ms, &a.id).cmp(&(b.available_ms, &b.id)));
        ready.truncate(max);
        for m in &ready {
            self.in_flight.insert(m.id.clone());
        }
        ready
    }

    /// Applies the consumer's decisions for a batch; messages with no decision are retried
    /// (`default_delay_s`). Returns those that used up `max_retries`.
    pub fn settle(
        &mut self,
        decisions: &BTreeMap<String, Settle>,
        batch: &[QueuedMessage],
        max_retries: u32,
        default_delay_s: u64,
        now_ms: u64,
    ) -> Exhausted {
        let mut exhausted = Vec::new();
        for sent in batch {
            self.in_flight.remove(&sent.id);
            let decision = decisions.get(&sent.id).copied().unwrap_or(Settle::Retry {
                delay_s: default_delay_s,
            });
            match decision {
                Settle::Ack => {
                    self.messages.remove(&sent.id);
                }
                Settle::Retry { delay_s } => {
                    let Some(m) = self.messages.get_mut(&sent.id) else {
                        continue;
                    };
                    if m.attempts > max_retries {
                        exhausted.extend(self.messages.remove(&sent.id));
                        continue;
                    }
                    m.attempts += 1;
                    m.available_ms = now_ms + delay_s.min(DELAY_S_MAX) * 1000;
                }
            }
        }
        exhausted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(delay_s: u64) -> OutgoingMessage {
        OutgoingMessage {
            body: "1".into(),
            content_type: "json".into(),
            bytes: 1,
            delay_s,
        }
    }

    #[test]
    fn a_message_is_retried_max_retries_times_then_exhausted() {
        let mut q = QueueBroker::default();
        q.send(vec!["a".into()], vec![message(0)], 0);
        let mut deliveries = 0;
        let mut now = 0;
        loop {
            let batch = q.take_batch(10, now);
            if batch.is_empty() {
                break;
            }
            deliveries += 1;
            let gone = q.settle(&BTreeMap::new(), &batch, 3, 0, now);
            if !gone.is_empty() {
                assert_eq!(gone[0].attempts, 4);
                break;
            }
            now += 1;
        }
        assert_eq!(deliveries, 4, "one delivery plus three retries");
        assert_eq!(q.metrics().backlog_count, 0);
    }

    #[test]
    fn sends_past_the_throughput_or_backlog_limit_are_refused() {
        let limits = QueueLimits {
            messages_per_s_max: 3,
            backlog_bytes_max: 5,
        };
        let mut q = QueueBroker::default();
        assert_eq!(q.admit(2, 2, 0, &limits), Ok(()));
        q.send(
            vec!["a".into(), "b".into()],
            vec![message(0), message(0)],
            0,
        );
        assert_eq!(
            q.admit(2, 2, 999, &limits),
            Err(QueueRefusal::TooManyRequests)
        );
        assert_eq!(q.admit(1, 1, 999, &limits), Ok(()));
        assert_eq!(
            q.admit(1, 4, 1_000, &limits),
            Err(QueueRefusal::StorageLimitExceeded)
        );
        assert_eq!(q.admit(2, 3, 1_999, &limits), Ok(()));
    }

    #[test]
    fn a_delayed_message_waits_for_its_delay() {
        let mut q = QueueBroker::default();
        q.send(vec!["a".into()], vec![message(2)], 0);
        assert!(q.take_batch(10, 1_999).is_empty());
        assert_eq!(q.take_batch(10, 2_000).len(), 1);
    }
}
