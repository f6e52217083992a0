// Hyperdrive as `wrangler dev` runs it: the binding describes the database by a host of its
// own (`<32 hex>.hyperdrive.local`, from the isolate's seeded randomness, and a synthetic IPv4
// address `ip` that node:dns resolves it to) and connects to the
// `localConnectionString`'s database, through `connect()` or the global `connect()` to that
// host (workerd's hyperdrive.c++; keys and texts recorded in reference/workerd/results/sockets.json).

const { hex, unit } = core;
const sockets = () => unit("sockets");
const PORT = { mysql: 3306 };

class Hyperdrive {
  #config;
  #host = null;
  #ip = null;
  constructor(config) {
    this.#config = config;
    const c = config;
    const lazy = (name, get) => Object.defineProperty(this, name, { get, enumerable: true, configurable: true });
    lazy("database", () => c.database);
    lazy("user", () => c.user);
    lazy("password", () => c.password);
    lazy("host", () => this.#hostname());
    lazy("ip", () => this.#hostname() && this.#ip);
    lazy("port", () => this.#port());
    lazy("connectionString", () => {
      const ssl = c.scheme === "mysql" ? "?ssl-mode=disabled" : "?sslmode=disable";
      return `${c.scheme}://${c.user}:${c.password}@${this.#hostname()}:${this.#port()}/${c.database}${ssl}`;
    });
  }

  #port() {
    return PORT[this.#config.scheme] ?? 5432;
  }

  /// Made on first read of the host or IP, which routes connect() to either through this
  /// binding, and node:dns's lookups of the host to the IP (as workerd's registerConnectOverride
  /// does). The IP is a synthetic one in 240.0.0.0/16, which no real host has: from a random
  /// suffix, the first one no other binding took.
  #hostname() {
    if (this.#host === null) {
      const bytes = new Uint8Array(16);
      bytes.set(ops.randomBytes(16));
      this.#host = `${hex(bytes)}.hyperdrive.local`;
      const { overrides, dnsOverrides } = sockets();
      const port = this.#port();
      const [hi, lo] = ops.randomBytes(2);
      const start = (hi << 8) | lo;
      let suffix = start;
      while (overrides.has(`240.0.${suffix >> 8}.${suffix & 0xff}:${port}`)) {
        suffix = (suffix + 1) & 0xffff;
        if (suffix === start) throw new Error("no free Hyperdrive address available");
      }
      this.#ip = `240.0.${suffix >> 8}.${suffix & 0xff}`;
      overrides.set(`${this.#host}:${port}`, () => this.connect());
      overrides.set(`${this.#ip}:${port}`, () => this.connect());
      dnsOverrides.set(this.#host, this.#ip);
    }
    return this.#host;
  }

  connect() {
    const address = `${this.#hostname()}:${this.#port()}`;
    return sockets().bindingSocket(this.#config.target, address, this.#host);
  }

  get [Symbol.toStringTag]() { return "Hyperdrive"; }
}

return { Hyperdrive };
