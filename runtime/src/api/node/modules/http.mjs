// node:http (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("http");
export const {
  validateHeaderName, validateHeaderValue, METHODS, STATUS_CODES, ClientRequest, request, get,
  OutgoingMessage, Agent, globalAgent, IncomingMessage, Server, ServerResponse, createServer,
  maxHeaderSize, setMaxIdleHTTPParsers, _connectionListener, WebSocket, CloseEvent, MessageEvent,
} = m;
export default m.default;
