//! Latency between places: great-circle distance at the speed of light in fibre, inflated for
//! real routes, plus a fixed cost per hop. Deterministic: no jitter yet (the fault model adds
//! it with the partitions).

use std::collections::BTreeMap;

use super::colos::{Colo, distance_km};

/// Light in fibre covers about 200 km per millisecond.
pub const FIBRE_KM_PER_MS: f64 = 200.0;
/// Real routes are longer than great circles (a typical factor between 1.3 and 2).
pub const ROUTE_INFLATION: f64 = 1.5;
/// Switching, queueing and serialisation per message.
pub const HOP_MS: u64 = 1;

#[derive(Debug, Clone, Default)]
pub struct Network {
    places: BTreeMap<String, (f64, f64)>,
}

impl Network {
    pub fn add(&mut self, name: &str, lat: f64, lon: f64) {
        self.places.insert(name.to_string(), (lat, lon));
    }

    pub fn add_colo(&mut self, colo: &Colo) {
        self.add(&colo.name, colo.lat, colo.lon);
    }

    /// One-way latency from `a` to `b` in whole milliseconds (unknown places are one hop apart).
    pub fn one_way_ms(&self, a: &str, b: &str) -> u64 {
        if a == b {
            return HOP_MS;
        }
        match (self.places.get(a), self.places.get(b)) {
            (Some(&pa), Some(&pb)) => {
                HOP_MS + (distance_km(pa, pb) * ROUTE_INFLATION / FIBRE_KM_PER_MS).round() as u64
            }
            _ => HOP_MS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::colos::built_in;

    #[test]
    fn latency_grows_with_distance() {
        let mut net = Network::default();
        for c in ["LHR", "FRA", "SIN"] {
            net.add_colo(&built_in(c).unwrap());
        }
        assert_eq!(net.one_way_ms("LHR", "LHR"), 1);
        assert_eq!(net.one_way_ms("LHR", "FRA"), 1 + 5);
        assert_eq!(net.one_way_ms("LHR", "SIN"), 1 + 82);
        assert_eq!(net.one_way_ms("SIN", "LHR"), net.one_way_ms("LHR", "SIN"));
    }
}
