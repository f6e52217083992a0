// node:_tls_common (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("_tls_common");
export const { SecureContext, createSecureContext, translatePeerCertificate } = m;
export default m.default;
