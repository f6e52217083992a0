// node_http, part four: the client — Agent (there are no sockets to pool: workerd's Agent only
// keeps its options) and ClientRequest, which gathers the body and makes one fetch() at `end()`,
// redirects left to the caller as Node leaves them.

const INVALID_PATH = /[^\u0021-\u00ff]/;
const AUTHORITY_OVERRIDE = /^(?:[/\\]{2}|[^/\\]*:)/;

class Agent extends EventEmitter {
  agentKeepAliveTimeoutBuffer = 1000;
  keepAliveMsecs = 1000;
  keepAlive = false;
  scheduling = "lifo";
  freeSockets = {};
  sockets = {};
  requests = {};
  static defaultMaxSockets = Infinity;

  constructor(options) {
    super({});
    this.options = { __proto__: null, ...options };
    this.defaultPort = this.options.defaultPort || 80;
    this.protocol = this.options.protocol || "http:";
    this.options.path = null;
    if (!("proxyEnv" in this.options)) this.options.proxyEnv = undefined;
    if (this.options.noDelay === undefined) this.options.noDelay = true;
    this.keepAliveMsecs = this.options.keepAliveMsecs || 1000;
    this.keepAlive = this.options.keepAlive || false;
    this.maxSockets = this.options.maxSockets || Agent.defaultMaxSockets;
    this.maxFreeSockets = this.options.maxFreeSockets || 256;
    this.scheduling = this.options.scheduling || "lifo";
    this.totalSocketCount = 0;
    validate.oneOf(this.scheduling, "scheduling", ["fifo", "lifo"]);
    if (this.options.maxTotalSockets !== undefined) {
      validate.number(this.options.maxTotalSockets, "maxTotalSockets", 1);
      this.maxTotalSockets = this.options.maxTotalSockets;
    } else {
      this.maxTotalSockets = Infinity;
    }
  }
  createConnection() {
    throw codes.ERR_METHOD_NOT_IMPLEMENTED("createConnection");
  }
  getName(options = {}) {
    let name = `${options.host || "localhost"}:`;
    if (options.port) name += options.port.toString();
    name += ":";
    if (options.localAddress) name += options.localAddress;
    if (options.family === 4 || options.family === 6) name += `:${options.family}`;
    if (options.socketPath) name += `:${options.socketPath}`;
    return name;
  }
  addRequest() {}
  createSocket() {}
  removeSocket() {}
  keepSocketAlive() { return false; }
  reuseSocket() {}
  destroy() {}
}

const TLS_NAME_OPTIONS = [
  "ca", "cert", "clientCertEngine", "ciphers", "key", "pfx", "rejectUnauthorized", "servername",
  "minVersion", "maxVersion", "secureProtocol", "crl", "honorCipherOrder", "ecdhCurve", "dhparam",
  "secureOptions", "sessionIdContext", "sigalgs", "privateKeyIdentifier", "privateKeyEngine",
];

class HttpsAgent extends Agent {
  maxCachedSessions = 100;
  constructor(options) {
    const opts = { ...options };
    opts.defaultPort ??= 443;
    opts.protocol ??= "https:";
    super(opts);
  }
  getName(options = {}) {
    let name = super.getName(options);
    for (const key of TLS_NAME_OPTIONS) {
      name += ":";
      const value = options[key];
      if (key === "servername") {
        if (value && value !== options.host) name += value;
      } else if (key === "rejectUnauthorized" || key === "honorCipherOrder" || key === "secureOptions") {
        if (value !== undefined) name += value;
      } else if (value) {
        name += value;
      }
    }
    return name;
  }
}

const globalAgent = new Agent({ keepAlive: true, scheduling: "lifo", timeout: 5000 });
const httpsGlobalAgent = new HttpsAgent({ keepAlive: true, scheduling: "lifo", timeout: 5000 });

const checkHost = (host, name) => {
  if (host != null && typeof host !== "string") {
    throw codes.ERR_INVALID_ARG_TYPE(`options.${name}`, ["string", "undefined", "null"], host);
  }
  return host;
};

class ClientRequest extends OutgoingMessage {
  #abort = new AbortController();
  #body = [];
  #incoming = undefined;
  #timer = null;
  _ended = false;
  method = "GET";
  path = "/";
  protocol = "http:";
  port = "80";
  aborted = false;
  reusedSocket = false;
  maxHeadersCount = Infinity;
  connection = null;
  socket = null;

  constructor(input, options, cb) {
    super();
    if (typeof input === "string") {
      input = urlToHttpOptions(new URL(input));
    } else if (input instanceof URL) {
      input = urlToHttpOptions(input);
    } else {
      cb = options;
      options = input;
      input = null;
    }
    if (typeof options === "function") {
      cb = options;
      options = input ?? {};
    } else {
      options = Object.assign(input ?? {}, options);
    }
    // An authority-form path (`//host/`) is refused only when the request is sent (recorded).
    if (options.path && INVALID_PATH.test(options.path)) throw httpErrors.unescaped("Request path");
    this.#takeAgent(options);
    const defaultPort = options.defaultPort || this.agent?.defaultPort || 80;
    const port = (options.port = options.port || defaultPort || 80);
    this.port = port.toString();
    const host = (options.host = checkHost(options.hostname, "hostname") || checkHost(options.host, "host") || "localhost");
    const setHost = options.setHost !== undefined ? Boolean(options.setHost) : options.setDefaultHeaders !== false;
    if (options.timeout !== undefined) this.timeout = timerDuration(options.timeout, "timeout");
    if (options.signal) addAbortSignal(options.signal, this);
    this.#takeMethod(options.method);
    this.#refuseUnsupported(options);
    this.joinDuplicateHeaders = options.joinDuplicateHeaders;
    this.path = options.path || "/";
    if (cb) this.once("response", cb);
    this.host = host;
    this.#takeHeaders(options, host, port, defaultPort, setHost);
    this.on("finish", () => this.#onFinish());
    this[kUniqueHeaders] = parseUniqueHeadersOption(options.uniqueHeaders);
  }

  #takeAgent(options) {
    let agent = options.agent;
    const defaultAgent = options._defaultAgent || globalAgent;
    if (agent === false) {
      agent = new defaultAgent.constructor();
    } else if (agent == null) {
      if (typeof options.createConnection !== "function") agent = defaultAgent;
    } else if (typeof agent === "object" && typeof agent.addRequest !== "function") {
      throw codes.ERR_INVALID_ARG_TYPE("options.agent", ["Agent-like Object", "undefined", "false"], agent);
    }
    this.agent = agent;
    let expected = defaultAgent.protocol;
    const protocol = options.protocol || expected;
    if (this.agent?.protocol) expected = this.agent.protocol;
    if (protocol !== expected) throw httpErrors.invalidProtocol(protocol, expected);
    this.protocol = protocol;
  }
  #takeMethod(method) {
    if (method != null && typeof method !== "string") throw codes.ERR_INVALID_ARG_TYPE("options.method", "string", method);
    if (method) {
      if (!_checkIsHttpToken(method)) throw httpErrors.invalidToken("Method", method);
      this.method = method.toUpperCase();
    } else {
      this.method = "GET";
    }
  }
  #refuseUnsupported(options) {
    if (options.maxHeaderSize !== undefined) {
      validate.integer(options.maxHeaderSize, "maxHeaderSize", 0);
      throw httpErrors.optionNotImplemented("options.maxHeaderSize");
    }
    if (options.insecureHTTPParser !== undefined) validate.boolean(options.insecureHTTPParser, "options.insecureHTTPParser");
    for (const [name, check] of [["createConnection", "function"], ["lookup", "function"], ["socketPath", "string"]]) {
      if (options[name] === undefined) continue;
      validate[check](options[name], `options.${name}`);
      throw httpErrors.optionNotImplemented(`options.${name}`);
    }
    if (options.joinDuplicateHeaders !== undefined) validate.boolean(options.joinDuplicateHeaders, "options.joinDuplicateHeaders");
  }
  #takeHeaders(options, host, port, defaultPort, setHost) {
    const headers = options.headers;
    if (Array.isArray(headers)) {
      if (headers.length % 2 !== 0) throw codes.ERR_INVALID_ARG_VALUE("headers", headers);
      for (let n = 0; n < headers.length; n += 2) this.setHeader(headers[n], headers[n + 1]);
      return;
    }
    if (headers != null) {
      if ("host" in headers) validate.string(headers.host, "host");
      for (const [key, value] of Object.entries(headers)) this.setHeader(key, value);
    }
    if (host && !this.getHeader("host") && setHost) {
      let hostHeader = host;
      const colon = hostHeader.indexOf(":");
      if (colon !== -1 && hostHeader.includes(":", colon + 1) && hostHeader.charCodeAt(0) !== 91) hostHeader = `[${hostHeader}]`;
      if (port && +port !== defaultPort) hostHeader += `:${port}`;
      this.setHeader("Host", hostHeader);
    }
    if (options.auth && !this.getHeader("Authorization")) {
      this.setHeader("Authorization", `Basic ${Buffer.from(options.auth).toString("base64")}`);
    }
  }
  #onFinish() {
    if (this.destroyed) return;
    let body = null;
    if (this.method !== "GET" && this.method !== "HEAD" && this.#body.length > 0) {
      const type = this.getHeader("content-type") ?? "";
      body = new Blob(this.#body, { type: Array.isArray(type) ? type.join(", ") : `${type}` });
    }
    const headers = [];
    for (const [name, value] of Object.values(this[kOutHeaders] ?? {})) {
      if (!Array.isArray(value)) headers.push([name, value]);
      else if (this.joinDuplicateHeaders) headers.push([name, value.join(", ")]);
      else for (const item of value) headers.push([name, item]);
    }
    if (this.timeout) this.#startTimer();
    if (this.host && !this.getHeader("host") && Object.keys(this[kOutHeaders] ?? {}).length === 0) {
      queueMicrotask(() => this.#onResponse(new Response(null, { status: 400, statusText: "Bad Request", headers: { connection: "close" } })));
      return;
    }
    let url = new URL(`http://${this.host}`);
    url.protocol = this.protocol;
    url.port = this.port;
    if (this.path.length > 0 && this.path !== "/") {
      if (AUTHORITY_OVERRIDE.test(this.path)) {
        this.destroy(codes.ERR_INVALID_ARG_VALUE("options.path", this.path, "must be a path-only request target"));
        return;
      }
      url = new URL(this.path, url);
    }
    fetch(url, { method: this.method, headers, body, signal: this.#abort.signal, redirect: "manual" })
      .then((response) => this.#onResponse(response), (error) => this.#onFetchError(error));
  }
  #onResponse(response) {
    this._header = Array.from(response.headers.keys()).map((key) => `${key}=${response.headers.get(key)}}`).join("\r\n");
    const incoming = new IncomingMessage();
    incoming[kSetFetchResponse](response);
    incoming.on("error", (error) => this.emit("error", error));
    this.emit("response", incoming);
    this.req = this.#incoming;
    this.#incoming = incoming;
  }
  #onFetchError(error) {
    if (!this.destroyed) this.emit("error", error);
    else console.log(error);
    this.destroyed = true;
    this._ended = true;
  }
  #startTimer() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.emit("timeout");
      this.#incoming?.emit("timeout");
      this.#abort.abort();
    }, this.timeout);
  }

  onSocket() {}
  addTrailers() {
    throw codes.ERR_METHOD_NOT_IMPLEMENTED("addTrailers");
  }
  abort(error) {
    this.destroyed = true;
    clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#incoming) this.#incoming.destroyed = true;
    this.#abort.abort();
    if (error) this.emit("error", error);
  }
  _write(chunk, _encoding, callback) {
    this.#body.push(chunk);
    callback();
    return true;
  }
  setNoDelay(noDelay) { validate.boolean(noDelay, "noDelay"); }
  setSocketKeepAlive(enable, initialDelay) {
    validate.boolean(enable, "enable");
    validate.number(initialDelay, "initialDelay");
  }
  clearTimeout(cb) { this.setTimeout(0, cb); }
  setTimeout(msecs, callback) {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    this.timeout = timerDuration(msecs, "msecs");
    if (this.timeout) this.#startTimer();
    if (callback) this.once("timeout", callback);
    return this;
  }
  write(chunk, encoding, callback) {
    if (this.method !== "GET" && this.method !== "HEAD" && chunk) {
      this.#body.push(typeof chunk === "string" ? Buffer.from(chunk, typeof encoding === "string" ? encoding : "utf8") : chunk);
    }
    return super.write(chunk, encoding, callback);
  }
  end(data, encoding, callback) {
    this._ended = true;
    if (typeof data === "function") {
      callback = data;
      data = undefined;
    }
    Writable.prototype.end.call(this, data, encoding, callback);
    return this;
  }
  _implicitHeader() {
    if (this._header) throw httpErrors.headersSent("render");
    this._storeHeader(`${this.method} ${this.path} HTTP/1.1\r\n`, this[kOutHeaders]);
  }
}

function request(url, options, cb) {
  return new ClientRequest(url, options, cb);
}
function get(url, options, cb) {
  const req = request(url, options, cb);
  req.end();
  return req;
}
/// https.request: http.request with the https agent as the default.
function httpsRequest(...args) {
  let options = {};
  if (typeof args[0] === "string") options = urlToHttpOptions(new URL(args.shift()));
  else if (args[0] instanceof URL) options = urlToHttpOptions(args.shift());
  if (args.length > 0 && typeof args[0] !== "function") Object.assign(options, args.shift());
  options._defaultAgent = httpsGlobalAgent;
  return new ClientRequest(options, ...args);
}
function httpsGet(input, options, cb) {
  const req = httpsRequest(input, options, cb);
  req.end();
  return req;
}
