// node:async_hooks (api/node/mod.rs): the names its unit exports, as ES exports.
const m = globalThis[Symbol.for("edgesim.node")]("async_hooks");
export const {
  AsyncLocalStorage,
  AsyncResource,
  asyncWrapProviders,
  createHook,
  executionAsyncId,
  executionAsyncResource,
  triggerAsyncId,
} = m;
export default m.default;
