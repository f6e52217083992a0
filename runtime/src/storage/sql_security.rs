//! What user SQL may do in a Durable Object's or D1 database: workerd's `setupSecurity` and
//! `isAuthorized` (util/sqlite.c++) as the recorded workerd (1.20260426) has them — defensive
//! mode, sqlite.org/security.html's reduced limits, an authorizer that allows a listed set of
//! pragmas, functions and virtual-table modules and nothing outside the `main` database. (SQLite
//! itself is built as workerd builds it: see `LIBSQLITE3_FLAGS` in `.cargo/config.toml`.)
//!
//! Why it matters beyond fidelity: `PRAGMA writable_schema` or `journal_mode = OFF` would let a
//! Worker corrupt the database edgesim persists, or drop its crash safety.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;
use rusqlite::config::DbConfig;
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::limits::Limit;

use super::sql::{
    BOUND_PARAMETERS_MAX, COLUMNS_MAX, FUNCTION_ARGS_MAX, LENGTH_BYTES_MAX, LIKE_PATTERN_BYTES_MAX,
    STATEMENT_BYTES_MAX,
};

/// Why the authorizer refused the statement being prepared, when the text SQLite gives is not
/// the one workerd shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refusal {
    Transaction,
}

/// The authorizer's state, shared with the connection's callback.
#[derive(Clone, Default)]
pub(super) struct Guard {
    /// While true the runtime's own SQL runs: everything but transactions is allowed.
    pub trusted: Arc<AtomicBool>,
    pub refusal: Arc<Mutex<Option<Refusal>>>,
}

/// How an allowed pragma may be called (workerd's `PragmaSignature`).
#[derive(Clone, Copy)]
enum Signature {
    NoArgument,
    Boolean,
    ObjectName,
    OptionalObjectName,
    OptionalNumber,
    OptionalNumberOrObjectName,
}

const ALLOWED_PRAGMAS: &[(&str, Signature)] = &[
    ("data_version", Signature::NoArgument),
    ("case_sensitive_like", Signature::Boolean),
    ("foreign_keys", Signature::Boolean),
    ("defer_foreign_keys", Signature::Boolean),
    ("ignore_check_constraints", Signature::Boolean),
    ("legacy_alter_table", Signature::Boolean),
    ("recursive_triggers", Signature::Boolean),
    ("reverse_unordered_selects", Signature::Boolean),
    ("foreign_key_check", Signature::OptionalObjectName),
    ("foreign_key_list", Signature::ObjectName),
    ("index_info", Signature::ObjectName),
    ("index_list", Signature::ObjectName),
    ("index_xinfo", Signature::ObjectName),
    ("quick_check", Signature::OptionalNumberOrObjectName),
    ("optimize", Signature::OptionalNumber),
];

/// Functions user SQL may call; any other that exists is "not authorized to use function".
const ALLOWED_FUNCTIONS: &[&str] = &[
    "abs",
    "changes",
    "char",
    "coalesce",
    "concat",
    "concat_ws",
    "format",
    "glob",
    "hex",
    "ifnull",
    "iif",
    "instr",
    "last_insert_rowid",
    "length",
    "like",
    "likelihood",
    "likely",
    "load_extension",
    "lower",
    "ltrim",
    "max_scalar",
    "min_scalar",
    "nullif",
    "octet_length",
    "printf",
    "quote",
    "random",
    "randomblob",
    "replace",
    "round",
    "rtrim",
    "sign",
    "soundex",
    "substr",
    "substring",
    "total_changes",
    "trim",
    "typeof",
    "unhex",
    "unicode",
    "unlikely",
    "upper",
    "zeroblob",
    "date",
    "time",
    "datetime",
    "julianday",
    "unixepoch",
    "strftime",
    "timediff",
    "current_date",
    "current_time",
    "current_timestamp",
    "avg",
    "count",
    "group_concat",
    "max",
    "min",
    "string_agg",
    "sum",
    "total",
    "row_number",
    "rank",
    "dense_rank",
    "percent_rank",
    "cume_dist",
    "ntile",
    "lag",
    "lead",
    "first_value",
    "last_value",
    "nth_value",
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "ceil",
    "cos",
    "cosh",
    "degrees",
    "exp",
    "floor",
    "ln",
    "log",
    "log2",
    "mod",
    "pi",
    "pow",
    "radians",
    "sin",
    "sinh",
    "sqrt",
    "tan",
    "tanh",
    "trunc",
    "json",
    "jsonb",
    "json_array",
    "jsonb_array",
    "json_array_length",
    "json_extract",
    "jsonb_extract",
    "->",
    "->>",
    "json_insert",
    "jsonb_insert",
    "json_object",
    "jsonb_object",
    "json_patch",
    "jsonb_patch",
    "json_remove",
    "jsonb_remove",
    "json_replace",
    "jsonb_replace",
    "json_set",
    "jsonb_set",
    "json_type",
    "json_valid",
    "json_quote",
    "json_group_array",
    "jsonb_group_array",
    "json_group_object",
    "jsonb_group_object",
    "json_each",
    "json_tree",
    "match",
    "highlight",
    "bm25",
    "snippet",
    "sqlite_rename_column",
    "sqlite_rename_table",
    "sqlite_rename_test",
    "sqlite_drop_column",
    "sqlite_rename_quotefix",
];

/// Virtual-table modules a user may create tables of.
const ALLOWED_MODULES: &[&str] = &["fts5", "fts5vocab"];

/// Applies workerd's restrictions to a fresh connection and installs the authorizer.
pub(super) fn restrict(conn: &Connection, guard: &Guard) -> rusqlite::Result<()> {
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    for (limit, value) in [
        (Limit::SQLITE_LIMIT_LENGTH, LENGTH_BYTES_MAX),
        (Limit::SQLITE_LIMIT_SQL_LENGTH, STATEMENT_BYTES_MAX),
        (Limit::SQLITE_LIMIT_COLUMN, COLUMNS_MAX),
        (Limit::SQLITE_LIMIT_EXPR_DEPTH, 100),
        (Limit::SQLITE_LIMIT_COMPOUND_SELECT, 5),
        (Limit::SQLITE_LIMIT_VDBE_OP, 25_000),
        (Limit::SQLITE_LIMIT_FUNCTION_ARG, FUNCTION_ARGS_MAX),
        (Limit::SQLITE_LIMIT_ATTACHED, 0),
        (
            Limit::SQLITE_LIMIT_LIKE_PATTERN_LENGTH,
            LIKE_PATTERN_BYTES_MAX,
        ),
        (Limit::SQLITE_LIMIT_VARIABLE_NUMBER, BOUND_PARAMETERS_MAX),
        (Limit::SQLITE_LIMIT_TRIGGER_DEPTH, 10),
        (Limit::SQLITE_LIMIT_WORKER_THREADS, 0),
    ] {
        conn.set_limit(limit, value)?;
    }
    let guard = guard.clone();
    conn.authorizer(Some(move |ctx: AuthContext<'_>| {
        if is_authorized(&guard, &ctx) {
            Authorization::Allow
        } else {
            Authorization::Deny
        }
    }));
    Ok(())
}

/// Names starting `_cf_` belong to the runtime (workerd 1.20260426 compares case-sensitively).
fn is_allowed_name(name: &str) -> bool {
    !name.starts_with("_cf_")
}

fn is_authorized(guard: &Guard, ctx: &AuthContext<'_>) -> bool {
    let transaction = matches!(
        ctx.action,
        AuthAction::Transaction { .. } | AuthAction::Savepoint { .. }
    );
    if transaction {
        // The runtime's own savepoints (`transactionSync`) are trusted.
        if guard.trusted.load(Ordering::SeqCst) {
            return true;
        }
        if let Ok(mut refusal) = guard.refusal.lock() {
            *refusal = Some(Refusal::Transaction);
        }
        return false;
    }
    match ctx.database_name {
        Some("temp") => return is_authorized_in_temp(&ctx.action),
        Some(name) if name != "main" => return false,
        _ => {}
    }
    guard.trusted.load(Ordering::SeqCst) || is_authorized_for_user(&ctx.action)
}

/// The temporary database may only be read (its schema table, which SQLite always has).
fn is_authorized_in_temp(action: &AuthAction<'_>) -> bool {
    match action {
        AuthAction::Read { table_name, .. } | AuthAction::Update { table_name, .. } => {
            is_allowed_name(table_name)
        }
        _ => false,
    }
}

fn is_authorized_for_user(action: &AuthAction<'_>) -> bool {
    use AuthAction as A;
    match *action {
        A::Select | A::Recursive => true,
        // `PRAGMA optimize` analyzes every table, the runtime's included; sqlite_stat1 holds no
        // data of theirs.
        A::Analyze { .. } => true,
        A::CreateTable { table_name }
        | A::Delete { table_name }
        | A::DropTable { table_name }
        | A::Insert { table_name }
        | A::Read { table_name, .. }
        | A::Update { table_name, .. }
        | A::AlterTable { table_name, .. } => is_allowed_name(table_name),
        A::CreateView { view_name } | A::DropView { view_name } => is_allowed_name(view_name),
        A::Reindex { index_name } => is_allowed_name(index_name),
        A::CreateIndex {
            index_name,
            table_name,
        }
        | A::DropIndex {
            index_name,
            table_name,
        } => is_allowed_name(index_name) && is_allowed_name(table_name),
        A::CreateTrigger {
            trigger_name,
            table_name,
        }
        | A::DropTrigger {
            trigger_name,
            table_name,
        } => is_allowed_name(trigger_name) && is_allowed_name(table_name),
        A::Pragma {
            pragma_name,
            pragma_value,
        } => is_allowed_pragma(pragma_name, pragma_value),
        A::Function { function_name } => ALLOWED_FUNCTIONS.contains(&function_name),
        A::CreateVtable {
            table_name,
            module_name,
        }
        | A::DropVtable {
            table_name,
            module_name,
        } => {
            ALLOWED_MODULES
                .iter()
                .any(|m| m.eq_ignore_ascii_case(module_name))
                && is_allowed_name(table_name)
        }
        _ => false,
    }
}

fn is_allowed_pragma(name: &str, value: Option<&str>) -> bool {
    match name {
        "table_list" => return true,
        "table_info" | "table_xinfo" => return value.is_some_and(is_allowed_name),
        _ => {}
    }
    let Some((_, signature)) = ALLOWED_PRAGMAS.iter().find(|(n, _)| *n == name) else {
        return false;
    };
    match (signature, value) {
        (Signature::NoArgument, value) => value.is_none(),
        (Signature::Boolean, None) => true,
        (Signature::Boolean, Some(value)) => is_boolean(value),
        (Signature::ObjectName, value) => value.is_some_and(is_allowed_name),
        (Signature::OptionalObjectName, value) => value.is_none_or(is_allowed_name),
        (Signature::OptionalNumber, value) => value.is_none_or(|v| v.parse::<i32>().is_ok()),
        (Signature::OptionalNumberOrObjectName, value) => {
            value.is_none_or(|v| v.parse::<u32>().is_ok() || is_allowed_name(v))
        }
    }
}

/// SQLite's spellings of a boolean, quoted or not, compared as workerd does: by prefix,
/// ignoring case (so `onion` passes, and SQLite reads it as it reads any other word).
fn is_boolean(value: &str) -> bool {
    let bytes = value.as_bytes();
    let unquoted = match bytes {
        [q @ (b'\'' | b'"'), inner @ .., last] if last == q => inner,
        _ => bytes,
    };
    ["true", "false", "yes", "no", "on", "off", "1", "0"]
        .iter()
        .any(|word| {
            unquoted.len() >= word.len()
                && unquoted[..word.len()].eq_ignore_ascii_case(word.as_bytes())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_are_recognised_by_prefix_quoted_or_not() {
        for yes in ["ON", "'yes'", "\"off\"", "TRUE", "0", "onion", "1x"] {
            assert!(is_boolean(yes), "{yes}");
        }
        for no in ["2", "'tru'", "maybe", "", "'on"] {
            assert!(!is_boolean(no), "{no}");
        }
    }

    #[test]
    fn pragmas_are_allowed_only_with_their_signatures() {
        assert!(is_allowed_pragma("data_version", None));
        assert!(!is_allowed_pragma("data_version", Some("1")));
        assert!(is_allowed_pragma("optimize", Some("-1")));
        assert!(!is_allowed_pragma("optimize", Some("abc")));
        assert!(is_allowed_pragma("quick_check", Some("t")));
        assert!(!is_allowed_pragma("quick_check", Some("_cf_KV")));
        assert!(!is_allowed_pragma("foreign_key_list", None));
        assert!(!is_allowed_pragma("table_info", Some("_cf_KV")));
        assert!(!is_allowed_pragma("writable_schema", Some("1")));
        assert!(!is_allowed_pragma("journal_mode", Some("OFF")));
    }
}
