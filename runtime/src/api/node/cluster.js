// node_cluster: node:cluster as workerd gives it: the one process is the primary, it has no
// workers and cannot fork any.

const { codes } = core.unit("node_internal");
const { EventEmitter } = core.unit("node_events");
const refuse = (what) => codes.ERR_METHOD_NOT_IMPLEMENTED(`cluster.${what}`);

const SCHED_NONE = 1;
const SCHED_RR = 2;
const settings = {};
const workers = {};

function fork() { throw refuse("fork"); }
function disconnect() { throw refuse("disconnect"); }
function setupPrimary() { throw refuse("setupPrimary"); }
/// workerd names the method `setupWorker` in this refusal.
function setupMaster() { throw refuse("setupWorker"); }

class Worker extends EventEmitter {
  _connected = false;
  id = 0;
  get process() { return globalThis.process; }
  get exitedAfterDisconnect() { return this._connected; }
  isConnected() { return this._connected; }
  isDead() { return true; }
  send() { return false; }
  kill() { this._connected = false; }
  destroy() { this._connected = false; }
  disconnect() { this._connected = false; return this; }
}

class Cluster extends EventEmitter {
  Worker = Worker;
  isMaster = true;
  isPrimary = true;
  isWorker = false;
  SCHED_NONE = SCHED_NONE;
  SCHED_RR = SCHED_RR;
  schedulingPolicy = SCHED_RR;
  settings = settings;
  workers = workers;
  setupPrimary(s) { setupPrimary(s); }
  setupMaster(s) { setupMaster(s); }
  disconnect() { disconnect(); }
  fork(env) { return fork(env); }
}

return {
  SCHED_NONE, SCHED_RR, isMaster: true, isPrimary: true, isWorker: false, schedulingPolicy: SCHED_RR,
  settings, workers, fork, disconnect, setupPrimary, setupMaster, _events: [], _eventsCount: 0,
  _maxListeners: 0, Worker, Cluster, default: new Cluster(),
};
