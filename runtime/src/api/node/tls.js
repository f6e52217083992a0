// node_tls: node:tls (with _tls_common and _tls_wrap), and node:_stream_wrap's JSStreamSocket,
// as workerd gives them. A TLSSocket is a net.Socket whose connection is made with
// `secureTransport: "on"`, or upgraded with `startTls()` when it wraps a plain net.Socket; the
// options workerd cannot honour (a server side, client certificates, ALPN, …) are refused with
// its errors. Answers recorded in reference/workerd/results/snippets-node-late-modules.json.

const { codes, validate, nodeError } = core.unit("node_internal");
const net = core.unit("node_net");
const { Buffer } = core.unit("node_buffer");
const { Socket, isIP, _normalizeArgs } = net;
const { onOpened, onClosed, startReading } = net.socketInternals;

const tlsError = {
  invalidContext: (field) => nodeError(TypeError, "ERR_TLS_INVALID_CONTEXT", `${field} must be a SecureContext`),
  handshakeTimeout: () => nodeError(Error, "ERR_TLS_HANDSHAKE_TIMEOUT", "TLS handshake timeout", true),
  altnameFormat: () => nodeError(SyntaxError, "ERR_TLS_CERT_ALTNAME_FORMAT", "Invalid subject alternative name string"),
  altnameInvalid(reason, host, cert) {
    const error = nodeError(Error, "ERR_TLS_CERT_ALTNAME_INVALID", reason, true);
    return Object.assign(error, { reason, host, cert });
  },
  streamWrap: () => nodeError(Error, "ERR_STREAM_WRAP", "Stream has StringDecoder set or is in objectMode", true),
  connReset(message) { return nodeError(Error, "ECONNRESET", message, true); },
};

// ---------- certificates' names ----------
const unfqdn = (host) => host.replace(/[.]$/, "");
const splitHost = (host) => unfqdn(host).replace(/[A-Z]/g, (c) => c.toLowerCase()).split(".");

/// Whether `pattern` (a certificate's DNS name, `*` allowed in the first label only) names the
/// host split into `hostParts`, by RFC 6125's rules as Node applies them.
function matchesName(hostParts, pattern) {
  if (!pattern) return false;
  const patternParts = splitHost(pattern);
  if (hostParts.length !== patternParts.length || patternParts.includes("")) return false;
  if (patternParts.some((part) => /[^\u0021-\u007F]/u.test(part))) return false;
  for (let i = hostParts.length - 1; i > 0; i -= 1) if (hostParts[i] !== patternParts[i]) return false;
  const hostLabel = hostParts[0];
  const patternLabel = patternParts[0];
  const pieces = patternLabel.split("*", 3);
  if (pieces.length === 1 || patternLabel.includes("xn--")) return hostLabel === patternLabel;
  // One wildcard, and not in a name of fewer than three labels (`*.com`).
  if (pieces.length > 2 || patternParts.length <= 2) return false;
  const [prefix, suffix] = pieces;
  return prefix.length + suffix.length <= hostLabel.length && hostLabel.startsWith(prefix) && hostLabel.endsWith(suffix);
}

const JSON_STRING = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/;

/// `subjectaltname`'s entries where some are JSON-quoted (names holding `, `).
function splitEscapedAltNames(altNames) {
  const result = [];
  let token = "";
  let offset = 0;
  while (offset !== altNames.length) {
    const nextSep = altNames.indexOf(",", offset);
    const nextQuote = altNames.indexOf('"', offset);
    if (nextQuote !== -1 && (nextSep === -1 || nextQuote < nextSep)) {
      token += altNames.substring(offset, nextQuote);
      const match = JSON_STRING.exec(altNames.substring(nextQuote));
      if (!match) throw tlsError.altnameFormat();
      token += JSON.parse(match[0]);
      offset = nextQuote + match[0].length;
    } else if (nextSep !== -1) {
      token += altNames.substring(offset, nextSep);
      result.push(token);
      token = "";
      offset = nextSep + 2;
    } else {
      token += altNames.substring(offset);
      offset = altNames.length;
    }
  }
  result.push(token);
  return result;
}

/// An IP address as the URL parser writes it (IPv6 compressed), to compare with.
function canonicalIp(ip) {
  const host = isIP(ip) === 6 ? `[${ip}]` : ip;
  try {
    return new URL(`http://${host}/`).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return ip;
  }
}

function checkServerIdentity(hostname, cert) {
  const subject = cert.subject;
  const altNames = cert.subjectaltname;
  const dnsNames = [];
  const ips = [];
  hostname = `${hostname}`;
  if (altNames) {
    const names = altNames.includes('"') ? splitEscapedAltNames(altNames) : altNames.split(", ");
    for (const name of names) {
      if (name.startsWith("DNS:")) dnsNames.push(name.slice(4));
      else if (name.startsWith("IP Address:")) ips.push(canonicalIp(name.slice(11)));
    }
  }
  let valid = false;
  let reason = "Unknown reason";
  hostname = unfqdn(hostname);
  if (isIP(hostname)) {
    valid = ips.includes(canonicalIp(hostname));
    if (!valid) reason = `IP: ${hostname} is not in the cert's list: ${ips.join(", ")}`;
  } else if (dnsNames.length > 0 || subject?.CN) {
    const hostParts = splitHost(hostname);
    const matches = (pattern) => matchesName(hostParts, pattern);
    if (dnsNames.length > 0) {
      valid = dnsNames.some(matches);
      if (!valid) reason = `Host: ${hostname}. is not in the cert's altnames: ${altNames}`;
    } else {
      const cn = subject?.CN;
      if (Array.isArray(cn)) valid = cn.some(matches);
      else if (cn) valid = matches(cn);
      if (!valid) reason = `Host: ${hostname}. is not cert's CN: ${cn}`;
    }
  } else {
    reason = "Cert does not contain a DNS name";
  }
  return valid ? undefined : tlsError.altnameInvalid(reason, hostname, cert);
}

/// ALPN's wire form: each protocol name preceded by its length.
function convertALPNProtocols(protocols, out) {
  if (Array.isArray(protocols)) {
    const lengths = protocols.map((protocol, i) => {
      const length = Buffer.byteLength(protocol);
      if (length > 255) {
        throw nodeError(RangeError, "ERR_OUT_OF_RANGE",
          `The byte length of the protocol at index ${i} exceeds the maximum length. It must be <= 255. Received ${length}`, true);
      }
      return length;
    });
    const buffer = Buffer.allocUnsafe(lengths.reduce((sum, length) => sum + 1 + length, 0));
    let offset = 0;
    protocols.forEach((protocol, i) => {
      buffer[offset++] = lengths[i];
      buffer.write(protocol, offset);
      offset += lengths[i];
    });
    out.ALPNProtocols = buffer;
  } else if (protocols instanceof Uint8Array) {
    out.ALPNProtocols = Buffer.from(protocols);
  } else if (ArrayBuffer.isView(protocols)) {
    out.ALPNProtocols = Buffer.from(protocols.buffer.slice(protocols.byteOffset, protocols.byteOffset + protocols.byteLength));
  }
}

// ---------- secure contexts (_tls_common) ----------
/// There is no OpenSSL context to configure: a SecureContext only checks its options.
function SecureContext(secureProtocol, secureOptions, minVersion, maxVersion) {
  if (!(this instanceof SecureContext)) return new SecureContext(secureProtocol, secureOptions, minVersion, maxVersion);
  if (secureOptions !== undefined) validate.integer(secureOptions, "secureOptions");
  this.context = undefined;
  return this;
}

function createSecureContext(options = {}) {
  return new SecureContext(options.secureProtocol, options.secureOptions, options.minVersion, options.maxVersion);
}

/// Node's form of a peer certificate: `infoAccess`'s lines as lists by key.
function translatePeerCertificate(c) {
  if (!c) return null;
  if (c.issuerCertificate != null && c.issuerCertificate !== c) c.issuerCertificate = translatePeerCertificate(c.issuerCertificate);
  if (c.infoAccess != null) {
    const info = c.infoAccess;
    c.infoAccess = { __proto__: null };
    info.replace(/([^\n:]*):([^\n]*)(?:\n|$)/g, (_all, key, value) => {
      if (value.charCodeAt(0) === 0x22) value = JSON.parse(value);
      (c.infoAccess[key] ??= []).push(value);
    });
  }
  return c;
}

const tlsCommon = { SecureContext, createSecureContext, translatePeerCertificate };

// ---------- node:_stream_wrap: a net.Socket over any Duplex ----------
/// The stream's chunks as a socket handle's reader reads them: the stream flows while a read
/// waits and pauses when chunks wait for a read.
function chunkReader(stream) {
  const chunks = [];
  let ended = false;
  let waiting = null;
  const settle = () => {
    if (waiting === null || (chunks.length === 0 && !ended)) return;
    const { resolve } = waiting;
    waiting = null;
    resolve(chunks.length > 0 ? { value: chunks.shift(), done: false } : { value: undefined, done: true });
  };
  stream.on("data", (chunk) => {
    if (typeof chunk === "string") return;
    chunks.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (waiting === null) stream.pause();
    settle();
  });
  stream.once("end", () => {
    ended = true;
    settle();
  });
  return {
    read() {
      waiting ??= Promise.withResolvers();
      const { promise } = waiting;
      settle();
      if (waiting !== null && stream.isPaused()) stream.resume();
      return promise;
    },
    releaseLock() {},
  };
}

/// What a TLSSocket wraps when given a stream that is not a net.Socket: the stream's bytes, as a
/// socket's. There is no TLS on it (workerd's is the same pass-through).
class JSStreamSocket extends Socket {
  constructor(stream) {
    const closed = Promise.withResolvers();
    const connection = {
      startTls() { throw new Error("startTls() should not be called for a duplex stream"); },
      upgraded: false,
      secureTransport: "off",
      closed: closed.promise,
      close: async () => { queueMicrotask(() => closed.resolve()); return closed.promise; },
      opened: Promise.resolve({}),
    };
    const writer = {
      write: async (data) => { stream.write(data); },
      close: async () => { stream.end(); },
      releaseLock() {},
    };
    const handle = {
      reading: false, bytesRead: 0, bytesWritten: 0, socket: connection,
      reader: chunkReader(stream), writer, options: { host: "0.0.0.0", port: 0, addressType: 4 },
    };
    stream.pause();
    stream.on("error", (error) => this.emit("error", error));
    const ondata = (chunk) => {
      if (typeof chunk === "string" || stream.readableObjectMode === true) {
        stream.pause();
        stream.removeListener("data", ondata);
        this.emit("error", tlsError.streamWrap());
      }
    };
    stream.on("data", ondata);
    stream.once("end", () => closed.resolve());
    stream.once("close", () => this.destroy());
    super({ handle });
    this.stream = stream;
    this.readable = stream.readable;
    this.writable = stream.writable;
    closed.promise.then(() => this.doClose());
    // Reading starts on demand, not here: a TLSSocket wrapping this reads its handle instead.
  }

  isClosing() { return !this.readable || !this.writable; }
  readStart() { this.stream.resume(); return 0; }
  readStop() { this.stream.pause(); return 0; }
  doShutdown() {
    queueMicrotask(() => this.stream.end());
    return 0;
  }
  doClose() { this.stream.destroy(); }
}

// ---------- TLSSocket (_tls_wrap) ----------
const connectOptions = Symbol("connect-options");
const pendingSession = Symbol("pendingSession");
const verified = Symbol("verified");

function checkServerIdentityOption(value, name) {
  if (value === undefined) return;
  validate.function(value, name);
  if (core.hasFlag("throw_on_not_implemented_tls_options")) throw codes.ERR_OPTION_NOT_IMPLEMENTED(name);
}

/// The options a TLSSocket cannot honour, refused in workerd's order.
function refuseUnsupported(options) {
  for (const name of ["enableTrace", "isServer", "server", "requestCert"]) {
    if (options[name]) throw codes.ERR_OPTION_NOT_IMPLEMENTED(`options.${name}`);
  }
  if (options.rejectUnauthorized === false) throw codes.ERR_OPTION_NOT_IMPLEMENTED("options.rejectUnauthorized");
  for (const name of ["ALPNProtocols", "SNICallback"]) {
    if (options[name] !== undefined) throw codes.ERR_OPTION_NOT_IMPLEMENTED(`options.${name}`);
  }
  if (options.requestOCSP) throw codes.ERR_OPTION_NOT_IMPLEMENTED("options.requestOCSP");
  if (options.secureContext !== undefined && !(options.secureContext instanceof SecureContext)) {
    throw tlsError.invalidContext("context");
  }
  if (options.pskCallback !== undefined) throw codes.ERR_OPTION_NOT_IMPLEMENTED("options.pskCallback");
  checkServerIdentityOption(options.checkServerIdentity, "options.checkServerIdentity");
}

function TLSSocket(socket, opts) {
  const tlsOptions = { ...opts };
  refuseUnsupported(tlsOptions);
  this._tlsOptions = tlsOptions;
  this._secureEstablished = false;
  this._securePending = false;
  this._newSessionPending = false;
  this._controlReleased = false;
  this.secureConnecting = true;
  this.servername = tlsOptions.servername ?? null;
  this.authorized = false;
  this[verified] = false;
  this[pendingSession] = null;
  let wrap = null;
  let handle = null;
  if (socket) {
    wrap = socket instanceof Socket ? socket : new JSStreamSocket(socket);
    handle = wrap._handle;
  }
  this.encrypted = true;
  Socket.call(this, {
    handle: this._wrapHandle(wrap, handle),
    allowHalfOpen: socket ? socket.allowHalfOpen : tlsOptions.allowHalfOpen,
    highWaterMark: tlsOptions.highWaterMark,
    onread: socket ? null : tlsOptions.onread,
    signal: tlsOptions.signal,
  });
  this._parent = handle;
  this._parentWrap = wrap;
  this.ssl = this._handle;
  this.on("error", this._tlsError.bind(this));
  this._init();
}
Object.setPrototypeOf(TLSSocket.prototype, Socket.prototype);
Object.setPrototypeOf(TLSSocket, Socket);

function onSocketCloseDestroySSL() {
  this._destroySSL();
}

/// Until the handshake is done an error destroys the socket; after, it is the socket's error.
function onerror(error) {
  if (this._hadError) return;
  this._hadError = true;
  if (!this._secureEstablished) this.destroy(error);
  else this._emitTLSError(error);
}

Object.assign(TLSSocket.prototype, {
  disableRenegotiation() {},
  _wrapHandle(wrap, handle) {
    if (!handle) return null;
    if (this.listenerCount("close", onSocketCloseDestroySSL) === 0) this.once("close", onSocketCloseDestroySSL);
    wrap?.once("close", () => this.destroy());
    return handle;
  },
  _destroySSL() {
    this._handle?.socket.close().then(() => {
      this[pendingSession] = null;
      this[verified] = false;
    });
  },
  _init() {
    const options = this._tlsOptions;
    this.on("error", onerror.bind(this));
    if (options.handshakeTimeout > 0) this.setTimeout(options.handshakeTimeout, this._handleTimeout.bind(this));
    if (this._parentWrap instanceof JSStreamSocket) {
      queueMicrotask(() => {
        this._finishInit();
        this._parentWrap.readStart();
        if (!this.isPaused()) startReading(this);
      });
    } else {
      this.on("connect", () => this._finishInit());
    }
  },
  renegotiate(options, callback) {
    validate.object(options, "options");
    if (callback !== undefined) validate.function(callback, "callback");
    return false;
  },
  exportKeyingMaterial(length, label, context) {
    validate.uint32(length, "length", true);
    validate.string(label, "label");
    if (context !== undefined) validate.buffer(context, "context");
    throw new Error("exportKeyingMaterial is not implemented");
  },
  setMaxSendFragment(size) {
    validate.int32(size, "size");
    return false;
  },
  _handleTimeout() { this._emitTLSError(tlsError.handshakeTimeout()); },
  _emitTLSError(error) {
    const e = this._tlsError(error);
    if (e) this.emit("error", e);
  },
  _tlsError(error) {
    this.emit("_tlsError", error);
    return this._controlReleased ? error : null;
  },
  /// From here on TLS errors are the socket's `error`s. (workerd means to drop its `_tlsError`
  /// listener here too, and does not: it removes a fresh bind. The listener stays, as there.)
  _releaseControl() {
    if (this._controlReleased) return false;
    this._controlReleased = true;
    return true;
  },
  _finishInit() {
    if (!this._handle) return;
    this._secureEstablished = true;
    if (this._tlsOptions.handshakeTimeout > 0) this.setTimeout(0, this._handleTimeout.bind(this));
    this.emit("secure");
  },
  /// Upgrades the wrapped plain socket (`startTls()`); a socket opened with TLS needs nothing.
  _start() {
    if (this.connecting) return void this.once("connect", () => this._start());
    if (this._parentWrap != null && this._parentWrap._handle == null) {
      this._parentWrap.once("connect", () => {
        if (this._parentWrap?._handle != null) this._handle = this._parentWrap._handle;
        this._start();
      });
      return;
    }
    if (this._handle?.socket.secureTransport !== "starttls") return;
    this._handle.writer.releaseLock();
    this._handle.reader.releaseLock();
    try {
      const { host, port, addressType } = this._handle.options;
      const tls = this._handle.socket.startTls(this.servername != null ? { expectedServerHostname: this.servername } : undefined);
      this._handle = {
        socket: tls, writer: tls.writable.getWriter(), reader: tls.readable.getReader(),
        bytesRead: 0, bytesWritten: 0, reading: false, options: this._handle.options,
      };
      this.connecting = true;
      tls.opened.then(() => onOpened(this), (error) => {
        this.emit("connectionAttemptFailed", host, port, addressType, error);
        this.destroy(error);
      });
      tls.closed.then(() => onClosed(this), (error) => this.destroy(error));
    } catch (error) {
      this.destroy(error);
    }
  },
  setServername(name) {
    validate.string(name, "name");
    this.servername = name;
  },
  setSession() {},
  getPeerCertificate() { throw new Error("getPeerCertificate is not implemented"); },
  getCertificate() { throw new Error("TLSSocket.getCertificate is not implemented"); },
  getPeerX509Certificate() { throw new Error("TLSSocket.getPeerX509Certificate is not implemented"); },
  getX509Certificate() { throw new Error("TLSSocket.getX509Certificate is not implemented"); },
  setKeyCert() { throw new Error("TLSSocket.setKeyCert is not implemented"); },
});
for (const method of ["getCipher", "getSharedSigalgs", "getEphemeralKeyInfo", "getFinished", "getPeerFinished",
  "getProtocol", "getSession", "getTLSTicket", "isSessionReused", "enableTrace"]) {
  TLSSocket.prototype[method] = function () { return null; };
}

function onConnectSecure() {
  this.authorized = true;
  this.secureConnecting = false;
  this.emit("secureConnect");
  this[verified] = true;
  const session = this[pendingSession];
  this[pendingSession] = null;
  if (session) this.emit("session", session);
  this.removeListener("end", onConnectEnd);
}

function onConnectEnd() {
  if (this._hadError) return;
  const options = this[connectOptions];
  this._hadError = true;
  const error = tlsError.connReset("Client network socket disconnected before secure TLS connection was established");
  Object.assign(error, { path: options?.path, host: options?.host, port: options?.port, localAddress: options?.localAddress });
  this.destroy(error);
}

/// Node's overloads, with the options object of (port, host, options) merged in.
function normalizeConnectArgs(args) {
  const [options, cb] = _normalizeArgs(args);
  if (args[1] !== null && typeof args[1] === "object") Object.assign(options, args[1]);
  else if (args[2] !== null && typeof args[2] === "object") Object.assign(options, args[2]);
  return [options, cb];
}

function connect(...args) {
  const [options, cb] = normalizeConnectArgs(args);
  if (options.minDHSize !== undefined) {
    validate.number(options.minDHSize, "options.minDHSize", 1);
    throw codes.ERR_OPTION_NOT_IMPLEMENTED("options.minDHSize");
  }
  if (options.rejectUnauthorized === false) throw codes.ERR_OPTION_NOT_IMPLEMENTED("options.rejectUnauthorized");
  if (options.pskCallback !== undefined) throw codes.ERR_OPTION_NOT_IMPLEMENTED("options.pskCallback");
  checkServerIdentityOption(options.checkServerIdentity, "options.checkServerIdentity");
  const socket = new TLSSocket(options.socket, {
    allowHalfOpen: options.allowHalfOpen, pipe: !!options.path, ALPNProtocols: options.ALPNProtocols,
    enableTrace: options.enableTrace, highWaterMark: options.highWaterMark, secureContext: options.secureContext,
    onread: options.onread, signal: options.signal, lookup: options.lookup,
    rejectUnauthorized: options.rejectUnauthorized !== undefined ? Boolean(options.rejectUnauthorized) : true,
  });
  socket[connectOptions] = options;
  if (options.servername !== undefined) socket.servername = options.servername;
  if (cb) socket.once("secureConnect", cb);
  if (!options.socket) {
    if (options.timeout) socket.setTimeout(options.timeout);
    socket.connect(options, socket._start.bind(socket));
  }
  socket._releaseControl();
  if (options.session) socket.setSession(options.session);
  if (options.socket) socket._start();
  socket.on("secure", onConnectSecure);
  socket.prependListener("end", onConnectEnd);
  return socket;
}

// ---------- the modules ----------
const notImplemented = () => { throw new Error("Not implemented"); };
const constants = {
  CLIENT_RENEG_LIMIT: 3, CLIENT_RENEG_WINDOW: 600, DEFAULT_CIPHERS: "", DEFAULT_ECDH_CURVE: "auto",
  DEFAULT_MIN_VERSION: "TLSv1.2", DEFAULT_MAX_VERSION: "TLSv1.3", rootCertificates: [],
};
const tls = {
  SecureContext, Server: function Server() { notImplemented(); }, TLSSocket, connect, createSecureContext,
  createServer: function createServer() { notImplemented(); }, checkServerIdentity, convertALPNProtocols,
  getCiphers: function getCiphers() { notImplemented(); },
  createSecurePair() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("createSecurePair"); },
  ...constants,
};
const tlsWrap = { connect, TLSSocket };
const streamWrap = { default: JSStreamSocket };
return { ...tls, default: tls, tlsCommon, tlsWrap, streamWrap };
