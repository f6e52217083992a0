// node_util, part two: util.format and formatWithOptions (Node's printf-like formatting over
// inspect), and stripVTControlCharacters.

const builtInObjects = new Set(Object.getOwnPropertyNames(globalThis).filter((k) => /^[A-Z][a-zA-Z0-9]+$/.test(k)));
function hasBuiltInToString(value) {
  if (typeof value[Symbol.toPrimitive] === "function") return false;
  if (typeof value.toString !== "function") return true;
  if (Object.hasOwn(value, "toString")) return false;
  let pointer = value;
  do { pointer = Object.getPrototypeOf(pointer); } while (!Object.hasOwn(pointer, "toString"));
  const descriptor = Object.getOwnPropertyDescriptor(pointer, "constructor");
  return descriptor !== undefined && typeof descriptor.value === "function" && builtInObjects.has(descriptor.value.name);
}
function tryStringify(arg) {
  try { return JSON.stringify(arg); } catch (err) {
    if (err instanceof TypeError && /circular/i.test(err.message)) return "[Circular]";
    throw err;
  }
}
function formatWithOptionsInternal(inspectOptions, args) {
  const first = args[0];
  let a = 0;
  let str = "";
  let join = "";
  if (typeof first === "string") {
    if (args.length === 1) return first;
    let tempStr;
    let lastPos = 0;
    for (let i = 0; i < first.length - 1; i++) {
      if (first.charCodeAt(i) !== 37) continue;
      const nextChar = first.charCodeAt(++i);
      if (a + 1 !== args.length) {
        switch (nextChar) {
          case 115: { // s
            const arg = args[++a];
            if (typeof arg === "number") tempStr = formatNumber(arg, false);
            else if (typeof arg === "bigint") tempStr = `${arg}n`;
            else if (typeof arg !== "object" || arg === null || !hasBuiltInToString(arg)) tempStr = String(arg);
            else tempStr = inspect(arg, { ...inspectOptions, depth: 0, colors: false, compact: 3 });
            break;
          }
          case 106: tempStr = tryStringify(args[++a]); break; // j
          case 100: { // d
            const n = args[++a];
            tempStr = typeof n === "bigint" ? `${n}n` : typeof n === "symbol" ? "NaN" : formatNumber(Number(n), false);
            break;
          }
          case 79: tempStr = inspect(args[++a], inspectOptions); break; // O
          case 111: tempStr = inspect(args[++a], { ...inspectOptions, showHidden: true, showProxy: true, depth: 4 }); break; // o
          case 105: { // i
            const n = args[++a];
            tempStr = typeof n === "bigint" ? `${n}n` : typeof n === "symbol" ? "NaN" : formatNumber(Number.parseInt(n), false);
            break;
          }
          case 102: { // f
            const n = args[++a];
            tempStr = typeof n === "symbol" ? "NaN" : formatNumber(Number.parseFloat(n), false);
            break;
          }
          case 99: a += 1; tempStr = ""; break; // c
          case 37: str += first.slice(lastPos, i); lastPos = i + 1; continue; // %
          default: continue;
        }
        if (lastPos !== i - 1) str += first.slice(lastPos, i - 1);
        str += tempStr;
        lastPos = i + 1;
      } else if (nextChar === 37) {
        str += first.slice(lastPos, i);
        lastPos = i + 1;
      }
    }
    if (lastPos !== 0) {
      a++;
      join = " ";
      if (lastPos < first.length) str += first.slice(lastPos);
    }
  }
  while (a < args.length) {
    const value = args[a];
    str += join;
    str += typeof value !== "string" ? inspect(value, inspectOptions) : value;
    join = " ";
    a++;
  }
  return str;
}
function format(...args) { return formatWithOptionsInternal(undefined, args); }
function formatWithOptions(inspectOptions, ...args) {
  validate.object(inspectOptions, "inspectOptions", { nullable: false });
  return formatWithOptionsInternal(inspectOptions, args);
}
function stripVTControlCharacters(str) {
  validate.string(str, "str");
  // eslint-disable-next-line no-control-regex
  return str.replace(/[\u001B\u009B][[\]()#;?]*(?:(?:(?:(?:;[-a-zA-Z\d/#&.:=?%@~_]+)*|[a-zA-Z\d]+(?:;[-a-zA-Z\d/#&.:=?%@~_]*)*)?\u0007)|(?:(?:\d{1,4}(?:;\d{0,4})*)?[\dA-PR-TZcf-ntqry=><~]))/g, "");
}
