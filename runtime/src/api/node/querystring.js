// node_querystring: node:querystring (parse, stringify, escape, unescape) and node:punycode
// (RFC 3492), as Node's behave.

const { Buffer } = core.unit("node_buffer");

const HEX = "0123456789ABCDEF";
/// Node's qsEscape: encodeURIComponent's unreserved set, UTF-8 percent-encoded, lone
/// surrogates refused.
function escape(str) {
  if (typeof str !== "string") str = typeof str === "object" ? String(str) : `${str}`;
  let out = "";
  for (let i = 0; i < str.length; i++) {
    let c = str.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
        c === 0x21 || c === 0x27 || c === 0x28 || c === 0x29 || c === 0x2a || c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e) {
      out += str[i];
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = str.charCodeAt(i + 1);
      if (c >= 0xdc00 || !(next >= 0xdc00 && next <= 0xdfff)) {
        throw core.unit("node_internal").nodeError(URIError, "ERR_INVALID_URI", "URI malformed", true);
      }
      c = 0x10000 + (((c & 0x3ff) << 10) | (next & 0x3ff));
      i++;
    }
    for (const b of Buffer.from(String.fromCodePoint(c))) out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}
const hexValue = (c) => (c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);
/// `%XX` sequences decoded where they are whole, everything else kept as is.
function unescapeBuffer(s, decodeSpaces) {
  const out = Buffer.allocUnsafe(Buffer.byteLength(s));
  let n = 0;
  const bytes = Buffer.from(s);
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x2b && decodeSpaces) { out[n++] = 0x20; continue; }
    if (c === 0x25 && i + 2 < bytes.length) {
      const hi = hexValue(bytes[i + 1]);
      const lo = hexValue(bytes[i + 2]);
      if (hi >= 0 && lo >= 0) { out[n++] = hi * 16 + lo; i += 2; continue; }
    }
    out[n++] = c;
  }
  return out.subarray(0, n);
}
function unescape(s, decodeSpaces) {
  try { return decodeURIComponent(s); } catch { return unescapeBuffer(s, decodeSpaces).toString(); }
}

function decodeStr(s, decoder) {
  try { return decoder(s); } catch { return querystring.unescape(s, true); }
}
function parse(qs, sep, eq, options) {
  const obj = { __proto__: null };
  if (typeof qs !== "string" || qs.length === 0) return obj;
  sep = sep ? String(sep) : "&";
  eq = eq ? String(eq) : "=";
  let maxKeys = 1000;
  if (options && typeof options.maxKeys === "number") maxKeys = options.maxKeys;
  const decode = typeof options?.decodeURIComponent === "function" ? options.decodeURIComponent : querystring.unescape;
  let parts = qs.split(sep);
  if (maxKeys > 0 && parts.length > maxKeys) parts = parts.slice(0, maxKeys);
  for (const part of parts) {
    const at = part.indexOf(eq);
    let key = at >= 0 ? part.slice(0, at) : part;
    let value = at >= 0 ? part.slice(at + eq.length) : "";
    if (key.length === 0 && value.length === 0) continue;
    key = decodeStr(key.replace(/\+/g, " "), decode);
    value = decodeStr(value.replace(/\+/g, " "), decode);
    const existing = obj[key];
    if (existing === undefined) obj[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else obj[key] = [existing, value];
  }
  return obj;
}
function stringifyPrimitive(v) {
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isFinite(v)) return `${v}`;
  if (typeof v === "bigint") return `${v}`;
  if (typeof v === "boolean") return v ? "true" : "false";
  return "";
}
function stringify(obj, sep, eq, options) {
  sep = sep || "&";
  eq = eq || "=";
  const encode = typeof options?.encodeURIComponent === "function" ? options.encodeURIComponent : querystring.escape;
  if (obj === null || typeof obj !== "object") return "";
  const fields = [];
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    const ks = encode(stringifyPrimitive(k)) + eq;
    if (Array.isArray(v)) {
      for (const item of v) fields.push(ks + encode(stringifyPrimitive(item)));
    } else {
      fields.push(ks + encode(stringifyPrimitive(v)));
    }
  }
  return fields.join(sep);
}
const querystring = { decode: parse, encode: stringify, escape, parse, stringify, unescape, unescapeBuffer };

// ---------- punycode (RFC 3492) ----------
const BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700, INITIAL_BIAS = 72, INITIAL_N = 128;
function punycodeError(type) {
  const messages = {
    overflow: "Overflow: input needs wider integers to process",
    "not-basic": "Illegal input >= 0x80 (not a basic code point)",
    "invalid-input": "Invalid input",
  };
  return new RangeError(messages[type]);
}
function adapt(delta, numPoints, firstTime) {
  let k = 0;
  delta = firstTime ? Math.floor(delta / DAMP) : delta >> 1;
  delta += Math.floor(delta / numPoints);
  for (; delta > ((BASE - TMIN) * TMAX) >> 1; k += BASE) delta = Math.floor(delta / (BASE - TMIN));
  return Math.floor(k + ((BASE - TMIN + 1) * delta) / (delta + SKEW));
}
const digitToBasic = (digit) => digit + 22 + 75 * (digit < 26);
const basicToDigit = (cp) => (cp >= 0x30 && cp < 0x3a ? 26 + (cp - 0x30) : cp >= 0x41 && cp < 0x5b ? cp - 0x41 : cp >= 0x61 && cp < 0x7b ? cp - 0x61 : BASE);
const ucs2decode = (string) => Array.from(string, (c) => c.codePointAt(0));
const ucs2encode = (codePoints) => String.fromCodePoint(...codePoints);
function decode(input) {
  const output = [];
  let basic = input.lastIndexOf("-");
  if (basic < 0) basic = 0;
  for (let j = 0; j < basic; ++j) {
    if (input.charCodeAt(j) >= 0x80) throw punycodeError("not-basic");
    output.push(input.charCodeAt(j));
  }
  let i = 0, n = INITIAL_N, bias = INITIAL_BIAS;
  for (let index = basic > 0 ? basic + 1 : 0; index < input.length;) {
    const oldi = i;
    for (let w = 1, k = BASE; ; k += BASE) {
      if (index >= input.length) throw punycodeError("invalid-input");
      const digit = basicToDigit(input.charCodeAt(index++));
      if (digit >= BASE) throw punycodeError("invalid-input");
      if (digit > Math.floor((0x7fffffff - i) / w)) throw punycodeError("overflow");
      i += digit * w;
      const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
      if (digit < t) break;
      const baseMinusT = BASE - t;
      if (w > Math.floor(0x7fffffff / baseMinusT)) throw punycodeError("overflow");
      w *= baseMinusT;
    }
    const out = output.length + 1;
    bias = adapt(i - oldi, out, oldi === 0);
    if (Math.floor(i / out) > 0x7fffffff - n) throw punycodeError("overflow");
    n += Math.floor(i / out);
    i %= out;
    output.splice(i++, 0, n);
  }
  return String.fromCodePoint(...output);
}
function encode(input) {
  const output = [];
  const points = Array.from(input, (c) => c.codePointAt(0));
  const inputLength = points.length;
  let n = INITIAL_N, delta = 0, bias = INITIAL_BIAS;
  for (const cp of points) if (cp < 0x80) output.push(String.fromCharCode(cp));
  const basicLength = output.length;
  let handled = basicLength;
  if (basicLength) output.push("-");
  while (handled < inputLength) {
    let m = 0x7fffffff;
    for (const cp of points) if (cp >= n && cp < m) m = cp;
    const handledPlusOne = handled + 1;
    if (m - n > Math.floor((0x7fffffff - delta) / handledPlusOne)) throw punycodeError("overflow");
    delta += (m - n) * handledPlusOne;
    n = m;
    for (const cp of points) {
      if (cp < n && ++delta > 0x7fffffff) throw punycodeError("overflow");
      if (cp === n) {
        let q = delta;
        for (let k = BASE; ; k += BASE) {
          const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
          if (q < t) break;
          const qMinusT = q - t;
          const baseMinusT = BASE - t;
          output.push(String.fromCharCode(digitToBasic(t + (qMinusT % baseMinusT))));
          q = Math.floor(qMinusT / baseMinusT);
        }
        output.push(String.fromCharCode(digitToBasic(q)));
        bias = adapt(delta, handledPlusOne, handled === basicLength);
        delta = 0;
        ++handled;
      }
    }
    ++delta;
    ++n;
  }
  return output.join("");
}
/// Applies `fn` to each label of a domain (after any `user@`), split on the IDNA dots.
function mapDomain(domain, fn) {
  const at = domain.split("@");
  let result = "";
  if (at.length > 1) { result = `${at[0]}@`; domain = at[1]; }
  domain = domain.replace(/[\x2E\u3002\uFF0E\uFF61]/g, ".");
  return result + domain.split(".").map(fn).join(".");
}
const toUnicode = (input) => mapDomain(input, (s) => (/^xn--/.test(s) ? decode(s.slice(4).toLowerCase()) : s));
const toASCII = (input) => mapDomain(input, (s) => (/[^\0-\x7F]/.test(s) ? `xn--${encode(s)}` : s));
const punycode = { version: "2.1.0", ucs2: { decode: ucs2decode, encode: ucs2encode }, decode, encode, toASCII, toUnicode };

return { ...querystring, default: querystring, punycode: { ...punycode, default: punycode } };
