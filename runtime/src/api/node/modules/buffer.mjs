// node:buffer (api/node/mod.rs): the names its unit exports, as ES exports.
const m = globalThis[Symbol.for("edgesim.node")]("buffer");
export const {
  Buffer,
  SlowBuffer,
  constants,
  kMaxLength,
  kStringMaxLength,
  INSPECT_MAX_BYTES,
  isAscii,
  isUtf8,
  transcode,
  atob,
  btoa,
  resolveObjectURL,
  Blob,
  File,
} = m;
export default m.default;
