// node:net as a vitest config's global setup sees it: Node's code may listen, which a Worker
// may not. A server listening here is an endpoint of each test file's simulated network: a
// Worker's connect() to its address arrives as a connect event to the config's isolate
// (sim/src/test/config_worker.rs), which hands the connection to the server as a `connection`.
// Everything else is the runtime's node:net.

const net = globalThis[Symbol.for("edgesim.node")]("net");
const { EventEmitter } = globalThis[Symbol.for("edgesim.node")]("events");
const { startReading, onClosed } = net.socketInternals;

/// Ports `listen(0)` hands out, in order from the start of the dynamic range: the same in every
/// evaluation of the config, so a port the setup provides is the port a test file's run listens on.
const FIRST_EPHEMERAL_PORT = 49152;
let nextEphemeralPort = FIRST_EPHEMERAL_PORT;

/// Listening servers by port (one server per port, whatever its host).
const servers = new Map();

const listenError = (code, errno, message, host, port) =>
  Object.assign(new Error(`listen ${code}: ${message} ${host}:${port}`), { code, errno, syscall: "listen", address: host, port });

/// The addresses a Worker reaches a server on `host` by: a loopback or unspecified host is
/// reached by every loopback name.
function reachableAt(host, port) {
  const loopback = ["127.0.0.1", "localhost"];
  if (host === "::" || host === "0.0.0.0" || host === "::1") loopback.push("[::1]");
  return loopback.map((h) => `${h}:${port}`);
}

/// `[port, host, callback]` from listen()'s overloads: (port[, host][, backlog][, cb]),
/// ({ port, host }[, cb]), ([cb]).
function listenArgs(args) {
  const callback = typeof args.at(-1) === "function" ? args.pop() : undefined;
  const [first, second] = args;
  if (first !== null && typeof first === "object") return [first.port ?? 0, first.host, callback];
  return [first ?? 0, typeof second === "string" ? second : undefined, callback];
}

class Server extends EventEmitter {
  #address = null;
  #connections = new Set();
  #closeCallbacks = [];
  maxConnections = undefined;

  constructor(options, connectionListener) {
    super();
    if (typeof options === "function") [options, connectionListener] = [{}, options];
    this.allowHalfOpen = Boolean(options?.allowHalfOpen);
    this.pauseOnConnect = Boolean(options?.pauseOnConnect);
    if (connectionListener !== undefined) this.on("connection", connectionListener);
  }

  get listening() {
    return this.#address !== null;
  }

  listen(...args) {
    if (this.#address !== null) {
      throw Object.assign(new Error("Listen method has been called more than once without closing."), { code: "ERR_SERVER_ALREADY_LISTEN" });
    }
    const [givenPort, givenHost, callback] = listenArgs(args);
    const port = givenPort === 0 || givenPort === "0" ? nextEphemeralPort++ : net.validatePort(givenPort, "options.port");
    const host = givenHost === undefined ? "::" : givenHost === "localhost" ? "127.0.0.1" : givenHost;
    if (callback !== undefined) this.once("listening", callback);
    if (servers.has(port)) {
      const error = listenError("EADDRINUSE", -98, "address already in use", host, port);
      queueMicrotask(() => this.emit("error", error));
      return this;
    }
    servers.set(port, this);
    this.#address = { address: host, family: net.isIPv6(host) ? "IPv6" : "IPv4", port };
    queueMicrotask(() => this.emit("listening"));
    return this;
  }

  address() {
    return this.#address === null ? null : { ...this.#address };
  }

  /// Stops listening; `close` comes once the open connections have ended, as in Node.
  close(callback) {
    if (typeof callback === "function") this.#closeCallbacks.push(callback);
    if (this.#address === null) {
      const error = Object.assign(new Error("Server is not running."), { code: "ERR_SERVER_NOT_RUNNING" });
      queueMicrotask(() => this.#finishClose(error));
      return this;
    }
    servers.delete(this.#address.port);
    this.#address = null;
    if (this.#connections.size === 0) queueMicrotask(() => this.#finishClose());
    return this;
  }

  #finishClose(error) {
    const callbacks = this.#closeCallbacks.splice(0);
    for (const callback of callbacks) callback(error);
    if (error === undefined) this.emit("close");
  }

  getConnections(callback) {
    queueMicrotask(() => callback(null, this.#connections.size));
    return this;
  }

  ref() {
    return this;
  }
  unref() {
    return this;
  }

  /// A connection a Worker opened to `host:port`, as a Node socket whose local address is
  /// that one (IPv4-mapped on an IPv6 server, as Node gives it); settles when that socket
  /// has closed. The Worker's own address is not known here.
  accept(connection, host, port) {
    const socket = new net.Socket({ allowHalfOpen: this.allowHalfOpen });
    const bare = host.replace(/^\[(.*)\]$/, "$1");
    const local = bare === "localhost" ? "127.0.0.1" : bare;
    const mapped = this.#address.family === "IPv6" && net.isIPv4(local);
    socket._sockname = mapped
      ? { address: `::ffff:${local}`, family: "IPv6", port }
      : { address: local, family: net.isIPv6(local) ? "IPv6" : "IPv4", port };
    socket._handle = {
      socket: connection,
      writer: connection.writable.getWriter(),
      reader: connection.readable.getReader(),
      bytesRead: 0,
      bytesWritten: 0,
      reading: false,
      options: {},
    };
    connection.closed.then(() => onClosed(socket), (error) => socket.destroy(error));
    this.#connections.add(socket);
    const done = new Promise((resolve) => socket.once("close", resolve));
    done.then(() => {
      this.#connections.delete(socket);
      if (this.#address === null && this.#connections.size === 0) this.#finishClose();
    });
    this.emit("connection", socket);
    if (this.pauseOnConnect) socket.pause();
    else startReading(socket);
    return done;
  }
}

function createServer(options, connectionListener) {
  return new Server(options, connectionListener);
}

/// node:http servers the setups made (config_http.mjs): reached by `fetch()`, not connect().
const httpServers = new Set();
export function trackHttpServer(server) {
  httpServers.add(server);
}

/// The addresses Workers reach the listening servers at (`host:port`), for the run's network.
export function listeningAddresses() {
  const listening = [...servers.values(), ...httpServers].map((s) => s.address()).filter((a) => a !== null);
  return listening.flatMap(({ address, port }) => reachableAt(address, port));
}

/// Hands a Worker's connection to `authority` (`host:port`) to the server listening on its
/// port; refused when none does.
export function acceptConnection(authority, connection) {
  const colon = authority.lastIndexOf(":");
  const port = Number(authority.slice(colon + 1));
  const server = servers.get(port);
  if (server === undefined) throw new Error(`connect ECONNREFUSED ${authority}`);
  return server.accept(connection, authority.slice(0, colon), port);
}

const module = { ...net.default, Server, createServer };
export default module;
export const {
  BlockList, SocketAddress, Stream, Socket, connect, createConnection,
  getDefaultAutoSelectFamily, setDefaultAutoSelectFamily, getDefaultAutoSelectFamilyAttemptTimeout,
  setDefaultAutoSelectFamilyAttemptTimeout, isIP, isIPv4, isIPv6, _normalizeArgs,
} = net;
export { Server, createServer };
