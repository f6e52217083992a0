// expect: 503 exceededCpu
export default { fetch() { return new Promise(() => { const t = () => setTimeout(t, 0); for (let i = 0; i < 1000; i++) t(); }); } };
