// node_string_decoder: node:string_decoder, which holds back the bytes of a character split
// across writes.

const { codes } = core.unit("node_internal");
const { normalizeEncoding, stringOf } = core.unit("node_buffer");

/// How many bytes at the end of `bytes` start a character `encoding` cannot finish yet.
function incompleteTail(bytes, encoding) {
  const n = bytes.length;
  switch (encoding) {
    case "utf8": {
      for (let back = 1; back <= Math.min(3, n); back++) {
        const b = bytes[n - back];
        if ((b & 0xc0) === 0x80) continue;
        const need = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 1;
        return need > back ? back : 0;
      }
      return 0;
    }
    case "utf16le": {
      if (n % 2 === 1) return 1;
      if (n >= 2) {
        const unit = bytes[n - 2] | (bytes[n - 1] << 8);
        if (unit >= 0xd800 && unit <= 0xdbff) return 2;
      }
      return 0;
    }
    case "base64": case "base64url": return n % 3;
    default: return 0;
  }
}

function StringDecoder(encoding) {
  const normalized = normalizeEncoding(encoding);
  if (normalized === undefined) throw codes.ERR_UNKNOWN_ENCODING(encoding);
  if (!new.target) return new StringDecoder(encoding);
  this.encoding = normalized;
  this.pending = new Uint8Array(0);
}
function asBytes(buf) {
  if (typeof buf === "string") return null;
  if (buf instanceof Uint8Array) return buf;
  if (ArrayBuffer.isView(buf)) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  throw codes.ERR_INVALID_ARG_TYPE("buf", ["Buffer", "TypedArray", "DataView"], buf);
}
StringDecoder.prototype.write = function write(buf) {
  const bytes = asBytes(buf);
  if (bytes === null) return buf;
  const all = new Uint8Array(this.pending.length + bytes.length);
  all.set(this.pending);
  all.set(bytes, this.pending.length);
  const keep = incompleteTail(all, this.encoding);
  this.pending = all.slice(all.length - keep);
  return stringOf(all.subarray(0, all.length - keep), this.encoding);
};
StringDecoder.prototype.end = function end(buf) {
  let out = buf === undefined ? "" : this.write(buf);
  if (this.pending.length > 0) {
    out += this.encoding === "utf16le" ? stringOf(this.pending.subarray(0, this.pending.length - (this.pending.length % 2)), "utf16le")
      : stringOf(this.pending, this.encoding);
    this.pending = new Uint8Array(0);
  }
  return out;
};
StringDecoder.prototype.text = function text(buf, offset) {
  this.pending = new Uint8Array(0);
  return this.write(buf.subarray(offset));
};
Object.defineProperties(StringDecoder.prototype, {
  lastNeed: { get() { return this.pending.length === 0 ? 0 : expectedLength(this.pending, this.encoding) - this.pending.length; }, configurable: true, enumerable: true },
  lastTotal: { get() { return this.pending.length === 0 ? 0 : expectedLength(this.pending, this.encoding); }, configurable: true, enumerable: true },
  lastChar: { get() { const out = new Uint8Array(4); out.set(this.pending.subarray(0, 4)); return core.unit("node_buffer").Buffer.from(out); }, configurable: true, enumerable: true },
});
function expectedLength(pending, encoding) {
  if (encoding === "utf8") { const b = pending[0]; return b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2; }
  if (encoding === "utf16le") return pending.length === 1 ? 2 : 4;
  if (encoding === "base64" || encoding === "base64url") return 3;
  return pending.length;
}
return { StringDecoder, default: { StringDecoder } };
