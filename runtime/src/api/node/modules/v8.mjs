// node:v8 (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("v8");
export const {
  cachedDataVersionTag, getHeapSnapshot, getHeapStatistics, getHeapSpaceStatistics, getHeapCodeStatistics,
  getCppHeapStatistics, setFlagsFromString, Serializer, Deserializer, DefaultSerializer,
  DefaultDeserializer, deserialize, takeCoverage, stopCoverage, serialize, writeHeapSnapshot,
  promiseHooks, queryObjects, startupSnapshot, setHeapSnapshotNearHeapLimit, GCProfiler,
  isStringOneByteRepresentation,
} = m;
export default m.default;
