// node:_stream_wrap (api/node/mod.rs): JSStreamSocket, its default export only.
const m = globalThis[Symbol.for("edgesim.node")]("_stream_wrap");
export default m.default;
