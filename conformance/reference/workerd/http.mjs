// Records what workerd answers for node:http and node:https (nodejs_compat, compatibility date
// 2026-04-01): the probe Worker ./http/worker.js makes client requests to `origin.test`, which the
// outbound service below answers (echo, redirect, error), and serves requests through a Node HTTP
// server with cloudflare:node's httpServerHandler, to ./results/node-http.json.
// conformance/tests/differential_node_http.rs replays the same cases in edgesim, with an origin
// that answers as this one does.
//
//   npm ci --no-audit --no-fund && node http.mjs
import { Miniflare, Log, LogLevel, Response } from "miniflare";
import { readFileSync, writeFileSync } from "node:fs";
import { recordCases } from "./record-cases.mjs";

const CASES = [
  "exports", "validate", "clientErrors", "clientGet", "clientPost", "clientPort", "clientHttps",
  "clientRedirect", "clientError", "clientNoHost", "clientAbort", "serverBasic", "serverStream",
  "serverReason", "serverStatus", "serverNoBody", "serverLength", "serverCookies", "serverAfter",
  "serverEvents", "serverRequest", "serverThrows", "serverListen", "serverCount",
];
const SHOWN = ["host", "content-type", "content-length", "authorization", "x-one", "x-many"];

/// The origin: what edgesim's replay answers too.
async function origin(request) {
  const url = new URL(request.url);
  if (url.pathname === "/redirect") return new Response(null, { status: 302, headers: { location: "/echo" } });
  if (url.pathname === "/error") return new Response("broken", { status: 500, statusText: "Oops", headers: { "x-error": "1" } });
  const headers = Object.fromEntries([...request.headers].filter(([k]) => SHOWN.includes(k)));
  const body = await request.text();
  return new Response(JSON.stringify({ method: request.method, url: request.url, headers, body }), {
    headers: { "content-type": "application/json", "x-origin": "yes", "set-cookie": "s=1" },
  });
}

await recordCases(
  {
    compatibilityFlags: ["nodejs_compat"],
    script: readFileSync(new URL("./http/worker.js", import.meta.url), "utf8"),
    outboundService: origin,
  },
  CASES,
  "node-http.json",
);

// Before 2025-09-01 nodejs_compat gives node:http's client but not its server.
const early = new Miniflare({
  log: new Log(LogLevel.ERROR), modules: true, compatibilityDate: "2025-08-20",
  compatibilityFlags: ["nodejs_compat"], script: readFileSync(new URL("./http/early-worker.js", import.meta.url), "utf8"),
});
const earlyAnswer = await (await early.dispatchFetch("http://localhost/")).json();
console.error("early", JSON.stringify(earlyAnswer));
await early.dispose();
writeFileSync(new URL("./results/node-http-early.json", import.meta.url), `${JSON.stringify(earlyAnswer, null, 2)}\n`);
