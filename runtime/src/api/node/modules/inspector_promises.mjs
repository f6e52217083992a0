// node:inspector/promises (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("inspector/promises");
export const { Network, Session, close, console, open, url, waitForDebugger } = m;
export default m.default;
