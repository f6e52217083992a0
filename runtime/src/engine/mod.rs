//! The JavaScript engine: isolates, modules, the event loop and CPU accounting.

pub mod allocator;
pub mod codec;
pub mod codec_ops;
pub mod cpu;
pub mod crypto;
pub mod d1_ops;
pub mod digest;
pub mod event_loop;
pub mod html_rewriter_ops;
pub mod isolate;
pub mod kv_op;
pub mod lazy_globals;
pub mod lifecycle;
pub mod modules;
pub mod object;
pub mod object_ops;
pub mod object_storage;
pub mod ops;
pub mod prelude;
pub mod service_ops;
pub mod socket_ops;
pub mod subtle_ops;
pub mod typescript;
pub mod url_pattern_ops;
