// node_worker_threads: node:worker_threads as workerd gives it. A Worker is its isolate's only
// thread: it is the main thread, starts no others (Worker and BroadcastChannel refuse), and its
// MessageChannel is the web one (api/message_channel).

const { codes } = core.unit("node_internal");
const { EventEmitter } = core.unit("node_events");
const { MessageChannel, MessagePort } = core.unit("message_channel");

class BroadcastChannel {
  constructor() {
    throw codes.ERR_METHOD_NOT_IMPLEMENTED("BroadcastChannel");
  }
}

class Worker extends EventEmitter {
  stdin = null;
  threadName = "workerd";
  constructor() {
    super();
    throw codes.ERR_METHOD_NOT_IMPLEMENTED("Worker");
  }
  cpuUsage() { return Promise.reject(codes.ERR_METHOD_NOT_IMPLEMENTED("Worker.cpuUsage")); }
  postMessage() {}
  async postMessageToThread() {}
  ref() {}
  unref() {}
  async terminate() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("Worker.terminate"); }
  async getHeapSnapshot() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("Worker.getHeapSnapshot"); }
  async getHeapStatistics() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("Worker.getHeapStatistics"); }
  async startCpuProfile() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("Worker.startCpuProfile"); }
  async startHeapProfile() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("Worker.startHeapProfile"); }
  async [Symbol.asyncDispose]() {}
}

const environmentData = new Map();
const workerThreads = {
  BroadcastChannel, MessageChannel, MessagePort, Worker,
  SHARE_ENV: Symbol.for("nodejs.worker_threads.SHARE_ENV"),
  getEnvironmentData: (key) => environmentData.get(key),
  isMainThread: true,
  isMarkedAsUntransferable: () => false,
  markAsUntransferable() {},
  markAsUncloneable() {},
  // workerd constructs a MessagePort, which is not constructible: the call throws.
  moveMessagePortToContext: () => new MessagePort(),
  parentPort: null,
  receiveMessageOnPort: () => undefined,
  resourceLimits: {},
  setEnvironmentData(key, value) { environmentData.set(key, value); },
  postMessageToThread() { throw codes.ERR_METHOD_NOT_IMPLEMENTED("postMessageToThread"); },
  threadId: 0,
  workerData: null,
  isInternalThread: false,
};
return { ...workerThreads, default: workerThreads };
