
// node_crypto, part seven: the module and what it exports.

/// crypto.constants, in workerd's order: read-only and not enumerable (Object.keys sees none).
const CONSTANTS = [
  "DH_CHECK_P_NOT_SAFE_PRIME", 2, "DH_CHECK_P_NOT_PRIME", 1, "DH_UNABLE_TO_CHECK_GENERATOR", 4,
  "DH_NOT_SUITABLE_GENERATOR", 8, "RSA_PKCS1_PADDING", 1, "RSA_NO_PADDING", 3, "RSA_PKCS1_OAEP_PADDING", 4,
  "RSA_X931_PADDING", 5, "RSA_PKCS1_PSS_PADDING", 6, "RSA_PSS_SALTLEN_DIGEST", -1, "RSA_PSS_SALTLEN_MAX_SIGN", -2,
  "RSA_PSS_SALTLEN_AUTO", -2, "POINT_CONVERSION_COMPRESSED", 2, "POINT_CONVERSION_UNCOMPRESSED", 4,
  "POINT_CONVERSION_HYBRID", 6, "OPENSSL_VERSION_NUMBER", 0, "SSL_OP_ALL", 2147485776, "SSL_OP_ALLOW_NO_DHE_KEX", 1024,
  "SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION", 262144, "SSL_OP_CIPHER_SERVER_PREFERENCE", 4194304,
  "SSL_OP_CISCO_ANYCONNECT", 32768, "SSL_OP_COOKIE_EXCHANGE", 8192, "SSL_OP_CRYPTOPRO_TLSEXT_BUG", 2147483648,
  "SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS", 2048, "SSL_OP_LEGACY_SERVER_CONNECT", 4, "SSL_OP_NO_COMPRESSION", 131072,
  "SSL_OP_NO_ENCRYPT_THEN_MAC", 524288, "SSL_OP_NO_QUERY_MTU", 4096, "SSL_OP_NO_RENEGOTIATION", 1073741824,
  "SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION", 65536, "SSL_OP_NO_SSLv2", 0, "SSL_OP_NO_SSLv3", 33554432,
  "SSL_OP_NO_TICKET", 16384, "SSL_OP_NO_TLSv1", 67108864, "SSL_OP_NO_TLSv1_1", 268435456,
  "SSL_OP_NO_TLSv1_2", 134217728, "SSL_OP_NO_TLSv1_3", 536870912, "SSL_OP_PRIORITIZE_CHACHA", 2097152,
  "SSL_OP_TLS_ROLLBACK_BUG", 8388608, "ENGINE_METHOD_RSA", 1, "ENGINE_METHOD_DSA", 2, "ENGINE_METHOD_DH", 4,
  "ENGINE_METHOD_RAND", 8, "ENGINE_METHOD_EC", 2048, "ENGINE_METHOD_CIPHERS", 64, "ENGINE_METHOD_DIGESTS", 128,
  "ENGINE_METHOD_PKEY_METHS", 512, "ENGINE_METHOD_PKEY_ASN1_METHS", 1024, "ENGINE_METHOD_ALL", 65535,
  "ENGINE_METHOD_NONE", 0, "defaultCoreCipherList", "", "TLS1_VERSION", 769, "TLS1_1_VERSION", 770,
  "TLS1_2_VERSION", 771, "TLS1_3_VERSION", 772, "defaultCipherList", "",
];
const constants = Object.create(null);
for (let i = 0; i < CONSTANTS.length; i += 2) Object.defineProperty(constants, CONSTANTS[i], { value: CONSTANTS[i + 1] });

const CURVES = ["Oakley-EC2N-3", "Oakley-EC2N-4", "SM2", "brainpoolP160r1", "prime256v1", "secp224r1", "secp384r1", "secp521r1"];
const crypto = {
  Cipher: Cipheriv, Cipheriv, Decipher: Decipheriv, Decipheriv, Hash, Hmac, KeyObject, SecretKeyObject,
  PrivateKeyObject, PublicKeyObject, Sign, Verify, createPrivateKey, createPublicKey,
  createSign: (algorithm, options) => { void options; return new Sign(algorithm); },
  createVerify: (algorithm, options) => { void options; return new Verify(algorithm); },
  Certificate, DiffieHellman, DiffieHellmanGroup, ECDH, X509Certificate, createDiffieHellman, createDiffieHellmanGroup, createECDH, diffieHellman,
  getDiffieHellman, checkPrime, checkPrimeSync, generateKey, generateKeySync, generateKeyPair, generateKeyPairSync, generatePrime,
  generatePrimeSync, privateDecrypt, privateEncrypt, publicDecrypt, publicEncrypt, sign, verify,
  get CryptoKey() { return core.G.CryptoKey; },
  constants,
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
