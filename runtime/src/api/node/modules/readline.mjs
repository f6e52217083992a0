// node:readline (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("readline");
export const {
  Interface, clearLine, clearScreenDown, createInterface, cursorTo, emitKeypressEvents, moveCursor, promises,
} = m;
export default m.default;
