// node:test (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("test");
export const { mock, MockFunctionContext, MockTracker } = m;
export default m.default;
