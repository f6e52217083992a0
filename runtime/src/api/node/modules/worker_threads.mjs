// node:worker_threads (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("worker_threads");
export const {
  BroadcastChannel, MessageChannel, MessagePort, Worker, SHARE_ENV, getEnvironmentData, isMainThread,
  isMarkedAsUntransferable, markAsUntransferable, markAsUncloneable, moveMessagePortToContext,
  parentPort, receiveMessageOnPort, resourceLimits, setEnvironmentData, postMessageToThread,
  threadId, workerData, isInternalThread,
} = m;
export default m.default;
