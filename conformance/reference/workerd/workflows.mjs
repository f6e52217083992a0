// Records what workerd's Workflows (miniflare's engine, workflows-shared, the one `wrangler dev`
// runs) answer for the cases of ./workflows: each instance of cases.json created, sent its
// follow-up requests, and polled until it is in a finite state; then the binding's refusals.
// Under each configuration (compatibility date and flags), to ./results/workflows.json.
// conformance/tests/differential_workflows.rs replays the same cases in edgesim.
//
//   npm ci --no-audit --no-fund && node workflows.mjs
import { Miniflare, Log, LogLevel } from "miniflare";
import { readFileSync, writeFileSync } from "node:fs";

const here = new URL("./workflows/", import.meta.url).pathname;
const cases = JSON.parse(readFileSync(`${here}cases.json`, "utf8"));
const script = readFileSync(`${here}worker.js`, "utf8");
const FINITE = ["complete", "errored", "terminated"];

const out = {};
for (const [config, { date, flags }] of Object.entries(cases.configs)) {
  const mf = new Miniflare({
    log: new Log(LogLevel.ERROR),
    modules: true,
    script,
    compatibilityDate: date,
    compatibilityFlags: flags,
    workflows: { FLOW: { name: "flow", className: "Flow" } },
  });
  const get = async (path) => (await mf.dispatchFetch(`http://localhost${path}`)).json();
  const instances = {};
  for (const { case: kind, index, then } of cases.instances) {
    const name = index === undefined ? kind : `${kind}${index}`;
    await get(`/create?id=${name}&case=${kind}&index=${index ?? 0}`);
    for (const path of then) {
      await new Promise((r) => setTimeout(r, 300));
      await get(`${path}&id=${name}`);
    }
    let status;
    for (let i = 0; i < 200; i++) {
      status = await get(`/status?id=${name}`);
      if (FINITE.includes(status.value?.status)) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    instances[name] = status;
  }
  const binding = {};
  for (const name of cases.binding) binding[name] = await get(`/binding?case=${name}`);
  binding.terminateComplete = await get("/terminate?id=complete");
  out[config] = { instances, binding };
  await mf.dispose();
}
writeFileSync(new URL("./results/workflows.json", import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
console.log(JSON.stringify(out, null, 2));
