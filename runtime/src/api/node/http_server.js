// node_http, part five: the server side — `http.createServer()` and `listen()` register the
// server under a port of this isolate, and `cloudflare:node`'s httpServerHandler turns the
// Worker's fetch events into `request` events on it: an IncomingMessage from the Request and a
// ServerResponse whose head and writes become the Response (its body streams as it is written).

/// Port -> the listening server's request handler (workerd's cloudflare-internal:http portMapper).
const portMapper = new Map();
const serverModulesOn = !core.hasFlag("no_node:_http_server");

/// Fields Node never repeats: a request's comma-joined value keeps only its first element.
const SINGLE_ELEMENT_FIELDS = [
  "host", "content-type", "user-agent", "referer", "authorization", "proxy-authorization",
  "if-modified-since", "if-unmodified-since", "from", "location", "max-forwards",
];

function splitHeaderValue(value) {
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char === '"') quoted = !quoted;
    else if (char === "\\" && quoted) i++;
    else if (!quoted && char === ",") return value.slice(0, i);
  }
  return value;
}

const kFetchResponse = Symbol("fetchResponse");

class ServerResponse extends OutgoingMessage {
  statusCode = 200;
  statusMessage = "unknown";

  constructor(req, options = {}) {
    if (!serverModulesOn) throw codes.ERR_METHOD_NOT_IMPLEMENTED("ServerResponse");
    super(req, options);
    if (req.httpVersionMajor < 1 || req.httpVersionMinor < 1) {
      this.useChunkedEncodingByDefault = chunkExpression.test(req.headers.te ?? "");
      this.shouldKeepAlive = false;
    }
    const { promise, resolve, reject } = Promise.withResolvers();
    let controller = null;
    const early = [];
    const sent = { bytes: 0, contentLength: null };
    this.on("_dataWritten", (events) => {
      for (const { index, entry } of events) {
        let chunk = typeof entry.data === "string"
          ? Buffer.from(index === 0 ? entry.data.slice(this.writtenHeaderBytes) : entry.data, entry.encoding ?? undefined)
          : entry.data ?? Buffer.alloc(0);
        if (sent.contentLength !== null && sent.bytes + chunk.length > sent.contentLength) {
          const room = sent.contentLength - sent.bytes;
          if (room <= 0) continue;
          chunk = chunk.slice(0, room);
        }
        sent.bytes += chunk.length;
        if (controller === null) early[index] = chunk;
        else if (chunk.length > 0) controller.enqueue(chunk);
      }
    });
    this.once("error", reject);
    this.once("_headersSent", ({ statusCode, statusMessage, headers }) => {
      const length = headers.get("content-length");
      if (length !== null) sent.contentLength = parseInt(length, 10);
      resolve(this.#toFetchResponse(statusCode, statusMessage, headers, (c) => {
        controller = c;
        for (const chunk of early) if (chunk !== undefined && chunk.length > 0) c.enqueue(chunk);
        early.length = 0;
      }));
      this._closed = true;
      this.emit("close");
    });
    this[kFetchResponse] = promise;
  }

  #toFetchResponse(status, statusText, headers, onStart) {
    let body = null;
    if (this._hasBody) {
      body = new ReadableStream({
        type: "bytes",
        start: (c) => {
          onStart(c);
          // An error after the last byte (a write after end()) leaves the body whole, as in workerd.
          let complete = false;
          this.once("finish", () => {
            complete = true;
            c.close();
          });
          this.on("error", (e) => {
            if (!complete) c.error(e);
          });
        },
        cancel: (reason) => { this.destroy(reason); },
      });
    }
    return new Response(body, { status, statusText, headers });
  }

  assignSocket() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("assignSocket"); }
  detachSocket() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("detachSocket"); }
  writeContinue() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("writeContinue"); }
  writeProcessing() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("writeProcessing"); }
  writeEarlyHints() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("writeEarlyHints"); }
  _implicitHeader() {
    this.writeHead(this.statusCode);
  }
  writeHead(statusCode, reason, obj) {
    if (this._header) throw httpErrors.headersSent("write");
    const original = statusCode;
    statusCode |= 0;
    if (statusCode < 200 || statusCode > 999) throw httpErrors.invalidStatusCode(original);
    if (typeof reason === "string") {
      this.statusMessage = reason;
    } else {
      this.statusMessage ||= STATUS_CODES[`${statusCode}`] || "unknown";
      obj ??= reason;
    }
    this.statusCode = statusCode;
    let headers;
    if (this[kOutHeaders]) {
      if (Array.isArray(obj)) {
        if (obj.length % 2 !== 0) throw codes.ERR_INVALID_ARG_VALUE("headers", obj);
        for (let n = 0; n < obj.length; n += 2) this.removeHeader(`${obj[n]}`);
        for (let n = 0; n < obj.length; n += 2) this.appendHeader(`${obj[n]}`, obj[n + 1]);
      } else if (obj) {
        for (const key of Object.keys(obj)) if (obj[key]) this.setHeader(key, obj[key]);
      }
      headers = this[kOutHeaders];
    } else {
      headers = obj;
    }
    if (_checkInvalidHeaderChar(this.statusMessage)) throw httpErrors.invalidChar("statusMessage");
    if (statusCode === 204 || statusCode === 304) this._hasBody = false;
    this._storeHeader(`HTTP/1.1 ${statusCode} ${this.statusMessage}\r\n`, headers ?? null);
    return this;
  }
  writeHeader(...args) {
    return this.writeHead(...args);
  }
}

class Server extends EventEmitter {
  [kIncomingMessage] = IncomingMessage;
  [kServerResponse] = ServerResponse;
  [kUniqueHeaders] = null;
  httpAllowHalfOpen = false;
  timeout = 0;
  maxHeadersCount = null;
  maxRequestsPerSocket = 0;
  connectionsCheckingInterval = 30_000;
  requestTimeout = 300_000;
  headersTimeout = 60_000;
  requireHostHeader = false;
  joinDuplicateHeaders = false;
  rejectNonStandardBodyWrites = false;
  keepAliveTimeout = 5_000;
  keepAliveTimeoutBuffer = 1_000;
  highWaterMark = 64 * 1024;
  #port = null;

  constructor(options, requestListener) {
    if (!serverModulesOn) throw codes.ERR_METHOD_NOT_IMPLEMENTED("Server");
    super();
    if (options != null) storeHTTPOptions.call(this, options);
    if (options?.highWaterMark !== undefined) {
      validate.number(options.highWaterMark, "options.highWaterMark");
      if (options.highWaterMark > 0) this.highWaterMark = options.highWaterMark;
    }
    if (typeof options === "function") {
      requestListener = options;
      options = {};
    } else if (options == null) {
      options = {};
    } else {
      validate.object(options, "options");
    }
    if (requestListener) this.on("request", requestListener);
    this[kUniqueHeaders] = parseUniqueHeadersOption(options.uniqueHeaders);
  }

  close(callback) {
    if (this.#port != null) {
      portMapper.delete(this.#port);
      this.#port = null;
    }
    if (typeof callback === "function") this.once("close", callback);
    queueMicrotask(() => this.emit("close"));
    return this;
  }
  closeAllConnections() {}
  closeIdleConnections() {}
  setTimeout(msecs, callback) {
    if (typeof msecs === "function") callback = msecs;
    else if (typeof msecs === "number") this.timeout = msecs;
    if (typeof callback === "function") this.once("timeout", callback);
    return this;
  }
  listen(...args) {
    const [options, callback] = _normalizeArgs(args);
    let port = 0;
    if (typeof options.port === "number" || typeof options.port === "string") port = validatePort(options.port, "options.port");
    if (this.#port != null || portMapper.has(port)) throw httpErrors.alreadyListening();
    if (callback !== null) this.once("listening", callback);
    this.#port = port !== 0 ? port : freePort();
    portMapper.set(this.#port, { fetch: (request, env, ctx) => this.#onRequest(request, env, ctx) });
    queueMicrotask(() => this.emit("listening"));
    return this;
  }
  getConnections(callback) {
    if (callback) {
      validate.function(callback, "callback");
      queueMicrotask(() => callback(null, 0));
    }
    return this;
  }
  ref() { return this; }
  unref() { return this; }
  get listening() { return this.#port != null; }
  address() {
    return this.#port == null ? null : { port: this.#port, family: "IPv4", address: "127.0.0.1" };
  }
  get maxConnections() { return Infinity; }
  get connections() { return 0; }
  async [Symbol.asyncDispose]() {
    const { promise, resolve } = Promise.withResolvers();
    this.close(resolve);
    return promise;
  }

  async #onRequest(request, env, ctx) {
    const incoming = new this[kIncomingMessage]();
    incoming[kSetSocket]({ headers: request.headers, localPort: this.#port });
    const url = new URL(request.url);
    incoming.url = url.pathname + url.search;
    const headers = [];
    for (const [key, value] of request.headers) {
      headers.push(key, SINGLE_ELEMENT_FIELDS.includes(key) ? splitHeaderValue(value) : value);
    }
    incoming._addHeaderLines(headers, headers.length);
    incoming.method = request.method;
    incoming[kSetBody](request.body);
    incoming.cloudflare = { env, ctx };
    if ("cf" in request) incoming.cloudflare.cf = request.cf;
    const response = new this[kServerResponse](incoming, { highWaterMark: this.highWaterMark });
    try {
      this.emit("connection", this, incoming);
      this.emit("request", incoming, response);
      return await response[kFetchResponse];
    } catch (error) {
      response.destroy(error);
      throw error;
    }
  }
}

/// listen(0): a port no server of this isolate holds, drawn from the run's seeded Math.random.
function freePort() {
  for (let i = 0; i < 10; i++) {
    const port = Math.floor(Math.random() * 65535) + 1;
    if (!portMapper.has(port)) return port;
  }
  throw new Error("Failed to find a suitable port after 10 attempts");
}

function storeHTTPOptions(options) {
  this[kIncomingMessage] = options.IncomingMessage || IncomingMessage;
  this[kServerResponse] = options.ServerResponse || ServerResponse;
  const refuse = (name, value, check) => {
    if (value === undefined) return;
    check(value);
    throw httpErrors.optionNotImplemented(name);
  };
  refuse("maxHeaderSize", options.maxHeaderSize, (v) => validate.integer(v, "maxHeaderSize", 0));
  if (options.insecureHTTPParser !== undefined) validate.boolean(options.insecureHTTPParser, "options.insecureHTTPParser");
  if (options.requestTimeout !== undefined) validate.integer(options.requestTimeout, "requestTimeout", 0);
  this.requestTimeout = options.requestTimeout ?? 300_000;
  if (options.headersTimeout !== undefined) validate.integer(options.headersTimeout, "headersTimeout", 0);
  this.headersTimeout = options.headersTimeout ?? Math.min(60_000, this.requestTimeout);
  if (this.requestTimeout > 0 && this.headersTimeout > 0 && this.headersTimeout > this.requestTimeout) {
    throw codes.ERR_OUT_OF_RANGE("headersTimeout", "<= requestTimeout", options.headersTimeout);
  }
  refuse("keepAliveTimeout", options.keepAliveTimeout, (v) => validate.integer(v, "keepAliveTimeout", 0));
  refuse("keepAliveTimeoutBuffer", options.keepAliveTimeoutBuffer, (v) => validate.integer(v, "keepAliveTimeoutBuffer"));
  refuse("connectionsCheckingInterval", options.connectionsCheckingInterval, (v) => validate.integer(v, "connectionsCheckingInterval", 0));
  if (options.requireHostHeader !== undefined) validate.boolean(options.requireHostHeader, "options.requireHostHeader");
  this.requireHostHeader = options.requireHostHeader ?? true;
  if (options.joinDuplicateHeaders !== undefined) validate.boolean(options.joinDuplicateHeaders, "options.joinDuplicateHeaders");
  this.joinDuplicateHeaders = options.joinDuplicateHeaders ?? false;
  if (options.rejectNonStandardBodyWrites !== undefined) {
    validate.boolean(options.rejectNonStandardBodyWrites, "options.rejectNonStandardBodyWrites");
  }
  this.rejectNonStandardBodyWrites = options.rejectNonStandardBodyWrites ?? false;
}

function createServer(options, handler) {
  if (!serverModulesOn) throw codes.ERR_METHOD_NOT_IMPLEMENTED("createServer");
  return new Server(options, handler);
}

// ---------- cloudflare:node ----------
function checkedPort(port) {
  if (!Number.isFinite(port) || port < 0 || port > 65535) throw new Error("Failed to determine port for server");
  return port;
}

async function handleAsNodeRequest(desc, request, env, ctx) {
  if (typeof desc === "number") desc = { port: desc };
  const port = checkedPort(desc?.port);
  const instance = portMapper.get(port);
  if (!instance) {
    const error = new Error(
      `Http server with port ${port} not found. This is likely a bug with your code. ` +
        `You should check if server.listen() was called with the same port (${port})`,
    );
    error.code = "ERR_INVALID_ARG_VALUE";
    throw error;
  }
  return await instance.fetch(request, env, ctx);
}

function httpServerHandler(desc) {
  if (typeof desc === "number") desc = { port: desc };
  if (desc == null) throw new Error("Server descriptor cannot be null or undefined");
  let port = null;
  if (desc.port == null && typeof desc.listen === "function") {
    let serverPort = desc.address()?.port;
    if (typeof serverPort !== "number") {
      desc.listen();
      serverPort = desc.address()?.port;
    }
    if (typeof serverPort === "number") port = serverPort;
  } else if (typeof desc.port === "number") {
    port = desc.port;
  }
  port = checkedPort(port);
  return {
    async fetch(request, env, ctx) {
      return await handleAsNodeRequest({ port: checkedPort(port) }, request, env, ctx);
    },
  };
}
