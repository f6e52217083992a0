// ---------- how vitest writes values: snapshots (pretty-format) and messages (loupe) ----------
//
// Snapshots are compared as text, so the text must be vitest's to the character: pretty-format
// with vitest's snapshot defaults (`printBasicPrototype: false`, `escapeString: false`, keys
// sorted, two-space indent, a trailing comma on every line of a multi-line value). Messages
// ("expected 2 to be 3") use chai's inspection (loupe): single-quoted strings, `{ a: 1 }`.

const TYPED_ARRAYS = new Set(["Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array",
  "Int32Array", "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array"]);

const classNameOf = (value) => {
  const proto = Object.getPrototypeOf(value);
  if (proto === null) return "Object";
  return (proto.constructor && proto.constructor.name) || "Object";
};
const isBasic = (name) => name === "Object" || name === "Array";

function formatNumber(value) {
  return Object.is(value, -0) ? "-0" : String(value);
}

function formatPrimitive(value, escapeRegex) {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean": return String(value);
    case "number": return formatNumber(value);
    case "bigint": return `${value}n`;
    case "string": return `"${value}"`;
    case "symbol": return String(value);
    case "function": return "[Function]";
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Date { NaN }" : value.toISOString();
  if (value instanceof RegExp) {
    const text = String(value);
    return escapeRegex ? text.replace(/[\\^$*+?.()|[\]{}]/g, "\\$&") : text;
  }
  if (value instanceof Error) return `[${Object.prototype.toString.call(value) === "[object Error]" ? value.name : "Error"}: ${value.message}]`;
  return null;
}

/// pretty-format's `format(value, { printBasicPrototype: false, escapeString: false })`, as
/// vitest serialises snapshots.
function prettyFormat(value, options = {}) {
  const indentUnit = " ".repeat(options.indent ?? 2);
  const min = options.min === true;
  const seen = [];
  const print = (val, indentation) => {
    const primitive = formatPrimitive(val, options.escapeRegex === true);
    if (primitive !== null) return primitive;
    if (seen.includes(val)) return "[Circular]";
    seen.push(val);
    try {
      return printComplex(val, indentation);
    } finally {
      seen.pop();
    }
  };
  const block = (open, items, close, indentation) => {
    if (items.length === 0) return `${open}${close}`;
    if (min) return `${open}${items.join(", ")}${close}`;
    const inner = indentation + indentUnit;
    return `${open}\n${items.map((i) => `${inner}${i},`).join("\n")}\n${indentation}${close}`;
  };
  const printComplex = (val, indentation) => {
    const inner = indentation + indentUnit;
    const name = classNameOf(val);
    const prefix = (kind) => (min || isBasic(kind) ? "" : `${kind} `);
    if (Array.isArray(val)) {
      return prefix(name) + block("[", val.map((v) => print(v, inner)), "]", indentation);
    }
    if (TYPED_ARRAYS.has(name)) {
      return `${name} ` + block("[", Array.from(val, (v) => print(v, inner)), "]", indentation);
    }
    if (val instanceof ArrayBuffer) {
      return "ArrayBuffer " + block("[", Array.from(new Uint8Array(val), (v) => print(v, inner)), "]", indentation);
    }
    if (val instanceof Map) {
      const items = [...val].map(([k, v]) => `${print(k, inner)} => ${print(v, inner)}`);
      return `${min ? "" : "Map "}` + block("{", items, "}", indentation);
    }
    if (val instanceof Set) {
      return `${min ? "" : "Set "}` + block("{", [...val].map((v) => print(v, inner)), "}", indentation);
    }
    if (typeof val.asymmetricMatch === "function" && typeof val.toAsymmetricMatcher === "function") {
      return val.toAsymmetricMatcher((v) => print(v, indentation));
    }
    const keys = Object.keys(val).sort();
    const symbols = Object.getOwnPropertySymbols(val).filter((s) => Object.getOwnPropertyDescriptor(val, s).enumerable);
    const items = keys.map((k) => `${print(k, inner)}: ${print(val[k], inner)}`)
      .concat(symbols.map((s) => `${print(s, inner)}: ${print(val[s], inner)}`));
    return prefix(name) + block("{", items, "}", indentation);
  };
  return print(value, "");
}

/// The snapshot text of `value`: pretty-format's, with a line break around a multi-line one
/// (vitest's addExtraLineBreaks).
function serializeSnapshot(value) {
  const text = prettyFormat(value, { escapeRegex: true }).replace(/\r\n|\r/g, "\n");
  return text.includes("\n") ? `\n${text}\n` : text;
}

/// An inline snapshot as written, its common indentation taken off: vitest compares what is
/// left (trimmed) with the value's snapshot text (trimmed). Only a snapshot whose first and
/// last lines are blank and whose other lines all start with the first one's indentation loses
/// it; any other is left as written.
function stripSnapshotIndentation(inline) {
  const indentation = /^([^\S\n]*)\S/m.exec(inline)?.[1];
  if (!indentation) return inline;
  const lines = inline.split("\n");
  if (lines.length <= 2 || lines[0].trim() !== "" || lines[lines.length - 1].trim() !== "") return inline;
  for (let i = 1; i < lines.length - 1; i++) {
    if (lines[i] === "") continue;
    if (!lines[i].startsWith(indentation)) return inline;
    lines[i] = lines[i].slice(indentation.length);
  }
  lines[lines.length - 1] = "";
  return lines.join("\n");
}

/// loupe's inspection, as chai writes values into "expected … to …" messages.
function inspectValue(value, depth = 0) {
  if (typeof value === "string") return `'${value.replace(/'/g, "\\'")}'`;
  if (typeof value === "function") return value.name ? `[Function ${value.name}]` : "[Function]";
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  const primitive = formatPrimitive(value, false);
  if (primitive !== null) return primitive;
  if (depth > 2) return Array.isArray(value) ? "[Array]" : "[Object]";
  if (Array.isArray(value)) {
    return value.length === 0 ? "[]" : `[ ${value.map((v) => inspectValue(v, depth + 1)).join(", ")} ]`;
  }
  if (value instanceof Map) {
    const items = [...value].map(([k, v]) => `${inspectValue(k, depth + 1)} => ${inspectValue(v, depth + 1)}`);
    return items.length === 0 ? "Map{}" : `Map{ ${items.join(", ")} }`;
  }
  if (value instanceof Set) {
    const items = [...value].map((v) => inspectValue(v, depth + 1));
    return items.length === 0 ? "Set{}" : `Set{ ${items.join(", ")} }`;
  }
  const name = classNameOf(value);
  const keys = Object.keys(value);
  const body = keys.map((k) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`}: ${inspectValue(value[k], depth + 1)}`);
  const shown = body.length === 0 ? "{}" : `{ ${body.join(", ")} }`;
  return name === "Object" ? shown : `${name}${shown}`;
}

/// The lines of a failed comparison as vitest prints them: `- Expected` / `+ Received`, then
/// the two values line by line, unchanged lines kept as context.
function diffLines(expected, received) {
  const a = expected.split("\n");
  const b = received.split("\n");
  // Longest common subsequence over lines: values in tests are small.
  const table = Array.from({ length: a.length + 1 }, () => new Array(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  const out = ["- Expected", "+ Received", ""];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (i < a.length && (j === b.length || table[i + 1][j] >= table[i][j + 1])) {
      out.push(`- ${a[i++]}`);
    } else {
      out.push(`+ ${b[j++]}`);
    }
  }
  return out.join("\n");
}

/// The diff of two values as vitest shows it under a failed assertion, or null when their
/// printed forms are the same (a diff would say nothing).
function diffValues(expected, received) {
  const e = typeof expected === "string" && typeof received === "string" ? expected : prettyFormat(expected);
  const r = typeof expected === "string" && typeof received === "string" ? received : prettyFormat(received);
  if (e === r) return null;
  return diffLines(e, r);
}
