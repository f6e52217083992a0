// node_dns, part one: asking 1.1.1.1 over DNS-over-HTTPS as workerd's node:dns does (a fetch of
// https://cloudflare-dns.com/dns-query with `Accept: application/dns-json` — in a scenario, an
// origin the run declares answers it), the error codes, and the answers' records parsed as
// workerd parses them (its src/rust/api/dns.rs for CAA and NAPTR: presentation or `\#` form).

const { codes, validate, nodeError } = core.unit("node_internal");
const { isIP } = core.unit("node_net");
const { callbackify } = core.unit("node_util");

const errorCodes = {
  NODATA: "ENODATA", FORMERR: "EFORMERR", SERVFAIL: "ESERVFAIL", NOTFOUND: "ENOTFOUND",
  NOTIMP: "ENOTIMP", REFUSED: "EREFUSED", BADQUERY: "EBADQUERY", BADNAME: "EBADNAME",
  BADFAMILY: "EBADFAMILY", BADRESP: "EBADRESP", CONNREFUSED: "ECONNREFUSED", TIMEOUT: "ETIMEOUT",
  EOF: "EOF", FILE: "EFILE", NOMEM: "ENOMEM", DESTRUCTION: "EDESTRUCTION", BADSTR: "EBADSTR",
  BADFLAGS: "EBADFLAGS", NONAME: "ENONAME", BADHINTS: "EBADHINTS", NOTINITIALIZED: "ENOTINITIALIZED",
  LOADIPHLPAPI: "ELOADIPHLPAPI", ADDRGETNETWORKPARAMS: "EADDRGETNETWORKPARAMS", CANCELLED: "ECANCELLED",
  ADDRCONFIG: 1024, ALL: 256, V4MAPPED: 2048,
};

function dnsError(hostname, code, syscall) {
  const error = nodeError(Error, code, `${syscall} ${code} ${hostname}`, true);
  Object.assign(error, { errno: undefined, hostname, syscall });
  return error;
}

async function sendDnsRequest(name, type) {
  const server = new URL("https://cloudflare-dns.com/dns-query");
  server.searchParams.set("name", name);
  server.searchParams.set("type", type);
  const syscall = `query${type.at(0)?.toUpperCase()}${type.slice(1)}`;
  let json;
  try {
    const response = await fetch(server, { headers: { Accept: "application/dns-json" }, method: "GET" });
    if (!response.ok) throw dnsError(name, errorCodes.BADRESP, syscall);
    json = await response.json();
  } catch (e) {
    throw e?.syscall === syscall && e.hostname === name ? e : dnsError(name, errorCodes.BADQUERY, syscall);
  }
  if ("error" in json || !json.Question.at(0)) throw dnsError(name, errorCodes.BADRESP, syscall);
  if (json.Answer?.at(0)?.name === "") throw dnsError(name, errorCodes.NOTFOUND, syscall);
  return json;
}

/// The answers of `json`, or ENOTFOUND when it has none.
function answers(json, name, query) {
  if (json.Answer == null) throw dnsError(name, errorCodes.NOTFOUND, query);
  return json.Answer;
}

const withoutDot = (data) => (data.endsWith(".") ? data.slice(0, -1) : data);

function normalizeMx(name, { data }) {
  const [priority, exchange] = data.split(" ");
  if (priority == null || exchange == null) throw dnsError(name, errorCodes.BADRESP, "queryMx");
  return { exchange: withoutDot(exchange), priority: parseInt(priority, 10) };
}
function normalizeSoa({ data }) {
  const fields = data.split(" ");
  const names = ["nsname", "hostmaster", "serial", "refresh", "retry", "expire", "minttl"];
  names.forEach((n, i) => validate.string(fields[i], n));
  const [nsname, hostmaster, ...numbers] = fields;
  const [serial, refresh, retry, expire, minttl] = numbers.map((n) => parseInt(n, 10));
  return { nsname, hostmaster, serial, refresh, retry, expire, minttl };
}
function normalizeSrv({ data }) {
  const [priority, weight, port, name] = data.split(" ");
  for (const [value, n] of [[priority, "priority"], [weight, "weight"], [port, "port"], [name, "name"]]) validate.string(value, n);
  return { priority: parseInt(priority, 10), weight: parseInt(weight, 10), port: parseInt(port, 10), name };
}
const TXT_STRINGS = /"([^"]|"(?!"))*"/g;
function normalizeTxt({ data }) {
  if (!(data.startsWith('"') && data.endsWith('"'))) return [data];
  return data.match(TXT_STRINGS)?.map((s) => (s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s)) ?? [];
}

// ---------- CAA and NAPTR (dns.rs) ----------
const GENERIC_RDATA = "\\#";
const badResponse = (message) => new Error(message);
/// Rust's `from_str_radix` into an integer no larger than `max`: a RangeError with Rust's message
/// on anything else (workerd turns the parser's ParseIntError into a RangeError).
function parseRadix(text, radix, max = 0xffffffff) {
  const digits = radix === 16 ? /^[+]?[0-9a-fA-F]+$/ : /^[+]?[0-9]+$/;
  if (text === undefined || text === "") throw new RangeError("cannot parse integer from empty string");
  if (!digits.test(text)) throw new RangeError("invalid digit found in string");
  const value = parseInt(text, radix);
  if (value > max) throw new RangeError("number too large to fit in target type");
  return value;
}
const decodeHex = (parts) => parts.map((p) => String.fromCharCode(parseRadix(p, 16, 0xffff))).join("");

/// Presentation-format RDATA fields: whitespace-separated, `"quoted"`, `\DDD` and `\c` escapes.
function rdataFields(input) {
  const fields = [];
  let i = 0;
  const unterminated = () => badResponse("unterminated escape or quote in RDATA");
  while (true) {
    while (i < input.length && /\s/.test(input[i])) i++;
    if (i >= input.length) return fields;
    const quoted = input[i] === '"';
    if (quoted) i++;
    let field = "";
    while (true) {
      if (i >= input.length) {
        if (quoted) throw unterminated();
        break;
      }
      const c = input[i++];
      if (c === '"' && quoted) break;
      if (c === "\\") {
        const digits = input.slice(i, i + 3);
        if (/^[0-9]{3}$/.test(digits)) {
          field += String.fromCharCode(parseRadix(digits, 10, 0xff));
          i += 3;
        } else {
          if (i >= input.length) throw unterminated();
          field += input[i++];
        }
      } else if (!quoted && /\s/.test(c)) {
        break;
      } else {
        field += c;
      }
    }
    fields.push(field);
  }
}
function checkCaaField(field) {
  if (field !== "issuewild" && field !== "issue" && field !== "iodef") throw badResponse(`Received unknown field '${field}'`);
}
function parseCaaRecord(record) {
  const parts = record.split(/\s+/).filter(Boolean);
  if (parts[0] !== GENERIC_RDATA) {
    const fields = rdataFields(record);
    if (fields.length !== 3) throw badResponse(`CAA record expected 3 fields, got ${fields.length}`);
    checkCaaField(fields[1]);
    return { critical: parseRadix(fields[0], 10, 0xff), field: fields[1], value: fields[2] };
  }
  if (parts.length < 3) throw badResponse("CAA record too short: expected at least 3 fields");
  const data = parts.slice(2);
  if (data.length < 2) throw badResponse("CAA record data too short: expected critical and prefix length fields");
  const critical = parseRadix(data[0], 16, 0xff);
  const prefixLength = parseRadix(data[1], 16);
  if (data.length < 2 + prefixLength) throw badResponse(`CAA record data too short for prefix_length ${prefixLength}`);
  const field = decodeHex(data.slice(2, prefixLength + 2));
  const value = decodeHex(data.slice(prefixLength + 2));
  checkCaaField(field);
  return { critical, field, value };
}
function replacement(parts) {
  const out = [];
  let lengthIndex = 0;
  let offset = 1;
  while (lengthIndex < parts.length) {
    const length = parseRadix(parts[lengthIndex], 16);
    if (length + offset > parts.length) throw badResponse("replacement data too short for declared frame length");
    const decoded = decodeHex(parts.slice(offset, offset + length));
    if (decoded !== "") out.push(decoded);
    lengthIndex += length + 1;
    offset = lengthIndex + 1;
  }
  return out.join(".");
}
function parseNaptrRecord(record) {
  const parts = record.split(/\s+/).filter(Boolean);
  if (parts[0] !== GENERIC_RDATA) {
    const fields = rdataFields(record);
    if (fields.length !== 6) throw badResponse(`NAPTR record expected 6 fields, got ${fields.length}`);
    const [order, preference, flags, service, regexp, repl] = fields;
    return { flags, service, regexp, replacement: withoutDot(repl), order: parseRadix(order, 10), preference: parseRadix(preference, 10) };
  }
  if (parts.length < 2) throw badResponse("NAPTR record too short");
  const data = parts.slice(1);
  if (data.length < 6) throw badResponse("NAPTR record data too short: expected at least 6 fields");
  const order = parseRadix(data.slice(1, 3).join(""), 16);
  const preference = parseRadix(data.slice(3, 5).join(""), 16);
  const field = (offsetAt, what, extra) => {
    const length = parseRadix(data[offsetAt], 16);
    const start = offsetAt + 1;
    if (data.length < start + length + extra) throw badResponse(`NAPTR record too short for ${what} field`);
    return [decodeHex(data.slice(start, start + length)), start + length];
  };
  const [flags, afterFlags] = field(5, "flags", 1);
  const [service, afterService] = field(afterFlags, "service", 1);
  const [regexp, afterRegexp] = field(afterService, "regexp", 0);
  return { flags, service, regexp, replacement: replacement(data.slice(afterRegexp)), order, preference };
}
