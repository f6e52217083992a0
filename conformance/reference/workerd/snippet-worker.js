// The Worker snippets.mjs records with and conformance/src/reference.rs runs in edgesim: the
// recorded snippets replace SNIPPETS below, each as the body of `async (env) => { … }`. GET /
// answers [[outcome, value], …]: "ok" and the returned value as JSON, or the class of what was
// thrown and its message.
const fns = [/* SNIPPETS */];
export default { async fetch(request, env) {
  const out = [];
  for (const fn of fns) {
    try { const v = await fn(env); out.push(["ok", v === undefined ? null : JSON.stringify(v)]); }
    catch (e) { out.push([e?.constructor?.name ?? typeof e, String(e?.message ?? e)]); }
  }
  return Response.json(out);
} };
