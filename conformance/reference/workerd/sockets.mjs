// Records what workerd answers for `connect()` (cloudflare:sockets) and a Hyperdrive binding:
// starts the TCP servers the probe Worker (./sockets/worker.js) connects to — an echo server, a
// greeter that sends a line and ends its side, a server that never writes, and a port nobody
// listens on — and runs every case of the Worker, to ./results/sockets.json; then the node:net
// probe (./sockets/net-worker.js, with nodejs_compat) against the same servers, to
// ./results/node-net.json.
// conformance/tests/differential_sockets.rs replays the same cases in edgesim.
//
//   npm ci --no-audit --no-fund && node sockets.mjs
import { readFileSync } from "node:fs";
import net from "node:net";
import { recordCases } from "./record-cases.mjs";

const script = readFileSync(new URL("./sockets/worker.js", import.meta.url), "utf8");
const PORTS = { echo: 47101, greeter: 47102, silent: 47104 };
const CASES = [
  "shape", "echo", "addressObject", "writeString", "writeNumber", "greeter", "halfOpen",
  "refused", "refusedHttpPort", "closeBeforeOpened", "closeTwice", "silentServerClose",
  "invalid", "startTls", "hyperdrive",
];

const NET_CASES = [
  "exports", "ip", "normalize", "echo", "echoOptions", "greeter", "greeterHalfOpen", "refused",
  "writeBeforeConnect", "timeout", "destroyWithError", "errors", "socketAddress", "blockList",
];

const listen = (port, onSocket) =>
  new Promise((resolve) => {
    const server = net.createServer(onSocket);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
const servers = [
  await listen(PORTS.echo, (s) => s.on("data", (d) => s.write(d)).on("error", () => {})),
  await listen(PORTS.greeter, (s) => { s.on("error", () => {}); s.end("hi there\n"); }),
  await listen(PORTS.silent, (s) => s.on("error", () => {})),
];

await recordCases(
  { script, hyperdrives: { HYPERDRIVE: `postgres://user:pass@127.0.0.1:${PORTS.echo}/db` } },
  CASES,
  "sockets.json",
);
await recordCases(
  {
    script: readFileSync(new URL("./sockets/net-worker.js", import.meta.url), "utf8"),
    compatibilityFlags: ["nodejs_compat"],
  },
  NET_CASES,
  "node-net.json",
);
for (const s of servers) s.close();
