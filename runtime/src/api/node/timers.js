// node_timers: node:timers and node:timers/promises over the Worker's own timers, so they run
// on the simulated clock. A Node timer is an object (`Timeout`) that converts to its id.

const { codes, validate } = core.unit("node_internal");
const G = core.G;

class Timeout {
  #id;
  #repeat;
  #callback;
  #args;
  #delay;
  constructor(callback, delay, args, repeat) {
    this.#callback = callback;
    this.#args = args;
    this.#delay = delay;
    this.#repeat = repeat;
    this.#id = (repeat ? G.setInterval : G.setTimeout)(callback, delay, ...args);
  }
  ref() { return this; }
  unref() { return this; }
  hasRef() { return true; }
  refresh() {
    G.clearTimeout(this.#id);
    this.#id = (this.#repeat ? G.setInterval : G.setTimeout)(this.#callback, this.#delay, ...this.#args);
    return this;
  }
  close() { G.clearTimeout(this.#id); return this; }
  [Symbol.toPrimitive]() { return this.#id; }
  [Symbol.dispose ?? Symbol.for("Symbol.dispose")]() { this.close(); }
}
class Immediate {
  #id;
  constructor(callback, args) { this.#id = G.setTimeout(callback, 0, ...args); }
  ref() { return this; }
  unref() { return this; }
  hasRef() { return true; }
  [Symbol.toPrimitive]() { return this.#id; }
  [Symbol.dispose ?? Symbol.for("Symbol.dispose")]() { G.clearTimeout(this.#id); }
}
const idOf = (timer) => (timer instanceof Timeout || timer instanceof Immediate ? timer[Symbol.toPrimitive]() : timer);

function setTimeout(callback, delay, ...args) { validate.function(callback, "callback"); return new Timeout(callback, delay, args, false); }
function setInterval(callback, delay, ...args) { validate.function(callback, "callback"); return new Timeout(callback, delay, args, true); }
function setImmediate(callback, ...args) { validate.function(callback, "callback"); return new Immediate(callback, args); }
function clearTimeout(timer) { if (timer != null) G.clearTimeout(idOf(timer)); }
function clearInterval(timer) { if (timer != null) G.clearInterval(idOf(timer)); }
function clearImmediate(immediate) { if (immediate != null) G.clearTimeout(idOf(immediate)); }

function abortError(signal) {
  const error = new Error("The operation was aborted");
  error.name = "AbortError";
  error.code = "ABORT_ERR";
  error.cause = signal?.reason;
  return error;
}
function checkOptions(options) {
  validate.object(options, "options");
  const { signal, ref = true } = options;
  if (signal !== undefined && !(signal instanceof G.AbortSignal)) throw codes.ERR_INVALID_ARG_TYPE("options.signal", "AbortSignal", signal);
  validate.boolean(ref, "options.ref");
  return signal;
}
function sleep(arm, delay, value, options) {
  const signal = checkOptions(options);
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => { G.clearTimeout(id); reject(abortError(signal)); };
    const id = arm(() => { signal?.removeEventListener("abort", onAbort); resolve(value); }, delay);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
const promises = {
  setTimeout: (delay, value, options = {}) => sleep(G.setTimeout, delay, value, options),
  setImmediate: (value, options = {}) => sleep(G.setTimeout, 0, value, options),
  async *setInterval(delay, value, options = {}) {
    const signal = checkOptions(options);
    if (signal?.aborted) throw abortError(signal);
    while (true) {
      yield await sleep(G.setTimeout, delay, value, options);
    }
  },
  scheduler: {
    wait: (delay, options) => sleep(G.setTimeout, delay, undefined, options ?? {}),
    yield: () => sleep(G.setTimeout, 0, undefined, {}),
  },
};

const timers = { setTimeout, setInterval, setImmediate, clearTimeout, clearInterval, clearImmediate, promises,
  active(timer) { timer?.refresh?.(); }, unenroll(timer) { clearTimeout(timer); }, enroll() {
    throw codes.ERR_METHOD_NOT_IMPLEMENTED("enroll");
  } };
return { ...timers, default: timers, Timeout, Immediate };
