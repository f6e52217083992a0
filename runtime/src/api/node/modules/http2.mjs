// node:http2 (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("http2");
export const {
  Http2ServerRequest, Http2ServerResponse, connect, constants, createSecureServer, createServer,
  getDefaultSettings, getPackedSettings, getUnpackedSettings, performServerHandshake, sensitiveHeaders,
} = m;
export default m.default;
