// message_channel: MessageChannel and MessagePort as workerd gives them (messagechannel.c++),
// globals from 2025-08-15 (expose_global_message_channel) and node:worker_threads' either way.
// A port holds what it is sent until it starts — on `start()` or an `onmessage` (a listener
// alone does not start it) — and then delivers each message as a MessageEvent in a microtask, a
// structured clone of what was posted. There is only one isolate: no transfer list.

const { G, define } = core;
const { EventTarget } = core.unit("events");
const CONSTRUCT = Symbol("construct");

class MessagePort extends EventTarget {
  #other = null;
  #pending = [];
  #state = "pending";
  #onmessage = null;
  /// The `message` listener that calls `onmessage`, placed where it was first set (as HTML's
  /// event handlers are), so it runs before listeners added after it.
  #handler = (event) => {
    const handler = this.#onmessage;
    if (typeof handler === "function") handler.call(this, event);
    else if (handler !== null && typeof handler.handleEvent === "function") handler.handleEvent(event);
  };

  constructor(key) {
    if (key !== CONSTRUCT) throw new TypeError("Illegal constructor");
    super();
  }
  static [CONSTRUCT](a, b) {
    a.#other = b;
    b.#other = a;
  }

  postMessage(data, options) {
    const transfer = Array.isArray(options) ? options : options?.transfer;
    if (transfer !== undefined && transfer.length > 0) throw new Error("Transfer list is not supported");
    const clone = structuredClone(data);
    this.#other?.#deliver(clone);
  }
  /// Messages held until now are delivered in a microtask, before any posted after.
  start() {
    if (this.#state !== "pending") return;
    const list = this.#pending;
    this.#pending = [];
    this.#state = "started";
    queueMicrotask(() => { for (const value of list) this.#dispatch(value); });
  }
  close() {
    if (this.#state === "closed") return;
    this.#state = "closed";
    const other = this.#other;
    this.#other = null;
    other?.close();
    this.dispatchEvent(new Event("close"));
  }
  get onmessage() { return this.#onmessage; }
  set onmessage(value) {
    if (value === null || (typeof value !== "object" && typeof value !== "function")) {
      this.#onmessage = null;
      super.removeEventListener("message", this.#handler);
      if (EventTarget._listenerCount(this, "message") === 0 && this.#state === "started") this.#state = "pending";
    } else {
      this.#onmessage = value;
      super.addEventListener("message", this.#handler);
      this.start();
    }
  }

  #deliver(value) {
    if (this.#state === "pending") this.#pending.push(value);
    else if (this.#state === "started") queueMicrotask(() => this.#dispatch(value));
  }
  #dispatch(data) {
    this.dispatchEvent(new core.G.MessageEvent("message", { data }));
  }
}

/// The ports are own properties of the channel, port2 first (workerd's lazy instance properties).
class MessageChannel {
  constructor() {
    const port1 = new MessagePort(CONSTRUCT);
    const port2 = new MessagePort(CONSTRUCT);
    MessagePort[CONSTRUCT](port1, port2);
    Object.defineProperty(this, "port2", { get: () => port2, enumerable: true, configurable: true });
    Object.defineProperty(this, "port1", { get: () => port1, enumerable: true, configurable: true });
  }
}

// node:worker_threads loads this unit whatever the date; the globals are the flag's alone.
if (core.hasFlag("expose_global_message_channel")) {
  define(G, "MessageChannel", MessageChannel);
  define(G, "MessagePort", MessagePort);
}
return { MessageChannel, MessagePort };
