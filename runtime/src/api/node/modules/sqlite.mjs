// node:sqlite (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("sqlite");
export const { DatabaseSync, StatementSync, backup, constants } = m;
export default m.default;
