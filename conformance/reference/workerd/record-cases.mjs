// What the case recorders (sockets.mjs, http.mjs, dns.mjs) share: a probe Worker whose
// `GET /case?name=<case>` answers JSON, asked each case in turn (5 s each at most, a hang
// recorded as `{ hung: true }`), written to ./results/<file>.
import { Miniflare, Log, LogLevel } from "miniflare";
import { writeFileSync } from "node:fs";

/// Records `cases` of the Worker that Miniflare `options` make (compatibility date 2026-04-01
/// unless given) to results/`file`.
export async function recordCases(options, cases, file) {
  const mf = new Miniflare({ log: new Log(LogLevel.ERROR), modules: true, compatibilityDate: "2026-04-01", ...options });
  const out = {};
  for (const name of cases) {
    const timeout = new Promise((r) => setTimeout(() => r({ hung: true }), 5000));
    const answer = mf.dispatchFetch(`http://localhost/case?name=${name}`).then((r) => r.json());
    out[name] = await Promise.race([answer, timeout]);
    console.error(name, JSON.stringify(out[name]).slice(0, 200));
  }
  await mf.dispose();
  writeFileSync(new URL(`./results/${file}`, import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
}
