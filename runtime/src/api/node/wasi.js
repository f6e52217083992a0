// node_wasi: node:wasi as workerd gives it: the options are checked as Node checks them, and
// then a WASI instance is refused.

const { codes, validate } = core.unit("node_internal");
const INT32_MAX = 2147483647;

class WASI {
  constructor(options = { version: "unstable" }) {
    validate.object(options, "options");
    validate.oneOf(options.version, "options.version", ["unstable", "preview1"]);
    if (options.args !== undefined) validate.array(options.args, "options.args");
    if (options.env !== undefined) validate.object(options.env, "options.env");
    if (options.preopens !== undefined) validate.object(options.preopens, "options.preopens");
    const { stdin = 0, stdout = 1, stderr = 2 } = options;
    validate.integer(stdin, "options.stdin", 0, INT32_MAX);
    validate.integer(stdout, "options.stdout", 0, INT32_MAX);
    validate.integer(stderr, "options.stderr", 0, INT32_MAX);
    if (options.returnOnExit !== undefined) validate.boolean(options.returnOnExit, "options.returnOnExit");
    throw codes.ERR_METHOD_NOT_IMPLEMENTED("WASI");
  }
  finalizeBindings() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("WASI.finalizeBindings"); }
  start() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("WASI.start"); }
  initialize() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("WASI.initialize"); }
  getImportObject() { return {}; }
}

const wasi = { WASI };
return { ...wasi, default: wasi };
