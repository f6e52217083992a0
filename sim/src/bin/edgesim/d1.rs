//! `edgesim d1 ...`: a project's D1 databases as kept under `--persist-to DIR`, with wrangler's
//! `d1 migrations list|apply` and `d1 execute` for them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use edgesim_runtime::storage::d1::{D1Database, D1Reply, D1Request, D1Statement};
use edgesim_runtime::storage::d1_migrations::{self, MigrationError, Migrations};
use edgesim_runtime::storage::sql::SqlValue;
use edgesim_runtime::worker::WorkerDefinition;
use edgesim_sim::persist::Persist;

use crate::ProjectArgs;

#[derive(clap::Subcommand)]
pub enum D1Command {
    /// List or apply a database's migrations.
    #[command(subcommand)]
    Migrations(MigrationsCommand),
    /// Run SQL against a database.
    Execute(ExecuteArgs),
}

#[derive(clap::Subcommand)]
pub enum MigrationsCommand {
    /// List the migrations not yet applied.
    List(DatabaseArgs),
    /// Apply the migrations not yet applied, in order; stop at the first that fails.
    Apply(DatabaseArgs),
}

#[derive(clap::Args)]
pub struct DatabaseArgs {
    /// The database's binding or `database_name` in the wrangler config (by default the one in
    /// the current directory).
    database: String,
    #[command(flatten)]
    project: ProjectArgs,
}

#[derive(clap::Args)]
pub struct ExecuteArgs {
    #[command(flatten)]
    target: DatabaseArgs,
    /// The SQL to run (one statement or several).
    #[arg(long, conflicts_with = "file", required_unless_present = "file")]
    command: Option<String>,
    /// A file of SQL to run.
    #[arg(long)]
    file: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(command: D1Command) -> Result<ExitCode> {
    match command {
        D1Command::Migrations(MigrationsCommand::List(args)) => list(&args),
        D1Command::Migrations(MigrationsCommand::Apply(args)) => apply(&args),
        D1Command::Execute(args) => execute(&args),
    }
}

/// A database as kept on disk, with its migrations and the time the directory's clock shows.
struct Target {
    db: D1Database,
    file: PathBuf,
    migrations: Migrations,
    now_ms: u64,
}

fn open(args: &DatabaseArgs) -> Result<Target> {
    let Some(dir) = &args.project.persist_to else {
        bail!(
            "--persist-to DIR is required: edgesim keeps D1 data only where told to (the \
             directory `edgesim fetch --persist-to DIR` reads); a run without it starts each \
             database empty and applies its migrations itself"
        );
    };
    let env = args.project.env.as_deref();
    let worker = match &args.project.config {
        Some(config) => WorkerDefinition::load_config(config, None, env),
        None => WorkerDefinition::load_env(Path::new("."), env),
    }?;
    let Some(config) = worker
        .config
        .d1_databases
        .iter()
        .find(|d| d.is_named(&args.database))
    else {
        let known: Vec<&str> = worker
            .config
            .d1_databases
            .iter()
            .map(|d| d.binding.as_str())
            .collect();
        bail!(
            "Couldn't find a D1 DB with the name or binding '{}' in the wrangler config (it binds {known:?})",
            args.database
        );
    };
    let persist = Persist::open(dir)?;
    let file = persist.d1_path(&config.database())?;
    let seed = edgesim_sim::d1::seed_of(0, &config.database());
    let db = D1Database::open_file(&file, seed)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let migrations = d1_migrations::for_database(
        &worker.root,
        config.migrations_dir.as_deref(),
        config.migrations_table.as_deref(),
    );
    let now_ms = persist
        .clock_ms()?
        .unwrap_or(edgesim_sim::host::DEFAULT_EPOCH_MS);
    Ok(Target {
        db,
        file,
        migrations,
        now_ms,
    })
}

fn list(args: &DatabaseArgs) -> Result<ExitCode> {
    let mut target = open(args)?;
    let pending = target.migrations.pending(&mut target.db)?;
    if pending.is_empty() {
        println!("✅ No migrations to apply!");
    } else {
        println!("Migrations to be applied:");
        for name in pending {
            println!("  {name}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn apply(args: &DatabaseArgs) -> Result<ExitCode> {
    let mut target = open(args)?;
    let stamp = edgesim_sim::d1::sql_timestamp(target.now_ms);
    let pending = target.migrations.pending(&mut target.db)?;
    if pending.is_empty() {
        println!("✅ No migrations to apply!");
        return Ok(ExitCode::SUCCESS);
    }
    let applied = target.migrations.apply(&mut target.db, &stamp);
    // Those before a failed migration are applied; those after it wait.
    let failed = match &applied {
        Err(MigrationError::Failed { name, .. }) => Some(name.as_str()),
        _ => None,
    };
    let mut waiting = false;
    for name in &pending {
        let status = if Some(name.as_str()) == failed {
            waiting = true;
            "❌"
        } else if waiting {
            "🕒️"
        } else {
            "✅"
        };
        println!("{status} {name}");
    }
    applied?;
    println!("applied to {}", target.file.display());
    Ok(ExitCode::SUCCESS)
}

fn execute(args: &ExecuteArgs) -> Result<ExitCode> {
    let mut target = open(&args.target)?;
    let sql = match (&args.command, &args.file) {
        (Some(sql), _) => sql.clone(),
        (None, Some(file)) => std::fs::read_to_string(file)
            .with_context(|| format!("{}: cannot read", file.display()))?,
        (None, None) => bail!("give the SQL with --command or --file"),
    };
    let reply = target.db.run(D1Request::Statements(vec![D1Statement {
        sql,
        bindings: Vec::new(),
    }]))?;
    let D1Reply::Results(results) = reply else {
        return Ok(ExitCode::SUCCESS);
    };
    let Some(result) = results.into_iter().next() else {
        return Ok(ExitCode::SUCCESS);
    };
    if args.json {
        let rows: Vec<serde_json::Value> = result
            .rows
            .iter()
            .map(|row| {
                let fields = result
                    .columns
                    .iter()
                    .zip(row)
                    .map(|(c, v)| (c.clone(), json_of(v)));
                serde_json::Value::Object(fields.collect())
            })
            .collect();
        let out = serde_json::json!([{ "results": rows, "success": true, "meta": result.meta }]);
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    print_table(&result.columns, &result.rows);
    Ok(ExitCode::SUCCESS)
}

fn json_of(value: &SqlValue) -> serde_json::Value {
    match value {
        SqlValue::Null => serde_json::Value::Null,
        SqlValue::Integer(i) => (*i).into(),
        SqlValue::Real(f) => (*f).into(),
        SqlValue::Text(s) => s.clone().into(),
        SqlValue::Blob(b) => b.iter().map(|x| serde_json::Value::from(*x)).collect(),
    }
}

/// The rows under their column names, each column as wide as its widest cell.
fn print_table(columns: &[String], rows: &[Vec<SqlValue>]) {
    let cell = |v: &SqlValue| match json_of(v) {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    };
    let cells: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(cell).collect()).collect();
    let widths: Vec<usize> = (0..columns.len())
        .map(|i| {
            cells
                .iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .chain([columns[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |values: &[String]| {
        let padded: Vec<String> = values
            .iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v:<w$}"))
            .collect();
        padded.join(" │ ").trim_end().to_string()
    };
    println!("{}", line(columns));
    println!(
        "{}",
        widths
            .iter()
            .map(|w| "─".repeat(*w))
            .collect::<Vec<_>>()
            .join("─┼─")
    );
    for row in &cells {
        println!("{}", line(row));
    }
}
