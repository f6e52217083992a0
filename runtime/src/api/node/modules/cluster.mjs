// node:cluster (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("cluster");
export const {
  Cluster, SCHED_NONE, SCHED_RR, Worker, _events, _eventsCount, _maxListeners, disconnect, fork, isMaster,
  isPrimary, isWorker, schedulingPolicy, settings, setupMaster, setupPrimary, workers,
} = m;
export default m.default;
