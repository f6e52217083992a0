// The probe for `connect()` (cloudflare:sockets) and Hyperdrive: `/case?name=N` runs case N
// against the servers sockets.mjs starts (ports in cases.json) and answers what it saw as JSON.
// conformance/tests/differential_sockets.rs runs the same Worker in edgesim, with the same
// servers declared as TCP origins.
import { connect } from "cloudflare:sockets";

const PORTS = { echo: 47101, greeter: 47102, closed: 47103, silent: 47104 };
const ECHO = `127.0.0.1:${PORTS.echo}`;
const enc = new TextEncoder();
const dec = new TextDecoder();

const failure = (e) => ({ threw: e?.constructor?.name ?? typeof e, message: String(e?.message ?? e) });
const settle = (p) => p.then((v) => ({ value: v ?? null }), failure);
function sync(f) {
  try {
    return { value: f() ?? null };
  } catch (e) {
    return failure(e);
  }
}

/// Everything a readable gives until it ends, as text (or how it failed).
async function readAll(readable) {
  const reader = readable.getReader();
  let text = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { text };
      text += dec.decode(value, { stream: true });
    }
  } catch (e) {
    return { text, ...failure(e) };
  }
}

/// Writes `chunks`, then reads until the echo has given back `expect` bytes.
async function roundTrip(socket, chunks, expect) {
  const writer = socket.writable.getWriter();
  for (const c of chunks) await writer.write(c);
  const reader = socket.readable.getReader();
  let text = "";
  while (text.length < expect) {
    const { value, done } = await reader.read();
    if (done) break;
    text += dec.decode(value, { stream: true });
  }
  reader.releaseLock();
  writer.releaseLock();
  return text;
}

const CASES = {
  async shape() {
    const socket = connect(ECHO);
    const proto = Object.getPrototypeOf(socket);
    const out = {
      typeofConnect: typeof connect,
      connectLength: connect.length,
      tag: Object.prototype.toString.call(socket),
      ctor: socket.constructor.name,
      own: Object.getOwnPropertyNames(socket),
      proto: Object.getOwnPropertyNames(proto).sort(),
      readable: Object.prototype.toString.call(socket.readable),
      writable: Object.prototype.toString.call(socket.writable),
      secureTransport: socket.secureTransport,
      upgraded: socket.upgraded,
      sameOpened: socket.opened === socket.opened,
    };
    out.opened = await socket.opened;
    await socket.close();
    return out;
  },
  async echo() {
    const socket = connect(ECHO);
    const opened = await socket.opened;
    const text = await roundTrip(socket, [enc.encode("hello, "), enc.encode("world")], 12);
    const close = await settle(socket.close());
    const closed = await settle(socket.closed);
    return { opened, text, close, closed };
  },
  async addressObject() {
    const socket = connect({ hostname: "127.0.0.1", port: PORTS.echo });
    const opened = await socket.opened;
    const text = await roundTrip(socket, [enc.encode("ping")], 4);
    await socket.close();
    return { opened, text };
  },
  async writeString() {
    const socket = connect(ECHO);
    const writer = socket.writable.getWriter();
    const write = await settle(writer.write("text"));
    writer.releaseLock();
    const text = write.threw ? null : await roundTrip(socket, [], 4);
    await socket.close();
    return { write, text };
  },
  async writeNumber() {
    // workerd throws at once (not a rejected promise) and leaves the socket open.
    const socket = connect(ECHO);
    const writer = socket.writable.getWriter();
    const write = sync(() => void writer.write(42));
    writer.releaseLock();
    const text = await roundTrip(socket, [enc.encode("still")], 5);
    await socket.close();
    return { write, text };
  },
  async greeter() {
    // The server sends a line and ends its side: without allowHalfOpen the socket closes.
    const socket = connect(`127.0.0.1:${PORTS.greeter}`);
    const opened = await socket.opened;
    const read = await readAll(socket.readable);
    const closed = await settle(socket.closed);
    const writer = socket.writable.getWriter();
    const write = await settle(writer.write(enc.encode("late")));
    return { opened, read, closed, write };
  },
  async halfOpen() {
    // With allowHalfOpen the write side stays open after the server's end.
    const socket = connect(`127.0.0.1:${PORTS.greeter}`, { allowHalfOpen: true });
    const read = await readAll(socket.readable);
    const writer = socket.writable.getWriter();
    const write = await settle(writer.write(enc.encode("after")));
    writer.releaseLock();
    const close = await settle(socket.close());
    const closed = await settle(socket.closed);
    return { read, write, close, closed };
  },
  async refused() {
    const socket = connect(`127.0.0.1:${PORTS.closed}`);
    const opened = await settle(socket.opened);
    const closed = await settle(socket.closed);
    const read = await readAll(socket.readable);
    const writer = socket.writable.getWriter();
    const write = await settle(writer.write(enc.encode("x")));
    return { opened, closed, read, write };
  },
  async refusedHttpPort() {
    const socket = connect("127.0.0.1:80");
    return { opened: await settle(socket.opened), closed: await settle(socket.closed) };
  },
  async closeBeforeOpened() {
    const socket = connect(ECHO);
    const close = await settle(socket.close());
    const opened = await settle(socket.opened);
    const closed = await settle(socket.closed);
    const read = await readAll(socket.readable);
    return { close, opened, closed, read };
  },
  async closeTwice() {
    const socket = connect(ECHO);
    await socket.opened;
    const first = await settle(socket.close());
    const second = await settle(socket.close());
    const writer = socket.writable.getWriter();
    const write = await settle(writer.write(enc.encode("x")));
    return { first, second, write };
  },
  async silentServerClose() {
    // Nothing arrives; close() ends the pending read.
    const socket = connect(`127.0.0.1:${PORTS.silent}`);
    await socket.opened;
    const reader = socket.readable.getReader();
    const pending = settle(reader.read());
    const close = await settle(socket.close());
    return { close, read: await pending };
  },
  async invalid() {
    const out = {};
    const addresses = {
      empty: "",
      noPort: "127.0.0.1",
      spaces: "exa mple.com:80",
      long: `${"a".repeat(300)}:80`,
      unparsable: "[::1:80",
      objectNoHost: { port: 80 },
      number: 42,
    };
    for (const [name, address] of Object.entries(addresses)) out[name] = sync(() => void connect(address));
    out.badTransport = sync(() => void connect(ECHO, { secureTransport: "bogus" }));
    out.noArgs = sync(() => void connect());
    return out;
  },
  async startTls() {
    const out = {};
    const plain = connect(ECHO);
    out.off = sync(() => void plain.startTls());
    const tls = connect(ECHO, { secureTransport: "on" });
    out.on = sync(() => void tls.startTls());
    out.onTransport = tls.secureTransport;
    const starttls = connect(ECHO, { secureTransport: "starttls" });
    out.starttlsTransport = starttls.secureTransport;
    out.withHostname = sync(() => void starttls.startTls({ expectedServerHostname: "example.com" }));
    await Promise.allSettled([plain.close(), tls.close(), starttls.close()]);
    return out;
  },
  async hyperdrive(env) {
    const hd = env.HYPERDRIVE;
    const host = hd.host;
    const out = {
      tag: Object.prototype.toString.call(hd),
      keys: Object.keys(hd).sort(),
      database: hd.database,
      user: hd.user,
      password: hd.password,
      scheme: hd.scheme,
      port: hd.port,
      hostShape: /^[0-9a-f]{32}\.hyperdrive\.local$/.test(host),
      sameHost: hd.host === host,
      connectionString: hd.connectionString.replace(host, "<host>"),
    };
    const socket = hd.connect();
    out.opened = await socket.opened;
    out.opened.remoteAddress = out.opened.remoteAddress?.replace(host, "<host>");
    out.text = await roundTrip(socket, [enc.encode("select 1")], 8);
    await socket.close();
    const viaHost = connect(`${host}:${hd.port}`);
    out.viaHostText = await roundTrip(viaHost, [enc.encode("again")], 5);
    await viaHost.close();
    return out;
  },
};

export default {
  async fetch(request, env) {
    const name = new URL(request.url).searchParams.get("name");
    const run = CASES[name];
    if (!run) return new Response(`no case ${name}`, { status: 404 });
    let result;
    try {
      result = await run(env);
    } catch (e) {
      result = { uncaught: failure(e) };
    }
    return Response.json(result);
  },
};
