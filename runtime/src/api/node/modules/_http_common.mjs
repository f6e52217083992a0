// node:_http_common (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("_http_common");
export const {
  _checkIsHttpToken, _checkInvalidHeaderChar, chunkExpression, CRLF, continueExpression, methods,
  parsers, kIncomingMessage,
} = m;
export default m.default;
