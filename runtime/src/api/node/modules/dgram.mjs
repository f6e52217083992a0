// node:dgram (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("dgram");
export const { Socket, createSocket } = m;
export default m.default;
