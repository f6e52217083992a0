// Measures real workerd next to edgesim on this machine, for reports/bench.md:
//   node benches/workerd/side-by-side.mjs <edgesim binary> > reports/workerd-side-by-side.json
// (after `npm ci --ignore-scripts` here, which fetches workerd's binary from the npm registry).
//
// - process start to first response: workerd spawned with hello.mjs until a request over
//   loopback answers, against `edgesim fetch hello.mjs` from spawn to exit (its response printed);
// - warm request: sequential GETs over loopback to one running workerd (Node's fetch included,
//   as a client of workerd always pays a network stack), against edgesim's in-process warm
//   request from criterion (bench-report puts them side by side).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const edgesim = process.argv[2];
if (!edgesim) {
  console.error("usage: node side-by-side.mjs <path to the edgesim binary>");
  process.exit(2);
}
// The package's `bin/workerd` is a Node wrapper around the binary: spawn the binary itself,
// so neither Node's start-up nor an orphaned server skews what is measured.
const { default: workerd, version: workerdVersion } = createRequire(import.meta.url)("workerd");

const COLD_RUNS = 10;
const WARM_REQUESTS = 200;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.floor(s.length / 2)].toFixed(3);
};
const summary = (xs) => ({ median: median(xs), min: +Math.min(...xs).toFixed(3), max: +Math.max(...xs).toFixed(3), n: xs.length });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/// Polls `url` until it answers "ok"; gives up after `limitMs`.
async function firstResponse(url, limitMs) {
  const start = performance.now();
  for (;;) {
    try {
      const r = await fetch(url);
      if ((await r.text()) === "ok") return;
    } catch {
      // not listening yet
    }
    if (performance.now() - start > limitMs) throw new Error(`${url} did not answer within ${limitMs} ms`);
    await sleep(0.5);
  }
}

/// A server left on the port would answer for the one being measured.
async function assertFree(port) {
  const stale = await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false);
  if (stale) throw new Error(`127.0.0.1:${port} already answers: stop whatever listens there`);
}

function startWorkerd(port) {
  return spawn(workerd, ["serve", join(here, "config.capnp"), "--socket-addr", `http=127.0.0.1:${port}`], { stdio: ["ignore", "ignore", "inherit"] });
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}

async function workerdColdStarts() {
  const times = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const port = 18800 + i;
    await assertFree(port);
    const t0 = performance.now();
    const child = startWorkerd(port);
    await firstResponse(`http://127.0.0.1:${port}/`, 10_000);
    times.push(performance.now() - t0);
    await stop(child);
  }
  return summary(times);
}

async function edgesimColdStarts() {
  const times = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const t0 = performance.now();
    const child = spawn(edgesim, ["fetch", join(here, "hello.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const code = await new Promise((r) => child.once("exit", r));
    times.push(performance.now() - t0);
    if (code !== 0 || !out.trimEnd().endsWith("ok")) throw new Error(`edgesim fetch failed (${code}): ${out}`);
  }
  return summary(times);
}

async function workerdWarmRequests() {
  const port = 18900;
  await assertFree(port);
  const child = startWorkerd(port);
  const url = `http://127.0.0.1:${port}/`;
  try {
    await firstResponse(url, 10_000);
    for (let i = 0; i < 20; i++) await (await fetch(url)).text();
    const times = [];
    for (let i = 0; i < WARM_REQUESTS; i++) {
      const t0 = performance.now();
      await (await fetch(url)).text();
      times.push(performance.now() - t0);
    }
    return summary(times);
  } finally {
    await stop(child);
  }
}

const result = {
  workerd: workerdVersion,
  node: process.version,
  measured: new Date().toISOString(),
  workerd_spawn_to_first_response_ms: await workerdColdStarts(),
  edgesim_fetch_spawn_to_exit_ms: await edgesimColdStarts(),
  workerd_loopback_round_trip_ms: await workerdWarmRequests(),
};
console.log(JSON.stringify(result, null, 1));
