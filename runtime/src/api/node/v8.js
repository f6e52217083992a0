// node_v8: node:v8 as workerd gives it. The engine is not V8 and exposes none of its internals:
// the statistics are all zero, and what would need the engine (snapshots, serialization,
// profiling, flags) checks its arguments as Node does, then throws ERR_METHOD_NOT_IMPLEMENTED.

const { codes, validate } = core.unit("node_internal");
const notImplemented = (name) => () => { throw codes.ERR_METHOD_NOT_IMPLEMENTED(name); };

function snapshotOptions(options = {}) {
  validate.object(options, "options");
  const { exposeInternals = false, exposeNumericValues = false } = options;
  validate.boolean(exposeInternals, "options.exposeInternals");
  validate.boolean(exposeNumericValues, "options.exposeNumericValues");
}

const zeros = (names) => Object.fromEntries(names.map((n) => [n, 0]));
const HEAP_FIELDS = [
  "total_heap_size", "total_heap_size_executable", "total_physical_size", "total_available_size",
  "used_heap_size", "heap_size_limit", "malloced_memory", "peak_malloced_memory", "does_zap_garbage",
  "number_of_native_contexts", "number_of_detached_contexts", "total_global_handles_size",
  "used_global_handles_size", "external_memory", "total_allocated_bytes",
];
const CODE_FIELDS = ["code_and_metadata_size", "bytecode_and_metadata_size", "external_script_source_size", "cpu_profiler_metadata_size"];

/// A class whose constructor and every method refuse.
function refusingClass(name, methods) {
  const C = { [name]: class { constructor() { throw codes.ERR_METHOD_NOT_IMPLEMENTED(name); } } }[name];
  for (const m of methods) C.prototype[m] = function () { throw codes.ERR_METHOD_NOT_IMPLEMENTED(m); };
  return C;
}
const Serializer = refusingClass("Serializer", [
  "writeHeader", "writeValue", "releaseBuffer", "transferArrayBuffer", "writeUint32", "writeUint64",
  "writeDouble", "writeRawBytes", "_getDataCloneError", "_getSharedArrayBufferId",
  "_setTreatArrayBufferViewsAsHostObjects", "_writeHostObject",
]);
const Deserializer = refusingClass("Deserializer", [
  "readHeader", "readValue", "transferArrayBuffer", "getWireFormatVersion", "readUint32", "readUint64",
  "readDouble", "readRawBytes", "_readHostObject",
]);
class DefaultSerializer extends Serializer {}
class DefaultDeserializer extends Deserializer {}
class GCProfiler {
  start() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("GCProfiler.start"); }
  stop() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("GCProfiler.stop"); }
}

const v8 = {
  cachedDataVersionTag: () => 0,
  getHeapSnapshot(options) {
    snapshotOptions(options);
    throw codes.ERR_METHOD_NOT_IMPLEMENTED("getHeapSnapshot");
  },
  getHeapStatistics: () => zeros(HEAP_FIELDS),
  getHeapSpaceStatistics: () => [],
  getHeapCodeStatistics: () => zeros(CODE_FIELDS),
  getCppHeapStatistics(type = "detailed") {
    validate.oneOf(type, "type", ["brief", "detailed"]);
    return { committed_size_bytes: 0, resident_size_bytes: 0, used_size_bytes: 0, space_statistics: [], type_names: [], detail_level: type };
  },
  setFlagsFromString(flags) {
    validate.string(flags, "flags");
    throw codes.ERR_METHOD_NOT_IMPLEMENTED("setFlagsFromString");
  },
  Serializer, Deserializer, DefaultSerializer, DefaultDeserializer,
  deserialize: notImplemented("deserialize"),
  takeCoverage: notImplemented("takeCoverage"),
  stopCoverage: notImplemented("stopCoverage"),
  serialize: notImplemented("serialize"),
  writeHeapSnapshot(filename, options) {
    if (filename !== undefined) validate.string(filename, "filename");
    snapshotOptions(options);
    throw codes.ERR_METHOD_NOT_IMPLEMENTED("writeHeapSnapshot");
  },
  promiseHooks: {
    createHook: notImplemented("promiseHooks.createHook"),
    onInit: notImplemented("promiseHooks.onInit"),
    onBefore: notImplemented("promiseHooks.onBefore"),
    onAfter: notImplemented("promiseHooks.onAfter"),
    onSettled: notImplemented("promiseHooks.onSettled"),
  },
  queryObjects(ctor, options = {}) {
    validate.function(ctor, "constructor");
    validate.object(options, "options");
    const format = options.format || "count";
    if (format !== "count" && format !== "summary") throw codes.ERR_INVALID_ARG_VALUE("options.format", format);
    throw codes.ERR_METHOD_NOT_IMPLEMENTED("queryObjects");
  },
  startupSnapshot: {
    addSerializeCallback: notImplemented("startupSnapshot.addSerializeCallback"),
    addDeserializeCallback: notImplemented("startupSnapshot.addDeserializeCallback"),
    setDeserializeMainFunction: notImplemented("startupSnapshot.setDeserializeMainFunction"),
    isBuildingSnapshot: () => false,
  },
  setHeapSnapshotNearHeapLimit(limit) {
    validate.uint32(limit, "limit", true);
    throw codes.ERR_METHOD_NOT_IMPLEMENTED("setHeapSnapshotNearHeapLimit");
  },
  GCProfiler,
  isStringOneByteRepresentation(content) {
    validate.string(content, "content");
    throw codes.ERR_METHOD_NOT_IMPLEMENTED("isStringOneByteRepresentation");
  },
};
return { ...v8, default: v8 };
