// connect() from cloudflare:sockets: a TCP connection as a Socket — readable and writable byte
// streams, `opened`, `closed`, `close()`, `startTls()` — with workerd's checks, order and texts
// (sockets.c++, recorded in reference/workerd/results/sockets.json). The bytes travel over a
// socket end (ops.rs): each write is one chunk, and the end of a side is a FIN.
//
// TLS is not on the wire here: `secureTransport: "on"` and `startTls()` change what the socket
// reports, and the host learns of TLS from the start; a handshake cannot fail.

const { unit, deferred, awaitOp, URL, chunkBytes } = core;
const { ReadableStream, WritableStream } = unit("streams");

const ADDRESS_REQUIRED =
  "Cannot initialize N7workerd3api13SocketAddressE with required members from an undefined or null value.";
const UNPARSABLE = "Specified address could not be parsed.";
const NO_HOSTNAME = "Specified address is missing hostname.";
const NO_PORT = "Specified address is missing port.";
const BAD_HOST = "Specified address is empty string, contains unsupported characters or is too long.";
const WRITE_STRING =
  "This TransformStream is being used as a byte stream, but received a string on its writable side. If you wish to write a string, you'll probably want to explicitly UTF-8-encode it with TextEncoder.";
const READ_CLOSING = "This ReadableStream belongs to an object that is closing.";
const WRITE_CLOSING = "This WritableStream belongs to an object that is closing.";
const WRITE_CLOSED = "This WritableStream has been closed.";
const CANCELLED = "Stream was cancelled.";
const PROXY_FAILED = "proxy request failed, cannot connect to the specified address";
const HTTP_HINT =
  ". It looks like you might be trying to connect to a HTTP-based service — consider using fetch instead";
const TRANSPORTS = ["off", "starttls", "on"];
const STARTTLS_NEEDED =
  "The `secureTransport` socket option must be set to 'starttls' for startTls to be used.";
const INTERNAL = Symbol("socket");

/// connect() to these `host:port`s is a binding's own (Hyperdrive's), not the network's.
const overrides = new Map();
/// Hostnames a binding made up (`<hex>.hyperdrive.local`) and the synthetic IPv4 address each
/// resolves to (node:dns asks here), whose connect() is the binding's too.
const dnsOverrides = new Map();

/// The IPv4 address an IPv4-mapped IPv6 one (`::ffff:240.0.1.2`, `[::ffff:f000:102]`, any of its
/// three spellings) stands for, else null: connect() looks overrides up under it too.
function mappedIpv4(host) {
  const lower = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  const prefix = ["::ffff:", "0:0:0:0:0:ffff:", "0000:0000:0000:0000:0000:ffff:"].find((p) => lower.startsWith(p));
  if (prefix === undefined) return null;
  const tail = lower.slice(prefix.length);
  if (tail.includes(".")) return tail;
  const groups = tail.split(":");
  if (groups.length !== 2 || !groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  const [hi, lo] = groups.map((g) => parseInt(g, 16));
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/// sockets.c++ isValidHost: a length and character check of the whole address.
const isValidHost = (address) =>
  address.length > 0 && address.length <= 255 && /^[A-Za-z0-9\-._[\]:]*$/.test(address);

/// What connect() was given, as `{ address, domain, httpPort }`.
function parseAddress(address) {
  if (address === undefined || address === null) throw new TypeError(ADDRESS_REQUIRED);
  let parsed;
  if (typeof address === "object") {
    const hostname = String(address.hostname);
    const port = Number(address.port) & 0xffff;
    parsed = { address: `${hostname}:${port}`, domain: hostname, httpPort: port === 443 || port === 80, port };
  } else {
    const text = String(address);
    let url;
    try {
      url = new URL(`fake://${text}`);
    } catch {
      throw new TypeError(UNPARSABLE);
    }
    if (url.hostname === "") throw new TypeError(NO_HOSTNAME);
    if (url.port === "") throw new TypeError(NO_PORT);
    parsed = { address: text, domain: url.hostname, httpPort: url.port === "443" || url.port === "80", port: url.port };
  }
  if (!isValidHost(parsed.address)) throw new TypeError(BAD_HOST);
  return parsed;
}

function transportOf(options) {
  const value = options?.secureTransport;
  if (value === undefined) return "off";
  const text = String(value);
  if (!TRANSPORTS.includes(text)) throw new TypeError(`Unsupported value in secureTransport socket option: ${text}`);
  return text;
}

function connect(address, options) {
  const { address: text, domain, httpPort, port } = parseAddress(address);
  const mapped = mappedIpv4(domain);
  const override = overrides.get(text) ?? (mapped === null ? undefined : overrides.get(`${mapped}:${port}`));
  if (override) return override();
  const secureTransport = transportOf(options);
  return new Socket(INTERNAL, {
    connection: awaitOp(ops.tcpConnect(text, secureTransport === "on")),
    remoteAddress: text,
    options,
    secureTransport,
    domain,
    failure: PROXY_FAILED + (httpPort ? HTTP_HINT : ""),
  });
}

class Socket {
  #handle = null;
  #failure = null;
  #opened = deferred();
  #closed = deferred();
  #readable;
  #writable;
  #options;
  #secureTransport;
  #domain;
  #remoteAddress;
  /// The controller of a pull waiting on the network, which close() cancels.
  #reading = null;
  /// The network read that pull waits on: startTls() hands it to the upgraded socket, whose
  /// bytes it are.
  #networkRead = null;
  /// For an upgraded socket: the read its plain socket left waiting, answered here first.
  #carried = null;
  /// startTls() was called: this socket's reads are the upgraded socket's from then on.
  #handedOver = false;
  #upgraded = false;
  #closing = false;
  #closeDone = false;
  #readEnded = false;
  #writeEnded = false;

  constructor(key, { connection, remoteAddress, localAddress, options, secureTransport, domain, failure, carried = null }) {
    if (key !== INTERNAL) throw new TypeError("Illegal constructor");
    this.#carried = carried;
    this.#options = options;
    this.#secureTransport = secureTransport;
    this.#domain = domain;
    this.#remoteAddress = remoteAddress;
    // Nobody has to look at `opened` or `closed` (workerd marks both handled).
    this.#opened.promise.catch(() => {});
    this.#closed.promise.catch(() => {});
    this.#readable = new ReadableStream(
      { type: "bytes", pull: (c) => this.#pull(c), cancel: () => this.#endRead() },
      { highWaterMark: 0 },
    );
    this.#writable = new WritableStream(
      { write: (chunk) => this.#write(chunk), close: () => this.#endWrite(), abort: () => this.#endWrite() },
      { highWaterMark: 0 },
    );
    connection.then(
      (handle) => {
        this.#handle = handle;
        this.#opened.resolve(localAddress === undefined ? { remoteAddress } : { localAddress });
      },
      () => {
        this.#failure = new Error(failure);
        this.#opened.reject(this.#failure);
        this.#closed.reject(this.#failure);
      },
    );
  }

  get readable() { return this.#readable; }
  get writable() { return this.#writable; }
  get opened() { return this.#opened.promise; }
  get closed() { return this.#closed.promise; }
  get upgraded() { return this.#upgraded; }
  get secureTransport() { return this.#secureTransport; }

  async #pull(c) {
    // A read asked for while close() runs is cancelled by it; one asked for later finds the
    // socket closing.
    if (this.#closing && !this.#closeDone) throw new Error(CANCELLED);
    if (this.#closing || this.#upgraded) throw new TypeError(READ_CLOSING);
    await this.#opened.promise.catch(() => {});
    if (this.#handle === null) return c.close();
    if (this.#handedOver) return;
    this.#reading = c;
    for (;;) {
      const read = this.#carried ?? awaitOp(ops.tcpRead(this.#handle));
      this.#carried = null;
      this.#networkRead = read;
      const bytes = await read;
      if (this.#networkRead === read) this.#networkRead = null;
      if (this.#reading !== c || this.#handedOver) return;
      if (bytes !== null && bytes.length === 0) continue;
      this.#reading = null;
      if (bytes !== null) return c.enqueue(bytes);
      c.close();
      this.#readEnded = true;
      // Without allowHalfOpen, the end of the peer's side closes this one too: the writable
      // closes (later writes find it closed) and `closed` resolves once the FIN has left.
      if (!this.#options?.allowHalfOpen) {
        WritableStream._close(this.#writable).catch(() => {});
        this.#endWrite().then(() => this.#closed.resolve());
      }
      return this.#releaseIfDone();
    }
  }

  #write(chunk) {
    if (this.#failure !== null) throw new Error(`jsg.Error: ${this.#failure.message}`);
    if (this.#closing || this.#upgraded) throw new TypeError(WRITE_CLOSING);
    if (this.#writeEnded) throw new TypeError(WRITE_CLOSED);
    if (typeof chunk === "string") throw new TypeError(WRITE_STRING);
    const bytes = chunkBytes(chunk);
    // workerd writes nothing for a chunk that is not bytes (and keeps the stream open).
    if (bytes === null || bytes.length === 0) return;
    return this.#opened.promise.then(() => ops.tcpWrite(this.#handle, bytes.slice()));
  }

  /// Ends this side once; settles when the FIN has left.
  #endWrite() {
    if (this.#writeEnded) return Promise.resolve();
    this.#writeEnded = true;
    const sent = this.#handle === null ? Promise.resolve() : awaitOp(ops.tcpEndWrite(this.#handle));
    this.#releaseIfDone();
    return sent;
  }

  #endRead() {
    this.#readEnded = true;
    this.#reading = null;
    this.#releaseIfDone();
  }

  #releaseIfDone() {
    if (this.#readEnded && this.#writeEnded && this.#handle !== null && !this.#upgraded) {
      ops.tcpRelease(this.#handle);
      this.#handle = null;
    }
  }

  close() {
    if (this.#closing) return this.#closed.promise.then(() => {}, () => {});
    this.#closing = true;
    return this.#opened.promise
      .catch(() => {})
      .then(() => {
        if (this.#reading !== null) {
          this.#reading.error(new Error(CANCELLED));
          this.#reading = null;
        }
        this.#readEnded = true;
        this.#closeDone = true;
        // Settles once the FIN has left, so a request that awaited close() ends cleanly.
        const sent = this.#endWrite();
        if (this.#failure === null) this.#closed.resolve();
        return sent;
      })
      .then(() => {});
  }

  startTls(options) {
    if (this.#secureTransport === "on") throw new TypeError("Cannot startTls on a TLS socket.");
    if (this.#closing || (this.#readEnded && this.#writeEnded)) {
      throw new TypeError("The connection was closed before startTls could be started.");
    }
    if (this.#secureTransport !== "starttls") throw new TypeError(STARTTLS_NEEDED);
    if (this.#domain === null) {
      throw new TypeError("startTls has already been called on this socket, or the socket was transferred over RPC.");
    }
    // `options.expectedServerHostname` is accepted and unused, as workerd does without its
    // autogate (recorded: no throw).
    const domain = this.#domain;
    this.#domain = null;
    // The plain socket hands its connection over once it is open; it reads and writes no more.
    const connection = this.#opened.promise.then(() => {
      this.#upgraded = true;
      this.#closed.resolve();
      return this.#handle;
    });
    // A read this socket has waiting on the network is the upgraded socket's now.
    const carried = this.#networkRead;
    this.#networkRead = null;
    this.#reading = null;
    this.#handedOver = true;
    return new Socket(INTERNAL, {
      connection,
      remoteAddress: this.#remoteAddress,
      options: this.#options,
      secureTransport: "on",
      domain,
      failure: this.#failure?.message ?? PROXY_FAILED,
      carried,
    });
  }

  get [Symbol.toStringTag]() { return "Socket"; }
}

/// A socket over a connection a binding opens (Hyperdrive): failures say "connection attempt
/// failed", as workerd's connect-override sockets do.
function bindingSocket(target, remoteAddress, domain) {
  return new Socket(INTERNAL, {
    connection: awaitOp(ops.tcpConnect(target, false)),
    remoteAddress,
    options: undefined,
    secureTransport: "off",
    domain,
    failure: "connection attempt failed",
  });
}

/// The socket a connect handler gets: already open (handle `handle`), with no TLS and no
/// remote address; `opened` names `authority`, the address the caller asked for, as local.
function acceptedSocket(handle, authority) {
  return new Socket(INTERNAL, {
    connection: Promise.resolve(handle),
    localAddress: authority,
    options: undefined,
    secureTransport: "off",
    domain: null,
    failure: PROXY_FAILED,
  });
}

return { connect, Socket, overrides, dnsOverrides, bindingSocket, acceptedSocket };
