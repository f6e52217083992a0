// node:child_process (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("child_process");
export const { ChildProcess, _forkChild, exec, execFile, execFileSync, execSync, fork, spawn, spawnSync } = m;
export default m.default;
