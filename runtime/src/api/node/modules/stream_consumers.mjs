// node:stream/consumers (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("stream/consumers");
export const { arrayBuffer, blob, buffer, json, text } = m;
export default m.default;
