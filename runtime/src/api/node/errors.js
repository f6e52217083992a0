// node_internal: Node's error classes (`code`, and its message texts to the letter) and the
// argument checks every node:* module shares.

const KINDS = ["string", "function", "number", "object", "Function", "Object", "boolean", "bigint", "symbol"];

/// Node's errors come in two shapes (workerd's internal_errors): those made as TypeError or
/// RangeError, which are that class; and the rest, instances of a class named after their code
/// (`ERR_UNHANDLED_ERROR`, `ERR_OUT_OF_RANGE`) whose `name` is their base's.
const namedClasses = new Map();
function errorClass(Base, code) {
  const key = `${Base.name}:${code}`;
  let C = namedClasses.get(key);
  if (C === undefined) {
    C = { [code]: class extends Base {} }[code];
    namedClasses.set(key, C);
  }
  return C;
}
/// As workerd makes them, `code` and `name` are own enumerable properties; so is `toString` on
/// the TypeError and RangeError kinds (recorded: reference/workerd/results/node-dns.json).
function nodeError(Base, code, message, named = false) {
  const error = new (named ? errorClass(Base, code) : Base)(message);
  const own = (value, enumerable = true) => ({ value, writable: true, configurable: true, enumerable });
  Object.defineProperty(error, "code", own(code));
  Object.defineProperty(error, "name", own(Base.name));
  Object.defineProperty(error, "toString", own(function () { return `${this.name} [${this.code}]: ${this.message}`; }, !named));
  return error;
}

/// `a, b, or c` / `a or b` / `a`.
function oneOf(list, single, many) {
  if (list.length > 2) return `${many}${list.slice(0, -1).join(", ")}, or ${list[list.length - 1]}`;
  if (list.length === 2) return `${many}${list[0]} or ${list[1]}`;
  return `${single}${list[0]}`;
}

function expectedKinds(name, expected) {
  expected = Array.isArray(expected) ? expected : [expected];
  let msg = name.endsWith(" argument") ? `The ${name} ` : `The "${name}" ${name.includes(".") ? "property" : "argument"} `;
  msg += "must be ";
  const types = [], instances = [], other = [];
  for (const e of expected) {
    if (KINDS.includes(e)) types.push(e.toLowerCase());
    else if (/^([A-Z][a-z0-9]*)+$/.test(e)) instances.push(e);
    else other.push(e);
  }
  if (instances.length > 0 && types.includes("object")) {
    types.splice(types.indexOf("object"), 1);
    instances.push("Object");
  }
  const parts = [];
  if (types.length > 0) parts.push(oneOf(types, "of type ", "one of type "));
  if (instances.length > 0) {
    parts.push(instances.length > 2
      ? `an instance of ${instances.slice(0, -1).join(", ")}, or ${instances[instances.length - 1]}`
      : `an instance of ${instances.join(" or ")}`);
  }
  if (other.length > 0) {
    parts.push(other.length > 1 ? oneOf(other, "", "one of ") : `${other[0].toLowerCase() !== other[0] ? "an " : ""}${other[0]}`);
  }
  return msg + parts.join(" or ");
}

/// ` Received …`: how Node names the value it refused.
function received(value) {
  if (value == null) return ` Received ${value}`;
  if (typeof value === "function" && value.name) return ` Received function ${value.name}`;
  if (typeof value === "object") {
    if (value.constructor?.name) return ` Received an instance of ${value.constructor.name}`;
    return ` Received ${inspectValue(value, { depth: -1 })}`;
  }
  let shown = inspectValue(value, { colors: false });
  if (shown.length > 25) shown = `${shown.slice(0, 25)}...`;
  return ` Received type ${typeof value} (${shown})`;
}

const inspectValue = (value, options) => core.unit("node_util").inspect(value, options);

function withSeparators(digits) {
  let out = "";
  let i = digits.length;
  const start = digits[0] === "-" ? 1 : 0;
  for (; i >= start + 4; i -= 3) out = `_${digits.slice(i - 3, i)}${out}`;
  return `${digits.slice(0, i)}${out}`;
}

const codes = {
  ERR_INVALID_ARG_TYPE: (name, expected, actual) =>
    nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `${expectedKinds(name, expected)}.${received(actual)}`),
  ERR_INVALID_ARG_VALUE: (name, value, reason = "is invalid") => {
    let shown = inspectValue(value);
    if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
    return nodeError(TypeError, "ERR_INVALID_ARG_VALUE", `The ${name.includes(".") ? "property" : "argument"} '${name}' ${reason}. Received ${shown}`);
  },
  ERR_OUT_OF_RANGE: (name, range, value) => {
    let shown;
    if (Number.isInteger(value) && Math.abs(value) > 2 ** 32) shown = withSeparators(String(value));
    else if (typeof value === "bigint") {
      shown = String(value);
      if (value > 2n ** 32n || value < -(2n ** 32n)) shown = withSeparators(shown);
      shown += "n";
    } else shown = inspectValue(value);
    return nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "${name}" is out of range. It must be ${range}. Received ${shown}`, true);
  },
  ERR_UNKNOWN_ENCODING: (name) => nodeError(TypeError, "ERR_UNKNOWN_ENCODING", `Unknown encoding: ${name}`),
  ERR_BUFFER_OUT_OF_BOUNDS: (name) => nodeError(RangeError, "ERR_BUFFER_OUT_OF_BOUNDS",
    name ? `"${name}" is outside of buffer bounds` : "Attempt to access memory outside buffer bounds"),
  ERR_INVALID_BUFFER_SIZE: (what) => nodeError(RangeError, "ERR_INVALID_BUFFER_SIZE", `Buffer size must be a multiple of ${what}`),
  ERR_MISSING_ARGS: (...names) => nodeError(TypeError, "ERR_MISSING_ARGS",
    `The ${oneOf(names.map((n) => `"${n}"`), "", "")} argument${names.length > 1 ? "s" : ""} must be specified`),
  ERR_UNHANDLED_ERROR: (what) => nodeError(Error, "ERR_UNHANDLED_ERROR", `Unhandled error. (${what})`, true),
  ERR_INVALID_THIS: (type) => nodeError(TypeError, "ERR_INVALID_THIS", `Value of "this" must be of type ${type}`),
  ERR_TRACE_EVENTS_CATEGORY_REQUIRED: () =>
    nodeError(TypeError, "ERR_TRACE_EVENTS_CATEGORY_REQUIRED", "At least one category is required"),
  ERR_METHOD_NOT_IMPLEMENTED: (name) => nodeError(Error, "ERR_METHOD_NOT_IMPLEMENTED", `The ${name} method is not implemented`, true),
  ERR_OPTION_NOT_IMPLEMENTED: (name) => nodeError(Error, "ERR_OPTION_NOT_IMPLEMENTED", `The ${name} option is not implemented`, true),
  ERR_FALSY_VALUE_REJECTION: (reason) => {
    const error = nodeError(Error, "ERR_FALSY_VALUE_REJECTION", "Promise was rejected with falsy value", true);
    error.reason = reason;
    return error;
  },
  ERR_INVALID_RETURN_VALUE: (input, name, value) => nodeError(TypeError, "ERR_INVALID_RETURN_VALUE",
    `Expected ${input} to be returned from the "${name}" function but got ${value === null ? "null" : typeof value === "object" ? `an instance of ${value.constructor?.name ?? "Object"}` : `type ${typeof value}`}.`),
  ERR_ILLEGAL_CONSTRUCTOR: () => nodeError(TypeError, "ERR_ILLEGAL_CONSTRUCTOR", "Illegal constructor"),
  ERR_STRING_TOO_LONG: () => nodeError(Error, "ERR_STRING_TOO_LONG", "Cannot create a string longer than 0x1fffffe8 characters"),
};

const validate = {
  string(value, name) { if (typeof value !== "string") throw codes.ERR_INVALID_ARG_TYPE(name, "string", value); },
  function(value, name) { if (typeof value !== "function") throw codes.ERR_INVALID_ARG_TYPE(name, "Function", value); },
  array(value, name) { if (!Array.isArray(value)) throw codes.ERR_INVALID_ARG_TYPE(name, "Array", value); },
  stringArray(value, name) {
    validate.array(value, name);
    for (let i = 0; i < value.length; i++) validate.string(value[i], `${name}[${i}]`);
  },
  oneOf(value, name, allowed) {
    if (allowed.includes(value)) return;
    const shown = allowed.map((v) => (typeof v === "string" ? `'${v}'` : String(v))).join(", ");
    throw codes.ERR_INVALID_ARG_VALUE(name, value, `must be one of: ${shown}`);
  },
  boolean(value, name) { if (typeof value !== "boolean") throw codes.ERR_INVALID_ARG_TYPE(name, "boolean", value); },
  object(value, name, { nullable = false, allowArray = false } = {}) {
    if ((!nullable && value === null) || (!allowArray && Array.isArray(value)) || (typeof value !== "object" && typeof value !== "function") || (value === null && !nullable)) {
      if (!(nullable && value === null)) throw codes.ERR_INVALID_ARG_TYPE(name, "Object", value);
    }
  },
  number(value, name, min = undefined, max) {
    if (typeof value !== "number") throw codes.ERR_INVALID_ARG_TYPE(name, "number", value);
    if ((min != null && value < min) || (max != null && value > max) || ((min != null || max != null) && Number.isNaN(value))) {
      throw codes.ERR_OUT_OF_RANGE(name,
        `${min != null ? `>= ${min}` : ""}${min != null && max != null ? " && " : ""}${max != null ? `<= ${max}` : ""}`, value);
    }
  },
  int32(value, name, min = -(2 ** 31), max = 2 ** 31 - 1) { validate.integer(value, name, min, max); },
  uint32(value, name, positive = false) {
    if (typeof value !== "number") throw codes.ERR_INVALID_ARG_TYPE(name, "number", value);
    if (!Number.isInteger(value)) throw codes.ERR_OUT_OF_RANGE(name, "an integer", value);
    const min = positive ? 1 : 0;
    if (value < min || value >= 2 ** 32) throw codes.ERR_OUT_OF_RANGE(name, `>= ${min} && < 4294967296`, value);
  },
  buffer(value, name) {
    if (!ArrayBuffer.isView(value)) throw codes.ERR_INVALID_ARG_TYPE(name, ["Buffer", "TypedArray", "DataView"], value);
  },
  integer(value, name, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
    if (typeof value !== "number") throw codes.ERR_INVALID_ARG_TYPE(name, "number", value);
    if (!Number.isInteger(value)) throw codes.ERR_OUT_OF_RANGE(name, "an integer", value);
    if (value < min || value > max) throw codes.ERR_OUT_OF_RANGE(name, `>= ${min} && <= ${max}`, value);
  },
};

// ---------- the node:* modules: which unit, and which part of its exports, each one is ----------
const MODULES = {
  _http_agent: ["node_http", "agent"],
  _http_client: ["node_http", "client"],
  _http_common: ["node_http", "common"],
  _http_incoming: ["node_http", "incoming"],
  _http_outgoing: ["node_http", "outgoing"],
  _http_server: ["node_http", "server"],
  _stream_duplex: ["node_stream", "Duplex"],
  _stream_passthrough: ["node_stream", "PassThrough"],
  _stream_readable: ["node_stream", "Readable"],
  _stream_transform: ["node_stream", "Transform"],
  _stream_wrap: ["node_tls", "streamWrap"],
  _stream_writable: ["node_stream", "Writable"],
  _tls_common: ["node_tls", "tlsCommon"],
  _tls_wrap: ["node_tls", "tlsWrap"],
  assert: ["node_assert"],
  "assert/strict": ["node_assert", "strictModule"],
  async_hooks: ["node_async_hooks"],
  buffer: ["node_buffer"],
  child_process: ["node_child_process"],
  cluster: ["node_cluster"],
  console: ["node_console"],
  constants: ["node_constants"],
  crypto: ["node_crypto"],
  dgram: ["node_dgram"],
  diagnostics_channel: ["node_diagnostics_channel"],
  dns: ["node_dns"],
  "dns/promises": ["node_dns", "promisesModule"],
  domain: ["node_domain"],
  events: ["node_events"],
  fs: ["node_fs", "fs"],
  "fs/promises": ["node_fs", "promises"],
  http: ["node_http"],
  http2: ["node_http2"],
  https: ["node_http", "https"],
  inspector: ["node_inspector"],
  "inspector/promises": ["node_inspector", "promises"],
  module: ["node_module"],
  net: ["node_net"],
  os: ["node_os"],
  perf_hooks: ["node_perf_hooks"],
  path: ["node_path"],
  "path/posix": ["node_path"],
  "path/win32": ["node_path", "win32"],
  process: ["node_process"],
  punycode: ["node_querystring", "punycode"],
  querystring: ["node_querystring"],
  readline: ["node_readline"],
  "readline/promises": ["node_readline", "promises"],
  repl: ["node_repl"],
  sqlite: ["node_sqlite"],
  stream: ["node_stream"],
  "stream/consumers": ["node_stream_consumers"],
  "stream/promises": ["node_stream", "promises"],
  "stream/web": ["node_stream", "web"],
  string_decoder: ["node_string_decoder"],
  sys: ["node_util"],
  test: ["node_test"],
  timers: ["node_timers"],
  "timers/promises": ["node_timers", "promises"],
  tls: ["node_tls"],
  trace_events: ["node_trace_events"],
  tty: ["node_tty"],
  url: ["node_url"],
  util: ["node_util"],
  "util/types": ["node_util", "types"],
  v8: ["node_v8"],
  vm: ["node_vm"],
  wasi: ["node_wasi"],
  worker_threads: ["node_worker_threads"],
  zlib: ["node_zlib"],
};

/// The exports of node:`name` (a module api/node/mod.rs lists), `default` among them.
function moduleExports(name) {
  const [unitName, part] = MODULES[name];
  const exports = core.unit(unitName);
  if (part === undefined) return exports;
  const sub = exports[part];
  return Object.hasOwn(sub, "default") ? sub : { ...sub, default: sub };
}

/// `process.getBuiltinModule(id)`: what `require(id)` would give, or undefined.
function builtinModule(id) {
  validate.string(id, "id");
  const name = id.startsWith("node:") ? id.slice(5) : id;
  // A module whose own flag is off (`enable_nodejs_os_module`, …) is not there at all.
  // workerd gates node:fs here but not node:fs/promises (recorded: snippets-node-fs-before-2025-09-15).
  const gated = name !== "fs/promises" && core.hasFlag(`no_node:${name}`);
  if (!Object.hasOwn(MODULES, name) || gated) return undefined;
  return moduleExports(name).default;
}

return { codes, validate, nodeError, moduleExports, builtinModule };
