// node_http, part six: the modules — node:http, node:https and the `_http_*` internals — as
// workerd's src/node names their exports.

const maxHeaderSize = 16384;
function setMaxIdleHTTPParsers(max) {
  validate.integer(max, "max", 1);
  throw codes.ERR_METHOD_NOT_IMPLEMENTED("setMaxIdleHTTPParsers");
}
function _connectionListener() {
  throw codes.ERR_METHOD_NOT_IMPLEMENTED("_connectionListener");
}
function setupConnectionsTracking() {
  throw codes.ERR_METHOD_NOT_IMPLEMENTED("setupConnectionsTracking");
}
const kConnectionsCheckingInterval = Symbol("http.server.connectionsCheckingInterval");
function httpServerPreClose(server) {
  server.closeIdleConnections();
  clearInterval(server[kConnectionsCheckingInterval]);
}

const withDefault = (exports) => ({ ...exports, default: exports });
const http = {
  validateHeaderName, validateHeaderValue, METHODS, STATUS_CODES, ClientRequest, request, get,
  OutgoingMessage, Agent, globalAgent, IncomingMessage, Server, ServerResponse, createServer,
  maxHeaderSize, setMaxIdleHTTPParsers, _connectionListener,
  get WebSocket() { return core.G.WebSocket; },
  get CloseEvent() { return core.G.CloseEvent; },
  get MessageEvent() { return core.G.MessageEvent; },
};
const https = {
  Agent: HttpsAgent, globalAgent: httpsGlobalAgent, Server, createServer, request: httpsRequest, get: httpsGet,
};

return {
  ...http,
  default: http,
  https: withDefault(https),
  agent: withDefault({ Agent, globalAgent }),
  client: withDefault({ ClientRequest }),
  common: withDefault({
    _checkIsHttpToken, _checkInvalidHeaderChar, chunkExpression, CRLF: "\r\n",
    continueExpression: /(?:^|\W)100-continue(?:$|\W)/i, methods: METHODS,
    parsers: { name: "parsers", max: 1000 }, kIncomingMessage,
  }),
  incoming: withDefault({ IncomingMessage }),
  outgoing: withDefault({
    validateHeaderName, validateHeaderValue, kUniqueHeaders, kHighWaterMark, parseUniqueHeadersOption,
    OutgoingMessage,
  }),
  server: withDefault({
    STATUS_CODES, Server, ServerResponse, setupConnectionsTracking, storeHTTPOptions,
    _connectionListener, kServerResponse, httpServerPreClose, kConnectionsCheckingInterval,
  }),
  cloudflareNode: { httpServerHandler, handleAsNodeRequest },
};
