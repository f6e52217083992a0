// Records what `wrangler dev` answers when mail and cron ticks are fired through its handler
// routes (`/cdn-cgi/handler/email`, `/cdn-cgi/handler/scheduled`, Miniflare's
// `unsafeTriggerHandlers`, which wrangler dev always sets) at the probe Worker ./email/worker.js:
// each mail case of ./email/cases.json, then the route's own refusals, to ./results/email.json.
// conformance/tests/email_handler.rs replays the same requests in edgesim.
//
//   npm ci --no-audit --no-fund && node email.mjs
import { Miniflare, Log, LogLevel } from "miniflare";
import { readFileSync, writeFileSync } from "node:fs";

const read = (name) => readFileSync(new URL(`./email/${name}`, import.meta.url), "utf8");
const cases = JSON.parse(read("cases.json"));

/// The mail of case `name`, as email_handler.rs makes it too.
const message = (name, headers = "") =>
  `From: Sender <sender@sender.example>\r\nTo: ${name}@routing.example\r\nMessage-ID: <m-${name}@sender.example>\r\n${headers}\r\nHello from the sender\r\n`;
const emailUrl = (from, to) =>
  `http://localhost/cdn-cgi/handler/email?${new URLSearchParams({ ...(from && { from }), ...(to && { to }) })}`;

const mf = new Miniflare({
  log: new Log(LogLevel.ERROR), modules: true, compatibilityDate: "2026-04-01",
  unsafeTriggerHandlers: true, script: read("worker.js"),
});
/// The answer to `request`: status and text (a failure's text to its first line, the rest
/// being a stack), then what the Worker saw, asked at `seenPath`.
async function ask(url, init, seenPath = "/seen") {
  const response = await mf.dispatchFetch(url, init);
  const text = await response.text();
  const seen = await (await mf.dispatchFetch(`http://localhost${seenPath}`)).json();
  return { status: response.status, text: response.status === 500 ? text.split("\n")[0] : text, seen };
}

const out = {};
for (const [name, spec] of Object.entries(cases)) {
  out[name] = await ask(emailUrl("sender@sender.example", `${name}@routing.example`), { method: "POST", body: message(name, spec.headers) });
}
const door = {
  noFrom: [emailUrl(undefined, "reject@routing.example"), { method: "POST", body: message("reject") }],
  noBody: [emailUrl("sender@sender.example", "reject@routing.example"), { method: "POST" }],
  noMessageId: [emailUrl("sender@sender.example", "reject@routing.example"), { method: "POST", body: "From: sender@sender.example\r\n\r\nhi" }],
  tooLargeLocally: [emailUrl("sender@sender.example", "reject@routing.example"), { method: "POST", body: message("reject") + "x".repeat(1024 * 1024) }],
  unknownHandler: ["http://localhost/cdn-cgi/handler/other", {}],
};
for (const [name, [url, init]] of Object.entries(door)) out[name] = await ask(url, init);
out.scheduled = await ask("http://localhost/cdn-cgi/handler/scheduled?cron=*/5+*+*+*+*&time=1700000000000", {}, "/scheduled-seen");
const defaults = await ask("http://localhost/cdn-cgi/handler/scheduled", {}, "/scheduled-seen");
out.scheduledDefaults = { ...defaults, seen: { cron: defaults.seen.cron, scheduledTimeType: typeof defaults.seen.scheduledTime } };
await mf.dispose();
for (const [name, answer] of Object.entries(out)) console.error(name, JSON.stringify(answer).slice(0, 160));
writeFileSync(new URL("./results/email.json", import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
