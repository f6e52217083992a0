// The Worker snippets.mjs records with and conformance/src/reference.rs runs in edgesim: the
// recorded snippets replace SNIPPETS below, each as the body of `async (env, sql) => { … }`.
// GET / answers [[outcome, value], …]: "ok" and the returned value as JSON, or the class of what
// was thrown and its message. `sql(query, ...bindings)` runs one `exec` in a SQLite-backed
// Durable Object (binding SQL, class SqlObject, one object for the whole run) and answers
// ["ok", rows] or [class, message].
import { DurableObject } from "cloudflare:workers";
const fns = [/* SNIPPETS */];
export class SqlObject extends DurableObject {
  constructor(ctx, env) { super(ctx, env); this.storage = ctx.storage; }
  // RPC methods for the Durable Object snippets (workerd's actor-stub-test.js and
  // actor-kv-test.js): a value, a throw of a non-Error, `this`, and the storage API in turn.
  foo() { return "foo from remote"; }
  async throw() { throw 1; }
  thisCheck() {
    if (this.storage === undefined) throw new Error("incorrect this within rpc function call");
    return true;
  }
  async kvOperations() {
    const s = this.storage;
    const out = [];
    out.push(await s.put("testKey1", "testValue"));
    out.push(await s.put({ foo1: "bar1", foo2: "bar2", foo3: "bar3", foo4: "bar4" }));
    out.push(await s.get("testKey2"));
    out.push([...await s.get(["testKey1", "testKey2"])]);
    out.push(await s.delete("testKey1"), await s.delete("testKey1"));
    out.push([...await s.list()]);
    out.push(await s.deleteAll());
    out.push([...await s.list()]);
    const at = Date.now() + 50;
    out.push(await s.setAlarm(at), (await s.getAlarm()) === at, await s.deleteAlarm(), await s.getAlarm());
    out.push(await s.transaction(() => "test"));
    out.push(await s.sync());
    return out;
  }
  alarm() {}
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
