// Times the calibration workloads under real workerd (through miniflare), median of 7 runs each.
// Usage (from a directory where `npm ci` ran in conformance/reference/workerd's package.json):
//   node calibrate.mjs worker.js '{"loop":600,"objects":300,"strings":300,"json":300,"sha256js":100,"sort":50}' > workerd.json
import { Miniflare, Log, LogLevel } from "miniflare";
import { dirname, resolve } from "node:path";

const script = resolve(process.argv[2]);
const plan = JSON.parse(process.argv[3]);
const mf = new Miniflare({
  modules: true,
  cf: false,
  scriptPath: script,
  modulesRoot: dirname(script),
  // The WebAssembly workloads import their module as wrangler does (`CompiledWasm`).
  modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
  compatibilityDate: "2026-04-20",
  log: new Log(LogLevel.WARN),
});
await mf.ready;
const out = {};
for (const [w, n] of Object.entries(plan)) {
  const times = [];
  for (let i = 0; i < 7; i++) {
    const r = await mf.dispatchFetch(`http://localhost/?w=${w}&n=${n}`);
    times.push((await r.json()).elapsed_ms);
  }
  times.sort((a, b) => a - b);
  out[w] = { n, median_ms: times[3], min_ms: times[0], max_ms: times[6] };
}
console.log(JSON.stringify(out, null, 1));
await mf.dispose();
