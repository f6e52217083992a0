// Streams (WHATWG), readable side: ReadableStream with default and BYOB readers (and
// byobRequest), tee and async iteration, and the queuing strategies; pipes, WritableStream and
// TransformStream follow in 41_streams_writable.js. Texts of errors workerd raises itself are
// workerd's (readable.c++, standard.c++). With 41_streams_writable.js, the `streams` unit
// (api/mod.rs).

const { G, define, deferred, utf8, domError } = core;

const RS_LOCKED = "This ReadableStream is currently locked to a reader.";
const WS_LOCKED = "This WritableStream is currently locked to a writer.";
const NOT_BYTES = "This TransformStream is being used as a byte stream, but received an object of non-ArrayBuffer/ArrayBufferView type on its writable side.";

/// A chunk as bytes, or null when it is not an ArrayBuffer / view / string.
const chunkBytes = (value) => typeof value === "string" ? utf8(value)
  : value instanceof ArrayBuffer ? new Uint8Array(value)
  : ArrayBuffer.isView(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
  : null;

/// Size and high-water mark from a strategy, as the spec extracts them.
function strategyOf(strategy, defaultHwm) {
  const hwm = strategy?.highWaterMark === undefined ? defaultHwm : Number(strategy.highWaterMark);
  if (Number.isNaN(hwm) || hwm < 0) throw new RangeError("The highWaterMark must be a non-negative number.");
  const size = strategy?.size;
  if (size !== undefined && typeof size !== "function") throw new TypeError("The size must be a function.");
  return { hwm, size: size ? (chunk) => Number(size(chunk)) : () => 1 };
}

class CountQueuingStrategy {
  #hwm;
  constructor(init) { this.#hwm = Number(init?.highWaterMark); }
  get highWaterMark() { return this.#hwm; }
  get size() { return () => 1; }
}
class ByteLengthQueuingStrategy {
  #hwm;
  constructor(init) { this.#hwm = Number(init?.highWaterMark); }
  get highWaterMark() { return this.#hwm; }
  get size() { return (chunk) => chunk?.byteLength; }
}
define(G, "CountQueuingStrategy", CountQueuingStrategy);
define(G, "ByteLengthQueuingStrategy", ByteLengthQueuingStrategy);

// ---------- ReadableStream ----------

class ReadableStreamDefaultController {
  #stream;
  constructor(stream) { this.#stream = stream; }
  get desiredSize() { return ReadableStream._desiredSize(this.#stream); }
  enqueue(chunk) { ReadableStream._enqueue(this.#stream, chunk); }
  close() { ReadableStream._closeRequested(this.#stream); }
  error(e) { ReadableStream._error(this.#stream, e); }
}

/// A byte source's controller. A source may enqueue (readers of either kind are served from
/// the queue, by copy), or write straight into the pending read's memory through
/// `byobRequest` — a BYOB reader's view, or for a default reader a fresh buffer of the source's
/// `autoAllocateChunkSize`. Texts are workerd's (streams/standard.c++).
class ReadableByteStreamController {
  #stream;
  constructor(stream) { this.#stream = stream; }
  get byobRequest() { return ReadableStream._byobRequest(this.#stream); }
  get desiredSize() { return ReadableStream._desiredSize(this.#stream); }
  enqueue(chunk) {
    if (!ArrayBuffer.isView(chunk)) throw new TypeError("chunk must be an ArrayBufferView.");
    if (chunk.byteLength === 0) throw new TypeError("Cannot enqueue a zero-length ArrayBuffer.");
    ReadableStream._dropByobRequest(this.#stream);
    ReadableStream._enqueue(this.#stream, new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength).slice());
  }
  close() { ReadableStream._closeRequested(this.#stream); }
  error(e) { ReadableStream._error(this.#stream, e); }
}

const BYOB_INVALIDATED = "This ReadableStreamBYOBRequest has been invalidated.";

/// The read a byte source may answer in place: `view` is the part of the reader's memory not
/// filled yet.
class ReadableStreamBYOBRequest {
  #stream; #pending;
  constructor(stream, pending) { this.#stream = stream; this.#pending = pending; }
  static _invalidate(r) { r.#pending = null; }
  get view() {
    const p = this.#pending;
    if (p === null) return null;
    const target = p.view ?? p.auto;
    return new Uint8Array(target.buffer, target.byteOffset + p.filled, target.byteLength - p.filled);
  }
  respond(bytesWritten) {
    const p = this.#pending;
    if (p === null) throw new TypeError(BYOB_INVALIDATED);
    const n = Number(bytesWritten);
    if (!ReadableStream._canEnqueue(this.#stream)) {
      if (n !== 0) throw new TypeError("The bytesWritten must be zero after the stream is closed.");
      return ReadableStream._dropByobRequest(this.#stream);
    }
    if (!(n > 0)) throw new TypeError("The bytesWritten must be more than zero while the stream is open.");
    const target = p.view ?? p.auto;
    if (p.filled + n > target.byteLength) throw new RangeError("bytesWritten out of range");
    ReadableStream._respond(this.#stream, p, n);
  }
  respondWithNewView(view) {
    const p = this.#pending;
    if (p === null) throw new TypeError(BYOB_INVALIDATED);
    if (!ArrayBuffer.isView(view)) throw new TypeError("Failed to execute 'respondWithNewView' on 'ReadableStreamBYOBRequest': parameter 1 is not of type 'ArrayBufferView'.");
    if (!ReadableStream._canEnqueue(this.#stream)) {
      if (view.byteLength !== 0) throw new TypeError("The view byte length must be zero after the stream is closed.");
      return ReadableStream._dropByobRequest(this.#stream);
    }
    if (view.byteLength === 0) throw new TypeError("The view byte length must be more than zero while the stream is open.");
    const into = this.view;
    if (view.byteLength > into.byteLength) throw new RangeError("bytesWritten out of range");
    // The source may answer with memory of its own; the reader gets its bytes in its view.
    if (view.buffer !== into.buffer || view.byteOffset !== into.byteOffset) into.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    ReadableStream._respond(this.#stream, p, view.byteLength);
  }
}

const READER_RELEASED = "This ReadableStream reader has been released.";

/// What both readers share: the lock, a `closed` promise of the reader's own, and release —
/// which rejects the reads still pending and the `closed` promise (Streams §4.2.5,
/// ReadableStreamReaderGenericRelease; workerd's texts).
class ReaderLock {
  stream;
  closed = deferred();
  constructor(stream, reader) {
    if (stream.locked) throw new TypeError(RS_LOCKED);
    this.stream = stream;
    this.closed.promise.catch(() => {});
    ReadableStream._lock(stream, reader);
    ReadableStream._closedPromise(stream).then(this.closed.resolve, this.closed.reject);
  }
  release() {
    const stream = this.stream;
    if (!stream) return;
    this.stream = null;
    ReadableStream._lock(stream, null);
    const released = new TypeError(READER_RELEASED);
    ReadableStream._rejectReads(stream, released);
    this.closed.reject(released);
    // A reader released after its stream settled reports the release, not the settlement.
    const rejected = deferred();
    rejected.promise.catch(() => {});
    rejected.reject(released);
    this.closed = rejected;
  }
  cancel(reason) { return this.stream ? ReadableStream._cancel(this.stream, reason) : Promise.reject(new TypeError(READER_RELEASED)); }
}

class ReadableStreamDefaultReader {
  #lock;
  constructor(stream) {
    if (!(stream instanceof ReadableStream)) throw new TypeError("Failed to construct 'ReadableStreamDefaultReader': parameter 1 is not of type 'ReadableStream'.");
    this.#lock = new ReaderLock(stream, this);
  }
  get closed() { return this.#lock.closed.promise; }
  read() {
    const stream = this.#lock.stream;
    if (!stream) return Promise.reject(new TypeError(READER_RELEASED));
    return ReadableStream._read(stream, null);
  }
  releaseLock() { this.#lock.release(); }
  cancel(reason) { return this.#lock.cancel(reason); }
}

const BYOB_VIEW = "You must call read() on a \"byob\" reader with a positive-sized TypedArray object.";

class ReadableStreamBYOBReader {
  #lock;
  constructor(stream) {
    if (!(stream instanceof ReadableStream)) throw new TypeError("Failed to construct 'ReadableStreamBYOBReader': parameter 1 is not of type 'ReadableStream'.");
    if (stream.locked) throw new TypeError(RS_LOCKED);
    if (!ReadableStream._isBytes(stream)) throw new TypeError("This ReadableStream does not support BYOB reads.");
    this.#lock = new ReaderLock(stream, this);
  }
  get closed() { return this.#lock.closed.promise; }
  /// `options.min`: the read waits for at least that many elements (Streams §4.6.4), unless
  /// the stream closes first.
  read(view, options = undefined) {
    const stream = this.#lock.stream;
    if (!stream) return Promise.reject(new TypeError(READER_RELEASED));
    if (!ArrayBuffer.isView(view) || view.byteLength === 0) return Promise.reject(new TypeError(BYOB_VIEW));
    const elements = view instanceof DataView ? view.byteLength : view.length;
    let min = 1;
    if (options !== undefined && options !== null && options.min !== undefined) {
      min = Number(options.min);
      if (!(min > 0)) return Promise.reject(new TypeError("options.min must be greater than 0"));
      if (min > elements) return Promise.reject(new RangeError("options.min must be less than or equal to view's length"));
    }
    if (typeof SharedArrayBuffer === "function" && view.buffer instanceof SharedArrayBuffer) {
      return Promise.reject(new TypeError("Unable to use non-detachable ArrayBuffer"));
    }
    // The reader's memory moves to the read: the caller's buffer is detached, as in workerd,
    // and the result is a view over the same memory.
    const { byteOffset, byteLength } = view;
    let buffer;
    try {
      buffer = view.buffer.transfer();
    } catch {
      return Promise.reject(new TypeError("Unable to use non-detachable ArrayBuffer"));
    }
    const moved = view instanceof DataView
      ? new DataView(buffer, byteOffset, byteLength)
      : new view.constructor(buffer, byteOffset, byteLength / view.BYTES_PER_ELEMENT);
    return ReadableStream._read(stream, moved, min * (view.BYTES_PER_ELEMENT ?? 1));
  }
  releaseLock() { this.#lock.release(); }
  cancel(reason) { return this.#lock.cancel(reason); }
}

/// Moves bytes from the byte chunks at the head of `queue` into `target` (a Uint8Array),
/// leaving any rest there; how many it moved.
function drainInto(queue, target) {
  let filled = 0;
  while (queue.length && filled < target.length) {
    const head = queue[0];
    const n = Math.min(head.length, target.length - filled);
    target.set(head.subarray(0, n), filled);
    filled += n;
    if (n === head.length) queue.shift();
    else queue[0] = head.subarray(n);
  }
  return filled;
}

/// Fills `view` from byte chunks at the head of `queue`, leaving any rest there; a view of
/// the same type over the filled part.
function fillView(queue, view) {
  const target = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  const unit = view.BYTES_PER_ELEMENT ?? 1;
  let filled = drainInto(queue, target);
  filled -= filled % unit;
  const Ctor = view.constructor === DataView ? DataView : view.constructor;
  return new Ctor(view.buffer, view.byteOffset, filled / (Ctor === DataView ? 1 : unit));
}

class ReadableStream {
  #state = "readable"; // readable | closed | errored
  #closeRequested = false;
  #queue = [];
  #queueSize = 0;
  #sizes = [];
  #waiting = [];
  #error;
  #reader = null;
  #source;
  #controller;
  #pulling = false;
  #pullAgain = false;
  #started = false;
  #strategy;
  #bytes;
  #disturbed = false;
  #closedResolvers = deferred();
  #byobRequest = null;
  /// A stream of the platform's own (workerd's internal streams: bodies, IdentityTransformStream,
  /// the codec streams): one read at a time, and a cancel fails the pending read.
  #internal = false;
  constructor(source = {}, strategy = {}) {
    this.#closedResolvers.promise.catch(() => {});
    this.#source = source ?? {};
    const type = this.#source.type;
    if (type !== undefined && String(type) !== "bytes") throw new RangeError(`Invalid type: ${type}`);
    this.#bytes = type !== undefined;
    if (this.#bytes && this.#source.autoAllocateChunkSize !== undefined) {
      const size = Number(this.#source.autoAllocateChunkSize);
      if (!Number.isInteger(size) || size <= 0) throw new TypeError("autoAllocateChunkSize must be greater than 0");
    }
    this.#strategy = this.#bytes ? { hwm: strategy?.highWaterMark ?? 0, size: (c) => c.length } : strategyOf(strategy, 1);
    this.#controller = this.#bytes ? new ReadableByteStreamController(this) : new ReadableStreamDefaultController(this);
    const started = this.#source.start ? this.#source.start.call(this.#source, this.#controller) : undefined;
    Promise.resolve(started).then(() => { this.#started = true; this.#pull(); }, (e) => ReadableStream._error(this, e));
  }
  static _isBytes(s) { return s.#bytes; }
  /// A byte stream over `source` that behaves as workerd's internal streams do.
  static _internal(source) {
    const s = new ReadableStream({ ...source, type: "bytes" }, { highWaterMark: 0 });
    s.#internal = true;
    return s;
  }
  /// The reads still pending fail with `error` (a reader released under them).
  static _rejectReads(s, error) {
    ReadableStream._dropByobRequest(s);
    for (const w of s.#waiting.splice(0)) w.reject(error);
  }
  static _canEnqueue(s) { return s.#state === "readable" && !s.#closeRequested; }
  /// The byte source's view of the oldest pending read, made once per read.
  static _byobRequest(s) {
    if (s.#byobRequest !== null) return s.#byobRequest;
    const w = s.#waiting[0];
    if (!s.#bytes || s.#state !== "readable" || w === undefined) return null;
    if (w.view === null) {
      const size = s.#source.autoAllocateChunkSize;
      if (size === undefined) return null;
      w.auto ??= new Uint8Array(Number(size));
    }
    w.filled ??= 0;
    s.#byobRequest = new ReadableStreamBYOBRequest(s, w);
    return s.#byobRequest;
  }
  static _dropByobRequest(s) {
    if (s.#byobRequest !== null) ReadableStreamBYOBRequest._invalidate(s.#byobRequest);
    s.#byobRequest = null;
  }
  /// The source wrote `n` more bytes into pending read `w`: it is answered once it holds a whole
  /// element of its view (a byte for a default read's buffer).
  static _respond(s, w, n) {
    w.filled += n;
    const unit = w.view === null ? 1 : (w.view.BYTES_PER_ELEMENT ?? 1);
    if (w.filled >= unit) {
      s.#waiting.shift();
      ReadableStream._dropByobRequest(s);
      const whole = w.filled - (w.filled % unit);
      if (w.view === null) {
        w.resolve({ value: new Uint8Array(w.auto.buffer, w.auto.byteOffset, whole), done: false });
      } else {
        // The bytes past the last whole element go back to the head of the queue.
        if (whole < w.filled) s.#queue.unshift(new Uint8Array(w.view.buffer, w.view.byteOffset + whole, w.filled - whole).slice());
        const Ctor = w.view.constructor === DataView ? DataView : w.view.constructor;
        w.resolve({ value: new Ctor(w.view.buffer, w.view.byteOffset, whole / (Ctor === DataView ? 1 : unit)), done: false });
        s.#recount();
      }
    } else {
      // Not a whole element yet: the next byobRequest covers the rest of the view.
      ReadableStream._dropByobRequest(s);
    }
    s.#pull();
  }
  static _desiredSize(s) { return s.#state === "readable" ? s.#strategy.hwm - s.#queueSize : s.#state === "closed" ? 0 : null; }
  static _enqueue(s, chunk) {
    if (s.#state !== "readable" || s.#closeRequested) throw new TypeError("Cannot enqueue to a closed or errored stream.");
    const w = s.#waiting[0];
    if (w && w.view === null) {
      s.#waiting.shift();
      return w.resolve({ value: chunk, done: false });
    }
    if (w) {
      // A BYOB read waits until its view holds `minBytes` (its `min` elements).
      s.#queue.push(chunk);
      s.#recount();
      if (s.#queueSize < w.minBytes) return;
      s.#waiting.shift();
      const value = fillView(s.#queue, w.view);
      s.#recount();
      return w.resolve({ value, done: false });
    }
    const size = s.#strategy.size(chunk);
    if (!Number.isFinite(size) || size < 0) {
      const e = new RangeError("The return value of a queuing strategy's size function must be a finite, non-NaN, non-negative number.");
      ReadableStream._error(s, e);
      throw e;
    }
    s.#queue.push(chunk);
    s.#sizes.push(size);
    s.#queueSize += size;
  }
  #recount() {
    if (this.#bytes) this.#queueSize = this.#queue.reduce((n, c) => n + c.length, 0);
  }
  static _closeRequested(s) {
    if (s.#state !== "readable" || s.#closeRequested) throw new TypeError("Cannot close a stream that is already closed or errored.");
    s.#closeRequested = true;
    // A BYOB read still short of its `min` gets what there is, as the stream's last read.
    const w = s.#waiting[0];
    if (w?.view && s.#queue.length) {
      s.#waiting.shift();
      const value = fillView(s.#queue, w.view);
      s.#recount();
      w.resolve({ value, done: true });
    }
    if (s.#queue.length === 0) s.#finish();
  }
  static _error(s, e) {
    if (s.#state !== "readable") return;
    s.#state = "errored"; s.#error = e; s.#queue = []; s.#sizes = []; s.#queueSize = 0;
    for (const w of s.#waiting.splice(0)) w.reject(e);
    s.#closedResolvers.reject(e);
  }
  static _lock(s, reader) { s.#reader = reader; }
  static _closedPromise(s) { return s.#closedResolvers.promise; }
  static _read(s, view, minBytes = 1) {
    s.#disturbed = true;
    if (s.#state === "errored") return Promise.reject(s.#error);
    if (s.#internal && s.#waiting.length) {
      return Promise.reject(new TypeError("This ReadableStream only supports a single pending read request at a time."));
    }
    if (s.#queue.length && (view === null || s.#queueSize >= minBytes || s.#closeRequested)) {
      let value;
      if (view === null) {
        value = s.#queue.shift();
        s.#queueSize -= s.#bytes ? value.length : s.#sizes.shift();
      } else {
        value = fillView(s.#queue, view);
        s.#recount();
      }
      if (s.#closeRequested && s.#queue.length === 0) s.#finish();
      else s.#pull();
      return Promise.resolve({ value, done: false });
    }
    if (s.#state === "closed") {
      const value = view === null ? undefined : new view.constructor(view.buffer, view.byteOffset, 0);
      return Promise.resolve({ value, done: true });
    }
    const w = deferred();
    w.view = view;
    w.minBytes = minBytes;
    s.#waiting.push(w);
    s.#pull();
    return w.promise;
  }
  static _disturbed(s) { return s.#disturbed; }
  static _cancel(s, reason) {
    s.#disturbed = true;
    if (s.#state === "errored") return Promise.reject(s.#error);
    if (s.#state === "closed") return Promise.resolve();
    s.#queue = []; s.#sizes = []; s.#queueSize = 0;
    // workerd's internal streams fail the pending read with the reason; others end it.
    if (s.#internal) ReadableStream._rejectReads(s, reason);
    s.#finish();
    const source = s.#source;
    return new Promise((resolve) => resolve(source.cancel ? source.cancel.call(source, reason) : undefined)).then(() => undefined);
  }
  #finish() {
    this.#state = "closed";
    for (const w of this.#waiting.splice(0)) {
      w.resolve({ value: w.view ? new w.view.constructor(w.view.buffer, w.view.byteOffset, 0) : undefined, done: true });
    }
    this.#closedResolvers.resolve(undefined);
  }
  #pull() {
    if (!this.#started || this.#state !== "readable" || this.#closeRequested || !this.#source.pull) return;
    if (this.#queueSize >= this.#strategy.hwm && this.#waiting.length === 0) return;
    if (this.#pulling) { this.#pullAgain = true; return; }
    this.#pulling = true;
    Promise.resolve()
      .then(() => this.#source.pull.call(this.#source, this.#controller))
      .then(() => {
        this.#pulling = false;
        if (this.#pullAgain || this.#waiting.length) { this.#pullAgain = false; this.#pull(); }
      }, (e) => { this.#pulling = false; ReadableStream._error(this, e); });
  }
  get locked() { return this.#reader !== null; }
  getReader(options = {}) {
    if (this.locked) throw new TypeError(RS_LOCKED);
    const mode = options?.mode;
    if (mode === undefined) return new ReadableStreamDefaultReader(this);
    if (String(mode) !== "byob") throw new TypeError("mode must be undefined or 'byob' in call to getReader().");
    return new ReadableStreamBYOBReader(this);
  }
  cancel(reason) {
    if (this.locked) return Promise.reject(new TypeError(RS_LOCKED));
    return ReadableStream._cancel(this, reason);
  }
  tee() {
    if (this.locked) throw new TypeError(RS_LOCKED);
    const reader = this.getReader();
    const branches = [];
    const cancelled = [false, false];
    const reasons = [undefined, undefined];
    let reading = false;
    const cancelBoth = deferred();
    const controllers = [];
    const pull = async () => {
      if (reading) return;
      reading = true;
      try {
        const { value, done } = await reader.read();
        if (done) {
          controllers.forEach((c, i) => { if (!cancelled[i]) c.close(); });
          return;
        }
        controllers.forEach((c, i) => {
          if (!cancelled[i]) c.enqueue(this.#bytes && ArrayBuffer.isView(value) && i === 1 ? value.slice() : value);
        });
      } catch (e) {
        controllers.forEach((c) => c.error(e));
      } finally {
        reading = false;
      }
    };
    for (const i of [0, 1]) {
      branches.push(new ReadableStream({
        type: this.#bytes ? "bytes" : undefined,
        start(c) { controllers[i] = c; },
        pull,
        cancel(reason) {
          cancelled[i] = true; reasons[i] = reason;
          if (cancelled[0] && cancelled[1]) cancelBoth.resolve(reader.cancel(reasons));
          return cancelBoth.promise;
        },
      }));
    }
    reader.closed.catch((e) => controllers.forEach((c) => c.error(e)));
    return branches;
  }
  pipeTo(destination, options = {}) {
    if (!(destination instanceof WritableStream)) return Promise.reject(new TypeError("Failed to execute 'pipeTo' on 'ReadableStream': parameter 1 is not of type 'WritableStream'."));
    if (this.locked) return Promise.reject(new TypeError(RS_LOCKED));
    if (destination.locked) return Promise.reject(new TypeError("This WritableStream is currently locked to a writer"));
    return pipe(this, destination, options ?? {});
  }
  pipeThrough(transform, options = {}) {
    const { writable, readable } = transform ?? {};
    if (!(writable instanceof WritableStream) || !(readable instanceof ReadableStream)) {
      throw new TypeError("Failed to execute 'pipeThrough' on 'ReadableStream': parameter 1 must have 'readable' and 'writable' streams.");
    }
    if (this.locked) throw new TypeError(RS_LOCKED);
    if (writable.locked) throw new TypeError(WS_LOCKED);
    pipe(this, writable, options ?? {}).catch(() => {});
    return readable;
  }
  async *values(options = {}) {
    const reader = this.getReader();
    let finished = false;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) { finished = true; return; }
        yield value;
      }
    } finally {
      if (!finished && !options?.preventCancel) await reader.cancel();
      reader.releaseLock();
    }
  }
  [Symbol.asyncIterator](options) { return this.values(options); }
  static from(iterable) {
    if (iterable instanceof ReadableStream) return iterable;
    const it = iterable?.[Symbol.asyncIterator] ? iterable[Symbol.asyncIterator]() : iterable?.[Symbol.iterator] ? iterable[Symbol.iterator]() : null;
    if (it === null) throw new TypeError("Failed to execute 'from' on 'ReadableStream': The provided value is not async iterable.");
    return new ReadableStream({
      async pull(c) { const { value, done } = await it.next(); if (done) c.close(); else c.enqueue(value); },
      // Streams §4.2.4 ReadableStreamFromIterable: `return` is optional, but one that is not a
      // method, or that answers a non-object, fails the cancel.
      cancel(r) {
        const ret = it.return;
        if (ret === undefined || ret === null) return undefined;
        if (typeof ret !== "function") throw new TypeError("The iterator's 'return' property is not a method.");
        return Promise.resolve(ret.call(it, r)).then((result) => {
          if (result === null || (typeof result !== "object" && typeof result !== "function")) {
            throw new TypeError("The iterator's 'return' method did not return an object.");
          }
        });
      },
    }, { highWaterMark: 0 });
  }
  get [Symbol.toStringTag]() { return "ReadableStream"; }
}
define(G, "ReadableStream", ReadableStream);
define(G, "ReadableStreamDefaultReader", ReadableStreamDefaultReader);
define(G, "ReadableStreamBYOBReader", ReadableStreamBYOBReader);
define(G, "ReadableStreamDefaultController", ReadableStreamDefaultController);
define(G, "ReadableByteStreamController", ReadableByteStreamController);
define(G, "ReadableStreamBYOBRequest", ReadableStreamBYOBRequest);
