// node:_http_client (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("_http_client");
export const {
  ClientRequest,
} = m;
export default m.default;
