// node:_http_incoming (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("_http_incoming");
export const {
  IncomingMessage,
} = m;
export default m.default;
