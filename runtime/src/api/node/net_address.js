// node_net, part one (net.js follows it in the same unit): IP addresses — isIP/isIPv4/isIPv6, SocketAddress and BlockList — as
// workerd's node:net has them (texts and quirks recorded in reference/workerd/results/node-net.json).

const { codes, validate, nodeError } = core.unit("node_internal");

const V4_PART = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
const V4 = `(?:${V4_PART}\\.){3}${V4_PART}`;
const V6_PART = "(?:[0-9a-fA-F]{1,4})";
const IPV4 = new RegExp(`^${V4}$`);
const IPV6 = new RegExp(
  "^(?:" +
    `(?:${V6_PART}:){7}(?:${V6_PART}|:)|` +
    `(?:${V6_PART}:){6}(?:${V4}|:${V6_PART}|:)|` +
    `(?:${V6_PART}:){5}(?::${V4}|(?::${V6_PART}){1,2}|:)|` +
    `(?:${V6_PART}:){4}(?:(?::${V6_PART}){0,1}:${V4}|(?::${V6_PART}){1,3}|:)|` +
    `(?:${V6_PART}:){3}(?:(?::${V6_PART}){0,2}:${V4}|(?::${V6_PART}){1,4}|:)|` +
    `(?:${V6_PART}:){2}(?:(?::${V6_PART}){0,3}:${V4}|(?::${V6_PART}){1,5}|:)|` +
    `(?:${V6_PART}:){1}(?:(?::${V6_PART}){0,4}:${V4}|(?::${V6_PART}){1,6}|:)|` +
    `(?::(?:(?::${V6_PART}){0,5}:${V4}|(?::${V6_PART}){1,7}|:))` +
    ")(?:%[0-9a-zA-Z-.:]{1,})?$",
);

const isIPv4 = (input) => IPV4.test(typeof input === "string" ? input : `${input}`);
const isIPv6 = (input) => IPV6.test(typeof input === "string" ? input : `${input}`);
const isIP = (input) => (isIPv4(input) ? 4 : isIPv6(input) ? 6 : 0);

const invalidIp = (what) => nodeError(TypeError, "ERR_INVALID_IP_ADDRESS", `Invalid IP address: ${what}`);

/// workerd's validatePort: a number or numeric string in 0..65535, as a number.
function validatePort(port, name = "Port", allowZero = true) {
  const bad = (typeof port !== "number" && typeof port !== "string") ||
    (typeof port === "string" && port.trim().length === 0) ||
    +port !== +port >>> 0 || +port > 0xffff || (port === 0 && !allowZero);
  if (bad) {
    throw nodeError(Error, "ERR_SOCKET_BAD_PORT",
      `${name} should be ${allowZero ? ">=" : ">"} 0 and < 65536. Received ${typeof port}.`, true);
  }
  return +port | 0;
}

const FAMILIES = ["ipv4", "ipv6"];

class SocketAddress {
  #address; #port; #family; #flowlabel;
  static isSocketAddress(value) { return value instanceof SocketAddress; }

  constructor(options = {}) {
    validate.object(options, "options");
    let family = options.family || "ipv4";
    if (typeof family?.toLowerCase === "function") family = family.toLowerCase();
    validate.oneOf(family, "options.family", FAMILIES);
    const { address = family === "ipv4" ? "127.0.0.1" : "::", port = 0, flowlabel = 0 } = options;
    validate.string(address, "options.address");
    const checkedPort = validatePort(port, "options.port");
    validate.integer(flowlabel, "options.flowlabel", 0, 0xffffffff);
    if (family === "ipv4" ? !isIPv4(address) : !isIPv6(address)) {
      throw nodeError(TypeError, "ERR_INVALID_ADDRESS", "Invalid socket address");
    }
    this.#address = address;
    this.#port = checkedPort;
    this.#family = family;
    this.#flowlabel = flowlabel;
  }

  get address() { return this.#address; }
  get port() { return this.#port; }
  get family() { return this.#family; }
  get flowlabel() { return this.#flowlabel; }
  toJSON() { return { address: this.address, port: this.port, family: this.family, flowlabel: this.flowlabel }; }

  /// `host:port` or `[v6]:port`, or undefined when it is not a socket address.
  static parse(input) {
    validate.string(input, "input");
    try {
      const { hostname, port } = new URL(`http://${input}`);
      if (hostname.startsWith("[") && hostname.endsWith("]")) {
        return new SocketAddress({ address: hostname.slice(1, -1), port: port | 0, family: "ipv6" });
      }
      return new SocketAddress({ address: hostname, port: port | 0 });
    } catch {
      return undefined;
    }
  }
}

// ---------- BlockList: addresses as numbers (IPv6 as BigInt) ----------
const v4Number = (ip) => {
  const parts = ip.split(".").map((p) => parseInt(p, 10));
  if (parts.length !== 4 || parts.some((n) => Number.isNaN(n) || n < 0 || n > 255)) throw invalidIp("Invalid IPv4 address");
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
};

function v6Number(ip) {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return (0xffffn << 32n) | BigInt(v4Number(mapped[1]));
  let groups = ip.split(":");
  const gap = ip.indexOf("::");
  if (gap !== -1) {
    const left = ip.slice(0, gap).split(":").filter((g) => g !== "");
    const right = ip.slice(gap + 2).split(":").filter((g) => g !== "");
    groups = [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  }
  if (groups.length !== 8) throw invalidIp("Invalid IPv6 address");
  return groups.reduce((n, g) => {
    const v = parseInt(g || "0", 16);
    if (!(v >= 0 && v <= 0xffff)) throw invalidIp("Invalid IPv6 address");
    return (n << 16n) | BigInt(v);
  }, 0n);
}

const numberOf = (ip, family) => (family === "ipv4" ? BigInt(v4Number(ip)) : v6Number(ip));
const familyName = (family) => (family === "ipv4" ? "IPv4" : "IPv6");

/// A rule over one family that also answers for IPv4 addresses written as `::ffff:a.b.c.d`.
class Rule {
  constructor(family, text, contains) { this.family = family; this.text = text; this.contains = contains; }
  toString() { return this.text; }
  check(address, family) {
    if (this.family === family) return this.contains(address);
    return this.family === "ipv4" && family === "ipv6" && address.startsWith("::ffff:") && this.contains(address.slice(7));
  }
}

function subnetContains(network, prefix, family) {
  const bits = family === "ipv4" ? 32n : 128n;
  const all = (1n << bits) - 1n;
  const mask = prefix === 0 ? 0n : (all << (bits - BigInt(prefix))) & all;
  const net = numberOf(network, family) & mask;
  return (address) => (numberOf(address, family) & mask) === net;
}

const RULE_TEXT = [
  [/Subnet: IPv4 (\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})/, (l, [, n, p]) => l.addSubnet(n, parseInt(p, 10))],
  [/Address: IPv4 (\d{1,3}(?:\.\d{1,3}){3})/, (l, [, a]) => l.addAddress(a)],
  [/Range: IPv4 (\d{1,3}(?:\.\d{1,3}){3})-(\d{1,3}(?:\.\d{1,3}){3})/, (l, [, s, e]) => l.addRange(s, e)],
  [/Subnet: IPv6 ([0-9a-fA-F:]{1,39})\/(\d{1,3})/i, (l, [, n, p]) => l.addSubnet(n, parseInt(p, 10), "ipv6")],
  [/Address: IPv6 ([0-9a-fA-F:]{1,39})/i, (l, [, a]) => l.addAddress(a, "ipv6")],
  [/Range: IPv6 ([0-9a-fA-F:]{1,39})-([0-9a-fA-F:]{1,39})/i, (l, [, s, e]) => l.addRange(s, e, "ipv6")],
];

class BlockList {
  #rules = [];
  static isBlockList(value) { return value instanceof BlockList; }

  /// `[address, family]` of an argument that is a SocketAddress or a string of `family`.
  #operand(value, name, family) {
    if (SocketAddress.isSocketAddress(value)) return [value.address, value.family];
    validate.string(value, name);
    validate.oneOf(family, "family", FAMILIES);
    return [value, family];
  }

  addAddress(address, family = "ipv4") {
    const [ip, f] = this.#operand(address, "address", family);
    if (!SocketAddress.isSocketAddress(address) && !(f === "ipv4" ? isIPv4(ip) : isIPv6(ip))) {
      throw invalidIp(`Invalid ${familyName(f)} address`);
    }
    this.#rules.push(new Rule(f, `Address: ${familyName(f)} ${ip}`, (a) => a === ip));
  }

  addRange(start, end, family = "ipv4") {
    const [from, f] = this.#operand(start, "start", family);
    let to;
    if (SocketAddress.isSocketAddress(end)) {
      if (SocketAddress.isSocketAddress(start) && end.family !== f) {
        throw codes.ERR_INVALID_ARG_VALUE("end", end, "must be same family as start");
      }
      to = end.address;
    } else {
      validate.string(end, "end");
      to = end;
    }
    const valid = f === "ipv4" ? isIPv4 : isIPv6;
    if (!valid(from) || !valid(to)) throw invalidIp(`Invalid ${familyName(f)} address`);
    const [low, high] = [numberOf(from, f), numberOf(to, f)];
    if (low > high) throw codes.ERR_INVALID_ARG_VALUE("start", from, "must come before end");
    this.#rules.push(new Rule(f, `Range: ${familyName(f)} ${from}-${to}`, (a) => {
      const n = numberOf(a, f);
      return n >= low && n <= high;
    }));
  }

  addSubnet(network, prefix, family = "ipv4") {
    const [net, f] = this.#operand(network, "network", family);
    validate.integer(prefix, "prefix", -(2 ** 31), 2 ** 31 - 1);
    const max = f === "ipv4" ? 32 : 128;
    if (prefix < 0 || prefix > max) throw codes.ERR_OUT_OF_RANGE("prefix", `between 0 and ${max}`, prefix);
    if (!(f === "ipv4" ? isIPv4(net) : isIPv6(net))) throw invalidIp(`Invalid ${familyName(f)} address`);
    this.#rules.push(new Rule(f, `Subnet: ${familyName(f)} ${net}/${prefix}`, subnetContains(net, prefix, f)));
  }

  check(address, family = "ipv4") {
    const [ip, f] = this.#operand(address, "address", family);
    const checked = SocketAddress.isSocketAddress(address) ? f : f.toLowerCase();
    if (!(checked === "ipv4" ? isIPv4(ip) : isIPv6(ip))) return false;
    try {
      return this.#rules.some((rule) => rule.check(ip, checked));
    } catch {
      return false;
    }
  }

  get rules() { return this.#rules.map(String); }
  toJSON() { return this.rules; }

  fromJSON(data) {
    let rules = data;
    if (typeof data === "string") {
      try {
        rules = JSON.parse(data);
      } catch {
        throw codes.ERR_INVALID_ARG_VALUE("data", data, "must be valid JSON");
      }
    }
    validate.array(rules, "data");
    for (const text of rules) {
      for (const [pattern, add] of RULE_TEXT) {
        const match = pattern.exec(text);
        if (match) {
          add(this, match);
          break;
        }
      }
    }
  }
}

// net.js, the unit's other half, uses these names.
