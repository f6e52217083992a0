// The D1 binding (env.<BINDING> for each `d1_databases` entry): prepared statements, batches,
// exec and sessions over ops.d1. Value rules and error shapes are workerd's d1-api.ts: errors
// read `D1_<KIND>: <message>` and carry the bare message as their `cause`.

const { G, define, awaitOp } = core;

function d1Error(prefix, message) {
  return new Error(`${prefix}: ${message}`, { cause: new Error(message) });
}

/// Rethrows a failure from the D1 service with its cause attached.
function asD1Error(e) {
  const m = /^(D1_[A-Z_]+): ([\s\S]*)$/.exec(e?.message ?? "");
  return m ? d1Error(m[1], m[2]) : e;
}

function d1Value(v) {
  if (v === null) return null;
  switch (typeof v) {
    case "number": case "string": return v;
    case "boolean": return v ? 1 : 0;
    case "symbol": throw new TypeError("Cannot convert a Symbol value to a string");
    case "object":
      if (v instanceof ArrayBuffer) return new Uint8Array(v);
      if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      if (Array.isArray(v) && v.every((x) => typeof x === "number")) return new Uint8Array(v);
  }
  throw d1Error("D1_TYPE_ERROR", `Type '${typeof v}' not supported for value '${v}'`);
}

/// Column values as D1 returns them: blobs as arrays of byte values.
const d1Out = (v) => (v instanceof ArrayBuffer ? Array.from(new Uint8Array(v)) : v);

function d1Row(columns, row) {
  const o = {};
  columns.forEach((c, i) => { o[c] = d1Out(row[i]); });
  return o;
}

function d1Result([columns, rows, meta], answer) {
  return {
    success: true,
    meta: {
      served_by: "edgesim",
      served_by_region: answer.region,
      served_by_primary: answer.primary,
      timings: { sql_duration_ms: 0 },
      duration: 0,
      ...meta,
    },
    results: rows.map((row) => d1Row(columns, row)),
  };
}

class D1PreparedStatement {
  #target; #sql; #params;
  constructor(target, sql, params = []) { this.#target = target; this.#sql = sql; this.#params = params; }
  bind(...values) { return new D1PreparedStatement(this.#target, this.#sql, values.map(d1Value)); }
  static _parts(s) { return [s.#sql, s.#params]; }
  async #one() {
    const answer = await this.#target._query([this]);
    return answer.results[0];
  }
  async run() { return d1Result(await this.#one(), await this.#target._last()); }
  all() { return this.run(); }
  async first(column) {
    const [columns, rows] = await this.#one();
    if (rows.length === 0) return null;
    const row = d1Row(columns, rows[0]);
    if (column === undefined) return row;
    if (!(column in row)) {
      throw new Error(`D1_COLUMN_NOTFOUND: Column not found (${column})`, { cause: new Error("Column not found") });
    }
    return row[column];
  }
  async raw(options = {}) {
    const [columns, rows] = await this.#one();
    const out = rows.map((row) => row.map(d1Out));
    return options?.columnNames ? [columns, ...out] : out;
  }
}
define(G, "D1PreparedStatement", D1PreparedStatement);

/// What queries go through: the database itself, or a session that tracks its bookmark.
class D1Target {
  #database; #session; #answer = null; #bookmark = null;
  /// `session`: null for the database itself, else the constraint (`first-primary`,
  /// `first-unconstrained`) or bookmark the session was opened with.
  constructor(database, session = null) {
    this.#database = database;
    this.#session = session;
    if (session !== null && session !== "first-primary" && session !== "first-unconstrained") this.#bookmark = session;
  }
  async _query(statements) {
    const sqls = [];
    const bindings = [];
    for (const s of statements) {
      const [sql, params] = D1PreparedStatement._parts(s);
      sqls.push(sql);
      bindings.push(params);
    }
    return this._send(sqls, bindings, null);
  }
  async _send(sqls, bindings, exec) {
    let answer;
    try {
      answer = await awaitOp(ops.d1(this.#database, sqls, bindings, exec, this.#session, this.#bookmark));
    } catch (e) {
      throw asD1Error(e);
    }
    this.#answer = answer;
    if (this.#bookmark === null || answer.bookmark > this.#bookmark) this.#bookmark = answer.bookmark;
    return answer;
  }
  async _last() { return this.#answer; }
  _bookmark() { return this.#bookmark; }
}

class D1DatabaseSession {
  #target;
  constructor(target) { this.#target = target; }
  prepare(sql) { return new D1PreparedStatement(this.#target, String(sql)); }
  batch(statements) { return d1Batch(this.#target, statements); }
  getBookmark() { return this.#target._bookmark(); }
}
define(G, "D1DatabaseSession", D1DatabaseSession);

async function d1Batch(target, statements) {
  if (!Array.isArray(statements) || !statements.every((s) => s instanceof D1PreparedStatement)) {
    throw d1Error("D1_ERROR", "batch() takes an array of prepared statements (from DB.prepare()).");
  }
  if (statements.length === 0) throw d1Error("D1_ERROR", "No SQL statements detected.");
  const answer = await target._query(statements);
  return answer.results.map((r) => d1Result(r, answer));
}

class D1Database {
  #database; #target;
  constructor(database) { this.#database = database; this.#target = new D1Target(database); }
  prepare(sql) { return new D1PreparedStatement(this.#target, String(sql)); }
  batch(statements) { return d1Batch(this.#target, statements); }
  async exec(sql) {
    const answer = await this.#target._send(null, [], String(sql));
    return { count: answer.count, duration: 0 };
  }
  withSession(constraintOrBookmark) {
    // d1-api.ts: `constraintOrBookmark?.trim()`, nothing left meaning unconstrained.
    if (constraintOrBookmark != null && typeof constraintOrBookmark.trim !== "function") {
      throw new TypeError("constraintOrBookmark?.trim is not a function");
    }
    let c = constraintOrBookmark?.trim();
    if (c == null || c === "") c = "first-unconstrained";
    return new D1DatabaseSession(new D1Target(this.#database, String(c)));
  }
  async dump() {
    throw d1Error("D1_DUMP_ERROR", "dump() only works on databases created during the D1 alpha; use `wrangler d1 export`.");
  }
}
define(G, "D1Database", D1Database);

return { D1Database };
