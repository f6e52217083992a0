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

// The list is scanned with index loops, not `([k]) =>` callbacks: QuickJS destructures an
// array through the iterator protocol, which made a header write cost microseconds.
class Headers {
  #list = []; // [lowerName, value] in insertion order
  #immutable = false;
  constructor(init) {
    if (init === undefined || init === null) return;
    if (init instanceof Headers) {
      const from = init.#list;
      for (let i = 0; i < from.length; i++) this.#list.push([from[i][0], from[i][1]]);
      return;
    }
    if (typeof init !== "object") throw new TypeError("Failed to construct 'Headers': The provided value is not of type '(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'.");
    if (Array.isArray(init) && init.every((p) => Array.isArray(p) && p.length === 2)) {
      // The usual sequence form (and how the host hands a request's headers over).
      for (let i = 0; i < init.length; i++) this.append(init[i][0], init[i][1]);
    } else if (typeof init[Symbol.iterator] === "function") {
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
  /// Appends a lower-case name and a value the runtime made itself, skipping the checks.
  static _appendValid(h, name, value) { h.#list.push([name, value]); }
  /// `[name, value, name, value, …]`: how header lists cross into Rust (engine::ops `pairs`).
  static _flat(h) {
    const out = [];
    for (let i = 0; i < h.#list.length; i++) out.push(h.#list[i][0], h.#list[i][1]);
    return out;
  }
  #check(name, value) {
    if (this.#immutable) throw new TypeError("Can't modify immutable headers.");
    const n = headerName(name);
    if (value !== undefined && !isValidValue(value)) throw new TypeError("Invalid header value.");
    return n;
  }
  #indexOf(n) {
    const list = this.#list;
    for (let i = 0; i < list.length; i++) if (list[i][0] === n) return i;
    return -1;
  }
  #without(n, keep) {
    const list = this.#list, out = [];
    for (let i = 0; i < list.length; i++) if (i === keep || list[i][0] !== n) out.push(list[i]);
    this.#list = out;
  }
  append(name, value) {
    value = normalizeValue(value);
    const n = this.#check(name, value);
    this.#list.push([n, value]);
  }
  set(name, value) {
    value = normalizeValue(value);
    const n = this.#check(name, value);
    const i = this.#indexOf(n);
    if (i < 0) { this.#list.push([n, value]); return; }
    this.#list[i][1] = value;
    for (let j = i + 1; j < this.#list.length; j++) if (this.#list[j][0] === n) { this.#without(n, i); return; }
  }
  delete(name) {
    const n = this.#check(name);
    if (this.#indexOf(n) >= 0) this.#without(n, -1);
  }
  get(name) {
    const n = headerName(name);
    const list = this.#list;
    let out = null;
    for (let i = 0; i < list.length; i++) if (list[i][0] === n) out = out === null ? list[i][1] : `${out}, ${list[i][1]}`;
    return out;
  }
  getAll(name) {
    const n = String(name).toLowerCase();
    if (n !== "set-cookie") throw new TypeError("getAll() can only be used with the header name \"Set-Cookie\".");
    return this.getSetCookie();
  }
  getSetCookie() {
    const list = this.#list, out = [];
    for (let i = 0; i < list.length; i++) if (list[i][0] === "set-cookie") out.push(list[i][1]);
    return out;
  }
  has(name) { return this.#indexOf(headerName(name)) >= 0; }
  *entries() {
    const names = [];
    for (let i = 0; i < this.#list.length; i++) if (!names.includes(this.#list[i][0])) names.push(this.#list[i][0]);
    names.sort();
    for (const n of names) {
      if (n === "set-cookie") for (const v of this.getSetCookie()) yield [n, v];
      else yield [n, this.get(n)];
    }
  }
  *keys() { for (const e of this.entries()) yield e[0]; }
  *values() { for (const e of this.entries()) yield e[1]; }
  forEach(cb, thisArg) { for (const e of this.entries()) cb.call(thisArg, e[1], e[0], this); }
  [Symbol.iterator]() { return this.entries(); }
  get [Symbol.toStringTag]() { return "Headers"; }
}
define(G, "Headers", Headers);
