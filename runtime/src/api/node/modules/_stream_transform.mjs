// node:_stream_transform (api/node/mod.rs): Node's old name for stream.Transform.
const m = globalThis[Symbol.for("edgesim.node")]("_stream_transform");
export default m.default;
