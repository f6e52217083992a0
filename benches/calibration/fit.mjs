// Fits the CPU model's weights to workerd's timings: picoseconds of V8 time per unit of each
// term below, minimising the squared log ratio between estimate and measurement (so 2× over
// and 2× under weigh the same). runtime/src/engine/cpu.rs computes the same terms.

/** The terms of the model: what edgesim counts (`edgesim fetch --json`'s `cpu`), grouped where V8
 *  spends alike. Host charges are calibrated where they are made (hashing, WebAssembly fuel) and
 *  enter at one picosecond a picosecond. */
export const TERMS = [
  { name: "simple_ops", of: (c) => c.op_stack + c.op_arith + c.op_branch, about: "locals, arithmetic, branches (registers once V8 optimises)" },
  { name: "property_ops", of: (c) => c.op_property, about: "property and element access" },
  { name: "call_ops", of: (c) => c.op_call, about: "calls and returns" },
  { name: "create_ops", of: (c) => c.op_create + c.op_other, about: "literals, closures, classes, throws" },
  { name: "iterate_ops", of: (c) => c.op_iterate, about: "iterators, generators, await" },
  { name: "jobs", of: (c) => c.jobs, about: "promise reactions run" },
  { name: "native_calls", of: (c) => c.native_calls, about: "calls of built-in functions" },
  { name: "scans", of: (c) => c.scans, about: "built-ins' scans" },
  { name: "regex_backtracking", of: (c) => Math.max(0, c.regex_steps - 2 * c.regex_gotos), about: "regular-expression steps but the two each tried position takes" },
  { name: "regex_positions", of: (c) => c.regex_gotos, about: "positions an unanchored search tried" },
  { name: "backtraces", of: (c) => c.backtraces, about: "stack traces captured" },
  { name: "alloc_bytes", of: (c) => Math.max(0, c.alloc_bytes - c.concat_bytes), about: "bytes allocated, but flat strings concatenation copied" },
  { name: "concats", of: (c) => c.concats, about: "string concatenations" },
  { name: "bigint_limbs", of: (c) => c.bigint_limbs, about: "BigInt limb operations" },
  { name: "json_bytes", of: (c) => c.json_bytes, about: "characters JSON parsed or written" },
];
const START_PS = 1000;
const FOLDS = 5;
/** The seed that splits the corpus for the weights edgesim ships: they are fitted on the
 *  workloads `split` puts in training and checked on the rest (reports/cpu-model.md). */
export const SHIPPED_SPLIT_SEED = 21;

const termValues = (counts) => TERMS.map((t) => t.of(counts));
const estimatePs = (weights, counts) => (counts.host_ps ?? 0) + termValues(counts).reduce((sum, x, j) => sum + weights[j] * x, 0);
export const estimateMs = (weights, row) => estimatePs(weights, row.counts) / 1e9;

/** Weights (picoseconds per unit, in TERMS' order) fitted to `rows` by gradient descent on their
 *  logarithms (Adam), which keeps each weight positive. */
export function fit(rows) {
  const u = TERMS.map(() => Math.log(START_PS));
  const m = u.map(() => 0);
  const v = u.map(() => 0);
  const data = rows.map((r) => ({ x: termValues(r.counts), host: r.counts.host_ps ?? 0, target: Math.log(r.v8_ms * 1e9) }));
  for (let step = 1; step <= 3000; step++) {
    const w = u.map(Math.exp);
    const grad = u.map(() => 0);
    for (const { x, host, target } of data) {
      const p = host + x.reduce((sum, xj, j) => sum + w[j] * xj, 0);
      if (p <= 0) continue;
      const err = Math.log(p) - target;
      for (let j = 0; j < w.length; j++) grad[j] += (2 * err * w[j] * x[j]) / p;
    }
    for (let j = 0; j < u.length; j++) {
      m[j] = 0.9 * m[j] + 0.1 * grad[j];
      v[j] = 0.999 * v[j] + 0.001 * grad[j] * grad[j];
      u[j] -= (0.05 * (m[j] / (1 - 0.9 ** step))) / (Math.sqrt(v[j] / (1 - 0.999 ** step)) + 1e-9);
    }
  }
  return u.map(Math.exp);
}

/** `rows` in an order shuffled by `seed`. */
function shuffled(rows, seed) {
  let s = seed >>> 0;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const order = [...rows];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** The workloads a fit with `seed` trains on (four fifths) and those it is checked on. */
export function split(rows, seed) {
  const order = shuffled(rows, seed);
  return { train: order.filter((_, k) => k % FOLDS !== 0), test: order.filter((_, k) => k % FOLDS === 0) };
}

/** Each workload's estimate from weights fitted without it: the rows shuffled by `seed` into
 *  FOLDS parts, each part predicted by a fit on the others. */
export function crossValidate(rows, seed) {
  const order = shuffled(rows, seed);
  const heldOut = new Map();
  for (let fold = 0; fold < FOLDS; fold++) {
    const weights = fit(order.filter((_, k) => k % FOLDS !== fold));
    for (const row of order.filter((_, k) => k % FOLDS === fold)) heldOut.set(row.workload, estimateMs(weights, row));
  }
  return heldOut;
}

/** How close estimates are: shares within ×1.25/×1.5/×2/×2.5, the worst factor, the median ratio. */
export function accuracy(ratios) {
  const factor = ratios.map((r) => Math.max(r, 1 / r));
  const share = (x) => factor.filter((f) => f <= x).length / ratios.length;
  const sorted = [...ratios].sort((a, b) => a - b);
  return { n: ratios.length, within_1_25: share(1.25), within_1_5: share(1.5), within_2: share(2), within_2_5: share(2.5), worst: Math.max(...factor), median: sorted[Math.floor(sorted.length / 2)] };
}
