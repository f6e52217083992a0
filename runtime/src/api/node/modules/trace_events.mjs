// node:trace_events (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("trace_events");
export const { createTracing, getEnabledCategories } = m;
export default m.default;
