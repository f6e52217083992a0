// node:_stream_passthrough (api/node/mod.rs): Node's old name for stream.PassThrough.
const m = globalThis[Symbol.for("edgesim.node")]("_stream_passthrough");
export default m.default;
