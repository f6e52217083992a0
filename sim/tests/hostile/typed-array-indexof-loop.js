// expect: 503 exceededCpu
export default { fetch() { const a = new Uint8Array(1e7); while (true) a.indexOf(1); } };
