// The transform streams Workers ship: IdentityTransformStream and FixedLengthStream (byte
// identities), TextEncoderStream / TextDecoderStream, and CompressionStream /
// DecompressionStream over the native codec (compression.rs). Texts are workerd's.

const { G, define, TextDecoder, toBytes, utf8, NOT_BYTES, TransformStream, chunkBytes } = core;

/// A byte chunk from the writable side, or workerd's TypeError for anything else.
function requireBytes(chunk) {
  const bytes = chunkBytes(typeof chunk === "string" ? null : chunk);
  if (bytes === null) throw new TypeError(NOT_BYTES);
  return bytes;
}

/// What a cancelled internal readable fails its writable side with (workerd: an Error made
/// from a reason that is not one, `Stream was cancelled.` for none).
const cancelError = (reason) => reason instanceof Error ? reason
  : new Error(reason === undefined ? "Stream was cancelled." : String(reason));

/// workerd's internal streams between a sink and a readable byte stream (streams/internal.c++,
/// identity-transform-stream.c++, compression.c++). What the writable side produces waits in
/// `output` until a read takes it — as much as fits its buffer: a BYOB reader's view, else
/// READ_CHUNK_BYTES — and one read runs at a time. `pipe`: a write is done once reads have
/// taken all its bytes (IdentityTransformStream, FixedLengthStream); otherwise it is done at
/// once and its output waits (the codec streams, which workerd does not backpressure).
/// `limit`: FixedLengthStream's length, which the reads enforce, as workerd's do: a read past
/// it, or an end short of it, errors the stream. Returns `{ readable, writable }` for
/// TransformStream's INTERNAL_PAIR.
function internalPair({ transform, flush = () => null, pipe, drop = () => {}, limit = null }) {
  const { ReadableStream, WritableStream } = core.unit("streams");
  const output = [];
  let remaining = limit;
  /// The error a FixedLengthStream read found: later writes fail with it.
  let poisoned = null;
  let ended = false;
  let closed = false;
  let controller;
  let wake = null;
  let drained = null;
  const wakeRead = () => { if (wake) { wake.resolve(); wake = null; } };
  const closeIfDrained = () => {
    if (!ended || closed || output.length !== 0) return;
    closed = true;
    if (remaining) controller.error(new TypeError("FixedLengthStream did not see all expected bytes before close()."));
    else controller.close();
  };
  /// A read took `n` bytes: within the length, or the error that ends the stream.
  const overrun = (n) => {
    if (remaining === null) return false;
    if (n <= remaining) { remaining -= n; return false; }
    poisoned = new TypeError("Attempt to write too many bytes through a FixedLengthStream.");
    output.length = 0;
    controller.error(poisoned);
    return true;
  };
  const readable = ReadableStream._internal({
    start(c) { controller = c; },
    pull(c) {
      if (output.length === 0) {
        if (ended) return closeIfDrained();
        wake = core.deferred();
        return wake.promise;
      }
      const request = c.byobRequest;
      const buffered = output.reduce((n, b) => n + b.length, 0);
      const into = request ? request.view : new Uint8Array(Math.min(buffered, READ_CHUNK_BYTES));
      const n = drainInto(output, into);
      if (!overrun(n)) {
        if (request) request.respond(n);
        else c.enqueue(into);
      }
      if (output.length === 0 && drained) { drained.resolve(); drained = null; }
      if (poisoned === null) closeIfDrained();
    },
    cancel(reason) {
      output.length = 0;
      const error = cancelError(reason);
      WritableStream._error(writable, error);
      if (drained) { drained.reject(error); drained = null; }
      drop();
    },
  });
  const fail = (e) => { try { controller.error(e); } catch {} drop(); };
  const writable = new WritableStream({
    async write(chunk) {
      if (poisoned) throw poisoned;
      const bytes = requireBytes(chunk);
      let out;
      try {
        out = transform(bytes);
      } catch (e) {
        fail(e);
        throw e;
      }
      if (out && out.length) output.push(out);
      wakeRead();
      if (pipe && output.length) {
        drained ??= core.deferred();
        await drained.promise;
      }
    },
    close() {
      if (poisoned) throw poisoned;
      let out;
      try {
        out = flush();
      } catch (e) {
        fail(e);
        throw e;
      }
      if (out && out.length) output.push(out);
      ended = true;
      wakeRead();
      closeIfDrained();
    },
    abort(reason) {
      output.length = 0;
      fail(reason);
      wakeRead();
    },
  });
  return { readable, writable };
}

const { INTERNAL_PAIR, READ_CHUNK_BYTES, drainInto } = core.unit("streams");

class IdentityTransformStream extends TransformStream {
  constructor(options = {}) {
    super({ [INTERNAL_PAIR]: internalPair({ transform: (b) => b.slice(), pipe: true }) });
  }
  get [Symbol.toStringTag]() { return "IdentityTransformStream"; }
}

/// Lengths FixedLengthStream takes: a uint64 as Web IDL converts it (fractions truncated),
/// below 2^53.
function expectedLengthOf(value) {
  const n = Math.trunc(Number(typeof value === "bigint" ? Number(value) : value));
  if (Number.isNaN(n) || n < 0) throw new TypeError("The value cannot be converted because it is negative and this API expects a positive bigint.");
  if (n > Number.MAX_SAFE_INTEGER) throw new TypeError("FixedLengthStream requires an integer expected length less than 2^53.");
  return n;
}

class FixedLengthStream extends TransformStream {
  #expected;
  constructor(expectedLength, options = {}) {
    const n = expectedLengthOf(expectedLength);
    super({ [INTERNAL_PAIR]: internalPair({ transform: (b) => b.slice(), pipe: true, limit: n }) });
    this.#expected = n;
    core.knownLength.set(this.readable, n);
  }
  static _expected(s) { return s.#expected; }
  get [Symbol.toStringTag]() { return "FixedLengthStream"; }
}

class TextEncoderStream extends TransformStream {
  constructor() {
    // A high surrogate at the end of a chunk waits for the low one at the start of the next.
    let pending = "";
    super({
      transform(chunk, c) {
        let text = pending + String(chunk);
        pending = "";
        const last = text.charCodeAt(text.length - 1);
        if (last >= 0xd800 && last <= 0xdbff) { pending = text.slice(-1); text = text.slice(0, -1); }
        if (text.length) c.enqueue(utf8(text));
      },
      flush(c) { if (pending) c.enqueue(utf8("\ufffd")); },
    });
  }
  get encoding() { return "utf-8"; }
  get [Symbol.toStringTag]() { return "TextEncoderStream"; }
}

class TextDecoderStream extends TransformStream {
  #decoder;
  constructor(label = "utf-8", options = {}) {
    const decoder = new TextDecoder(label, options);
    super({
      transform(chunk, c) {
        const text = decoder.decode(toBytes(chunk, "decode' on 'TextDecoder"), { stream: true });
        if (text) c.enqueue(text);
      },
      flush(c) { const text = decoder.decode(); if (text) c.enqueue(text); },
    });
    this.#decoder = decoder;
  }
  get encoding() { return this.#decoder.encoding; }
  get fatal() { return this.#decoder.fatal; }
  get ignoreBOM() { return this.#decoder.ignoreBOM; }
  get [Symbol.toStringTag]() { return "TextDecoderStream"; }
}

/// The native codec `id` (compression.rs) as an internal pair: each write's output waits for
/// the reader, and a stream given up on frees its codec then rather than with the isolate.
const codecPair = (id) => internalPair({
  transform: (bytes) => ops.codecPush(id, bytes.slice()),
  flush: () => ops.codecPush(id, null),
  drop: () => ops.codecDrop(id),
  pipe: false,
});

class CompressionStream extends TransformStream {
  constructor(format) {
    super({ [INTERNAL_PAIR]: codecPair(ops.codecNew(String(format), true)) });
  }
  get [Symbol.toStringTag]() { return "CompressionStream"; }
}

class DecompressionStream extends TransformStream {
  constructor(format) {
    super({ [INTERNAL_PAIR]: codecPair(ops.codecNew(String(format), false)) });
  }
  get [Symbol.toStringTag]() { return "DecompressionStream"; }
}

define(G, "IdentityTransformStream", IdentityTransformStream);
define(G, "FixedLengthStream", FixedLengthStream);
define(G, "TextEncoderStream", TextEncoderStream);
define(G, "TextDecoderStream", TextDecoderStream);
define(G, "CompressionStream", CompressionStream);
define(G, "DecompressionStream", DecompressionStream);

return {};
