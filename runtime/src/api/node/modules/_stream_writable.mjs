// node:_stream_writable (api/node/mod.rs): Node's old name for stream.Writable.
const m = globalThis[Symbol.for("edgesim.node")]("_stream_writable");
export default m.default;
