// ---------- edgesim:test: the simulator's powers, from a test ----------

const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000 };

/// `"61s"`, `"1.5m"`, `"250ms"` or a number of milliseconds.
function durationMs(duration) {
  if (typeof duration === "number" && Number.isFinite(duration) && duration >= 0) return duration;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(String(duration));
  if (m === null) throw new TypeError(`sim.advance(): ${JSON.stringify(duration)} is not a duration such as "61s", "5m" or 250`);
  return Number(m[1]) * DURATION_UNITS_MS[m[2]];
}

const sim = Object.freeze({
  /// Moves the simulated clock on by `duration`: TTLs, cache expiry, alarms, queue batches and
  /// timers all see the time pass. The running test's timeout does not count it.
  async advance(duration) {
    const ms = durationMs(duration);
    testRun.extendTimeout(ms);
    await new Promise((resolve) => setTimeout(resolve, ms));
  },
  /// The simulated time, in ms since the Unix epoch (what `Date.now()` says now).
  now: () => Date.now(),
  /// The seed this run replays from.
  get seed() { return testRun.options.seed; },
});
