// node:_stream_readable (api/node/mod.rs): Node's old name for stream.Readable.
const m = globalThis[Symbol.for("edgesim.node")]("_stream_readable");
export default m.default;
