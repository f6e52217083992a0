// The KV namespace binding (env.<BINDING> for each `kv_namespaces` entry). Argument checks and
// their texts are workerd's (api/kv.c++); the store's own checks come back from the host as
// `KV <METHOD> failed: <status> <message>`.

const { G, define, fromUtf8, toBytes, utf8, awaitOp, isReadableStream } = core;

const KV_TYPES = ["text", "arrayBuffer", "json", "stream"];
const KV_BULK_TYPES = ["text", "json"];

function checkKvKey(method, key) {
  if (key === "") throw new TypeError("Key name cannot be empty.");
  if (key === "." || key === "..") throw new TypeError(`"${key}" is not allowed as a key name.`);
  checkKeyLength(method, key);
}

function checkKeyLength(method, key) {
  // A UTF-16 unit encodes to at most 3 UTF-8 bytes: a short key cannot be over the limit.
  if (key.length <= 170) return;
  const length = utf8(key).length;
  if (length > 512) throw new Error(`KV ${method} failed: 414 UTF-8 encoded length of ${length} exceeds key length limit of 512.`);
}

/// A bulk get's keys are checked by the service, not by workerd: its refusals come back as
/// failed requests.
function checkBulkKey(key) {
  if (key === "") throw new Error("KV GET_BULK failed: 400 Key names must not be empty");
  if (key === "." || key === "..") throw new Error(`KV GET_BULK failed: 400 Illegal key name "${key}". Please use a different name.`);
  checkKeyLength("GET_BULK", key);
}

/// A bulk get of JSON values parses them in the service, which refuses the whole batch when one
/// is not JSON.
function decodeBulkValue(bytes, type) {
  if (type !== "json") return decodeKvValue(bytes, type);
  try {
    return decodeKvValue(bytes, type);
  } catch {
    throw new Error("KV GET_BULK failed: 400 At least one of the requested keys corresponds to a non-json value");
  }
}

/// `JSON.stringify` with V8's text for BigInt values.
function stringifyMetadata(metadata) {
  return JSON.stringify(metadata, (k, v) => {
    if (typeof v === "bigint") throw new TypeError("Do not know how to serialize a BigInt");
    return v;
  });
}

const asInteger = (v) => {
  const n = Math.trunc(Number(v));
  return Number.isFinite(n) ? n : 0;
};

function decodeKvValue(bytes, type) {
  switch (type) {
    case "json": return JSON.parse(fromUtf8(bytes));
    case "arrayBuffer": return bytes.buffer.byteLength === bytes.length ? bytes.buffer : bytes.slice().buffer;
    case "stream": return core.streamOfBytes(bytes);
    default: return fromUtf8(bytes);
  }
}

const parseMetadata = (text) => (text === null || text === undefined ? null : JSON.parse(text));

class KvNamespace {
  #namespace;
  constructor(namespace) { this.#namespace = namespace; }

  #options(options, bulk) {
    const opts = typeof options === "string" ? { type: options } : options ?? {};
    const type = opts.type ?? "text";
    if (bulk) {
      if (!KV_BULK_TYPES.includes(type)) throw new Error(`KV GET_BULK failed: 400 "${type}" is not a valid type. Use "json" or "text"`);
    } else if (!KV_TYPES.includes(type)) {
      throw new TypeError('Unknown response type. Possible types are "text", "arrayBuffer", "json", and "stream".');
    }
    const cacheTtl = opts.cacheTtl === undefined ? null : asInteger(opts.cacheTtl);
    return { type, cacheTtl };
  }

  #call(args, value = null) {
    return awaitOp(ops.kv(this.#namespace, JSON.stringify(args), value));
  }

  async #get(key, options, withMetadata, name) {
    if (key === undefined || key === null || (typeof key !== "string" && !Array.isArray(key))) {
      if (typeof key !== "number" && typeof key !== "boolean") {
        throw new TypeError(`Failed to execute '${name}' on 'KvNamespace': parameter 1 is not of type 'string or Array'.`);
      }
    }
    if (Array.isArray(key)) {
      const { type, cacheTtl } = this.#options(options, true);
      const keys = key.map(String);
      for (const k of keys) checkBulkKey(k);
      const rows = await this.#call({ op: "getBulk", keys, cacheTtl });
      const out = new Map();
      for (const [k, entry] of rows) {
        if (entry === null) {
          out.set(k, null);
          continue;
        }
        const value = decodeBulkValue(entry[0], type);
        out.set(k, withMetadata ? { value, metadata: parseMetadata(entry[1]) } : value);
      }
      return out;
    }
    key = String(key);
    const { type, cacheTtl } = this.#options(options, false);
    checkKvKey("GET", key);
    const entry = await this.#call({ op: "get", key, cacheTtl });
    const value = entry === null ? null : decodeKvValue(entry[0], type);
    if (!withMetadata) return value;
    return { value, metadata: entry === null ? null : parseMetadata(entry[1]), cacheStatus: null };
  }

  get(key, options) {
    return this.#get(key, options, false, "get");
  }

  getWithMetadata(key, options) {
    return this.#get(key, options, true, "getWithMetadata");
  }

  async put(key, value, options = {}) {
    if (arguments.length < 2) throw new TypeError("Failed to execute 'put' on 'KvNamespace': parameter 2 is not of type 'string or JsObject'.");
    key = String(key);
    checkKvKey("PUT", key);
    let bytes;
    if (typeof value === "string") bytes = utf8(value);
    else if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) bytes = toBytes(value, "put' on 'KvNamespace").slice();
    else if (isReadableStream(value)) bytes = await core.readAllBytes(value);
    else if (value !== null && typeof value === "object") {
      throw new TypeError("KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values.");
    } else bytes = utf8(String(value));
    const opts = options ?? {};
    const args = { op: "put", key, metadata: null, expiration: null, expirationTtl: null };
    if (opts.metadata !== undefined && opts.metadata !== null) args.metadata = stringifyMetadata(opts.metadata) ?? null;
    if (opts.expiration !== undefined) args.expiration = asInteger(opts.expiration);
    if (opts.expirationTtl !== undefined) args.expirationTtl = asInteger(opts.expirationTtl);
    await this.#call(args, bytes);
  }

  async delete(key) {
    key = String(key);
    checkKvKey("DELETE", key);
    await this.#call({ op: "delete", key });
  }

  async list(options = {}) {
    const opts = options ?? {};
    const args = { op: "list", prefix: null, limit: null, cursor: null };
    if (opts.prefix !== undefined && opts.prefix !== null) args.prefix = String(opts.prefix);
    if (opts.limit !== undefined && opts.limit !== null) args.limit = asInteger(opts.limit);
    if (opts.cursor !== undefined && opts.cursor !== null) args.cursor = String(opts.cursor);
    const [rows, listComplete, cursor] = await this.#call(args);
    const keys = rows.map(([name, expiration, metadata]) => {
      const key = { name };
      if (expiration !== null && expiration !== undefined) key.expiration = expiration;
      if (metadata !== null && metadata !== undefined) key.metadata = JSON.parse(metadata);
      return key;
    });
    const result = { keys, list_complete: listComplete };
    if (!listComplete && cursor) result.cursor = cursor;
    result.cacheStatus = null;
    return result;
  }
}
define(G, "KvNamespace", KvNamespace);
core.tagClass(KvNamespace);

return { KvNamespace };
