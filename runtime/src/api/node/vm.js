// node_vm: node:vm as workerd gives it. A Worker cannot compile code at run time, so contexts can
// be made and checked but nothing runs in them: every entry point validates its arguments as Node
// does, then throws ERR_METHOD_NOT_IMPLEMENTED.

const { codes, validate } = core.unit("node_internal");
const { Buffer } = core.unit("node_buffer");

const constants = Object.freeze({
  __proto__: null,
  USE_MAIN_CONTEXT_DEFAULT_LOADER: Symbol("vm_dynamic_import_main_context_default"),
  DONT_CONTEXTIFY: Symbol("vm_context_no_contextify"),
});
const kContext = Symbol("vm_context_symbol");

function isContext(object) {
  validate.object(object, "object", { allowArray: true });
  return kContext in object && object[kContext] === true;
}
function checkContext(contextified) {
  if (!isContext(contextified)) throw codes.ERR_INVALID_ARG_TYPE("contextifiedObject", "vm.Context", contextified);
}
function checkRunOptions(options) {
  validate.object(options, "options");
  const { breakOnSigint = false, displayErrors = true, timeout } = options;
  validate.boolean(breakOnSigint, "options.breakOnSigint");
  validate.boolean(displayErrors, "options.displayErrors");
  if (timeout !== undefined) validate.uint32(timeout, "options.timeout", true);
}

class Script {
  cachedDataRejected = undefined;
  cachedDataProduced = undefined;
  cachedData = undefined;
  sourceMapURL = undefined;
  constructor(code, options = {}) {
    `${code}`;
    if (typeof options === "string") options = { filename: options };
    else validate.object(options, "options");
    const {
      filename = "evalmachine.<anonymous>", lineOffset = 0, columnOffset = 0, cachedData,
      produceCachedData = false, importModuleDynamically = false,
    } = options;
    validate.boolean(importModuleDynamically, "options.importModuleDynamically");
    validate.string(filename, "options.filename");
    validate.int32(lineOffset, "options.lineOffset");
    validate.int32(columnOffset, "options.columnOffset");
    if (cachedData !== undefined) validate.buffer(cachedData, "options.cachedData");
    validate.boolean(produceCachedData, "options.produceCachedData");
  }
  createCachedData() {
    return Buffer.alloc(0);
  }
  runInThisContext(options = {}) {
    checkRunOptions(options);
    throw codes.ERR_METHOD_NOT_IMPLEMENTED("runInThisContext");
  }
  runInContext(contextified, options = {}) {
    checkContext(contextified);
    checkRunOptions(options);
    // workerd names runInThisContext here too.
    throw codes.ERR_METHOD_NOT_IMPLEMENTED("runInThisContext");
  }
  runInNewContext(contextObject, options = {}) {
    return this.runInContext(createContext(contextObject, contextOptions(options)), options);
  }
}

function contextOptions(options) {
  if (!options) return {};
  const out = { name: options.contextName, origin: options.contextOrigin, codeGeneration: undefined, microtaskMode: options.microtaskMode };
  if (out.name !== undefined) validate.string(out.name, "options.contextName");
  if (out.origin !== undefined) validate.string(out.origin, "options.contextOrigin");
  if (options.contextCodeGeneration !== undefined) {
    validate.object(options.contextCodeGeneration, "options.contextCodeGeneration");
    const { strings, wasm } = options.contextCodeGeneration;
    if (strings !== undefined) validate.boolean(strings, "options.contextCodeGeneration.strings");
    if (wasm !== undefined) validate.boolean(wasm, "options.contextCodeGeneration.wasm");
    out.codeGeneration = { strings, wasm };
  }
  if (options.microtaskMode !== undefined) validate.string(options.microtaskMode, "options.microtaskMode");
  return out;
}

function createContext(contextObject = {}, options = {}) {
  if (contextObject !== constants.DONT_CONTEXTIFY && isContext(contextObject)) return contextObject;
  validate.object(options, "options");
  const { name = "VM Context", origin, codeGeneration, microtaskMode, importModuleDynamically = false } = options;
  validate.string(name, "options.name");
  if (origin !== undefined) validate.string(origin, "options.origin");
  if (codeGeneration !== undefined) validate.object(codeGeneration, "options.codeGeneration");
  validate.boolean(importModuleDynamically, "options.importModuleDynamically");
  if (codeGeneration !== undefined) {
    const { strings = true, wasm = true } = codeGeneration;
    validate.boolean(strings, "options.codeGeneration.strings");
    validate.boolean(wasm, "options.codeGeneration.wasm");
  }
  validate.oneOf(microtaskMode, "options.microtaskMode", ["afterEvaluate", undefined]);
  return Object.create(null, { [kContext]: { value: true } });
}

const createScript = (code, options = {}) => new Script(code, options);

function runInContext(code, contextified, options = {}) {
  checkContext(contextified);
  if (typeof options === "string") options = { filename: options };
  return createScript(code, options).runInContext(contextified, options);
}
function runInNewContext(code, contextObject, options) {
  options = typeof options === "string" ? { filename: options } : { ...options };
  contextObject = createContext(contextObject, contextOptions(options));
  return createScript(code, options).runInNewContext(contextObject, options);
}
function runInThisContext(code, options = {}) {
  if (typeof options === "string") options = { filename: options };
  return createScript(code, options).runInThisContext(options);
}

function compileFunction(code, params = [], options = {}) {
  validate.string(code, "code");
  validate.object(options, "options");
  if (params !== undefined) validate.stringArray(params, "params");
  const {
    filename = "", columnOffset = 0, lineOffset = 0, cachedData, produceCachedData = false,
    parsingContext, contextExtensions = [], importModuleDynamically = false,
  } = options;
  validate.string(filename, "options.filename");
  validate.int32(columnOffset, "options.columnOffset");
  validate.int32(lineOffset, "options.lineOffset");
  if (cachedData !== undefined) validate.buffer(cachedData, "options.cachedData");
  validate.boolean(produceCachedData, "options.produceCachedData");
  validate.boolean(importModuleDynamically, "options.importModuleDynamically");
  if (parsingContext !== undefined && (typeof parsingContext !== "object" || parsingContext === null || !isContext(parsingContext))) {
    throw codes.ERR_INVALID_ARG_TYPE("options.parsingContext", "Context", parsingContext);
  }
  validate.array(contextExtensions, "options.contextExtensions");
  contextExtensions.forEach((extension, i) => validate.object(extension, `options.contextExtensions[${i}]`, { nullable: true }));
  throw codes.ERR_METHOD_NOT_IMPLEMENTED("compileFunction");
}

function measureMemory(options = {}) {
  validate.object(options, "options");
  const { mode = "summary", execution = "default" } = options;
  validate.oneOf(mode, "options.mode", ["summary", "detailed"]);
  validate.oneOf(execution, "options.execution", ["default", "eager"]);
  throw codes.ERR_METHOD_NOT_IMPLEMENTED("measureMemory");
}

const vm = {
  Script, createContext, createScript, runInContext, runInNewContext, runInThisContext, isContext,
  compileFunction, measureMemory, constants,
};
return { ...vm, default: vm };
