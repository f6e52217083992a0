// ---------- edgesim:test: the simulator's powers, from a test ----------

const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000 };

/// `"61s"`, `"1.5m"`, `"250ms"` or a number of milliseconds.
function durationMs(duration, what) {
  if (typeof duration === "number" && Number.isFinite(duration) && duration >= 0) return duration;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(String(duration));
  if (m === null) throw new TypeError(`${what}: ${JSON.stringify(duration)} is not a duration such as "61s", "5m" or 250`);
  return Number(m[1]) * DURATION_UNITS_MS[m[2]];
}

/// One place (a colo such as "SIN", or "kv-central") or a list of them.
const places = (side) => (Array.isArray(side) ? side : [side]).map(String);

/// Runs a request of the world, its refusal prefixed with the call that made it.
function inWorld(what, request) {
  try {
    return request();
  } catch (e) {
    throw new Error(`${what}: ${e?.message ?? e}`);
  }
}

/// Where the trace of the running test starts (testRun.traceFrom): the checkers and
/// `sim.trace()` see what happened since, so a test is not judged by the ones before it.
const traceFrom = () => testRun.traceFrom ?? 0;

/// A failed checker fails the test with its verdict, as a scenario's `expect` prints it.
function expectVerdict(verdict) {
  assertionState.calls++;
  if (!verdict.ok) throw new AssertionError(`expected ${verdict.expectation}: ${verdict.detail}`);
  return verdict;
}

const sim = Object.freeze({
  /// Moves the simulated clock on by `duration`: TTLs, cache expiry, alarms, queue batches and
  /// timers all see the time pass. The running test's timeout does not count it.
  async advance(duration) {
    const ms = durationMs(duration, "sim.advance()");
    testRun.extendTimeout(ms);
    await new Promise((resolve) => setTimeout(resolve, ms));
  },
  /// The simulated time, in ms since the Unix epoch (what `Date.now()` says now).
  now: () => Date.now(),
  /// The seed this run replays from.
  get seed() { return testRun.options.seed; },
  /// Messages between the two sides are lost for `options.for` (from `a` to `b` only with
  /// `oneWay: true`), as a scenario's `partition` fault.
  partition(a, b, options = {}) {
    const forMs = durationMs(options.for ?? 0, "sim.partition()");
    inWorld("sim.partition()", () => ops.simPartition(places(a), places(b), !options.oneWay, forMs));
  },
  /// Messages between the two sides take `options.add` longer for `options.for`.
  latencySpike(a, b, options = {}) {
    const addMs = durationMs(options.add ?? 0, "sim.latencySpike()");
    const forMs = durationMs(options.for ?? 0, "sim.latencySpike()");
    inWorld("sim.latencySpike()", () => ops.simLatencySpike(places(a), places(b), addMs, forMs));
  },
  /// `"do-host:SIN"` (the Durable Object hosts of a colo) or `"colo:SIN"` (the whole colo)
  /// crashes now, down for `options.for` (default: back at once).
  crash(target, options = {}) {
    const forMs = durationMs(options.for ?? 0, "sim.crash()");
    inWorld("sim.crash()", () => ops.simCrash(String(target), forMs));
  },
  /// The next `n` Durable Object storage commits fail, each resetting its object.
  failStorageWrites(n) {
    if (!(Number.isInteger(n) && n >= 0)) throw new TypeError(`sim.failStorageWrites(): ${JSON.stringify(n)} is not a whole number`);
    inWorld("sim.failStorageWrites()", () => ops.simFailStorageWrites(n));
  },
  /// What happened on the platform since the running test began (its `beforeEach` hooks
  /// included): the events of `edgesim run --trace`, as objects.
  trace: () => JSON.parse(ops.simTrace(traceFrom())),
});

/// The calls to the Durable Objects bound as `binding`, as their callers saw them since the
/// test began, are linearizable against `model` ("counter" or "register").
function expectLinearizable(binding, { model = "counter" } = {}) {
  return expectVerdict(inWorld("expectLinearizable()", () => ops.simCheckLinearizable(String(binding), String(model), traceFrom())));
}

/// No KV read since the test began missed a write applied centrally more than `bound` before it.
function expectKvStalenessAtMost(bound) {
  const boundMs = durationMs(bound, "expectKvStalenessAtMost()");
  return expectVerdict(ops.simCheckKvStaleness(boundMs, traceFrom()));
}
