// node_globals: the globals `nodejs_compat_v2` adds: Buffer, process, global, setImmediate,
// clearImmediate.

const { G, define } = core;
const timers = core.unit("node_timers");
define(G, "Buffer", core.unit("node_buffer").Buffer);
define(G, "process", core.unit("node_process").process);
define(G, "global", G);
define(G, "setImmediate", function setImmediate(callback, ...args) { return timers.setImmediate(callback, ...args); });
define(G, "clearImmediate", function clearImmediate(immediate) { timers.clearImmediate(immediate); });
return {};
