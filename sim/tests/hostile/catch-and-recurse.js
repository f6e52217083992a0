// expect: 503 exceededCpu
// Catching the stack overflow and recursing again: exponential work, no end.
function f() { try { f(); } catch { f(); } }
export default { fetch() { f(); return new Response("done"); } };
