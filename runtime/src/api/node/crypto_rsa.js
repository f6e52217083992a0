// node_crypto, part four: RSA encryption — publicEncrypt, privateDecrypt, privateEncrypt,
// publicDecrypt (crypto_rsa.rs) — with workerd's defaults (PKCS#1 v1.5 padding, SHA-256 for
// OAEP; Node's are OAEP with SHA-1 for the first pair) and its checks, in its order.

const invalidKeyType = (type, expected) =>
  nodeError(Error, "ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE", `Invalid key object type ${type}, expected ${expected}.`, true);
const LABEL_TYPES = ["string", "Buffer", "TypedArray", "DataView", "ArrayBuffer"];

/// The KeyObject of type `want` that `key` is or describes (a PEM, DER or JWK, with options).
function cipherKey(key, want) {
  if (key instanceof core.G.CryptoKey || key instanceof KeyObject) {
    if (key.type !== want) throw invalidKeyType(key.type, want);
    return key instanceof KeyObject ? key : KeyObject.from(key);
  }
  return want === "private" ? createPrivateKey(key) : createPublicKey(key);
}

function cipherOptions(options) {
  const { padding = 1, oaepHash = "sha256", oaepLabel, encoding = "utf8" } = options ?? {};
  validate.number(padding, "options.padding");
  validate.string(oaepHash, "options.oaepHash");
  let label;
  if (oaepLabel !== undefined) {
    if (typeof oaepLabel === "string") label = Buffer.from(oaepLabel, encoding);
    else if (oaepLabel instanceof ArrayBuffer || ArrayBuffer.isView(oaepLabel)) label = bytesArg(oaepLabel, "options.oaepLabel", undefined, LABEL_TYPES);
    else throw ERR_INVALID_ARG_TYPE("options.oaepLabel", LABEL_TYPES, oaepLabel);
  }
  return { padding, oaepHash, label };
}

function rsaCipher(operation, keyName, want, key, buffer) {
  if (key === undefined) throw codes.ERR_MISSING_ARGS(keyName);
  if (buffer === undefined) throw codes.ERR_MISSING_ARGS("buffer");
  const keyObject = cipherKey(key, want);
  if (typeof buffer === "string") buffer = Buffer.from(buffer, key?.encoding ?? "utf8");
  const { padding, oaepHash, label } = cipherOptions(key);
  if (!(buffer instanceof ArrayBuffer) && !ArrayBuffer.isView(buffer)) {
    throw new TypeError(`Failed to execute '${operation}' on 'CryptoImpl': parameter 2 is not of type 'JsBufferSource'.`);
  }
  if (keyObject.asymmetricKeyType !== "rsa") throw new Error("publicEncrypt() currently only supports RSA keys");
  // The signing pair names no OAEP hash: only the encrypting pair looks the name up.
  const hash = operation === "publicEncrypt" || operation === "privateDecrypt" ? oaepHash : "";
  const data = bytesArg(buffer, "buffer", undefined, ["ArrayBuffer", "Buffer", "TypedArray", "DataView"]);
  const out = nativeAnswer(ops.nodeRsaCipher(operation, keyObject[KEY], data, padding, hash, label));
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

const publicEncrypt = (key, buffer) => rsaCipher("publicEncrypt", "key", "public", key, buffer);
const publicDecrypt = (key, buffer) => rsaCipher("publicDecrypt", "key", "public", key, buffer);
const privateEncrypt = (privateKey, buffer) => rsaCipher("privateEncrypt", "privateKey", "private", privateKey, buffer);
const privateDecrypt = (privateKey, buffer) => rsaCipher("privateDecrypt", "privateKey", "private", privateKey, buffer);
