// node:querystring (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("querystring");
export const { decode, encode, escape, parse, stringify, unescape, unescapeBuffer } = m;
export default m.default;
