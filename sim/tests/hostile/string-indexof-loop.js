// expect: 503 exceededCpu
export default { fetch() { const s = "a".repeat(1e6); while (true) s.indexOf("b"); } };
