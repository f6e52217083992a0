//! WebAssembly: the `WebAssembly` namespace (wasm.js) on wasmi, an interpreter — execution is
//! deterministic and metered (fuel, charged as CPU time), and a module's memory counts against
//! the isolate's memory limit.
//!
//! As in workerd, code cannot be compiled from bytes while a Worker runs: modules come from the
//! bundle's `.wasm` files (the `CompiledWasm` rule), compiled once per process
//! (store.rs `register`).

mod buffers;
mod call;
mod costs;
mod handle;
mod ops;
mod store;
mod values;

pub use store::register;

use crate::engine::catalog::OpGroup;

/// The ops behind `WebAssembly.*`.
pub const OPS: OpGroup = OpGroup {
    name: "wasm",
    install: ops::install,
};
