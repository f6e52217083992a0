// performance_timeline: the User Timing half of `performance` (mark, measure and the entry
// buffer) and its classes, which workerd gives a Worker on nodejs_compat
// (enable_global_performance_classes, implied from 2026-03-17). What workerd does differently
// from browsers and Node is kept, as recorded: entries stay in insertion order, a mark keeps
// its `detail` object itself (no clone), a measure of a mark that does not exist does not
// throw, `{ end, duration }` ignores the duration, and a PerformanceObserver never fires.

const { G, define } = core;
const PRIVATE = Symbol("performance timeline");
const notString = (method) => new TypeError(`Failed to execute '${method}' on 'Performance': parameter 1 is not of type 'string'.`);

class PerformanceEntry {
  #name; #entryType; #startTime; #duration;
  constructor(token, name, entryType, startTime, duration) {
    if (token !== PRIVATE) throw new TypeError("Illegal constructor");
    this.#name = name; this.#entryType = entryType; this.#startTime = startTime; this.#duration = duration;
  }
  get name() { return this.#name; }
  get entryType() { return this.#entryType; }
  get startTime() { return this.#startTime; }
  get duration() { return this.#duration; }
  toJSON() { return { name: this.#name, entryType: this.#entryType, startTime: this.#startTime, duration: this.#duration }; }
  get [Symbol.toStringTag]() { return "PerformanceEntry"; }
}

/// A `detail` as workerd takes it: an object (kept as is), or nothing.
function detailOf(options) {
  const detail = options?.detail;
  if (detail !== undefined && detail !== null && typeof detail !== "object" && typeof detail !== "function") {
    throw new TypeError("Incorrect type for the 'detail' field on 'Options': the provided value is not of type 'JsObject'.");
  }
  return detail ?? undefined;
}

class PerformanceMark extends PerformanceEntry {
  #detail;
  constructor(name, options) {
    if (typeof name !== "string") throw new TypeError("Failed to construct 'PerformanceMark': parameter 1 is not of type 'string'.");
    const detail = detailOf(options);
    super(PRIVATE, name, "mark", options?.startTime ?? G.performance.now(), 0);
    this.#detail = detail;
  }
  get detail() { return this.#detail; }
  toJSON() { return super.toJSON(); }
  get [Symbol.toStringTag]() { return "PerformanceMark"; }
}

class PerformanceMeasure extends PerformanceEntry {
  #detail;
  constructor(token, name, startTime, duration, detail) {
    super(token, name, "measure", startTime, duration);
    this.#detail = detail;
  }
  get detail() { return this.#detail; }
  toJSON() { return super.toJSON(); }
  get [Symbol.toStringTag]() { return "PerformanceMeasure"; }
}

class PerformanceResourceTiming extends PerformanceEntry {
  constructor() { super(); }
  get [Symbol.toStringTag]() { return "PerformanceResourceTiming"; }
}

/// The isolate's entry buffer, in the order entries were added.
let entries = [];

/// A mark's time by name (the latest mark of that name), a number as given, or `fallback`.
function timeOf(at, fallback) {
  if (at === undefined) return fallback;
  if (typeof at === "number") return at;
  const name = String(at);
  for (let i = entries.length - 1; i >= 0; i--) {
    if (entries[i].entryType === "mark" && entries[i].name === name) return entries[i].startTime;
  }
  return fallback;
}

function measure(name, startOrOptions, endMark) {
  if (typeof name !== "string") throw notString("measure");
  const now = G.performance.now();
  let start, end, detail;
  if (startOrOptions !== null && typeof startOrOptions === "object") {
    detail = detailOf(startOrOptions);
    start = timeOf(startOrOptions.start, undefined);
    end = timeOf(startOrOptions.end, undefined);
    const duration = startOrOptions.duration;
    if (end === undefined && start !== undefined && typeof duration === "number") end = start + duration;
    start ??= 0;
    end ??= now;
  } else {
    start = timeOf(startOrOptions, 0);
    end = timeOf(endMark, now);
  }
  const entry = new PerformanceMeasure(PRIVATE, name, start, end - start, detail);
  entries.push(entry);
  return entry;
}

const clear = (type) => (name) => {
  entries = entries.filter((e) => e.entryType !== type || (name !== undefined && e.name !== String(name)));
};

class PerformanceObserverEntryList {
  #list;
  constructor(token, list) {
    if (token !== PRIVATE) throw new TypeError("Illegal constructor");
    this.#list = list;
  }
  getEntries() { return this.#list.slice(); }
  getEntriesByType(type) { return this.#list.filter((e) => e.entryType === String(type)); }
  getEntriesByName(name, type) {
    return this.#list.filter((e) => e.name === String(name) && (type === undefined || e.entryType === String(type)));
  }
}

/// workerd registers observers but never delivers entries to them.
class PerformanceObserver {
  #callback;
  constructor(callback) {
    if (typeof callback !== "function") throw new TypeError("Failed to construct 'PerformanceObserver': parameter 1 is not of type 'function'.");
    this.#callback = callback;
  }
  observe(options) {
    if (options !== undefined && (options === null || typeof options !== "object")) {
      throw new TypeError("Failed to execute 'observe' on 'PerformanceObserver': parameter 1 is not of type 'object'.");
    }
  }
  disconnect() {}
  takeRecords() { return []; }
  static get supportedEntryTypes() { return ["measure", "mark"]; }
}

const NODE_TIMING = Object.freeze({
  name: "node", entryType: "node", startTime: 0, duration: 0, nodeStart: 0, v8Start: 0, bootstrapComplete: 0,
  environment: 0, loopStart: 0, loopExit: 0, idleTime: 0,
  uvMetricsInfo: Object.freeze({ loopCount: 0, events: 0, eventsWaiting: 0 }),
});

/// The timeline's methods on `performance`, in workerd's names.
const methods = {
  mark(name, options) {
    if (typeof name !== "string") throw notString("mark");
    const entry = new PerformanceMark(name, options);
    entries.push(entry);
    return entry;
  },
  measure,
  getEntries() { return entries.slice(); },
  getEntriesByName(name, type) {
    if (typeof name !== "string") throw notString("getEntriesByName");
    return entries.filter((e) => e.name === name && (type === undefined || e.entryType === String(type)));
  },
  getEntriesByType(type) {
    if (typeof type !== "string") throw notString("getEntriesByType");
    return entries.filter((e) => e.entryType === type);
  },
  clearMarks: clear("mark"),
  clearMeasures: clear("measure"),
  clearResourceTimings() {},
  setResourceTimingBufferSize() {},
  markResourceTiming() {},
  eventLoopUtilization() { return { idle: 0, active: 0, utilization: 0 }; },
  timerify(fn) {
    if (typeof fn !== "function") {
      throw new TypeError("Failed to execute 'timerify' on 'Performance': parameter 1 is not of type 'function'.");
    }
    return fn;
  },
  toJSON() { return { timeOrigin: this.timeOrigin }; },
};

/// Gives `Performance` (the class of `performance`) the timeline.
function install(Performance) {
  for (const [name, value] of Object.entries(methods)) {
    Object.defineProperty(Performance.prototype, name, { value, writable: true, configurable: true, enumerable: false });
  }
  Object.defineProperty(Performance.prototype, "nodeTiming", { get() { return NODE_TIMING; }, configurable: true });
  Object.defineProperty(Performance.prototype, "eventCounts", { get() { return new Map(); }, configurable: true });
}

const Performance = Object.getPrototypeOf(G.performance).constructor;
install(Performance);
// node:perf_hooks loads this unit too; the classes are globals only under the flag.
if (core.hasFlag("enable_global_performance_classes")) {
  define(G, "Performance", Performance);
  define(G, "PerformanceEntry", PerformanceEntry);
  define(G, "PerformanceMark", PerformanceMark);
  define(G, "PerformanceMeasure", PerformanceMeasure);
  define(G, "PerformanceObserver", PerformanceObserver);
  define(G, "PerformanceObserverEntryList", PerformanceObserverEntryList);
  define(G, "PerformanceResourceTiming", PerformanceResourceTiming);
}

return { Performance, PerformanceEntry, PerformanceMark, PerformanceMeasure, PerformanceObserver,
  PerformanceObserverEntryList, PerformanceResourceTiming };
