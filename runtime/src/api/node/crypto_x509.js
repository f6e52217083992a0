// node_crypto, part six: X509Certificate (read by crypto_x509.rs) — its properties as workerd
// reports them, host, e-mail and IP checks as BoringSSL's X509_check_* make them, and the
// certificate's signature checked with node:crypto's own verify.

const CHECK_SUBJECT = ["default", "always", "never"];
const state = Symbol("x509");

function checkOptions(options) {
  if (options == null) return;
  validate.object(options, "options");
  for (const name of ["multiLabelWildcards", "partialWildcards", "singleLabelSubdomains", "wildcards"]) {
    if (options[name] !== undefined) validate.boolean(options[name], `options.${name}`);
  }
  if (options.subject !== undefined) validate.string(options.subject, "options.subject");
}

/// Whether `host` is what the certificate name `pattern` names: equal but for case, or, with
/// wildcards allowed, a `*` standing for the whole first label of a name of three labels or
/// more (BoringSSL takes no partial or multi-label wildcards, and none in IDNA labels).
function hostMatches(pattern, host, wildcards) {
  const [p, h] = [pattern.toLowerCase(), host.toLowerCase().replace(/\.$/, "")];
  if (p === h) return true;
  if (!wildcards || !p.startsWith("*.")) return false;
  const rest = p.slice(1);
  if (rest.split(".").length < 3 || !h.endsWith(rest)) return false;
  const label = h.slice(0, h.length - rest.length);
  return label.length > 0 && !label.includes(".") && !label.startsWith("xn--");
}

/// The 4 or 16 bytes of an IP address in text, as hex; null if it is none.
function ipHex(ip) {
  const family = isIPAddress(ip);
  if (family === 4) return Buffer.from(ip.split(".").map(Number)).toString("hex").toUpperCase();
  if (family !== 6) return null;
  const canonical = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  const [head, tail = ""] = canonical.split("::");
  const groups = (part) => (part === "" ? [] : part.split(":"));
  const missing = 8 - groups(head).length - groups(tail).length;
  const all = canonical.includes("::") ? [...groups(head), ...Array(missing).fill("0"), ...groups(tail)] : groups(head);
  return all.map((g) => g.padStart(4, "0")).join("").toUpperCase();
}
const isIPAddress = (ip) => core.unit("node_net").isIP(ip);

/// Whether `signature` is the signature of `signed` by the key `key()` gives, with `hash`; a key
/// or signature that cannot be read is no match.
function signatureHolds(hash, signed, key, signature) {
  try {
    return verify(hash, signed, key(), signature);
  } catch {
    return false;
  }
}

/// The fields of a name (`[key, value]`), as an object: a key that repeats holds a list.
function nameObject(fields) {
  const out = {};
  for (const [key, value] of fields) {
    if (!Object.hasOwn(out, key)) out[key] = value;
    else if (Array.isArray(out[key])) out[key].push(value);
    else out[key] = [out[key], value];
  }
  return out;
}

function X509Certificate(buffer) {
  if (new.target === undefined) throw new TypeError("Class constructor X509Certificate cannot be invoked without 'new'");
  if (typeof buffer === "string") buffer = Buffer.from(buffer);
  if (!ArrayBuffer.isView(buffer)) throw ERR_INVALID_ARG_TYPE("buffer", ["string", "Buffer", "TypedArray", "DataView"], buffer);
  const parsed = ops.nodeX509Parse(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
  if (parsed === null) throw codes.ERR_INVALID_ARG_VALUE("buffer", buffer, "is not a valid certificate");
  const [json, der, spki] = parsed;
  Object.defineProperty(this, state, { value: { ...JSON.parse(json), der: Buffer.from(der), spki: Buffer.from(spki), cache: new Map() } });
}

/// Each value made once, the first time it is asked for.
function cached(certificate, name, make) {
  const { cache } = certificate[state];
  if (!cache.has(name)) cache.set(name, make(certificate[state]));
  return cache.get(name);
}

const getters = {
  subject: (s) => s.subject,
  subjectAltName: (s) => s.subjectAltName ?? undefined,
  issuer: (s) => s.issuer,
  issuerCertificate: () => undefined,
  infoAccess: (s) => s.infoAccess ?? undefined,
  validFrom: (s) => s.validFrom,
  validTo: (s) => s.validTo,
  fingerprint: (s) => s.fingerprint,
  fingerprint256: (s) => s.fingerprint256,
  fingerprint512: (s) => s.fingerprint512,
  keyUsage: (s) => s.extKeyUsage ?? undefined,
  serialNumber: (s) => s.serialNumber,
  raw: (s) => Buffer.from(s.der),
  publicKey: (s) => publicFromSpki(s.spki),
  ca: (s) => s.ca,
};
for (const [name, get] of Object.entries(getters)) {
  Object.defineProperty(X509Certificate.prototype, name, {
    get() { return cached(this, name, get); },
    configurable: true,
  });
}

const methods = {
  toString() {
    return pemText("CERTIFICATE", this[state].der);
  },
  toJSON() { return this.toString(); },
  checkHost(name, options) {
    validate.string(name, "name");
    checkOptions(options);
    const subject = options?.subject ?? "default";
    if (!CHECK_SUBJECT.includes(subject)) throw new Error("Invalid subject option");
    const { dnsNames, commonNames } = this[state];
    const wildcards = options?.wildcards ?? true;
    // The subject's common name counts only when there are no DNS names ("always" is Node's
    // OpenSSL flag, which BoringSSL does not have).
    const candidates = dnsNames.length > 0 ? dnsNames : subject === "never" ? [] : commonNames;
    return candidates.find((pattern) => hostMatches(pattern, name, wildcards));
  },
  checkEmail(email, options) {
    validate.string(email, "email");
    checkOptions(options);
    const { emails, subjectFields } = this[state];
    const candidates = emails.length > 0 ? emails : subjectFields.filter(([k]) => k === "emailAddress").map(([, v]) => v);
    // The local part is compared as it is, the domain without regard to case.
    const split = (address) => {
      const at = address.lastIndexOf("@");
      return at < 0 ? [address, ""] : [address.slice(0, at), address.slice(at + 1).toLowerCase()];
    };
    const [local, domain] = split(email);
    return candidates.find((candidate) => {
      const [l, d] = split(candidate);
      return l === local && d === domain;
    });
  },
  checkIP(ip, options) {
    validate.string(ip, "ip");
    checkOptions(options);
    const bytes = ipHex(ip);
    if (bytes === null) throw new Error("Invalid IP");
    return this[state].ipAddresses.includes(bytes) ? ip : undefined;
  },
  /// Whether `otherCert` issued this one: its subject is this one's issuer, its key identifier
  /// the one this certificate names, and its key usage (if it states one) lets it sign them.
  checkIssued(otherCert) {
    if (!(otherCert instanceof X509Certificate)) throw ERR_INVALID_ARG_TYPE("otherCert", "X509Certificate", otherCert);
    const mine = this[state];
    const theirs = otherCert[state];
    if (mine.issuerDer !== theirs.subjectDer) return false;
    if (mine.authorityKeyId != null && theirs.subjectKeyId != null && mine.authorityKeyId !== theirs.subjectKeyId) return false;
    return theirs.keyCertSign !== false;
  },
  checkPrivateKey(pkey) {
    if (!(pkey instanceof PrivateKeyObject)) throw ERR_INVALID_ARG_TYPE("pkey", "KeyObject", pkey);
    if (pkey.type !== "private") throw codes.ERR_INVALID_ARG_VALUE("pkey", pkey);
    const described = ops.nodeKeyDescribe(pkey[KEY], true);
    return described !== null && Buffer.from(described[4]).equals(this[state].spki);
  },
  verify(pkey) {
    if (!(pkey instanceof PublicKeyObject)) throw ERR_INVALID_ARG_TYPE("pkey", "KeyObject", pkey);
    if (pkey.type !== "public") throw codes.ERR_INVALID_ARG_VALUE("pkey", pkey);
    const { signatureHash, tbs, signature } = this[state];
    if (signatureHash === undefined) return false;
    return signatureHolds(signatureHash, Buffer.from(tbs, "hex"), () => pkey, Buffer.from(signature, "hex"));
  },
  toLegacyObject() {
    return cached(this, "legacy", (s) => {
      const key = this.publicKey;
      const details = legacyKeyDetails(key);
      const infoAccess = {};
      (s.infoAccess ?? "").replace(/([^\n:]*):([^\n]*)(?:\n|$)/g, (_all, k, v) => {
        if (v.charCodeAt(0) === 0x22) v = JSON.parse(v);
        (infoAccess[k] ??= []).push(v);
      });
      return {
        subject: nameObject(s.subjectFields), subjectAltName: s.subjectAltName ?? "", infoAccess,
        issuer: nameObject(s.issuerFields), ca: s.ca, ...details,
        valid_from: s.validFrom, valid_to: s.validTo, fingerprint: s.fingerprint,
        fingerprint256: s.fingerprint256, fingerprint512: s.fingerprint512, serialNumber: s.serialNumber,
        ext_key_usage: s.extKeyUsage ?? undefined, raw: Buffer.from(s.der),
      };
    });
  },
};
Object.assign(X509Certificate.prototype, methods);

/// What Node's legacy object says of the key: RSA's modulus, size, exponent and SPKI; an EC
/// key's size, point and curve names.
function legacyKeyDetails(key) {
  const type = key.asymmetricKeyType;
  if (type === "rsa") {
    const jwk = key.export({ format: "jwk" });
    return {
      modulus: Buffer.from(jwk.n, "base64url").toString("hex").toUpperCase(),
      bits: key.asymmetricKeyDetails.modulusLength,
      exponent: `0x${key.asymmetricKeyDetails.publicExponent.toString(16)}`,
      pubkey: key.export({ format: "der", type: "spki" }),
    };
  }
  if (type === "ec") {
    const jwk = key.export({ format: "jwk" });
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, "base64url"), Buffer.from(jwk.y, "base64url")]);
    const bits = { "P-256": 256, "P-384": 384, "P-521": 521 }[key.curve];
    return { bits, pubkey: point, asn1Curve: NODE_CURVE[key.curve], nistCurve: key.curve };
  }
  return {};
}

// ---------- Certificate: Netscape SPKACs ----------
const SPKAC_TYPES = ["string", "ArrayBuffer", "Buffer", "TypedArray", "DataView"];

/// The SPKAC `spkac` holds (base64 text, trailing whitespace allowed), read; null if it is none.
function readSpkac(spkac, encoding) {
  const bytes = typeof spkac === "string" ? Buffer.from(spkac, encoding) : bytesArg(spkac, "spkac", undefined, SPKAC_TYPES);
  const text = Buffer.from(bytes).toString("latin1").replace(/[ \n\r\t]+$/, "");
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  const parsed = ops.nodeSpkacParse(Buffer.from(text, "base64"));
  if (parsed === null) return null;
  const [spki, challenge, signed, hash, signature] = parsed;
  return { spki: Buffer.from(spki), challenge: Buffer.from(challenge), signed: Buffer.from(signed), hash, signature: Buffer.from(signature) };
}

/// workerd runs in FIPS mode, where an MD5 signature (SPKAC's usual one) never verifies; it says
/// so in the log, once per isolate (spkac.c++'s logWarningOnce).
let warnedSpkac = false;
function verifySpkac(spkac, encoding) {
  const read = readSpkac(spkac, encoding);
  if (!warnedSpkac) {
    warnedSpkac = true;
    ops.log("warn", "The verifySpkac function is currently of limited value in workers because the SPKAC signature verification uses MD5, which is not supported in FIPS mode. All workers run in FIPS mode. Accordingly, this method will currently always return false even if the SPKAC signature is valid. This is a known limitation.");
  }
  if (read === null || read.hash === false || read.hash === "md5") return false;
  return signatureHolds(read.hash, read.signed, () => publicFromSpki(read.spki), read.signature);
}
function exportPublicKey(spkac, encoding) {
  const read = readSpkac(spkac, encoding);
  if (read === null) return Buffer.alloc(0);
  return Buffer.from(pemText("PUBLIC KEY", read.spki));
}
function exportChallenge(spkac, encoding) {
  return readSpkac(spkac, encoding)?.challenge ?? Buffer.alloc(0);
}

function Certificate() {
  if (!(this instanceof Certificate)) return new Certificate();
  return this;
}
Object.assign(Certificate.prototype, { verifySpkac, exportPublicKey, exportChallenge });
Object.assign(Certificate, { exportChallenge, exportPublicKey, verifySpkac });
