// expect: 500 exception
// V8 refuses the 2^31 - 1 separators before building them: RangeError: Invalid string length.
export default { fetch() { const a = []; a.length = 2 ** 31; return new Response(a.join()); } };
