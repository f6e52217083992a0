// node_repl: node:repl as workerd gives it: its names and options are there, a REPL cannot be
// started.

const { codes } = core.unit("node_internal");
const { builtinModules: allBuiltins } = core.unit("node_module");
const { promises } = core.unit("node_readline");

function writer() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("writer"); }
writer.options = {
  showHidden: false, depth: 2, colors: true, customInspect: true, showProxy: true, maxArrayLength: 100,
  maxStringLength: 10000, breakLength: 80, compact: 3, sorted: false, getters: false, numericSeparator: false,
};
function start() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("start"); }

class Recoverable extends SyntaxError {
  constructor(err) {
    super();
    this.err = err;
  }
}

class REPLServer extends promises.Interface {
  constructor() {
    super();
    throw codes.ERR_METHOD_NOT_IMPLEMENTED("REPLServer");
  }
  setupHistory() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("setupHistory"); }
  defineCommand() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("defineCommand"); }
  displayPrompt() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("displayPrompt"); }
  clearBufferedCommand() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("clearBufferedCommand"); }
}

const builtinModules = allBuiltins.filter((m) => m[0] !== "_");
const repl = {
  writer, start, Recoverable, REPLServer, builtinModules, _builtinLibs: builtinModules,
  REPL_MODE_SLOPPY: Symbol("repl-sloppy"), REPL_MODE_STRICT: Symbol("repl-strict"),
};
return { ...repl, default: repl };
