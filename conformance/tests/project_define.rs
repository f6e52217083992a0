//! wrangler's `define`: global names and dotted paths replaced by expressions in every module
//! the Worker loads, as its esbuild bundle replaces them (runtime/src/engine/modules/define.rs).

use edgesim_conformance::Project;
use serde_json::json;

#[test]
fn a_define_replaces_free_names_in_every_module_and_leaves_bound_names_alone() {
    let p = Project::with(
        "define-replaces",
        &[
            (
                "wrangler.jsonc",
                r#"{ "name": "app", "main": "src/index.ts", "compatibility_date": "2024-09-23",
                     "define": { "BUILD_MODE": "\"production\"", "process.env.NODE_ENV": "\"production\"",
                                 "FEATURES.LIST": "[1, 2, 3]", "DEBUG": "false" } }"#,
            ),
            (
                "src/index.ts",
                "import { mode } from 'lib';\n\
                 const local = (DEBUG: boolean) => DEBUG;\n\
                 export default { fetch(): Response {\n\
                   return Response.json({ mode, build: BUILD_MODE, env: process.env.NODE_ENV,\n\
                     same: FEATURES.LIST === FEATURES.LIST, list: FEATURES.LIST, local: local(true),\n\
                     processDefined: typeof process !== 'undefined', debug: { DEBUG } });\n\
                 } };",
            ),
            (
                "node_modules/lib/package.json",
                r#"{"name":"lib","main":"index.js"}"#,
            ),
            (
                "node_modules/lib/index.js",
                "exports.mode = process.env.NODE_ENV === 'production' ? 'prod' : 'dev';",
            ),
        ],
    );
    assert_eq!(
        p.answer().unwrap(),
        json!({
            "mode": "prod", "build": "production", "env": "production", "same": true,
            "list": [1, 2, 3], "local": true, "processDefined": false, "debug": { "DEBUG": false }
        })
    );
}

#[test]
fn a_define_whose_value_is_not_an_expression_fails_the_load_naming_the_key() {
    let p = Project::with(
        "define-invalid",
        &[
            (
                "wrangler.toml",
                "name = 'app'\nmain = 'index.js'\n[define]\nVERSION = '1 +'\n",
            ),
            (
                "index.js",
                "export default { fetch() { return new Response(VERSION); } };",
            ),
        ],
    );
    let error = p.worker(None).unwrap_err();
    assert!(
        error.contains("wrangler.toml") && error.contains("define: the value of \"VERSION\""),
        "{error}"
    );
}
