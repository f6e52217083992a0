//! The world a run happens in: its colos, the network between them and the clients.

pub mod clients;
pub mod colos;
pub mod faults;
pub mod link_noise;
pub mod network;

pub use colos::Colo;
pub use network::Network;
