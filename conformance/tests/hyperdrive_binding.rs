//! Hyperdrive bindings as `wrangler dev` has them: the connection string's parts, a host and
//! port of the binding's own, and refusals at load for a connection string wrangler would not
//! start with (the recorded binding is compared in differential_sockets.rs).

use edgesim_conformance::{Project, Run, body_json, get};
use serde_json::json;

const WORKER: &str = r#"
export default {
  async fetch(request, env) {
    const hd = env.DB;
    return Response.json({
      port: hd.port,
      connectionString: hd.connectionString.replace(hd.host, "<host>"),
      twoBindingsTwoHosts: env.DB.host !== env.OTHER.host,
    });
  },
};
"#;

const WRANGLER: &str = r#"
name = "app"
main = "index.js"
compatibility_date = "2026-04-01"
[[hyperdrive]]
binding = "DB"
id = "1"
localConnectionString = "mysql://shop:pw@127.0.0.1/orders"
[[hyperdrive]]
binding = "OTHER"
id = "2"
localConnectionString = "postgres://u:p@127.0.0.1/other"
"#;

#[test]
fn a_mysql_binding_reports_port_3306_and_mysqls_ssl_parameter() {
    let project = Project::with(
        "hyperdrive-mysql",
        &[("wrangler.toml", WRANGLER), ("index.js", WORKER)],
    );
    let worker = project.worker(None).expect("the project loads");
    let x = Run::default()
        .fetch(&worker, get("https://app.example/"))
        .unwrap();
    assert_eq!(
        body_json(&x.response),
        json!({
            "port": 3306,
            "connectionString": "mysql://shop:pw@<host>:3306/orders?ssl-mode=disabled",
            "twoBindingsTwoHosts": true,
        })
    );
}

/// Why a project whose one Hyperdrive binding is `binding` (TOML lines) does not load.
fn refusal(tag: &str, binding: &str) -> String {
    let wrangler = format!("name = \"app\"\nmain = \"index.js\"\n[[hyperdrive]]\n{binding}");
    let project = Project::with(tag, &[("wrangler.toml", &wrangler), ("index.js", WORKER)]);
    project.worker(None).expect_err("refused")
}

#[test]
fn a_hyperdrive_binding_without_a_local_connection_string_is_refused_at_load_with_wranglers_text() {
    let error = refusal("hyperdrive-missing", "binding = \"PG\"\nid = \"1\"\n");
    assert!(
        error.contains("wrangler.toml")
            && error.contains("When developing locally, you should use a local Postgres connection string")
            && error.contains("'CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_PG' variable or \"PG\"'s \"localConnectionString\""),
        "{error}"
    );
}

#[test]
fn a_hyperdrive_connection_string_of_another_database_is_refused_at_load_naming_the_binding() {
    let error = refusal(
        "hyperdrive-redis",
        "binding = \"PG\"\nid = \"1\"\nlocalConnectionString = \"redis://u:p@h/0\"\n",
    );
    assert!(
        error.contains("hyperdrive \"PG\": localConnectionString: Only PostgreSQL-compatible or MySQL-compatible databases are currently supported."),
        "{error}"
    );
}
