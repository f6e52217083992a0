// node:diagnostics_channel (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("diagnostics_channel");
export const { hasSubscribers, channel, subscribe, unsubscribe, tracingChannel, Channel, TracingChannel } = m;
export default m.default;
