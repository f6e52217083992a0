// node:os (api/node/mod.rs).
const m = globalThis[Symbol.for("edgesim.node")]("os");
export const {
  EOL,
  devNull,
  constants,
  availableParallelism,
  arch,
  cpus,
  endianness,
  freemem,
  getPriority,
  homedir,
  hostname,
  loadavg,
  machine,
  networkInterfaces,
  platform,
  release,
  setPriority,
  tmpdir,
  totalmem,
  type,
  uptime,
  userInfo,
  version,
} = m;
export default m.default;
