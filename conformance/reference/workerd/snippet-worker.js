// The Worker snippets.mjs records with and conformance/src/reference.rs runs in edgesim: the
// recorded snippets replace SNIPPETS below, each as the body of `async (env, sql) => { … }`.
// GET / answers [[outcome, value], …]: "ok" and the returned value as JSON, or the class of what
// was thrown and its message. `sql(query, ...bindings)` runs one `exec` in a SQLite-backed
// Durable Object (binding SQL, class SqlObject, one object for the whole run) and answers
// ["ok", rows] or [class, message]. KV_OBJECT is a Durable Object class without SQLite.
import { DurableObject } from "cloudflare:workers";
import { EmailMessage } from "cloudflare:email";
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
  // The synchronous KV API (workerd's sync-kv-test.js), step by step: each step is
  // [method, ...args] on `ctx.storage.kv`, or "spread" (the entries of the iterator the
  // `args[0]`-th "list" step returned), "shape" (what a list iterator is), "describe" (what
  // `kv` is), "putOdd" (a put of a value no snippet can send: "fn" or "sym"), "asyncGet",
  // "asyncPut", "asyncList" (the asynchronous API on the same object) or "sql" (one `exec`,
  // its rows).
  // Answers ["ok", value] (undefined as "undefined") or [class, message] per step.
  async kvSteps(steps) {
    const lists = [];
    const step = async ([method, ...args]) => {
      const kv = this.storage.kv;
      switch (method) {
        case "list": { const i = lists.push(null) - 1; lists[i] = kv.list(...args); return i; }
        case "asyncList": return [...await this.storage.list(...args)];
        case "putOdd": return kv.put(args[0], { fn: () => 1, sym: Symbol("x") }[args[1]]);
        case "describe": return [Object.prototype.toString.call(kv), kv === this.storage.kv, Object.getOwnPropertyNames(Object.getPrototypeOf(kv)).sort(), typeof globalThis.SyncKvStorage];
        case "spread": return lists[args[0]] ? [...lists[args[0]]] : "no iterator";
        case "shape": {
          const it = kv.list();
          return [Object.prototype.toString.call(it), typeof it.next, it[Symbol.iterator]() === it, it.next(), it.next()];
        }
        case "asyncGet": return await this.storage.get(...args);
        case "asyncPut": return await this.storage.put(...args);
        case "sql": return this.storage.sql.exec(...args).toArray();
        default: return kv[method](...args);
      }
    };
    const out = [];
    for (const s of steps) {
      try { const v = await step(s); out.push(["ok", v === undefined ? "undefined" : v]); }
      catch (e) { out.push([e?.constructor?.name ?? typeof e, String(e?.message ?? e)]); }
    }
    return out;
  }
  async fetch(request) {
    const { query, bindings } = await request.json();
    try { return Response.json(["ok", this.storage.sql.exec(query, ...bindings).toArray()]); }
    catch (e) { return Response.json([e?.constructor?.name ?? typeof e, String(e?.message ?? e)]); }
  }
}
/// A Durable Object class not backed by SQLite (binding KV_OBJECT).
export class KvObject extends SqlObject {}
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
