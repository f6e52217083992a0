// expect: 503 exceededCpu
export default { async fetch() { await new Promise(() => { const loop = () => queueMicrotask(loop); loop(); }); } };
