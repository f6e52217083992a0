// expect: 500 exception
// RangeError: Maximum call stack size exceeded, uncaught.
function f() { return f() + 1; }
export default { fetch() { return new Response(String(f())); } };
