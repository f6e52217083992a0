// node_http, part two: OutgoingMessage, what ClientRequest and ServerResponse share. As in
// workerd, the head is rendered as HTTP/1.1 text (so `Connection`, `Content-Length` and
// `Transfer-Encoding` come out as Node decides them) and read back into a Headers object the
// first time anything is sent; the bytes after it go to whoever listens for `_dataWritten`.

const kOutHeaders = Symbol("kOutHeaders");
const kUniqueHeaders = Symbol("kUniqueHeaders");
const kHighWaterMark = Symbol("kHighWaterMark");
const kErrored = Symbol("kErrored");
const kNeedDrain = Symbol("kNeedDrain");
const kBytesWritten = Symbol("kBytesWritten");
const kRejectNonStandardBodyWrites = Symbol("kRejectNonStandardBodyWrites");
const kWriteIndex = Symbol("kWriteIndex");
const RE_CONN_CLOSE = /(?:^|\W)close(?:$|\W)/i;
const STATUS_LINE = /^HTTP\/\d+\.\d+ (?<statusCode>\d+) (?<statusMessage>.*)$/;

function parseUniqueHeadersOption(headers) {
  if (!Array.isArray(headers)) return null;
  const unique = new Set();
  for (const header of headers) {
    for (const h of Array.isArray(header) ? header : [header]) unique.add(h.toLowerCase());
  }
  return unique;
}

class OutgoingMessage extends Writable {
  [kOutHeaders] = null;
  [kErrored] = null;
  [kNeedDrain] = false;
  [kBytesWritten] = 0;
  [kWriteIndex] = 0;
  outputData = [];
  outputSize = 0;
  writtenHeaderBytes = 0;
  strictContentLength = false;
  chunkedEncoding = false;
  sendDate = false;
  shouldKeepAlive = true;
  writable = true;
  finished = false;
  destroyed = false;
  useChunkedEncodingByDefault = true;
  maxRequestsOnConnectionReached = false;
  _closed = false;
  _headerSent = false;
  _header = null;
  _contentLength = null;
  _hasBody = true;
  _removedContLen = false;
  _removedConnection = false;
  _removedTE = false;
  _last = false;
  _defaultKeepAlive = true;
  _keepAliveTimeout = 0;

  constructor(req, options) {
    super();
    this.req = req;
    this[kHighWaterMark] = options?.highWaterMark ?? 64 * 1024;
    this[kRejectNonStandardBodyWrites] = options?.rejectNonStandardBodyWrites ?? false;
  }

  _storeHeader(firstLine, headers) {
    const state = { connection: false, contLen: false, te: false, date: false, expect: false, trailer: false, header: firstLine };
    if (headers != null) {
      if (headers === this[kOutHeaders]) {
        for (const key in headers) processHeader(this, state, headers[key][0], headers[key][1], false);
      } else if (Array.isArray(headers)) {
        if (headers.length && Array.isArray(headers[0])) {
          for (const entry of headers) processHeader(this, state, entry[0], entry[1], true);
        } else {
          if (headers.length % 2 !== 0) throw codes.ERR_INVALID_ARG_VALUE("headers", headers);
          for (let n = 0; n < headers.length; n += 2) processHeader(this, state, headers[n], headers[n + 1], true);
        }
      } else {
        for (const key in headers) {
          if (Object.hasOwn(headers, key)) processHeader(this, state, key, headers[key], true);
        }
      }
    }
    let { header } = state;
    if (this.sendDate && !state.date) header += `Date: ${new Date().toUTCString()}\r\n`;
    if (this.chunkedEncoding && (this.statusCode === 204 || this.statusCode === 304)) {
      this.chunkedEncoding = false;
      this.shouldKeepAlive = false;
    }
    if (this._removedConnection) {
      this._last = !this.shouldKeepAlive;
    } else if (!state.connection) {
      const keepAlive = this.shouldKeepAlive && (state.contLen || this.useChunkedEncodingByDefault || this.agent);
      if (keepAlive && this.maxRequestsOnConnectionReached) {
        header += "Connection: close\r\n";
      } else if (keepAlive) {
        header += "Connection: keep-alive\r\n";
        if (this._keepAliveTimeout && this._defaultKeepAlive) {
          header += `Keep-Alive: timeout=${Math.floor(this._keepAliveTimeout / 1000)}\r\n`;
        }
      } else {
        this._last = true;
        header += "Connection: close\r\n";
      }
    }
    if (!state.contLen && !state.te) {
      if (!this._hasBody) {
        this.chunkedEncoding = false;
      } else if (!this.useChunkedEncodingByDefault) {
        this._last = true;
      } else if (!state.trailer && !this._removedContLen && typeof this._contentLength === "number") {
        header += `Content-Length: ${this._contentLength}\r\n`;
      } else if (!this._removedTE) {
        header += "Transfer-Encoding: chunked\r\n";
        this.chunkedEncoding = true;
      } else {
        this._last = true;
      }
    }
    this._header = `${header}\r\n`;
    this._headerSent = false;
    if (state.expect) this._send("");
  }

  setHeader(name, value) {
    if (this._header) throw httpErrors.headersSent("set");
    validateHeaderName(name);
    validateHeaderValue(name, value);
    this[kOutHeaders] ??= {};
    this[kOutHeaders][name.toLowerCase()] = [name, value];
    return this;
  }
  setHeaders(headers) {
    if (this.headersSent) throw httpErrors.headersSent("set");
    if (Array.isArray(headers) || typeof headers !== "object" || headers === null ||
        typeof headers.keys !== "function" || typeof headers.get !== "function") {
      throw codes.ERR_INVALID_ARG_TYPE("headers", ["Headers", "Map"], headers);
    }
    const cookies = [];
    for (const [key, value] of headers) {
      if (key === "set-cookie") cookies.push(...(Array.isArray(value) ? value : [value]));
      else this.setHeader(key, value);
    }
    if (cookies.length) this.setHeader("set-cookie", cookies);
    return this;
  }
  appendHeader(name, value) {
    if (this._header) throw httpErrors.headersSent("append");
    validateHeaderName(name);
    validateHeaderValue(name, value);
    const field = name.toLowerCase();
    const headers = this[kOutHeaders];
    if (headers === null || !headers[field]) return this.setHeader(name, value);
    if (!Array.isArray(headers[field][1])) headers[field][1] = [headers[field][1]];
    headers[field][1].push(...(Array.isArray(value) ? value : [value]));
    return this;
  }
  getHeader(name) {
    validate.string(name, "name");
    return this[kOutHeaders]?.[name.toLowerCase()]?.[1];
  }
  hasHeader(name) {
    validate.string(name, "name");
    return Boolean(this[kOutHeaders]?.[name.toLowerCase()]);
  }
  removeHeader(name) {
    validate.string(name, "name");
    if (this._header) throw httpErrors.headersSent("remove");
    const key = name.toLowerCase();
    if (key === "connection") this._removedConnection = true;
    else if (key === "content-length") this._removedContLen = true;
    else if (key === "transfer-encoding") this._removedTE = true;
    else if (key === "date") this.sendDate = false;
    if (this[kOutHeaders] !== null) delete this[kOutHeaders][key];
  }
  getHeaderNames() {
    return this[kOutHeaders] !== null ? Object.keys(this[kOutHeaders]) : [];
  }
  getRawHeaderNames() {
    return this[kOutHeaders] === null ? [] : Object.values(this[kOutHeaders]).map((entry) => entry[0]);
  }
  getHeaders() {
    const out = {};
    for (const [key, entry] of Object.entries(this[kOutHeaders] ?? {})) out[key] = entry[1];
    return out;
  }
  flushHeaders() {
    if (!this._header) this._implicitHeader();
    this._send("");
  }
  get headersSent() { return !!this._header; }
  get errored() { return this[kErrored]; }
  get closed() { return this._closed; }
  get writableEnded() { return this.finished; }
  get writableHighWaterMark() { return this[kHighWaterMark]; }
  get writableObjectMode() { return false; }
  get writableLength() { return this.outputSize; }
  get writableCorked() { return 0; }
  get writableNeedDrain() { return !this.destroyed && !this.finished && this[kNeedDrain]; }

  pipe(destination) {
    this.emit("error", httpErrors.cannotPipe());
    return destination;
  }
  [EventEmitter.captureRejectionSymbol](error) {
    this.destroy(error);
  }
  _implicitHeader() {
    throw codes.ERR_METHOD_NOT_IMPLEMENTED("_implicitHeader()");
  }
  _renderHeaders() {
    if (this._header) throw httpErrors.headersSent("render");
    const out = {};
    for (const entry of Object.values(this[kOutHeaders] ?? {})) out[entry[0]] = entry[1];
    return out;
  }

  /// The first send carries the head: a response's status line and fields are announced as
  /// `_headersSent` (ServerResponse turns them into its fetch Response).
  _send(data, encoding, callback) {
    if (!this._headerSent && this._header !== null) {
      const header = this._header;
      // Known before the head is written: the server side skips that many bytes of the first
      // chunk, the head alone when the body is a Buffer.
      this.writtenHeaderBytes = header.length;
      if (typeof data === "string" && (encoding === "utf8" || encoding === "latin1" || !encoding)) {
        data = header + data;
      } else {
        this._writeRaw(header, "latin1", null);
      }
      this._headerSent = true;
      const [statusLine, ...lines] = header.split("\r\n");
      const status = STATUS_LINE.exec(statusLine);
      if (status !== null) {
        const headers = new Headers();
        for (const line of lines) {
          if (line === "") continue;
          const colon = line.indexOf(": ");
          headers.append(line.slice(0, colon), line.slice(colon + 2));
        }
        this.emit("_headersSent", {
          statusCode: Number(status.groups.statusCode),
          statusMessage: status.groups.statusMessage,
          headers,
        });
      }
    }
    return this._writeRaw(data, encoding, callback);
  }
  _writeRaw(data, encoding, callback) {
    if (typeof encoding === "function") {
      callback = encoding;
      encoding = null;
    }
    if (this.destroyed) return false;
    const index = this[kWriteIndex]++;
    this.emit("_dataWritten", [{ index, entry: { data, encoding, length: data?.length ?? 0 } }]);
    if (typeof callback === "function") queueMicrotask(callback);
    return true;
  }

  write(chunk, encoding, callback) {
    if (typeof encoding === "function") {
      callback = encoding;
      encoding = null;
    }
    const ret = this.#write(chunk, encoding, callback, false);
    if (!ret) this[kNeedDrain] = true;
    return ret;
  }
  end(chunk, encoding, callback) {
    if (typeof chunk === "function") {
      callback = chunk;
      chunk = null;
      encoding = null;
    } else if (typeof encoding === "function") {
      callback = encoding;
      encoding = null;
    }
    if (chunk) {
      if (this.finished) {
        this.#onError(httpErrors.writeAfterEnd(), typeof callback === "function" ? callback : () => {});
        return this;
      }
      this.#write(chunk, encoding, null, true);
    } else if (this.finished) {
      if (typeof callback === "function") {
        if (!this.writableFinished) this.on("finish", callback);
        else callback(httpErrors.alreadyFinished("end"));
      }
      return this;
    } else if (!this._header) {
      this._contentLength = 0;
      this._implicitHeader();
    }
    if (typeof callback === "function") this.once("finish", callback);
    if (this.#strictContentLength() && this[kBytesWritten] !== this._contentLength) {
      throw httpErrors.lengthMismatch(this[kBytesWritten], this._contentLength ?? 0);
    }
    const finish = () => this.emit("finish");
    if ((this._hasBody && this.chunkedEncoding) || !this._headerSent || chunk) this._send("", "latin1", finish);
    else queueMicrotask(finish);
    this.finished = true;
    this._writableState.finished = true;
    this.emit("prefinish");
    return this;
  }
  destroy(err) {
    if (this.destroyed) return this;
    if (err != null) this.emit("error", err);
    this.destroyed = true;
    this[kErrored] = err;
    return this;
  }

  #strictContentLength() {
    return this.strictContentLength && this._contentLength != null && this._hasBody && !this._removedContLen &&
      !this.chunkedEncoding && !this.hasHeader("transfer-encoding");
  }
  #onError(err, callback) {
    if (this.destroyed) return;
    queueMicrotask(() => {
      callback(err);
      if (!this.destroyed) this.emit("error", err);
    });
  }
  #write(chunk, encoding, callback, fromEnd) {
    if (typeof callback !== "function") callback = () => {};
    if (chunk === null) throw httpErrors.nullValues();
    if (typeof chunk !== "string" && !(chunk instanceof Uint8Array)) {
      throw codes.ERR_INVALID_ARG_TYPE("chunk", ["string", "Buffer", "Uint8Array"], chunk);
    }
    const err = this.finished ? httpErrors.writeAfterEnd() : this.destroyed ? httpErrors.destroyed("write") : undefined;
    if (err) {
      if (!this.destroyed) this.#onError(err, callback);
      else queueMicrotask(() => callback(err));
      return false;
    }
    if (this.strictContentLength) {
      const len = byteLength(chunk, encoding);
      const total = this[kBytesWritten] + len;
      if (this.#strictContentLength() && (fromEnd ? total !== this._contentLength : total > (this._contentLength ?? 0))) {
        throw httpErrors.lengthMismatch(total, this._contentLength ?? 0);
      }
      this[kBytesWritten] = total;
    }
    if (!this._header) {
      if (fromEnd) this._contentLength = byteLength(chunk, encoding);
      this._implicitHeader();
    }
    if (!this._hasBody) {
      if (this[kRejectNonStandardBodyWrites]) throw httpErrors.bodyNotAllowed();
      queueMicrotask(callback);
      return true;
    }
    return this._send(chunk, encoding, callback);
  }
}

/// One header field into the rendered head: arrays become one line per value, except `Cookie`
/// and the unique headers, which are joined with `; `.
function processHeader(self, state, key, value, check) {
  if (check) validateHeaderName(key);
  if (key.length === 19 && key.toLowerCase() === "content-disposition" && self._contentLength) {
    value = Array.isArray(value)
      ? value.map((v) => String(Buffer.from(String(v), "latin1")))
      : String(Buffer.from(String(value), "latin1"));
  }
  if (Array.isArray(value)) {
    const cookie = key.length === 6 && key.toLowerCase() === "cookie";
    // workerd reads `.has` of the null a ClientRequest stores without a `uniqueHeaders` option,
    // so a request whose head holds an array value throws at its first write (recorded).
    if ((value.length < 2 || !cookie) && kUniqueHeaders in self && self[kUniqueHeaders] === null) {
      throw new TypeError("Cannot read properties of null (reading 'has')");
    }
    if ((value.length < 2 || !cookie) && !self[kUniqueHeaders]?.has(key.toLowerCase())) {
      for (const v of value) storeHeader(self, state, key, v, check);
      return;
    }
    value = value.join("; ");
  }
  storeHeader(self, state, key, String(value), check);
}

function storeHeader(self, state, key, value, check) {
  if (check) validateHeaderValue(key, value);
  state.header += `${key}: ${value}\r\n`;
  const field = key.toLowerCase();
  if (field === "connection") {
    state.connection = true;
    self._removedConnection = false;
    if (RE_CONN_CLOSE.test(value)) self._last = true;
    else self.shouldKeepAlive = true;
  } else if (field === "transfer-encoding") {
    state.te = true;
    self._removedTE = false;
    if (chunkExpression.test(value)) self.chunkedEncoding = true;
  } else if (field === "content-length") {
    state.contLen = true;
    self._contentLength = +value;
    self._removedContLen = false;
  } else if (field === "date" || field === "expect" || field === "trailer") {
    state[field] = true;
  } else if (field === "keep-alive") {
    self._defaultKeepAlive = false;
  }
}
