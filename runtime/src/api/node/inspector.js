// node_inspector: node:inspector and node:inspector/promises as workerd gives them outside
// local development: no debugger to reach, its console discards, a Session cannot be made.

const { codes } = core.unit("node_internal");
const { EventEmitter } = core.unit("node_events");
const refuse = (what) => codes.ERR_METHOD_NOT_IMPLEMENTED(what);

const noop = () => {};
const CONSOLE_METHODS = [
  "debug", "error", "info", "log", "warn", "dir", "dirxml", "table", "trace", "group", "groupCollapsed",
  "groupEnd", "clear", "count", "countReset", "assert", "profile", "profileEnd", "time", "timeLog", "timeStamp",
];
const discardingConsole = () => Object.fromEntries(CONSOLE_METHODS.map((name) => [name, noop]));

/// The Network domain's methods, each refused, in the order `names` gives.
function network(names) {
  return Object.fromEntries(names.map((name) => [name, () => { throw refuse(`Network.${name}`); }]));
}

class Session extends EventEmitter {
  constructor() {
    super();
    throw refuse("Session");
  }
  connect() { throw refuse("Session.connect"); }
  connectToMainThread() { throw refuse("Session.connectToMainThread"); }
  disconnect() { throw refuse("Session.disconnect"); }
  post() { throw refuse("Session.post"); }
}

const inspector = {
  Session,
  close: noop,
  console: discardingConsole(),
  open: () => ({ [Symbol.dispose]: () => Promise.resolve() }),
  url: () => undefined,
  waitForDebugger: noop,
  Network: network([
    "requestWillBeSent", "dataReceived", "dataSent", "responseReceived", "loadingFinished", "loadingFailed",
    "webSocketCreated", "webSocketHandshakeResponseReceived", "webSocketClosed",
  ]),
};

const promisesApi = {
  close() { throw refuse("Inspector.close"); },
  console: discardingConsole(),
  Network: network([
    "requestWillBeSent", "dataReceived", "responseReceived", "loadingFinished", "loadingFailed",
    "webSocketHandshakeResponseReceived", "webSocketClosed", "webSocketCreated", "dataSent",
  ]),
  open() { throw refuse("Inspector.open"); },
  Session,
  url() { throw refuse("Inspector.url"); },
  waitForDebugger() { throw refuse("Inspector.waitForDebugger"); },
};

return { ...inspector, default: inspector, promises: { ...promisesApi, default: promisesApi } };
