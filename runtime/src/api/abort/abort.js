// AbortController and AbortSignal (abort, timeout, any), and the abort reasons workerd uses.

const { G, define, Event, EventTarget, domError } = core;

const ABORT_KEY = Symbol("AbortSignal");
const abortError = () => domError("AbortError", "The operation was aborted");

class AbortSignal extends EventTarget {
  #aborted = false;
  #reason = undefined;
  #onabort = null;
  constructor(key) {
    if (key !== ABORT_KEY) throw new TypeError("Illegal constructor");
    super();
  }
  static _abort(signal, reason) {
    if (signal.#aborted) return;
    signal.#aborted = true;
    signal.#reason = reason === undefined ? abortError() : reason;
    signal.dispatchEvent(new Event("abort"));
  }
  get aborted() { return this.#aborted; }
  get reason() { return this.#reason; }
  throwIfAborted() { if (this.#aborted) throw this.#reason; }
  // workerd keeps an object (called only if it is a function, before the listeners) and
  // makes anything else null.
  get onabort() { return this.#onabort; }
  set onabort(handler) {
    this.#onabort = handler !== null && (typeof handler === "object" || typeof handler === "function") ? handler : null;
    EventTarget._setOnHandler(this, "abort", this.#onabort);
  }
  static abort(reason) {
    const signal = new AbortSignal(ABORT_KEY);
    AbortSignal._abort(signal, reason);
    return signal;
  }
  static timeout(ms) {
    const signal = new AbortSignal(ABORT_KEY);
    setTimeout(() => AbortSignal._abort(signal, domError("TimeoutError", "The operation was aborted due to timeout")), Number(ms));
    return signal;
  }
  static any(signals) {
    const signal = new AbortSignal(ABORT_KEY);
    for (const s of signals) {
      if (!(s instanceof AbortSignal)) throw new TypeError("Failed to execute 'any' on 'AbortSignal': The provided value is not of type 'AbortSignal'.");
      if (s.aborted) {
        AbortSignal._abort(signal, s.reason);
        return signal;
      }
    }
    for (const s of signals) s.addEventListener("abort", () => AbortSignal._abort(signal, s.reason), { once: true });
    return signal;
  }
  get [Symbol.toStringTag]() { return "AbortSignal"; }
}

class AbortController {
  #signal = new AbortSignal(ABORT_KEY);
  get signal() { return this.#signal; }
  abort(reason) { AbortSignal._abort(this.#signal, reason); }
  get [Symbol.toStringTag]() { return "AbortController"; }
}
define(G, "AbortSignal", AbortSignal);
define(G, "AbortController", AbortController);

return { AbortController };
