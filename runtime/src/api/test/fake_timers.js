// vi's fake timers and stubs, as vitest gives them (its API over @sinonjs/fake-timers):
// `vi.useFakeTimers()` swaps `setTimeout`, `setInterval`, `setImmediate`, their `clear*` and
// `Date` for a clock that moves only when the test says (`advanceTimersByTime`, `runAllTimers`,
// …); `vi.stubGlobal` / `vi.stubEnv` set globals and `process.env` until `unstubAll*`.
//
// The fake clock is the test's own: the simulated clock goes on beneath it (the runner's
// timeouts and durations read the runtime's timers, not these), and `sim.advance` moves only
// the simulated one.

const FAKEABLE = ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "setInterval", "clearInterval", "Date"];
/// vitest's `loopLimit`: a run of timers past it is taken for an endless loop.
const LOOP_LIMIT = 10_000;

/// A Date class whose `now` is `now()`; dates made before or after are one kind
/// (its prototype is Date's), as sinon's ClockDate is.
function fakeDate(now) {
  const RealDate = core.OriginalDate;
  function Date(...args) {
    if (!new.target) return new RealDate(now()).toString();
    return args.length === 0 ? new RealDate(now()) : new RealDate(...args);
  }
  Date.prototype = RealDate.prototype;
  Date.now = () => now();
  Date.parse = RealDate.parse;
  Date.UTC = RealDate.UTC;
  return Date;
}

class FakeClock {
  now;
  #timers = new Map();
  #nextId = 1;
  #saved = new Map();

  constructor(startMs, toFake) {
    this.now = startMs;
    const fakes = {
      setTimeout: (fn, ms, ...args) => this.#add(fn, ms, args, false),
      setInterval: (fn, ms, ...args) => this.#add(fn, ms, args, true),
      setImmediate: (fn, ...args) => this.#add(fn, 0, args, false),
      clearTimeout: (id) => this.#timers.delete(Number(id)),
      clearInterval: (id) => this.#timers.delete(Number(id)),
      clearImmediate: (id) => this.#timers.delete(Number(id)),
      Date: fakeDate(() => this.now),
    };
    for (const name of toFake) {
      if (!(name in globalThis) && name !== "Date") continue;
      this.#saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
      Object.defineProperty(globalThis, name, { value: fakes[name], writable: true, configurable: true, enumerable: false });
    }
  }

  uninstall() {
    for (const [name, descriptor] of this.#saved) {
      if (descriptor) Object.defineProperty(globalThis, name, descriptor);
      else delete globalThis[name];
    }
  }

  #add(fn, ms, args, repeat) {
    const id = this.#nextId++;
    const delay = Math.max(0, Number(ms) || 0);
    this.#timers.set(id, { id, fn, args, delay: repeat ? Math.max(1, delay) : delay, at: this.now + delay, repeat });
    return id;
  }

  get count() { return this.#timers.size; }

  /// Sets the clock's time; timers keep the time they have left, as sinon's setSystemTime.
  setNow(ms) {
    const shift = ms - this.now;
    for (const t of this.#timers.values()) t.at += shift;
    this.now = ms;
  }
  clear() { this.#timers.clear(); }

  /// The timer due first (the oldest of equals), if it is due by `limitMs`.
  #first(limitMs = Infinity) {
    let first = null;
    for (const t of this.#timers.values()) {
      if (t.at <= limitMs && (first === null || t.at < first.at || (t.at === first.at && t.id < first.id))) first = t;
    }
    return first;
  }

  #fire(timer) {
    this.now = Math.max(this.now, timer.at);
    if (timer.repeat) timer.at += timer.delay;
    else this.#timers.delete(timer.id);
    if (typeof timer.fn === "function") timer.fn(...timer.args);
    else (0, eval)(String(timer.fn));
  }

  // The steps below yield after each timer: the synchronous forms go straight on, the async
  // forms let the promise jobs it queued run first.

  /// Fires what is due within `ms`, then stands at `now + ms`.
  *tick(ms) {
    const target = this.now + Math.max(0, Number(ms) || 0);
    for (let fired = 0; ; fired++) {
      const t = this.#first(target);
      if (t === null) break;
      this.#limit(fired);
      this.#fire(t);
      yield;
    }
    this.now = target;
  }

  *next() {
    const t = this.#first();
    if (t !== null) {
      this.#fire(t);
      yield;
    }
  }

  *runAll() {
    for (let fired = 0; ; fired++) {
      yield;
      const t = this.#first();
      if (t === null) return;
      this.#limit(fired);
      this.#fire(t);
    }
  }

  /// Fires the timers there are now (an interval once), in time order.
  *runPending() {
    const pending = new Set(this.#timers.keys());
    const last = Math.max(this.now, ...[...this.#timers.values()].map((t) => t.at));
    for (let fired = 0; ; fired++) {
      const t = this.#first(last);
      if (t === null || !pending.has(t.id)) break;
      pending.delete(t.id);
      this.#limit(fired);
      this.#fire(t);
      yield;
    }
  }

  #limit(fired) {
    if (fired >= LOOP_LIMIT) {
      throw new Error(`Aborting after running ${LOOP_LIMIT} timers, assuming an infinite loop!`);
    }
  }
}

let fakeClock = null;
/// `setSystemTime` with real timers: only `Date` is mocked, at this offset from the clock.
let dateOnly = null;

function requireFake() {
  if (fakeClock === null) throw new Error(`Timers are not mocked. Try calling "vi.useFakeTimers()" first.`);
  return fakeClock;
}

/// Runs one of the clock's steps through, synchronously.
function drive(steps) {
  for (const _ of steps);
  return vi;
}

/// Runs one of the clock's steps through, letting promise jobs run after each timer as
/// vitest's async forms do.
async function driveAsync(steps) {
  for (const _ of steps) {
    for (let i = 0; i < 20; i++) await null;
  }
  return vi;
}

const savedGlobals = new Map();
const savedEnv = new Map();

Object.assign(vi, {
  useFakeTimers(config = {}) {
    const start = config.now instanceof core.OriginalDate ? config.now.getTime() : config.now ?? dateOnly?.() ?? core.OriginalDate.now();
    fakeClock?.uninstall();
    dateOnly?.uninstall?.();
    dateOnly = null;
    fakeClock = new FakeClock(Number(start), config.toFake ?? FAKEABLE);
    return vi;
  },
  useRealTimers() {
    fakeClock?.uninstall();
    fakeClock = null;
    return vi;
  },
  isFakeTimers: () => fakeClock !== null,
  advanceTimersByTime: (ms) => drive(requireFake().tick(ms)),
  advanceTimersByTimeAsync: (ms) => driveAsync(requireFake().tick(ms)),
  advanceTimersToNextTimer(steps = 1) {
    for (let i = 0; i < steps; i++) drive(requireFake().next());
    return vi;
  },
  async advanceTimersToNextTimerAsync(steps = 1) {
    for (let i = 0; i < steps; i++) await driveAsync(requireFake().next());
    return vi;
  },
  runAllTimers: () => drive(requireFake().runAll()),
  runAllTimersAsync: () => driveAsync(requireFake().runAll()),
  runOnlyPendingTimers: () => drive(requireFake().runPending()),
  runOnlyPendingTimersAsync: () => driveAsync(requireFake().runPending()),
  getTimerCount: () => requireFake().count,
  clearAllTimers() { fakeClock?.clear(); return vi; },
  setSystemTime(time) {
    const ms = time instanceof core.OriginalDate ? time.getTime() : new core.OriginalDate(time).getTime();
    if (fakeClock !== null) {
      fakeClock.setNow(ms);
    } else {
      // Real timers: only Date is mocked, running on from `time` with the simulated clock.
      const offset = ms - core.OriginalDate.now();
      const previous = Object.getOwnPropertyDescriptor(globalThis, "Date");
      if (dateOnly === null) {
        Object.defineProperty(globalThis, "Date", {
          value: fakeDate(() => core.OriginalDate.now() + dateOnly.offset), writable: true, configurable: true,
        });
        dateOnly = Object.assign(() => core.OriginalDate.now() + dateOnly.offset, {
          offset, uninstall: () => Object.defineProperty(globalThis, "Date", previous),
        });
      }
      dateOnly.offset = offset;
    }
    return vi;
  },
  getMockedSystemTime() {
    if (fakeClock !== null) return new core.OriginalDate(fakeClock.now);
    return dateOnly === null ? null : new core.OriginalDate(dateOnly());
  },
  getRealSystemTime: () => core.OriginalDate.now(),

  stubGlobal(name, value) {
    if (!savedGlobals.has(name)) savedGlobals.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: true });
    return vi;
  },
  unstubAllGlobals() {
    for (const [name, descriptor] of savedGlobals) {
      if (descriptor) Object.defineProperty(globalThis, name, descriptor);
      else delete globalThis[name];
    }
    savedGlobals.clear();
    return vi;
  },
  /// `process.env.NAME` (with nodejs_compat) and `import.meta.env`-style reads through it;
  /// `undefined` removes the variable.
  stubEnv(name, value) {
    const env = globalThis.process?.env;
    if (env === undefined) throw new Error("vi.stubEnv needs `process.env` (the nodejs_compat flag)");
    if (!savedEnv.has(name)) savedEnv.set(name, Object.hasOwn(env, name) ? [env[name]] : []);
    if (value === undefined) delete env[name];
    else env[name] = String(value);
    return vi;
  },
  unstubAllEnvs() {
    const env = globalThis.process?.env;
    for (const [name, saved] of savedEnv) {
      if (env === undefined) break;
      if (saved.length) env[name] = saved[0];
      else delete env[name];
    }
    savedEnv.clear();
    return vi;
  },
});
