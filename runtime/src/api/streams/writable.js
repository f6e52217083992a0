// Streams (WHATWG), the rest: pipeTo/pipeThrough, WritableStream with backpressure,
// TransformStream, and the helpers the runtime reads and makes bodies with. Texts of errors
// workerd raises itself are workerd's (writable.c++).

/// Moves every chunk of `source` into `dest`, honouring the pipe options (WHATWG pipeTo).
async function pipe(source, dest, options) {
  const reader = source.getReader();
  const writer = dest.getWriter();
  const signal = options.signal;
  let aborted = null;
  const onAbort = () => { aborted = signal.reason ?? domError("AbortError", "The operation was aborted."); };
  if (signal) {
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  }
  try {
    for (;;) {
      if (aborted !== null) throw aborted;
      await writer.ready;
      let step;
      try {
        step = await reader.read();
      } catch (e) {
        if (!options.preventAbort) await writer.abort(e).catch(() => {});
        throw e;
      }
      if (step.done) {
        if (!options.preventClose) await writer.close();
        return;
      }
      if (aborted !== null) throw aborted;
      try {
        await writer.write(step.value);
      } catch (e) {
        if (!options.preventCancel) await reader.cancel(e).catch(() => {});
        throw e;
      }
    }
  } catch (e) {
    if (e === aborted) {
      if (!options.preventAbort) await writer.abort(e).catch(() => {});
      if (!options.preventCancel) await reader.cancel(e).catch(() => {});
    }
    throw e;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    reader.releaseLock();
    writer.releaseLock();
  }
}

// ---------- WritableStream ----------

class WritableStreamDefaultController {
  // The signal is made on first use (or abort): most writable streams are never aborted.
  #stream; #abort = null;
  #abortController() { return (this.#abort ??= new core.AbortController()); }
  constructor(stream) { this.#stream = stream; }
  get signal() { return this.#abortController().signal; }
  error(e) { WritableStream._error(this.#stream, e); }
  static _abort(c, reason) { c.#abortController().abort(reason); }
}

const WRITER_RELEASED = "This WritableStream writer has been released.";

class WritableStreamDefaultWriter {
  #stream;
  #closed = deferred();
  constructor(stream) {
    if (!(stream instanceof WritableStream)) throw new TypeError("Failed to construct 'WritableStreamDefaultWriter': parameter 1 is not of type 'WritableStream'.");
    if (stream.locked) throw new TypeError(WS_LOCKED);
    this.#stream = stream;
    this.#closed.promise.catch(() => {});
    WritableStream._lock(stream, this);
    WritableStream._closed(stream).then(this.#closed.resolve, this.#closed.reject);
  }
  #released() { return Promise.reject(new TypeError(WRITER_RELEASED)); }
  get closed() { return this.#closed.promise; }
  get ready() { return this.#stream ? WritableStream._ready(this.#stream) : this.#released(); }
  get desiredSize() {
    if (!this.#stream) throw new TypeError("This WritableStream writer has been released.");
    return WritableStream._desiredSize(this.#stream);
  }
  write(chunk) { return this.#stream ? WritableStream._write(this.#stream, chunk) : this.#released(); }
  close() { return this.#stream ? WritableStream._close(this.#stream) : this.#released(); }
  abort(reason) { return this.#stream ? WritableStream._abort(this.#stream, reason) : this.#released(); }
  /// As workerd does: the writes still queued (not the one being written) fail, and so does
  /// `closed`.
  releaseLock() {
    const stream = this.#stream;
    if (!stream) return;
    this.#stream = null;
    WritableStream._lock(stream, null);
    const released = new TypeError(WRITER_RELEASED);
    WritableStream._rejectQueuedWrites(stream, released);
    this.#closed.reject(released);
    this.#closed = deferred();
    this.#closed.promise.catch(() => {});
    this.#closed.reject(released);
  }
}

class WritableStream {
  #state = "writable"; // writable | closing | closed | errored
  #sink;
  #controller;
  #strategy;
  #queue = []; // { chunk, size, done } or { close: true, done }
  #queueSize = 0;
  #writing = false;
  #started = false;
  #error;
  #writer = null;
  #closed = deferred();
  #ready = null;
  constructor(sink = {}, strategy = {}) {
    this.#closed.promise.catch(() => {});
    this.#sink = sink ?? {};
    if (this.#sink.type !== undefined) throw new RangeError(`Invalid type: ${this.#sink.type}`);
    this.#strategy = strategyOf(strategy, 1);
    this.#controller = new WritableStreamDefaultController(this);
    const started = this.#sink.start ? this.#sink.start.call(this.#sink, this.#controller) : undefined;
    Promise.resolve(started).then(() => { this.#started = true; this.#advance(); }, (e) => WritableStream._error(this, e));
  }
  static _lock(s, writer) { s.#writer = writer; }
  static _closed(s) { return s.#closed.promise; }
  static _desiredSize(s) {
    if (s.#state === "errored") return null;
    if (s.#state === "closed") return 0;
    return s.#strategy.hwm - s.#queueSize;
  }
  static _ready(s) {
    if (s.#state === "errored") return Promise.reject(s.#error);
    if (WritableStream._desiredSize(s) > 0 || s.#state !== "writable") return Promise.resolve();
    s.#ready ??= deferred();
    return s.#ready.promise;
  }
  #relieve() {
    if (this.#ready && WritableStream._desiredSize(this) > 0) { this.#ready.resolve(); this.#ready = null; }
  }
  static _write(s, chunk) {
    if (s.#state === "errored") return Promise.reject(s.#error);
    if (s.#state !== "writable") return Promise.reject(new TypeError("This WritableStream has been closed."));
    let size;
    try {
      size = s.#strategy.size(chunk);
    } catch (e) {
      WritableStream._error(s, e);
      return Promise.reject(e);
    }
    const done = deferred();
    s.#queue.push({ chunk, size, done });
    s.#queueSize += size;
    s.#advance();
    return done.promise;
  }
  static _close(s) {
    if (s.#state === "errored") return Promise.reject(s.#error);
    if (s.#state !== "writable") return Promise.reject(new TypeError("This WritableStream has been closed."));
    s.#state = "closing";
    const done = deferred();
    s.#queue.push({ close: true, done });
    s.#relieve();
    s.#advance();
    return done.promise;
  }
  static _abort(s, reason) {
    if (s.#state === "closed") return Promise.resolve();
    if (s.#state === "errored") return Promise.resolve();
    WritableStreamDefaultController._abort(s.#controller, reason);
    WritableStream._error(s, reason);
    return Promise.resolve(s.#sink.abort ? s.#sink.abort.call(s.#sink, reason) : undefined).then(() => undefined);
  }
  static _rejectQueuedWrites(s, error) {
    const kept = s.#writing ? s.#queue.slice(0, 1) : [];
    for (const item of s.#queue.slice(kept.length)) {
      if (item.close) { kept.push(item); continue; }
      s.#queueSize -= item.size;
      item.done.reject(error);
    }
    s.#queue = kept;
    s.#relieve();
  }
  static _error(s, e) {
    if (s.#state === "errored" || s.#state === "closed") return;
    s.#state = "errored";
    s.#error = e;
    for (const item of s.#queue.splice(0)) item.done.reject(e);
    s.#queueSize = 0;
    s.#closed.reject(e);
    if (s.#ready) { s.#ready.reject(e); s.#ready = null; }
  }
  #advance() {
    if (!this.#started || this.#writing || this.#state === "errored" || this.#queue.length === 0) return;
    const item = this.#queue[0];
    this.#writing = true;
    const run = item.close
      ? () => (this.#sink.close ? this.#sink.close.call(this.#sink) : undefined)
      : () => (this.#sink.write ? this.#sink.write.call(this.#sink, item.chunk, this.#controller) : undefined);
    Promise.resolve().then(run).then(() => {
      this.#writing = false;
      if (this.#state === "errored") return;
      this.#queue.shift();
      if (item.close) {
        this.#state = "closed";
        item.done.resolve();
        this.#closed.resolve();
        return;
      }
      this.#queueSize -= item.size;
      item.done.resolve();
      this.#relieve();
      this.#advance();
    }, (e) => {
      this.#writing = false;
      WritableStream._error(this, e);
    });
  }
  get locked() { return this.#writer !== null; }
  getWriter() { return new WritableStreamDefaultWriter(this); }
  abort(reason) {
    if (this.locked) return Promise.reject(new TypeError(WS_LOCKED));
    return WritableStream._abort(this, reason);
  }
  close() {
    if (this.locked) return Promise.reject(new TypeError(WS_LOCKED));
    return WritableStream._close(this);
  }
  get [Symbol.toStringTag]() { return "WritableStream"; }
}
define(G, "WritableStream", WritableStream);
define(G, "WritableStreamDefaultWriter", WritableStreamDefaultWriter);
define(G, "WritableStreamDefaultController", WritableStreamDefaultController);

// ---------- TransformStream ----------

class TransformStreamDefaultController {
  #readable; #onEnqueue; #terminate;
  constructor(readable, onEnqueue, terminate) { this.#readable = readable; this.#onEnqueue = onEnqueue; this.#terminate = terminate; }
  get desiredSize() { return this.#readable.desiredSize; }
  enqueue(chunk) { this.#readable.enqueue(chunk); this.#onEnqueue(); }
  error(e) { this.#readable.error(e); }
  terminate() { this.#terminate(); }
}

/// The platform's transform classes (stream_classes.js) give TransformStream a readable and a
/// writable made as workerd's internal streams, under this key.
const INTERNAL_PAIR = Symbol("internal pair");

class TransformStream {
  #readable; #writable;
  constructor(transformer = {}, writableStrategy = {}, readableStrategy = {}) {
    transformer = transformer ?? {};
    const pair = transformer[INTERNAL_PAIR];
    if (pair) {
      this.#readable = pair.readable;
      this.#writable = pair.writable;
      return;
    }
    if (transformer.readableType !== undefined) throw new RangeError("Invalid readableType.");
    if (transformer.writableType !== undefined) throw new RangeError("Invalid writableType.");
    let readableController;
    let writable;
    // Backpressure (WHATWG): a write waits while the readable side is full, until it is pulled.
    let backpressure = true;
    let relieved = null;
    const started = deferred();
    started.promise.catch(() => {});
    const readableHwm = readableStrategy?.highWaterMark === undefined ? { ...readableStrategy, highWaterMark: 0 } : readableStrategy;
    this.#readable = new ReadableStream({
      start(c) { readableController = c; return started.promise; },
      pull() {
        backpressure = false;
        if (relieved) { relieved.resolve(); relieved = null; }
      },
      cancel(reason) {
        WritableStream._error(writable, reason ?? new TypeError("The transform stream was cancelled."));
        return cancelTransformer(reason);
      },
    }, readableHwm);
    const controller = new TransformStreamDefaultController(
      readableController,
      () => { if ((readableController.desiredSize ?? 0) <= 0) backpressure = true; },
      () => {
        try { readableController.close(); } catch {}
        WritableStream._error(writable, new TypeError("The transform stream has been terminated."));
      },
    );
    // The transformer hears of a cancelled readable or an aborted writable once (Streams §6.4.2).
    let cancelled = false;
    const cancelTransformer = (reason) => {
      if (cancelled || !transformer.cancel) return undefined;
      cancelled = true;
      return transformer.cancel.call(transformer, reason);
    };
    const transform = transformer.transform
      ? (chunk) => transformer.transform.call(transformer, chunk, controller)
      : (chunk) => controller.enqueue(chunk);
    writable = new WritableStream({
      start() { return started.promise; },
      async write(chunk) {
        if (backpressure) {
          relieved ??= deferred();
          await relieved.promise;
        }
        try {
          await transform(chunk);
        } catch (e) {
          readableController.error(e);
          throw e;
        }
      },
      async close() {
        try {
          if (transformer.flush) await transformer.flush.call(transformer, controller);
          readableController.close();
        } catch (e) {
          readableController.error(e);
          throw e;
        }
      },
      abort(reason) {
        readableController.error(reason);
        return cancelTransformer(reason);
      },
    }, writableStrategy ?? {});
    const start = transformer.start ? transformer.start.call(transformer, controller) : undefined;
    Promise.resolve(start).then(() => started.resolve(), (e) => started.reject(e));
    this.#writable = writable;
  }
  get readable() { return this.#readable; }
  get writable() { return this.#writable; }
  get [Symbol.toStringTag]() { return "TransformStream"; }
}
define(G, "TransformStream", TransformStream);
define(G, "TransformStreamDefaultController", TransformStreamDefaultController);

/// A stream that yields `bytes` as one chunk.
/// Streams whose length is known before they are read (workerd: a body made from bytes, the
/// readable half of a FixedLengthStream), with that length: R2 `put` accepts only these.
const knownLength = new WeakMap();
/// What a default read of one of the platform's streams takes at most: workerd reads into a
/// buffer of this size (streams/common.h DEFAULT_AUTO_ALLOCATE_CHUNK_SIZE; recorded).
const READ_CHUNK_BYTES = 4096;

const streamOfBytes = (bytes) => {
  // Straight into the queue, in reads' sizes: views of a body the platform made, not copies.
  const stream = ReadableStream._internal({});
  for (let at = 0; at < bytes.length; at += READ_CHUNK_BYTES) {
    ReadableStream._enqueue(stream, bytes.subarray(at, at + READ_CHUNK_BYTES));
  }
  ReadableStream._closeRequested(stream);
  knownLength.set(stream, bytes.length);
  return stream;
};

/// Reads a byte stream to the end, as one Uint8Array.
async function readAllBytes(stream) {
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const chunk = chunkBytes(value);
    if (!chunk) throw new TypeError(NOT_BYTES);
    chunks.push(chunk);
    total += chunk.length;
  }
  reader.releaseLock();
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.length; }
  return out;
}

return { ReadableStream, WritableStream, TransformStream, readAllBytes, streamOfBytes, knownLength, NOT_BYTES, chunkBytes, INTERNAL_PAIR, READ_CHUNK_BYTES, drainInto };
