//! The world a run happens in: its colos and the network between them.

pub mod colos;
pub mod faults;
pub mod link_noise;
pub mod network;

pub use colos::Colo;
pub use network::Network;
