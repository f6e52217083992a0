// node:_http_outgoing (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("_http_outgoing");
export const {
  validateHeaderName, validateHeaderValue, kUniqueHeaders, kHighWaterMark,
  parseUniqueHeadersOption, OutgoingMessage,
} = m;
export default m.default;
