// node_perf_hooks: node:perf_hooks as workerd has it — the global `performance` and its
// timeline classes (performance/timeline.js), Node's constants, and what workerd does not
// implement (histograms, event-loop delay) throwing ERR_METHOD_NOT_IMPLEMENTED.

const { codes } = core.unit("node_internal");
const timeline = core.unit("performance_timeline");
const { performance } = core.G;

const constants = Object.freeze({
  NODE_PERFORMANCE_GC_MAJOR: 4, NODE_PERFORMANCE_GC_MINOR: 1, NODE_PERFORMANCE_GC_INCREMENTAL: 8,
  NODE_PERFORMANCE_GC_WEAKCB: 16, NODE_PERFORMANCE_GC_FLAGS_NO: 0, NODE_PERFORMANCE_GC_FLAGS_CONSTRUCT_RETAINED: 2,
  NODE_PERFORMANCE_GC_FLAGS_FORCED: 4, NODE_PERFORMANCE_GC_FLAGS_SYNCHRONOUS_PHANTOM_PROCESSING: 8,
  NODE_PERFORMANCE_GC_FLAGS_ALL_AVAILABLE_GARBAGE: 16, NODE_PERFORMANCE_GC_FLAGS_ALL_EXTERNAL_MEMORY: 32,
  NODE_PERFORMANCE_GC_FLAGS_SCHEDULE_IDLE: 64, NODE_PERFORMANCE_ENTRY_TYPE_GC: 0, NODE_PERFORMANCE_ENTRY_TYPE_HTTP: 1,
  NODE_PERFORMANCE_ENTRY_TYPE_HTTP2: 2, NODE_PERFORMANCE_ENTRY_TYPE_NET: 3, NODE_PERFORMANCE_ENTRY_TYPE_DNS: 4,
  NODE_PERFORMANCE_MILESTONE_TIME_ORIGIN_TIMESTAMP: 0, NODE_PERFORMANCE_MILESTONE_TIME_ORIGIN: 1,
  NODE_PERFORMANCE_MILESTONE_ENVIRONMENT: 2, NODE_PERFORMANCE_MILESTONE_NODE_START: 3,
  NODE_PERFORMANCE_MILESTONE_V8_START: 4, NODE_PERFORMANCE_MILESTONE_LOOP_START: 5,
  NODE_PERFORMANCE_MILESTONE_LOOP_EXIT: 6, NODE_PERFORMANCE_MILESTONE_BOOTSTRAP_COMPLETE: 7,
});

const notImplemented = (name) => function () { throw codes.ERR_METHOD_NOT_IMPLEMENTED(name); };

const perfHooks = {
  ...timeline,
  constants,
  createHistogram: notImplemented("createHistogram"),
  eventLoopUtilization: (...args) => performance.eventLoopUtilization(...args),
  monitorEventLoopDelay: notImplemented("monitorEventLoopDelay"),
  performance,
  timerify: (fn, options) => performance.timerify(fn, options),
};
return { ...perfHooks, default: perfHooks };
