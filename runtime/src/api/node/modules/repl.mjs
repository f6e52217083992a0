// node:repl (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("repl");
export const {
  REPLServer, REPL_MODE_SLOPPY, REPL_MODE_STRICT, Recoverable, _builtinLibs, builtinModules, start, writer,
} = m;
export default m.default;
