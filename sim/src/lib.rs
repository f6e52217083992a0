//! edgesim-sim: the Workers platform around the runtime — colos, network, storage models,
//! scenarios — under madsim's simulated clock, so a run is a pure function of its seed.

#[cfg(not(madsim))]
compile_error!(
    "edgesim-sim must be built with `--cfg madsim`: build from the workspace root (its \
     .cargo/config.toml sets it), and do not export RUSTFLAGS (it replaces that setting); \
     or set RUSTFLAGS=\"--cfg madsim\"."
);

pub mod assets;
pub mod cache;
pub mod callbacks;
pub mod check;
pub mod d1;
pub mod durable_objects;
pub mod host;
pub mod kv;
pub mod one_colo;
pub mod origins;
pub mod persist;
pub mod platform;
pub mod pool;
pub mod queues;
pub mod r2;
pub mod report;
pub mod scenario;
pub mod seed;
pub mod services;
pub mod socket_client;
pub mod storage_snapshot;
pub mod task_group;
pub mod tasks;
pub mod test;
pub mod trace;
pub mod trigger_routes;
pub mod wait;
pub mod warm_isolates;
pub mod workflows;
pub mod world;
