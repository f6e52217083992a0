// node:http as a vitest config's global setup sees it: the runtime's, whose servers register
// a port in the isolate (as workerd's portMapper does), and which a Worker's `fetch()` to
// that port reaches in each test file's run (config_worker.rs answers it with
// `cloudflare:node`'s httpServerHandler).

import { trackHttpServer } from "edgesim:test/config-net";

const http = globalThis[Symbol.for("edgesim.node")]("http");

class Server extends http.Server {
  constructor(options, requestListener) {
    super(options, requestListener);
    trackHttpServer(this);
  }
}

function createServer(options, requestListener) {
  return new Server(options, requestListener);
}

const module = { ...http.default, Server, createServer };
export default module;
export const {
  validateHeaderName, validateHeaderValue, METHODS, STATUS_CODES, ClientRequest, request, get,
  OutgoingMessage, Agent, globalAgent, IncomingMessage, ServerResponse,
  maxHeaderSize, setMaxIdleHTTPParsers, _connectionListener, WebSocket, CloseEvent, MessageEvent,
} = http;
export { Server, createServer };
