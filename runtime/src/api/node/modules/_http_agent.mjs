// node:_http_agent (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("_http_agent");
export const {
  Agent, globalAgent,
} = m;
export default m.default;
