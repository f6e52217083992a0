// node_http, part three: IncomingMessage, a Readable over a fetch body — the Response a
// ClientRequest's fetch answered, or the Request a Server is handed.

const kHeaders = Symbol("kHeaders");
const kHeadersDistinct = Symbol("kHeadersDistinct");
const kHeadersCount = Symbol("kHeadersCount");
const kSetFetchResponse = Symbol("setFetchResponse");
const kSetSocket = Symbol("setSocket");
const kSetBody = Symbol("setBody");

/// Duplicates of these fields are dropped (Node keeps the first); `Set-Cookie` collects an array,
/// `Cookie` joins with `; `, every other field joins with `, `.
const SINGLE_VALUED = new Set([
  "age", "host", "from", "etag", "server", "referer", "expires", "location", "user-agent",
  "retry-after", "content-type", "max-forwards", "authorization", "last-modified",
  "content-length", "proxy-authorization", "if-modified-since", "if-unmodified-since",
]);

class IncomingMessage extends Readable {
  #stream = null;
  #reader = null;
  #reading = false;
  #socket = undefined;
  aborted = false;
  url = "";
  method = null;
  statusCode = null;
  statusMessage = null;
  httpVersionMajor = 1;
  httpVersionMinor = 1;
  httpVersion = "1.1";
  complete = false;
  rawHeaders = [];
  joinDuplicateHeaders = false;
  cloudflare = { cf: undefined, env: undefined, ctx: undefined };
  [kHeaders] = null;
  [kHeadersDistinct] = null;
  [kHeadersCount] = 0;
  _dumped = false;
  _consuming = false;
  _paused = false;

  constructor() {
    super({});
    this._readableState.readingMore = true;
  }

  /// A client's view of `response`: one value per field name, as fetch's Headers join them.
  /// (workerd leaves `rawHeaders` empty here.)
  [kSetFetchResponse](response) {
    this[kHeaders] = {};
    this[kHeadersDistinct] = {};
    for (const name of response.headers.keys()) {
      const value = response.headers.get(name);
      this[kHeaders][name] = value;
      this[kHeadersDistinct][name] = [value];
      this[kHeadersCount]++;
    }
    this._readableState.readingMore = true;
    this.url = response.url;
    this.statusCode = response.status;
    this.statusMessage = response.statusText;
    this.once("end", () => queueMicrotask(() => this.emit("close")));
    this.on("timeout", () => { this._consuming = false; });
    this.#stream = response.body;
  }
  /// A server's view of the connection a request came over, from what its headers say.
  [kSetSocket]({ headers, localPort }) {
    const connectingIp = headers.get("cf-connecting-ip");
    const ipv4 = connectingIp ? isIPv4(connectingIp) : true;
    const remotePort = (Math.random() * 0x8000) | 0x8000;
    const incoming = this;
    const socket = new EventEmitter();
    const live = (value) => ({ get: () => (incoming.destroyed ? undefined : value()), configurable: true });
    Object.defineProperties(socket, {
      encrypted: { value: headers.get("x-forwarded-proto") === "https", configurable: true },
      readable: { get: () => incoming.readable, configurable: true },
      remoteFamily: live(() => (ipv4 ? "IPv4" : "IPv6")),
      remoteAddress: live(() => connectingIp ?? "127.0.0.1"),
      remotePort: live(() => remotePort),
      localAddress: { value: headers.get("host") ?? "127.0.0.1", configurable: true },
      localPort: { value: localPort, configurable: true },
      destroy: { value: (err) => incoming.destroy(err), configurable: true },
    });
    this.#socket = socket;
  }
  [kSetBody](stream) {
    this.#stream = stream;
  }

  async #tryRead() {
    if (this.#stream == null || this.#reading) return;
    this.#reading = true;
    try {
      this.#reader ??= this.#stream.getReader();
      while (!this.destroyed) {
        const data = await this.#reader.read();
        if (data.done) {
          this.complete = true;
          this.push(null);
          break;
        }
        if (!this.push(data.value)) break;
      }
    } catch (e) {
      this.destroy(e);
    } finally {
      this.#reading = false;
      this.#reader?.releaseLock();
      this.#reader = null;
    }
  }
  _read() {
    if (!this._consuming) {
      this._readableState.readingMore = false;
      this._consuming = true;
    }
    if (this.#stream == null) {
      this.complete = true;
      this.push(null);
      return;
    }
    this.#tryRead();
  }
  _destroy(error, callback) {
    if (!this.readableEnded || !this.complete) {
      this.aborted = true;
      this.emit("aborted");
    }
    queueMicrotask(() => callback(this.listenerCount("error") === 0 ? undefined : error));
  }

  _addHeaderLine(field, value, dest) {
    field = field.toLowerCase();
    if (field === "set-cookie") {
      if (dest["set-cookie"] !== undefined) dest["set-cookie"].push(value);
      else dest["set-cookie"] = [value];
    } else if (dest[field] === undefined) {
      dest[field] = value;
    } else if (this.joinDuplicateHeaders || !SINGLE_VALUED.has(field)) {
      if (typeof dest[field] === "string") dest[field] += (field === "cookie" ? "; " : ", ") + value;
    }
  }
  _addHeaderLines(headers, n) {
    if (Array.isArray(headers) && !this.complete) {
      this.rawHeaders = headers;
      this[kHeadersCount] = n;
      if (this[kHeaders]) {
        for (let i = 0; i < n; i += 2) this._addHeaderLine(headers[i], headers[i + 1], this[kHeaders]);
      }
    }
  }
  _addHeaderLineDistinct(field, value, dest) {
    field = field.toLowerCase();
    if (!dest[field]) dest[field] = [value];
    else dest[field].push(value);
  }
  get headers() {
    if (!this[kHeaders]) {
      this[kHeaders] = {};
      for (let n = 0; n < this[kHeadersCount]; n += 2) {
        this._addHeaderLine(this.rawHeaders[n], this.rawHeaders[n + 1], this[kHeaders]);
      }
    }
    return this[kHeaders];
  }
  set headers(value) { this[kHeaders] = value; }
  get headersDistinct() {
    if (!this[kHeadersDistinct]) {
      this[kHeadersDistinct] = {};
      for (let n = 0; n < this[kHeadersCount]; n += 2) {
        this._addHeaderLineDistinct(this.rawHeaders[n], this.rawHeaders[n + 1], this[kHeadersDistinct]);
      }
    }
    return this[kHeadersDistinct];
  }
  set headersDistinct(value) { this[kHeadersDistinct] = value; }
  get trailers() { return {}; }
  set trailers(_value) {}
  get trailersDistinct() { return {}; }
  set trailersDistinct(_value) {}

  _dump() {
    if (!this._dumped) {
      this._dumped = true;
      this.removeAllListeners("data");
      this.resume();
    }
  }
  setTimeout(_msecs, callback) {
    if (callback) this.on("timeout", callback);
    return this;
  }
  pipe(destination, options) {
    const end = options?.end !== false;
    this.on("data", (chunk) => destination.write(chunk));
    this.once("end", () => { if (end) destination.end(); });
    this.once("error", (err) => destination.emit("error", err));
    this.resume();
    return destination;
  }
  get connection() { return this.#socket; }
  set connection(value) { this.#socket = value; }
  get socket() { return this.#socket; }
}
