// Event, CustomEvent, EventTarget, and `performance` (an EventTarget).

const { G, define } = core;

class Event {
  #type; #bubbles; #cancelable; #defaultPrevented = false; #stop = false; #target = null;
  #timeStamp;
  constructor(type, init = {}) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'Event': 1 argument required, but only 0 present.");
    this.#type = String(type);
    this.#bubbles = !!init?.bubbles;
    this.#cancelable = !!init?.cancelable;
    this.#timeStamp = ops.now();
  }
  get type() { return this.#type; }
  get bubbles() { return this.#bubbles; }
  get cancelable() { return this.#cancelable; }
  get defaultPrevented() { return this.#defaultPrevented; }
  get target() { return this.#target; }
  get currentTarget() { return this.#target; }
  get timeStamp() { return this.#timeStamp; }
  get isTrusted() { return false; }
  preventDefault() { if (this.#cancelable) this.#defaultPrevented = true; }
  stopPropagation() {}
  stopImmediatePropagation() { this.#stop = true; }
  static _setTarget(e, t) { e.#target = t; }
  static _stopped(e) { return e.#stop; }
}
class CustomEvent extends Event {
  #detail;
  constructor(type, init = {}) { super(type, init); this.#detail = init?.detail ?? null; }
  get detail() { return this.#detail; }
}
class EventTarget {
  #listeners = new Map();
  addEventListener(type, listener, options) {
    if (listener == null) return;
    const once = typeof options === "object" && options !== null && !!options.once;
    const list = this.#listeners.get(type) ?? [];
    if (list.some((l) => l.listener === listener)) return;
    list.push({ listener, once });
    this.#listeners.set(type, list);
    const signal = typeof options === "object" && options !== null ? options.signal : undefined;
    if (signal) signal.addEventListener("abort", () => this.removeEventListener(type, listener), { once: true });
  }
  removeEventListener(type, listener) {
    const list = this.#listeners.get(type);
    if (!list) return;
    const i = list.findIndex((l) => l.listener === listener);
    if (i >= 0) list.splice(i, 1);
  }
  dispatchEvent(event) {
    if (!(event instanceof Event)) throw new TypeError("Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not of type 'Event'.");
    Event._setTarget(event, this);
    for (const entry of [...(this.#listeners.get(event.type) ?? [])]) {
      if (entry.once) this.removeEventListener(event.type, entry.listener);
      const l = entry.listener;
      if (typeof l === "function") l.call(this, event);
      else if (l && typeof l.handleEvent === "function") l.handleEvent(event);
      if (Event._stopped(event)) break;
    }
    return !event.defaultPrevented;
  }
}
define(G, "Event", Event);
define(G, "CustomEvent", CustomEvent);
define(G, "EventTarget", EventTarget);

class Performance extends EventTarget {
  get timeOrigin() { return 0; }
  // workerd: 0 at top level, Date.now() while handling an event.
  now() { return ops.inRequest() ? ops.now() : 0; }
  toJSON() { return { timeOrigin: 0 }; }
}
define(G, "Performance", Performance);
define(G, "performance", new Performance());

return { Event, EventTarget };
