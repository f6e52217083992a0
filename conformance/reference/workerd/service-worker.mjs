// Records service-worker-format Workers (`service-worker/*.js`, no module syntax: listeners on
// the global scope, bindings as globals) as workerd runs them: each script of
// service-worker/cases.json gets its steps in turn against one Miniflare — `METHOD PATH [BODY]`
// (one `[step, status, body]` row; an answer of 500 or more as its status alone, since its body
// is Miniflare's error page) or `SCHEDULED CRON TIME_MS` (a cron event; `[step, outcome]`) —
// and a script workerd refuses gets `["startup", message]`. The origin behind the Worker
// (Miniflare's outbound service) answers `origin saw METHOD URL BODY`.
import { Miniflare, Log, LogLevel } from "miniflare";
import { readFileSync, writeFileSync } from "node:fs";

const here = (file) => new URL(`./service-worker/${file}`, import.meta.url);
const cases = JSON.parse(readFileSync(here("cases.json"), "utf8"));

async function origin(request) {
  const body = request.body ? ` ${await request.text()}` : "";
  return new Response(`origin saw ${request.method} ${request.url}${body}`, { headers: { "x-origin": "yes" } });
}

async function step(mf, text) {
  if (text.startsWith("SCHEDULED ")) {
    const words = text.split(" ");
    const cron = words.slice(1, -1).join(" ");
    const worker = await mf.getWorker();
    const result = await worker.scheduled({ cron, scheduledTime: new Date(Number(words.at(-1))) });
    return [text, result.outcome];
  }
  const [method, path, ...body] = text.split(" ");
  const init = { method, ...(body.length ? { body: body.join(" ") } : {}) };
  const response = await mf.dispatchFetch(`https://sw.example${path}`, init);
  const answer = await response.text();
  return [text, response.status, response.status >= 500 ? null : answer];
}

const out = {};
for (const { script, steps } of cases) {
  const mf = new Miniflare({
    log: new Log(LogLevel.NONE),
    script: readFileSync(here(script), "utf8"),
    scriptPath: script,
    compatibilityDate: "2026-04-01",
    bindings: { GREETING: "hello" },
    kvNamespaces: ["KV"],
    outboundService: origin,
  });
  const rows = [];
  try {
    await mf.ready;
    for (const text of steps) rows.push(await step(mf, text));
  } catch (e) {
    rows.push(["startup", String(e.message)]);
  }
  out[script] = rows;
  console.error(script, JSON.stringify(rows).slice(0, 400));
  await mf.dispose().catch(() => {});
}
writeFileSync(new URL("./results/service-worker.json", import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
