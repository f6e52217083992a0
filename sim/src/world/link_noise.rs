//! Per-message randomness on the links between places (`platform.network` in a scenario):
//! jitter added to a message's latency, and the chance that it is lost. Each message draws from
//! the run's seed by its sequence number, so a run replays exactly; a run without noise draws
//! nothing, so its trace is what it was before noise existed.

use std::cell::Cell;

use crate::seed;

/// Loss probabilities are kept in parts per million.
const PPM: u64 = 1_000_000;

/// What happens to one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    Lost,
    /// Delivered this many ms later than the link's latency alone.
    Delayed(u64),
}

#[derive(Debug, Default)]
pub struct LinkNoise {
    run_seed: u64,
    jitter_ms_max: Cell<u64>,
    loss_ppm: Cell<u64>,
    sent: Cell<u64>,
}

impl LinkNoise {
    pub fn new(run_seed: u64) -> Self {
        LinkNoise {
            run_seed,
            ..Default::default()
        }
    }

    /// Up to `jitter_ms_max` extra per message (uniform), and each message lost with probability
    /// `loss` (clamped to [0, 1]).
    pub fn set(&self, jitter_ms_max: u64, loss: f64) {
        self.jitter_ms_max.set(jitter_ms_max);
        self.loss_ppm
            .set((loss.clamp(0.0, 1.0) * PPM as f64).round() as u64);
    }

    /// Draws the fate of the next message sent.
    pub fn fate(&self) -> Fate {
        let (jitter, loss) = (self.jitter_ms_max.get(), self.loss_ppm.get());
        if jitter == 0 && loss == 0 {
            return Fate::Delayed(0);
        }
        let n = self.sent.get();
        self.sent.set(n + 1);
        let draw = seed::derive(self.run_seed, &format!("link/{n}"));
        if draw % PPM < loss {
            return Fate::Lost;
        }
        Fate::Delayed((draw >> 32) % (jitter + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_noise_draws_nothing() {
        let noise = LinkNoise::new(1);
        assert_eq!(noise.fate(), Fate::Delayed(0));
        assert_eq!(noise.sent.get(), 0);
    }

    #[test]
    fn jitter_stays_within_its_bound_and_loss_matches_its_rate() {
        let noise = LinkNoise::new(7);
        noise.set(20, 0.25);
        let fates: Vec<Fate> = (0..4_000).map(|_| noise.fate()).collect();
        let lost = fates.iter().filter(|f| **f == Fate::Lost).count();
        assert!((900..1_100).contains(&lost), "{lost} of 4000 lost");
        let delays: Vec<u64> = fates
            .iter()
            .filter_map(|f| match f {
                Fate::Delayed(ms) => Some(*ms),
                Fate::Lost => None,
            })
            .collect();
        assert!(delays.iter().all(|ms| *ms <= 20));
        assert!(delays.contains(&0) && delays.contains(&20));
        let again = LinkNoise::new(7);
        again.set(20, 0.25);
        assert_eq!(fates, (0..4_000).map(|_| again.fate()).collect::<Vec<_>>());
    }
}
