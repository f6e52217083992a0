// node:tls (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("tls");
export const {
  CLIENT_RENEG_LIMIT, CLIENT_RENEG_WINDOW, DEFAULT_CIPHERS, DEFAULT_ECDH_CURVE, DEFAULT_MAX_VERSION,
  DEFAULT_MIN_VERSION, SecureContext, Server, TLSSocket, checkServerIdentity, connect, convertALPNProtocols,
  createSecureContext, createSecurePair, createServer, getCiphers, rootCertificates,
} = m;
export default m.default;
