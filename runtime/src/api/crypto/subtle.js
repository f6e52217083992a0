// crypto.subtle and CryptoKey, with workerd's checks and texts (crypto.c++). The algorithms run
// natively (this folder's Rust) through `ops.subtle`; this file normalises algorithms, checks usages
// and keeps each key's material, which never leaves the CryptoKey except through exportKey.

const { G, define, domError, fromUtf8, toBytes, utf8 } = core;

const DIGESTS = { "SHA-1": "SHA-1", "SHA-256": "SHA-256", "SHA-384": "SHA-384", "SHA-512": "SHA-512", "MD5": "MD5" };
const ALGORITHM_NAMES = ["AES-CTR", "AES-CBC", "AES-GCM", "AES-KW", "HMAC", "PBKDF2", "HKDF", "RSASSA-PKCS1-v1_5",
  "RSA-PSS", "RSA-OAEP", "ECDSA", "ECDH", "Ed25519", "NODE-ED25519", "X25519"];
const KEY_USAGES = ["encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey"];

/// Which usages a key of `name` may have, by key type.
function usageMasks(name) {
  switch (name) {
    case "AES-CTR": case "AES-CBC": case "AES-GCM": return { secret: ["encrypt", "decrypt", "wrapKey", "unwrapKey"] };
    case "AES-KW": return { secret: ["wrapKey", "unwrapKey"] };
    case "HMAC": return { secret: ["sign", "verify"] };
    case "PBKDF2": case "HKDF": return { secret: ["deriveKey", "deriveBits"] };
    case "RSA-OAEP": return { private: ["decrypt", "unwrapKey"], public: ["encrypt", "wrapKey"] };
    case "ECDH": case "X25519": return { private: ["deriveKey", "deriveBits"], public: [] };
    default: return { private: ["sign"], public: ["verify"] };
  }
}

const upperName = (n) => ALGORITHM_NAMES.find((a) => a.toUpperCase() === String(n).toUpperCase());
const b64 = (view) => btoa(Array.from(toBytes(view, "crypto"), (b) => String.fromCharCode(b)).join(""));

function hashName(hash, field = "algorithm") {
  if (hash === undefined) throw new TypeError(`Missing field "hash" in "${field}".`);
  const name = String(typeof hash === "object" && hash !== null ? hash.name : hash).toUpperCase();
  if (!DIGESTS[name]) throw domError("NotSupportedError", "Unrecognized or unimplemented digest algorithm requested.");
  return DIGESTS[name];
}

/// The algorithm dictionary as the native side takes it: names normalised, buffers base64.
function normalize(algorithm) {
  const a = typeof algorithm === "string" ? { name: algorithm } : algorithm;
  if (a === null || typeof a !== "object" || a.name === undefined) throw new TypeError("AlgorithmIdentifier could not be converted.");
  const out = { name: upperName(a.name) ?? String(a.name) };
  if (a.hash !== undefined) out.hash = hashName(a.hash);
  for (const k of ["length", "saltLength", "tagLength", "iterations", "modulusLength"]) if (a[k] !== undefined) out[k] = Number(a[k]);
  if (a.namedCurve !== undefined) out.namedCurve = String(a.namedCurve);
  for (const k of ["iv", "counter", "additionalData", "label", "salt", "info", "publicExponent"]) if (a[k] !== undefined) out[k] = b64(a[k]);
  if (a.public !== undefined) out.public = a.public;
  return out;
}

class CryptoKey {
  #type; #extractable; #algorithm; #usages; #material;
  constructor(token) { if (token !== CRYPTO_KEY) throw new TypeError("Illegal constructor"); }
  static _make(type, extractable, algorithm, usages, material) {
    const k = new CryptoKey(CRYPTO_KEY);
    k.#type = type; k.#extractable = !!extractable; k.#algorithm = Object.freeze(algorithm);
    k.#usages = KEY_USAGES.filter((u) => usages.includes(u)); k.#material = material;
    return k;
  }
  static _material(k) { return k.#material; }
  get type() { return this.#type; }
  get extractable() { return this.#extractable; }
  get algorithm() { return this.#algorithm; }
  get usages() { return [...this.#usages]; }
  get [Symbol.toStringTag]() { return "CryptoKey"; }
}
const CRYPTO_KEY = Symbol("CryptoKey");
define(G, "CryptoKey", CryptoKey);

/// Runs native method `method`; throws its DOMException (or TypeError).
function subtleOp(method, args, a = null, b = null, c = null) {
  const r = ops.subtle(method, JSON.stringify(args), a, b, c);
  if (r[0]) return r;
  if (r[1] === "TypeError") throw new TypeError(r[2]);
  throw domError(r[1], r[2]);
}

/// The CryptoKey.algorithm dictionary for a key of `params` described by `info`.
function keyAlgorithm(params, info) {
  const alg = { name: params.name };
  if (params.name === "HMAC") { alg.hash = { name: params.hash }; alg.length = info.length; }
  else if (params.name.startsWith("AES-")) alg.length = info.length;
  else if (info.namedCurve) alg.namedCurve = info.namedCurve;
  else if (info.modulusLength) {
    alg.modulusLength = info.modulusLength;
    alg.publicExponent = new Uint8Array(info.publicExponent);
    alg.hash = { name: params.hash };
  }
  return alg;
}

function checkUsages(name, context, type, usages) {
  const allowed = usageMasks(name)[type] ?? [];
  for (const u of usages) {
    if (!allowed.includes(u)) throw domError("SyntaxError", `Attempt to ${context} ${name} key with invalid usage "${u}".`);
  }
}

/// workerd's validateOperation: the key's algorithm and usages must fit the request.
function checkOperation(key, name, usage) {
  if (!(key instanceof CryptoKey)) throw new TypeError("Failed to execute on 'SubtleCrypto': parameter is not of type 'CryptoKey'.");
  if (String(name).toUpperCase() !== key.algorithm.name.toUpperCase()) {
    throw domError("InvalidAccessError", `Requested algorithm "${name}" does not match this CryptoKey's algorithm "${key.algorithm.name}".`);
  }
  if (!key.usages.includes(usage)) throw domError("InvalidAccessError", `Requested key usage "${usage}" does not match any usage listed in this CryptoKey.`);
}

/// What the native side needs to know about the key's own algorithm.
function keyParams(key) {
  const a = key.algorithm;
  return { name: a.name, hash: a.hash?.name, namedCurve: a.namedCurve };
}

const buffer = (bytes) => bytes.buffer.byteLength === bytes.length ? bytes.buffer : bytes.slice().buffer;
const attempt = (f) => { try { return Promise.resolve(f()); } catch (e) { return Promise.reject(e); } };

function importKeySync(format, keyData, algorithm, extractable, keyUsages) {
  format = String(format);
  const usages = Array.from(keyUsages ?? [], String);
  const params = normalize(algorithm);
  let data;
  if (["raw", "pkcs8", "spki"].includes(format)) {
    if (!(keyData instanceof ArrayBuffer || ArrayBuffer.isView(keyData))) throw new TypeError("Import data provided for buffer-based import formats must be a buffer source.");
    data = toBytes(keyData, "importKey' on 'SubtleCrypto").slice();
  } else if (format === "jwk") {
    if (keyData === null || typeof keyData !== "object" || ArrayBuffer.isView(keyData)) throw new TypeError("Import data provided for \"jwk\" import format must be a JsonWebKey.");
    if (keyData.ext === false && extractable) throw domError("DataError", `JWK ext field for "${params.name}" is set to false but extractable is true`);
    data = utf8(JSON.stringify(keyData));
  } else {
    throw domError("NotSupportedError", `Unrecognized key import format "${format}".`);
  }
  if (!ALGORITHM_NAMES.includes(params.name)) {
    throw domError("NotSupportedError", `Unrecognized key import algorithm "${params.name}" requested.`);
  }
  if (params.name === "HMAC" && params.hash === undefined) throw new TypeError("Missing field \"hash\" in \"algorithm\".");
  const [, meta, material] = subtleOp("import", { params, format }, data);
  const info = JSON.parse(meta);
  const context = info.type === "secret" ? "import secret" : `import ${info.type}`;
  checkUsages(params.name, context, info.type, usages);
  if (usages.length === 0 && info.type !== "public") throw domError("SyntaxError", "Secret/private CryptoKeys must have at least one usage.");
  return CryptoKey._make(info.type, extractable, keyAlgorithm(params, info), usages, material);
}

function exportKeySync(format, key) {
  if (!(key instanceof CryptoKey)) throw new TypeError("Failed to execute 'exportKey' on 'SubtleCrypto': parameter 2 is not of type 'CryptoKey'.");
  if (!key.extractable) throw domError("InvalidAccessError", `Attempt to export non-extractable ${key.algorithm.name} key.`);
  const [, meta, bytes] = subtleOp("export", { keyParams: keyParams(key), keyInfo: { type: key.type, namedCurve: key.algorithm.namedCurve }, format: String(format) }, CryptoKey._material(key));
  if (bytes !== undefined) return buffer(bytes);
  const parsed = JSON.parse(meta);
  parsed.key_ops = key.usages;
  if (key.algorithm.modulusLength) parsed.alg = { "RSASSA-PKCS1-v1_5": "RS", "RSA-PSS": "PS", "RSA-OAEP": "RSA-OAEP" }[key.algorithm.name] + (key.algorithm.name === "RSA-OAEP" ? (key.algorithm.hash.name === "SHA-1" ? "" : `-${key.algorithm.hash.name.slice(4)}`) : key.algorithm.hash.name.slice(4));
  // workerd's JsonWebKey dictionary: every member, in this order, undefined where absent.
  const jwk = {};
  for (const member of JWK_MEMBERS) jwk[member] = parsed[member];
  return jwk;
}
const JWK_MEMBERS = ["kty", "use", "key_ops", "alg", "ext", "crv", "x", "y", "d", "n", "e", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// The bit length deriveKey asks deriveBits for (workerd's getKeyLength).
function derivedKeyLength(params) {
  if (params.name.startsWith("AES-")) {
    if (params.length === undefined) throw new TypeError("Missing field \"length\" in \"derivedKeyParams\".");
    if (![128, 192, 256].includes(params.length)) throw domError("OperationError", `Derived AES key must be 128, 192, or 256 bits in length but provided ${params.length}.`);
    return params.length;
  }
  if (params.name === "HMAC") {
    if (params.length !== undefined) {
      if (params.length > 0) return params.length;
      throw new TypeError("HMAC key length must be a non-zero unsigned long integer.");
    }
    if (params.hash === undefined) throw new TypeError("Missing field \"hash\" in \"derivedKeyParams\".");
    return params.hash === "SHA-384" || params.hash === "SHA-512" ? 1024 : 512;
  }
  if (params.name === "HKDF" || params.name === "PBKDF2") return null;
  throw domError("NotSupportedError", `Unrecognized derived key type "${params.name}" requested.`);
}

function deriveBitsSync(algorithm, baseKey, length, usage) {
  const params = normalize(algorithm);
  checkOperation(baseKey, params.name, usage);
  let peer = null;
  if (params.name === "ECDH" || params.name === "X25519") {
    const pub = params.public;
    if (pub === undefined) throw new TypeError("Missing field \"public\" in \"derivedKeyParams\".");
    if (!(pub instanceof CryptoKey)) throw new TypeError("The \"public\" member must be a CryptoKey.");
    if (pub.type !== "public") throw domError("InvalidAccessError", `The provided key has type "${pub.type}", not "public"`);
    if (pub.algorithm.name !== params.name) throw domError("InvalidAccessError", "Public key algorithm does not match the requested algorithm.");
    peer = CryptoKey._material(pub);
    delete params.public;
  }
  return subtleOp("deriveBits", { params, keyParams: keyParams(baseKey), length: length ?? undefined }, CryptoKey._material(baseKey), null, peer)[2];
}

class SubtleCrypto {
  digest(algorithm, data) {
    return attempt(() => {
      const name = String(typeof algorithm === "object" && algorithm !== null ? algorithm.name : algorithm).toUpperCase();
      if (!DIGESTS[name]) throw domError("NotSupportedError", "Unrecognized or unimplemented digest algorithm requested.");
      return ops.digest(DIGESTS[name], toBytes(data, "digest' on 'SubtleCrypto").slice()).buffer;
    });
  }
  importKey(format, keyData, algorithm, extractable, keyUsages) {
    return attempt(() => importKeySync(format, keyData, algorithm, extractable, keyUsages));
  }
  exportKey(format, key) {
    return attempt(() => exportKeySync(format, key));
  }
  sign(algorithm, key, data) {
    return attempt(() => {
      const params = normalize(algorithm);
      checkOperation(key, params.name, "sign");
      return buffer(subtleOp("sign", { params, keyParams: keyParams(key) }, CryptoKey._material(key), toBytes(data, "sign' on 'SubtleCrypto").slice())[2]);
    });
  }
  verify(algorithm, key, signature, data) {
    return attempt(() => {
      const params = normalize(algorithm);
      checkOperation(key, params.name, "verify");
      const sig = toBytes(signature, "verify' on 'SubtleCrypto").slice();
      return subtleOp("verify", { params, keyParams: keyParams(key) }, CryptoKey._material(key), toBytes(data, "verify' on 'SubtleCrypto").slice(), sig)[1] === "true";
    });
  }
  encrypt(algorithm, key, data) {
    return attempt(() => {
      const params = normalize(algorithm);
      checkOperation(key, params.name, "encrypt");
      return buffer(subtleOp("encrypt", { params, keyParams: keyParams(key) }, CryptoKey._material(key), toBytes(data, "encrypt' on 'SubtleCrypto").slice())[2]);
    });
  }
  decrypt(algorithm, key, data) {
    return attempt(() => {
      const params = normalize(algorithm);
      checkOperation(key, params.name, "decrypt");
      return buffer(subtleOp("decrypt", { params, keyParams: keyParams(key) }, CryptoKey._material(key), toBytes(data, "decrypt' on 'SubtleCrypto").slice())[2]);
    });
  }
  deriveBits(algorithm, baseKey, length) {
    return attempt(() => {
      if (length !== undefined && length !== null && !(Number(length) >= 0)) throw new TypeError("deriveBits length must be an unsigned long integer.");
      return buffer(deriveBitsSync(algorithm, baseKey, length === undefined || length === null ? null : Number(length), "deriveBits"));
    });
  }
  deriveKey(algorithm, baseKey, derivedKeyAlgorithm, extractable, keyUsages) {
    return attempt(() => {
      const derived = normalize(derivedKeyAlgorithm);
      const length = derivedKeyLength(derived);
      const bits = deriveBitsSync(algorithm, baseKey, length, "deriveKey");
      return importKeySync("raw", bits, derivedKeyAlgorithm, extractable, keyUsages);
    });
  }
  generateKey(algorithm, extractable, keyUsages) {
    return attempt(() => {
      const params = normalize(algorithm);
      const usages = Array.from(keyUsages ?? [], String);
      if (!ALGORITHM_NAMES.includes(params.name) || ["PBKDF2", "HKDF"].includes(params.name)) {
        throw domError("NotSupportedError", `Unrecognized key generation algorithm "${params.name}" requested.`);
      }
      const masks = usageMasks(params.name);
      const all = [...(masks.secret ?? []), ...(masks.private ?? []), ...(masks.public ?? [])];
      for (const u of usages) if (!all.includes(u)) throw domError("SyntaxError", `Attempt to generate ${params.name} key with invalid usage "${u}".`);
      const [, meta, first, second] = subtleOp("generate", { params });
      const info = JSON.parse(meta);
      if (second === undefined) {
        if (usages.length === 0) throw domError("SyntaxError", "Secret/private CryptoKeys must have at least one usage.");
        return CryptoKey._make("secret", extractable, keyAlgorithm(params, info), usages, first);
      }
      const privateUsages = usages.filter((u) => masks.private.includes(u));
      if (privateUsages.length === 0) throw domError("SyntaxError", "Attempt to generate asymmetric keys with no valid private key usages.");
      return {
        privateKey: CryptoKey._make("private", extractable, keyAlgorithm(params, info[0]), privateUsages, first),
        publicKey: CryptoKey._make("public", true, keyAlgorithm(params, info[1]), usages.filter((u) => masks.public.includes(u)), second),
      };
    });
  }
  wrapKey(format, key, wrappingKey, wrapAlgorithm) {
    return attempt(() => {
      const params = normalize(wrapAlgorithm);
      checkOperation(wrappingKey, params.name, "wrapKey");
      const exported = exportKeySync(format, key);
      const bytes = exported instanceof ArrayBuffer ? new Uint8Array(exported) : utf8(JSON.stringify(exported));
      return buffer(subtleOp("encrypt", { params, keyParams: keyParams(wrappingKey) }, CryptoKey._material(wrappingKey), bytes)[2]);
    });
  }
  unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, keyUsages) {
    return attempt(() => {
      const params = normalize(unwrapAlgorithm);
      checkOperation(unwrappingKey, params.name, "unwrapKey");
      const bytes = subtleOp("decrypt", { params, keyParams: keyParams(unwrappingKey) }, CryptoKey._material(unwrappingKey), toBytes(wrappedKey, "unwrapKey' on 'SubtleCrypto").slice())[2];
      let data = bytes;
      if (String(format) === "jwk") {
        try { data = JSON.parse(fromUtf8(bytes)); } catch { throw domError("DataError", "Missing \"kty\" field or corrupt JSON unwrapping key?"); }
      }
      return importKeySync(format, data, unwrappedKeyAlgorithm, extractable, keyUsages);
    });
  }
  timingSafeEqual(a, b) {
    const x = toBytes(a, "timingSafeEqual' on 'SubtleCrypto"), y = toBytes(b, "timingSafeEqual' on 'SubtleCrypto");
    if (x.length !== y.length) throw new TypeError("Input buffers must have the same byte length.");
    let diff = 0;
    for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
    return diff === 0;
  }
  get [Symbol.toStringTag]() { return "SubtleCrypto"; }
}
define(G, "SubtleCrypto", SubtleCrypto);

return { SubtleCrypto, CryptoKey, exportKeySync };
