// TextEncoder / TextDecoder (labels and decoding by encoding_rs, through ops).

const { G, define, toBytes, utf8 } = core;

class TextEncoder {
  get encoding() { return "utf-8"; }
  encode(input = "") { return utf8(input); }
  encodeInto(source, destination) {
    if (!(destination instanceof Uint8Array)) throw new TypeError("Failed to execute 'encodeInto' on 'TextEncoder': parameter 2 is not of type 'Uint8Array'.");
    const str = String(source);
    let read = 0, written = 0;
    for (const ch of str) {
      const cp = ch.codePointAt(0);
      const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (written + n > destination.length) break;
      destination.set(utf8(ch), written);
      written += n;
      read += ch.length;
    }
    return { read, written };
  }
}

/// Length of an incomplete UTF-8 sequence at the end of `bytes` (kept for the next chunk).
function incompleteUtf8Tail(bytes) {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back];
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

class TextDecoder {
  #encoding; #fatal; #ignoreBOM; #pending = new Uint8Array(0); #bomSeen = false;
  /// The native streaming decoder of an encoding other than UTF-8, while a stream is open.
  #streaming = null;
  constructor(label = "utf-8", options = {}) {
    const name = ops.encodingName(String(label));
    if (name === null || name === undefined) throw new RangeError(`Invalid encoding type: ${label}`);
    this.#encoding = name;
    this.#fatal = !!options?.fatal;
    this.#ignoreBOM = !!options?.ignoreBOM;
  }
  get encoding() { return this.#encoding; }
  get fatal() { return this.#fatal; }
  get ignoreBOM() { return this.#ignoreBOM; }
  decode(input, options = {}) {
    let bytes = input === undefined ? new Uint8Array(0) : toBytes(input, "decode' on 'TextDecoder");
    const stream = !!options?.stream;
    if (this.#encoding !== "utf-8" && (stream || this.#streaming !== null)) {
      // Lead bytes at the end of a chunk wait for the next one, in the decoder's state.
      this.#streaming ??= ops.decoderNew(this.#encoding, this.#ignoreBOM);
      const out = ops.decoderPush(this.#streaming, bytes.slice(), !stream, this.#fatal);
      if (!stream || out === null || out === undefined) this.#streaming = null;
      if (out === null || out === undefined) throw new TypeError("Failed to decode input.");
      return out;
    }
    if (this.#pending.length) {
      const joined = new Uint8Array(this.#pending.length + bytes.length);
      joined.set(this.#pending); joined.set(bytes, this.#pending.length);
      bytes = joined;
      this.#pending = new Uint8Array(0);
    }
    if (stream && this.#encoding === "utf-8") {
      const tail = incompleteUtf8Tail(bytes);
      if (tail) { this.#pending = bytes.slice(bytes.length - tail); bytes = bytes.subarray(0, bytes.length - tail); }
    }
    const ignoreBOM = this.#ignoreBOM || this.#bomSeen;
    if (bytes.length) this.#bomSeen = stream;
    const out = ops.decode(this.#encoding, bytes.slice(), this.#fatal, ignoreBOM);
    if (out === null || out === undefined) throw new TypeError("Failed to decode input.");
    if (!stream) this.#bomSeen = false;
    return out;
  }
}
define(G, "TextEncoder", TextEncoder);
define(G, "TextDecoder", TextDecoder);

return { TextDecoder };
