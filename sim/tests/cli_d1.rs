//! `edgesim d1 migrations list|apply` and `edgesim d1 execute` on a project's databases kept
//! with `--persist-to`, and the migrations a run applies to a database that starts empty.

use std::path::PathBuf;

use crate::common;

use common::edgesim_in as edgesim;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A project binding D1 database `notes` as DB, its migrations in `db/migrations`.
fn project(name: &str, migrations: &[(&str, &str)]) -> PathBuf {
    let dir =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("edgesim-cli-d1-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("db/migrations")).unwrap();
    std::fs::write(
        dir.join("wrangler.toml"),
        "name = 'notes'\nmain = 'index.js'\ncompatibility_date = '2026-04-20'\n\
         [[d1_databases]]\nbinding = 'DB'\ndatabase_name = 'notes'\nmigrations_dir = 'db/migrations'\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("index.js"),
        "export default { async fetch(request, env) {\n\
           const { results } = await env.DB.prepare('SELECT body FROM notes ORDER BY id').all();\n\
           return Response.json(results.map((r) => r.body));\n\
         } };",
    )
    .unwrap();
    for (file, sql) in migrations {
        std::fs::write(dir.join("db/migrations").join(file), sql).unwrap();
    }
    dir
}

const INIT: (&str, &str) = (
    "0001_init.sql",
    "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\nINSERT INTO notes (body) VALUES ('first');",
);

#[test]
fn migrations_apply_once_each_and_a_persisted_fetch_reads_their_tables() {
    let dir = project(
        "apply",
        &[
            INIT,
            (
                "0002_more.sql",
                "INSERT INTO notes (body) VALUES ('second');",
            ),
        ],
    );
    let list = edgesim(
        &dir,
        &["d1", "migrations", "list", "DB", "--persist-to", "state"],
    );
    assert_eq!(
        text(&list.stdout),
        "Migrations to be applied:\n  0001_init.sql\n  0002_more.sql\n"
    );
    let apply = edgesim(
        &dir,
        &[
            "d1",
            "migrations",
            "apply",
            "notes",
            "--persist-to",
            "state",
        ],
    );
    assert_eq!(apply.status.code(), Some(0), "{}", text(&apply.stderr));
    assert!(
        text(&apply.stdout).starts_with("✅ 0001_init.sql\n✅ 0002_more.sql\n"),
        "{}",
        text(&apply.stdout)
    );
    let again = edgesim(
        &dir,
        &["d1", "migrations", "apply", "DB", "--persist-to", "state"],
    );
    assert_eq!(text(&again.stdout), "✅ No migrations to apply!\n");
    let rows = edgesim(
        &dir,
        &[
            "d1",
            "execute",
            "DB",
            "--persist-to",
            "state",
            "--json",
            "--command",
            "SELECT name, applied_at FROM d1_migrations ORDER BY id",
        ],
    );
    let rows: serde_json::Value = serde_json::from_slice(&rows.stdout).unwrap();
    assert_eq!(
        rows[0]["results"],
        serde_json::json!([
            {"name": "0001_init.sql", "applied_at": "2026-01-01 00:00:00"},
            {"name": "0002_more.sql", "applied_at": "2026-01-01 00:00:00"},
        ])
    );
    let fetched = edgesim(&dir, &["fetch", ".", "--persist-to", "state"]);
    assert!(
        text(&fetched.stdout).ends_with("[\"first\",\"second\"]\n"),
        "{}",
        text(&fetched.stdout)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_failing_migration_is_rolled_back_and_stops_apply_with_wranglers_message() {
    let dir = project(
        "fail",
        &[
            INIT,
            (
                "0002_bad.sql",
                "INSERT INTO notes (body) VALUES ('lost');\nINSERT INTO nope VALUES (1);",
            ),
            (
                "0003_after.sql",
                "INSERT INTO notes (body) VALUES ('never');",
            ),
        ],
    );
    let apply = edgesim(
        &dir,
        &["d1", "migrations", "apply", "DB", "--persist-to", "state"],
    );
    assert_eq!(apply.status.code(), Some(2));
    assert_eq!(
        text(&apply.stdout),
        "✅ 0001_init.sql\n❌ 0002_bad.sql\n🕒️ 0003_after.sql\n"
    );
    assert_eq!(
        text(&apply.stderr),
        "error: Migration 0002_bad.sql failed with the following errors:\nD1_ERROR: no such table: nope: SQLITE_ERROR\n"
    );
    let fetched = edgesim(&dir, &["fetch", ".", "--persist-to", "state"]);
    assert!(
        text(&fetched.stdout).ends_with("[\"first\"]\n"),
        "{}",
        text(&fetched.stdout)
    );
    // Without --persist-to the database starts empty and the run applies the migrations
    // first: the failing one stops it before any request, naming the migration.
    let fresh = edgesim(&dir, &["fetch", "."]);
    assert_eq!(fresh.status.code(), Some(2));
    assert!(
        text(&fresh.stderr).contains("D1 migrations: Migration 0002_bad.sql failed"),
        "{}",
        text(&fresh.stderr)
    );
    // Said once: the cause is in the message, not printed again as its source.
    assert_eq!(
        text(&fresh.stderr)
            .matches("failed with the following errors")
            .count(),
        1,
        "{}",
        text(&fresh.stderr)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_run_applies_the_migrations_to_a_database_that_starts_empty() {
    let dir = project("fresh", &[INIT]);
    let fetched = edgesim(&dir, &["fetch", "."]);
    assert_eq!(fetched.status.code(), Some(0), "{}", text(&fetched.stderr));
    assert!(
        text(&fetched.stdout).ends_with("[\"first\"]\n"),
        "{}",
        text(&fetched.stdout)
    );
    let no_state = edgesim(&dir, &["d1", "migrations", "apply", "DB"]);
    assert_eq!(no_state.status.code(), Some(2));
    assert!(text(&no_state.stderr).contains("--persist-to DIR is required"));
    let unknown = edgesim(
        &dir,
        &[
            "d1",
            "execute",
            "OTHER",
            "--persist-to",
            "s",
            "--command",
            "SELECT 1",
        ],
    );
    assert_eq!(
        text(&unknown.stderr),
        "error: Couldn't find a D1 DB with the name or binding 'OTHER' in the wrangler config (it binds [\"DB\"])\n"
    );
    let _ = std::fs::remove_dir_all(dir);
}
