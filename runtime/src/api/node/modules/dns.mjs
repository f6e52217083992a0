// node:dns (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("dns");
export const {
  getServers, lookup, lookupService, resolve, resolve4, resolve6, resolveAny, resolveCname, resolveCaa,
  resolveMx, resolveNaptr, resolveNs, resolvePtr, resolveSoa, resolveSrv, resolveTxt, reverse,
  setDefaultResultOrder, getDefaultResultOrder, setServers, Resolver, promises,
  NODATA, FORMERR, SERVFAIL, NOTFOUND, NOTIMP, REFUSED, BADQUERY, BADNAME, BADFAMILY, BADRESP,
  CONNREFUSED, TIMEOUT, EOF, FILE, NOMEM, DESTRUCTION, BADSTR, BADFLAGS, NONAME, BADHINTS,
  NOTINITIALIZED, LOADIPHLPAPI, ADDRGETNETWORKPARAMS, CANCELLED, ADDRCONFIG, ALL, V4MAPPED,
} = m;
export default m.default;
