// MIME types as workerd parses, serializes and extracts them (workerd/util/mimetype.c++): for
// `body.blob()`'s type and node:util's MIMEType (node/mime.js). The `mime` unit (api/mod.rs).

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

/// `type/subtype;params` as workerd serializes a MIME type.
const mimeToString = (m) => `${m.type}/${m.subtype}${m.params.size ? `;${paramsToString(m.params)}` : ""}`;

/// Splits `input` at the commas outside quoted sections (MimeType::extract's separator scan).
function splitMimeList(input) {
  const parts = [];
  let start = 0;
  for (let i = 0; i < input.length; i++) {
    if (input[i] === '"' && (i === 0 || input[i - 1] !== "\\")) {
      while (++i < input.length && (input[i] !== '"' || input[i - 1] === "\\")) {}
    } else if (input[i] === "," && (i === 0 || input[i - 1] !== "\\")) {
      parts.push(input.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(input.slice(start));
  return parts;
}

/// The Fetch Standard's "extract a MIME type" from a header value, serialized, as workerd does
/// it (MimeType::extract): the last value that parses and is not `*/*`, keeping an earlier
/// value's charset when the type is the same; null when none parses.
function extractMimeType(header) {
  let mime = null;
  for (const part of splitMimeList(header)) {
    const parsed = parseMimeType(part);
    if (parsed === null || (parsed.type === "*" && parsed.subtype === "*")) continue;
    const same = mime !== null && mime.type === parsed.type && mime.subtype === parsed.subtype;
    if (same && !parsed.params.has("charset") && mime.params.has("charset")) parsed.params.set("charset", mime.params.get("charset"));
    mime = parsed;
  }
  return mime === null ? null : mimeToString(mime);
}

return { TOKEN, QUOTED_STRING, lower, parseMimeType, paramsToString, extractMimeType };
