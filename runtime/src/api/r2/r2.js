// The R2 binding (env.<BINDING> for each `r2_buckets` entry): R2Bucket, its HeadResult
// (R2Object) and GetResult (R2ObjectBody) objects, and multipart uploads, over ops.r2. The
// runtime's own checks and their texts are workerd's (api/r2-bucket.c++, r2-multipart.c++);
// the service's errors come back as `<action>: <message> (<code>)`.

const { G, define, OriginalDate, fromUtf8, toBytes, utf8, Headers, Blob, Response, awaitOp, isReadableStream } = core;

const R2_HTTP_FIELDS = {
  contentType: "content-type",
  contentLanguage: "content-language",
  contentDisposition: "content-disposition",
  contentEncoding: "content-encoding",
  cacheControl: "cache-control",
};
const R2_HASHES = { md5: ["MD5", 16], sha1: ["SHA-1", 20], sha256: ["SHA-256", 32], sha384: ["SHA-384", 48], sha512: ["SHA-512", 64] };

async function r2Call(bucket, op, body = null) {
  const [json, bytes] = await awaitOp(ops.r2(bucket, JSON.stringify(op), body));
  return [JSON.parse(json), bytes];
}

function r2HttpMetadataIn(m) {
  const out = {};
  if (m === undefined || m === null) return out;
  if (m instanceof Headers) {
    for (const [field, header] of Object.entries(R2_HTTP_FIELDS)) {
      const v = m.get(header);
      if (v !== null) out[field] = v;
    }
    const expires = m.get("expires");
    if (expires !== null) out.cacheExpiry = String(new OriginalDate(expires).getTime());
    return out;
  }
  for (const field of Object.keys(R2_HTTP_FIELDS)) if (m[field] !== undefined) out[field] = String(m[field]);
  if (m.cacheExpiry !== undefined) out.cacheExpiry = String(new OriginalDate(m.cacheExpiry).getTime());
  return out;
}

function r2CustomMetadataIn(m) {
  const out = {};
  for (const [k, v] of Object.entries(m ?? {})) out[k] = String(v);
  return out;
}

/// The etags of an `If-Match`/`If-None-Match` header: `*` alone, or strong `"v"` and weak
/// `W/"v"` ones separated by commas; parsing stops at anything else (r2-bucket.c++).
function parseEtagHeader(header) {
  const etags = [];
  let rest = header;
  let commaRequired = false;
  const quoted = () => {
    const end = rest.indexOf('"');
    if (end < 0) throw new Error("Unclosed double quote for Etag");
    const value = rest.slice(0, end);
    rest = rest.slice(end + 1);
    return value;
  };
  for (;;) {
    rest = rest.replace(/^[ \t]+/, "");
    if (rest === "") return etags;
    const c = rest[0];
    if (c === ",") {
      rest = rest.slice(1);
      commaRequired = false;
    } else if (c === "*") {
      if (commaRequired) throw new Error("Comma was expected to separate etags. Encountered a wildcard character '*' instead.");
      return ["*"];
    } else if (c === "W") {
      if (commaRequired) throw new Error("Comma was expected to separate etags. Encountered a weak quotation character 'W' instead. This would otherwise indicate the start of a new weak etag.");
      if (!rest.startsWith('W/"') || rest.length <= 2) throw new Error("Weak etags must start with W/ and their value must be quoted");
      rest = rest.slice(3);
      etags.push(`W/${quoted()}`);
      commaRequired = true;
    } else if (c === '"') {
      if (commaRequired) throw new Error(`Comma was expected to separate etags. Encountered a double quote character '"' instead. This would otherwise indicate the start of a new strong etag.`);
      rest = rest.slice(1);
      etags.push(quoted());
      commaRequired = true;
    } else {
      return etags;
    }
  }
}

function etagsOfHeader(headers, name) {
  const value = headers.get(name);
  if (value === null) return undefined;
  const etags = parseEtagHeader(value);
  if (etags.length === 0) throw new Error(`Invalid ETag in ${name} header`);
  return etags;
}

function r2Conditional(c) {
  if (c === undefined || c === null) return null;
  if (c instanceof Headers) {
    const out = {};
    out.etagMatches = etagsOfHeader(c, "if-match");
    out.etagDoesNotMatch = etagsOfHeader(c, "if-none-match");
    if (c.get("if-modified-since") !== null) out.uploadedAfterMs = new OriginalDate(c.get("if-modified-since")).getTime();
    if (c.get("if-unmodified-since") !== null) out.uploadedBeforeMs = new OriginalDate(c.get("if-unmodified-since")).getTime();
    return out;
  }
  const out = {};
  for (const field of ["etagMatches", "etagDoesNotMatch"]) {
    if (c[field] === undefined) continue;
    if (typeof c[field] !== "string") throw new TypeError(`Incorrect type for the '${field}' field on 'Conditional': the provided value is not of type 'string'.`);
    // One etag, taken as given (a wildcard or a strong etag's value).
    out[field] = [c[field]];
  }
  if (c.uploadedBefore !== undefined) out.uploadedBeforeMs = new OriginalDate(c.uploadedBefore).getTime();
  if (c.uploadedAfter !== undefined) out.uploadedAfterMs = new OriginalDate(c.uploadedAfter).getTime();
  return out;
}

/// `{offset, length, suffix}` of a `range` option (object or Headers); null for the whole object.
function r2Range(r) {
  if (r === undefined || r === null) return null;
  if (r instanceof Headers) {
    const m = /^bytes=(\d*)-(\d*)$/.exec((r.get("range") ?? "").trim());
    if (!m || (m[1] === "" && m[2] === "")) return null;
    if (m[1] === "") return { suffix: Number(m[2]) };
    const offset = Number(m[1]);
    return m[2] === "" ? { offset } : { offset, length: Number(m[2]) - offset + 1 };
  }
  const check = (name, v) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) {
      const what = name === "offset" ? "Starting offset" : name === "length" ? "Length" : "Suffix";
      throw new RangeError(`Invalid range. ${what} (${v}) must be greater than or equal to 0.`);
    }
    return n;
  };
  const offset = check("offset", r.offset);
  const length = check("length", r.length);
  const suffix = check("suffix", r.suffix);
  if (suffix !== undefined && offset !== undefined) throw new TypeError("Suffix is incompatible with offset.");
  if (suffix !== undefined && length !== undefined) throw new TypeError("Suffix is incompatible with length.");
  return { offset, length, suffix };
}

/// The one checksum a put may carry, as `[algorithm, hex]`.
function r2Checksum(options) {
  const given = Object.keys(R2_HASHES).filter((a) => options?.[a] !== undefined);
  if (given.length > 1) throw new TypeError("You cannot specify multiple hashing algorithms.");
  if (given.length === 0) return null;
  const algorithm = given[0];
  const [name, bytes] = R2_HASHES[algorithm];
  const value = options[algorithm];
  if (typeof value === "string") {
    if (value.length !== bytes * 2) throw new TypeError(`${name} is ${bytes * 2} hex characters, not ${value.length}`);
    return [algorithm, value.toLowerCase()];
  }
  const view = toBytes(value, "put' on 'R2Bucket");
  if (view.length !== bytes) throw new TypeError(`${name} is ${bytes} bytes, not ${view.length}`);
  return [algorithm, core.hex(view)];
}

async function r2Body(value) {
  if (value === null || value === undefined) return new Uint8Array(0);
  if (typeof value === "string") return utf8(value);
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return toBytes(value, "put' on 'R2Bucket").slice();
  if (isReadableStream(value)) {
    if (!core.knownLength.has(value)) throw new TypeError("Provided readable stream must have a known length (request/response body or readable half of FixedLengthStream)");
    return core.readAllBytes(value);
  }
  if (value instanceof Blob) return new Uint8Array(await value.arrayBuffer());
  throw new TypeError("Failed to execute 'put' on 'R2Bucket': parameter 2 is not of type 'ReadableStream or ArrayBuffer or ArrayBufferView or string or Blob'.");
}

/// An object's checksums: each algorithm an own property, an ArrayBuffer or undefined, in
/// workerd's order; `toJSON` gives the present ones as hex.
class Checksums {
  constructor(hexes) {
    for (const name of ["sha512", "sha384", "sha256", "sha1", "md5"]) {
      const value = hexes?.[name];
      this[name] = value === undefined ? undefined : Uint8Array.from(value.match(/../g) ?? [], (h) => parseInt(h, 16)).buffer;
    }
  }
  toJSON() {
    const out = {};
    for (const name of ["md5", "sha1", "sha256", "sha384", "sha512"]) {
      if (this[name] !== undefined) out[name] = core.hex(new Uint8Array(this[name]));
    }
    return out;
  }
}
core.tagClass(Checksums);

/// The storage class a write asks for, as given (none: the bucket's default, `Standard`).
const r2StorageClass = (c) => (c === undefined || c === null ? null : String(c));

/// An SSE-C key is checked as workerd checks it (r2-bucket.c++ buildSsecKey) before anything
/// is sent.
function checkSsecKey(key) {
  if (key === undefined) return;
  if (typeof key === "string") {
    if (!/^[0-9a-f]+$/.test(key)) throw new Error("SSE-C Key has invalid format");
    if (key.length !== 64) throw new Error("SSE-C Key must be 32 bytes in length");
    return;
  }
  if (toBytes(key, "put' on 'R2Bucket").length !== 32) throw new Error("SSE-C Key must be 32 bytes in length");
}

class HeadResult {
  constructor(meta) {
    this.key = meta.key;
    this.version = meta.version;
    this.size = meta.size;
    this.etag = meta.etag;
    this.httpEtag = `"${meta.etag}"`;
    this.checksums = new Checksums(meta.checksums);
    this.uploaded = new OriginalDate(meta.uploadedMs);
    const http = meta.httpMetadata;
    this.httpMetadata = {};
    for (const field of Object.keys(R2_HTTP_FIELDS)) this.httpMetadata[field] = http[field];
    this.httpMetadata.cacheExpiry = http.cacheExpiry === undefined ? undefined : new OriginalDate(Number(http.cacheExpiry));
    this.customMetadata = { ...meta.customMetadata };
    this.range = meta.range ? { offset: meta.range[0], length: meta.range[1], suffix: undefined } : undefined;
    this.storageClass = meta.storageClass ?? "Standard";
    this.ssecKeyMd5 = undefined;
  }
  writeHttpMetadata(headers) {
    for (const [field, header] of Object.entries(R2_HTTP_FIELDS)) {
      const v = this.httpMetadata[field];
      if (v !== undefined) headers.set(header, v);
    }
    if (this.httpMetadata.cacheExpiry !== undefined) headers.set("expires", this.httpMetadata.cacheExpiry.toUTCString());
  }
}
define(G, "R2Object", HeadResult);

class GetResult extends HeadResult {
  #response;
  constructor(meta, bytes) {
    super(meta);
    this.#response = new Response(bytes);
  }
  get body() { return this.#response.body; }
  get bodyUsed() { return this.#response.bodyUsed; }
  arrayBuffer() { return this.#response.arrayBuffer(); }
  bytes() { return this.#response.arrayBuffer().then((b) => new Uint8Array(b)); }
  text() { return this.#response.text(); }
  json() { return this.#response.json(); }
  blob() { return this.#response.blob(); }
}
define(G, "R2ObjectBody", GetResult);

class R2MultipartUpload {
  #bucket;
  constructor(bucket, key, uploadId) { this.#bucket = bucket; this.key = key; this.uploadId = uploadId; }
  async uploadPart(partNumber, value, options) {
    checkSsecKey(options?.ssecKey);
    const n = Number(partNumber);
    if (!(Number.isInteger(n) && n >= 1 && n <= 10000)) throw new TypeError(`Part number must be between 1 and 10000 (inclusive). Actual value was: ${partNumber}`);
    const [reply] = await r2Call(this.#bucket, { op: "uploadPart", key: this.key, uploadId: this.uploadId, partNumber: n }, await r2Body(value));
    return { partNumber: reply.partNumber, etag: reply.etag };
  }
  async abort() {
    await r2Call(this.#bucket, { op: "abort", key: this.key, uploadId: this.uploadId });
  }
  async complete(parts) {
    const list = [...parts].map((p) => [Number(p.partNumber), String(p.etag)]);
    const [reply] = await r2Call(this.#bucket, { op: "complete", key: this.key, uploadId: this.uploadId, parts: list });
    return new HeadResult(reply.object);
  }
}
define(G, "R2MultipartUpload", R2MultipartUpload);

/// Keys are UTF-8 on the wire: a lone surrogate becomes U+FFFD, as the binding encodes it.
function r2Key(key, method) {
  if (key === undefined) throw new TypeError(`Failed to execute '${method}' on 'R2Bucket': parameter 1 is not of type 'string'.`);
  return fromUtf8(utf8(String(key)));
}

class R2Bucket {
  #bucket;
  constructor(bucket) { this.#bucket = bucket; }

  async head(key, options) {
    checkSsecKey(options?.ssecKey);
    const [reply] = await r2Call(this.#bucket, { op: "head", key: r2Key(key, "head") });
    return reply.object ? new HeadResult(reply.object) : null;
  }

  async get(key, options = {}) {
    key = r2Key(key, "get");
    checkSsecKey(options?.ssecKey);
    const range = r2Range(options?.range);
    const onlyIf = r2Conditional(options?.onlyIf);
    const [reply, bytes] = await r2Call(this.#bucket, { op: "get", key, onlyIf, ...(range ?? {}) });
    if (!reply.object) return null;
    return reply.withBody ? new GetResult(reply.object, bytes) : new HeadResult(reply.object);
  }

  async put(key, value, options = {}) {
    key = r2Key(key, "put");
    checkSsecKey(options?.ssecKey);
    const checksum = r2Checksum(options);
    const body = await r2Body(value);
    const op = {
      op: "put",
      key,
      httpMetadata: r2HttpMetadataIn(options?.httpMetadata),
      customMetadata: r2CustomMetadataIn(options?.customMetadata),
      storageClass: r2StorageClass(options?.storageClass),
      checksum,
      onlyIf: r2Conditional(options?.onlyIf),
    };
    const [reply] = await r2Call(this.#bucket, op, body);
    return reply.object ? new HeadResult(reply.object) : null;
  }

  async delete(keys) {
    const list = Array.isArray(keys) ? keys.map(String) : [r2Key(keys, "delete")];
    await r2Call(this.#bucket, { op: "delete", keys: list });
  }

  async list(options = {}) {
    const o = options ?? {};
    const include = o.include ?? [];
    for (const v of include) if (v !== "httpMetadata" && v !== "customMetadata") throw new RangeError(`Unsupported include value ${v}`);
    const op = {
      op: "list",
      prefix: o.prefix === undefined ? null : String(o.prefix),
      delimiter: o.delimiter === undefined ? null : String(o.delimiter),
      cursor: o.cursor === undefined ? null : String(o.cursor),
      startAfter: o.startAfter === undefined ? null : String(o.startAfter),
      limit: o.limit === undefined ? null : Math.trunc(Number(o.limit)),
      includeHttp: include.includes("httpMetadata"),
      includeCustom: include.includes("customMetadata"),
    };
    const [reply] = await r2Call(this.#bucket, op);
    return {
      objects: reply.objects.map((m) => new HeadResult(m)),
      truncated: reply.truncated,
      cursor: reply.cursor ?? undefined,
      delimitedPrefixes: reply.delimitedPrefixes,
    };
  }

  async createMultipartUpload(key, options = {}) {
    key = r2Key(key, "createMultipartUpload");
    checkSsecKey(options?.ssecKey);
    const op = {
      op: "createMultipart",
      key,
      httpMetadata: r2HttpMetadataIn(options?.httpMetadata),
      customMetadata: r2CustomMetadataIn(options?.customMetadata),
      storageClass: r2StorageClass(options?.storageClass),
    };
    const [reply] = await r2Call(this.#bucket, op);
    return new R2MultipartUpload(this.#bucket, key, reply.uploadId);
  }

  resumeMultipartUpload(key, uploadId) {
    return new R2MultipartUpload(this.#bucket, r2Key(key, "resumeMultipartUpload"), String(uploadId));
  }
}
define(G, "R2Bucket", R2Bucket);
core.tagClass(R2Bucket);

return { R2Bucket };
