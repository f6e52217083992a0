// node:_stream_duplex (api/node/mod.rs): Node's old name for stream.Duplex.
const m = globalThis[Symbol.for("edgesim.node")]("_stream_duplex");
export default m.default;
