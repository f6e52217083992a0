// node:https (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("https");
export const {
  Agent, globalAgent, Server, createServer, request, get,
} = m;
export default m.default;
