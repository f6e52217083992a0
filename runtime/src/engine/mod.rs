//! The JavaScript engine: isolates, their module graph and event loop, CPU and memory
//! accounting, and the Durable Object gates. It runs whatever catalog of APIs it is handed
//! (engine::catalog) and names none of them.

pub mod allocator;
pub mod async_context;
pub mod bytecode_counts;
pub mod callers;
pub mod catalog;
pub mod code_generation;
pub mod cpu;
pub mod durable_object;
pub mod event_loop;
pub mod import_elision;
pub mod io_state;
pub mod isolate;
pub mod jsx;
pub mod lazy_globals;
pub mod locale_methods;
pub mod modules;
pub mod ops;
pub mod positions;
pub mod prelude;
pub mod self_events;
pub mod sockets;
pub mod swc_guard;
pub mod typescript;
