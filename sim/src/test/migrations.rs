//! `readD1Migrations(dir)` of the pool's config helpers: a directory's migrations as the pool
//! hands them to tests (`[{ name, queries }]`, in wrangler's order), for `applyD1Migrations`.

use std::path::Path;

use edgesim_runtime::storage::d1_migrations::Migrations;
use edgesim_runtime::storage::sql::split_statements;
use serde_json::{Value, json};

use super::TestError;

pub fn read(dir: &Path) -> Result<Value, TestError> {
    let migrations = Migrations {
        dir: dir.to_path_buf(),
        table: String::new(),
    };
    let mut out = Vec::new();
    for name in migrations.names()? {
        let path = dir.join(&name);
        let sql = std::fs::read_to_string(&path)
            .map_err(|e| TestError::Project(format!("{}: {e}", path.display())))?;
        let queries: Vec<&str> = split_statements(&sql)
            .into_iter()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .collect();
        out.push(json!({ "name": name, "queries": queries }));
    }
    Ok(Value::Array(out))
}
