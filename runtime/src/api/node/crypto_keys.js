
// node_crypto, part two: asymmetric keys (RSA, EC on P-256/P-384/P-521, Ed25519) as Node's
// KeyObjects, PEM/DER/JWK in and out, and sign/verify with them, over WebCrypto's algorithms
// (ops.subtle) and crypto_keys.rs for what WebCrypto does not do (PKCS#1, SEC1, DER ECDSA
// signatures).

const NODE_CURVE = { "P-256": "prime256v1", "P-384": "secp384r1", "P-521": "secp521r1" };
const WEB_CURVE = { prime256v1: "P-256", secp256r1: "P-256", "P-256": "P-256", secp384r1: "P-384", "P-384": "P-384",
  secp521r1: "P-521", "P-521": "P-521" };
const WEB_HASH = { sha1: "SHA-1", sha256: "SHA-256", sha384: "SHA-384", sha512: "SHA-512" };
const JWK_MEMBERS = ["alg", "crv", "d", "dp", "dq", "e", "ext", "k", "key_ops", "kty", "n", "oth", "p", "q", "qi", "use", "x", "y"];
const notYetKeys = (what) => new Error(`edgesim does not implement ${what} yet`);

function subtle(method, args, a, b, c) {
  const [ok, meta, x, y] = ops.subtle(method, JSON.stringify(args), a, b, c);
  if (!ok) throw new Error(x);
  return [meta, x, y];
}

class AsymmetricKeyObject extends KeyObject {
  #described;
  constructor(type, der, described) {
    super(type, der);
    this.#described = described;
  }
  get asymmetricKeyType() { return this.#described[0]; }
  get asymmetricKeyDetails() {
    const [keyType, curve, bits, exponent] = this.#described;
    if (keyType === "rsa") return { modulusLength: bits, publicExponent: BigInt(`0x${exponent}`) };
    if (keyType === "ec") return { namedCurve: NODE_CURVE[curve] };
    return {};
  }
  get curve() { return this.#described[1]; }
  export(options = {}) {
    core.unit("node_internal").validate.object(options, "options");
    const { format = "pem", type } = options;
    const exported = exportFromCryptoKey(this, options);
    if (exported !== undefined) return exported;
    const der = this[KEY];
    const keyType = this.asymmetricKeyType;
    // workerd exports no DH key, in any format.
    if (keyType === "dh") {
      if (format === "jwk") throw new Error("Key type is invalid for JWK export");
      throw new Error(type === "pkcs1" ? "PKCS1 can only be used for RSA keys" : "Failed to export key");
    }
    if (format === "jwk") {
      const params = keyType === "rsa" ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }
        : keyType === "ec" ? { name: "ECDSA", namedCurve: this.curve }
        : { name: keyType === "x25519" ? "X25519" : "Ed25519" };
      const [jwk] = subtle("export", { keyParams: params, keyInfo: { type: this.type, namedCurve: this.curve }, format: "jwk" }, der);
      const parsed = JSON.parse(jwk);
      // workerd's JWK object names every JWK member, those the key lacks as undefined.
      const out = {};
      for (const member of JWK_MEMBERS) out[member] = member === "ext" || member === "key_ops" || member === "alg" ? undefined : parsed[member];
      return out;
    }
    let bytes = der;
    let label = this.type === "private" ? "PRIVATE KEY" : "PUBLIC KEY";
    if (type === "pkcs1") {
      if (keyType !== "rsa") throw new Error(`The selected key encoding pkcs1 can only be used for RSA keys.`);
      bytes = ops.nodeKeyConvert(der, this.type === "private" ? "pkcs8" : "spki", "pkcs1", this.type === "private");
      label = this.type === "private" ? "RSA PRIVATE KEY" : "RSA PUBLIC KEY";
    } else if (type === "sec1") {
      if (keyType !== "ec" || this.type !== "private") throw new Error("The selected key encoding sec1 can only be used for EC keys.");
      bytes = ops.nodeKeyConvert(der, "pkcs8", "sec1", true);
      label = "EC PRIVATE KEY";
    }
    const sealed = sealedKey(this.type, bytes, options, type === "pkcs1" || type === "sec1");
    if (sealed !== undefined) {
      if (format === "der" && sealed.headers === undefined) return Buffer.from(sealed.bytes);
      // workerd writes a traditional key (pkcs1, sec1) as DER unencrypted, cipher or not.
      if (format === "pem") {
        bytes = sealed.bytes;
        if (sealed.headers === undefined) label = "ENCRYPTED PRIVATE KEY";
        return pemText(label, bytes, sealed.headers);
      }
    }
    if (format === "der") return Buffer.from(bytes);
    if (format !== "pem") throw codes.ERR_INVALID_ARG_VALUE("options.format", format);
    return pemText(label, bytes);
  }
  equals(other) {
    if (!(other instanceof KeyObject)) throw ERR_INVALID_ARG_TYPE("otherKeyObject", "KeyObject", other);
    return other.type === this.type && timingSafeEqualish(Buffer.from(this[KEY]), Buffer.from(other[KEY]));
  }
}
class PublicKeyObject extends AsymmetricKeyObject {
  constructor(der, described) { super("public", der, described); }
}
class PrivateKeyObject extends AsymmetricKeyObject {
  constructor(der, described) { super("private", der, described); }
}

/// The private key in `der` (PKCS#8), described, or the parse failure workerd reports.
function privateFromPkcs8(der) {
  const described = der === null ? null : ops.nodeKeyDescribe(der, true);
  if (described === null) throw new Error("Failed to parse private key");
  return new PrivateKeyObject(der, described);
}
function publicFromSpki(der) {
  const described = der === null ? null : ops.nodeKeyDescribe(der, false);
  if (described === null) throw new Error("Failed to parse public key");
  return new PublicKeyObject(der, described);
}
function publicOf(privateKey) {
  // workerd cannot derive from a key that came from a CryptoKey, extractable or not.
  if (privateKey[CRYPTO_KEY] !== undefined) throw new Error("Failed to derive public key from private key");
  if (privateKey.asymmetricKeyType === "dh") return dhPublicOf(privateKey);
  const described = ops.nodeKeyDescribe(privateKey[KEY], true);
  const spki = described[4];
  return publicFromSpki(spki);
}

/// A PEM block: its label, headers (a traditional encrypted key's `Proc-Type` and `DEK-Info`)
/// and DER bytes.
function parsePem(text) {
  const match = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (!match) return null;
  const headers = {};
  const lines = match[2].trim().split(/\r?\n/);
  while (lines.length > 0 && lines[0].includes(":")) {
    const [name, ...value] = lines.shift().split(":");
    headers[name.trim()] = value.join(":").trim();
  }
  return { label: match[1], headers, der: Buffer.from(lines.join("").replace(/\s+/g, ""), "base64") };
}

function pemText(label, bytes, headers) {
  const body = Buffer.from(bytes).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  const head = headers === undefined ? "" : `${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join("\n")}\n\n`;
  return `-----BEGIN ${label}-----\n${head}${body}\n-----END ${label}-----\n`;
}

const passphraseBytes = (passphrase) => (typeof passphrase === "string" ? Buffer.from(passphrase) : Buffer.from(bytesArg(passphrase, "passphrase", undefined, ["string", "Buffer", "TypedArray", "DataView"])));

/// The private key `der` export `options` encrypt, as `{ bytes }` (PKCS #8) or `{ bytes,
/// headers }` (a traditional key's PEM); undefined when they ask for no encryption.
function sealedKey(keyType, der, options, traditional) {
  const { cipher, passphrase } = options;
  if (cipher === undefined) {
    if (typeof passphrase === "string") {
      throw new TypeError("Incorrect type for the 'passphrase' field on 'KeyExportOptions': the provided value is not of type 'ArrayBuffer or ArrayBufferView'.");
    }
    return undefined;
  }
  if (typeof passphrase !== "string" && !(passphrase instanceof Uint8Array)) {
    throw ERR_INVALID_ARG_TYPE("options.passphrase", ["string", "Uint8Array"], passphrase);
  }
  if (keyType !== "private") return undefined;
  if (!ops.nodeKeyCipherKnown(String(cipher))) throw new Error(`Unknown cipher: ${cipher}`);
  const sealed = ops.nodeKeyEncrypt(der, String(cipher), passphraseBytes(passphrase), traditional);
  if (sealed === null) throw new Error("Failed to encrypt the private key");
  if (!traditional) return { bytes: sealed };
  return { bytes: sealed[1], headers: { "Proc-Type": "4,ENCRYPTED", "DEK-Info": sealed[0] } };
}

/// The DER inside an encrypted key: a PKCS #8 `EncryptedPrivateKeyInfo`, or a traditional
/// PEM's body under its `DEK-Info`; null when the passphrase is missing or wrong.
function openedKey(der, passphrase, dekInfo) {
  if (passphrase === undefined || passphrase === null) return null;
  return ops.nodeKeyDecrypt(der, dekInfo, passphraseBytes(passphrase));
}
function jwkKey(jwk, wantPrivate) {
  const params = jwk.kty === "RSA" ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }
    : jwk.kty === "EC" ? { name: "ECDSA", namedCurve: jwk.crv }
    : jwk.kty === "OKP" && (jwk.crv === "Ed25519" || jwk.crv === "X25519") ? { name: jwk.crv } : null;
  if (params === null) throw notYetKeys(`${jwk.kty} ${jwk.crv ?? ""} JSON Web Keys`.trim());
  const [, der] = subtle("import", { params, format: "jwk" }, Buffer.from(JSON.stringify(jwk)));
  return wantPrivate ? privateFromPkcs8(der) : jwk.d !== undefined ? publicOf(privateFromPkcs8(der)) : publicFromSpki(der);
}
/// `key` as createPrivateKey or createPublicKey takes it, made into a KeyObject of `kind`.
function toKeyObject(key, kind) {
  const wantPrivate = kind === "private";
  if (key instanceof KeyObject) {
    if (wantPrivate && key.type !== "private") throw ERR_INVALID_ARG_TYPE("key", ["string", "ArrayBuffer", "Buffer", "TypedArray", "DataView"], key);
    if (!wantPrivate && key.type === "private") return publicOf(key);
    if (key.type === "secret") throw ERR_INVALID_ARG_TYPE("key", ["string", "ArrayBuffer", "Buffer", "TypedArray", "DataView"], key);
    return key;
  }
  let data = key, format = "pem", type, encoding, passphrase;
  if (key !== null && typeof key === "object" && !ArrayBuffer.isView(key) && !(key instanceof ArrayBuffer)) {
    ({ key: data, format = "pem", type, encoding, passphrase } = key);
  }
  if (format === "jwk") {
    if (data === null || typeof data !== "object") throw ERR_INVALID_ARG_TYPE("key.key", "object", data);
    return jwkKey(data, wantPrivate);
  }
  if (typeof data !== "string" && !ArrayBuffer.isView(data) && !(data instanceof ArrayBuffer)) {
    throw ERR_INVALID_ARG_TYPE("key", ["string", "ArrayBuffer", "Buffer", "TypedArray", "DataView"], data);
  }
  if (format === "der") {
    let der = bytesArg(data, "key", encoding, KEY_TYPES);
    // A passphrase opens an encrypted PKCS #8 key given as DER.
    if (type === "pkcs8" && passphrase !== undefined) der = openedKey(der, passphrase) ?? der;
    if (wantPrivate) {
      const pkcs8 = type === "pkcs1" ? ops.nodeKeyConvert(der, "pkcs1", "pkcs8", true)
        : type === "sec1" ? ops.nodeKeyConvert(der, "sec1", "pkcs8", true) : der;
      return privateFromPkcs8(pkcs8);
    }
    const spki = type === "pkcs1" ? ops.nodeKeyConvert(der, "pkcs1", "spki", false) : der;
    return publicFromSpki(spki);
  }
  // A string key with an encoding is decoded with it first, even a PEM (as Node and workerd do).
  const pem = parsePem(typeof data === "string" && encoding === undefined ? data
    : Buffer.from(bytesArg(data, "key", encoding, KEY_TYPES)).toString());
  const failure = () => new Error(wantPrivate ? "Failed to parse private key" : "Failed to parse public key");
  if (pem === null) throw failure();
  const privateKey = (pkcs8) => {
    if (pkcs8 === null) throw new Error("Failed to parse private key");
    const key = privateFromPkcs8(pkcs8);
    return wantPrivate ? key : publicOf(key);
  };
  // A traditional key's body is encrypted when its headers say so.
  const traditional = (from) => {
    const encrypted = pem.headers["Proc-Type"] === "4,ENCRYPTED";
    const der = encrypted ? openedKey(pem.der, passphrase, pem.headers["DEK-Info"] ?? "") : pem.der;
    return privateKey(der === null ? null : ops.nodeKeyConvert(der, from, "pkcs8", true));
  };
  switch (pem.label) {
    case "PRIVATE KEY": return privateKey(pem.der);
    case "ENCRYPTED PRIVATE KEY": return privateKey(openedKey(pem.der, passphrase));
    case "RSA PRIVATE KEY": return traditional("pkcs1");
    case "EC PRIVATE KEY": return traditional("sec1");
    case "PUBLIC KEY": if (!wantPrivate) return publicFromSpki(pem.der); break;
    case "RSA PUBLIC KEY": if (!wantPrivate) return publicFromSpki(ops.nodeKeyConvert(pem.der, "pkcs1", "spki", false)); break;
    // A certificate stands for its subject's public key.
    case "CERTIFICATE": {
      const parsed = wantPrivate ? null : ops.nodeX509Parse(pem.der);
      if (parsed !== null) return publicFromSpki(parsed[2]);
      break;
    }
  }
  throw failure();
}
const createPrivateKey = (key) => toKeyObject(key, "private");
const createPublicKey = (key) => toKeyObject(key, "public");

// ---------- sign and verify ----------
const RSA_NO_PADDING = 3;
const PSS_PADDING = 6;
/// OpenSSL's special salt lengths: the digest's length, and the most the key allows when signing
/// (as much as the signature shows, when verifying).
const SALT_DIGEST = -1;
const SALT_MAX_OR_AUTO = -2;
const HASH_BYTES = { "SHA-1": 20, "SHA-256": 32, "SHA-384": 48, "SHA-512": 64 };

/// The key and options a sign or verify call was given. `stream` is true for Sign and Verify:
/// workerd's one-shot `sign`/`verify` check `padding` and `saltLength` but leave them unused, so
/// an RSA key signs PKCS #1 v1.5 there whatever they say.
function signingKey(key, kind, stream) {
  if (key !== null && typeof key === "object" && !(key instanceof KeyObject) && !ArrayBuffer.isView(key) && key.key !== undefined) {
    if (key.key instanceof KeyObject) {
      // workerd takes a KeyObject only on its own, not inside an options object.
      throw ERR_INVALID_ARG_TYPE("options.key", ["string", "ArrayBuffer", "Buffer", "TypedArray", "DataView", "Object"], key.key);
    }
    const keyObject = toKeyObject(key, kind);
    for (const name of ["padding", "saltLength"]) {
      if (key[name] !== undefined && key[name] !== key[name] >> 0) throw codes.ERR_INVALID_ARG_VALUE(`options.${name}`, key[name]);
    }
    // An EC key takes no padding (workerd ignores it); an RSA key signs PKCS #1 v1.5 or PSS.
    const padding = keyObject.asymmetricKeyType === "rsa" && stream ? key.padding : undefined;
    if (padding !== undefined && padding !== 1 && padding !== PSS_PADDING) throw signPaddingError(padding, kind);
    return { keyObject, dsaEncoding: key.dsaEncoding ?? "der", pss: padding === PSS_PADDING, saltLength: key.saltLength };
  }
  return { keyObject: toKeyObject(key, kind), dsaEncoding: "der", pss: false };
}
/// BoringSSL's refusals, in workerd's words: no padding is taken (RSA_NO_PADDING) but clashes
/// with the digest set after it; any other but PKCS #1 v1.5 and PSS is no signature padding.
function signPaddingError(padding, kind) {
  if (padding !== RSA_NO_PADDING) return new Error("Failed to set RSA parameters for signature");
  return new Error(kind === "private" ? "Failed to set signature digest" : "Failed to set digest context for signature verification");
}
function signatureParams(algorithm, keyObject, pss) {
  const keyType = keyObject.asymmetricKeyType;
  if (keyType === "ed25519") return [{ name: "Ed25519" }, { name: "Ed25519" }];
  const hash = WEB_HASH[String(algorithm ?? "").toLowerCase().replace(/^rsa-/, "")];
  if (hash === undefined) throw new Error("Invalid digest");
  if (keyType === "rsa" && pss) return [{ name: "RSA-PSS" }, { name: "RSA-PSS", hash }];
  if (keyType === "rsa") return [{ name: "RSASSA-PKCS1-v1_5" }, { name: "RSASSA-PKCS1-v1_5", hash }];
  return [{ name: "ECDSA", hash }, { name: "ECDSA", namedCurve: keyObject.curve }];
}
/// The PSS salt length a signature is made or checked with, as BoringSSL reads `saltLength`:
/// the digest's length when none is given (BoringSSL's default, where Node's OpenSSL takes the
/// most or detects it), the most the key holds (signing) or what the signature shows
/// (verifying) for -2; -1 for the digest's length. None below -2.
function pssSalt(saltLength, keyObject, hash, signature) {
  if (saltLength === undefined || saltLength === SALT_DIGEST) return HASH_BYTES[hash];
  if (saltLength < SALT_MAX_OR_AUTO) throw new Error("Failed to set RSA parameters for signature");
  if (saltLength !== SALT_MAX_OR_AUTO) return saltLength;
  if (signature !== undefined) return ops.nodePssSaltLength(keyObject[KEY], signature, hash);
  return Math.ceil((keyObject.asymmetricKeyDetails.modulusLength - 1) / 8) - HASH_BYTES[hash] - 2;
}
function signWith(algorithm, data, key, stream) {
  const { keyObject, dsaEncoding, pss, saltLength } = signingKey(key, "private", stream);
  const [params, keyParams] = signatureParams(algorithm, keyObject, pss);
  if (pss) {
    params.saltLength = pssSalt(saltLength, keyObject, keyParams.hash);
    const room = Math.ceil((keyObject.asymmetricKeyDetails.modulusLength - 1) / 8) - HASH_BYTES[keyParams.hash] - 2;
    if (params.saltLength > room) throw new Error("Failed to generate signature");
  }
  const [, signature] = subtle("sign", { params, keyParams }, keyObject[KEY], Buffer.from(data));
  const out = keyObject.asymmetricKeyType === "ec" && dsaEncoding !== "ieee-p1363"
    ? ops.nodeEcdsaSignature(signature, keyObject.curve, true) : signature;
  return Buffer.from(out);
}
function verifyWith(algorithm, data, key, signature, stream) {
  const { keyObject, dsaEncoding, pss, saltLength } = signingKey(key, "public", stream);
  const [params, keyParams] = signatureParams(algorithm, keyObject, pss);
  let sig = Buffer.from(signature);
  if (pss) {
    params.saltLength = pssSalt(saltLength, keyObject, keyParams.hash, sig);
    if (params.saltLength < 0) return false;
  }
  if (keyObject.asymmetricKeyType === "ec" && dsaEncoding !== "ieee-p1363") {
    sig = ops.nodeEcdsaSignature(sig, keyObject.curve, false);
    if (sig == null) return false;
  }
  const [ok] = subtle("verify", { params, keyParams }, keyObject[KEY], Buffer.from(data), sig);
  return ok === "true";
}
function sign(algorithm, data, key, callback) {
  const bytes = bytesArg(data, "data", undefined, ["ArrayBuffer", "Buffer", "TypedArray", "DataView"]);
  if (callback === undefined) return signWith(algorithm, bytes, key);
  const signature = signWith(algorithm, bytes, key);
  later(callback, () => signature);
}
function verify(algorithm, data, key, signature, callback) {
  const bytes = bytesArg(data, "data", undefined, ["ArrayBuffer", "Buffer", "TypedArray", "DataView"]);
  const sig = bytesArg(signature, "signature", undefined, ["ArrayBuffer", "Buffer", "TypedArray", "DataView"]);
  if (callback === undefined) return verifyWith(algorithm, bytes, key, sig);
  const ok = verifyWith(algorithm, bytes, key, sig);
  later(callback, () => ok);
}
class Sign {
  #algorithm;
  #parts = [];
  constructor(algorithm) { validate.string(algorithm, "algorithm"); this.#algorithm = algorithm; }
  update(data, encoding) { this.#parts.push(Buffer.from(bytesArg(data, "data", encoding))); return this; }
  sign(key, outputEncoding) { return output(signWith(this.#algorithm, concat(this.#parts), key, true), outputEncoding); }
}
class Verify {
  #algorithm;
  #parts = [];
  constructor(algorithm) { validate.string(algorithm, "algorithm"); this.#algorithm = algorithm; }
  update(data, encoding) { this.#parts.push(Buffer.from(bytesArg(data, "data", encoding))); return this; }
  verify(key, signature, signatureEncoding) {
    const sig = typeof signature === "string" ? Buffer.from(signature, signatureEncoding ?? "utf8") : signature;
    return verifyWith(this.#algorithm, concat(this.#parts), key, sig, true);
  }
}

// ---------- generation ----------
function generateKeyPairSync(type, options = {}) {
  validate.string(type, "type");
  let params;
  if (type === "rsa") {
    validate.integer(options.modulusLength, "options.modulusLength", 0);
    const exponent = options.publicExponent ?? 0x10001;
    const e = Buffer.alloc(4);
    e.writeUInt32BE(exponent);
    params = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", modulusLength: options.modulusLength,
      publicExponent: e.subarray(e.findIndex((b) => b !== 0)).toString("base64") };
  } else if (type === "ec") {
    const curve = WEB_CURVE[options.namedCurve];
    if (curve === undefined) throw notYetKeys(`EC keys on curve ${options.namedCurve}`);
    params = { name: "ECDSA", namedCurve: curve };
  } else if (type === "ed25519") {
    params = { name: "Ed25519" };
  } else if (type === "x25519") {
    params = { name: "X25519" };
  } else {
    validate.oneOf(type, "type", ["rsa", "ec", "ed25519", "x25519", "dh"]);
  }
  const { privateKey, publicKey } = type === "dh" ? generateDhKeyPair(options) : (() => {
    const [, pkcs8, spki] = subtle("generate", { params });
    return { privateKey: privateFromPkcs8(pkcs8), publicKey: publicFromSpki(spki) };
  })();
  const encode = (key, encoding) => (encoding === undefined ? key : key.export(encoding));
  return { publicKey: encode(publicKey, options.publicKeyEncoding), privateKey: encode(privateKey, options.privateKeyEncoding) };
}
function generateKeyPair(type, options, callback) {
  if (typeof options === "function") { callback = options; options = {}; }
  validate.function(callback, "callback");
  const { publicKey, privateKey } = generateKeyPairSync(type, options);
  queueMicrotask(() => callback(null, publicKey, privateKey));
}
