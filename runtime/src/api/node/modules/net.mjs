// node:net (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("net");
export const {
  BlockList, SocketAddress, Stream, Server, Socket, connect, createConnection, createServer,
  getDefaultAutoSelectFamily, setDefaultAutoSelectFamily, getDefaultAutoSelectFamilyAttemptTimeout,
  setDefaultAutoSelectFamilyAttemptTimeout, isIP, isIPv4, isIPv6, _normalizeArgs,
} = m;
export default m.default;
