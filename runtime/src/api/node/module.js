// node_module: node:module as workerd's: the list of built-ins, isBuiltin, and createRequire,
// whose require gives a built-in's default export and finds nothing else (a Worker's own
// modules are not loadable by path at run time); the loader hooks throw workerd's "not
// implemented".

const { codes, nodeError } = core.unit("node_internal");
const internal = core.unit("node_internal");

const builtinModules = Object.freeze([
  "_http_agent", "_http_client", "_http_common", "_http_incoming", "_http_outgoing", "_http_server",
  "_stream_duplex", "_stream_passthrough", "_stream_readable", "_stream_transform", "_stream_wrap",
  "_stream_writable", "_tls_common", "_tls_wrap", "assert", "assert/strict", "async_hooks", "buffer",
  "child_process", "cluster", "console", "constants", "crypto", "dgram", "diagnostics_channel", "dns",
  "dns/promises", "domain", "events", "fs", "fs/promises", "http", "http2", "https", "inspector",
  "inspector/promises", "module", "net", "os", "path", "path/posix", "path/win32", "perf_hooks", "process",
  "punycode", "querystring", "readline", "readline/promises", "repl", "stream", "stream/consumers",
  "stream/promises", "stream/web", "string_decoder", "sys", "timers", "timers/promises", "tls",
  "trace_events", "tty", "url", "util", "util/types", "v8", "vm", "wasi", "worker_threads", "zlib",
]);
/// Built-ins that import only with the prefix.
const PREFIX_ONLY = new Set(["sqlite", "test"]);
function isBuiltin(name) {
  if (typeof name !== "string") return false;
  if (name.startsWith("node:")) { const bare = name.slice(5); return builtinModules.includes(bare) || PREFIX_ONLY.has(bare); }
  return builtinModules.includes(name);
}

function createRequire(path) {
  let filename = path instanceof core.URL ? path.href : path;
  if (typeof filename === "string" && filename.startsWith("file:")) {
    try { filename = core.unit("node_url").fileURLToPath(filename); } catch { filename = undefined; }
  }
  if (typeof filename !== "string" || !filename.startsWith("/")) {
    const shown = typeof path === "string" ? path : String(path);
    throw nodeError(TypeError, "ERR_INVALID_ARG_VALUE", `The argument 'path' The argument must be a file URL object, a file URL string, or an absolute path string.. Received '${shown}'`);
  }
  const dir = core.unit("node_path").dirname(filename);
  return function require(id) {
    if (isBuiltin(id)) {
      const exports = internal.builtinModule(id);
      if (exports === undefined) throw new Error(`edgesim does not provide "node:${id.replace(/^node:/, "")}" yet (workerd does, with nodejs_compat)`);
      return exports;
    }
    const resolved = core.unit("node_path").resolve(dir, id).slice(1);
    throw new Error(`No such module "${resolved}".`);
  };
}

const notImplemented = (name) => {
  const f = function () { throw codes.ERR_METHOD_NOT_IMPLEMENTED(`module.${name}`); };
  Object.defineProperty(f, "name", { value: name });
  return f;
};
const Module = notImplemented("Module");
Object.defineProperty(Module, "name", { value: "Module" });
const members = {
  ...Object.fromEntries([
    "Module", "SourceMap", "_debug", "_findPath", "_initPaths", "_load", "_nodeModulePaths",
    "_preloadModules", "_resolveFilename", "_resolveLookupPaths", "findPackageJSON", "findSourceMap",
    "register", "registerHooks", "runMain", "setSourceMapsSupport", "stripTypeScriptTypes",
    "syncBuiltinESMExports", "wrap",
  ].filter((n) => n !== "Module").map((n) => [n, notImplemented(n)])),
  _cache: { __proto__: null },
  _pathCache: { __proto__: null },
  _extensions: { ".js": notImplemented("_extensions.js"), ".json": notImplemented("_extensions.json"), ".node": notImplemented("_extensions.node") },
  globalPaths: [],
  builtinModules,
  constants: { compileCacheStatus: { FAILED: 0, ENABLED: 1, ALREADY_ENABLED: 2, DISABLED: 3 } },
  createRequire,
  enableCompileCache: () => undefined,
  flushCompileCache: () => undefined,
  getCompileCacheDir: () => undefined,
  getSourceMapsSupport: () => ({ enabled: false, nodeModules: false, generatedCode: false }),
  isBuiltin,
};
Object.assign(Module, members, { Module });
return { ...members, Module, default: Module };
