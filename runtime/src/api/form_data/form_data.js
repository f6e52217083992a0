// FormData, and bodies as multipart/form-data or application/x-www-form-urlencoded, parsed and
// serialised the way workerd does it (form-data.c++): the same tolerance (a bare LF may stand
// for CRLF), the same escaping, and the same error texts.

const { G, define, fromUtf8, utf8, URLSearchParams, Blob, File } = core;

class FormData {
  #entries = [];
  constructor(form) {
    if (form !== undefined) throw new TypeError("Failed to construct 'FormData': parameter 1 is not of type 'HTMLFormElement'.");
  }
  static _entries(f) { return f.#entries; }
  /// Blobs become Files named after `filename`, else the field name (workerd's blobToFile).
  static #value(name, value, filename) {
    if (value instanceof Blob) {
      if (value instanceof File && filename === undefined) return value;
      return new File([value], filename === undefined ? name : String(filename), { type: value.type });
    }
    return String(value);
  }
  append(name, value, filename) {
    if (arguments.length < 2) throw new TypeError(`Failed to execute 'append' on 'FormData': 2 arguments required, but only ${arguments.length} present.`);
    name = String(name);
    this.#entries.push([name, FormData.#value(name, value, filename)]);
  }
  set(name, value, filename) {
    if (arguments.length < 2) throw new TypeError(`Failed to execute 'set' on 'FormData': 2 arguments required, but only ${arguments.length} present.`);
    name = String(name);
    const entry = FormData.#value(name, value, filename);
    const i = this.#entries.findIndex(([k]) => k === name);
    if (i < 0) return void this.#entries.push([name, entry]);
    this.#entries[i] = [name, entry];
    this.#entries = this.#entries.filter(([k], j) => j <= i || k !== name);
  }
  delete(name) { name = String(name); this.#entries = this.#entries.filter(([k]) => k !== name); }
  get(name) { name = String(name); return this.#entries.find(([k]) => k === name)?.[1] ?? null; }
  getAll(name) { name = String(name); return this.#entries.filter(([k]) => k === name).map(([, v]) => v); }
  has(name) { name = String(name); return this.#entries.some(([k]) => k === name); }
  /// Live, as workerd loops: entries the callback appends are visited too.
  forEach(callback, thisArg = undefined) {
    if (typeof callback !== "function") throw new TypeError("Failed to execute 'forEach' on 'FormData': parameter 1 is not of type 'function'.");
    for (let i = 0; i < this.#entries.length; i++) {
      const [k, v] = this.#entries[i];
      callback.call(thisArg ?? undefined, v, k, this);
    }
  }
  entries() { return new EntryIterator(this, ([k, v]) => [k, v]); }
  keys() { return new KeyIterator(this, ([k]) => k); }
  values() { return new ValueIterator(this, ([, v]) => v); }
  [Symbol.iterator]() { return this.entries(); }
  get [Symbol.toStringTag]() { return "FormData"; }
}
/// workerd's FormData iterators (JSG_ITERATOR): each `next()` reads the entry at its index in
/// the form as it is then, so entries added or removed meanwhile are seen.
const formIterator = (tag) => {
  const Iterator = class {
    #form; #pick; #index = 0;
    constructor(form, pick) { this.#form = form; this.#pick = pick; }
    next() {
      const entry = FormData._entries(this.#form)[this.#index];
      if (entry === undefined) return { value: undefined, done: true };
      this.#index++;
      return { value: this.#pick(entry), done: false };
    }
    [Symbol.iterator]() { return this; }
  };
  Object.defineProperty(Iterator.prototype, Symbol.toStringTag, { value: tag, configurable: true });
  return Iterator;
};
const EntryIterator = formIterator("EntryIterator");
const KeyIterator = formIterator("KeyIterator");
const ValueIterator = formIterator("ValueIterator");

define(G, "FormData", FormData);

/// Escapes a name or filename for Content-Disposition as workerd does.
function formQuote(value) {
  if (value.endsWith("\\")) throw new TypeError("Name or filename can't end with backslash");
  return value.replace(/\\/g, "\\\\").replace(/"/g, "%22").replace(/\n/g, "%0A");
}

/// The multipart/form-data serialisation of `form` with `boundary`.
function serializeFormData(form, boundary) {
  const parts = [];
  for (const [name, value] of FormData._entries(form)) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${formQuote(name)}`;
    if (typeof value === "string") {
      parts.push(utf8(`${head}"\r\n\r\n`), utf8(value), utf8("\r\n"));
    } else {
      head += `"; filename="${formQuote(value.name)}"\r\nContent-Type: ${value.type || "application/octet-stream"}\r\n\r\n`;
      parts.push(utf8(head), Blob._bytes(value), utf8("\r\n"));
    }
  }
  parts.push(utf8(`--${boundary}--`));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}

/// A boundary from the isolate's (seeded) randomness.
function formBoundary() {
  return `----edgesim-formdata-${Array.from(ops.randomBytes(12), (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

const FORM_TYPES = "multipart/form-data, application/x-www-form-urlencoded";
const latin1 = (bytes) => { let s = ""; for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192)); return s; };
const latin1Bytes = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/// Parses a body as FormData according to its Content-Type (workerd's FormData::parse).
function parseFormBody(bytes, contentType) {
  if (contentType === null) throw new TypeError("Parsing a Body as FormData requires a Content-Type header.");
  const [essence, ...rawParams] = contentType.split(";");
  const mime = essence.trim().toLowerCase();
  const params = {};
  for (const p of rawParams) {
    const eq = p.indexOf("=");
    if (eq < 0) continue;
    let v = p.slice(eq + 1).trim();
    if (v.startsWith("\"") && v.endsWith("\"") && v.length >= 2) v = v.slice(1, -1);
    params[p.slice(0, eq).trim().toLowerCase()] = v;
  }
  const form = new FormData();
  if (mime === "multipart/form-data") {
    const boundary = params.boundary;
    if (boundary === undefined || boundary === "") throw new TypeError("No boundary string in Content-Type header. The multipart/form-data MIME type requires a boundary parameter, e.g. 'Content-Type: multipart/form-data; boundary=\"abcd\"'. See RFC 7578, section 4.");
    parseMultipart(form, boundary, latin1(bytes));
    return form;
  }
  if (mime === "application/x-www-form-urlencoded") {
    const charset = params.charset?.toLowerCase();
    if (charset !== undefined && !["utf-8", "utf8", "unicode-1-1-utf-8"].includes(charset)) throw new TypeError("Non-utf-8 application/x-www-form-urlencoded body.");
    for (const [k, v] of new URLSearchParams(fromUtf8(bytes))) form.append(k, v);
    return form;
  }
  throw new TypeError(`Unrecognized Content-Type header value. FormData can only parse the following MIME types: ${FORM_TYPES}`);
}

const DISPOSITION = /^\s*([A-Za-z0-9_.!#$%&'*+^`|~-]+)\s*((?:;\s*[A-Za-z0-9_.!#$%&'*+^`|~-]+\s*=\s*"(?:[^"\n\\]|\\[^\n])+"\s*)*)$/;
const DISPOSITION_PARAM = /;\s*([A-Za-z0-9_.!#$%&'*+^`|~-]+)\s*=\s*"((?:[^"\n\\]|\\[^\n])+)"\s*/g;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/;

/// workerd's parseFormData over a latin-1 view of the body (one char per byte).
function parseMultipart(form, boundary, body) {
  const delimiter = `\n--${boundary}`;
  let at = body.indexOf(delimiter.slice(1));
  body = at < 0 ? "" : body.slice(at + delimiter.length - 1);
  // workerd: nothing after the first boundary (or no boundary at all) is a truncated message.
  if (body.length === 0) throw new TypeError("No initial boundary string (or you have a truncated message).");
  for (;;) {
    if (body.startsWith("\n")) body = body.slice(1);
    else if (body.startsWith("\r\n")) body = body.slice(2);
    else if (body.startsWith("--")) return;
    else throw new TypeError("Boundary string was not succeeded by CRLF, LF, or '--'.");
    const end = /\r?\n\r?\n/.exec(body);
    if (end === null) throw new TypeError("No multipart message header termination found.");
    const headers = new Map();
    for (const line of body.slice(0, end.index).split(/\r?\n/)) {
      const m = HEADER_LINE.exec(line);
      if (m === null) throw new TypeError("FormData part had invalid headers.");
      headers.set(m[1].toLowerCase(), fromUtf8(latin1Bytes(m[2])));
    }
    body = body.slice(end.index + end[0].length);
    const disposition = headers.get("content-disposition");
    if (disposition === undefined) throw new TypeError("No valid Content-Disposition header found in FormData part.");
    const d = DISPOSITION.exec(disposition);
    if (d === null) throw new TypeError("Invalid Content-Disposition header found in FormData part.");
    if (d[1] !== "form-data") throw new TypeError(`Content-Disposition header for FormData part must have the value "form-data", possibly followed by parameters. Got: "${d[1]}"`);
    let name, filename;
    for (const [, key, raw] of d[2].matchAll(DISPOSITION_PARAM)) {
      const value = raw.replace(/\\(.)/g, "$1");
      if (key === "name") name = value;
      else if (key === "filename") filename = value;
    }
    if (name === undefined) throw new TypeError("Content-Disposition header in FormData part is missing a name.");
    at = body.indexOf(delimiter);
    if (at < 0) throw new TypeError("No subsequent boundary string after multipart message.");
    let message = body.slice(0, at);
    body = body.slice(at + delimiter.length);
    if (message.endsWith("\r")) message = message.slice(0, -1);
    const bytes = latin1Bytes(message);
    if (filename === undefined) form.append(name, fromUtf8(bytes));
    else form.append(name, new File([bytes], filename, { type: headers.get("content-type") ?? "" }));
  }
}

return { FormData, formBoundary, parseFormBody, serializeFormData };
