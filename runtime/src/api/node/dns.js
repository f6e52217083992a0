// node_dns, part two: node:dns and node:dns/promises — lookup (A then AAAA, or both), the
// resolve* family, reverse, the result order — as workerd's internal_dns.ts has them, with
// callback forms made by callbackify as in its dns.ts.

const DNS_ORDERS = ["verbatim", "ipv4first", "ipv6first"];
let defaultDnsOrder = "verbatim";
const nextTick = (fn, ...args) => queueMicrotask(() => fn(...args));

const getServers = () => ["1.1.1.1", "2606:4700:4700::1111", "1.0.0.1", "2606:4700:4700::1001"];
function setServers() {
  throw new Error("Not implemented");
}
function setDefaultResultOrder(value) {
  validate.oneOf(value, "dnsOrder", DNS_ORDERS);
  defaultDnsOrder = value;
}
const getDefaultResultOrder = () => defaultDnsOrder;

/// lookup's options: `[family, all, order]`, checked as workerd checks them.
function lookupOptions(options, callback, argumentCount) {
  let family = 0;
  let all = false;
  let order = defaultDnsOrder;
  if (typeof options === "number") {
    validate.function(callback, "callback");
    validate.oneOf(options, "family", [0, 4, 6]);
    family = options;
  } else if (options !== undefined && typeof options !== "object") {
    validate.function(argumentCount === 2 ? options : callback, "callback");
    throw codes.ERR_INVALID_ARG_TYPE("options", ["integer", "object"], options);
  } else {
    validate.function(callback, "callback");
    if (options?.hints != null) {
      validate.number(options.hints, "options.hints");
      throw optionNotImplemented("options.hints");
    }
    if (options?.family != null) {
      if (options.family === "IPv4") family = 4;
      else if (options.family === "IPv6") family = 6;
      else {
        validate.oneOf(options.family, "options.family", [0, 4, 6]);
        family = options.family;
      }
    }
    if (options?.all != null) {
      validate.boolean(options.all, "options.all");
      all = options.all;
    }
    if (options?.verbatim != null) {
      validate.boolean(options.verbatim, "options.verbatim");
      order = options.verbatim ? "verbatim" : "ipv4first";
    }
    if (options?.order != null) {
      validate.oneOf(options.order, "options.order", DNS_ORDERS);
      order = options.order;
    }
  }
  return [family, all, order];
}
const optionNotImplemented = codes.ERR_OPTION_NOT_IMPLEMENTED;

/// The synthetic address a binding's made-up hostname resolves to (Hyperdrive's
/// `<hex>.hyperdrive.local`), else undefined; other names never leave this check.
function magicHostAddress(hostname) {
  if (!hostname.endsWith(".hyperdrive.local") && !hostname.endsWith(".workers.alt")) return undefined;
  return core.unit("sockets").dnsOverrides.get(hostname);
}

function lookup(hostname, options, callback) {
  if (hostname) validate.string(hostname, "hostname");
  if (typeof options === "function") {
    callback = options;
    options = undefined;
  }
  const [family, all, order] = lookupOptions(options, callback, arguments.length);
  if (!hostname) {
    if (all) nextTick(callback, null, []);
    else nextTick(callback, null, null, family === 6 ? 6 : 4);
    return;
  }
  const matched = isIP(hostname);
  if (matched) {
    if (all) nextTick(callback, null, [{ address: hostname, family: matched }]);
    else nextTick(callback, null, hostname, matched);
    return;
  }
  const override = magicHostAddress(hostname);
  if (override !== undefined) {
    // IPv6 asks get the IPv4-mapped form, which connect() maps back.
    const [address, resultFamily] = family === 6 ? [`::ffff:${override}`, 6] : [override, 4];
    queueMicrotask(() => {
      if (all) callback(null, [{ address, family: resultFamily }]);
      else callback(null, address, resultFamily);
    });
    return;
  }
  if (family === 0) {
    const noAnswers = () => ({ Answer: [] });
    Promise.all([sendDnsRequest(hostname, "A").catch(noAnswers), sendDnsRequest(hostname, "AAAA").catch(noAnswers)])
      .then(([v4, v6]) => {
        const ipv4 = (v4.Answer ?? []).map((a) => ({ address: a.data, family: 4 }));
        const ipv6 = (v6.Answer ?? []).map((a) => ({ address: a.data, family: 6 }));
        if (ipv4.length === 0 && ipv6.length === 0) {
          callback(dnsError(hostname, errorCodes.NOTFOUND, "queryA"));
          return;
        }
        const ordered = order === "ipv6first" ? [...ipv6, ...ipv4] : [...ipv4, ...ipv6];
        if (all) callback(null, ordered);
        else callback(null, ordered[0].address, ordered[0].family);
      })
      .catch((error) => nextTick(callback, error));
    return;
  }
  const type = family === 4 ? "A" : "AAAA";
  sendDnsRequest(hostname, type)
    .then((json) => {
      const list = answers(json, hostname, answerQuery(type));
      if (all) callback(null, list.map((a) => ({ address: a.data, family })));
      else callback(null, list.at(0)?.data, family);
    })
    .catch((error) => nextTick(callback, error));
}

/// The syscall an empty answer to a `type` query names (`queryAaaa`; sendDnsRequest's own
/// errors name `queryAAAA`, as workerd's do).
const answerQuery = (type) => `query${type[0]}${type.slice(1).toLowerCase()}`;

/// A resolve* function: the records of `type` for `name`, each made by `shape`.
function resolver(type, shape) {
  const query = answerQuery(type);
  return function (name) {
    validate.string(name, "name");
    return sendDnsRequest(name, type).then((json) => answers(json, name, query).map((a) => shape(a, name)));
  };
}
/// resolve4/resolve6: addresses, or `{ ttl, address }` with `options.ttl`.
const withTtl = (type) => (name, options) => {
  validate.string(name, "name");
  const ttl = !!options?.ttl;
  const override = magicHostAddress(name);
  if (override !== undefined) {
    const address = type === "A" ? override : `::ffff:${override}`;
    return Promise.resolve([ttl ? { ttl: 0, address } : address]);
  }
  return sendDnsRequest(name, type).then((json) =>
    answers(json, name, answerQuery(type)).map((a) => (ttl ? { ttl: a.TTL, address: a.data } : a.data)));
};
const resolvers = {
  resolve4: withTtl("A"),
  resolve6: withTtl("AAAA"),
  resolveCname: resolver("CNAME", ({ data }) => withoutDot(data)),
  resolveCaa: resolver("CAA", ({ data }) => {
    const record = parseCaaRecord(data);
    return { critical: record.critical, [record.field]: record.value };
  }),
  resolveMx: resolver("MX", (answer, name) => normalizeMx(name, answer)),
  resolveNaptr: resolver("NAPTR", ({ data }) => parseNaptrRecord(data)),
  resolveNs: resolver("NS", ({ data }) => withoutDot(data)),
  resolvePtr: resolver("PTR", ({ data }) => withoutDot(data)),
  resolveSrv: resolver("SRV", normalizeSrv),
  resolveTxt: resolver("TXT", normalizeTxt),
  reverse: resolver("PTR", ({ data }) => withoutDot(data)),
  resolveSoa(name) {
    validate.string(name, "name");
    return sendDnsRequest(name, "SOA").then((json) => {
      const first = answers(json, name, "querySoa").at(0);
      if (!first) throw dnsError(name, errorCodes.NOTFOUND, "querySoa");
      return normalizeSoa(first);
    });
  },
  async resolveAny() {
    throw new Error("Not implemented");
  },
  async lookupService() {
    throw new Error("Not implemented");
  },
};
const BY_TYPE = {
  A: "resolve4", AAAA: "resolve6", ANY: "resolveAny", CAA: "resolveCaa", CNAME: "resolveCname",
  MX: "resolveMx", NAPTR: "resolveNaptr", NS: "resolveNs", PTR: "resolvePtr", SOA: "resolveSoa",
  SRV: "resolveSrv", TXT: "resolveTxt",
};
resolvers.resolve = function (name, rrtype) {
  validate.string(name, "name");
  if (!Object.hasOwn(BY_TYPE, rrtype)) throw codes.ERR_INVALID_ARG_VALUE("rrtype", rrtype);
  return resolvers[BY_TYPE[rrtype]](name);
};

const RESOLVER_METHODS = [
  "resolve", "resolve4", "resolve6", "resolveAny", "resolveCaa", "resolveCname", "resolveMx",
  "resolveNaptr", "resolveNs", "resolvePtr", "resolveSoa", "resolveSrv", "resolveTxt", "reverse",
];

/// A Resolver class whose methods are `functions`' (callback or promise forms).
function resolverClass(functions) {
  class Resolver {
    cancel() { throw new Error("Not implemented"); }
    setLocalAddress() { throw new Error("Not implemented"); }
    getServers() { return getServers(); }
    setServers() { setServers(); }
  }
  for (const m of RESOLVER_METHODS) Resolver.prototype[m] = function (...args) { return functions[m](...args); };
  return Resolver;
}

const callbackForms = Object.fromEntries(
  [...RESOLVER_METHODS, "lookupService"].map((m) => [m, callbackify(resolvers[m])]),
);
// The callback forms return nothing, as workerd's Resolver methods do.
const dns = {
  ...callbackForms, lookup, getServers, setServers, getDefaultResultOrder, setDefaultResultOrder,
};
dns.Resolver = resolverClass(Object.fromEntries(RESOLVER_METHODS.map((m) => [m, (...a) => { callbackForms[m](...a); }])));

function promiseLookup(hostname, options) {
  const { promise, resolve, reject } = Promise.withResolvers();
  lookup(hostname, options ?? {}, (error, address, family) => {
    if (error) reject(error);
    else if (Array.isArray(address)) resolve(address);
    else resolve({ address, family });
  });
  return promise;
}
const promises = {
  ...Object.fromEntries([...RESOLVER_METHODS, "lookupService"].map((m) => [m, resolvers[m]])),
  getServers, setServers, getDefaultResultOrder, setDefaultResultOrder, lookup: promiseLookup,
  ...errorCodes,
};
promises.Resolver = resolverClass(resolvers);
dns.promises = promises;
Object.assign(dns, errorCodes);

return { ...dns, default: dns, promisesModule: { ...promises, default: promises } };
