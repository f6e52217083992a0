//! Local secrets as `wrangler dev` reads them (runtime/src/worker/dev_vars.rs): `.dev.vars`
//! beside the wrangler config, else the `.env` files, over `[vars]` in `env`.

use edgesim_conformance::{Project, Run, body_json, get};
use serde_json::json;

/// `env` as the Worker of project `p` sees it, run in `environment` (`--env`).
fn env_in(p: &Project, environment: Option<&str>) -> serde_json::Value {
    let worker = p.worker(environment).unwrap();
    let x = Run::default()
        .fetch(&worker, get("https://example.com/"))
        .unwrap();
    body_json(&x.response)
}

const WRANGLER: &str =
    "name = 'app'\nmain = 'index.js'\n[vars]\nGREETING = 'hi'\nAPI_KEY = 'from-vars'\nLIMIT = 5\n";
const WORKER: &str = "export default { fetch(req, env) { return Response.json(env); } };";

#[test]
fn dev_vars_secrets_reach_env_and_override_vars() {
    let p = Project::with(
        "secrets-dev-vars",
        &[
            ("wrangler.toml", WRANGLER),
            ("index.js", WORKER),
            (".dev.vars", "API_KEY=\"s3cr3t\"\nTOKEN=abc # a comment\n"),
            (".env", "TOKEN=from-dot-env\n"),
        ],
    );
    assert_eq!(
        env_in(&p, None),
        json!({"API_KEY": "s3cr3t", "GREETING": "hi", "LIMIT": 5, "TOKEN": "abc"})
    );
}

#[test]
fn without_dev_vars_the_dot_env_files_supply_the_secrets() {
    let p = Project::with(
        "secrets-dot-env",
        &[
            ("wrangler.toml", WRANGLER),
            ("index.js", WORKER),
            (
                ".env",
                "API_KEY=from-env\nURL=https://${HOST}/\nHOST=wrong\n",
            ),
            (".env.local", "HOST=example.com\n"),
        ],
    );
    assert_eq!(
        env_in(&p, None),
        json!({
            "API_KEY": "from-env",
            "GREETING": "hi",
            "HOST": "example.com",
            "LIMIT": 5,
            "URL": "https://example.com/"
        })
    );
}

/// `--env staging` runs `[env.staging]`: its own vars (the top level's are not inherited) and
/// `.dev.vars.staging` before `.dev.vars`.
#[test]
fn an_environment_has_its_own_vars_and_dev_vars_file() {
    let config = format!("{WRANGLER}[env.staging.vars]\nGREETING = 'hello from staging'\n");
    let p = Project::with(
        "secrets-env",
        &[
            ("wrangler.toml", &config),
            ("index.js", WORKER),
            (".dev.vars", "API_KEY=plain\n"),
            (".dev.vars.staging", "API_KEY=staging\n"),
        ],
    );
    assert_eq!(
        env_in(&p, Some("staging")),
        json!({"API_KEY": "staging", "GREETING": "hello from staging"})
    );
    assert_eq!(env_in(&p, None)["API_KEY"], "plain");
}
