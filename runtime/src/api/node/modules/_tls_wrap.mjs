// node:_tls_wrap (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("_tls_wrap");
export const { TLSSocket, connect } = m;
export default m.default;
