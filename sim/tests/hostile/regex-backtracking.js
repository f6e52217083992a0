// expect: 503 exceededCpu
export default { fetch() { return new Response(String(/(a+)+$/.test("a".repeat(40) + "b"))); } };
