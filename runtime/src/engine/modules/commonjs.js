// edgesim:commonjs: how a CommonJS file runs inside the module graph (commonjs.rs), with
// esbuild's semantics: a factory `(exports, require, module)` run once, on first use, with
// `this` = `exports`; `require` of an ES module gives a copy of its namespace marked
// `__esModule`; a `require` nothing could resolve fails when it runs, with esbuild's text.

function toCommonJs(namespace) {
  const out = Object.defineProperty({}, "__esModule", { value: true });
  for (const key of Object.keys(namespace)) {
    Object.defineProperty(out, key, { get: () => namespace[key], enumerable: true });
  }
  return out;
}

/// esbuild's `__toESM` for `import * as ns` of a CommonJS module: an object (of the exports'
/// prototype) with each of their own properties, read live, and `default` = the exports unless
/// they say `__esModule` outside Node's mode.
export function namespaceOf(exports, nodeMode) {
  if (exports === null || typeof exports !== "object" && typeof exports !== "function") return { default: exports };
  const target = Object.create(Object.getPrototypeOf(exports));
  const exportsAsDefault = nodeMode || !exports.__esModule;
  if (exportsAsDefault) Object.defineProperty(target, "default", { value: exports, enumerable: true });
  for (const key of Object.getOwnPropertyNames(exports)) {
    if (key === "default" && exportsAsDefault) continue;
    const enumerable = Object.getOwnPropertyDescriptor(exports, key)?.enumerable ?? true;
    Object.defineProperty(target, key, { get: () => exports[key], enumerable });
  }
  return target;
}

export function define(table, factory) {
  let module = null;
  const require = (specifier) => {
    const entry = Object.prototype.hasOwnProperty.call(table, specifier)
      ? table[specifier]
      : undefined;
    if (entry === undefined) {
      throw new Error(`Dynamic require of "${specifier}" is not supported`);
    }
    const [kind, get] = entry;
    if (kind === "commonjs") return get().load();
    if (kind === "default") return get();
    return toCommonJs(get());
  };
  return {
    load() {
      if (module === null) {
        module = { exports: {} };
        factory.call(module.exports, module.exports, require, module);
      }
      return module.exports;
    },
  };
}
