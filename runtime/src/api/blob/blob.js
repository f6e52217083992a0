// Blob and File, held as bytes.

const { G, define, unit, toBytes, utf8, fromUtf8 } = core;

/// workerd's limit on a Blob's size (blob.c++).
const BLOB_MAX_BYTES = 128 * 1024 * 1024;

const INSPECT = Symbol.for("nodejs.util.inspect.custom");
const inspected = (b) => ({ ...(b instanceof File ? File._inspected(b) : {}), size: b.size, type: b.type });

class Blob {
  #bytes; #type;
  constructor(parts = [], options = {}) {
    // As workerd converts its arguments: every part first (a string part's conversion may run
    // user code that resizes a buffer given earlier), then the bytes, read as they are then.
    if (options?.endings !== undefined) throw new Error("The 'endings' field on 'Options' is not implemented.");
    const converted = [];
    for (const p of parts ?? []) {
      const bytes = p instanceof Blob || p instanceof ArrayBuffer || ArrayBuffer.isView(p);
      converted.push(bytes ? p : utf8(p));
    }
    const chunks = converted.map((p) => (p instanceof Blob ? p.#bytes : toBytes(p, "Blob")));
    const total = chunks.reduce((n, c) => n + c.length, 0);
    // workerd refuses before it allocates.
    if (total > BLOB_MAX_BYTES) throw new RangeError(`Blob size ${total} exceeds limit ${BLOB_MAX_BYTES}`);
    this.#bytes = new Uint8Array(total);
    let off = 0;
    for (const c of chunks) { this.#bytes.set(c, off); off += c.length; }
    const t = options?.type === undefined ? "" : String(options.type);
    this.#type = /^[\x20-\x7e]*$/.test(t) ? t.toLowerCase() : "";
  }
  static _bytes(b) { return b.#bytes; }
  /// A body's Blob (`body.blob()`): its type is the extracted MIME type as serialized, not
  /// lowercased as a type given to the constructor is.
  static _ofBody(bytes, type) { const b = new Blob([bytes]); b.#type = type; return b; }
  get size() { return this.#bytes.length; }
  get type() { return this.#type; }
  slice(start = 0, end = this.#bytes.length, type = "") {
    const b = new Blob([], { type });
    b.#bytes = this.#bytes.slice(start, end);
    return b;
  }
  async text() { return fromUtf8(this.#bytes); }
  async arrayBuffer() { return this.#bytes.slice().buffer; }
  async bytes() { return this.#bytes.slice(); }
  stream() { return unit("streams").streamOfBytes(this.#bytes.slice()); }
  get [Symbol.toStringTag]() { return "Blob"; }
  /// node:util's inspect shows what workerd's JSG objects show: their properties.
  [INSPECT](depth, options, inspect) { return `${this.constructor.name} ${inspect(inspected(this), options)}`; }
}
class File extends Blob {
  #name; #lastModified;
  constructor(bits, name, options = {}) {
    if (arguments.length < 2) throw new TypeError(`Failed to construct 'File': 2 arguments required, but only ${arguments.length} present.`);
    super(bits, options);
    this.#name = String(name);
    this.#lastModified = options?.lastModified === undefined ? ops.now() : Number(options.lastModified);
  }
  get name() { return this.#name; }
  get lastModified() { return this.#lastModified; }
  get [Symbol.toStringTag]() { return "File"; }
  static _inspected(f) { return { name: f.#name, lastModified: f.#lastModified }; }
}
define(G, "Blob", Blob);
define(G, "File", File);

return { Blob, File };
