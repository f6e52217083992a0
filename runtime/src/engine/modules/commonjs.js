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
