// node_sqlite: node:sqlite as workerd gives it from 2026-01-29 (enable_nodejs_sqlite_module): a
// stub whose classes cannot be made and whose `backup` refuses, with Node's constants.

function illegal() { throw new TypeError("Illegal constructor"); }
const DatabaseSync = { DatabaseSync: function () { illegal(); } }.DatabaseSync;
const StatementSync = { StatementSync: function () { illegal(); } }.StatementSync;
Object.defineProperty(DatabaseSync, "length", { value: 0 });
Object.defineProperty(StatementSync, "length", { value: 0 });

const CHANGESET = ["OMIT", 0, "REPLACE", 1, "ABORT", 2, "DATA", 1, "NOTFOUND", 2, "CONFLICT", 3, "CONSTRAINT", 4, "FOREIGN_KEY", 5];
/// The authorizer's answers and action codes, in SQLite's numbering.
const AUTHORIZER = ["OK", 0, "DENY", 1, "IGNORE", 2, "CREATE_INDEX", 1, "CREATE_TABLE", 2, "CREATE_TEMP_INDEX", 3,
  "CREATE_TEMP_TABLE", 4, "CREATE_TEMP_TRIGGER", 5, "CREATE_TEMP_VIEW", 6, "CREATE_TRIGGER", 7, "CREATE_VIEW", 8,
  "DELETE", 9, "DROP_INDEX", 10, "DROP_TABLE", 11, "DROP_TEMP_INDEX", 12, "DROP_TEMP_TABLE", 13, "DROP_TEMP_TRIGGER", 14,
  "DROP_TEMP_VIEW", 15, "DROP_TRIGGER", 16, "DROP_VIEW", 17, "INSERT", 18, "PRAGMA", 19, "READ", 20, "SELECT", 21,
  "TRANSACTION", 22, "UPDATE", 23, "ATTACH", 24, "DETACH", 25, "ALTER_TABLE", 26, "REINDEX", 27, "ANALYZE", 28,
  "CREATE_VTABLE", 29, "DROP_VTABLE", 30, "FUNCTION", 31, "SAVEPOINT", 32, "COPY", 0, "RECURSIVE", 33];
const constants = {};
for (const [prefix, list] of [["SQLITE_CHANGESET_", CHANGESET], ["SQLITE_", AUTHORIZER]]) {
  for (let i = 0; i < list.length; i += 2) constants[prefix + list[i]] = list[i + 1];
}

const util = { backup() { throw new Error("backup is not implemented"); } };
const backup = util.backup.bind(util);
const sqlite = { DatabaseSync, StatementSync, constants, backup };
return { DatabaseSync, StatementSync, backup, constants, default: sqlite };
