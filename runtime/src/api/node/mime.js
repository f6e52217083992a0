// node_util, part three: util.MIMEType and util.MIMEParams over workerd's MIME parser
// (fetch/mime.js), which differs from Node's in places: its error texts, a parameter name may
// hold `\`, a MIMEParams made on its own holds nothing.

const { TOKEN, QUOTED_STRING, lower, parseMimeType, paramsToString } = core.unit("mime");

/// A MIME type's parameters, live: made on its own (as Node allows) it holds nothing.
class MIMEParams {
  #params = null;
  static of(params) { const p = new MIMEParams(); p.#params = params; return p; }
  delete(name) { this.#params?.delete(lower(`${name}`)); }
  get(name) { return this.#params?.get(`${name}`) ?? null; }
  has(name) { return this.#params?.has(`${name}`) ?? false; }
  set(name, value) {
    if (this.#params === null) return;
    name = `${name}`;
    value = `${value}`;
    if (!TOKEN.test(name) || !QUOTED_STRING.test(value)) throw new TypeError("Not a valid MIME parameter");
    this.#params.set(lower(name), value);
  }
  entries() { return Array.from(this.#params ?? [], ([k, v]) => [k, v])[Symbol.iterator](); }
  keys() { return Array.from(this.#params?.keys() ?? [])[Symbol.iterator](); }
  values() { return Array.from(this.#params?.values() ?? [])[Symbol.iterator](); }
  toString() { return this.#params === null ? "" : paramsToString(this.#params); }
  toJSON() { return this.toString(); }
  [Symbol.iterator]() { return this.entries(); }
}

class MIMEType {
  #type;
  #subtype;
  #params;
  constructor(input) {
    input = `${input}`;
    const parsed = parseMimeType(input);
    if (parsed === null) throw new TypeError(`Not a valid MIME type: ${input}`);
    this.#type = parsed.type;
    this.#subtype = parsed.subtype;
    this.#params = MIMEParams.of(parsed.params);
  }
  get type() { return this.#type; }
  set type(value) {
    value = `${value}`;
    if (!TOKEN.test(value)) throw new TypeError("Not a valid MIME type");
    this.#type = lower(value);
  }
  get subtype() { return this.#subtype; }
  set subtype(value) {
    value = `${value}`;
    if (!TOKEN.test(value)) throw new TypeError("Not a valid MIME subtype");
    this.#subtype = lower(value);
  }
  get essence() { return `${this.#type}/${this.#subtype}`; }
  get params() { return this.#params; }
  toString() {
    const params = this.#params.toString();
    return `${this.essence}${params.length ? `;${params}` : ""}`;
  }
  toJSON() { return this.toString(); }
}
