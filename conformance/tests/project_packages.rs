//! npm packages as wrangler's bundler loads them (runtime/src/engine/modules/): bare imports
//! from `node_modules` under wrangler's `exports` conditions, CommonJS files with esbuild's
//! interop, and errors that say which import chain led to a package that cannot load.

use edgesim_conformance::Project;
use serde_json::json;

const WRANGLER: &str = "name = 'app'\nmain = 'src/index.js'\n";

#[test]
fn package_exports_pick_the_workerd_condition_before_node_and_default() {
    let p = Project::with(
        "pkg-conditions",
        &[
            ("wrangler.toml", WRANGLER),
            (
                "src/index.js",
                "import { runtime } from 'iso';\nimport { sub } from 'iso/sub';\n\
                 export default { fetch() { return Response.json({ runtime, sub }); } };",
            ),
            (
                "node_modules/iso/package.json",
                r#"{"name":"iso","exports":{
                    ".":{"node":"./node.js","workerd":"./workerd.js","default":"./default.js"},
                    "./sub":{"browser":"./sub-browser.js","import":"./sub-import.js"}}}"#,
            ),
            ("node_modules/iso/node.js", "export const runtime = 'node';"),
            (
                "node_modules/iso/workerd.js",
                "export const runtime = 'workerd';",
            ),
            (
                "node_modules/iso/default.js",
                "export const runtime = 'default';",
            ),
            (
                "node_modules/iso/sub-browser.js",
                "export const sub = 'browser';",
            ),
            (
                "node_modules/iso/sub-import.js",
                "export const sub = 'import';",
            ),
        ],
    );
    assert_eq!(
        p.answer().unwrap(),
        json!({"runtime": "workerd", "sub": "browser"})
    );
}

#[test]
fn a_package_without_exports_loads_its_module_field_before_main() {
    let p = Project::with(
        "pkg-main-fields",
        &[
            ("wrangler.toml", WRANGLER),
            (
                "src/index.js",
                "import which from 'old';\nexport default { fetch() { return Response.json(which); } };",
            ),
            (
                "node_modules/old/package.json",
                r#"{"name":"old","main":"lib/main.js","module":"lib/module.mjs"}"#,
            ),
            ("node_modules/old/lib/main.js", "module.exports = 'main';"),
            (
                "node_modules/old/lib/module.mjs",
                "export default 'module';",
            ),
        ],
    );
    assert_eq!(p.answer().unwrap(), json!("module"));
}

#[test]
fn commonjs_exports_reach_es_importers_as_default_and_named_imports() {
    let p = Project::with(
        "pkg-commonjs",
        &[
            ("wrangler.toml", WRANGLER),
            (
                "src/index.js",
                "import cjs, { add, name } from 'cjs';\nimport fn from 'fn';\nimport ts from 'ts-built';\n\
                 export default { fetch() { return Response.json({\n\
                   add: add(2, 3), name, same: cjs.add === add, fn: fn(), ts: ts(), tsNamed: typeof cjs\n\
                 }); } };",
            ),
            ("node_modules/cjs/package.json", r#"{"name":"cjs"}"#),
            (
                "node_modules/cjs/index.js",
                "exports.add = (a, b) => a + b;\nexports.name = require('./package.json').name;",
            ),
            (
                "node_modules/fn/index.js",
                "module.exports = function () { return this === undefined ? 'unbound' : 'bound'; };",
            ),
            (
                "node_modules/ts-built/index.js",
                "\"use strict\";\nObject.defineProperty(exports, \"__esModule\", { value: true });\n\
                 exports.default = function () { return 'default export'; };",
            ),
        ],
    );
    assert_eq!(
        p.answer().unwrap(),
        json!({"add": 5, "name": "cjs", "same": true, "fn": "unbound", "ts": "default export",
               "tsNamed": "object"})
    );
}

#[test]
fn a_namespace_import_of_commonjs_has_every_property_of_its_exports_as_esbuild_gives_it() {
    // `module.exports = $root` built at run time: no name can be read from the source, yet
    // esbuild's `__toESM` copies them all (the shape of @opentelemetry's generated protobuf
    // root). In a `.mjs` file (Node's mode) a default import is `module.exports` itself, even
    // when it says `__esModule` (discord-api-types' v10.mjs wrapper).
    let p = Project::with(
        "pkg-commonjs-namespace",
        &[
            ("wrangler.toml", WRANGLER),
            (
                "src/index.js",
                "import * as root from 'generated';
import wrapped from 'wrapper';
                 export default { fetch() { return Response.json({
                   deep: root.opentelemetry.proto.version, default: typeof root.default,
                   keys: Object.keys(root).sort(), wrapped
                 }); } };",
            ),
            (
                "node_modules/generated/index.js",
                "var $root = {};
$root.opentelemetry = { proto: { version: 1 } };
module.exports = $root;",
            ),
            (
                "node_modules/wrapper/package.json",
                r#"{"name":"wrapper","exports":"./index.mjs"}"#,
            ),
            (
                "node_modules/wrapper/index.mjs",
                "import mod from './cjs.js';
export default mod.Utils.name;",
            ),
            (
                "node_modules/wrapper/cjs.js",
                "\"use strict\";\nObject.defineProperty(exports, \"__esModule\", { value: true });\n\
                 exports.Utils = { name: 'utils' };",
            ),
        ],
    );
    assert_eq!(
        p.answer().unwrap(),
        json!({"deep": 1, "default": "object", "keys": ["default", "opentelemetry"],
               "wrapped": "utils"})
    );
}

#[test]
fn a_js_file_in_a_type_module_package_imports_commonjs_in_nodes_mode_as_esbuild_does() {
    // esbuild reads `.js`/`.ts` files by their nearest package.json's "type": in a
    // "type": "module" package a default import of Babel-built CommonJS is `module.exports`
    // itself. The nearest package.json decides: `plain` has none of its own type. (Answers
    // checked with esbuild 0.25.12 bundling the same files under wrangler's conditions.)
    let babel_built = "\"use strict\";\nObject.defineProperty(exports, \"__esModule\", { value: true });\n\
                       exports.default = function () { return 'default export'; };";
    let p = Project::with(
        "pkg-type-module",
        &[
            ("wrangler.toml", WRANGLER),
            ("package.json", r#"{"name":"app","type":"module"}"#),
            (
                "src/index.js",
                "import own from 'babel-built';\nimport esm from 'esm-pkg';\nimport plain from 'plain';\n\
                 export default { fetch() { return Response.json({\n\
                   own: typeof own, ownDefault: typeof own.default, esm, plain\n\
                 }); } };",
            ),
            (
                "node_modules/babel-built/package.json",
                r#"{"name":"babel-built"}"#,
            ),
            ("node_modules/babel-built/index.js", babel_built),
            (
                "node_modules/esm-pkg/package.json",
                r#"{"name":"esm-pkg","type":"module","main":"lib/i.js"}"#,
            ),
            (
                "node_modules/esm-pkg/lib/i.js",
                "import b from 'babel-built';\nexport default typeof b;",
            ),
            (
                "node_modules/plain/package.json",
                r#"{"name":"plain","main":"i.js","module":"i.js"}"#,
            ),
            (
                "node_modules/plain/i.js",
                "import b from 'babel-built';\nexport default typeof b;",
            ),
        ],
    );
    assert_eq!(
        p.answer().unwrap(),
        json!({"own": "object", "ownDefault": "function", "esm": "object", "plain": "function"})
    );
}

#[test]
fn commonjs_runs_once_on_first_require_and_cycles_see_partial_exports() {
    let p = Project::with(
        "pkg-cjs-cycle",
        &[
            ("wrangler.toml", WRANGLER),
            (
                "src/index.js",
                "import { order, fromB } from 'cyc';\n\
                 export default { fetch() { return Response.json({ order, fromB }); } };",
            ),
            (
                "node_modules/cyc/index.js",
                "globalThis.order = (globalThis.order || []).concat('a-start');\n\
                 exports.early = 'early';\n\
                 const b = require('./b');\n\
                 exports.fromB = b.seen;\n\
                 exports.order = globalThis.order.concat('a-end');",
            ),
            (
                "node_modules/cyc/b.js",
                "globalThis.order.push('b');\nconst a = require('./index.js');\n\
                 require('./index.js');\nexports.seen = a.early;",
            ),
        ],
    );
    assert_eq!(
        p.answer().unwrap(),
        json!({"order": ["a-start", "b", "a-end"], "fromB": "early"})
    );
}

#[test]
fn commonjs_requiring_an_es_module_gets_its_namespace_marked_es_module() {
    let p = Project::with(
        "pkg-cjs-esm",
        &[
            ("wrangler.toml", WRANGLER),
            (
                "src/index.js",
                "import { seen } from 'bridge';\nexport default { fetch() { return Response.json(seen); } };",
            ),
            (
                "node_modules/bridge/index.js",
                "const m = require('./esm.mjs');\n\
                 exports.seen = { esModule: m.__esModule, value: m.value, def: m.default };",
            ),
            (
                "node_modules/bridge/esm.mjs",
                "export const value = 1; export default 'd';",
            ),
        ],
    );
    assert_eq!(
        p.answer().unwrap(),
        json!({"esModule": true, "value": 1, "def": "d"})
    );
}

#[test]
fn a_require_that_cannot_resolve_fails_the_load_unless_guarded_by_try() {
    let guarded = Project::with(
        "pkg-guarded",
        &[
            ("wrangler.toml", WRANGLER),
            (
                "src/index.js",
                "import { has } from 'opt';\nexport default { fetch() { return Response.json(has); } };",
            ),
            (
                "node_modules/opt/index.js",
                "let has;\ntry { require('not-installed'); has = true; } catch (e) { has = e.message; }\nexports.has = has;",
            ),
        ],
    );
    assert_eq!(
        guarded.answer().unwrap(),
        json!("Dynamic require of \"not-installed\" is not supported")
    );

    let unguarded = Project::with(
        "pkg-unguarded",
        &[
            ("wrangler.toml", WRANGLER),
            (
                "src/index.js",
                "import 'mid';\nexport default { fetch() { return new Response('x'); } };",
            ),
            ("node_modules/mid/index.js", "export * from './lib.js';"),
            (
                "node_modules/mid/lib.js",
                "\nconst x = require('not-installed');",
            ),
        ],
    );
    assert_eq!(
        unguarded.answer().unwrap_err(),
        "node_modules/mid/lib.js:2:19: Could not resolve \"not-installed\": no package \
         \"not-installed\" in node_modules (is it installed? run npm install) (import chain: \
         node_modules/mid/lib.js <- node_modules/mid/index.js <- src/index.js)"
    );
}

#[test]
fn a_missing_package_names_the_import_and_says_to_install_it() {
    let p = Project::with(
        "pkg-missing",
        &[
            ("wrangler.toml", WRANGLER),
            (
                "src/index.js",
                "import { Hono } from '@scope/hono/tiny';\nexport default {};",
            ),
        ],
    );
    assert_eq!(
        p.answer().unwrap_err(),
        "src/index.js:1:22: Could not resolve \"@scope/hono/tiny\": no package \"@scope/hono\" in \
         node_modules (is it installed? run npm install)"
    );
}

#[test]
fn typescript_imports_written_with_js_extensions_and_tsconfig_paths_resolve() {
    let p = Project::with(
        "pkg-ts-paths",
        &[
            ("wrangler.toml", "name = 'app'\nmain = 'src/index.ts'\n"),
            (
                "tsconfig.json",
                r#"{"compilerOptions":{"baseUrl":".","paths":{"@lib/*":["src/lib/*"]}}}"#,
            ),
            (
                "src/index.ts",
                "import { a } from './a.js';\nimport { b } from '@lib/b';\n\
                 export default { fetch(): Response { return Response.json([a, b]); } };",
            ),
            ("src/a.ts", "export const a: string = 'a';"),
            ("src/lib/b.ts", "export const b: string = 'b';"),
        ],
    );
    assert_eq!(p.answer().unwrap(), json!(["a", "b"]));
}
