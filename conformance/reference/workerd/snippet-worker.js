// The Worker snippets.mjs records with and conformance/src/reference.rs runs in edgesim: the
// recorded snippets replace SNIPPETS below, each as the body of `async (env, sql) => { … }`.
// GET / answers [[outcome, value], …]: "ok" and the returned value as JSON, or the class of what
// was thrown and its message. `sql(query, ...bindings)` runs one `exec` in a SQLite-backed
// Durable Object (binding SQL, class SqlObject, one object for the whole run) and answers
// ["ok", rows] or [class, message].
const fns = [/* SNIPPETS */];
export class SqlObject {
  constructor(ctx) { this.storage = ctx.storage; }
  async fetch(request) {
    const { query, bindings } = await request.json();
    try { return Response.json(["ok", this.storage.sql.exec(query, ...bindings).toArray()]); }
    catch (e) { return Response.json([e?.constructor?.name ?? typeof e, String(e?.message ?? e)]); }
  }
}
export default { async fetch(request, env) {
  const object = env.SQL.get(env.SQL.idFromName("snippets"));
  const sql = async (query, ...bindings) =>
    (await object.fetch("http://sql/", { method: "POST", body: JSON.stringify({ query, bindings }) })).json();
  const out = [];
  for (const fn of fns) {
    try { const v = await fn(env, sql); out.push(["ok", v === undefined ? null : JSON.stringify(v)]); }
    catch (e) { out.push([e?.constructor?.name ?? typeof e, String(e?.message ?? e)]); }
  }
  return Response.json(out);
} };
