// WebAssembly workloads (calib.wat, built with wabt's wat2wasm), imported as wrangler imports a
// `.wasm` module. edgesim counts them in fuel (runtime/src/api/wasm/costs.rs).
import module from "./calib.wasm";

let instance;
const exports = () => (instance ??= new WebAssembly.Instance(module, {})).exports;

export const wasm = {
  wasm_loop: {
    exercises: "WebAssembly: a latency-bound integer loop",
    run: () => exports().loop(3),
  },
  wasm_mem: {
    exercises: "WebAssembly: a sweep over linear memory",
    run: () => exports().mem(200),
  },
  wasm_fib: {
    exercises: "WebAssembly: recursive calls",
    run: () => exports().fib(25),
  },
  wasm_float: {
    exercises: "WebAssembly: a chain of floating-point operations",
    run: () => exports().float(1),
  },
};
