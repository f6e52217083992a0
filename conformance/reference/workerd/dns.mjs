// Records what workerd answers for node:dns (nodejs_compat, compatibility date 2026-04-01): the
// probe Worker ./dns/worker.js queries names whose DNS-over-HTTPS answers the outbound service
// below gives from ./dns/zone.json, to ./results/node-dns.json.
// conformance/tests/differential_node_dns.rs replays the same cases in edgesim, with an origin
// for cloudflare-dns.com that answers from the same zone.
//
//   npm ci --no-audit --no-fund && node dns.mjs
import { Miniflare, Log, LogLevel, Response } from "miniflare";
import { readFileSync, writeFileSync } from "node:fs";

const CASES = ["exports", "argumentErrors", "lookups", "records", "failures", "callbacks", "order"];
const zone = JSON.parse(readFileSync(new URL("./dns/zone.json", import.meta.url), "utf8"));

/// cloudflare-dns.com's JSON API, answered from the zone (what edgesim's replay answers too).
function doh(request) {
  const url = new URL(request.url);
  const name = url.searchParams.get("name");
  const type = url.searchParams.get("type");
  const entry = zone[name]?.[type];
  if (entry?.status) return new Response("failed", { status: entry.status });
  if (entry?.text) return new Response(entry.text, { headers: { "content-type": "application/dns-json" } });
  const body = entry?.error
    ? { error: entry.error }
    : {
        Status: entry ? 0 : 3, TC: false, RD: true, RA: true, AD: false, CD: false,
        Question: [{ name, type: 1 }], ...(entry ? { Answer: entry } : {}),
      };
  return new Response(JSON.stringify(body), { headers: { "content-type": "application/dns-json" } });
}

const mf = new Miniflare({
  log: new Log(LogLevel.ERROR), modules: true, compatibilityDate: "2026-04-01",
  compatibilityFlags: ["nodejs_compat"], script: readFileSync(new URL("./dns/worker.js", import.meta.url), "utf8"),
  outboundService: doh,
});
const out = {};
for (const name of CASES) {
  const timeout = new Promise((r) => setTimeout(() => r({ hung: true }), 5000));
  const answer = mf.dispatchFetch(`http://localhost/case?name=${name}`).then((r) => r.json());
  out[name] = await Promise.race([answer, timeout]);
  console.error(name, JSON.stringify(out[name]).slice(0, 400));
}
await mf.dispose();
writeFileSync(new URL("./results/node-dns.json", import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
