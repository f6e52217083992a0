// node:path/win32 (api/node/mod.rs): the names its unit exports, as ES exports.
const m = globalThis[Symbol.for("edgesim.node")]("path/win32");
export const {
  resolve,
  normalize,
  isAbsolute,
  join,
  relative,
  toNamespacedPath,
  dirname,
  basename,
  extname,
  format,
  parse,
  sep,
  delimiter,
  posix,
  win32,
  matchesGlob,
} = m;
export default m.default;
