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

class IdentityTransformStream extends TransformStream {
  constructor(options = {}) {
    super({ transform(chunk, c) { const b = requireBytes(chunk); if (b.length) c.enqueue(b.slice()); } },
      {}, { highWaterMark: options?.highWaterMark ?? 0 });
  }
  get [Symbol.toStringTag]() { return "IdentityTransformStream"; }
}

class FixedLengthStream extends TransformStream {
  #expected;
  constructor(expectedLength, options = {}) {
    const n = typeof expectedLength === "bigint" ? Number(expectedLength) : Number(expectedLength);
    if (!Number.isInteger(n) || n < 0) throw new TypeError("FixedLengthStream requires a non-negative integer expected length.");
    let remaining = n;
    super({
      transform(chunk, c) {
        const b = requireBytes(chunk);
        if (b.length > remaining) throw new TypeError("Attempt to write too many bytes through a FixedLengthStream.");
        remaining -= b.length;
        if (b.length) c.enqueue(b.slice());
      },
      flush() {
        if (remaining > 0) throw new TypeError("FixedLengthStream did not see all expected bytes before close().");
      },
    }, {}, { highWaterMark: options?.highWaterMark ?? 0 });
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

/// A transformer running the native codec `id` over byte chunks.
function codecTransformer(id) {
  return {
    transform(chunk, c) {
      const out = ops.codecPush(id, requireBytes(chunk).slice());
      if (out.length) c.enqueue(out);
    },
    flush(c) {
      const out = ops.codecPush(id, null);
      if (out.length) c.enqueue(out);
    },
    // A stream given up on frees its codec now rather than with the isolate.
    cancel() { ops.codecDrop(id); },
  };
}

class CompressionStream extends TransformStream {
  constructor(format) {
    const id = ops.codecNew(String(format), true);
    super(codecTransformer(id));
  }
  get [Symbol.toStringTag]() { return "CompressionStream"; }
}

class DecompressionStream extends TransformStream {
  constructor(format) {
    const id = ops.codecNew(String(format), false);
    super(codecTransformer(id));
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
