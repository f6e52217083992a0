// node:domain (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("domain");
export const { Domain, active, create, createDomain } = m;
export default m.default;
