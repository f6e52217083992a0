// URL and URLSearchParams: WHATWG parsing and setters by ada, as in workerd (through ops).

class URLSearchParams {
  #list = [];
  #url = null;
  constructor(init = "") {
    // Web IDL reads an object (a function too) as a sequence of pairs through its iterator, or
    // as a record of its own properties when it has none; another URLSearchParams is copied
    // directly unless its iterator was replaced.
    if (init instanceof URLSearchParams && init[Symbol.iterator] === URLSearchParams.prototype[Symbol.iterator]) {
      this.#list = init.#list.map((p) => [...p]);
    } else if ((typeof init === "object" && init !== null) || typeof init === "function") {
      if (typeof init[Symbol.iterator] === "function") {
        for (const pair of init) {
          const p = [...pair];
          if (p.length !== 2) throw new TypeError("Failed to construct 'URLSearchParams': Sequence initializer must only contain pair elements");
          this.#list.push([String(p[0]), String(p[1])]);
        }
      } else {
        for (const k of Object.keys(init)) this.#list.push([k, String(init[k])]);
      }
    } else {
      const s = String(init);
      this.#list = ops.formDecode(s.startsWith("?") ? s.slice(1) : s);
    }
  }
  static _attach(params, url) { params.#url = url; }
  static _reset(params, query) { params.#list = ops.formDecode(query); }
  #update() { if (this.#url) URL._setSearchFromParams(this.#url, this.toString()); }
  get size() { return this.#list.length; }
  append(name, value) { this.#list.push([String(name), String(value)]); this.#update(); }
  delete(name, value) {
    name = String(name);
    this.#list = this.#list.filter(([k, v]) => !(k === name && (value === undefined || v === String(value))));
    this.#update();
  }
  get(name) { const p = this.#list.find(([k]) => k === String(name)); return p ? p[1] : null; }
  getAll(name) { return this.#list.filter(([k]) => k === String(name)).map(([, v]) => v); }
  has(name, value) { return this.#list.some(([k, v]) => k === String(name) && (value === undefined || v === String(value))); }
  set(name, value) {
    name = String(name); value = String(value);
    const i = this.#list.findIndex(([k]) => k === name);
    if (i < 0) this.#list.push([name, value]);
    else { this.#list[i][1] = value; this.#list = this.#list.filter(([k], j) => j <= i || k !== name); }
    this.#update();
  }
  sort() {
    // Stable sort by UTF-16 code units, as the spec says.
    this.#list = this.#list.map((p, i) => [p, i]).sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1])).map(([p]) => p);
    this.#update();
  }
  forEach(cb, thisArg) { for (const [k, v] of this.#list) cb.call(thisArg, v, k, this); }
  *entries() { for (const [k, v] of this.#list) yield [k, v]; }
  *keys() { for (const [k] of this.#list) yield k; }
  *values() { for (const [, v] of this.#list) yield v; }
  [Symbol.iterator]() { return this.entries(); }
  toString() { return ops.formEncode(this.#list); }
  get [Symbol.toStringTag]() { return "URLSearchParams"; }
}

class URL {
  #parts;
  /// Made on first use of `searchParams`: most Workers parse a URL for its path alone.
  #params = null;
  constructor(url, base) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'URL': 1 argument required, but only 0 present.");
    const parts = ops.urlParse(String(url), base === undefined ? null : String(base));
    if (!parts) throw new TypeError("Invalid URL string.");
    this.#parts = parts;
  }
  static canParse(url, base) { return !!ops.urlHref(String(url), base === undefined ? null : String(base)); }
  static parse(url, base) { try { return new URL(url, base); } catch { return null; } }
  static _setSearchFromParams(u, query) {
    const parts = ops.urlSet(u.#parts[0], "search", query);
    if (parts) u.#parts = parts;
  }
  #set(name, value) {
    const parts = ops.urlSet(this.#parts[0], name, String(value));
    if (!parts) {
      if (name === "href") throw new TypeError("Invalid URL string.");
      return;
    }
    this.#parts = parts;
    if (this.#params !== null && (name === "href" || name === "search")) URLSearchParams._reset(this.#params, parts[8].replace(/^\?/, ""));
  }
  get href() { return this.#parts[0]; }
  set href(v) { this.#set("href", v); }
  get protocol() { return this.#parts[1]; }
  set protocol(v) { this.#set("protocol", v); }
  get username() { return this.#parts[2]; }
  set username(v) { this.#set("username", v); }
  get password() { return this.#parts[3]; }
  set password(v) { this.#set("password", v); }
  get host() { return this.#parts[4]; }
  set host(v) { this.#set("host", v); }
  get hostname() { return this.#parts[5]; }
  set hostname(v) { this.#set("hostname", v); }
  get port() { return this.#parts[6]; }
  set port(v) { this.#set("port", v); }
  get pathname() { return this.#parts[7]; }
  set pathname(v) { this.#set("pathname", v); }
  get search() { return this.#parts[8]; }
  set search(v) { this.#set("search", v); }
  get hash() { return this.#parts[9]; }
  set hash(v) { this.#set("hash", v); }
  get origin() { return this.#parts[10]; }
  get searchParams() {
    if (this.#params === null) {
      this.#params = new URLSearchParams(this.#parts[8]);
      URLSearchParams._attach(this.#params, this);
    }
    return this.#params;
  }
  toString() { return this.#parts[0]; }
  toJSON() { return this.#parts[0]; }
  get [Symbol.toStringTag]() { return "URL"; }
}
define(G, "URL", URL);
define(G, "URLSearchParams", URLSearchParams);
