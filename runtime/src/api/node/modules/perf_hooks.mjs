// node:perf_hooks (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("perf_hooks");
export const {
  Performance,
  PerformanceEntry,
  PerformanceMark,
  PerformanceMeasure,
  PerformanceObserver,
  PerformanceObserverEntryList,
  PerformanceResourceTiming,
  constants,
  createHistogram,
  eventLoopUtilization,
  monitorEventLoopDelay,
  performance,
  timerify,
} = m;
export default m.default;
