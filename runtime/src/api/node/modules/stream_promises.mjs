// node:stream/promises (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("stream/promises");
export const { pipeline, finished } = m;
export default m.default;
