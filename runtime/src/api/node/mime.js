// node_util, part three: util.MIMEType and util.MIMEParams as workerd parses MIME types
// (workerd/util/mimetype.c++, which differs from Node's parser in places: its error texts, a
// parameter name may hold `\`, a MIMEParams made on its own holds nothing).

const TOKEN = /^[!#$%&'*+\\\-.^_`|~A-Za-z0-9]+$/;
/// Tab, printable ASCII, and anything past ASCII (all UTF-8 bytes of such a character are).
const QUOTED_STRING = /^[\t\u0020-\u007e\u0080-\uffff]*$/;
const isWhitespace = (c) => c === "\r" || c === "\n" || c === "\t" || c === " ";
const lower = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const skipWhitespace = (s) => { let i = 0; while (i < s.length && isWhitespace(s[i])) i++; return s.slice(i); };
const trimWhitespace = (s) => { let i = s.length; while (i > 0 && isWhitespace(s[i - 1])) i--; return s.slice(0, i); };

function addParam(params, name, value) {
  if (!TOKEN.test(name) || !QUOTED_STRING.test(value)) return false;
  const key = lower(name);
  if (!params.has(key)) params.set(key, value);
  return true;
}

/// `{ type, subtype, params }`, or null when `input` is no MIME type.
function parseMimeType(input) {
  input = skipWhitespace(input);
  const slash = input.indexOf("/");
  if (slash === -1) return null;
  const type = input.slice(0, slash);
  if (!TOKEN.test(type)) return null;
  input = input.slice(slash + 1);
  if (input.length === 0) return null;
  const semicolon = input.indexOf(";");
  const subtype = trimWhitespace(semicolon === -1 ? input : input.slice(0, semicolon));
  if (!TOKEN.test(subtype)) return null;
  input = semicolon === -1 ? "" : input.slice(semicolon + 1);
  const params = new Map();
  while (input.length > 0) {
    input = skipWhitespace(input);
    if (input.length === 0) break;
    const delimiter = input.search(/[;=]/);
    if (delimiter === -1) break;
    if (input[delimiter] === ";") { input = input.slice(delimiter + 1); continue; }
    const name = input.slice(0, delimiter);
    input = input.slice(delimiter + 1);
    if (!TOKEN.test(name)) {
      const next = input.indexOf(";");
      if (next === -1) break;
      input = input.slice(next + 1);
      continue;
    }
    if (input.length === 0) break;
    if (input[0] === '"') {
      let value = "";
      let i = 1;
      for (; i < input.length; i++) {
        const c = input[i];
        if (c === '"') { i++; break; }
        if (c === "\\") {
          i++;
          if (i >= input.length) { value += "\\"; break; }
          value += input[i];
        } else value += c;
      }
      input = input.slice(i);
      addParam(params, name, value);
      const next = input.indexOf(";");
      if (next === -1) break;
      input = input.slice(next + 1);
    } else {
      const next = input.indexOf(";");
      const value = trimWhitespace(next === -1 ? input : input.slice(0, next));
      if (value.length > 0) addParam(params, name, value);
      if (next === -1) break;
      input = input.slice(next + 1);
    }
  }
  return { type: lower(type), subtype: lower(subtype), params };
}

function paramsToString(params) {
  let out = "";
  let first = true;
  for (const [key, value] of params) {
    out += first ? "" : ";";
    if (key === "boundary") out += " ";
    out += `${key}=`;
    first = false;
    if (value.length === 0) out += '""';
    else if (!TOKEN.test(value)) out += `"${value.replace(/["\\]/g, "\\$&")}"`;
    else out += value;
  }
  return out;
}

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
