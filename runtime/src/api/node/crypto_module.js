
// node_crypto, part three: the module: what it exports, and what workerd has that edgesim does
// not yet.

const notYet = (name) => {
  const f = function () { throw new Error(`edgesim does not implement crypto.${name} yet`); };
  Object.defineProperty(f, "name", { value: name });
  return f;
};
const NOT_YET = ["Certificate", "DiffieHellman", "DiffieHellmanGroup", "ECDH",
  "X509Certificate", "checkPrime", "checkPrimeSync", "createDiffieHellman", "createDiffieHellmanGroup", "createECDH",
  "diffieHellman", "generateKey",
  "generateKeySync", "generatePrime", "generatePrimeSync", "getDiffieHellman",
  "privateDecrypt", "privateEncrypt", "publicDecrypt", "publicEncrypt"];

const CURVES = ["Oakley-EC2N-3", "Oakley-EC2N-4", "SM2", "brainpoolP160r1", "prime256v1", "secp224r1", "secp384r1", "secp521r1"];
const crypto = {
  ...Object.fromEntries(NOT_YET.map((name) => [name, notYet(name)])),
  Cipher: Cipheriv, Cipheriv, Decipher: Decipheriv, Decipheriv, Hash, Hmac, KeyObject, SecretKeyObject,
  PrivateKeyObject, PublicKeyObject, Sign, Verify, createPrivateKey, createPublicKey,
  createSign: (algorithm, options) => { void options; return new Sign(algorithm); },
  createVerify: (algorithm, options) => { void options; return new Verify(algorithm); },
  generateKeyPair, generateKeyPairSync, sign, verify,
  get CryptoKey() { return core.G.CryptoKey; },
  constants: {},
  createCipher: () => { throw new Error("crypto.createCipher is not implemented"); },
  createDecipher: () => { throw new Error("crypto.createDecipher is not implemented"); },
  createCipheriv, createDecipheriv, createHash: (algorithm, options) => new Hash(algorithm, options),
  createHmac: (hmac, key, options) => new Hmac(hmac, key, options), createSecretKey,
  fips: false, getFips: () => 0, setFips: () => { throw new Error("crypto.setFips is not implemented"); },
  setEngine: () => { throw new Error("crypto.setEngine is not implemented"); },
  secureHeapUsed: () => ({ total: 0, min: 0, used: 0, utilization: 0 }),
  getCipherInfo,
  getCiphers: () => Object.keys(CIPHERS).sort(), getHashes: () => HASHES.slice(), getCurves: () => CURVES.slice(),
  getRandomValues: (view) => core.G.crypto.getRandomValues(view),
  hash, hkdf, hkdfSync, pbkdf2, pbkdf2Sync, scrypt, scryptSync,
  pseudoRandomBytes: randomBytes, randomBytes, randomFill, randomFillSync, randomInt,
  randomUUID: (options) => { if (options !== undefined) validate.object(options, "options"); return core.G.crypto.randomUUID(); },
  get subtle() { return core.G.crypto.subtle; },
  get webcrypto() { return core.G.crypto; },
  timingSafeEqual,
};
return { ...crypto, default: crypto };
