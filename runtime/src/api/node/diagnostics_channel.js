// node_diagnostics_channel: named channels publishing to their subscribers, stores bound to
// AsyncLocalStorage for runStores, and tracing channels, as workerd's diagnostics_channel.
// A subscriber that throws stops the publish, as in workerd (Node reports and goes on); a
// channel shows no `name`, as workerd's does not.

const { codes, validate } = core.unit("node_internal");
const hasSubscribersGetter = core.hasFlag("diagnostics_channel_has_subscribers_getter");
const channels = new Map();
const ILLEGAL = Symbol("illegal constructor");

class Channel {
  #name;
  #subscribers = new Set();
  #stores = new Map();
  constructor(name, key) {
    if (key !== ILLEGAL) throw new TypeError("Illegal constructor");
    this.#name = name;
  }
  #hasSubscribers() { return this.#subscribers.size !== 0; }
  publish(message) {
    for (const subscriber of [...this.#subscribers]) subscriber(message, this.#name);
  }
  subscribe(subscription) {
    validate.function(subscription, "subscription");
    this.#subscribers.add(subscription);
  }
  unsubscribe(subscription) {
    this.#subscribers.delete(subscription);
  }
  bindStore(store, transform) {
    this.#stores.set(store, typeof transform === "function" ? transform : (value) => value);
  }
  unbindStore(store) {
    this.#stores.delete(store);
  }
  runStores(data, fn, thisArg, ...args) {
    let run = () => {
      this.publish(data);
      return Reflect.apply(fn, thisArg ?? globalThis, args);
    };
    for (const [store, transform] of [...this.#stores].reverse()) {
      const inner = run;
      run = () => store.run(transform(data), inner);
    }
    return run();
  }
  static {
    if (hasSubscribersGetter) {
      Object.defineProperty(this.prototype, "hasSubscribers", {
        get() { return this.#hasSubscribers(); }, configurable: true, enumerable: false,
      });
    } else {
      Object.defineProperty(this.prototype, "hasSubscribers", {
        value: function hasSubscribers() { return this.#hasSubscribers(); }, writable: true, configurable: true, enumerable: false,
      });
    }
  }
}
const subscribed = (c) => (hasSubscribersGetter ? c.hasSubscribers : c.hasSubscribers());

/// The channel named `name` (a symbol, or anything as a string), made on first use.
function channel(name) {
  if (typeof name !== "symbol") name = String(name);
  let c = channels.get(name);
  if (c === undefined) {
    c = new Channel(name, ILLEGAL);
    channels.set(name, c);
  }
  return c;
}
const hasSubscribers = (name) => (channels.has(name) ? subscribed(channels.get(name)) : false);
const subscribe = (name, callback) => channel(name).subscribe(callback);
const unsubscribe = (name, callback) => { channels.get(name)?.unsubscribe(callback); };

const KINDS = ["start", "end", "asyncStart", "asyncEnd", "error"];
class TracingChannel {
  constructor(key, parts) {
    if (key !== ILLEGAL) throw new Error("Use diagnostic_channel.tracingChannels() to create TracingChannel");
    for (const kind of KINDS) Object.defineProperty(this, kind, { value: parts[kind], enumerable: false });
  }
  subscribe(subscriptions) {
    for (const kind of KINDS) if (subscriptions[kind] !== undefined) this[kind]?.subscribe(subscriptions[kind]);
  }
  unsubscribe(subscriptions) {
    for (const kind of KINDS) if (subscriptions[kind] !== undefined) this[kind]?.unsubscribe(subscriptions[kind]);
  }
  traceSync(fn, context = {}, thisArg = globalThis, ...args) {
    const { start, end, error } = this;
    return start?.runStores(context, () => {
      try {
        const result = Reflect.apply(fn, thisArg, args);
        context.result = result;
        return result;
      } catch (err) {
        context.error = err;
        error?.publish(context);
        throw err;
      } finally {
        end?.publish(context);
      }
    }, thisArg);
  }
  tracePromise(fn, context = {}, thisArg = globalThis, ...args) {
    const { start, end, asyncStart, asyncEnd, error } = this;
    const settled = (failed) => (value) => {
      if (failed) { context.error = value; error?.publish(context); } else context.result = value;
      asyncStart?.publish(context);
      asyncEnd?.publish(context);
      return failed ? Promise.reject(value) : value;
    };
    return start?.runStores(context, () => {
      try {
        let promise = Reflect.apply(fn, thisArg, args);
        if (!(promise instanceof Promise)) promise = Promise.resolve(promise);
        return promise.then(settled(false), settled(true));
      } catch (err) {
        context.error = err;
        error?.publish(context);
        throw err;
      } finally {
        end?.publish(context);
      }
    }, thisArg);
  }
  traceCallback(fn, position = -1, context = {}, thisArg = globalThis, ...args) {
    const { start, end, asyncStart, asyncEnd, error } = this;
    const callback = args.at(position);
    if (typeof callback !== "function") throw codes.ERR_INVALID_ARG_TYPE("callback", ["function"], callback);
    function wrapped(err, res) {
      if (err) { context.error = err; error?.publish(context); } else context.result = res;
      asyncStart?.runStores(context, () => {
        try { Reflect.apply(callback, this, arguments); } finally { asyncEnd?.publish(context); }
      }, thisArg);
    }
    args.splice(position, 1, wrapped);
    return start?.runStores(context, () => {
      try {
        return Reflect.apply(fn, thisArg, args);
      } catch (err) {
        context.error = err;
        error?.publish(context);
        throw err;
      } finally {
        end?.publish(context);
      }
    }, thisArg);
  }
}
Object.defineProperty(TracingChannel.prototype, "hasSubscribers", hasSubscribersGetter
  ? { get() { return KINDS.some((k) => this[k] != null && subscribed(this[k])); }, configurable: true }
  : { value: function hasSubscribers() { return KINDS.some((k) => this[k] != null && subscribed(this[k])); }, writable: true, configurable: true });

function tracingChannel(nameOrChannels) {
  const parts = {};
  if (typeof nameOrChannels === "string") {
    for (const kind of KINDS) parts[kind] = channel(`tracing:${nameOrChannels}:${kind}`);
  } else {
    validate.object(nameOrChannels, "channels");
    for (const kind of KINDS) {
      if (!(nameOrChannels[kind] instanceof Channel)) throw codes.ERR_INVALID_ARG_TYPE(`channels.${kind}`, "Channel", nameOrChannels[kind]);
      parts[kind] = nameOrChannels[kind];
    }
  }
  return new TracingChannel(ILLEGAL, parts);
}

const diagnosticsChannel = { hasSubscribers, channel, subscribe, unsubscribe, tracingChannel, Channel, TracingChannel };
return { ...diagnosticsChannel, default: diagnosticsChannel };
