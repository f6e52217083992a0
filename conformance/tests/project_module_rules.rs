//! wrangler's module rules (runtime/src/engine/modules/rules.rs): imports of `.txt`, `.html`
//! and `.sql` files are strings and `.bin` files ArrayBuffers by default, a project's
//! `[[rules]]` claim other files before the defaults, and a file no rule claims fails as
//! wrangler's bundler fails on it.

use edgesim_conformance::Project;
use serde_json::json;

#[test]
fn text_and_data_modules_by_default_rules_are_strings_and_array_buffers() {
    let p = Project::with(
        "rules-defaults",
        &[
            ("wrangler.toml", "name = 'app'\nmain = 'src/index.js'\n"),
            (
                "src/index.js",
                "import page from './page.html';\nimport notes from '../notes.txt';\n\
                 import schema from './db/schema.sql';\nimport blob from './blob.bin';\n\
                 export default { fetch() {\n\
                   const bytes = new Uint8Array(blob);\n\
                   return Response.json({ page, notes, schema, isBuffer: blob instanceof ArrayBuffer,\n\
                     length: blob.byteLength, first: bytes[0], last: bytes[bytes.length - 1] });\n\
                 } };",
            ),
            (
                "src/page.html",
                "<p>h\u{e9}llo \u{2028} \"quoted\" `tick` ${x}</p>\n",
            ),
            ("notes.txt", "line one\nline two\n"),
            ("src/db/schema.sql", "CREATE TABLE t (id INTEGER);\n"),
        ],
    );
    // Every byte value, most of them not UTF-8 on their own.
    let bytes: Vec<u8> = (0..=255).rev().collect();
    std::fs::write(p.path().join("src/blob.bin"), bytes).unwrap();
    assert_eq!(
        p.answer().unwrap(),
        json!({
            "page": "<p>h\u{e9}llo \u{2028} \"quoted\" `tick` ${x}</p>\n",
            "notes": "line one\nline two\n",
            "schema": "CREATE TABLE t (id INTEGER);\n",
            "isBuffer": true, "length": 256, "first": 255, "last": 0,
        })
    );
}

#[test]
fn project_rules_claim_other_files_before_the_defaults_and_fallthrough_keeps_them() {
    let p = Project::with(
        "rules-project",
        &[
            (
                "wrangler.toml",
                "name = 'app'\nmain = 'src/index.js'\n\
                 [[rules]]\ntype = 'Text'\nglobs = ['**/*.md']\nfallthrough = true\n\
                 [[rules]]\ntype = 'Data'\nglobs = ['**/*.png', '**/*.txt']\n",
            ),
            (
                "src/index.js",
                "import readme from './README.md';\nimport page from './page.html';\n\
                 import icon from './icon.png';\nimport notes from './notes.txt';\n\
                 export default { fetch() {\n\
                   return Response.json({ readme, page, icon: icon.byteLength, notes: typeof notes });\n\
                 } };",
            ),
            ("src/README.md", "# Title\n"),
            ("src/page.html", "<b>x</b>"),
            ("src/icon.png", "PNG!"),
            ("src/notes.txt", "text"),
        ],
    );
    // The Text rule falls through to the default Text rule; the Data rule, first of its type,
    // claims `.txt` because it comes before the default Text rule.
    assert_eq!(
        p.answer().unwrap(),
        json!({"readme": "# Title\n", "page": "<b>x</b>", "icon": 4, "notes": "object"})
    );
    let worker = p.worker(None).unwrap();
    let warnings = worker.config.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with(
            "The module rule {\"type\":\"Data\",\"globs\":[\"**/*.png\",\"**/*.txt\"]} does not have a fallback, the following rules will be ignored:\n {\"type\":\"Data\",\"globs\":[\"**/*.bin\"]} (DEFAULT)"
        ),
        "{}",
        warnings[0]
    );
}

#[test]
fn a_file_no_rule_claims_fails_as_the_bundler_does_with_its_import_chain() {
    let p = Project::with(
        "rules-unclaimed",
        &[
            ("wrangler.toml", "name = 'app'\nmain = 'src/index.js'\n"),
            (
                "src/index.js",
                "import { logo } from './assets.js';\nexport default { fetch() { return new Response(logo); } };",
            ),
            (
                "src/assets.js",
                "import logo from './logo.png';\nexport { logo };",
            ),
            ("src/logo.png", "PNG"),
        ],
    );
    let err = p.answer().unwrap_err();
    assert!(
        err.contains(
            "src/logo.png:1:1: No loader is configured for \".png\" files: src/logo.png (add a [[rules]] entry for it) (import chain: src/logo.png <- src/assets.js <- src/index.js)"
        ),
        "{err}"
    );
}
