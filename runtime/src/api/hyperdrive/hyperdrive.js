// Hyperdrive as `wrangler dev` runs it: the binding describes the database by a host of its
// own (`<32 hex>.hyperdrive.local`, from the isolate's seeded randomness) and connects to the
// `localConnectionString`'s database, through `connect()` or the global `connect()` to that
// host (workerd's hyperdrive.c++; keys and texts recorded in reference/workerd/results/sockets.json).

const { hex, unit } = core;
const sockets = () => unit("sockets");
const PORT = { mysql: 3306 };

class Hyperdrive {
  #config;
  #host = null;
  constructor(config) {
    this.#config = config;
    const c = config;
    const lazy = (name, get) => Object.defineProperty(this, name, { get, enumerable: true, configurable: true });
    lazy("database", () => c.database);
    lazy("user", () => c.user);
    lazy("password", () => c.password);
    lazy("host", () => this.#hostname());
    lazy("port", () => this.#port());
    lazy("connectionString", () => {
      const ssl = c.scheme === "mysql" ? "?ssl-mode=disabled" : "?sslmode=disable";
      return `${c.scheme}://${c.user}:${c.password}@${this.#hostname()}:${this.#port()}/${c.database}${ssl}`;
    });
  }

  #port() {
    return PORT[this.#config.scheme] ?? 5432;
  }

  /// Made on first read, which routes connect() to it through this binding (as workerd's
  /// registerConnectOverride does).
  #hostname() {
    if (this.#host === null) {
      const bytes = new Uint8Array(16);
      bytes.set(ops.randomBytes(16));
      this.#host = `${hex(bytes)}.hyperdrive.local`;
      sockets().overrides.set(`${this.#host}:${this.#port()}`, () => this.connect());
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
