// node_crypto: node:crypto's hashes, HMACs, key derivations, random values, AES ciphers and
// secret KeyObjects, as workerd answers (its texts where they differ from Node's). Randomness
// is the run's (the seeded ops behind crypto.getRandomValues).

const { codes, validate } = core.unit("node_internal");
const { Buffer } = core.unit("node_buffer");
const { ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE, nodeError } = { ...codes, nodeError: core.unit("node_internal").nodeError };

const DATA_TYPES = ["string", "Buffer", "TypedArray", "DataView"];
/// `data` (with `encoding` when a string) as bytes, or Node's TypeError naming `name`.
function bytesArg(data, name, encoding, types = DATA_TYPES) {
  if (typeof data === "string") return Buffer.from(data, encoding ?? "utf8");
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer && types.includes("ArrayBuffer")) return new Uint8Array(data);
  throw ERR_INVALID_ARG_TYPE(name, types, data);
}
const KEY_TYPES = ["string", "ArrayBuffer", "Buffer", "TypedArray", "DataView"];
function keyBytes(key, name, encoding) {
  if (key instanceof KeyObject) return key.export();
  return bytesArg(key, name, encoding, [...KEY_TYPES, "KeyObject", "CryptoKey"]);
}
const output = (bytes, encoding) => {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return encoding === undefined || encoding === "buffer" ? buf : buf.toString(encoding);
};
const concat = (parts) => Buffer.concat(parts);
const { LazyTransform } = core.unit("node_stream");

const HASHES = ["md5", "rsa-md5", "rsa-sha1", "rsa-sha224", "rsa-sha256", "rsa-sha384", "rsa-sha512", "rsa-sha512/224",
  "rsa-sha512/256", "sha1", "sha224", "sha256", "sha384", "sha512", "sha512-224", "sha512-256"];

class Hash extends LazyTransform {
  #algorithm;
  #parts = [];
  #done = false;
  constructor(algorithm, options) {
    super(options);
    if (algorithm instanceof Hash) {
      this.#algorithm = algorithm.#algorithm;
      this.#parts = algorithm.#parts.slice();
      return;
    }
    validate.string(algorithm, "algorithm");
    if (ops.nodeDigest(algorithm, new Uint8Array(0)) == null) throw new Error("Digest method not supported");
    this.#algorithm = algorithm;
    void options;
  }
  update(data, encoding) {
    if (this.#done) throw nodeError(Error, "ERR_CRYPTO_HASH_FINALIZED", "Digest already called", true);
    this.#parts.push(Buffer.from(bytesArg(data, "data", encoding)));
    return this;
  }
  digest(encoding) {
    if (this.#done) throw nodeError(Error, "ERR_CRYPTO_HASH_FINALIZED", "Digest already called", true);
    this.#done = true;
    return output(ops.nodeDigest(this.#algorithm, concat(this.#parts)), encoding);
  }
  copy(options) {
    if (this.#done) throw nodeError(Error, "ERR_CRYPTO_HASH_FINALIZED", "Digest already called", true);
    void options;
    return new Hash(this);
  }
  _transform(chunk, encoding, callback) { this.update(chunk, encoding); callback(); }
  _flush(callback) { this.push(this.digest()); callback(); }
}

class Hmac extends LazyTransform {
  #algorithm;
  #key;
  #parts = [];
  #done = false;
  constructor(algorithm, key, options) {
    super(options);
    validate.string(algorithm, "hmac");
    this.#key = Buffer.from(keyBytes(key, "key", options?.encoding));
    if (ops.nodeHmac(algorithm, this.#key, new Uint8Array(0)) == null) throw new Error(`Invalid digest: ${algorithm}`);
    this.#algorithm = algorithm;
  }
  update(data, encoding) {
    if (this.#done) throw nodeError(Error, "ERR_CRYPTO_HASH_FINALIZED", "Digest already called", true);
    this.#parts.push(Buffer.from(bytesArg(data, "data", encoding)));
    return this;
  }
  digest(encoding) {
    if (this.#done) return output(new Uint8Array(0), encoding);
    this.#done = true;
    return output(ops.nodeHmac(this.#algorithm, this.#key, concat(this.#parts)), encoding);
  }
  _transform(chunk, encoding, callback) { this.update(chunk, encoding); callback(); }
  _flush(callback) { this.push(this.digest()); callback(); }
}

function hash(algorithm, data, outputEncoding = "hex") {
  validate.string(algorithm, "algorithm");
  if (typeof data !== "string" && !ArrayBuffer.isView(data)) throw ERR_INVALID_ARG_TYPE("data", ["Buffer", "TypedArray", "DataView", "string"], data);
  return new Hash(algorithm).update(data).digest(outputEncoding);
}

// ---------- key derivation ----------
const MAX_INT = 2147483647;
/// Calls `callback` later with `run()`'s result or error, as Node's async forms do.
function later(callback, run) {
  validate.function(callback, "callback");
  let result, error = null;
  try { result = run(); } catch (e) { error = e; }
  queueMicrotask(() => (error ? callback(error) : callback(null, result)));
}
function pbkdf2Sync(password, salt, iterations, keylen, digest) {
  password = bytesArg(password, "password", undefined, KEY_TYPES);
  salt = bytesArg(salt, "salt", undefined, KEY_TYPES);
  validate.integer(iterations, "iterations", 1, MAX_INT);
  validate.integer(keylen, "keylen", 0, MAX_INT);
  validate.string(digest, "digest");
  const out = ops.nodePbkdf2(digest, password, salt, iterations, keylen);
  if (out == null) throw new TypeError(`Invalid Pbkdf2 digest: ${digest}.`);
  return Buffer.from(out.buffer);
}
function pbkdf2(password, salt, iterations, keylen, digest, callback) {
  const key = pbkdf2Sync(password, salt, iterations, keylen, digest);
  later(callback, () => key);
}
function hkdfSync(digest, ikm, salt, info, keylen) {
  validate.string(digest, "digest");
  ikm = keyBytes(ikm, "ikm");
  salt = bytesArg(salt, "salt", undefined, KEY_TYPES);
  info = bytesArg(info, "info", undefined, KEY_TYPES);
  validate.integer(keylen, "length", 0, MAX_INT);
  if (info.byteLength > 1024) throw ERR_OUT_OF_RANGE("info", "must not contain more than 1024 bytes", info.byteLength);
  const out = ops.nodeHkdf(digest, ikm, salt, info, keylen);
  if (out == null) {
    if (ops.nodeDigest(digest, new Uint8Array(0)) == null) throw new TypeError(`Invalid digest: ${digest}`);
    throw nodeError(RangeError, "ERR_CRYPTO_INVALID_KEYLEN", "Invalid key length");
  }
  return out.buffer;
}
function hkdf(digest, ikm, salt, info, keylen, callback) {
  const key = hkdfSync(digest, ikm, salt, info, keylen);
  later(callback, () => key);
}
const SCRYPT_DEFAULTS = { N: 16384, r: 8, p: 1, maxmem: 32 << 20 };
function scryptSync(password, salt, keylen, options = {}) {
  password = bytesArg(password, "password", undefined, KEY_TYPES);
  salt = bytesArg(salt, "salt", undefined, KEY_TYPES);
  validate.integer(keylen, "keylen", 0, MAX_INT);
  const N = options.N ?? options.cost ?? SCRYPT_DEFAULTS.N;
  const r = options.r ?? options.blockSize ?? SCRYPT_DEFAULTS.r;
  const p = options.p ?? options.parallelization ?? SCRYPT_DEFAULTS.p;
  const maxmem = options.maxmem ?? SCRYPT_DEFAULTS.maxmem;
  const out = 128 * N * r <= maxmem ? ops.nodeScrypt(password, salt, N, r, p, keylen) : null;
  if (out == null) throw new Error("Scrypt failed");
  return Buffer.from(out.buffer);
}
function scrypt(password, salt, keylen, options, callback) {
  if (typeof options === "function") { callback = options; options = {}; }
  const key = scryptSync(password, salt, keylen, options);
  later(callback, () => key);
}

// ---------- random ----------
function randomBytes(size, callback) {
  validate.integer(size, "size", 0, MAX_INT);
  const bytes = Buffer.alloc(size);
  for (let at = 0; at < size; at += 65536) bytes.set(ops.randomBytes(Math.min(65536, size - at)), at);
  if (callback === undefined) return bytes;
  later(callback, () => bytes);
}
function randomFillSync(buffer, offset = 0, size) {
  if (!ArrayBuffer.isView(buffer) && !(buffer instanceof ArrayBuffer)) {
    throw ERR_INVALID_ARG_TYPE("buf", ["ArrayBuffer", "ArrayBufferView"], buffer);
  }
  const view = buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  validate.integer(offset, "offset", 0, view.length);
  size = size === undefined ? view.length - offset : size;
  validate.integer(size, "size", 0, view.length - offset);
  view.set(randomBytes(size), offset);
  return buffer;
}
function randomFill(buffer, offset, size, callback) {
  if (typeof offset === "function") { callback = offset; offset = 0; size = undefined; }
  else if (typeof size === "function") { callback = size; size = undefined; }
  const filled = randomFillSync(buffer, offset, size);
  later(callback, () => filled);
}
function randomInt(min, max, callback) {
  if (typeof max === "undefined" || typeof max === "function") { callback = max; max = min; min = 0; }
  if (!Number.isSafeInteger(min)) throw ERR_INVALID_ARG_TYPE("min", "a safe integer", min);
  if (!Number.isSafeInteger(max)) throw ERR_INVALID_ARG_TYPE("max", "a safe integer", max);
  if (max <= min) throw ERR_OUT_OF_RANGE("min", "min < max", min);
  const range = max - min;
  if (range > 2 ** 48 - 1) throw ERR_OUT_OF_RANGE("max - min", `<= ${2 ** 48 - 1}`, range);
  // Rejection sampling over 48 random bits, as Node draws them.
  const limit = 2 ** 48 - (2 ** 48 % range);
  let x;
  do { x = Buffer.from(ops.randomBytes(6)).readUIntBE(0, 6); } while (x >= limit);
  const value = min + (x % range);
  if (callback === undefined) return value;
  later(callback, () => value);
}
function timingSafeEqual(a, b) {
  const x = bytesArg(a, "buf1", undefined, ["ArrayBuffer", "Buffer", "TypedArray", "DataView"]);
  const y = bytesArg(b, "buf2", undefined, ["ArrayBuffer", "Buffer", "TypedArray", "DataView"]);
  if (x.byteLength !== y.byteLength) throw new TypeError("Input buffers must have the same byte length.");
  let diff = 0;
  for (let i = 0; i < x.byteLength; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

// ---------- ciphers: AES in CBC, ECB, CTR and GCM, update by update ----------
const CIPHERS = {};
/// OpenSSL's name and NID for each, as getCipherInfo reports them.
const CIPHER_IDS = {
  "aes-128-cbc": ["AES-128-CBC", 419], "aes-192-cbc": ["AES-192-CBC", 423], "aes-256-cbc": ["AES-256-CBC", 427],
  "aes-128-ecb": ["AES-128-ECB", 418], "aes-192-ecb": ["AES-192-ECB", 422], "aes-256-ecb": ["AES-256-ECB", 426],
  "aes-128-ctr": ["AES-128-CTR", 904], "aes-192-ctr": ["AES-192-CTR", 905], "aes-256-ctr": ["AES-256-CTR", 906],
  "aes-128-gcm": ["id-aes128-GCM", 895], "aes-192-gcm": ["id-aes192-GCM", 898], "aes-256-gcm": ["id-aes256-GCM", 901],
};
for (const bits of [128, 192, 256]) {
  for (const mode of ["cbc", "ecb", "ctr", "gcm"]) CIPHERS[`aes-${bits}-${mode}`] = { keyLength: bits / 8, mode };
}
function getCipherInfo(nameOrNid, options) {
  if (typeof nameOrNid !== "string" && typeof nameOrNid !== "number") throw ERR_INVALID_ARG_TYPE("nameOrId", ["string", "number"], nameOrNid);
  const entry = Object.entries(CIPHER_IDS).find(([name, [, nid]]) =>
    typeof nameOrNid === "number" ? nid === nameOrNid : name === String(nameOrNid).toLowerCase());
  if (entry === undefined) return undefined;
  const [name, [openSslName, nid]] = entry;
  const { keyLength, mode } = CIPHERS[name];
  if (options?.keyLength !== undefined && options.keyLength !== keyLength) return undefined;
  // GCM takes any IV length, and reports the one asked about.
  const iv = mode === "gcm" && options?.ivLength !== undefined ? options.ivLength : ivLength(mode);
  if (options?.ivLength !== undefined && options.ivLength !== iv) return undefined;
  return { name: openSslName, nid, blockSize: mode === "cbc" || mode === "ecb" ? 16 : 1, ivLength: iv, keyLength, mode };
}
const ivLength = (mode) => (mode === "ecb" ? 0 : mode === "gcm" ? 12 : 16);

const authFailed = () => new Error("Authentication failed");
function xorInto(out, data, stream) {
  for (let i = 0; i < data.length; i++) out[i] = data[i] ^ stream[i];
  return out;
}
/// Adds 1 to the last `width` bytes of `block` (big-endian, wrapping).
function increment(block, width) {
  for (let i = 15; i >= 16 - width; i--) { block[i] = (block[i] + 1) & 255; if (block[i] !== 0) break; }
}
class CipherBase extends LazyTransform {
  #decrypt;
  #key;
  #mode;
  #chain;       // CBC: the previous ciphertext block; CTR/GCM: the next counter block
  #pending = new Uint8Array(0);
  #keystream = new Uint8Array(0);
  #padding = true;
  #done = false;
  #aad = new Uint8Array(0);
  #iv;
  #text = [];   // GCM: all input, for the tag
  #tag = null;
  constructor(decrypt, cipher, key, iv, options) {
    super(options);
    validate.string(cipher, "cipher");
    const spec = CIPHERS[cipher.toLowerCase()];
    if (spec === undefined) throw new Error(`Unknown or unsupported cipher: ${cipher}`);
    key = keyBytes(key, "key");
    if (iv === null || (iv !== undefined && typeof iv !== "string" && !ArrayBuffer.isView(iv))) {
      throw ERR_INVALID_ARG_TYPE("iv", [...DATA_TYPES, "null"], iv);
    }
    iv = iv === undefined ? new Uint8Array(0) : bytesArg(iv, "iv");
    if (key.length !== spec.keyLength) throw new Error("Invalid key length");
    if (spec.mode === "gcm" ? iv.length === 0 : iv.length !== ivLength(spec.mode)) throw new Error("Invalid initialization vector");
    this.#decrypt = decrypt;
    this.#key = Buffer.from(key);
    this.#mode = spec.mode;
    this.#iv = Buffer.from(iv);
    if (spec.mode === "cbc") this.#chain = Uint8Array.from(iv);
    if (spec.mode === "ctr") this.#chain = Uint8Array.from(iv);
    if (spec.mode === "gcm") {
      this.#chain = Uint8Array.from(ops.nodeGcmCounter0(this.#key, this.#iv));
      increment(this.#chain, 4);
    }
    void options;
  }
  #keystreamBytes(n) {
    while (this.#keystream.length < n) {
      const blocks = Math.max(1, Math.ceil((n - this.#keystream.length) / 16));
      const counters = new Uint8Array(blocks * 16);
      for (let b = 0; b < blocks; b++) {
        counters.set(this.#chain, b * 16);
        increment(this.#chain, this.#mode === "gcm" ? 4 : 16);
      }
      const stream = ops.nodeAesBlocks(this.#key, counters, false);
      const joined = new Uint8Array(this.#keystream.length + stream.length);
      joined.set(this.#keystream);
      joined.set(stream, this.#keystream.length);
      this.#keystream = joined;
    }
    const out = this.#keystream.subarray(0, n);
    this.#keystream = this.#keystream.subarray(n);
    return out;
  }
  #blocks(data) {
    if (data.length === 0) return new Uint8Array(0);
    if (this.#mode === "ecb") return ops.nodeAesBlocks(this.#key, data, this.#decrypt);
    const out = new Uint8Array(data.length);
    if (this.#decrypt) {
      const plain = ops.nodeAesBlocks(this.#key, data, true);
      for (let b = 0; b < data.length; b += 16) {
        const prev = b === 0 ? this.#chain : data.subarray(b - 16, b);
        for (let i = 0; i < 16; i++) out[b + i] = plain[b + i] ^ prev[i];
      }
      this.#chain = data.slice(data.length - 16);
      return out;
    }
    for (let b = 0; b < data.length; b += 16) {
      const block = new Uint8Array(16);
      for (let i = 0; i < 16; i++) block[i] = data[b + i] ^ this.#chain[i];
      this.#chain = ops.nodeAesBlocks(this.#key, block, false);
      out.set(this.#chain, b);
    }
    return out;
  }
  update(data, inputEncoding, outputEncoding) {
    if (this.#done) throw new Error("Unsupported state");
    if (typeof data === "string" && inputEncoding === undefined) {
      throw new TypeError("The argument 'inputEncoding' If inputEncoding is not provided then the data must be a Buffer. Received undefined");
    }
    const input = bytesArg(data, "data", inputEncoding);
    let out;
    if (this.#mode === "ctr" || this.#mode === "gcm") {
      out = xorInto(new Uint8Array(input.length), input, this.#keystreamBytes(input.length));
      if (this.#mode === "gcm") this.#text.push(Buffer.from(input));
    } else {
      const all = new Uint8Array(this.#pending.length + input.length);
      all.set(this.#pending);
      all.set(input, this.#pending.length);
      // Deciphering with padding keeps the last whole block back for final().
      let whole = all.length - (all.length % 16);
      if (this.#decrypt && this.#padding && whole === all.length && whole > 0) whole -= 16;
      out = this.#blocks(all.subarray(0, whole));
      this.#pending = all.slice(whole);
    }
    return output(out, outputEncoding);
  }
  final(outputEncoding) {
    if (this.#done) throw new Error("Unsupported state");
    this.#done = true;
    if (this.#mode === "ctr") return output(new Uint8Array(0), outputEncoding);
    if (this.#mode === "gcm") return output(this.#finishGcm(), outputEncoding);
    if (!this.#decrypt) {
      if (!this.#padding) {
        if (this.#pending.length !== 0) throw authFailed();
        return output(new Uint8Array(0), outputEncoding);
      }
      const pad = 16 - this.#pending.length;
      const last = new Uint8Array(16).fill(pad);
      last.set(this.#pending);
      return output(this.#blocks(last), outputEncoding);
    }
    if (!this.#padding) {
      if (this.#pending.length !== 0) throw authFailed();
      return output(new Uint8Array(0), outputEncoding);
    }
    if (this.#pending.length !== 16) throw authFailed();
    const last = this.#blocks(this.#pending);
    const pad = last[15];
    if (pad < 1 || pad > 16 || !last.subarray(16 - pad).every((b) => b === pad)) throw authFailed();
    return output(last.subarray(0, 16 - pad), outputEncoding);
  }
  #finishGcm() {
    const text = concat(this.#text);
    if (this.#decrypt) {
      if (this.#tag === null) throw authFailed();
      const sealed = Buffer.concat([text, this.#tag]);
      if (ops.nodeAesGcm(this.#key, this.#iv, this.#aad, sealed, true) == null) throw authFailed();
    } else {
      const sealed = ops.nodeAesGcm(this.#key, this.#iv, this.#aad, text, false);
      this.#tag = Buffer.from(sealed.subarray(sealed.length - 16));
    }
    return new Uint8Array(0);
  }
  _transform(chunk, encoding, callback) { this.push(this.update(chunk, encoding)); callback(); }
  _flush(callback) {
    try { this.push(this.final()); } catch (err) { callback(err); return; }
    callback();
  }
  setAutoPadding(autoPadding = true) { this.#padding = Boolean(autoPadding); return this; }
  setAAD(buffer, options) {
    if (this.#mode !== "gcm") throw new Error("Unsupported state or unable to authenticate data");
    this.#aad = Buffer.from(bytesArg(buffer, "buffer", options?.encoding));
    return this;
  }
  getAuthTag() {
    if (this.#decrypt || this.#mode !== "gcm" || !this.#done) {
      throw new Error("Auth tag is only available once cipher context has been finalized");
    }
    // workerd hands the tag over once; asked again, it has none left.
    const tag = this.#tag;
    this.#tag = Buffer.alloc(0);
    return tag;
  }
  setAuthTag(tag, encoding) {
    if (!this.#decrypt || this.#mode !== "gcm") throw new Error("Unsupported state");
    this.#tag = Buffer.from(bytesArg(tag, "buffer", encoding));
    return this;
  }
}
class Cipheriv extends CipherBase {
  constructor(cipher, key, iv, options) { super(false, cipher, key, iv, options); }
}
class Decipheriv extends CipherBase {
  constructor(cipher, key, iv, options) { super(true, cipher, key, iv, options); }
}
const createCipheriv = (cipher, key, iv, options) => new Cipheriv(cipher, key, iv, options);
const createDecipheriv = (cipher, key, iv, options) => new Decipheriv(cipher, key, iv, options);

// ---------- keys ----------
const KEY = Symbol("key material");
/// The CryptoKey a KeyObject was made from by KeyObject.from.
const CRYPTO_KEY = Symbol("CryptoKey");
/// What export() gives for a KeyObject made from a CryptoKey, or undefined for any other.
function exportFromCryptoKey(object, options) {
  const key = object[CRYPTO_KEY];
  if (key === undefined) return undefined;
  if (!key.extractable) throw new TypeError("Unable to export non-extractable key");
  return options?.format === "jwk" ? core.unit("subtle").exportKeySync("jwk", key) : undefined;
}
class KeyObject {
  #type;
  constructor(type, material) {
    if (type !== "secret" && type !== "public" && type !== "private") throw ERR_INVALID_ARG_VALUE_type(type);
    this.#type = type;
    Object.defineProperty(this, KEY, { value: material });
  }
  get type() { return this.#type; }
  /// The KeyObject holding a CryptoKey's key. It stays bound to the CryptoKey: workerd exports
  /// it as the CryptoKey exports (and not at all when that is not extractable).
  static from(key) {
    if (!(key instanceof core.G.CryptoKey)) throw ERR_INVALID_ARG_TYPE("key", "CryptoKey", key);
    const material = core.unit("subtle").CryptoKey._material(key);
    const object = key.type === "secret" ? new SecretKeyObject(Buffer.from(material))
      : key.type === "private" ? privateFromPkcs8(material) : publicFromSpki(material);
    Object.defineProperty(object, CRYPTO_KEY, { value: key });
    return object;
  }
  equals(other) {
    if (!(other instanceof KeyObject)) throw ERR_INVALID_ARG_TYPE("otherKeyObject", "KeyObject", other);
    return other.type === this.type && timingSafeEqualish(this[KEY], other[KEY]);
  }
}
const ERR_INVALID_ARG_VALUE_type = (type) => codes.ERR_INVALID_ARG_VALUE("type", type);
const timingSafeEqualish = (a, b) => a.length === b.length && timingSafeEqual(a, b);
class SecretKeyObject extends KeyObject {
  constructor(material) { super("secret", material); }
  // workerd counts a CryptoKey's size in bits and any other secret key's in bytes.
  get symmetricKeySize() { return this[KEY].length * (this[CRYPTO_KEY] === undefined ? 1 : 8); }
  export(options) {
    if (options !== undefined) validate.object(options, "options");
    const exported = exportFromCryptoKey(this, options);
    if (exported !== undefined) return exported;
    if (options?.format === "jwk") return { kty: "oct", ext: true, k: Buffer.from(this[KEY]).toString("base64url") };
    return Buffer.from(this[KEY]);
  }
}
function createSecretKey(key, encoding) {
  const material = typeof key === "string" ? Buffer.from(key, encoding ?? "utf8") : bytesArg(key, "key", undefined, KEY_TYPES);
  return new SecretKeyObject(Buffer.from(material));
}
