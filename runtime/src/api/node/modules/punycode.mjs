// node:punycode (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("punycode");
export const { version, ucs2, decode, encode, toASCII, toUnicode } = m;
export default m.default;
