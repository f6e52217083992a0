// node:wasi (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("wasi");
export const { WASI } = m;
export default m.default;
