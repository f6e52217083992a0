//! Streams: `ReadableStream`, `WritableStream`, `TransformStream` and their readers, writers
//! and controllers (readable.js, writable.js), and the platform's stream classes
//! (stream_classes.js), whose compression codecs are native (compression.rs).

mod compression;
mod ops;

use crate::engine::catalog::OpGroup;

/// The codecs behind `CompressionStream` and `DecompressionStream`.
pub const COMPRESSION_OPS: OpGroup = OpGroup {
    name: "compression",
    install: ops::install,
};
