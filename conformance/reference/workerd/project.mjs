// Records what workerd answers to requests sent to a shipped project (scenarios/workers/NAME),
// bundled as wrangler bundles it: esbuild from the project's `main`, bare imports from its
// node_modules under the `workerd`/`worker`/`browser` conditions, each `.wasm` import kept as a
// CompiledWasm module. Each `paths` entry becomes one [path, status, content-type, body] row of
// ./results/project-NAME.json (a body that is not text is recorded as its SHA-256);
// conformance/tests/web_assembly.rs sends the same requests to the same project in edgesim.
//
//   npm ci --no-audit --no-fund && node project.mjs NAME PATH...
//   (the project's own packages first: npm ci in scenarios/workers/NAME)
import { Miniflare, Log, LogLevel } from "miniflare";
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

const [name, ...paths] = process.argv.slice(2);
const root = new URL(`../../../scenarios/workers/${name}/`, import.meta.url).pathname;
const config = readFileSync(join(root, "wrangler.toml"), "utf8");
const setting = (key) => config.match(new RegExp(`^${key}\\s*=\\s*"([^"]+)"`, "m"))?.[1];

const wasmModules = [];
const compiledWasm = {
  name: "compiled-wasm",
  setup(b) {
    b.onResolve({ filter: /\.wasm$/ }, (args) => {
      const file = join(args.resolveDir, args.path);
      const path = `${wasmModules.length}-${basename(file)}`;
      wasmModules.push({ type: "CompiledWasm", path, contents: readFileSync(file) });
      return { path: `./${path}`, external: true };
    });
  },
};
const bundle = await build({
  entryPoints: [join(root, setting("main"))],
  bundle: true,
  write: false,
  format: "esm",
  target: "es2022",
  conditions: ["workerd", "worker", "browser"],
  plugins: [compiledWasm],
  absWorkingDir: dirname(join(root, setting("main"))),
});
const mf = new Miniflare({
  modules: [
    { type: "ESModule", path: "index.js", contents: bundle.outputFiles[0].text },
    ...wasmModules,
  ],
  compatibilityDate: setting("compatibility_date"),
  cf: false,
  log: new Log(LogLevel.WARN),
});
const rows = [];
for (const path of paths) {
  const response = await mf.dispatchFetch(`http://localhost${path}`);
  const type = response.headers.get("content-type") ?? "";
  const bytes = new Uint8Array(await response.arrayBuffer());
  const body = type.startsWith("text/") || type.startsWith("application/json")
    ? new TextDecoder().decode(bytes)
    : `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  rows.push([path, response.status, type, body]);
}
await mf.dispose();
const out = new URL(`./results/project-${name}.json`, import.meta.url);
writeFileSync(out, JSON.stringify(rows, null, 1) + "\n");
console.log(`${name}: ${rows.length} answers`);
