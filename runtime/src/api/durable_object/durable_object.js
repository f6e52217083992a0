// Durable Objects: the namespace binding and stubs a Worker calls through, and, in the isolate
// that hosts an object, its state, its storage API and the dispatch of calls to it. Gates and
// the storage cache live in Rust (engine/durable_object/); this file checks arguments with workerd's
// texts (actor-state.c++, actor.c++) and encodes values (06_serialize.js).

const { G, define, Event, OriginalDate, describeError, serializeValue, deserializeValue, utf8, hex, Request, awaitOp, unit, cloudflareWorkers } = core;
/// The WebSocket unit, loaded when an object first touches a socket.
const sockets = () => unit("websocket");

const DO_KEY_BYTES_MAX = 2048;
const DO_VALUE_BYTES_MAX = 128 * 1024;
/// actor-storage.h: the advertised maximum plus room for the serialiser's own header.
const DO_VALUE_BYTES_ENFORCED = DO_VALUE_BYTES_MAX + 34;
/// limits.mdx: a SQLite-backed object's key and value together (SQLite's row length limit).
const SQLITE_ENTRY_BYTES_MAX = 2000000;
const SQLITE_TOO_BIG = "string or blob too big: SQLITE_TOOBIG";
const SQL_NOT_ENABLED = "SQL is not enabled for this Durable Object class. To enable it, change `new_classes` to `new_sqlite_classes` within the 'migrations' field in your wrangler.jsonc or wrangler.toml file. If using workerd directly,set `enableSql = true` in your workerd config for the class. Note that this change cannot be made after the class is already deployed to production.";


/// The jurisdictions an object's data can be kept in (data-location.mdx; `us` since 2026-06-26).
const JURISDICTIONS = ["eu", "fedramp", "fedramp-high", "us"];
/// Not yet worked out from the ID's text (`idFromString`): done when first asked.
const UNRESOLVED = Symbol("unresolved jurisdiction");

/// A jurisdiction's IDs end in a tag of 8 hex digits derived from the rest, so `idFromString`
/// can tell which jurisdiction an ID belongs to, as production's IDs carry theirs.
const jurisdictionTag = (jurisdiction, head) =>
  hex(ops.digest("SHA-256", utf8(`edgesim:jurisdiction:${jurisdiction}:${head}`))).slice(0, 8);
const withJurisdiction = (hexId, jurisdiction) =>
  jurisdiction === undefined ? hexId : hexId.slice(0, 56) + jurisdictionTag(jurisdiction, hexId.slice(0, 56));
const jurisdictionOf = (hexId) =>
  JURISDICTIONS.find((j) => hexId.slice(56) === jurisdictionTag(j, hexId.slice(0, 56)));

function checkJurisdiction(jurisdiction) {
  if (jurisdiction === undefined || jurisdiction === null) return undefined;
  jurisdiction = String(jurisdiction);
  if (JURISDICTIONS.includes(jurisdiction)) return jurisdiction;
  throw new TypeError(`Unknown jurisdiction "${jurisdiction}": expected one of "${JURISDICTIONS.join('", "')}".`);
}

class DurableObjectId {
  #hex; #name; #jurisdiction;
  constructor(hexId, name, jurisdiction) { this.#hex = hexId; this.#name = name; this.#jurisdiction = jurisdiction; }
  toString() { return this.#hex; }
  equals(other) { return other instanceof DurableObjectId && other.#hex === this.#hex; }
  get name() { return this.#name; }
  get jurisdiction() {
    if (this.#jurisdiction === UNRESOLVED) this.#jurisdiction = jurisdictionOf(this.#hex);
    return this.#jurisdiction;
  }
}

class DurableObjectNamespace {
  #namespace; #jurisdiction;
  constructor(namespace, jurisdiction) { this.#namespace = namespace; this.#jurisdiction = jurisdiction; }
  static _name(ns) { return ns.#namespace; }
  idFromName(name) {
    name = String(name);
    // The same name in another jurisdiction is another object.
    const scope = this.#jurisdiction === undefined ? "" : `${this.#jurisdiction}:`;
    const digest = ops.digest("SHA-256", utf8(`edgesim:durable-object:${this.#namespace}:${scope}${name}`));
    return new DurableObjectId(withJurisdiction(hex(digest), this.#jurisdiction), name, this.#jurisdiction);
  }
  newUniqueId(options) {
    const jurisdiction = checkJurisdiction(options?.jurisdiction) ?? this.#jurisdiction;
    return new DurableObjectId(withJurisdiction(hex(ops.randomBytes(32)), jurisdiction), undefined, jurisdiction);
  }
  idFromString(id) {
    id = String(id);
    if (!/^[0-9a-fA-F]{64}$/.test(id)) throw new TypeError("Invalid Durable Object ID: must be 64 hex digits");
    return new DurableObjectId(id.toLowerCase(), undefined, UNRESOLVED);
  }
  get(id, options) {
    if (!(id instanceof DurableObjectId)) throw new TypeError("Failed to execute 'get' on 'DurableObjectNamespace': parameter 1 is not of type 'DurableObjectId'.");
    if (this.#jurisdiction !== undefined && id.jurisdiction !== this.#jurisdiction) {
      throw new TypeError("get called on jurisdictional subnamespace with an ID from a different jurisdiction");
    }
    const hint = options?.locationHint;
    return makeStub(this.#namespace, id, hint === undefined ? undefined : String(hint));
  }
  getByName(name, options) {
    return this.get(this.idFromName(name), options);
  }
  /// The namespace whose IDs keep their objects' data in `jurisdiction` (none when nullish).
  jurisdiction(jurisdiction) {
    return new DurableObjectNamespace(this.#namespace, checkJurisdiction(jurisdiction));
  }
}
define(G, "DurableObjectNamespace", DurableObjectNamespace);
define(G, "DurableObjectId", DurableObjectId);
core.tagClass(DurableObjectNamespace);
core.tagClass(DurableObjectId);

/// JS RPC's calling side (api/rpc), loaded with the first stub.
const rpc = () => unit("rpc");

/// What a stub calls: [namespace, id, name, location hint] (for cloudflare:test's helpers).
const STUB_TARGET = Symbol("stub target");

/// `edgesim test`'s `abortAllDurableObjects()` and `reset()`: as in workerd, a stub that had
/// reached its object before is broken from then on, its calls rejecting with the reason; a
/// new stub (`namespace.get(id)` again) reaches the object afresh. Only the objects the test's
/// isolate hosts are aborted (`aborted(namespace)` says which), so only their stubs break.
const stubBreaks = [];
function breakStubs(reason, aborted) { stubBreaks.push({ reason, aborted }); }

class DurableObjectStub {
  #target;
  /// How many breaks there had been when the stub first reached its object.
  #connectedAfter = null;
  get [STUB_TARGET]() { return this.#target; }
  constructor(namespace, id, locationHint) {
    this.#target = [namespace, id.toString(), id.name ?? null, locationHint ?? null];
    // In workerd's order: `Object.keys(stub)` is ["name", "id"].
    this.name = id.name;
    this.id = id;
  }
  /// Why the stub is broken, if it is.
  #broken() {
    if (this.#connectedAfter === null) this.#connectedAfter = stubBreaks.length;
    if (this.#connectedAfter === stubBreaks.length) return null;
    const { reason, aborted } = stubBreaks[this.#connectedAfter];
    return aborted(this.#target[0]) ? reason : null;
  }
  fetch(input, init) {
    const broken = this.#broken();
    if (broken !== null) return Promise.reject(new Error(broken));
    return rpc().sendFetch((method, url, headers, body) =>
      ops.objectFetch(this.#target, method, url, headers, body), input, init);
  }
  static _send(stub, name, args) {
    const broken = stub.#broken();
    if (broken !== null) return Promise.reject(new Error(broken));
    return rpc().sendRpc((n, encoded, key) => ops.objectRpc(stub.#target, key ?? null, n, encoded), name, args);
  }
}
define(G, "DurableObjectStub", DurableObjectStub);
// workerd's stub class is `DurableObject`.
Object.defineProperty(DurableObjectStub.prototype, Symbol.toStringTag, { value: "DurableObject", configurable: true });

/// A stub answers its own members and, from compatibility date 2024-04-03 (`rpc`), turns any
/// other property into an RPC member.
function makeStub(namespace, id, locationHint) {
  return rpc().rpcStub(new DurableObjectStub(namespace, id, locationHint), DurableObjectStub._send);
}

// ---------- inside the object ----------

const keyBytes = (key) => utf8(key).length;

/// Refuses a key the object's storage cannot hold.
function checkKey(sqlite, key) {
  if (sqlite) {
    if (keyBytes(key) > SQLITE_ENTRY_BYTES_MAX) throw new Error(SQLITE_TOO_BIG);
    return;
  }
  const size = keyBytes(key);
  if (size > DO_KEY_BYTES_MAX) throw new RangeError(`Keys cannot be larger than ${DO_KEY_BYTES_MAX} bytes. A key of size ${size} was provided.`);
}

/// `value` as stored under `key`, refused when the object's storage cannot hold it.
function encodeValue(sqlite, key, value) {
  if (value === undefined) throw new TypeError("put() called with undefined value.");
  const text = serializeValue(value);
  if (sqlite) {
    if (utf8(text).length + keyBytes(key) > SQLITE_ENTRY_BYTES_MAX) throw new Error(SQLITE_TOO_BIG);
  } else {
    const size = utf8(text).length;
    if (size > DO_VALUE_BYTES_ENFORCED) throw new RangeError(`Values cannot be larger than ${DO_VALUE_BYTES_MAX} bytes. A value of size ${size} was provided.`);
  }
  return text;
}

/// actor-state.c++ `compileListOptions`, shared by `storage.list()` and `storage.kv.list()`.
function listOptions(o) {
  const opts = {};
  for (const k of ["start", "startAfter", "end", "prefix"]) if (o[k] !== undefined) opts[k] = String(o[k]);
  if (opts.start !== undefined && opts.startAfter !== undefined) throw new TypeError("list() cannot be called with both start and startAfter values.");
  if (o.reverse) opts.reverse = true;
  if (o.limit !== undefined) {
    const limit = Math.trunc(Number(o.limit));
    if (!(limit > 0)) throw new TypeError("List limit must be positive.");
    opts.limit = limit;
  }
  return opts;
}

class DurableObjectStorage {
  #sqlite; #kv = null;
  constructor(sqlite) { this.#sqlite = sqlite; }

  async get(keys, options = {}) {
    const many = Array.isArray(keys);
    const list = many ? keys.map(String) : [String(keys)];
    const r = ops.storageGet(list, !!options?.allowConcurrency);
    const entries = typeof r === "number" ? await awaitOp(r) : r[0];
    if (many) return new Map(entries.map(([k, v]) => [k, deserializeValue(v)]));
    return entries.length ? deserializeValue(entries[0][1]) : undefined;
  }

  async put(keyOrEntries, value, options) {
    let entries, opts;
    if (keyOrEntries !== null && typeof keyOrEntries === "object") {
      opts = value ?? {};
      entries = Object.entries(keyOrEntries).map(([k, v]) => { checkKey(this.#sqlite, k); return [k, encodeValue(this.#sqlite, k, v)]; });
    } else {
      opts = options ?? {};
      const key = String(keyOrEntries);
      checkKey(this.#sqlite, key);
      entries = [[key, encodeValue(this.#sqlite, key, value)]];
    }
    ops.storagePut(entries, !!opts.allowUnconfirmed);
  }

  async delete(keys, options = {}) {
    const many = Array.isArray(keys);
    const list = many ? keys.map(String) : [String(keys)];
    const r = ops.storageDelete(list, !!options?.allowUnconfirmed);
    const count = typeof r === "number" ? await awaitOp(r) : r[0];
    return many ? count : count > 0;
  }

  async list(options = {}) {
    const o = options ?? {};
    const opts = listOptions(o);
    // SQLite lists through the same one cursor as `kv.list()` (sqlite-kv.h).
    if (this.#kv) SyncKvStorage._cancelCursor(this.#kv);
    const r = ops.storageList(JSON.stringify(opts), !!o.allowConcurrency);
    const entries = typeof r === "number" ? await awaitOp(r) : r[0];
    return new Map(entries.map(([k, v]) => [k, deserializeValue(v)]));
  }

  async deleteAll() { ops.storageDeleteAll(); }

  async getAlarm() {
    const r = ops.storageGetAlarm();
    return typeof r === "number" ? await awaitOp(r) : r[0];
  }
  async setAlarm(scheduledTime) {
    const ms = scheduledTime instanceof OriginalDate ? scheduledTime.getTime() : Number(scheduledTime);
    if (!Number.isFinite(ms)) throw new TypeError("Failed to execute 'setAlarm' on 'DurableObjectStorage': parameter 1 is not of type 'Date or number'.");
    ops.storageSetAlarm(ms);
  }
  async deleteAlarm() { ops.storageSetAlarm(null); }

  async sync() {
    const r = ops.storageSync();
    if (typeof r === "number") await awaitOp(r);
  }

  async transaction(closure) {
    const txn = new DurableObjectTransaction(this);
    let result;
    try {
      result = await closure(txn);
    } catch (e) {
      DurableObjectTransaction._end(txn);
      throw e;
    }
    await DurableObjectTransaction._commit(txn);
    return result;
  }
  transactionSync(closure) {
    if (!this.#sqlite) return closure();
    ops.sqlSavepoint("begin");
    try {
      const result = closure();
      ops.sqlSavepoint("release");
      return result;
    } catch (e) {
      ops.sqlSavepoint("rollback");
      throw e;
    }
  }

  get sql() { return new SqlStorage(this.#sqlite); }
  get kv() { return (this.#kv ??= new SyncKvStorage(this.#sqlite)); }
}
define(G, "DurableObjectStorage", DurableObjectStorage);

// ---------- ctx.storage.kv (sync-kv.c++) ----------

const SYNC_KV_NOT_SQLITE = "The storage.kv (synchronous KV) API is only available for SQLite-backed Durable Objects, but this object's namespace is not declared to use SQLite. You can use the older, asyncronous interface via methods of `storage` itself (e.g. `storage.get()`). Alternatively, to enable SQLite, change `new_classes` to `new_sqlite_classes` within the 'migrations' field in your wrangler.jsonc or wrangler.toml file. If using workerd directly, set `enableSql = true` in your workerd config for the class. Note that this change cannot be made after the class is already deployed to production.";
const CURSOR_CANCELED = "kv.list() iterator was invalidated because a new call to kv.list() was started. Only one kv.list() iterator can exist at a time.";

/// Web IDL's refusal of a missing argument.
function requireArgument(method, index, value, type) {
  if (value === undefined) throw new TypeError(`Failed to execute '${method}' on 'SyncKvStorage': parameter ${index} is not of type '${type}'.`);
}

/// What `kv.list()` returns: one pass over the entries, read as it goes.
class ListIterator {
  #next;
  constructor(next) { this.#next = next; }
  next() { return this.#next(); }
  [Symbol.iterator]() { return this; }
}
core.tagClass(ListIterator);

/// Reads and writes at once: the object's SQLite database is local. Writes go into the same
/// cache and commit as the asynchronous API's, so each API sees the other's.
class SyncKvStorage {
  #sqlite;
  /// The one cursor that may be open (sqlite-kv.h): a new `list()` cancels it.
  #open = null;
  constructor(sqlite) { this.#sqlite = sqlite; }
  #requireSqlite() { if (!this.#sqlite) throw new Error(SYNC_KV_NOT_SQLITE); }

  get(key) {
    requireArgument("get", 1, key, "string");
    key = String(key);
    this.#requireSqlite();
    const text = ops.storageKvGet(key);
    return text === undefined ? undefined : deserializeValue(text);
  }

  put(key, value) {
    requireArgument("put", 1, key, "string");
    requireArgument("put", 2, value, "JsValue");
    key = String(key);
    this.#requireSqlite();
    checkKey(true, key);
    ops.storagePut([[key, encodeValue(true, key, value)]], false);
  }

  delete(key) {
    requireArgument("delete", 1, key, "string");
    key = String(key);
    this.#requireSqlite();
    return ops.storageKvDelete(key);
  }

  static _cancelCursor(kv) {
    if (kv.#open) kv.#open.canceled = true;
    kv.#open = null;
  }

  list(options) {
    if (options !== undefined && options !== null && typeof options !== "object") {
      throw new TypeError("Failed to execute 'list' on 'SyncKvStorage': parameter 1 is not of type 'ListOptions'.");
    }
    this.#requireSqlite();
    const opts = listOptions(options ?? {});
    const json = JSON.stringify(opts);
    const cursor = { canceled: false, done: false, after: null, count: 0 };
    SyncKvStorage._cancelCursor(this);
    this.#open = cursor;
    const finish = () => {
      cursor.done = true;
      if (this.#open === cursor) this.#open = null;
      return { done: true, value: undefined };
    };
    return new ListIterator(() => {
      if (cursor.done) return { done: true, value: undefined };
      if (cursor.canceled) throw new Error(CURSOR_CANCELED);
      if (opts.limit !== undefined && cursor.count >= opts.limit) return finish();
      const entry = ops.storageKvNext(json, cursor.after);
      if (!entry) return finish();
      cursor.after = entry[0];
      cursor.count++;
      return { done: false, value: [entry[0], deserializeValue(entry[1])] };
    });
  }
}
core.tagClass(SyncKvStorage);

/// Writes stay in the transaction until it ends; reads see them first. Committed as one batch,
/// so they reach the store atomically.
class DurableObjectTransaction {
  #storage; #writes = new Map(); #done = false; #rolledBack = false;
  constructor(storage) { this.#storage = storage; }
  #check() { if (this.#done) throw new Error("Transaction is already committed or rolled back."); }
  async get(keys, options) {
    this.#check();
    const many = Array.isArray(keys);
    const list = many ? keys.map(String) : [String(keys)];
    const stored = await this.#storage.get(list, options);
    const out = new Map();
    for (const k of [...list].sort()) {
      const v = this.#writes.has(k) ? this.#writes.get(k) : stored.get(k);
      if (v !== undefined) out.set(k, structuredClone(v));
    }
    return many ? out : out.get(list[0]);
  }
  async put(keyOrEntries, value) {
    this.#check();
    const entries = keyOrEntries !== null && typeof keyOrEntries === "object" ? Object.entries(keyOrEntries) : [[String(keyOrEntries), value]];
    for (const [k, v] of entries) {
      if (v === undefined) throw new TypeError("put() called with undefined value.");
      this.#writes.set(k, structuredClone(v));
    }
  }
  async delete(keys) {
    this.#check();
    const many = Array.isArray(keys);
    const list = many ? keys.map(String) : [String(keys)];
    const existing = await this.get(list);
    for (const k of list) this.#writes.set(k, undefined);
    return many ? existing.size : existing.size > 0;
  }
  async list(options) {
    this.#check();
    const stored = await this.#storage.list(options);
    for (const [k, v] of this.#writes) {
      if (!stored.has(k)) continue;
      if (v === undefined) stored.delete(k); else stored.set(k, v);
    }
    return stored;
  }
  async deleteAll() { throw new Error("Cannot call deleteAll() within a transaction"); }
  getAlarm(o) { return this.#storage.getAlarm(o); }
  setAlarm(t) { return this.#storage.setAlarm(t); }
  deleteAlarm() { return this.#storage.deleteAlarm(); }
  rollback() { this.#check(); this.#rolledBack = true; this.#writes.clear(); }
  static _end(txn) { txn.#done = true; }
  static async _commit(txn) {
    txn.#done = true;
    if (txn.#rolledBack) return;
    const puts = {};
    const deletes = [];
    for (const [k, v] of txn.#writes) (v === undefined ? deletes.push(k) : (puts[k] = v));
    if (Object.keys(puts).length) await txn.#storage.put(puts);
    if (deletes.length) await txn.#storage.delete(deletes);
  }
}
define(G, "DurableObjectTransaction", DurableObjectTransaction);

/// A binding as SQLite takes it: numbers stay numbers (bound as REAL, as workerd binds them),
/// bytes stay bytes, everything else but null becomes its string.
function sqlBinding(v) {
  if (typeof v === "bigint") throw new TypeError("Cannot convert a BigInt value to a number");
  if (v === undefined || v === null) return null;
  if (typeof v === "number" || typeof v === "string") return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return String(v);
}

/// `ctx.storage.sql`. KV-backed classes refuse it with workerd's text.
class SqlStorage {
  #sqlite;
  constructor(sqlite) { this.#sqlite = sqlite; }
  exec(query, ...bindings) {
    const values = bindings.map(sqlBinding);
    if (!this.#sqlite) throw new Error(SQL_NOT_ENABLED);
    const [columns, rows, rowsRead, rowsWritten] = ops.sqlExec(String(query), values);
    return new Cursor(columns, rows, rowsRead, rowsWritten);
  }
  get databaseSize() {
    if (!this.#sqlite) throw new Error(SQL_NOT_ENABLED);
    return ops.sqlSize();
  }
}
define(G, "SqlStorage", SqlStorage);

/// The rows of one `exec()`, read as objects (`next`, iteration, `toArray`, `one`) or as arrays
/// (`raw()`), each row once.
class Cursor {
  #columns; #rows; #next = 0; #rowsRead; #rowsWritten;
  constructor(columns, rows, rowsRead, rowsWritten) {
    this.#columns = columns; this.#rows = rows; this.#rowsRead = rowsRead; this.#rowsWritten = rowsWritten;
  }
  get columnNames() { return [...this.#columns]; }
  get rowsRead() { return this.#rowsRead; }
  get rowsWritten() { return this.#rowsWritten; }
  #take() { return this.#next < this.#rows.length ? this.#rows[this.#next++] : undefined; }
  #object(row) {
    const o = {};
    this.#columns.forEach((c, i) => { o[c] = row[i]; });
    return o;
  }
  next() {
    const row = this.#take();
    return row === undefined ? { done: true, value: undefined } : { done: false, value: this.#object(row) };
  }
  [Symbol.iterator]() { return this; }
  toArray() { return [...this]; }
  one() {
    const left = this.#rows.length - this.#next;
    if (left === 0) throw new Error("Expected exactly one result from SQL query, but got no results.");
    if (left > 1) throw new Error("Expected exactly one result from SQL query, but got multiple results.");
    return this.next().value;
  }
  raw() {
    const cursor = this;
    const take = () => cursor.#take();
    const it = {
      next() { const row = take(); return row === undefined ? { done: true, value: undefined } : { done: false, value: row }; },
      [Symbol.iterator]() { return it; },
      toArray() { return [...it]; },
    };
    return it;
  }
}
define(G, "SqlCursor", Cursor);

/// The `blockConcurrencyWhile()` callbacks of an object still running: its calls wait for them.
const BLOCKERS = Symbol("blockers");
class DurableObjectState {
  #storage;
  constructor(id, sqlite) {
    this.id = id;
    this.#storage = new DurableObjectStorage(sqlite);
    Object.defineProperty(this, BLOCKERS, { value: new Set() });
  }
  get storage() { return this.#storage; }
  waitUntil(promise) {
    const id = ops.currentInvocation();
    if (id === null || id === undefined) return;
    ops.waitUntilAdd(id);
    Promise.resolve(promise).then(() => ops.waitUntilSettled(id), () => ops.waitUntilSettled(id));
  }
  async blockConcurrencyWhile(callback) {
    ops.blockConcurrencyEnter();
    const run = (async () => callback())();
    const blockers = this[BLOCKERS];
    blockers.add(run);
    try {
      return await run;
    } catch (e) {
      ops.resetObject(`${e?.name ?? "Error"}: ${e?.message ?? String(e)}`);
      throw e;
    } finally {
      blockers.delete(run);
      ops.blockConcurrencyExit();
    }
  }
  abort(reason) {
    ops.resetObject(reason === undefined ? "Durable Object was aborted." : String(reason));
  }

  // ---------- hibernatable WebSockets (actor-state.c++) ----------
  acceptWebSocket(ws, tags) {
    if (!(ws instanceof sockets().WebSocket)) throw new TypeError("Failed to execute 'acceptWebSocket' on 'DurableObjectState': parameter 1 is not of type 'WebSocket'.");
    const distinctTags = () => {
      const distinct = [];
      for (const t of tags ?? []) {
        const tag = String(t);
        if (distinct.length >= 10) throw new Error("a Hibernatable WebSocket cannot have more than 10 tags");
        if (utf8(tag).length > 256) throw new Error(`"${tag}" is longer than the max tag length (256 characters).`);
        if (!distinct.includes(tag)) distinct.push(tag);
      }
      return distinct;
    };
    hostedHere().sockets.set(sockets().WebSocket._acceptHibernatable(ws, distinctTags), ws);
  }
  getWebSockets(tag) {
    return ops.hibernatableIds(tag === undefined ? null : String(tag)).map(hibernatableSocket);
  }
  getTags(ws) {
    if (!(ws instanceof sockets().WebSocket)) throw new TypeError("Failed to execute 'getTags' on 'DurableObjectState': parameter 1 is not of type 'WebSocket'.");
    return sockets().WebSocket._tags(ws);
  }
  setWebSocketAutoResponse(pair) {
    if (pair === undefined || pair === null) return ops.setAutoResponse(null);
    if (!(pair instanceof sockets().WebSocketRequestResponsePair)) throw new TypeError("Failed to execute 'setWebSocketAutoResponse' on 'DurableObjectState': parameter 1 is not of type 'WebSocketRequestResponsePair'.");
    const request = utf8(pair.request).length, response = utf8(pair.response).length;
    if (request > 2048) throw new RangeError(`Request cannot be larger than 2048 bytes. A request of size ${request} was provided.`);
    if (response > 2048) throw new RangeError(`Response cannot be larger than 2048 bytes. A response of size ${response} was provided.`);
    ops.setAutoResponse([pair.request, pair.response]);
  }
  setHibernatableWebSocketEventTimeout(timeoutMs) {
    // WebIDL `optional unsigned long`: undefined leaves it out, anything else is ToUint32'd.
    const ms = timeoutMs === undefined ? 0 : Number(timeoutMs) >>> 0;
    if (ms > 604800000) throw new Error("Event timeout should not exceed 604800000 ms.");
    ops.setEventTimeout(ms === 0 ? null : ms);
  }
  getHibernatableWebSocketEventTimeout() {
    return ops.getEventTimeout() ?? null;
  }
  getWebSocketAutoResponse() {
    const pair = ops.getAutoResponse();
    return pair === null ? null : new (sockets().WebSocketRequestResponsePair)(pair[0], pair[1]);
  }
  getWebSocketAutoResponseTimestamp(ws) {
    const id = ws instanceof sockets().WebSocket ? sockets().WebSocket._hid(ws) : null;
    const at = id === null ? null : ops.hibernatableInfo(id)?.autoResponseAt;
    return at === null || at === undefined ? null : new OriginalDate(at);
  }
}

/// This isolate's WebSocket object for a hibernatable socket of the object running now, by
/// socket id; after an eviction they are made afresh from what the platform kept.
function hibernatableSocket(id) {
  const known = hostedHere().sockets;
  let ws = known.get(id);
  if (!ws) {
    ws = sockets().WebSocket._hibernatable(id, ops.hibernatableInfo(id));
    known.set(id, ws);
  }
  return ws;
}
define(G, "DurableObjectState", DurableObjectState);

class AlarmInvocationInfo {
  constructor(scheduledTime, retryCount) {
    this.scheduledTime = scheduledTime;
    this.retryCount = retryCount;
    this.isRetry = retryCount > 0;
  }
}

/// The objects this isolate hosts, by slot (engine/isolate/durable_object_calls.rs).
const hostedObjects = new Map();
/// Called when this isolate becomes the home of an object; an error text if it cannot.
function hostObject(className, idHex, name, sqlite, slot) {
  const Class = core.moduleExports?.[className];
  if (typeof Class !== "function") return `Durable Object class "${className}" is not exported by the Worker's main module.`;
  const id = new DurableObjectId(idHex, name ?? undefined, UNRESOLVED);
  hostedObjects.set(slot, { Class, id, sqlite, state: null, instance: null, sockets: new Map() });
  return null;
}

function unhostObject(slot) {
  hostedObjects.delete(slot);
}

/// The hosted object whose call (or work of its own) is running.
function hostedHere() {
  return hostedObjects.get(ops.currentObject());
}

/// The running object's instance, constructed on its first call; then waits out any
/// blockConcurrencyWhile() the constructor started.
async function objectInstance() {
  const o = hostedHere();
  if (!o.instance) {
    o.state = new DurableObjectState(o.id, o.sqlite);
    o.instance = new o.Class(o.state, core.workerEnv);
  }
  const blockers = o.state[BLOCKERS];
  if (blockers.size) await Promise.allSettled([...blockers]);
  return o.instance;
}

/// `edgesim test`'s request to run a test's callback in the object (api/test/durable_objects.js):
/// the callback's number. Only a test's own isolate hosts objects that see it.
const TEST_ACTION_HEADER = "x-edgesim-test-object-action";

function dispatchObjectFetch(id, method, url, _colo, headers, body) {
  const here = hostedHere();
  (async () => {
    const instance = await objectInstance();
    const action = headers.find(([name]) => name.toLowerCase() === TEST_ACTION_HEADER)?.[1];
    const runAction = globalThis[Symbol.for("edgesim.test.objectAction")];
    if (action !== undefined && runAction !== undefined) {
      return rpc().respondWith(id, await runAction(Number(action), instance, here.state));
    }
    if (typeof instance.fetch !== "function") throw new Error("Handler does not export a fetch() function.");
    const noBody = method === "GET" || method === "HEAD";
    const response = await instance.fetch(Request._incoming(url, method, headers, noBody ? null : body, undefined));
    await rpc().respondWith(id, response);
  })().catch(rpc().throwBack(id));
}

/// worker-rpc.c++: a class not declared with `extends DurableObject` takes no RPC.
const NOT_RPC_CLASS = "The receiving Durable Object does not support RPC, because its class was not declared with `extends DurableObject`. In order to enable RPC, make sure your class extends the special class `DurableObject`, which can be imported from the module \"cloudflare:workers\".";

/// An RPC call (or, `args` undefined, a property read) on the object, or, with `stubKey`, on
/// a target the object handed out under that key; `caller` is where the call came from.
function dispatchRpc(id, method, args, stubKey, caller) {
  (async () => {
    if (stubKey !== null && stubKey !== undefined) return ops.returned(id, await rpc().answerTarget(stubKey, method, args, caller));
    const instance = await objectInstance();
    if (!(instance instanceof cloudflareWorkers.DurableObject)) throw new TypeError(NOT_RPC_CLASS);
    const result = await rpc().rpcAnswer(instance, method, args, undefined, caller);
    ops.returned(id, rpc().serializeRpc(result));
  })().catch(rpc().throwBack(id));
}

/// A hibernatable socket's message or close, to `webSocketMessage` / `webSocketClose`.
function dispatchSocketEvent(id, socketId, kind, payload, code, wasClean) {
  (async () => {
    const instance = await objectInstance();
    const ws = hibernatableSocket(socketId);
    if (kind === "close") {
      sockets().WebSocket._closedIncoming(ws);
      if (typeof instance.webSocketClose === "function") await instance.webSocketClose(ws, code, payload, wasClean);
    } else if (kind === "error") {
      sockets().WebSocket._closedIncoming(ws);
      if (typeof instance.webSocketError === "function") await instance.webSocketError(ws, new Error(payload));
    } else if (typeof instance.webSocketMessage === "function") {
      await instance.webSocketMessage(ws, payload);
    }
  })().then(() => ops.handlerDone(id), (e) => ops.fail(id, describeError(e)));
}

function dispatchAlarm(id, retryCount, scheduledTime) {
  (async () => {
    const instance = await objectInstance();
    if (typeof instance.alarm !== "function") return;
    await instance.alarm(new AlarmInvocationInfo(scheduledTime, retryCount));
  })().then(() => ops.handlerDone(id), (e) => ops.fail(id, describeError(e)));
}

/// For cloudflare:test: what a stub calls (undefined for anything else), a namespace's name.
const stubTarget = (v) => { try { return v[STUB_TARGET]; } catch { return undefined; } };
const namespaceName = (ns) => DurableObjectNamespace._name(ns);

return { DurableObjectNamespace, TEST_ACTION_HEADER, stubTarget, breakStubs, namespaceName, hostObject, unhostObject, dispatchObjectFetch, dispatchRpc, dispatchAlarm, dispatchSocketEvent };
