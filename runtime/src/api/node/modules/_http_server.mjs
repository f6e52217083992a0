// node:_http_server (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("_http_server");
export const {
  STATUS_CODES, Server, ServerResponse, setupConnectionsTracking, storeHTTPOptions,
  _connectionListener, kServerResponse, httpServerPreClose, kConnectionsCheckingInterval,
} = m;
export default m.default;
