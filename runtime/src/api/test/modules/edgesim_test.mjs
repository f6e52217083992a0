const t = globalThis[Symbol.for("edgesim.test")]();
export const sim = t.sim;
export const expectLinearizable = t.expectLinearizable;
export const expectKvStalenessAtMost = t.expectKvStalenessAtMost;
export default t.sim;
