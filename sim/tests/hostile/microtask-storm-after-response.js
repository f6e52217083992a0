// expect: 503 exceededCpu
// workerd sends the response once the turn has run its microtasks: this turn never ends.
export default { fetch() { const loop = () => queueMicrotask(loop); loop(); return new Response("never sent"); } };
