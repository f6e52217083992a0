// node:url (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("url");
export const {
  domainToASCII,
  domainToUnicode,
  URL,
  URLSearchParams,
  fileURLToPath,
  pathToFileURL,
  toPathIfFileURL,
  urlToHttpOptions,
  format,
  parse,
  resolve,
  resolveObject,
  Url,
} = m;
export default m.default;
