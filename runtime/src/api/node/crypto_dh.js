// node_crypto, part five: Diffie-Hellman — DiffieHellman, DiffieHellmanGroup and ECDH objects
// (over crypto_dh.rs and crypto_ecdh.rs, which keep no state: the prime, generator and keys live
// here), and the stateless `diffieHellman` over KeyObjects — with workerd's checks and texts.

const ARRAY_LIKE = ["string", "ArrayBuffer", "Buffer", "TypedArray", "DataView"];
const SIZE_OR_KEY = ["number", "string", "ArrayBuffer", "Buffer", "TypedArray", "DataView"];
/// BoringSSL's largest prime, in bytes.
const MAX_DH_BYTES = 1250;

const toBytes = (value, encoding) => (typeof value === "string" ? Buffer.from(value, encoding) : bytesArg(value, "key", undefined, ARRAY_LIKE));
/// Big-endian bytes without leading zeros, as a BIGNUM gives them back.
const minimal = (bytes) => {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  return Buffer.from(bytes.subarray(start));
};
const encode = (bytes, encoding) => (encoding && encoding !== "buffer" ? Buffer.from(bytes).toString(encoding) : Buffer.from(bytes));
const dhError = (message, Class = Error) => new Class(`DiffieHellman ${message}`);

/// The parameters a DiffieHellman is made with, checked as workerd's initDh checks them.
function dhParameters(sizeOrKey, generator) {
  if (typeof sizeOrKey === "number") {
    if (typeof generator !== "number") throw dhError("init failed: invalid parameters");
    const prime = nativeAnswer(ops.nodeDhGenerateParams(sizeOrKey, generator));
    return { prime: Buffer.from(prime), generator: minimal(Buffer.from([generator])) };
  }
  if (sizeOrKey.length > MAX_DH_BYTES) throw dhError("init failed: key is too large", RangeError);
  if (sizeOrKey.length === 0) throw dhError("init failed: invalid key");
  let g;
  if (typeof generator === "number") {
    if (generator < 2) throw dhError("init failed: generator too small", RangeError);
    g = minimal(Buffer.from(generator.toString(16).padStart(8, "0"), "hex"));
  } else {
    if (generator.length > MAX_DH_BYTES) throw dhError("init failed: generator is too large", RangeError);
    if (generator.length === 0) throw dhError("init failed: invalid generator");
    g = minimal(generator);
    if (g.length === 0 || (g.length === 1 && g[0] === 1)) throw dhError("init failed: invalid generator");
  }
  const prime = minimal(sizeOrKey);
  if (!ops.nodeDhUsablePrime(prime, g)) throw dhError("init failed: Invalid DH prime generated");
  return { prime, generator: g };
}

/// A DiffieHellman's state: prime, generator, and the keys once made or set.
class DhHandle {
  constructor({ prime, generator }) {
    Object.assign(this, { prime, generator, privateKey: null, publicKey: null });
  }
  generateKeys() {
    const [privateKey, publicKey] = ops.nodeDhGenerateKeys(this.prime, this.generator, this.privateKey ?? undefined);
    this.privateKey = Buffer.from(privateKey);
    this.publicKey = Buffer.from(publicKey);
    return this.publicKey;
  }
  checkPublic(key, during) {
    const place = ops.nodeDhCheckPublic(this.prime, key);
    if (place === 1) throw dhError(`${during} failed: ${during === "computeSecret()" ? "Supplied key" : "key"} is too small`, RangeError);
    if (place === 2) throw dhError(`${during} failed: ${during === "computeSecret()" ? "Supplied key" : "key"} is too large`, RangeError);
  }
  computeSecret(key) {
    if (key.length === 0) throw dhError("computeSecret() failed: invalid key");
    this.checkPublic(key, "computeSecret()");
    const secret = ops.nodeDhComputeSecret(this.prime, this.privateKey ?? undefined, key);
    if (secret === null) throw dhError("computeSecret() failed: error computing shared secret");
    return Buffer.from(secret);
  }
}

function DiffieHellman(sizeOrKey, keyEncoding, generator, genEncoding) {
  if (!(this instanceof DiffieHellman)) return new DiffieHellman(sizeOrKey, keyEncoding, generator, genEncoding);
  if (typeof sizeOrKey !== "number" && typeof sizeOrKey !== "string" && !ArrayBuffer.isView(sizeOrKey) && !(sizeOrKey instanceof ArrayBuffer)) {
    throw ERR_INVALID_ARG_TYPE("sizeOrKey", SIZE_OR_KEY, sizeOrKey);
  }
  if (typeof sizeOrKey === "number") validate.int32(sizeOrKey, "sizeOrKey");
  // (sizeOrKey, generator[, genEncoding]) when the second argument is not an encoding.
  if (keyEncoding && keyEncoding !== "buffer" && !Buffer.isEncoding(keyEncoding)) {
    genEncoding = generator;
    generator = keyEncoding;
    keyEncoding = "utf-8";
  }
  keyEncoding ??= "utf-8";
  genEncoding ??= "utf-8";
  if (typeof sizeOrKey !== "number") sizeOrKey = toBytes(sizeOrKey, keyEncoding);
  if (!generator) generator = 2;
  else if (typeof generator === "number") validate.int32(generator, "generator");
  else if (typeof generator === "string") generator = toBytes(generator, genEncoding);
  else if (!ArrayBuffer.isView(generator) && !(generator instanceof ArrayBuffer)) {
    throw ERR_INVALID_ARG_TYPE("generator", SIZE_OR_KEY, generator);
  } else generator = toBytes(generator);
  this[KEY] = new DhHandle(dhParameters(sizeOrKey, generator));
  return this;
}

function DiffieHellmanGroup(name) {
  if (!(this instanceof DiffieHellmanGroup)) return new DiffieHellmanGroup(name);
  const prime = ops.nodeDhGroup(String(name));
  if (prime === null) {
    throw new Error("Failed to init DiffieHellmanGroup: invalid group. Only groups {modp14, modp15, modp16, modp17, modp18} are supported.");
  }
  this[KEY] = new DhHandle({ prime: Buffer.from(prime), generator: Buffer.from([2]) });
  return this;
}

const dhMethods = {
  generateKeys(encoding) { return encode(this[KEY].generateKeys(), encoding); },
  computeSecret(key, inputEncoding, outputEncoding) {
    const bytes = typeof key === "string" ? Buffer.from(key, inputEncoding) : bytesArg(key, "key", undefined, ARRAY_LIKE);
    return encode(this[KEY].computeSecret(bytes), outputEncoding);
  },
  getPrime(encoding) { return encode(this[KEY].prime, encoding); },
  getGenerator(encoding) { return encode(this[KEY].generator, encoding); },
  getPublicKey(encoding) {
    if (this[KEY].publicKey === null) throw new Error("No public key");
    return encode(this[KEY].publicKey, encoding);
  },
  getPrivateKey(encoding) {
    if (this[KEY].privateKey === null) throw new Error("No private key");
    return encode(this[KEY].privateKey, encoding);
  },
};
for (const C of [DiffieHellman, DiffieHellmanGroup]) {
  Object.assign(C.prototype, dhMethods);
  Object.defineProperty(C.prototype, "verifyError", {
    get() { return ops.nodeDhCheck(this[KEY].prime, this[KEY].generator); },
    configurable: true,
    enumerable: true,
  });
}
DiffieHellman.prototype.setPublicKey = function (key, encoding) {
  const bytes = typeof key === "string" ? Buffer.from(key, encoding) : bytesArg(key, "key", undefined, ARRAY_LIKE);
  this[KEY].checkPublic(bytes, "setPublicKey()");
  this[KEY].publicKey = minimal(bytes);
  return this;
};
DiffieHellman.prototype.setPrivateKey = function (key, encoding) {
  const bytes = typeof key === "string" ? Buffer.from(key, encoding) : bytesArg(key, "key", undefined, ARRAY_LIKE);
  this[KEY].privateKey = minimal(bytes);
  return this;
};

const createDiffieHellman = (sizeOrKey, keyEncoding, generator, genEncoding) =>
  new DiffieHellman(sizeOrKey, keyEncoding, generator, genEncoding);
const createDiffieHellmanGroup = (name) => new DiffieHellmanGroup(name);
const getDiffieHellman = createDiffieHellmanGroup;

// ---------- ECDH ----------
const POINT_FORMS = ["compressed", "uncompressed", "hybrid"];
/// Curves OpenSSL knows by short name that BoringSSL cannot make keys on (the rest of the names
/// are not curves at all: "Invalid curve").
const OTHER_CURVES = /^(secp(112r[12]|128r[12]|160(k1|r[12])|192k1|224k1|256k1)|sect\d+[kr][12]|prime(192|239)v[123]|c2[pt]nb\d+[vw]\d|c2tnb\d+[vw]\d|brainpoolP\d+[rt]1|wap-wsg-idm-ecid-wtls\d+|Oakley-EC2N-[34]|SM2)$/;
const ECDH_KEY_TYPES = ["string", "Buffer", "TypedArray", "DataView"];

const ecdhAnswer = (answer) => Buffer.from(nativeAnswer(answer));
function ecdhCurve(name) {
  if (ops.nodeEcdhCurve(name)) return name;
  throw new Error(OTHER_CURVES.test(name) ? "Failed to create key using named curve" : "Invalid curve");
}
function ecdhBytes(value, name, encoding) {
  if (typeof value === "string") value = Buffer.from(value, encoding);
  if (!ArrayBuffer.isView(value)) throw ERR_INVALID_ARG_TYPE(name, ECDH_KEY_TYPES, value);
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}
const optionalString = (value, name) => { if (value != null) validate.string(value, name); };

function ECDH(curveName) {
  if (!(this instanceof ECDH)) return new ECDH(curveName);
  validate.string(curveName, "curveName");
  this[KEY] = { curve: ecdhCurve(curveName), privateKey: null, publicKey: null };
  return this;
}
Object.assign(ECDH.prototype, {
  computeSecret(otherPublicKey, inputEncoding, outputEncoding) {
    const peer = ecdhBytes(otherPublicKey, "otherPublicKey", inputEncoding);
    optionalString(inputEncoding, "inputEncoding");
    optionalString(outputEncoding, "outputEncoding");
    const { curve, privateKey } = this[KEY];
    if (privateKey === null) throw new Error("Invalid keypair");
    const secret = ecdhAnswer(ops.nodeEcdhSecret(curve, privateKey, peer));
    return typeof outputEncoding === "string" ? secret.toString(outputEncoding) : secret;
  },
  generateKeys(encoding, format) {
    optionalString(encoding, "encoding");
    if (format != null) validate.oneOf(format, "format", POINT_FORMS);
    const state = this[KEY];
    state.privateKey = ecdhAnswer(ops.nodeEcdhGenerate(state.curve));
    state.publicKey = ecdhAnswer(ops.nodeEcdhPublic(state.curve, state.privateKey));
    return this.getPublicKey(encoding, format);
  },
  getPrivateKey(encoding) {
    optionalString(encoding, "encoding");
    if (this[KEY].privateKey === null) throw new Error("Failed to get ECDH private key");
    const key = Buffer.from(this[KEY].privateKey);
    return typeof encoding === "string" ? key.toString(encoding) : key;
  },
  getPublicKey(encoding, format = "uncompressed") {
    optionalString(encoding, "encoding");
    validate.oneOf(format, "format", POINT_FORMS);
    const { curve, publicKey } = this[KEY];
    if (publicKey === null) throw new Error("Failed to get ECDH public key");
    const key = ecdhAnswer(ops.nodeEcdhConvert(curve, publicKey, format));
    return typeof encoding === "string" ? key.toString(encoding) : key;
  },
  setPrivateKey(key, encoding) {
    optionalString(encoding, "encoding");
    const scalar = ecdhBytes(key, "key", encoding);
    const state = this[KEY];
    state.publicKey = ecdhAnswer(ops.nodeEcdhPublic(state.curve, scalar));
    state.privateKey = minimal(scalar);
  },
});
ECDH.convertKey = function (key, curve, inputEncoding, outputEncoding, format = "uncompressed") {
  const point = ecdhBytes(key, "key", inputEncoding);
  validate.string(curve, "curve");
  optionalString(inputEncoding, "inputEncoding");
  optionalString(outputEncoding, "outputEncoding");
  validate.oneOf(format, "format", POINT_FORMS);
  const converted = point.length === 0 ? Buffer.alloc(0) : ecdhAnswer(ops.nodeEcdhConvert(ecdhCurve(curve), point, format));
  return typeof outputEncoding === "string" ? converted.toString(outputEncoding) : converted;
};
const createECDH = (curveName) => new ECDH(curveName);

// ---------- the stateless form, over KeyObjects ----------
function diffieHellman(options) {
  validate.object(options, "options");
  const { publicKey, privateKey } = options;
  if (!(publicKey instanceof KeyObject)) throw ERR_INVALID_ARG_TYPE("options.publicKey", "KeyObject", publicKey);
  if (!(privateKey instanceof KeyObject)) throw ERR_INVALID_ARG_TYPE("options.privateKey", "KeyObject", privateKey);
  if (publicKey.type !== "public") throw ERR_INVALID_ARG_TYPE("options.publicKey", "public key", publicKey);
  if (privateKey.type !== "private") throw ERR_INVALID_ARG_TYPE("options.privateKey", "private key", privateKey);
  const type = privateKey.asymmetricKeyType;
  if (publicKey.asymmetricKeyType !== type) {
    throw codes.ERR_INVALID_ARG_VALUE("options.publicKey.asymmetricKeyType", publicKey.asymmetricKeyType, "must equal privateKey.asymmetricKeyType");
  }
  if (type === "dh") return dhSecret(privateKey, publicKey);
  if (type !== "ec" && type !== "x25519") {
    throw nodeError(Error, "ERR_CRYPTO_INCOMPATIBLE_KEY", `Incompatible key types for Diffie-Hellman: ${type}`, true);
  }
  if (type === "ec" && publicKey.curve !== privateKey.curve) throw new Error("Failed to derive shared diffie-hellman secret");
  const params = type === "ec" ? { name: "ECDH", namedCurve: privateKey.curve } : { name: "X25519" };
  try {
    const [, secret] = subtle("deriveBits", { params, keyParams: params }, privateKey[KEY], undefined, publicKey[KEY]);
    return Buffer.from(secret);
  } catch {
    throw new Error("Failed to derive shared diffie-hellman secret");
  }
}

// ---------- DH key pairs as KeyObjects ----------
/// A DH key's material: its group and its value (`x` private, `y` public), in hex. workerd
/// exports no DH key, so the encoding is edgesim's own and never leaves the isolate.
const dhMaterial = (key) => JSON.parse(Buffer.from(key[KEY]).toString());
function dhKeyObject(kind, material) {
  const bytes = Buffer.from(JSON.stringify(material));
  const described = ["dh", null, null, null];
  return kind === "private" ? new PrivateKeyObject(bytes, described) : new PublicKeyObject(bytes, described);
}
function dhPublicOf(privateKey) {
  const { p, g, x } = dhMaterial(privateKey);
  const [, y] = ops.nodeDhGenerateKeys(Buffer.from(p, "hex"), Buffer.from(g, "hex"), Buffer.from(x, "hex"));
  return dhKeyObject("public", { p, g, y: Buffer.from(y).toString("hex") });
}

/// `generateKeyPairSync('dh', options)`: a named group (generator 2) or a prime and generator,
/// with workerd's checks and texts (it cannot generate from a prime length).
function generateDhKeyPair(options) {
  validate.object(options, "options");
  const { prime, primeLength, generator, group, groupName } = options;
  if (generator != null) validate.int32(generator, "options.generator", 0);
  let p;
  if (group != null || groupName != null) {
    for (const [name, value] of [["prime", prime], ["primeLength", primeLength], ["generator", generator]]) {
      if (value != null) throw nodeError(Error, "ERR_INCOMPATIBLE_OPTION_PAIR", `The options "group" and "${name}" are mutually exclusive.`, true);
    }
    const name = group || groupName;
    validate.string(name, "options.group");
    p = ops.nodeDhGroup(name);
    if (p === null) throw new Error("Invalid or unsupported group");
  } else if (prime != null) {
    if (primeLength != null) throw nodeError(Error, "ERR_INCOMPATIBLE_OPTION_PAIR", 'The options "prime" and "primeLength" are mutually exclusive.', true);
    if (!ArrayBuffer.isView(prime) && !(prime instanceof ArrayBuffer)) {
      throw ERR_INVALID_ARG_TYPE("options.prime", ["Buffer", "TypedArray", "ArrayBuffer"], prime);
    }
    p = toBytes(prime);
    if (p.length > 1024) throw new RangeError("DH prime exceeds maximum size");
  } else if (primeLength != null) {
    validate.int32(primeLength, "options.primeLength", 0);
    throw new Error("Generating DH keys from a prime length is not yet implemented");
  } else {
    throw nodeError(Error, "ERR_MISSING_OPTION", "At least one of the group, prime, or primeLength options", true);
  }
  const g = minimal(Buffer.from((generator ?? 2).toString(16).padStart(8, "0"), "hex"));
  p = minimal(Buffer.from(p));
  const [x, y] = ops.nodeDhGenerateKeys(p, g, undefined);
  const [pHex, gHex] = [p.toString("hex"), g.toString("hex")];
  return {
    privateKey: dhKeyObject("private", { p: pHex, g: gHex, x: Buffer.from(x).toString("hex") }),
    publicKey: dhKeyObject("public", { p: pHex, g: gHex, y: Buffer.from(y).toString("hex") }),
  };
}

/// The stateless DH secret of two DH KeyObjects of one group, padded to the prime's size.
function dhSecret(privateKey, publicKey) {
  const mine = dhMaterial(privateKey);
  const theirs = dhMaterial(publicKey);
  const fail = () => new Error("Failed to derive shared diffie-hellman secret");
  if (mine.p !== theirs.p || mine.g !== theirs.g) throw fail();
  const prime = Buffer.from(mine.p, "hex");
  const peer = Buffer.from(theirs.y, "hex");
  if (ops.nodeDhCheckPublic(prime, peer) !== 0) throw fail();
  const secret = ops.nodeDhComputeSecret(prime, Buffer.from(mine.x, "hex"), peer);
  if (secret === null) throw fail();
  return Buffer.from(secret);
}
