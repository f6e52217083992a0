const t = globalThis[Symbol.for("edgesim.test")]();
export const sim = t.sim;
export default t.sim;
