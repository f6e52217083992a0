// The service-worker format (workerd's global-scope.c++, http.h FetchEvent, scheduled.h,
// queue.h): a Worker whose main module has no default export handles events as listeners on
// the global scope, and its bindings are globals. Each event is an ExtendableEvent the platform
// makes (user code cannot: "Illegal constructor"): `waitUntil` extends the invocation, a
// FetchEvent answers through `respondWith` or, answered by no listener, goes on to the origin.

const { G, define, Event, ILLEGAL_INVOCATION, domError } = core;
const { globalListenerCount, dispatchGlobal } = core.unit("events");

/// Set only while the platform makes an event.
let constructing = false;
function make(Class, ...args) {
  constructing = true;
  try {
    return new Class(...args);
  } finally {
    constructing = false;
  }
}

class ExtendableEvent extends Event {
  #ctx;
  #extensions = [];
  /// `own`: the subclass's instance properties, own properties of the event before
  /// `actorState` as workerd's instance templates make them.
  constructor(type, ctx, own = {}) {
    if (!constructing) throw new TypeError("Illegal constructor");
    super(type);
    Event._trusted(this);
    this.#ctx = ctx;
    for (const [name, value] of Object.entries(own)) {
      Object.defineProperty(this, name, { get: () => value, enumerable: true, configurable: true });
    }
    Object.defineProperty(this, "actorState", { get: () => undefined, enumerable: true, configurable: true });
  }
  waitUntil(promise) {
    if (!(this instanceof ExtendableEvent) || !(#ctx in this)) throw new TypeError(ILLEGAL_INVOCATION);
    this.#ctx.waitUntil(promise);
    this.#extensions.push(promise);
  }
  static _ctx(event) { return event.#ctx; }
  /// Settles once every promise given to `waitUntil` so far has.
  static _extensionsSettled(event) { return Promise.allSettled(event.#extensions); }
}

class FetchEvent extends ExtendableEvent {
  #state = "awaiting";
  #response = null;
  constructor(request, ctx) {
    super("fetch", ctx, { request });
  }
  respondWith(response) {
    if (!(this instanceof FetchEvent) || !(#state in this)) throw new TypeError(ILLEGAL_INVOCATION);
    this.preventDefault();
    if (this.#state === "called") {
      throw domError("InvalidStateError", "FetchEvent.respondWith() has already been called; it can only be called once.");
    }
    if (this.#state === "sent") {
      throw domError("InvalidStateError", "Too late to call FetchEvent.respondWith(). It must be called synchronously in the event handler.");
    }
    this.#response = Promise.resolve(response);
    this.#state = "called";
    this.stopImmediatePropagation();
  }
  passThroughOnException() {
    if (!(this instanceof FetchEvent) || !(#state in this)) throw new TypeError(ILLEGAL_INVOCATION);
    ExtendableEvent._ctx(this).passThroughOnException();
  }
  /// The promised Response once a dispatch that prevented the default is over (null if no
  /// listener called `respondWith`); from then on `respondWith` is too late.
  static _takeResponse(event) {
    const response = event.#response;
    event.#state = "sent";
    return response;
  }
}

class ScheduledEvent extends ExtendableEvent {
  #noRetry;
  constructor(cron, scheduledTime, ctx, noRetry) {
    super("scheduled", ctx, { cron, scheduledTime });
    this.#noRetry = noRetry;
  }
  noRetry() {
    if (!(this instanceof ScheduledEvent) || !(#noRetry in this)) throw new TypeError(ILLEGAL_INVOCATION);
    this.#noRetry();
  }
}

/// queue.h's QueueEvent: the batch's messages and decisions, as the QueueController a modules
/// Worker gets has them.
class QueueEvent extends ExtendableEvent {
  #batch;
  constructor(batch, ctx) {
    super("queue", ctx, { messages: batch.messages, queue: batch.queue });
    this.#batch = batch;
  }
  retryAll(options) { this.#batch.retryAll(options); }
  ackAll() { this.#batch.ackAll(); }
}

/// Mail for the Worker (Email Routing's EmailEvent): `event.message` is the message a modules
/// Worker's `email` handler gets.
class EmailEvent extends ExtendableEvent {
  constructor(message, ctx) {
    super("email", ctx, { message });
  }
}

for (const Class of [ExtendableEvent, FetchEvent, ScheduledEvent, QueueEvent, EmailEvent]) core.tagClass(Class);
define(G, "ExtendableEvent", ExtendableEvent);
define(G, "FetchEvent", FetchEvent);
define(G, "ScheduledEvent", ScheduledEvent);

/// Whether the script registered a handler workerd counts: any listener but `alarm` and
/// `unhandledrejection` (worker.c++ ignoredHandlers) on the platform's event types.
const hasListeners = () =>
  ["fetch", "scheduled", "queue", "tail", "trace", "email"].some((type) => globalListenerCount(type) > 0);

/// Dispatches a request: the promised Response, or null for default handling (no listener
/// answered, none prevented the default). A listener's throw ends the dispatch and rejects.
function fetchEvent(request, ctx) {
  const event = make(FetchEvent, request, ctx);
  // Default handling leaves the event waiting: a later `respondWith` is accepted, and unheard,
  // as in workerd (recorded).
  if (dispatchGlobal(event)) {
    if (request.bodyUsed) throw new Error("Script consumed request body but didn't call respondWith(). Can't forward request.");
    return null;
  }
  // workerd: the service worker API makes a prevented default without a response a network
  // error.
  return FetchEvent._takeResponse(event) ?? Promise.reject(new Error("preventDefault() called but respondWith() not called"));
}

function scheduledEvent(controller, ctx) {
  if (globalListenerCount("scheduled") === 0) {
    ops.log("warn", 'Received a ScheduledEvent but we lack an event listener for scheduled events (a.k.a. Cron Triggers). Did you remember to call addEventListener("scheduled", ...)?');
    throw new Error("No event listener registered for scheduled events.");
  }
  dispatchGlobal(make(ScheduledEvent, controller.cron, controller.scheduledTime, ctx, () => controller.noRetry()));
}

/// Dispatches a batch; what the listeners decided is read once the event's `waitUntil` work
/// has settled.
function queueEvent(batch, ctx) {
  if (globalListenerCount("queue") === 0) {
    ops.log("warn", 'Received a QueueEvent but we lack an event listener for queue events. Did you remember to call addEventListener("queue", ...)?');
    throw new Error("No event listener registered for queue messages.");
  }
  const event = make(QueueEvent, batch, ctx);
  dispatchGlobal(event);
  return ExtendableEvent._extensionsSettled(event);
}

/// Dispatches mail; done once the listeners' `waitUntil` work has settled.
function emailEvent(message, ctx) {
  if (globalListenerCount("email") === 0) {
    ops.log("warn", 'Received an EmailEvent but we lack an event listener for email events. Did you remember to call addEventListener("email", ...)?');
    throw new Error("No event listener registered for email events.");
  }
  const event = make(EmailEvent, message, ctx);
  dispatchGlobal(event);
  return ExtendableEvent._extensionsSettled(event);
}

return { ExtendableEvent, FetchEvent, ScheduledEvent, hasListeners, fetchEvent, scheduledEvent, queueEvent, emailEvent };
