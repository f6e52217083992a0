// Headers: case-insensitive, combined values, set-cookie kept apart, sorted iteration.

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/// Valid header names seen so far -> their lower-case form: a Worker uses a handful of names
/// over and over, and a regular expression per call is the costliest part of a header write.
const headerNames = new Map();
function headerName(name) {
  const n = String(name);
  let lower = headerNames.get(n);
  if (lower === undefined) {
    if (!TOKEN.test(n)) throw new TypeError("Invalid header name.");
    lower = n.toLowerCase();
    if (headerNames.size < 1024) headerNames.set(n, lower);
  }
  return lower;
}
const isHttpWhitespace = (c) => c === 32 || c === 9 || c === 10 || c === 13;
function normalizeValue(v) {
  const s = String(v);
  if (s.length && (isHttpWhitespace(s.charCodeAt(0)) || isHttpWhitespace(s.charCodeAt(s.length - 1)))) {
    return s.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "");
  }
  return s;
}
const isValidValue = (v) => v.indexOf("\n") < 0 && v.indexOf("\r") < 0 && v.indexOf("\0") < 0;

class Headers {
  #list = []; // [lowerName, value] in insertion order
  #immutable = false;
  constructor(init) {
    if (init === undefined || init === null) return;
    if (init instanceof Headers) { this.#list = init.#list.map((p) => [...p]); return; }
    if (typeof init !== "object") throw new TypeError("Failed to construct 'Headers': The provided value is not of type '(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'.");
    if (typeof init[Symbol.iterator] === "function") {
      for (const pair of init) {
        const p = typeof pair === "string" ? null : [...pair];
        if (!p || p.length !== 2) throw new TypeError("Failed to construct 'Headers': Invalid header pair: expected a sequence of two elements.");
        this.append(p[0], p[1]);
      }
    } else {
      for (const k of Object.keys(init)) this.append(k, init[k]);
    }
  }
  static _freeze(h) { h.#immutable = true; return h; }
  static _pairs(h) { return h.#list.map(([k, v]) => [k, v]); }
  #check(name, value) {
    if (this.#immutable) throw new TypeError("Can't modify immutable headers.");
    const n = headerName(name);
    if (value !== undefined && !isValidValue(value)) throw new TypeError("Invalid header value.");
    return n;
  }
  append(name, value) {
    value = normalizeValue(value);
    const n = this.#check(name, value);
    this.#list.push([n, value]);
  }
  set(name, value) {
    value = normalizeValue(value);
    const n = this.#check(name, value);
    const i = this.#list.findIndex(([k]) => k === n);
    if (i < 0) this.#list.push([n, value]);
    else { this.#list[i][1] = value; this.#list = this.#list.filter(([k], j) => j <= i || k !== n); }
  }
  delete(name) { const n = this.#check(name); this.#list = this.#list.filter(([k]) => k !== n); }
  get(name) {
    const n = headerName(name);
    const values = this.#list.filter(([k]) => k === n).map(([, v]) => v);
    return values.length ? values.join(", ") : null;
  }
  getAll(name) {
    const n = String(name).toLowerCase();
    if (n !== "set-cookie") throw new TypeError("getAll() can only be used with the header name \"Set-Cookie\".");
    return this.getSetCookie();
  }
  getSetCookie() { return this.#list.filter(([k]) => k === "set-cookie").map(([, v]) => v); }
  has(name) {
    const n = headerName(name);
    return this.#list.some(([k]) => k === n);
  }
  *entries() {
    const names = [...new Set(this.#list.map(([k]) => k))].sort();
    for (const n of names) {
      if (n === "set-cookie") for (const v of this.getSetCookie()) yield [n, v];
      else yield [n, this.get(n)];
    }
  }
  *keys() { for (const [k] of this.entries()) yield k; }
  *values() { for (const [, v] of this.entries()) yield v; }
  forEach(cb, thisArg) { for (const [k, v] of this.entries()) cb.call(thisArg, v, k, this); }
  [Symbol.iterator]() { return this.entries(); }
  get [Symbol.toStringTag]() { return "Headers"; }
}
define(G, "Headers", Headers);
