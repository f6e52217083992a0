// node:string_decoder (api/node/mod.rs): the names its unit exports, as ES exports.
const m = globalThis[Symbol.for("edgesim.node")]("string_decoder");
export const {
  StringDecoder,
} = m;
export default m.default;
