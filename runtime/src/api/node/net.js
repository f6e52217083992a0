// node_net, part two: net.Socket — a Node Duplex over a connect() socket (api/sockets) — and
// node:net's functions, as workerd's node:net gives them: the events a socket emits and their
// order, what it reports about itself, the argument checks and their texts (recorded in
// reference/workerd/results/node-net.json). There is no server side: a Worker cannot listen.

// net_address.js, before this in the unit, declares codes, validate, nodeError and the
// address helpers.
const { Duplex } = core.unit("node_stream");
const { Buffer } = core.unit("node_buffer");

/// setTimeout's ceiling: a longer socket timeout waits this long.
const TIMEOUT_MAX = 2 ** 31 - 1;
const NORMALIZED = Symbol("normalizedArgs");
const timer = Symbol("timeout");
const info = Symbol("socketInfo");
const counts = Symbol("bytes");
const lastWrite = Symbol("lastWriteSize");

const socketError = (code, message) => nodeError(Error, code, message, true);
const closedError = () => socketError("ERR_SOCKET_CLOSED", "Socket is closed");
const WRITE_CLOSED = "This WritableStream has been closed.";

function Socket(options) {
  if (!(this instanceof Socket)) return new Socket(options);
  if (options?.objectMode) {
    throw codes.ERR_INVALID_ARG_VALUE("options.objectMode", options.objectMode, "is not supported");
  }
  if (options?.readableObjectMode || options?.writableObjectMode) {
    const name = options.readableObjectMode ? "readableObjectMode" : "writableObjectMode";
    throw codes.ERR_INVALID_ARG_VALUE(`options.${name}`, options.readableObjectMode || options.writableObjectMode, "is not supported");
  }
  if (options?.keepAliveInitialDelay !== undefined) validate.number(options.keepAliveInitialDelay, "options.keepAliveInitialDelay");
  options = typeof options === "number" ? { fd: options } : { ...options };
  if (options.fd !== undefined) {
    throw socketError("ERR_OPTION_NOT_IMPLEMENTED", "The options.fd option is not implemented");
  }
  // workerd's choices: the socket emits its own `close`, never decodes writes, and is both
  // readable and writable whatever it was given (there are no file descriptors).
  Object.assign(options, {
    allowHalfOpen: Boolean(options.allowHalfOpen), emitClose: false, autoDestroy: true,
    decodeStrings: false, readable: true, writable: true,
  });
  this._handle = null;
  this.connecting = false;
  this._hadError = false;
  this._host = null;
  this[timer] = null;
  this[info] = null;
  this[counts] = { read: 0, written: 0 };
  this[lastWrite] = 0;
  this._sockname = null;
  this._pendingData = null;
  this._pendingEncoding = "";
  Duplex.call(this, options);
  // A TLS socket takes over the handle of the socket it wraps (tls.js).
  if (options.handle) {
    validate.object(options.handle, "options.handle");
    this._handle = options.handle;
  }
  // Without allowHalfOpen, the peer's end makes later writes fail (writeAfterEnd).
  this.on("end", onEnd);
  const onread = options.onread;
  this._onread = onread && typeof onread === "object" && typeof onread.callback === "function" &&
    (onread.buffer instanceof Uint8Array || typeof onread.buffer === "function") ? onread : null;
  if (options.signal) {
    const signal = options.signal;
    queueMicrotask(() => {
      if (signal.aborted) this._aborted = true;
      else signal.addEventListener("abort", () => { this._aborted = true; }, { once: true });
    });
  }
  return this;
}
Object.setPrototypeOf(Socket.prototype, Duplex.prototype);
Object.setPrototypeOf(Socket, Duplex);

// ---------- timeouts ----------
/// Activity restarts the timeout (Node's _unrefTimer); the restart goes through setTimeout
/// with a callback, so an expiry emits `timeout` twice, as workerd's does.
Socket.prototype._unrefTimer = function () {
  if (this[timer] != null) {
    clearTimeout(this[timer]);
    this[timer] = this.setTimeout(this.timeout, () => this._onTimeout());
  }
};

Socket.prototype.setTimeout = function (msecs, callback) {
  if (this.destroyed) return this;
  this.timeout = msecs;
  msecs = timerDuration(msecs, "msecs");
  clearTimeout(this[timer]);
  if (msecs === 0) {
    if (callback !== undefined) {
      validate.function(callback, "callback");
      this.removeListener("timeout", callback);
    }
  } else {
    this[timer] = setTimeout(() => this._onTimeout(), msecs);
    if (callback !== undefined) {
      validate.function(callback, "callback");
      this.once("timeout", callback);
    }
  }
  return this;
};

Socket.prototype._onTimeout = function () {
  this.emit("timeout");
};

function timerDuration(msecs, name) {
  validate.number(msecs, name);
  if (msecs < 0 || !Number.isFinite(msecs)) throw codes.ERR_OUT_OF_RANGE(name, "a non-negative finite number", msecs);
  return Math.min(msecs, TIMEOUT_MAX);
}

// ---------- addresses ----------
Socket.prototype._getpeername = function () {
  return this._handle == null || this[info] == null ? {} : { ...this[info] };
};
Socket.prototype._getsockname = function () {
  if (this._handle == null) return {};
  this._sockname ??= { address: "0.0.0.0", port: 0, family: "IPv4" };
  return this._sockname;
};
Socket.prototype.address = function () {
  return this._getsockname();
};

// ---------- writing ----------
Socket.prototype._writeGeneric = function (writev, data, encoding, cb) {
  try {
    if (this.connecting) {
      // Held until the connection opens; the stream queues what comes after.
      this._pendingData = data;
      this._pendingEncoding = encoding;
      const onClose = () => cb(socketError("ERR_SOCKET_CLOSED_BEFORE_CONNECTION", "Socket closed before connection established"));
      this.once("connect", () => {
        this.off("close", onClose);
        this._writeGeneric(writev, data, encoding, cb);
      });
      this.once("close", onClose);
      return;
    }
    this._pendingData = null;
    this._pendingEncoding = "";
    if (this._handle?.writer === undefined) return cb(closedError());
    this._unrefTimer();
    const bytes = writev ? Buffer.concat(data.map(chunkBytes)) : chunkBytes({ chunk: data, encoding });
    this._handle.writer.write(bytes).then(
      () => {
        if (this._handle != null) this._handle.bytesWritten += this[lastWrite];
        else this[counts].written += this[lastWrite];
        this[lastWrite] = 0;
        this._unrefTimer();
        cb();
      },
      (error) => {
        this[lastWrite] = 0;
        this._unrefTimer();
        // A write after the peer closed is not an error in Node (workerd drops it too).
        cb(writev || error?.message !== WRITE_CLOSED ? error : undefined);
      },
    );
    // workerd counts a write's bytes from the chunk as given, which for a string is nothing.
    this[lastWrite] = writev ? bytes.byteLength : data.byteLength ?? 0;
  } catch (error) {
    this.destroy(error);
  }
};

function chunkBytes({ chunk, encoding }) {
  if (typeof chunk === "string") return Buffer.from(chunk, encoding);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw codes.ERR_INVALID_ARG_TYPE("chunk", ["string", "ArrayBufferView"], chunk);
}

Socket.prototype._writev = function (chunks, cb) {
  this._writeGeneric(true, chunks, "", cb);
};
Socket.prototype._write = function (data, encoding, cb) {
  this._writeGeneric(false, data, encoding, cb);
};
Socket.prototype._final = function (cb) {
  if (this.connecting) return void this.once("connect", () => this._final(cb));
  if (this._handle == null) return cb();
  // A write side the peer's end already closed has nothing left to close.
  this._handle.writer.close().then(() => cb(), (error) => cb(error?.message === WRITE_CLOSED ? undefined : error));
};
Socket.prototype.end = function (data, encoding, cb) {
  Duplex.prototype.end.call(this, data, encoding, cb);
  return this;
};

function writeAfterEnd(chunk, encoding, cb) {
  if (!this.writableEnded) return Duplex.prototype.write.call(this, chunk, encoding, cb);
  if (typeof encoding === "function") cb = encoding;
  const error = socketError("EPIPE", "This socket has been ended by the other party");
  if (typeof cb === "function") queueMicrotask(() => cb(error));
  this.destroy(error);
  return false;
}

function onEnd() {
  if (!this.allowHalfOpen) this.write = writeAfterEnd;
}

// ---------- reading ----------
Socket.prototype.pause = function () {
  if (!this.connecting && this._handle?.reading && !this.destroyed) this._handle.reading = false;
  return Duplex.prototype.pause.call(this);
};
Socket.prototype.resume = function () {
  if (!this.connecting && this._handle && !this._handle.reading) startReading(this);
  return Duplex.prototype.resume.call(this);
};
Socket.prototype.read = function (n) {
  if (!this.connecting && this._handle && !this._handle.reading) startReading(this);
  return Duplex.prototype.read.call(this, n);
};
Socket.prototype._read = function (n) {
  if (this.connecting || !this._handle) this.once("connect", () => this._read(n));
  else if (!this._handle.reading) startReading(this);
};

function startReading(socket) {
  if (socket._handle != null) socket._handle.reading = true;
  readLoop(socket).catch((error) => socket.destroy(error));
}

/// Pushes what arrives until the stream wants no more, the socket is paused or gone, or the
/// peer ends its side (a `null` push: `end`).
async function readLoop(socket) {
  const handle = socket._handle;
  if (!handle) return;
  try {
    while (handle.reading === true) {
      const { value, done } = await handle.reader.read();
      if (socket.destroyed) break;
      socket._unrefTimer();
      if (done) {
        socket.push(null);
        break;
      }
      if (value.byteLength === 0) continue;
      handle.bytesRead += value.byteLength;
      const chunk = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      if (socket._onread !== null) {
        if (deliverToBuffer(socket._onread, chunk) === false) break;
        continue;
      }
      if (!socket.push(chunk)) break;
    }
  } catch {
    // A socket closing under a read ends the loop; close() reports what matters.
  } finally {
    handle.reading = false;
  }
}

/// `onread`: the bytes go into the caller's buffer, and its callback says whether to go on.
function deliverToBuffer(onread, chunk) {
  const buffer = typeof onread.buffer === "function" ? onread.buffer() : onread.buffer;
  for (let at = 0; at < chunk.byteLength; at += buffer.byteLength) {
    const part = chunk.subarray(at, at + buffer.byteLength);
    buffer.set(part);
    if (onread.callback(part.byteLength, buffer) === false) return false;
  }
  return true;
}

// ---------- connecting, destroying ----------
Socket.prototype.connect = function (...args) {
  const [options, cb] = Array.isArray(args[0]) && args[0][NORMALIZED] ? args[0] : _normalizeArgs(args);
  if (this.connecting) throw socketError("ERR_SOCKET_CONNECTING", "Socket is already connecting");
  if (this._aborted) {
    const error = Object.assign(new Error("The operation was aborted"), { code: "ABORT_ERR", name: "AbortError" });
    if (cb) return void cb(error);
    throw error;
  }
  if (cb !== null) this.once("connect", cb);
  if (options.port === undefined && options.path == null) {
    throw nodeError(TypeError, "ERR_MISSING_ARGS", 'The "options" or "port" or "path" argument must be specified');
  }
  if (this.write !== Socket.prototype.write) this.write = Socket.prototype.write;
  if (options.path != null) throw codes.ERR_INVALID_ARG_VALUE("path", options.path, "is not supported");
  this[counts] = { read: 0, written: 0 };
  if (this._handle) {
    const again = () => openConnection(this, options);
    this._handle.socket.close().then(again, again);
  } else {
    openConnection(this, options);
  }
  return this;
};

function openConnection(socket, options) {
  const { host = "localhost", family, hints, lookup, localAddress, localPort, autoSelectFamily } = options;
  const { autoSelectFamilyAttemptTimeout: attemptTimeout } = options;
  let { port } = options;
  if (localAddress && !isIP(localAddress)) throw invalidIp(localAddress);
  if (localPort) validate.number(localPort, "options.localPort");
  if (typeof port !== "number" && typeof port !== "string") {
    throw codes.ERR_INVALID_ARG_TYPE("options.port", ["number", "string"], port);
  }
  port = validatePort(port);
  // Accepted and unused (database drivers pass them), as workerd does.
  if (autoSelectFamily != null) validate.boolean(autoSelectFamily, "options.autoSelectFamily");
  if (attemptTimeout != null) validate.integer(attemptTimeout, "options.autoSelectFamilyAttemptTimeout", 1, 2 ** 31 - 1);
  socket._unrefTimer();
  socket.connecting = true;
  const addressType = isIP(host);
  const proceed = (address, ipFamily) => {
    socket[info] = { address, port, family: ipFamily === 4 ? "IPv4" : ipFamily === 6 ? "IPv6" : undefined };
    const target = ipFamily === 6 ? `[${address}]` : `${address}`;
    socket.emit("connectionAttempt", target, port, addressType);
    socket._host = target;
    try {
      const handle = core.unit("sockets").connect(`${target}:${port}`, {
        allowHalfOpen: socket.allowHalfOpen,
        // A Node socket can always be upgraded to TLS later.
        secureTransport: socket.encrypted ? "on" : "starttls",
      });
      socket._handle = {
        socket: handle,
        writer: handle.writable.getWriter(),
        reader: handle.readable.getReader(),
        bytesRead: 0,
        bytesWritten: 0,
        reading: false,
        options: { host: target, port, addressType },
      };
      socket._sockname = null;
      handle.opened.then(() => onOpened(socket), (error) => {
        socket.emit("connectionAttemptFailed", target, port, addressType, error);
        socket.destroy(error);
      });
      handle.closed.then(() => onClosed(socket), (error) => socket.destroy(error));
    } catch (error) {
      socket.destroy(error);
    }
  };
  if (lookup != null) validate.function(lookup, "options.lookup");
  if (addressType !== 0 || lookup == null) return proceed(host, addressType);
  // The application resolves the name itself.
  lookup(host, { family: family || addressType, hints }, (error, address, resolvedFamily) => {
    socket.emit("lookup", error, address, resolvedFamily, host);
    if (error) return void socket.destroy(error);
    if (isIP(address) === 0) throw invalidIp(address);
    if (![4, 6, "IPv4", "IPv6"].includes(resolvedFamily)) {
      throw codes.ERR_INVALID_ARG_VALUE("family", resolvedFamily, "must be 4 or 6");
    }
    proceed(address, resolvedFamily);
  });
}

function onOpened(socket) {
  if (socket.destroyed) return;
  socket.connecting = false;
  socket._sockname = null;
  socket._unrefTimer();
  socket.emit("connect");
  socket.emit("ready");
  if (!socket.isPaused()) startReading(socket);
}

function onClosed(socket) {
  if (socket._handle?.socket.upgraded) return;
  clearTimeout(socket[timer]);
  // The reads are BYOB-like pulls, so the stream's own `end` would not come: emit it.
  if (!socket.destroyed) socket.emit("end");
}

Socket.prototype._reset = function () {
  this.resetAndClosing = true;
  return this.destroy();
};
Socket.prototype.resetAndDestroy = function () {
  if (!this._handle) this.destroy(closedError());
  else if (this.connecting) this.once("connect", () => this._reset());
  else this._reset();
  return this;
};
Socket.prototype.destroySoon = function () {
  if (this.writable) this.end();
  if (this.writableFinished) this.destroy();
  else this.once("finish", () => this.destroy());
};

Socket.prototype._destroy = function (error, cb) {
  this.connecting = false;
  clearTimeout(this[timer]);
  if (this._handle == null) return void afterDestroy(this, cb, error);
  this._handle.socket.close().then(() => afterDestroy(this, cb, error), (e) => afterDestroy(this, cb, e || error));
};

/// workerd's cleanup emits `error` and `close` itself before the stream's own `error`.
function afterDestroy(socket, cb, error) {
  if (socket._handle != null) {
    socket[counts] = { read: socket._handle.bytesRead, written: socket._handle.bytesWritten };
    socket.resetAndClosing = false;
  }
  socket[lastWrite] = 0;
  socket[info] = null;
  if (error != null) socket.emit("error", error);
  cb?.(error);
  socket.emit("close", error != null);
}

Socket.prototype.setNoDelay = function () { return this; };
Socket.prototype.setKeepAlive = function () { return this; };
Socket.prototype.ref = function () {};
Socket.prototype.unref = function () {};

const accessors = {
  _connecting() { return this.connecting; },
  pending() { return !this._handle || this.connecting; },
  readyState() {
    if (this.connecting) return "opening";
    if (this.readable && this.writable) return "open";
    if (this.readable) return "readOnly";
    return this.writable ? "writeOnly" : "closed";
  },
  bufferSize() { return this._handle ? this.writableLength : undefined; },
  bytesRead() { return this._handle ? this._handle.bytesRead : this[counts].read; },
  _bytesDispatched() { return this._handle ? this._handle.bytesWritten : this[counts].written; },
  bytesWritten() {
    const buffered = this.writableBuffer;
    if (!buffered) return undefined;
    const pending = this._pendingData;
    if (Array.isArray(pending)) {
      return pending.reduce((n, c) => (c == null ? n : n + Buffer.byteLength(c.chunk, c.encoding)), this._bytesDispatched);
    }
    if (pending) return this._bytesDispatched + (typeof pending === "string" ? Buffer.byteLength(pending, this._pendingEncoding) : pending.length);
    return this.writableLength + this._bytesDispatched;
  },
  remoteAddress() { return this._getpeername().address; },
  remoteFamily() { return this._getpeername().family; },
  remotePort() { return this._getpeername().port; },
  localAddress() { return this._getsockname().address; },
  localPort() { return this._getsockname().port; },
  localFamily() { return this._getsockname().family; },
};
for (const [name, get] of Object.entries(accessors)) {
  const enumerable = !["_connecting", "pending", "readyState", "bufferSize"].includes(name);
  Object.defineProperty(Socket.prototype, name, { get, enumerable, configurable: name === "pending" });
}

// ---------- the module's functions ----------
/// `[options, callback]` from Node's overloads: (options[, cb]), (path[, cb]), (port[, host][, cb]).
function _normalizeArgs(args) {
  let options = {};
  if (args.length > 0) {
    const first = args[0];
    if (typeof first === "object" && first !== null) options = first;
    else if (typeof first === "string" && !(Number(first) >= 0)) options.path = first;
    else {
      options.port = first;
      if (args.length > 1 && typeof args[1] === "string") options.host = args[1];
    }
  }
  const cb = args[args.length - 1];
  const out = [options, typeof cb === "function" ? cb : null];
  out[NORMALIZED] = true;
  return out;
}

function connect(...args) {
  const normalized = _normalizeArgs(args);
  const socket = new Socket(normalized[0]);
  if (normalized[0].timeout) socket.setTimeout(normalized[0].timeout);
  return socket.destroyed ? socket : socket.connect(normalized);
}

function Server() {
  throw new Error("Server is not implemented");
}
function createServer() {
  throw new Error("createServer() is not implemented");
}

let attemptTimeoutMs = 10;
const module = {
  BlockList, SocketAddress, Stream: Socket, Server, Socket, connect, createConnection: connect, createServer,
  getDefaultAutoSelectFamily: () => false,
  setDefaultAutoSelectFamily(value) {
    if (value) throw codes.ERR_INVALID_ARG_VALUE("val", value);
  },
  getDefaultAutoSelectFamilyAttemptTimeout: () => attemptTimeoutMs,
  setDefaultAutoSelectFamilyAttemptTimeout(value) {
    validate.integer(value, "val", 1, 2 ** 31 - 1);
    attemptTimeoutMs = Math.max(value, 10);
  },
  isIP, isIPv4, isIPv6, _normalizeArgs,
};

// validatePort and timerDuration are node:http's too (node_http), not node:net exports; and
// node:tls's sockets (tls.js) open, close and read as these sockets do.
const socketInternals = { onOpened, onClosed, startReading };
return { ...module, default: module, validatePort, timerDuration, socketInternals };
