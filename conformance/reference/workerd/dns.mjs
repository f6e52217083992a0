// Records what workerd answers for node:dns (nodejs_compat, compatibility date 2026-04-01): the
// probe Worker ./dns/worker.js queries names whose DNS-over-HTTPS answers the outbound service
// below gives from ./dns/zone.json, to ./results/node-dns.json.
// conformance/tests/differential_node_dns.rs replays the same cases in edgesim, with an origin
// for cloudflare-dns.com that answers from the same zone.
//
//   npm ci --no-audit --no-fund && node dns.mjs
import { Response } from "miniflare";
import { readFileSync } from "node:fs";
import { recordCases } from "./record-cases.mjs";

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

await recordCases(
  {
    compatibilityFlags: ["nodejs_compat"],
    script: readFileSync(new URL("./dns/worker.js", import.meta.url), "utf8"),
    outboundService: doh,
  },
  CASES,
  "node-dns.json",
);
