// node:tty (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("tty");
export const {
  isatty, ReadStream, WriteStream,
} = m;
export default m.default;
