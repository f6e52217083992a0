// How console.* and uncaught errors print values, close to workerd's (V8's) inspection.

const { describeError } = core;

function inspect(v, depth = 0, seen = new Set()) {
  if (typeof v === "string") return depth === 0 ? v : `'${v}'`;
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "symbol" || typeof v !== "object" && typeof v !== "function") return String(v);
  if (v === null) return "null";
  if (typeof v === "function") return v.name ? `[Function: ${v.name}]` : "[Function (anonymous)]";
  if (v instanceof Error) return describeError(v);
  if (seen.has(v)) return "[Circular *1]";
  if (depth > 2) return Array.isArray(v) ? "[Array]" : "[Object]";
  seen.add(v);
  try {
    if (Array.isArray(v)) return v.length === 0 ? "[]" : `[ ${v.map((x) => inspect(x, depth + 1, seen)).join(", ")} ]`;
    if (v instanceof Map) return `Map(${v.size}) { ${[...v].map(([k, x]) => `${inspect(k, depth + 1, seen)} => ${inspect(x, depth + 1, seen)}`).join(", ")} }`;
    if (v instanceof Set) return `Set(${v.size}) { ${[...v].map((x) => inspect(x, depth + 1, seen)).join(", ")} }`;
    if (v instanceof Date) return isNaN(v) ? "Invalid Date" : v.toISOString();
    if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${v.length}) [ ${Array.from(v).slice(0, 100).join(", ")} ]`;
    const keys = Object.keys(v);
    const ctor = v.constructor && v.constructor !== Object ? `${v.constructor.name} ` : "";
    if (keys.length === 0) return `${ctor}{}`;
    const key = (k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`);
    return `${ctor}{ ${keys.map((k) => `${key(k)}: ${inspect(v[k], depth + 1, seen)}`).join(", ")} }`;
  } finally {
    seen.delete(v);
  }
}

function format(args) {
  if (typeof args[0] === "string" && /%[sdifoOjc%]/.test(args[0]) && args.length > 1) {
    let i = 1;
    const first = args[0].replace(/%([sdifoOjc%])/g, (m, f) => {
      if (f === "%") return "%";
      if (i >= args.length) return m;
      const a = args[i++];
      switch (f) {
        case "s": return typeof a === "string" ? a : inspect(a, 1);
        case "d": case "i": return String(f === "i" ? Math.trunc(Number(a)) : Number(a));
        case "f": return String(Number(a));
        case "j": return JSON.stringify(a);
        case "c": return "";
        default: return inspect(a, 1);
      }
    });
    return [first, ...args.slice(i).map((a) => inspect(a))].join(" ");
  }
  return args.map((a) => inspect(a)).join(" ");
}

return { inspect, format };
