//! The project's vitest config as a Worker of edgesim's own. Under vitest the config is a Node
//! module, evaluated once: the pool reads its options, and the functions among them
//! (`serviceBindings` entries, `outboundService`) stay callable for the whole run. edgesim
//! evaluates it once before the run to read the options ([`evaluate`]), and again inside each
//! test file's simulation, where it answers the calls to those functions.
//!
//! Both evaluations start from the same random seed, so what the config computed (a key pair
//! whose public half is a binding, whose private half a function signs with) is the same in
//! both.

use std::path::Path;
use std::rc::Rc;

use edgesim_runtime::worker::{WorkerDefinition, WranglerConfig};
use edgesim_runtime::{HttpRequest, Limits, Plan};

use super::TestError;
use super::project::VitestConfig;

/// The config Worker's name in the run (what service bindings to a config function name).
pub const CONFIG_WORKER: &str = "edgesim-vitest-config";

/// The seed of the run that reads the config; the config's isolate in a test file's run is
/// seeded as that run seeds its one isolate ([`isolate_seed`]).
const READ_SEED: u64 = 0;

/// The random seed of every isolate that evaluates the config.
pub fn isolate_seed() -> u64 {
    crate::one_colo::isolate_seed(READ_SEED)
}

/// What evaluating a vitest config may use. It is Node's code, not a Worker's, so the
/// startup limit does not apply (a config that makes an RSA key pair needs more); the runaway
/// guard is raised with it, still bounding a config that never ends.
pub fn limits() -> Limits {
    let mut limits = Limits::for_plan(Plan::Paid);
    limits.startup_cpu_limit_ms = CONFIG_CPU_MS;
    limits.runaway_cpu_limit_ms = CONFIG_CPU_MS;
    limits
}

/// Simulated CPU a vitest config's evaluation may use.
const CONFIG_CPU_MS: u64 = 5_000;

/// node:net in the config's isolate: the runtime's, with servers (js/config_net.mjs).
const NET_REEXPORT: &str = "export * from \"edgesim:test/config-net\";\nexport { default } from \"edgesim:test/config-net\";\n";

/// The Worker that evaluates config `file` (in `root`): a request without props answers the
/// config's options as JSON (sim/src/test/js/pool_config.mjs `resolveConfig`); a call whose
/// props name a function's path calls that function with the request.
pub fn definition(root: &Path, file: &Path) -> WorkerDefinition {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let main = "edgesim:test/config-main";
    let dir = serde_json::Value::from(root.to_string_lossy().into_owned());
    let globals =
        format!("globalThis.__dirname = {dir};\nglobalThis.__filename = {dir} + \"/{name}\";\n");
    let main_source = format!(
        "import \"edgesim:test/config-globals\";\n\
         import config from \"./{name}\";\n\
         import {{ resolveConfig, configFunction, acceptListened, serveListened, runTeardowns }} from \"@cloudflare/vitest-pool-workers/config\";\n\
         import {{ WorkerEntrypoint }} from \"cloudflare:workers\";\n\
         export default class extends WorkerEntrypoint {{\n\
           async fetch(request) {{\n\
             const port = this.ctx.props?.listening;\n\
             if (port !== undefined) return await serveListened(config, port, request);\n\
             const path = this.ctx.props?.function;\n\
             if (path !== undefined) return await (await configFunction(config, path))(request);\n\
             if (new URL(request.url).pathname !== \"/teardown\") return new Response(JSON.stringify(await resolveConfig(config)));\n\
             try {{ await runTeardowns(config); }} catch (e) {{ return new Response(String(e), {{ status: 500 }}); }}\n\
             return new Response(null, {{ status: 204 }});\n\
           }}\n\
           async connect(socket) {{\n\
             const {{ localAddress }} = await socket.opened;\n\
             return await acceptListened(config, localAddress, socket);\n\
           }}\n\
         }}\n"
    );
    let pool = include_str!("js/pool_config.mjs");
    let modules: Vec<(String, Rc<str>)> = [
        (main, main_source.as_str()),
        ("edgesim:test/config-globals", globals.as_str()),
        ("@cloudflare/vitest-pool-workers/config", pool),
        ("@cloudflare/vitest-pool-workers", pool),
        // The pool's name from vitest 4 on (`cloudflareTest` from "@cloudflare/vitest-plugin").
        ("@cloudflare/vitest-plugin", pool),
        ("vitest/config", include_str!("js/vitest_config.mjs")),
        // A global setup's build step (`wrangler build`) is edgesim's loader's to do.
        ("node:child_process", include_str!("js/config_child_process.mjs")),
        // A global setup's servers (net.createServer) are endpoints of each file's run.
        ("edgesim:test/config-net", include_str!("js/config_net.mjs")),
        ("node:net", NET_REEXPORT),
        ("net", NET_REEXPORT),
        ("node:http", include_str!("js/config_http.mjs")),
        ("http", include_str!("js/config_http.mjs")),
        ("child_process", include_str!("js/config_child_process.mjs")),
        // What configs import from Miniflare: its fetch classes, which are the runtime's own.
        (
            "miniflare",
            "export const { Request, Response, Headers, FormData, File, Blob, fetch } = globalThis;\n",
        ),
    ]
    .into_iter()
    .map(|(name, source)| (name.to_string(), Rc::from(source)))
    .collect();
    let config = WranglerConfig {
        name: Some(CONFIG_WORKER.to_string()),
        compatibility_date: Some("2025-09-01".to_string()),
        compatibility_flags: vec!["nodejs_compat".to_string()],
        ..Default::default()
    };
    WorkerDefinition::with_virtual_main(config, root, main, modules)
}

/// Evaluates the vitest config module in edgesim's runtime and reads what it resolves to; then
/// runs its global setups' teardowns in the same isolate. The tests run in simulations of their
/// own, which nothing of the setups' world reaches but what they `provide` (and the servers each
/// file's run starts again), so the teardown's place in time is unseen by them; what it throws
/// is the run's error ([`VitestConfig::teardown_error`]).
pub fn evaluate(root: &Path, file: &Path) -> Result<VitestConfig, TestError> {
    let failed = |message: String| TestError::Config {
        file: file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        message,
    };
    let request = |path: &str| HttpRequest {
        method: "GET".to_string(),
        url: format!("http://vitest.config{path}"),
        headers: Vec::new(),
        body: Vec::new(),
        cf: None,
    };
    // A simulation of its own, on a thread of its own (madsim seeds a thread's first runtime).
    let answer = std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let worker = definition(root, file);
                let options = crate::one_colo::Serve {
                    seed: READ_SEED,
                    ..Default::default()
                };
                let requests = vec![request("/"), request("/teardown")];
                crate::one_colo::serve(&worker, limits(), requests, &options)
                    .map(|exchanges| {
                        (exchanges.into_iter())
                            .map(|e| (e.response.status, e.response.body, e.report.exception))
                            .collect::<Vec<_>>()
                    })
                    .map_err(|e| e.to_string())
            })
            .join()
    });
    let answers = answer
        .map_err(|_| failed("evaluating the config panicked (an edgesim bug)".to_string()))?
        .map_err(failed)?;
    let [
        (status, body, exception),
        (teardown_status, teardown_body, _),
    ] = <[_; 2]>::try_from(answers).map_err(|_| failed("the config did not answer".into()))?;
    if status != 200 {
        let why = exception.unwrap_or_else(|| String::from_utf8_lossy(&body).into_owned());
        return Err(failed(why));
    }
    let mut config: VitestConfig =
        serde_json::from_slice(&body).map_err(|e| failed(e.to_string()))?;
    if teardown_status != 204 {
        config.teardown_error = Some(String::from_utf8_lossy(&teardown_body).into_owned());
    }
    Ok(config)
}
