// node:timers/promises (api/node/mod.rs): the names its unit exports, as ES exports.
const m = globalThis[Symbol.for("edgesim.node")]("timers/promises");
export const {
  setTimeout,
  setImmediate,
  setInterval,
  scheduler,
} = m;
export default m.default;
