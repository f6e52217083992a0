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

/// A Hyperdrive binding's host resolves, through node:dns, to the binding's synthetic IPv4
/// address (`ip`, in 240.0.0.0/16) and, asked for IPv6, to its IPv4-mapped form; connecting to
/// either reaches the database, as workerd's connect and DNS overrides route them (a driver that
/// resolves the host itself still gets there).
#[test]
fn a_hyperdrive_host_resolves_to_its_synthetic_address_and_connects_there() {
    let wrangler = "name = \"app\"\nmain = \"index.js\"\ncompatibility_date = \"2026-04-20\"\n\
                    compatibility_flags = [\"nodejs_compat\"]\n[[hyperdrive]]\nbinding = \"DB\"\n\
                    id = \"1\"\nlocalConnectionString = \"postgres://u:p@127.0.0.1:47101/db\"\n";
    let worker = r#"
import dns from "node:dns";
import net from "node:net";
const echo = (host) => new Promise((resolve, reject) => {
  const socket = net.connect(5432, host, () => socket.write("ping"));
  socket.on("data", (d) => { resolve(String(d)); socket.destroy(); });
  socket.on("error", reject);
});
export default {
  async fetch(request, env) {
    const host = env.DB.host;
    const v4 = await dns.promises.lookup(host);
    const v6 = await dns.promises.lookup(host, { family: 6 });
    const resolved = await dns.promises.resolve4(host);
    return Response.json({
      ip: /^240\.0\.\d+\.\d+$/.test(env.DB.ip),
      v4: v4.address === env.DB.ip && v4.family === 4,
      v6: v6.address === `::ffff:${env.DB.ip}` && v6.family === 6,
      resolved: resolved[0] === env.DB.ip,
      viaIp: await echo(env.DB.ip),
      viaMapped: await echo(v6.address),
      keys: Object.keys(env.DB),
    });
  },
};
"#;
    let project = Project::with(
        "hyperdrive-dns",
        &[("wrangler.toml", wrangler), ("index.js", worker)],
    );
    let worker = project.worker(None).expect("the project loads");
    let specs: std::collections::BTreeMap<String, edgesim_sim::origins::OriginSpec> =
        serde_json::from_value(json!({ "127.0.0.1:47101": { "tcp": { "echo": true } } }))
            .expect("origin specs");
    let run = Run {
        declared_origins: std::rc::Rc::new(
            edgesim_sim::origins::OriginTable::load(&specs, std::path::Path::new("."))
                .expect("origins load"),
        ),
        ..Default::default()
    };
    let x = run.fetch(&worker, get("https://app.example/")).unwrap();
    assert_eq!(
        body_json(&x.response),
        json!({
            "ip": true, "v4": true, "v6": true, "resolved": true, "viaIp": "ping", "viaMapped": "ping",
            "keys": ["database", "user", "password", "host", "ip", "port", "connectionString"],
        })
    );
}
