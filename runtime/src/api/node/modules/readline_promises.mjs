// node:readline/promises (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("readline/promises");
export const { Interface, Readline, createInterface } = m;
export default m.default;
