// The probe for node:net (nodejs_compat): `/case?name=N` runs case N against the servers
// sockets.mjs starts and answers what it saw as JSON — the events a net.Socket emits, in
// order, with what it reports at each; the module's argument checks; SocketAddress and
// BlockList. conformance/tests/differential_sockets.rs runs the same Worker in edgesim.
import net from "node:net";

const PORTS = { echo: 47101, greeter: 47102, closed: 47103, silent: 47104 };
const HOST = "127.0.0.1";

const failure = (e) => ({ threw: e?.constructor?.name ?? typeof e, code: e?.code ?? null, message: String(e?.message ?? e) });
function sync(f) {
  try {
    const value = f();
    return { value: value === undefined ? null : value };
  } catch (e) {
    return failure(e);
  }
}

/// What the socket says about itself at one moment.
const state = (s) => ({
  readyState: s.readyState,
  pending: s.pending,
  connecting: s.connecting,
  destroyed: s.destroyed,
  remoteAddress: s.remoteAddress ?? null,
  remotePort: s.remotePort ?? null,
  remoteFamily: s.remoteFamily ?? null,
  localAddress: s.localAddress ?? null,
  localPort: s.localPort ?? null,
  bytesRead: s.bytesRead,
  bytesWritten: s.bytesWritten ?? null,
});

/// Records `socket`'s events in order until it closes (or `ms` pass), running `on[event]`.
function watch(socket, on = {}, ms = 2000) {
  const events = [];
  const names = ["lookup", "connectionAttempt", "connect", "ready", "data", "end", "finish", "timeout", "error", "close"];
  return new Promise((resolve) => {
    const done = () => resolve({ events, final: state(socket) });
    const timer = setTimeout(() => {
      events.push("(still open)");
      socket.destroy();
      done();
    }, ms);
    for (const name of names) {
      socket.on(name, (arg) => {
        if (name === "data") events.push(`data ${arg.toString()}`);
        else if (name === "error") events.push(`error ${arg.code ?? ""} ${arg.message}`);
        else if (name === "close") events.push(`close ${arg}`);
        else if (name === "connect") events.push({ connect: state(socket) });
        else events.push(name);
        on[name]?.(arg);
        if (name === "close") {
          clearTimeout(timer);
          done();
        }
      });
    }
  });
}

const CASES = {
  async exports() {
    return {
      keys: Object.keys(net).sort(),
      defaultKeys: Object.keys(net.default ?? net).sort(),
      streamIsSocket: net.Stream === net.Socket,
      createConnectionIsConnect: net.createConnection === net.connect,
      socketIsDuplex: new net.Socket() instanceof (await import("node:stream")).Duplex,
      autoSelectFamily: net.getDefaultAutoSelectFamily(),
      attemptTimeout: net.getDefaultAutoSelectFamilyAttemptTimeout(),
    };
  },
  async ip() {
    const inputs = ["127.0.0.1", "256.1.1.1", "::1", "::ffff:1.2.3.4", "fe80::1%eth0", "2001:db8::", "example.com", "", 42, null, "1.2.3"];
    return Object.fromEntries(inputs.map((i) => [String(i), [net.isIP(i), net.isIPv4(i), net.isIPv6(i)]]));
  },
  async normalize() {
    const cb = () => {};
    const show = (a) => [a[0], typeof a[1]];
    return {
      none: show(net._normalizeArgs([])),
      port: show(net._normalizeArgs([80])),
      portHost: show(net._normalizeArgs([80, "example.com", cb])),
      path: show(net._normalizeArgs(["/tmp/sock"])),
      portString: show(net._normalizeArgs(["8080"])),
      options: show(net._normalizeArgs([{ port: 1, host: "h" }, cb])),
    };
  },
  async echo() {
    const socket = net.connect(PORTS.echo, HOST);
    const before = state(socket);
    const seen = watch(socket, {
      connect: () => socket.write("hello"),
      data: () => socket.end(),
    });
    return { before, ...(await seen) };
  },
  async echoOptions() {
    const socket = net.createConnection({ port: PORTS.echo, host: HOST }, () => socket.end("bye"));
    socket.setEncoding("utf8");
    const chunks = [];
    socket.on("data", (d) => chunks.push(typeof d === "string" ? d : "buffer"));
    const seen = await watch(socket);
    return { chunks, ...seen };
  },
  async greeter() {
    const socket = net.connect({ port: PORTS.greeter, host: HOST });
    return watch(socket, { end: () => socket.write("too late") });
  },
  async greeterHalfOpen() {
    const socket = net.connect({ port: PORTS.greeter, host: HOST, allowHalfOpen: true });
    return watch(socket, { end: () => { socket.write("after"); socket.end(); } });
  },
  async refused() {
    const socket = net.connect(PORTS.closed, HOST);
    return watch(socket);
  },
  async writeBeforeConnect() {
    const socket = net.connect(PORTS.echo, HOST);
    const wrote = socket.write("early");
    return { wrote, ...(await watch(socket, { data: () => socket.destroy() })) };
  },
  async timeout() {
    const socket = net.connect(PORTS.silent, HOST);
    socket.setTimeout(100);
    return watch(socket, { timeout: () => socket.destroy() });
  },
  async destroyWithError() {
    const socket = net.connect(PORTS.echo, HOST);
    return watch(socket, { connect: () => socket.destroy(new Error("boom")) });
  },
  async errors() {
    const s = () => new net.Socket();
    return {
      missing: sync(() => void net.connect({})),
      path: sync(() => void net.connect({ path: "/tmp/x" })),
      badPort: sync(() => void net.connect({ port: 70000 })),
      portObject: sync(() => void net.connect({ port: {} })),
      objectMode: sync(() => void new net.Socket({ objectMode: true })),
      readableObjectMode: sync(() => void new net.Socket({ readableObjectMode: true })),
      fd: sync(() => void new net.Socket(3)),
      twice: sync(() => {
        const socket = net.connect(PORTS.echo, HOST);
        try {
          socket.connect(PORTS.echo, HOST);
        } finally {
          socket.destroy();
        }
      }),
      timeoutNegative: sync(() => void s().setTimeout(-1)),
      timeoutString: sync(() => void s().setTimeout("1")),
      createServer: sync(() => void net.createServer()),
      server: sync(() => void new net.Server()),
      autoSelect: sync(() => void net.setDefaultAutoSelectFamily(true)),
      autoSelectOff: sync(() => net.setDefaultAutoSelectFamily(false)),
      attemptTimeout: sync(() => {
        net.setDefaultAutoSelectFamilyAttemptTimeout(5);
        return net.getDefaultAutoSelectFamilyAttemptTimeout();
      }),
      localAddress: sync(() => void net.connect({ port: 1, localAddress: "nope" })),
      fresh: state(s()),
      address: s().address(),
      setters: [s().setNoDelay(true) instanceof net.Socket, s().setKeepAlive(true, 10) instanceof net.Socket],
    };
  },
  async socketAddress() {
    const { SocketAddress } = net;
    return {
      v4: new SocketAddress({ address: "1.2.3.4", port: 80 }).toJSON(),
      defaults: new SocketAddress().toJSON(),
      v6: new SocketAddress({ address: "::1", family: "IPv6", port: "443" }).toJSON(),
      parsed: SocketAddress.parse("[::1]:8080")?.toJSON() ?? null,
      parsedV4: SocketAddress.parse("10.0.0.1:53")?.toJSON() ?? null,
      parsedBad: SocketAddress.parse("not an address") ?? null,
      isSocketAddress: SocketAddress.isSocketAddress(new SocketAddress()),
      badAddress: sync(() => void new SocketAddress({ address: "::1" })),
      badFamily: sync(() => void new SocketAddress({ family: "ipv5" })),
      badPort: sync(() => void new SocketAddress({ port: -1 })),
    };
  },
  async blockList() {
    const list = new net.BlockList();
    list.addAddress("10.0.0.1");
    list.addRange("192.168.0.10", "192.168.0.20");
    list.addSubnet("8592:757c:efae:4e45::", 64, "ipv6");
    list.addSubnet("172.16.0.0", 12);
    const checks = [
      ["10.0.0.1"], ["10.0.0.2"], ["192.168.0.15"], ["192.168.0.21"], ["8592:757c:efae:4e45::f", "ipv6"],
      ["8592:757c:efae:4e46::", "ipv6"], ["172.20.1.1"], ["::ffff:10.0.0.1", "ipv6"], ["not an ip"],
    ];
    const copy = new net.BlockList();
    copy.fromJSON(list.toJSON());
    return {
      rules: list.rules,
      checks: checks.map(([a, f]) => list.check(a, f)),
      copied: copy.rules,
      isBlockList: net.BlockList.isBlockList(list),
      badAddress: sync(() => list.addAddress("1.2.3")),
      badRange: sync(() => list.addRange("10.0.0.5", "10.0.0.1")),
      badPrefix: sync(() => list.addSubnet("10.0.0.0", 33)),
      badFamily: sync(() => list.addAddress("1.2.3.4", "ipv7")),
    };
  },
};

export default {
  async fetch(request) {
    const name = new URL(request.url).searchParams.get("name");
    const run = CASES[name];
    if (!run) return new Response(`no case ${name}`, { status: 404 });
    let result;
    try {
      result = await run();
    } catch (e) {
      result = { uncaught: failure(e) };
    }
    return Response.json(result);
  },
};
