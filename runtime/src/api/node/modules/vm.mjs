// node:vm (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("vm");
export const {
  Script, createContext, createScript, runInContext, runInNewContext, runInThisContext, isContext,
  compileFunction, measureMemory, constants,
} = m;
export default m.default;
