// node_process: node:process and the `process` global, shaped as workerd's full process object
// (`enable_nodejs_process_v2`): env from the Worker's text bindings (when
// `nodejs_compat_populate_process_env` says so), nextTick, hrtime on the frozen clock.

const { codes, validate } = core.unit("node_internal");
const { EventEmitter } = core.unit("node_events");
const { ERR_METHOD_NOT_IMPLEMENTED, ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_OUT_OF_RANGE } = codes;

const NODE_VERSION = "22.19.0";
const VERSION_KEYS = ["v8", "modules", "zlib", "brotli", "zstd", "ares", "napi", "llhttp", "nghttp2", "acorn", "ada",
  "simdutf", "nbytes", "ncrypto", "uvwasi", "uv", "openssl", "sqlite", "icu", "undici", "simdjson", "unicode", "cldr",
  "tz", "cjs_module_lexer", "amaro", "merve"];
/// The directories workerd's virtual file system has, where `chdir` may go.
const DIRECTORIES = new Set(["/", "/bundle", "/tmp", "/dev"]);
let cwd = "/bundle";

/// `process.env`: the Worker's text bindings (vars and secrets); what is assigned becomes a string.
function makeEnv() {
  const env = {};
  if (core.hasFlag("nodejs_compat_populate_process_env")) {
    for (const [name, value] of Object.entries(core.workerEnv ?? {})) {
      if (typeof value === "string") env[name] = value;
    }
  }
  return new Proxy(env, {
    set(target, key, value) { target[key] = typeof key === "symbol" ? value : String(value); return true; },
    defineProperty(target, key, descriptor) {
      if ("value" in descriptor && typeof key !== "symbol") descriptor = { ...descriptor, value: String(descriptor.value) };
      return Reflect.defineProperty(target, key, descriptor);
    },
  });
}

const nanosNow = () => BigInt(Date.now()) * 1_000_000n;
function hrtime(time) {
  if (time !== undefined) {
    if (!Array.isArray(time)) throw ERR_INVALID_ARG_TYPE("time", "tuple of integers", time);
    if (time.length !== 2) throw ERR_OUT_OF_RANGE("time", "2", time);
  }
  const nanoTime = nanosNow();
  let seconds = Number(nanoTime / 1_000_000_000n);
  let nanos = Number(nanoTime % 1_000_000_000n);
  if (time) {
    seconds -= time[0];
    nanos -= time[1];
    if (nanos < 0) { seconds -= 1; nanos += 1e9; }
  }
  return [seconds, nanos];
}
hrtime.bigint = nanosNow;

function emitWarning(warning, type, code) {
  let name = "Warning";
  if (typeof type === "object" && type !== null) { code = type.code; name = type.type ?? name; }
  else if (typeof type === "string") name = type;
  if (typeof warning === "string") warning = Object.assign(new Error(warning), { name });
  else if (!(warning instanceof Error)) throw ERR_INVALID_ARG_TYPE("warning", ["Error", "string"], warning);
  if (code !== undefined) warning.code = code;
  process.emit("warning", warning);
  console.warn(`${code ? `[${code}] ` : ""}${warning.name}: ${warning.message}`);
}

function umask(mask) {
  if (mask !== undefined) {
    if (typeof mask === "string") {
      if (!/^[0-7]+$/.test(mask)) throw ERR_INVALID_ARG_VALUE("mask", mask, "must be a 32-bit unsigned integer or an octal string");
      mask = parseInt(mask, 8);
    } else if (typeof mask !== "number") throw ERR_INVALID_ARG_TYPE("mask", "number", mask);
    if (mask < 0 || mask > 0xffffffff || !Number.isInteger(mask)) {
      throw ERR_INVALID_ARG_VALUE("mask", mask, "must be a 32-bit unsigned integer or an octal string");
    }
  }
  return 18;
}

function chdir(path) {
  validate.string(path, "directory");
  const target = core.unit("node_path").resolve(cwd, path);
  if (!DIRECTORIES.has(target)) {
    const error = new Error(`no such file or directory, chdir '${path.replace(/^\/+/, "")}'`);
    error.code = "ENOENT";
    throw error;
  }
  cwd = target;
}

const notImplemented = (name) => () => { throw ERR_METHOD_NOT_IMPLEMENTED(`process.${name}`); };
const zeroes = (...keys) => Object.fromEntries(keys.map((k) => [k, 0]));

const process = Object.create(EventEmitter.prototype, {
  [Symbol.toStringTag]: { value: "process", configurable: true },
});
EventEmitter.init.call(process);
Object.assign(process, {
  version: `v${NODE_VERSION}`,
  versions: { node: NODE_VERSION, ...Object.fromEntries(VERSION_KEYS.map((k) => [k, ""])) },
  platform: "linux",
  arch: "x64",
  title: "workerd",
  argv: ["workerd"],
  argv0: "workerd",
  execArgv: [],
  execPath: "",
  pid: 1,
  ppid: 0,
  exitCode: undefined,
  channel: null,
  connected: false,
  debugPort: 0,
  domain: null,
  release: { name: "node", lts: true, sourceUrl: "", headersUrl: "" },
  features: {
    cached_builtins: true, debug: false, inspector: false, ipv6: true, openssl_is_boringssl: true, require_module: false,
    tls: true, tls_alpn: true, tls_ocsp: true, tls_sni: true, typescript: false, uv: true,
  },
  env: makeEnv(),
  noDeprecation: false,
  throwDeprecation: false,
  traceDeprecation: false,
  sourceMapsEnabled: false,
  allowedNodeEnvironmentFlags: new Set(),
  moduleLoadList: [],
  _preload_modules: [],
  _exiting: false,
  cwd: () => cwd,
  chdir,
  umask,
  uptime: () => 0,
  hrtime,
  nextTick(callback, ...args) { queueMicrotask(() => callback(...args)); },
  emitWarning,
  exit(code) {
    ops.exitInvocation(`The Node.js process.exit(${code ?? 0}) API was called. Canceling the request.`);
  },
  reallyExit(code) {
    ops.exitInvocation(`The Node.js process.exit(${code || 0}) API was called. Canceling the request.`);
  },
  abort: notImplemented("abort"),
  kill: notImplemented("kill"),
  _kill: notImplemented("_kill"),
  memoryUsage: Object.assign(() => zeroes("rss", "heapTotal", "heapUsed", "external", "arrayBuffers"), { rss: () => 0 }),
  resourceUsage: () => zeroes("userCPUTime", "systemCPUTime", "maxRSS", "sharedMemorySize", "unsharedDataSize",
    "unsharedStackSize", "minorPageFault", "majorPageFault", "swappedOut", "fsRead", "fsWrite", "ipcSent", "ipcReceived",
    "signalsCount", "voluntaryContextSwitches", "involuntaryContextSwitches"),
  cpuUsage: notImplemented("cpuUsage"),
  threadCpuUsage: notImplemented("threadCpuUsage"),
  constrainedMemory: () => 0,
  availableMemory: () => 0,
  getBuiltinModule: (id) => core.unit("node_internal").builtinModule(id),
  getActiveResourcesInfo: notImplemented("getActiveResourcesInfo"),
  hasUncaughtExceptionCaptureCallback: notImplemented("hasUncaughtExceptionCaptureCallback"),
  setUncaughtExceptionCaptureCallback: notImplemented("setUncaughtExceptionCaptureCallback"),
  setSourceMapsEnabled() {},
  getSourceMapsSupport: () => ({ enabled: false, nodeModules: false, generatedCode: false }),
  ref() {},
  unref() {},
  binding: notImplemented("binding"),
  _linkedBinding: notImplemented("_linkedBinding"),
  dlopen: notImplemented("dlopen"),
  execve: notImplemented("execve"),
  _rawDebug(...args) { console.log(...args); },
  _getActiveRequests: () => [],
  _getActiveHandles: () => [],
  _fatalException: () => false,
  _tickCallback() {},
  _debugProcess() {},
  _debugEnd() {},
  _startProfilerIdleNotifier() {},
  _stopProfilerIdleNotifier() {},
  permission: { has: notImplemented("permission.has") },
  report: {
    compact: false, directory: "", filename: "", getReport: () => ({}), reportOnFatalError: false, reportOnSignal: false,
    reportOnUncaughtException: false, excludeNetwork: false, excludeEnv: false, signal: "SIGUSR2",
    writeReport: notImplemented("report.writeReport"),
  },
  finalization: {
    register: notImplemented("finalization.register"),
    registerBeforeExit: notImplemented("finalization.registerBeforeExit"),
    unregister: notImplemented("finalization.unregister"),
  },
});
// ---------- stdio: as `nohup node w.js < /dev/null` ----------
/// stdout and stderr write whole lines to the Worker's log, `stdout: `/`stderr: ` before each, as
/// workerd's stdio does; a partial line waits for its newline.
function syncWriteStream(fd, level, label) {
  const { Writable } = core.unit("node_stream");
  const { Buffer } = core.unit("node_buffer");
  let pending = "";
  class SyncWriteStream extends Writable {
    constructor() {
      super({ autoDestroy: true });
      this.fd = fd;
      this.readable = false;
      this._type = "fs";
      this._isStdio = true;
    }
    _write(chunk, encoding, callback) {
      pending += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
      const lines = pending.split("\n");
      pending = lines.pop();
      for (const line of lines) ops.log(level, `${label}: ${line}`);
      callback();
    }
  }
  const stream = new SyncWriteStream();
  Object.assign(stream, {
    allowHalfOpen: false, bufferSize: 0, bytesRead: 0, bytesWritten: 0, connecting: false, pending: false,
    readableAborted: false, readableDidRead: false, readableEnded: false, readableHighWaterMark: 16384,
    readableLength: 0, readableObjectMode: false, readyState: "open",
  });
  return stream;
}
function emptyStdin() {
  const { Readable } = core.unit("node_stream");
  const stdin = new Readable({ read() { this.push(null); } });
  Object.assign(stdin, { fd: 0, allowHalfOpen: false, bufferSize: 0, connecting: false, readyState: "open" });
  return stdin;
}
/// Made on first use, so a Worker that never writes to stdio never loads node:stream.
function lazy(name, make) {
  let value;
  Object.defineProperty(process, name, {
    get() { return (value ??= make()); },
    set(v) { value = v; },
    enumerable: true,
    configurable: true,
  });
}
lazy("stdout", () => syncWriteStream(1, "log", "stdout"));
lazy("stderr", () => syncWriteStream(2, "error", "stderr"));
lazy("stdin", emptyStdin);
process.openStdin = () => process.stdin;

for (const name of ["getuid", "geteuid", "getgid", "getegid"]) process[name] = () => 0;
process.getgroups = () => [0];
const notPermitted = () => { throw codes.nodeError(Error, "ERR_EPERM", "operation not permitted", true); };
for (const name of ["setuid", "setgid", "seteuid", "setegid", "setgroups", "initgroups"]) process[name] = notPermitted;
process.send = () => false;
/// The bundle never holds a .env file (workerd's /bundle is the Worker's modules).
process.loadEnvFile = (path = ".env") => {
  const full = core.unit("node_path").resolve(cwd, String(path));
  const error = new Error(`no such file or directory, readAll '${full}'`);
  error.code = "ENOENT";
  throw error;
};
return { process, default: process };
