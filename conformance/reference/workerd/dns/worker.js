// The node:dns probe (nodejs_compat): every query goes to cloudflare-dns.com over HTTPS, which
// ../dns.mjs (and edgesim's replay) answer from ./zone.json.
import dns from "node:dns";
import dnsPromises from "node:dns/promises";
import * as dnsNs from "node:dns";
import * as promisesNs from "node:dns/promises";

const shown = (e) => ({ name: e.name, code: e.code, message: e.message, hostname: e.hostname, syscall: e.syscall, errno: e.errno, own: Object.keys(e) });
const error = (f) => {
  try {
    f();
    return "no error";
  } catch (e) {
    return shown(e);
  }
};
const settle = (p) => p.then((value) => ({ value }), (e) => ({ error: shown(e) }));
/// A callback form's answer: [error, ...results].
const callback = (f) => new Promise((resolve) => f((err, ...rest) => resolve(err ? { error: shown(err) } : { value: rest })));

const CASES = {
  exports: () => ({
    dns: Object.keys(dnsNs).sort(), promises: Object.keys(promisesNs).sort(),
    defaultKeys: Object.keys(dns).sort(), servers: dns.getServers(), order: dns.getDefaultResultOrder(),
    same: dns.promises.resolve4 === dnsPromises.resolve4, codes: [dns.NOTFOUND, dns.ADDRCONFIG, dnsPromises.BADRESP],
  }),
  argumentErrors: () => ({
    hostname: error(() => dns.lookup(5, () => {})),
    callback: error(() => dns.lookup("example.test")),
    family: error(() => dns.lookup("example.test", 5, () => {})),
    optionsType: error(() => dns.lookup("example.test", "x", () => {})),
    hints: error(() => dns.lookup("example.test", { hints: 1 }, () => {})),
    optionFamily: error(() => dns.lookup("example.test", { family: 3 }, () => {})),
    order: error(() => dns.lookup("example.test", { order: "x" }, () => {})),
    all: error(() => dns.lookup("example.test", { all: 1 }, () => {})),
    setOrder: error(() => dns.setDefaultResultOrder("x")),
    setServers: error(() => dns.setServers(["1.1.1.1"])),
    resolveName: error(() => dnsPromises.resolve4(5)),
    rrtype: error(() => dnsPromises.resolve("example.test", "BAD")),
    callbackName: error(() => dns.resolve4(5, () => {})),
    cancel: error(() => new dns.Resolver().cancel()),
  }),
  async lookups() {
    return {
      ip4: await callback((cb) => dns.lookup("192.0.2.7", cb)),
      ip6All: await callback((cb) => dns.lookup("::1", { all: true }, cb)),
      empty: await callback((cb) => dns.lookup("", cb)),
      emptyAll: await callback((cb) => dns.lookup("", { all: true }, cb)),
      any: await callback((cb) => dns.lookup("example.test", cb)),
      all: await callback((cb) => dns.lookup("example.test", { all: true }, cb)),
      v6first: await callback((cb) => dns.lookup("example.test", { all: true, order: "ipv6first" }, cb)),
      family4: await callback((cb) => dns.lookup("example.test", 4, cb)),
      family6All: await callback((cb) => dns.lookup("example.test", { family: "IPv6", all: true }, cb)),
      v6only: await callback((cb) => dns.lookup("v6only.test", cb)),
      alias: await callback((cb) => dns.lookup("alias.test", { all: true }, cb)),
      missing: await callback((cb) => dns.lookup("missing.test", cb)),
      missing4: await callback((cb) => dns.lookup("missing.test", 4, cb)),
      promise: await settle(dnsPromises.lookup("example.test")),
      promiseAll: await settle(dnsPromises.lookup("example.test", { all: true })),
    };
  },
  async records() {
    return {
      a: await settle(dnsPromises.resolve4("example.test")),
      aTtl: await settle(dnsPromises.resolve4("example.test", { ttl: true })),
      aaaaTtl: await settle(dnsPromises.resolve6("example.test", { ttl: true })),
      mx: await settle(dnsPromises.resolveMx("example.test")),
      txt: await settle(dnsPromises.resolveTxt("example.test")),
      ns: await settle(dnsPromises.resolveNs("example.test")),
      soa: await settle(dnsPromises.resolveSoa("example.test")),
      cname: await settle(dnsPromises.resolveCname("alias.test")),
      srv: await settle(dnsPromises.resolveSrv("_sip._udp.example.test")),
      ptr: await settle(dnsPromises.resolvePtr("1.2.0.192.in-addr.arpa")),
      reverse: await settle(dnsPromises.reverse("1.2.0.192.in-addr.arpa")),
      caa: await settle(dnsPromises.resolveCaa("example.test")),
      naptr: await settle(dnsPromises.resolveNaptr("example.test")),
      viaResolve: await settle(dnsPromises.resolve("example.test", "MX")),
      resolver: await settle(new dnsPromises.Resolver().resolveNs("example.test")),
    };
  },
  async failures() {
    return {
      missing: await settle(dnsPromises.resolve4("missing.test")),
      status: await settle(dnsPromises.resolve4("broken.test")),
      errorBody: await settle(dnsPromises.resolve4("refused.test")),
      notJson: await settle(dnsPromises.resolve4("garbage.test")),
      emptyName: await settle(dnsPromises.resolve4("empty-name.test")),
      badCaa: await settle(dnsPromises.resolveCaa("badcaa.test")),
      any: await settle(dnsPromises.resolveAny("example.test")),
      service: await settle(dnsPromises.lookupService("127.0.0.1", 22)),
      noMx: await settle(dnsPromises.resolveMx("v6only.test")),
    };
  },
  async callbacks() {
    return {
      resolve4: await callback((cb) => dns.resolve4("example.test", cb)),
      ttl: await callback((cb) => dns.resolve4("example.test", { ttl: true }, cb)),
      txt: await callback((cb) => dns.resolveTxt("example.test", cb)),
      missing: await callback((cb) => dns.resolveMx("missing.test", cb)),
      resolver: await callback((cb) => new dns.Resolver().resolve6("example.test", cb)),
      resolverReturns: typeof new dns.Resolver().resolve4("example.test", () => {}),
      any: await callback((cb) => dns.resolveAny("example.test", cb)),
    };
  },
  order() {
    dns.setDefaultResultOrder("ipv6first");
    const after = dns.getDefaultResultOrder();
    return callback((cb) => dns.lookup("example.test", cb)).then((v) => {
      dns.setDefaultResultOrder("verbatim");
      return { after, lookup: v, promisesOrder: dnsPromises.getDefaultResultOrder() };
    });
  },
};

export default {
  async fetch(request) {
    const name = new URL(request.url).searchParams.get("name");
    try {
      return Response.json(await CASES[name]());
    } catch (e) {
      return Response.json({ uncaught: shown(e) });
    }
  },
};
