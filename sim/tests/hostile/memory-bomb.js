// expect: 503 exceededMemory
export default { fetch() { const a = []; while (true) a.push("x".repeat(1e6) + a.length); } };
