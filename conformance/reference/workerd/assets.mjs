// Records what workerd's asset serving (miniflare's router and asset Workers, the code that
// serves production's static assets) answers for the site in ./assets: public/ (with
// _headers, _redirects and .assetsignore) in front of assets/worker.js, under each
// configuration of assets/cases.json, to ./results/assets.json: per configuration, one
// [request, status, headers, body] row per request. A request is "[METHOD ]URL[ Name:Value]...";
// `If-None-Match:previous` sends the ETag the last response carried (`weak-previous`: as W/).
// conformance/tests/differential_assets.rs replays the same requests in edgesim.
//
//   npm ci --no-audit --no-fund && node assets.mjs
import { Miniflare, Log, LogLevel } from "miniflare";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";

const here = new URL("./assets/", import.meta.url).pathname;
const cases = JSON.parse(readFileSync(`${here}cases.json`, "utf8"));
const script = readFileSync(`${here}worker.js`, "utf8");
const RECORDED = ["content-type", "etag", "cache-control", "location", "cf-cache-status",
  "x-frame-options", "x-robots-tag", "x-blog-post", "x-sub", "x-served-by", "x-via"];

// Sent with node:http, not fetch(): fetch would replace `Sec-Fetch-Mode` (a forbidden header)
// and normalise the path.
function send(base, { method, url, headers }) {
  const target = new URL(url);
  if (target.hostname !== "localhost") headers.host = target.host;
  return new Promise((resolve, reject) => {
    const req = httpRequest(base, { method, path: `${target.pathname}${target.search}`, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, bytes: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

function parse(spec, lastEtag) {
  const parts = spec.split(" ");
  const method = /^[A-Z]+$/.test(parts[0]) ? parts.shift() : "GET";
  const url = parts.shift();
  const headers = {};
  for (const h of parts) {
    const [name, value] = [h.slice(0, h.indexOf(":")), h.slice(h.indexOf(":") + 1)];
    headers[name] = value === "previous" ? lastEtag : value === "weak-previous" ? `W/${lastEtag}` : value;
  }
  return { method, url: url.startsWith("http") ? url : `http://localhost${url}`, headers };
}

const out = {};
for (const [name, config] of Object.entries(cases.configs)) {
  const { worker = true, run_worker_first, ...assetConfig } = config;
  const routerConfig = { has_user_worker: worker };
  if (typeof run_worker_first === "boolean") routerConfig.invoke_user_worker_ahead_of_assets = run_worker_first;
  if (Array.isArray(run_worker_first)) {
    routerConfig.static_routing = {
      user_worker: run_worker_first.filter((r) => r.startsWith("/")),
      asset_worker: run_worker_first.filter((r) => r.startsWith("!")).map((r) => r.slice(1)),
    };
  }
  const mf = new Miniflare({
    name: "site",
    modules: true,
    script,
    compatibilityDate: "2026-04-20",
    assets: { directory: `${here}public`, binding: "ASSETS", workerName: "site", routerConfig, assetConfig },
    cf: false,
    log: new Log(LogLevel.WARN),
  });
  const base = await mf.ready;
  const rows = [];
  let lastEtag = "";
  for (const spec of cases.requests[name]) {
    const { method, url, headers } = parse(spec, lastEtag);
    const response = await send(base, { method, url, headers });
    const bytes = new Uint8Array(response.bytes);
    const recorded = {};
    for (const h of RECORDED) {
      const value = response.headers[h];
      if (value !== undefined) recorded[h] = value;
    }
    if (recorded.etag) lastEtag = recorded.etag;
    const type = recorded["content-type"] ?? "";
    const text = type.startsWith("text/") || type.includes("json") || type.includes("javascript")
      || type.includes("xml") || bytes.length === 0;
    const body = text ? new TextDecoder().decode(bytes) : `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    rows.push([spec, response.status, recorded, body]);
  }
  await mf.dispose();
  out[name] = rows;
}
writeFileSync(new URL("./results/assets.json", import.meta.url), JSON.stringify(out, null, 1) + "\n");
console.log(`assets: ${Object.values(out).flat().length} answers`);
