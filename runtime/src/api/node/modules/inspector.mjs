// node:inspector (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("inspector");
export const { Network, Session, close, console, open, url, waitForDebugger } = m;
export default m.default;
