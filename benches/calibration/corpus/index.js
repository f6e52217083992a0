// The CPU model's calibration Worker: the same bundle runs under workerd (timed with its clock,
// which advances during synchronous code) and under edgesim (counted). cpu-model.mjs drives it:
//   GET /                       the workloads and what each exercises
//   GET /?w=NAME&ms=M           workerd: repeats NAME until M ms have passed, answers how many times
//   GET /?w=NAME&reps=R         repeats NAME R times
// Each answer carries a checksum of the results, so no engine can skip the work.
import { language } from "./language.js";
import { strings } from "./strings.js";
import { libraries } from "./libraries.js";
import { web } from "./web.js";
import { wasm } from "./wasm.js";

const WORKLOADS = { ...language, ...strings, ...libraries, ...web, ...wasm };

async function once(work) {
  const out = work.run();
  return typeof out?.then === "function" ? await out : out;
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const name = url.searchParams.get("w");
    if (name === null) return Response.json(Object.entries(WORKLOADS).map(([w, { exercises }]) => ({ workload: w, exercises })));
    const work = WORKLOADS[name];
    if (!work) return new Response(`unknown workload ${name}`, { status: 404 });
    const budgetMs = Number(url.searchParams.get("ms") ?? "0");
    const maxReps = Number(url.searchParams.get("reps") ?? "1000000");
    let checksum = 0;
    let reps = 0;
    const t0 = Date.now();
    while (reps < maxReps && (budgetMs === 0 || Date.now() - t0 < budgetMs)) {
      checksum = (checksum + Number(await once(work))) | 0;
      reps++;
    }
    return Response.json({ workload: name, reps, checksum, elapsed_ms: Date.now() - t0 });
  },
};
