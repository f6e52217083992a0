// The `crypto` global: seeded random values and UUIDs; `crypto.subtle` is subtle.js.

const { G, define, unit, domError } = core;

const INTEGER_ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array];
class Crypto {
  #subtle = null;
  get subtle() { return (this.#subtle ??= new (unit("subtle").SubtleCrypto)()); }
  getRandomValues(view) {
    if (!INTEGER_ARRAYS.some((T) => view instanceof T)) {
      throw domError("TypeMismatchError", "ArrayBufferView argument to getRandomValues() must be an integer-typed view.");
    }
    if (view.byteLength > 0x10000) {
      throw domError("QuotaExceededError", `getRandomValues() only accepts buffers of size <= 64K but provided ${view.byteLength} bytes.`);
    }
    // A view of a detached buffer has no bytes to fill (V8 reads it as empty).
    if (view.byteLength > 0) new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(ops.randomBytes(view.byteLength));
    return view;
  }
  randomUUID() {
    const b = ops.randomBytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}
define(G, "Crypto", Crypto);
define(G, "crypto", new Crypto());

return {};
