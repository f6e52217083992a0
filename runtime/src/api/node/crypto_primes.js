// node_crypto, part three: secret keys drawn at random (`generateKey`), and primes
// (`generatePrime`, `checkPrime`, over crypto_primes.rs), with workerd's checks and texts.

const BYTES_OR_BIGINT = ["ArrayBuffer", "TypedArray", "Buffer", "DataView", "bigint"];

function generateKeySync(type, options) {
  validate.oneOf(type, "type", ["hmac", "aes"]);
  validate.object(options, "options");
  const { length } = options;
  if (type === "hmac") {
    // workerd caps HMAC keys at 65,536 bits (Node allows more); a length that is not a
    // multiple of 8 is rounded down to whole bytes.
    validate.integer(length, "options.length", 8, 65536);
    return createSecretKey(randomBytes(Math.floor(length / 8)));
  }
  validate.oneOf(length, "options.length", [128, 192, 256]);
  return createSecretKey(randomBytes(length / 8));
}

function generateKey(type, options, callback) {
  let key;
  let error = null;
  try {
    key = generateKeySync(type, options);
  } catch (e) {
    error = e;
  }
  queueMicrotask(() => (error === null ? callback(null, key) : callback(error)));
}

/// A non-negative bigint as its big-endian bytes.
function bigintBytes(value, name) {
  if (value < 0n) throw ERR_OUT_OF_RANGE(name, ">= 0", value);
  const hex = value.toString(16);
  return Buffer.from(hex.padStart(hex.length + (hex.length % 2), "0"), "hex");
}

function primeBytes(value, name) {
  if (typeof value === "bigint") return bigintBytes(value, name);
  if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw ERR_INVALID_ARG_TYPE(name, BYTES_OR_BIGINT, value);
}

/// What the native half answered: its value, or the error it names, thrown.
function nativeAnswer([ok, value, message]) {
  if (ok) return value;
  throw new (value === "RangeError" ? RangeError : Error)(message);
}

function primeOptions(options) {
  validate.object(options, "options");
  const { safe = false, bigint = false, add, rem } = options;
  validate.boolean(safe, "options.safe");
  validate.boolean(bigint, "options.bigint");
  return {
    safe, bigint,
    add: add === undefined ? undefined : primeBytes(add, "options.add"),
    rem: rem === undefined ? undefined : primeBytes(rem, "options.rem"),
  };
}

function randomPrime(size, { safe, bigint, add, rem }) {
  const bytes = nativeAnswer(ops.nodeRandomPrime(size, safe, add, rem));
  if (!bigint) return bytes.buffer;
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes.buffer).toString("hex")}`);
}

function generatePrimeSync(size, options = {}) {
  validate.int32(size, "size", 1);
  return randomPrime(size, primeOptions(options));
}

function generatePrime(size, options, callback) {
  validate.int32(size, "size", 1);
  if (typeof options === "function") { callback = options; options = {}; }
  validate.function(callback, "callback");
  const parsed = primeOptions(options);
  new Promise((resolve) => resolve(randomPrime(size, parsed))).then((p) => callback(null, p), (e) => callback(e));
}

function primeChecks(options) {
  validate.object(options, "options");
  const { checks = 0 } = options;
  validate.int32(checks, "options.checks", 0);
  return checks;
}

function checkPrimeSync(candidate, options = {}) {
  const bytes = primeBytes(candidate, "candidate");
  return nativeAnswer(ops.nodeCheckPrime(bytes, primeChecks(options)));
}

function checkPrime(candidate, options, callback) {
  const bytes = primeBytes(candidate, "candidate");
  if (typeof options === "function") { callback = options; options = {}; }
  validate.object(options, "options");
  validate.function(callback, "callback");
  const checks = primeChecks(options);
  new Promise((resolve) => resolve(nativeAnswer(ops.nodeCheckPrime(bytes, checks)))).then((v) => callback(null, v), (e) => callback(e));
}
