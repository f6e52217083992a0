//! A Durable Object's side of the event loop: its input and output gates and storage cache
//! (gates.rs), and the storage calls JavaScript makes through them (storage.rs).

pub mod gates;
pub mod storage;

pub use gates::{ObjectIo, ObjectSlot, ObjectSpec};
