// The CPU model against real workerd on this machine: reports/cpu-model.{md,svg,json}.
//
//   node benches/calibration/cpu-model.mjs <edgesim binary> [--reports DIR] [--seed N] [--timings JSON]
//   node benches/calibration/cpu-model.mjs --refit reports/cpu-model.json [--seed N]
//
// (after `npm ci --ignore-scripts` here, which fetches workerd and esbuild from the registry).
// The corpus (corpus/index.js) is bundled once with esbuild, as wrangler bundles a Worker, and
// the same bundle runs under workerd — each workload repeated for 40 ms of its clock, median of
// five requests after two to warm V8 up — and under edgesim, whose estimate for one repetition is
// the difference between k repetitions and one, over k - 1 (so start-up and the first run's
// caches cancel out, as V8's steady state has them warm). `--refit` re-reads a report's raw
// figures to try weights without timing anything again.
import { execFileSync, execFile, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { crossValidate, fit, split, SHIPPED_SPLIT_SEED, TERMS } from "./fit.mjs";
import { renderChart, renderReport } from "./render.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const WORKERD_MS_PER_REQUEST = 40;
const WORKERD_WARMUPS = 2;
const WORKERD_RUNS = 5;
/// How much V8 time edgesim's k repetitions stand for: enough to dwarf rounding, little enough
/// that QuickJS (~30× slower) keeps the whole corpus within a couple of minutes.
const EDGESIM_TARGET_V8_MS = 3;
const EDGESIM_MAX_REPS = 200;

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function bundle(outDir) {
  mkdirSync(outDir, { recursive: true });
  const esbuild = join(here, "node_modules/.bin/esbuild");
  execFileSync(esbuild, [join(here, "corpus/index.js"), "--bundle", "--format=esm", "--platform=browser", "--conditions=workerd,worker,browser", "--external:*.wasm", `--outfile=${join(outDir, "worker.js")}`, "--log-level=warning"], { stdio: "inherit" });
  copyFileSync(join(here, "corpus/calib.wasm"), join(outDir, "calib.wasm"));
  writeFileSync(join(outDir, "wrangler.jsonc"), JSON.stringify({ name: "calibration", main: "worker.js", compatibility_date: "2026-04-20" }, null, 2));
}

function workerdConfig(outDir, port) {
  const path = join(outDir, "workerd.capnp");
  writeFileSync(
    path,
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .calibration)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const calibration :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js"), (name = "calib.wasm", wasm = embed "calib.wasm")],
  compatibilityDate = "2026-04-20",
);
`,
  );
  return path;
}

async function getJson(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status} ${await r.text()}`);
  return r.json();
}

async function waitFor(url, limitMs) {
  const start = Date.now();
  for (;;) {
    try {
      return await getJson(url);
    } catch (e) {
      if (Date.now() - start > limitMs) throw new Error(`workerd did not answer ${url} within ${limitMs} ms: ${e.message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** V8 milliseconds per repetition of each workload: the median of WORKERD_RUNS requests. */
async function timeUnderWorkerd(outDir) {
  const { default: workerd, version } = createRequire(import.meta.url)("workerd");
  const port = 18900 + (process.pid % 50);
  const child = spawn(workerd, ["serve", workerdConfig(outDir, port)], { stdio: ["ignore", "ignore", "inherit"] });
  try {
    const base = `http://127.0.0.1:${port}/`;
    const list = await waitFor(base, 20_000);
    const rows = [];
    for (const { workload, exercises } of list) {
      for (let i = 0; i < WORKERD_WARMUPS; i++) await getJson(`${base}?w=${workload}&ms=${WORKERD_MS_PER_REQUEST}`);
      const perRep = [];
      for (let i = 0; i < WORKERD_RUNS; i++) {
        const r = await getJson(`${base}?w=${workload}&ms=${WORKERD_MS_PER_REQUEST}`);
        perRep.push(r.elapsed_ms / r.reps);
      }
      rows.push({ workload, exercises, v8_ms: median(perRep), v8_min_ms: Math.min(...perRep), v8_max_ms: Math.max(...perRep) });
      process.stderr.write(`workerd ${workload}: ${median(perRep).toFixed(4)} ms\n`);
    }
    return { version, rows };
  } finally {
    child.kill("SIGKILL");
  }
}

function reuseTimings(path) {
  const data = JSON.parse(readFileSync(path, "utf8"));
  return { version: data.workerd, rows: data.rows.map(({ workload, exercises, v8_ms, v8_min_ms, v8_max_ms }) => ({ workload, exercises, v8_ms, v8_min_ms, v8_max_ms })) };
}

const run = promisify(execFile);

async function edgesimCounts(edgesim, outDir, workload, reps) {
  const { stdout } = await run(edgesim, ["fetch", "--json", "--cpu-ms", "600000", "--runaway-cpu-ms", "600000", join(outDir, "worker.js"), `https://calibration.example/?w=${workload}&reps=${reps}`], { maxBuffer: 1 << 26 });
  const answer = JSON.parse(stdout);
  if (answer.status !== 200) throw new Error(`edgesim ${workload} x${reps}: ${answer.status} ${answer.body} ${JSON.stringify(answer.logs)}`);
  return { cpu_ms: answer.cpu_ms, counts: answer.cpu };
}

/** edgesim's estimate and counts per repetition: (k repetitions - 1) / (k - 1). */
async function countUnderEdgesim(edgesim, outDir, rows) {
  const queue = [...rows];
  const worker = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      const k = Math.max(2, Math.min(EDGESIM_MAX_REPS, Math.round(EDGESIM_TARGET_V8_MS / row.v8_ms)));
      const [one, many] = await Promise.all([edgesimCounts(edgesim, outDir, row.workload, 1), edgesimCounts(edgesim, outDir, row.workload, k)]);
      row.edgesim_reps = k;
      row.estimate_ms = (many.cpu_ms - one.cpu_ms) / (k - 1);
      row.counts = Object.fromEntries(Object.keys(many.counts).map((f) => [f, (many.counts[f] - one.counts[f]) / (k - 1)]));
      process.stderr.write(`edgesim ${row.workload}: ${row.estimate_ms.toFixed(4)} ms (x${k})\n`);
    }
  };
  await Promise.all([worker(), worker()]);
}

function writeReports(dir, data, seed) {
  const refit = crossValidate(data.rows, seed);
  // What cpu.rs's weights would be if fitted to these timings on the shipped split.
  const { train } = split(data.rows, SHIPPED_SPLIT_SEED);
  const shippedSplit = { weights: fit(train), train: new Set(train.map((r) => r.workload)) };
  writeFileSync(join(dir, "cpu-model.json"), JSON.stringify(data, null, 1) + "\n");
  writeFileSync(join(dir, "cpu-model.svg"), renderChart(data.rows, refit));
  writeFileSync(join(dir, "cpu-model.md"), renderReport(data, refit, shippedSplit, seed));
  process.stderr.write(`wrote ${join(dir, "cpu-model.md")}\n`);
  process.stderr.write(`weights on the shipped split: ${TERMS.map((t, j) => `${t.name} ${Math.round(shippedSplit.weights[j])}`).join(", ")}\n`);
}

const seed = Number(option("--seed", String(Date.now() % 1_000_000)));
const refitFrom = option("--refit");
if (refitFrom) {
  const data = JSON.parse(readFileSync(refitFrom, "utf8"));
  writeReports(dirname(resolve(refitFrom)), data, seed);
} else {
  const edgesim = process.argv[2] && resolve(process.argv[2]);
  if (!edgesim) {
    console.error("usage: node cpu-model.mjs <edgesim binary> [--reports DIR] [--seed N] | --refit FILE");
    process.exit(2);
  }
  const outDir = join(root, "target/calibration");
  bundle(outDir);
  // --timings FILE: V8's times from an earlier report, to count a changed edgesim against them.
  const earlier = option("--timings");
  const { version, rows } = earlier ? reuseTimings(earlier) : await timeUnderWorkerd(outDir);
  await countUnderEdgesim(edgesim, outDir, rows);
  const machine = `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores`;
  const data = { workerd: version, machine, rows };
  writeReports(resolve(option("--reports", join(root, "reports"))), data, seed);
}
