//! Functions in a vitest config's pool options run in the config's own isolate inside the
//! simulation: a service binding that is a function, the runner's and an auxiliary Worker's
//! `outboundService`, with the state the config computed once; plus inline auxiliary modules,
//! both configs' `define`, a wrangler config without `main`, and the global setup (`provide`,
//! a `wrangler build` step skipped, any other command refused, TCP servers it starts).

use crate::common::{all_passed, fixture_statuses};

#[test]
fn config_functions_answer_bindings_and_outbound_fetches_with_the_configs_own_state() {
    assert_eq!(
        fixture_statuses("config-functions", "functions"),
        all_passed(&[
            "calls a service binding that is a config function, which keeps its state between calls",
            "sends the runner's fetch() to the config's outboundService",
            "sends an auxiliary Worker's fetch() to its own outboundService",
            "replaces the vitest config's and the wrangler config's defines",
            "runs without a main, where SELF says to set one",
            "runs the global setup, whose wrangler build is skipped and whose provides inject answers",
            "lists the objects of another Worker's class, as the pool does",
        ])
    );
}

/// The pool's hyperdrive example, and what else a global setup's servers do: the options
/// function injects the port the setup provided, connections from the Worker (through
/// Hyperdrive or `connect()`) reach a `net` server in the config's isolate, and its `fetch()`
/// reaches an `http` one.
#[test]
fn a_global_setups_servers_are_reached_from_the_worker_at_the_addresses_they_listen_on() {
    assert_eq!(
        fixture_statuses("global-setup-server", "echo"),
        all_passed(&[
            "responds with the request body through Hyperdrive to the global setup's server",
            "answers the Postgres SSL request with N",
            "reaches a server listening on every address by each loopback name",
            "gave the port's second listener EADDRINUSE",
            "refuses a port nobody listens on any more",
            "reaches the global setup's HTTP server with fetch()",
            "leaves a fetch() to a TCP server unanswered",
        ])
    );
}

#[test]
fn a_pages_project_tested_from_its_build_output_runs_from_functions_with_its_assets() {
    assert_eq!(
        fixture_statuses("pages-build-output", "pages"),
        all_passed(&[
            "runs a function from functions/ with the config's bindings",
            "serves the assets, their _redirects included, after the functions",
        ])
    );
    // A Pages config whose output directory is not built yet still runs its tests.
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pages-unbuilt");
    let _ = std::fs::remove_dir_all(&dir);
    crate::common::write_files(
        &dir,
        &[
            (
                "wrangler.jsonc",
                r#"{ "name": "p", "pages_build_output_dir": "public" }"#,
            ),
            (
                "vitest.config.mts",
                "import { cloudflareTest } from \"@cloudflare/vitest-plugin\";\n\
                 export default { plugins: [cloudflareTest({ wrangler: { configPath: \"./wrangler.jsonc\" } })] };\n",
            ),
            (
                "a.test.ts",
                "import { it, expect } from \"vitest\";\nit(\"runs\", () => expect(1).toBe(1));\n",
            ),
        ],
    );
    let file = crate::common::run_test_file(&dir, "a.test");
    assert_eq!(crate::common::test_statuses(&file), all_passed(&["runs"]));
}

/// `adminSecretsStore(env.SECRET)` from `cloudflare:test` writes the Secrets Store the Worker
/// reads, with Miniflare's admin operations and texts; per-test storage undoes what a test
/// wrote, as it undoes the pool's KV-backed store.
#[test]
fn admin_secrets_store_writes_the_secrets_the_worker_reads() {
    assert_eq!(
        fixture_statuses("secrets-store", "secrets"),
        all_passed(&[
            "writes secrets through the admin API that the Worker then reads",
            "starts from the store as it was before the test that wrote a secret",
            "does not see the secret the previous test left",
        ])
    );
}
