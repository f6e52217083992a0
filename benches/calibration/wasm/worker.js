// WebAssembly calibration workloads (calib.wat, built with wabt's wat2wasm): the same module
// runs under workerd (timed with its real clock) and under edgesim (counted in wasmi fuel).
// See ../calibrate.mjs, fit.py and README "CPU time".
import module from "./calib.wasm";

const instance = new WebAssembly.Instance(module, {});
const workloads = {
  wasm_loop: (n) => instance.exports.loop(n),
  wasm_mem: (n) => instance.exports.mem(n),
  wasm_fib: (n) => instance.exports.fib(n),
  wasm_float: (n) => instance.exports.float(n),
};

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const name = url.searchParams.get("w");
    const n = Number(url.searchParams.get("n") ?? "1");
    const t0 = Date.now();
    const checksum = workloads[name](n);
    return Response.json({ workload: name, n, checksum, elapsed_ms: Date.now() - t0 });
  },
};
