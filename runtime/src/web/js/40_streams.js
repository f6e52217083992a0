// ReadableStream (default controller and reader), the part Request/Response bodies rest on.

class ReadableStreamDefaultController {
  #stream;
  constructor(stream) { this.#stream = stream; }
  get desiredSize() { return ReadableStream._desiredSize(this.#stream); }
  enqueue(chunk) { ReadableStream._enqueue(this.#stream, chunk); }
  close() { ReadableStream._close(this.#stream); }
  error(e) { ReadableStream._error(this.#stream, e); }
}

class ReadableStreamDefaultReader {
  #stream;
  #closed;
  constructor(stream) {
    if (!(stream instanceof ReadableStream)) throw new TypeError("Failed to construct 'ReadableStreamDefaultReader': parameter 1 is not of type 'ReadableStream'.");
    if (stream.locked) throw new TypeError("This ReadableStream is currently locked to a reader.");
    this.#stream = stream;
    ReadableStream._lock(stream, this);
    this.#closed = ReadableStream._closedPromise(stream);
  }
  get closed() { return this.#closed; }
  read() {
    if (!this.#stream) return Promise.reject(new TypeError("This ReadableStream reader has been released."));
    return ReadableStream._read(this.#stream);
  }
  releaseLock() { if (this.#stream) { ReadableStream._lock(this.#stream, null); this.#stream = null; } }
  cancel(reason) { return this.#stream ? this.#stream.cancel(reason, true) : Promise.resolve(); }
}

class ReadableStream {
  #state = "readable"; // readable | closed | errored
  #queue = [];
  #waiting = [];
  #error;
  #reader = null;
  #source;
  #controller;
  #pulling = false;
  #highWaterMark;
  #disturbed = false;
  #closedResolvers = deferred();
  constructor(source = {}, strategy = {}) {
    this.#closedResolvers.promise.catch(() => {});
    this.#source = source ?? {};
    this.#highWaterMark = strategy?.highWaterMark ?? 1;
    this.#controller = new ReadableStreamDefaultController(this);
    const started = this.#source.start ? this.#source.start(this.#controller) : undefined;
    Promise.resolve(started).then(() => this.#pull(), (e) => ReadableStream._error(this, e));
  }
  static _desiredSize(s) { return s.#state === "readable" ? s.#highWaterMark - s.#queue.length : s.#state === "closed" ? 0 : null; }
  static _enqueue(s, chunk) {
    if (s.#state !== "readable") throw new TypeError("Cannot enqueue to a closed or errored stream.");
    const w = s.#waiting.shift();
    if (w) w.resolve({ value: chunk, done: false });
    else s.#queue.push(chunk);
  }
  static _close(s) {
    if (s.#state !== "readable") return;
    s.#state = "closed";
    if (s.#queue.length === 0) s.#finish();
  }
  static _error(s, e) {
    if (s.#state !== "readable") return;
    s.#state = "errored"; s.#error = e; s.#queue = [];
    for (const w of s.#waiting.splice(0)) w.reject(e);
    s.#closedResolvers.reject(e);
  }
  static _lock(s, reader) { s.#reader = reader; }
  static _closedPromise(s) { return s.#closedResolvers.promise; }
  static _read(s) {
    s.#disturbed = true;
    if (s.#queue.length) {
      const value = s.#queue.shift();
      if (s.#state === "closed" && s.#queue.length === 0) s.#finish();
      else s.#pull();
      return Promise.resolve({ value, done: false });
    }
    if (s.#state === "closed") return Promise.resolve({ value: undefined, done: true });
    if (s.#state === "errored") return Promise.reject(s.#error);
    const w = deferred();
    s.#waiting.push(w);
    s.#pull();
    return w.promise;
  }
  static _disturbed(s) { return s.#disturbed; }
  #finish() {
    for (const w of this.#waiting.splice(0)) w.resolve({ value: undefined, done: true });
    this.#closedResolvers.resolve(undefined);
  }
  #pull() {
    if (this.#pulling || this.#state !== "readable" || !this.#source.pull) return;
    if (this.#queue.length >= this.#highWaterMark && this.#waiting.length === 0) return;
    this.#pulling = true;
    Promise.resolve()
      .then(() => this.#source.pull(this.#controller))
      .then(() => { this.#pulling = false; if (this.#waiting.length) this.#pull(); },
            (e) => { this.#pulling = false; ReadableStream._error(this, e); });
  }
  get locked() { return this.#reader !== null; }
  getReader(options = {}) {
    if (options?.mode !== undefined && options.mode !== "byob") throw new TypeError(`Invalid mode: ${options.mode}`);
    if (options?.mode === "byob") throw new TypeError("This ReadableStream does not support BYOB readers.");
    return new ReadableStreamDefaultReader(this);
  }
  cancel(reason, fromReader = false) {
    if (this.locked && !fromReader) return Promise.reject(new TypeError("This ReadableStream is currently locked to a reader."));
    this.#disturbed = true;
    if (this.#state === "errored") return Promise.reject(this.#error);
    if (this.#state === "closed" && this.#queue.length === 0) return Promise.resolve();
    this.#state = "closed"; this.#queue = [];
    this.#finish();
    return Promise.resolve(this.#source.cancel ? this.#source.cancel(reason) : undefined).then(() => undefined);
  }
  async *values(options = {}) {
    const reader = this.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      if (!options?.preventCancel) await reader.cancel();
      reader.releaseLock();
    }
  }
  [Symbol.asyncIterator](options) { return this.values(options); }
  static from(iterable) {
    const it = iterable[Symbol.asyncIterator] ? iterable[Symbol.asyncIterator]() : iterable[Symbol.iterator]();
    return new ReadableStream({
      async pull(c) { const { value, done } = await it.next(); if (done) c.close(); else c.enqueue(value); },
      async cancel(r) { if (it.return) await it.return(r); },
    });
  }
  get [Symbol.toStringTag]() { return "ReadableStream"; }
}
define(G, "ReadableStream", ReadableStream);
define(G, "ReadableStreamDefaultReader", ReadableStreamDefaultReader);
define(G, "ReadableStreamDefaultController", ReadableStreamDefaultController);

/// A stream that yields `bytes` as one chunk.
const streamOfBytes = (bytes) => new ReadableStream({ start(c) { if (bytes.length) c.enqueue(bytes); c.close(); } });

/// Reads a byte stream to the end, as one Uint8Array.
async function readAllBytes(stream) {
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const chunk = typeof value === "string" ? utf8(value) : value instanceof ArrayBuffer ? new Uint8Array(value) : ArrayBuffer.isView(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : null;
    if (!chunk) throw new TypeError("This TransformStream is being used as a byte stream, but received an object of non-ArrayBuffer/ArrayBufferView type on its writable side.");
    chunks.push(chunk);
    total += chunk.length;
  }
  reader.releaseLock();
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.length; }
  return out;
}
