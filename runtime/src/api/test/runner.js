// ---------- the test runner: vitest's describe/it tree, hooks, and one file's run ----------
//
// Importing a test file fills the tree (`describe` runs its body at once, as vitest collects);
// `runFile` then runs it in order — hooks outermost first for `before*`, innermost first for
// `after*`, `.only` and `-t` narrowing what runs — and returns the report the driver prints
// (sim/src/test). Durations and timeouts are simulated milliseconds: `Date.now()` moves only
// across I/O and timers, so a file's report is the same on every run of its seed.

/// This isolate runs tests: RPC into the tested Worker answers as through the pool's wrapper
/// (rpc/rpc.js `poolRefusal`).
core.wrapsLikeVitestPool = true;

/// The pool's worker stubs `BroadcastChannel`, which workerd lacks and Mock Service Worker
/// constructs when it loads: its methods do nothing (vitest-plugin src/worker/index.ts).
globalThis.BroadcastChannel ??= class BroadcastChannel {
  onmessage = null;
  onmessageerror = null;
  constructor(name) {
    this.name = String(name);
  }
  postMessage() {}
  close() {}
  addEventListener() {}
  removeEventListener() {}
};

const DEFAULT_TEST_TIMEOUT_MS = 5000;
const DEFAULT_HOOK_TIMEOUT_MS = 10000;
/// The console level of the lines that mark where a test's output starts and ends.
const TEST_LOG_LEVEL = "edgesim-test";

function newSuite(name, parent, mode) {
  return { kind: "suite", name, parent, mode, children: [], hooks: { beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] }, only: false };
}

const rootSuite = newSuite("", null, "run");
let collecting = rootSuite;
let anyOnly = false;

const names = (node) => {
  const out = [];
  for (let n = node; n !== null && n.parent !== null; n = n.parent) out.unshift(n.name);
  return out;
};

/// Splits `(name, fn, options|timeout)` and `(name, options, fn)` as vitest accepts both.
function callArgs(a, b) {
  if (typeof a === "function") return { fn: a, options: typeof b === "number" ? { timeout: b } : b ?? {} };
  if (typeof b === "function") return { fn: b, options: typeof a === "number" ? { timeout: a } : a ?? {} };
  return { fn: undefined, options: typeof a === "number" ? { timeout: a } : a ?? {} };
}

/// `%s`, `%d`, `%i`, `%f`, `%j`, `%o`, `%#`, `%%` and `$name` in an `.each` title.
function eachTitle(title, row, index) {
  const args = Array.isArray(row) ? [...row] : [row];
  let out = String(title).replace(/%[sdifjoOp#%]/g, (spec) => {
    if (spec === "%%") return "%";
    if (spec === "%#") return String(index);
    if (args.length === 0) return spec;
    const v = args.shift();
    switch (spec) {
      case "%d": case "%i": return String(spec === "%i" ? Math.trunc(Number(v)) : Number(v));
      case "%f": return String(Number(v));
      case "%j": return JSON.stringify(v);
      case "%s": return typeof v === "string" ? v : inspectValue(v);
      default: return inspectValue(v);
    }
  });
  if (row !== null && typeof row === "object" && !Array.isArray(row)) {
    out = out.replace(/\$([\w.]+)/g, (whole, path) => {
      let v = row;
      for (const key of path.split(".")) v = v?.[key];
      return v === undefined && !(path.split(".")[0] in row) ? whole : typeof v === "string" ? v : inspectValue(v);
    });
  }
  return out;
}

/// The rows of `.each`: an array, or a tagged template table (`a | b` then `${1} | ${2}`).
function eachRows(table, values) {
  if (Array.isArray(table) && Array.isArray(table.raw)) {
    const headings = table.join("").trim().split(/\s*\|\s*/);
    const rows = [];
    for (let i = 0; i < values.length; i += headings.length) {
      rows.push(Object.fromEntries(headings.map((h, j) => [h, values[i + j]])));
    }
    return rows;
  }
  return Array.from(table);
}

function makeEach(register) {
  return (table, ...values) => (title, a, b) => {
    const { fn, options } = callArgs(a, b);
    eachRows(table, values).forEach((row, index) => {
      const spread = Array.isArray(row) && !(Array.isArray(table) && Array.isArray(table.raw));
      register(eachTitle(title, row, index), fn && ((...rest) => (spread ? fn(...row, ...rest) : fn(row, ...rest))), options);
    });
  };
}

function addTest(name, fn, options, mode, fails = false) {
  const test = { kind: "test", name: String(name), parent: collecting, fn, mode, fails: fails || options.fails === true, timeout: options.timeout, only: mode === "only", retry: options.retry ?? 0 };
  if (mode === "only") anyOnly = true;
  collecting.children.push(test);
}

function addSuite(name, fn, mode) {
  const suite = newSuite(String(name), collecting, mode);
  if (mode === "only") { suite.only = true; anyOnly = true; }
  collecting.children.push(suite);
  const outer = collecting;
  collecting = suite;
  try {
    const result = fn?.();
    if (result && typeof result.then === "function") {
      throw new Error("describe() callbacks must be synchronous in edgesim test (vitest collects async ones, but awaits nothing inside them)");
    }
  } finally {
    collecting = outer;
  }
}

/// `it`/`test` and `describe` with their modifiers.
function withModifiers(register, isSuite) {
  const make = (mode, extra = {}) => {
    const f = (name, a, b) => {
      const { fn, options } = callArgs(a, b);
      const effective = fn === undefined && !isSuite ? "todo" : mode;
      return register(name, fn, options, effective, extra.fails);
    };
    f.each = makeEach((title, fn, options) => register(title, fn, options, mode, extra.fails));
    f.for = (table) => (title, a, b) => {
      const { fn, options } = callArgs(a, b);
      Array.from(table).forEach((row, index) => register(eachTitle(title, row, index), fn && ((ctx) => fn(row, ctx)), options, mode, extra.fails));
    };
    return f;
  };
  const base = make("run");
  base.skip = make("skip");
  base.only = make("only");
  base.todo = make("todo");
  base.concurrent = make("run");
  base.sequential = make("run");
  base.shuffle = make("run");
  base.skipIf = (condition) => make(condition ? "skip" : "run");
  base.runIf = (condition) => make(condition ? "run" : "skip");
  if (!isSuite) base.fails = make("run", { fails: true });
  base.concurrent.only = base.only;
  base.concurrent.skip = base.skip;
  base.skip.each = make("skip").each;
  base.only.each = make("only").each;
  return base;
}

const it = withModifiers((name, fn, options, mode, fails) => addTest(name, fn, options, mode, fails), false);
const describe = withModifiers((name, fn, _options, mode) => addSuite(name, fn, mode), true);

const hook = (kind) => (fn, timeout) => { collecting.hooks[kind].push({ fn, timeout }); };
const beforeAll = hook("beforeAll");
const afterAll = hook("afterAll");
const beforeEach = hook("beforeEach");
const afterEach = hook("afterEach");

let currentTest = null;
const onTestFinished = (fn) => { currentTest?.finished.push(fn); };
const onTestFailed = (fn) => { currentTest?.failed.push(fn); };

// ---------- running ----------

/// The simulated clock, whatever a test did to `Date` (vi.useFakeTimers).
const now = () => core.OriginalDate.now();

/// Runs `fn` with a timeout on the simulated clock, on the runtime's own timers (a test's fake
/// timers do not stop it); time the test moves on itself
/// (`sim.advance`) moves the deadline with it.
function withTimeout(fn, args, timeoutMs, what) {
  let timer;
  let deadline = now() + timeoutMs;
  const timeout = new Promise((_, reject) => {
    if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) return;
    const fire = () => reject(new Error(`${what} timed out in ${timeoutMs}ms.\nIf this is a long-running ${what === "Test" ? "test" : "hook"}, pass a timeout value as the last argument or configure it globally with "${what === "Test" ? "testTimeout" : "hookTimeout"}".`));
    timer = core.setTimer(fire, timeoutMs);
    testRun.extendTimeout = (ms) => {
      core.clearTimer(timer);
      deadline += ms;
      timer = core.setTimer(fire, Math.max(0, deadline - now()));
    };
  });
  const run = Promise.resolve().then(() => fn(...args));
  return Promise.race([run, timeout]).finally(() => {
    core.clearTimer(timer);
    testRun.extendTimeout = () => {};
  });
}

function describeFailure(e) {
  const error = e instanceof Error ? e : new Error(String(e));
  const out = { name: error.name ?? "Error", message: error.message ?? String(e), stack: error.stack ?? "" };
  if (error.showDiff && "expected" in error) {
    const diff = diffValues(error.expected, error.actual);
    if (diff !== null) out.diff = diff;
  }
  return out;
}

/// Whether `node` (or something under it) is among what runs, given `.only` and `-t`.
function selected(node, options) {
  if (node.kind === "test") {
    if (options.pattern && !new RegExp(options.pattern).test([...names(node)].join(" "))) return false;
    if (!anyOnly) return true;
    for (let n = node; n !== null; n = n.parent) if (n.only) return true;
    return false;
  }
  return node.children.some((c) => selected(c, options));
}

function skipped(node) {
  for (let n = node; n !== null; n = n.parent) if (n.mode === "skip" || n.mode === "todo") return n.mode;
  return null;
}

const testRun = {
  extendTimeout: () => {},
  /// Where the running test's part of the trace begins (edgesim:test's checkers).
  traceFrom: 0,
  results: [],
  snapshots: null,
  options: {},
  currentName: () => (currentTest ? names(currentTest.node).join(" > ") : undefined),
  matchSnapshot(request) {
    return this.snapshots.match(currentTest, request);
  },
};

async function runHooks(list, args, timeout) {
  for (const h of list) await withTimeout(h.fn, args, h.timeout ?? timeout, "Hook");
}

function eachHooksOf(node, kind) {
  const chain = [];
  for (let s = node.parent; s !== null; s = s.parent) chain.unshift(s.hooks[kind]);
  return kind === "afterEach" ? chain.reverse().flat() : chain.flat();
}

async function runTest(node, options) {
  const started = now();
  const record = { name: node.name, ancestors: names(node).slice(0, -1), status: "passed", durationMs: 0, errors: [] };
  const mode = skipped(node);
  if (mode !== null || !selected(node, options)) {
    record.status = mode === "todo" ? "todo" : "skipped";
    testRun.results.push(record);
    return;
  }
  const state = { node, finished: [], failed: [], cleanups: [], skipped: false };
  currentTest = state;
  testRun.traceFrom = ops.simTraceLength();
  assertionState.calls = 0;
  assertionState.expected = null;
  assertionState.hasAssertions = false;
  const context = {
    task: { name: node.name, fullName: names(node).join(" > ") },
    expect,
    skip: () => { state.skipped = true; throw SKIP; },
    onTestFinished,
    onTestFailed,
  };
  const fail = (e) => record.errors.push(describeFailure(e));
  // What the console prints from here on is this test's (sim/src/test/report.rs).
  ops.log(TEST_LOG_LEVEL, names(node).join(" > "));
  try {
    await testRun.isolate.enter();
    for (const h of eachHooksOf(node, "beforeEach")) {
      const cleanup = await withTimeout(h.fn, [context], h.timeout ?? options.hookTimeout, "Hook");
      if (typeof cleanup === "function") state.cleanups.unshift(cleanup);
    }
    try {
      await withTimeout(node.fn, [context], node.timeout ?? options.testTimeout, "Test");
      if (node.fails) fail(new AssertionError("Expect test to fail"));
    } catch (e) {
      if (e === SKIP) throw e;
      if (!node.fails) fail(e);
    }
    if (record.errors.length === 0 && !node.fails) checkAssertionCount(fail);
  } catch (e) {
    if (e !== SKIP) fail(e);
  }
  try {
    await runHooks(eachHooksOf(node, "afterEach"), [context], options.hookTimeout);
    for (const cleanup of state.cleanups) await cleanup();
  } catch (e) {
    fail(e);
  }
  if (record.errors.length > 0) {
    for (const f of state.failed) await Promise.resolve().then(() => f(context)).catch(fail);
  }
  for (const f of state.finished) await Promise.resolve().then(() => f(context)).catch(fail);
  await testRun.isolate.leave();
  ops.log(TEST_LOG_LEVEL, "");
  currentTest = null;
  testRun.traceFrom = 0;
  record.status = state.skipped && record.errors.length === 0 ? "skipped" : record.errors.length > 0 ? "failed" : "passed";
  record.durationMs = now() - started;
  testRun.results.push(record);
}

const SKIP = Symbol("skip");

function checkAssertionCount(fail) {
  if (assertionState.expected !== null && assertionState.calls !== assertionState.expected) {
    fail(new AssertionError(`expected number of assertions to be ${assertionState.expected}, but got ${assertionState.calls}`));
  } else if (assertionState.hasAssertions && assertionState.calls === 0) {
    fail(new AssertionError("expected any number of assertion, but got none"));
  }
}

async function runSuite(suite, options) {
  const runs = selected(suite, options) && skipped(suite) === null;
  const errors = [];
  let beforeAllFailed = null;
  const teardowns = [];
  if (runs) {
    try {
      await testRun.isolate.enterSuite();
      for (const h of suite.hooks.beforeAll) {
        const teardown = await withTimeout(h.fn, [{}], h.timeout ?? options.hookTimeout, "Hook");
        if (typeof teardown === "function") teardowns.unshift(teardown);
      }
    } catch (e) {
      beforeAllFailed = describeFailure(e);
    }
  }
  for (const child of suite.children) {
    if (beforeAllFailed !== null) {
      failAll(child, beforeAllFailed);
    } else if (child.kind === "suite") {
      await runSuite(child, options);
    } else {
      await runTest(child, options);
    }
  }
  if (runs) {
    try {
      await runHooks(suite.hooks.afterAll, [{}], options.hookTimeout);
      for (const t of teardowns) await t();
    } catch (e) {
      errors.push(describeFailure(e));
    }
    await testRun.isolate.leaveSuite();
  }
  if (errors.length > 0) testRun.suiteErrors.push({ name: names(suite).join(" > "), errors });
}

function failAll(node, error) {
  if (node.kind === "suite") {
    for (const c of node.children) failAll(c, error);
    return;
  }
  testRun.results.push({ name: node.name, ancestors: names(node).slice(0, -1), status: "failed", durationMs: 0, errors: [error] });
}

/// Runs the test file behind `entry` (engine: Isolate::start_test) and reports it.
async function runFile(entry, options) {
  testRun.options = options;
  testRun.results = [];
  testRun.suiteErrors = [];
  testRun.snapshots = new SnapshotState(options.snapshotFile, options.updateSnapshots, options.file);
  testRun.isolate = makeStorageIsolation(options.isolatedStorage !== false);
  const started = now();
  let loadError = null;
  try {
    await ops.testImport(entry);
  } catch (e) {
    loadError = describeFailure(e);
  }
  const runOptions = {
    pattern: options.pattern,
    testTimeout: options.testTimeout ?? DEFAULT_TEST_TIMEOUT_MS,
    hookTimeout: options.hookTimeout ?? DEFAULT_HOOK_TIMEOUT_MS,
  };
  if (loadError === null) await runSuite(rootSuite, runOptions);
  return JSON.stringify({
    tests: testRun.results,
    suiteErrors: testRun.suiteErrors,
    loadError,
    durationMs: now() - started,
    snapshots: testRun.snapshots.report(),
  });
}
