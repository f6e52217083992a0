// node:events (api/node/mod.rs): the names its unit exports, as ES exports.
const m = globalThis[Symbol.for("edgesim.node")]("events");
export const {
  EventEmitter,
  EventEmitterAsyncResource,
  once,
  on,
  getEventListeners,
  getMaxListeners,
  setMaxListeners,
  listenerCount,
  addAbortListener,
  errorMonitor,
  captureRejectionSymbol,
  captureRejections,
  usingDomains,
  defaultMaxListeners,
} = m;
export default m.default;
