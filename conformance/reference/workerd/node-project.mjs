// Records what workerd answers to a sequence of requests sent to a shipped nodejs_compat project
// (scenarios/workers/NAME, its packages installed with `npm ci` there), bundled as wrangler
// bundles it for `nodejs_compat`: esbuild under the `workerd`/`worker`/`browser` conditions,
// `node:*` and `cloudflare:*` left to the runtime (a CommonJS `require` of a built-in goes
// through node:module's createRequire, as wrangler's shim does). The requests run in order
// against one Miniflare, so KV writes are seen by later reads; each "METHOD PATH [JSON BODY]"
// becomes a [request, status, content-type, body] row of ./results/project-NAME.json;
// conformance/tests/differential_node_projects.rs sends the same requests in edgesim.
//
//   npm ci --no-audit --no-fund && node node-project.mjs express-app "GET /" "POST /items {...}"
import { Miniflare, Log, LogLevel } from "miniflare";
import { build } from "esbuild";
import { builtinModules } from "node:module";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [name, ...requests] = process.argv.slice(2);
const root = new URL(`../../../scenarios/workers/${name}/`, import.meta.url).pathname;
const config = JSON.parse(readFileSync(join(root, "wrangler.jsonc"), "utf8"));
const bundle = await build({
  entryPoints: [join(root, config.main)],
  bundle: true,
  write: false,
  format: "esm",
  target: "es2022",
  platform: "browser",
  conditions: ["workerd", "worker", "browser"],
  external: ["node:*", "cloudflare:*"],
  alias: Object.fromEntries(builtinModules.filter((m) => !m.startsWith("_")).map((m) => [m, `node:${m}`])),
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire("/bundle/index.js");' },
});
const mf = new Miniflare({
  modules: [{ type: "ESModule", path: "index.js", contents: bundle.outputFiles[0].text }],
  compatibilityDate: config.compatibility_date,
  compatibilityFlags: config.compatibility_flags,
  kvNamespaces: (config.kv_namespaces ?? []).map((k) => k.binding),
  cf: false,
  log: new Log(LogLevel.WARN),
});
const rows = [];
for (const request of requests) {
  const [method, path, ...rest] = request.split(" ");
  const body = rest.length ? rest.join(" ") : undefined;
  const response = await mf.dispatchFetch(`http://localhost${path}`, {
    method,
    body,
    headers: body === undefined ? {} : { "content-type": "application/json" },
  });
  rows.push([request, response.status, response.headers.get("content-type") ?? "", await response.text()]);
}
await mf.dispose();
writeFileSync(new URL(`./results/project-${name}.json`, import.meta.url), JSON.stringify(rows, null, 1) + "\n");
console.log(`results/project-${name}.json: ${rows.length} answers`);
