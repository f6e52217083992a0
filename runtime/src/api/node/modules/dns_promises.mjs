// node:dns/promises (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("dns/promises");
export const {
  reverse, resolveTxt, resolveCaa, resolveMx, resolveCname, resolveNs, resolvePtr, resolveSrv,
  resolveSoa, resolveNaptr, resolve4, resolve6, getServers, setServers, getDefaultResultOrder,
  setDefaultResultOrder, lookup, lookupService, resolve, resolveAny, Resolver,
  NODATA, FORMERR, SERVFAIL, NOTFOUND, NOTIMP, REFUSED, BADQUERY, BADNAME, BADFAMILY, BADRESP,
  CONNREFUSED, TIMEOUT, EOF, FILE, NOMEM, DESTRUCTION, BADSTR, BADFLAGS, NONAME, BADHINTS,
  NOTINITIALIZED, LOADIPHLPAPI, ADDRGETNETWORKPARAMS, CANCELLED, ADDRCONFIG, ALL, V4MAPPED,
} = m;
export default m.default;
