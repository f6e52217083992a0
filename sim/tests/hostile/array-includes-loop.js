// expect: 503 exceededCpu
// A built-in scanning a million elements per call: QuickJS polls for interrupts only between
// calls, so the scan itself must count.
export default { fetch() { const big = new Array(1e6).fill(0); while (true) big.includes(1); } };
