// ---------- WebAssembly: the JS API over wasmi (api/wasm/*.rs) ----------
//
// Each object's native handle (handle.rs) is kept in `handles`, not in a private field, so that
// the objects an instance exports can be made without running the constructors' checks. Values are
// coerced here, as the JS API says, before they cross into Rust and after they come back; a
// store's JavaScript half (`storeObject`) holds the functions its instances import and the
// JavaScript values it holds as `externref`s.

const { G, define } = core;

const INTERNAL = Symbol("internal");
const MAX_PAGES = 65536;
const MAX_TABLE = 10000000;

class CompileError extends Error {}
class LinkError extends Error {}
class RuntimeError extends Error {}
for (const E of [CompileError, LinkError, RuntimeError]) {
  Object.defineProperty(E.prototype, "name", { value: E.name, writable: true, configurable: true });
}
const ERRORS = { CompileError, LinkError, RuntimeError, TypeError, RangeError };
const makeError = (kind, message) => new ERRORS[kind](message);

/// A store's JavaScript half: its instances' imports by index, its external references.
function storeObject() {
  const refs = [], indices = new Map();
  return {
    imports: [],
    ref(v) {
      let i = indices.get(v);
      if (i === undefined) { i = refs.length; refs.push(v); indices.set(v, i); }
      return i;
    },
    deref: (i) => refs[i],
  };
}
/// The store every `new Memory/Table/Global` goes in (ops.rs `SharedStore`).
const shared = storeObject();

/// Each object's native handle; an Instance's is its exports object.
const handles = new WeakMap();
const handleOf = (v) => (typeof v === "object" || typeof v === "function") && v !== null ? handles.get(v) : undefined;

// ---- values ----

const incompatible = () => new TypeError("type incompatibility when transforming from/to JS");

function toWasm(type, v, store) {
  switch (type) {
    case "i32": return v | 0;
    case "i64":
      if (typeof v === "number") throw new TypeError(`Cannot convert ${v} to a BigInt`);
      return BigInt.asIntN(64, BigInt(v));
    case "f32": return Math.fround(+v);
    case "f64": return +v;
    case "externref": return v === null ? null : store.ref(v);
    case "anyfunc": {
      if (v === null) return null;
      const h = typeof v === "function" ? handleOf(v) : undefined;
      if (h === undefined) throw incompatible();
      return h;
    }
    default: throw incompatible();
  }
}

function fromWasm(type, v, store) {
  if (type === "externref") return v === null ? null : store.deref(v);
  if (type === "anyfunc") return v === null ? null : exportedFunction(v);
  return v;
}

function resultsToWasm(types, r, store) {
  if (types.length === 0) return [];
  if (types.length === 1) return [toWasm(types[0], r, store)];
  const values = [...r];
  if (values.length !== types.length) throw new TypeError("multi-return length mismatch");
  return values.map((v, i) => toWasm(types[i], v, store));
}

// ---- functions ----

/// The JavaScript function for a WebAssembly function: named by its index in its module's
/// function space as V8 names them (`index` is known for an instance's exports; wasmi does
/// not tell it for a function read from a table), taking as many parameters as it declares.
function exportedFunction(h, index) {
  const [params, results] = ops.wasmFuncType(h);
  const store = ops.wasmStoreOf(h);
  const f = function (...args) {
    const values = params.map((t, i) => toWasm(t, args[i], store));
    const out = ops.wasmCall(h, values, makeError);
    if (results.length === 0) return undefined;
    if (results.length === 1) return fromWasm(results[0], out[0], store);
    return out.map((v, i) => fromWasm(results[i], v, store));
  };
  Object.defineProperty(f, "name", { value: index === undefined || index === null ? "" : String(index) });
  Object.defineProperty(f, "length", { value: params.length });
  handles.set(f, h);
  return f;
}

/// The function a store calls for import `f`: references converted, results coerced.
function importAdapter(f, [params, results], store) {
  return (...args) => {
    const r = f(...args.map((a, i) => fromWasm(params[i], a, store)));
    return resultsToWasm(results, r, store);
  };
}

// ---- Module ----

const disallowed = (api) => new CompileError(`WebAssembly.${api}(): Wasm code generation disallowed by embedder`);

class Module {
  constructor(bytes, internal) {
    if (internal !== INTERNAL) throw disallowed("Module");
    handles.set(this, bytes);
  }
  static exports(module) {
    return ops.wasmModuleExports(moduleHandle(module, "Module.exports")).map(([name, kind]) => ({ name, kind }));
  }
  static imports(module) {
    return ops.wasmModuleImports(moduleHandle(module, "Module.imports"))
      .map(([module, name, kind]) => ({ module, name, kind }));
  }
  static customSections(module, name) {
    const h = moduleHandle(module, "Module.customSections");
    if (name === undefined) throw new TypeError("WebAssembly.Module.customSections(): Argument 1 is required");
    return ops.wasmCustomSections(h, String(name));
  }
}
function moduleHandle(module, api) {
  if (!(module instanceof Module)) throw new TypeError(`WebAssembly.${api}(): Argument 0 must be a WebAssembly.Module`);
  return handleOf(module);
}

// ---- Instance ----

function isObjectLike(v) {
  return (typeof v === "object" && v !== null) || typeof v === "function";
}

/// Looks up each import of `module` in `importObject` and checks it as V8 does; `api` names
/// the caller in the messages.
function resolveImports(h, importObject, api) {
  const imports = ops.wasmModuleImports(h);
  if (importObject !== undefined && !isObjectLike(importObject)) {
    throw new TypeError(`WebAssembly.${api}(): Argument 1 must be an object`);
  }
  if (imports.length > 0 && importObject === undefined) {
    throw new TypeError(`WebAssembly.${api}(): Imports argument must be present and must be an object`);
  }
  const fresh = storeObject();
  const values = [], linked = [];
  imports.forEach(([mod, name, kind, type], i) => {
    const namespace = importObject[mod];
    if (!isObjectLike(namespace)) {
      throw new TypeError(`WebAssembly.${api}(): Import #${i} "${mod}": module is not an object or function`);
    }
    const v = namespace[name];
    const where = `WebAssembly.${api}(): Import #${i} "${mod}" "${name}"`;
    const h = handleOf(v);
    switch (kind) {
      case "function":
        if (typeof v !== "function") throw new LinkError(`${where}: function import requires a callable`);
        values.push(v);
        linked.push(h);
        break;
      case "memory":
        if (!(v instanceof Memory)) throw new LinkError(`${where}: memory import must be a WebAssembly.Memory object`);
        values.push(undefined); linked.push(h);
        break;
      case "table":
        if (!(v instanceof Table)) throw new LinkError(`${where}: table import requires a WebAssembly.Table`);
        values.push(undefined); linked.push(h);
        break;
      case "global": {
        const [valueType, mutable] = type;
        if (v instanceof Global) {
          const [ownType, ownMutable] = ops.wasmGlobalType(h);
          if (ownType !== valueType || ownMutable !== mutable) {
            throw new LinkError(`${where}: imported global does not match the expected type`);
          }
          values.push(undefined); linked.push(h);
          break;
        }
        if (mutable) throw new LinkError(`${where}: imported mutable global must be a WebAssembly.Global object`);
        const ok = valueType === "i64" ? typeof v === "bigint"
          : valueType === "externref" || valueType === "anyfunc" ? true
          : typeof v === "number";
        if (!ok) throw new LinkError(`${where}: global import must be a number, valid Wasm reference, or WebAssembly.Global object`);
        values.push(v); linked.push(undefined);
        break;
      }
    }
  });
  return { imports, values, linked, fresh };
}

function instantiate(h, importObject, api) {
  const { imports, values, linked, fresh } = resolveImports(h, importObject, api);
  // The store's JavaScript half is known once Rust has chosen the store: adapters and
  // references are made against it.
  const pending = imports.map(([, , kind, type], i) => [kind, type, values[i]]);
  const target = linked.find((x, i) => x !== undefined && imports[i][2] !== "function");
  const store = target !== undefined ? ops.wasmStoreOf(target) : fresh;
  const prepared = pending.map(([kind, type, v]) =>
    kind === "function" ? importAdapter(v, type, store)
      : kind === "global" && v !== undefined ? toWasm(type[0], v, store)
      : v);
  let exports;
  try {
    exports = ops.wasmInstantiate(h, prepared, linked, fresh, makeError);
  } catch (e) {
    if (e instanceof LinkError || e instanceof RuntimeError) e.message = e.message.replace("WebAssembly.Instance()", `WebAssembly.${api}()`);
    throw e;
  }
  const object = Object.create(null);
  for (const [name, kind, eh, index] of exports) object[name] = exportOf(kind, eh, index);
  return Object.freeze(object);
}

function exportOf(kind, h, index) {
  switch (kind) {
    case "function": return exportedFunction(h, index);
    case "memory": return wrap(Memory, h);
    case "table": return wrap(Table, h);
    default: return wrap(Global, h);
  }
}

/// An object of `Class` for an existing native object (no constructor checks).
function wrap(Class, h) {
  const object = Object.create(Class.prototype);
  handles.set(object, h);
  return object;
}

/// The handle of `object`, which must be a `Class` made here; `api` names the caller as V8
/// does (`WebAssembly.Memory.grow()`, but `WebAssembly.Memory.buffer` for a getter).
function own(object, Class, api, call = "()", prefix = "") {
  const h = object instanceof Class ? handleOf(object) : undefined;
  if (h === undefined) throw new TypeError(`${prefix}WebAssembly.${api}${call}: Receiver is not a WebAssembly.${Class.name}`);
  return h;
}

class Instance {
  constructor(module, importObject) {
    if (!(module instanceof Module)) throw new TypeError("WebAssembly.Instance(): Argument 0 must be a WebAssembly.Module");
    handles.set(this, instantiate(handleOf(module), importObject, "Instance"));
  }
  get exports() { return own(this, Instance, "Instance.exports"); }
}
const newInstance = (module, importObject, api) => wrap(Instance, instantiate(handleOf(module), importObject, api));

// ---- Memory ----

/// `descriptor[name]` as the JS API reads a limit: ToNumber, then V8's checks in V8's order.
function limit(api, descriptor, name, required, upper) {
  const v = descriptor[name];
  if (v === undefined) {
    if (required) throw new TypeError(`WebAssembly.${api}(): Property '${name}' is required`);
    return undefined;
  }
  const n = Number(v);
  if (!Number.isFinite(n)) {
    throw new TypeError(`WebAssembly.${api}(): Property '${name}' must be convertible to a valid number`);
  }
  if (n < 0) throw new TypeError(`WebAssembly.${api}(): Property '${name}' must be non-negative`);
  const value = Math.trunc(n);
  if (value > upper) {
    throw new RangeError(`WebAssembly.${api}(): Property '${name}': value ${value} is above the upper bound ${upper}`);
  }
  return value;
}

function limits(api, descriptor, initialName, upper) {
  const initial = limit(api, descriptor, initialName, true, upper);
  const maximum = limit(api, descriptor, "maximum", false, upper);
  if (maximum !== undefined && maximum < initial) {
    throw new RangeError(`WebAssembly.${api}(): Property 'maximum': value ${maximum} is below the lower bound ${initial}`);
  }
  return [initial, maximum ?? -1];
}

class Memory {
  constructor(descriptor) {
    if (!isObjectLike(descriptor)) throw new TypeError("WebAssembly.Memory(): Argument 0 must be a memory descriptor");
    const [initial, maximum] = limits("Memory", descriptor, "initial", MAX_PAGES);
    if (descriptor.shared) {
      throw new TypeError("WebAssembly.Memory(): edgesim does not run shared memories (WebAssembly threads)");
    }
    handles.set(this, ops.wasmMemoryNew(initial, maximum, shared));
  }
  get buffer() { return ops.wasmMemoryBuffer(own(this, Memory, "Memory.buffer", "")); }
  grow(delta) {
    const h = own(this, Memory, "Memory.grow");
    const pages = Math.trunc(Number(delta));
    if (!(pages >= 0) || pages > 0xffffffff) {
      throw new TypeError("WebAssembly.Memory.grow(): Argument 0 must be convertible to a valid number");
    }
    const [, maximum] = ops.wasmMemoryType(h);
    const old = ops.wasmMemoryGrow(h, pages);
    if (old < 0) {
      throw new RangeError(maximum >= 0 || pages > MAX_PAGES
        ? "WebAssembly.Memory.grow(): Maximum memory size exceeded"
        : "WebAssembly.Memory.grow(): Unable to grow instance memory");
    }
    return old;
  }
}

// ---- Table ----

const elementType = (v) => v === "anyfunc" || v === "funcref" ? "anyfunc" : v === "externref" ? "externref" : undefined;

class Table {
  constructor(descriptor, value) {
    if (!isObjectLike(descriptor)) throw new TypeError("WebAssembly.Table(): Argument 0 must be a table descriptor");
    const element = elementType(String(descriptor.element));
    if (element === undefined) {
      throw new TypeError("WebAssembly.Table(): Descriptor property 'element' must be a WebAssembly reference type");
    }
    const [initial, maximum] = limits("Table", descriptor, "initial", MAX_TABLE);
    const init = value === undefined ? null : toWasm(element, value, shared);
    handles.set(this, ops.wasmTableNew(element, initial, maximum, init, shared));
  }
  get length() { return ops.wasmTableLength(own(this, Table, "Table.length", "")); }
  get(index) {
    const h = own(this, Table, "Table.get");
    const [element] = ops.wasmTableType(h);
    return fromWasm(element, ops.wasmTableGet(h, tableIndex(h, "get", index)), ops.wasmStoreOf(h));
  }
  set(index, value) {
    const h = own(this, Table, "Table.set");
    const i = tableIndex(h, "set", index);
    const [element] = ops.wasmTableType(h);
    const v = arguments.length < 2 ? null : tableValue(element, value, ops.wasmStoreOf(h));
    ops.wasmTableSet(h, i, v);
  }
  grow(delta, value) {
    const h = own(this, Table, "Table.grow");
    const n = Math.trunc(Number(delta));
    if (!(n >= 0)) throw new TypeError("WebAssembly.Table.grow(): Argument 0 must be convertible to a valid number");
    const [element] = ops.wasmTableType(h);
    const init = value === undefined ? null : toWasm(element, value, ops.wasmStoreOf(h));
    const old = ops.wasmTableGrow(h, n, init);
    if (old < 0) {
      throw new RangeError(`WebAssembly.Table.grow(): failed to grow table by ${n}`);
    }
    return old;
  }
}

/// `value` as a table of `element`s holds it: for functions, only WebAssembly's own.
function tableValue(element, value, store) {
  if (element === "anyfunc" && value !== null && handleOf(value) === undefined) {
    throw new TypeError("WebAssembly.Table.set(): Argument 1 is invalid for table: function-typed object must be null (if nullable) or a Wasm function object");
  }
  return toWasm(element, value, store);
}

/// `index` checked against table `h` as `Table.get`/`set` check it.
function tableIndex(h, api, index) {
  const i = Number(index);
  if (!Number.isInteger(i) || i < 0 || i > 0xffffffff) {
    throw new TypeError(`WebAssembly.Table.${api}(): Argument 0 must be convertible to a valid number`);
  }
  const size = ops.wasmTableLength(h);
  if (i >= size) {
    const [element] = ops.wasmTableType(h);
    const type = element === "anyfunc" ? "funcref" : element;
    throw new RangeError(`WebAssembly.Table.${api}(): invalid address ${i} in ${type} table of size ${size}`);
  }
  return i;
}

// ---- Global ----

const valueTypes = new Set(["i32", "i64", "f32", "f64", "externref", "anyfunc"]);
const defaultValue = (type) => type === "i64" ? 0n : type === "externref" || type === "anyfunc" ? null : 0;

class Global {
  constructor(descriptor, value) {
    if (!isObjectLike(descriptor)) throw new TypeError("WebAssembly.Global(): Argument 0 must be a global descriptor");
    const mutable = Boolean(descriptor.mutable);
    let type = String(descriptor.value);
    if (type === "funcref") type = "anyfunc";
    if (!valueTypes.has(type)) {
      throw new TypeError("WebAssembly.Global(): Descriptor property 'value' must be a WebAssembly type");
    }
    const v = toWasm(type, value === undefined ? defaultValue(type) : value, shared);
    handles.set(this, ops.wasmGlobalNew(type, mutable, v, shared));
  }
  get value() {
    const h = own(this, Global, "Global.value", "");
    const [type] = ops.wasmGlobalType(h);
    return fromWasm(type, ops.wasmGlobalGet(h), ops.wasmStoreOf(h));
  }
  set value(v) {
    // V8 names the setter "set WebAssembly.Global.value)" in its messages, as here.
    const h = own(this, Global, "Global.value", ")", "set ");
    const [type, mutable] = ops.wasmGlobalType(h);
    if (!mutable) throw new TypeError("set WebAssembly.Global.value): Can't set the value of an immutable global.");
    if (arguments.length === 0) throw new TypeError("set WebAssembly.Global.value): Argument 0 is required");
    ops.wasmGlobalSet(h, toWasm(type, v, ops.wasmStoreOf(h)));
  }
  valueOf() { return this.value; }
}

// ---- the namespace ----

const isBufferSource = (v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v);

/// The constructor JavaScript sees for `Class`: a function, so that calling it without `new`
/// throws V8's message rather than the engine's, sharing the class's prototype.
function constructorOf(Class) {
  const api = `WebAssembly.${Class.name}`;
  const F = function (...args) {
    if (new.target === undefined) throw new TypeError(`${api}(): ${api} must be invoked with 'new'`);
    return Reflect.construct(Class, args, new.target === F ? Class : new.target);
  };
  Object.defineProperty(F, "name", { value: Class.name });
  Object.defineProperty(F, "length", { value: Class.length });
  Object.defineProperty(F, "prototype", { value: Class.prototype, writable: false });
  Object.defineProperty(Class.prototype, "constructor", { value: F, writable: true, configurable: true });
  Object.defineProperty(Class.prototype, Symbol.toStringTag, { value: api, configurable: true });
  for (const key of Object.getOwnPropertyNames(Class)) {
    if (!["length", "name", "prototype"].includes(key)) {
      Object.defineProperty(F, key, Object.getOwnPropertyDescriptor(Class, key));
    }
  }
  return F;
}

const WebAssembly = {
  compile(bytes) {
    return Promise.reject(isBufferSource(bytes)
      ? disallowed("compile")
      : new TypeError("WebAssembly.compile(): Argument 0 must be a buffer source"));
  },
  validate(bytes) {
    if (!isBufferSource(bytes)) throw new TypeError("WebAssembly.validate(): Argument 0 must be a buffer source");
    const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes)
      : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return ops.wasmValidate(view);
  },
  instantiate(source, importObject) {
    return new Promise((resolve) => {
      if (source instanceof Module) {
        resolve(newInstance(source, importObject, "instantiate"));
        return;
      }
      if (isBufferSource(source)) throw disallowed("instantiate");
      throw new TypeError("WebAssembly.instantiate(): Argument 0 must be a buffer source or a WebAssembly.Module object");
    });
  },
};
// The classes are not enumerable; `compile`, `validate` and `instantiate` are, as in V8.
for (const Class of [Module, Instance, Memory, Table, Global]) {
  Object.defineProperty(WebAssembly, Class.name, { value: constructorOf(Class), writable: true, configurable: true });
}
for (const E of [CompileError, LinkError, RuntimeError]) {
  Object.defineProperty(WebAssembly, E.name, { value: E, writable: true, configurable: true });
}
Object.defineProperty(WebAssembly, Symbol.toStringTag, { value: "WebAssembly", configurable: true });
define(G, "WebAssembly", WebAssembly);

return {
  /// The `WebAssembly.Module` of a bundle's `.wasm` file (engine/modules: `CompiledWasm`).
  moduleFromBundle: (key) => new Module(ops.wasmModule(key), INTERNAL),
};
