//! JSX as wrangler's esbuild step compiles it (runtime/src/engine/typescript.rs): `.jsx` and
//! `.tsx` files become calls of the runtime the project's tsconfig names — the automatic
//! runtime from `jsxImportSource` (Hono's and React's templates), or the classic one with its
//! `jsxFactory` — and a syntax error points into the file as written.

use edgesim_conformance::Project;
use serde_json::json;

const WRANGLER: &str = "name = 'app'\nmain = 'src/index.tsx'\n";

/// A JSX runtime that renders elements as text, as a package would ship it.
const MINI_RUNTIME: &str = "const render = (type, props) => {\n\
       const children = [].concat(props.children ?? []).join('');\n\
       return typeof type === 'function' ? type(props) : type === null ? children : `<${type}>${children}</${type}>`;\n\
     };\n\
     export const jsx = render, jsxs = render, Fragment = null;";

#[test]
fn tsx_uses_the_automatic_runtime_from_the_tsconfig_jsx_import_source() {
    let p = Project::with(
        "jsx-automatic",
        &[
            ("wrangler.toml", WRANGLER),
            (
                "tsconfig.json",
                "{ // as create-hono writes it\n  \"extends\": \"./tsconfig.base.json\",\n  \"compilerOptions\": { \"jsxImportSource\": \"mini\", },\n}",
            ),
            (
                "tsconfig.base.json",
                "{ \"compilerOptions\": { \"jsx\": \"react-jsx\" } }",
            ),
            (
                "src/index.tsx",
                "import { Title } from './title';\n\
                 const items: string[] = ['a', 'b'];\n\
                 export default { fetch() {\n\
                   const page = <main><Title text=\"Hi\" /><>{items.map((i) => <li>{i}</li>)}</></main>;\n\
                   return Response.json({ page });\n\
                 } };",
            ),
            (
                "src/title.jsx",
                "export const Title = ({ text }) => <h1>{text}!</h1>;",
            ),
            (
                "node_modules/mini/package.json",
                r#"{"name":"mini","exports":{"./jsx-runtime":"./jsx-runtime.js"}}"#,
            ),
            ("node_modules/mini/jsx-runtime.js", MINI_RUNTIME),
        ],
    );
    assert_eq!(
        p.answer().unwrap(),
        json!({"page": "<main><h1>Hi!</h1><li>a</li><li>b</li></main>"})
    );
}

#[test]
fn jsx_uses_the_classic_factory_the_tsconfig_names_and_a_file_pragma_wins() {
    let p = Project::with(
        "jsx-classic",
        &[
            ("wrangler.toml", WRANGLER),
            (
                "tsconfig.json",
                r#"{ "compilerOptions": { "jsx": "react", "jsxFactory": "h", "jsxFragmentFactory": "Frag" } }"#,
            ),
            (
                "src/index.tsx",
                "import { h, Frag } from './h';\nimport { other } from './other';\n\
                 export default { fetch() {\n\
                   return Response.json([<b id=\"x\">1<>2</></b>, other]);\n\
                 } };",
            ),
            (
                "src/h.ts",
                "export const Frag = 'frag';\n\
                 export function h(type: string, props: object | null, ...children: unknown[]) {\n\
                   return { type, props, children };\n\
                 }",
            ),
            (
                "src/other.jsx",
                "/** @jsx mine */\nconst mine = (type) => `mine:${type}`;\nexport const other = <i />;",
            ),
        ],
    );
    assert_eq!(
        p.answer().unwrap(),
        json!([
            {"type": "b", "props": {"id": "x"}, "children": ["1", {"type": "frag", "props": null, "children": ["2"]}]},
            "mine:i",
        ])
    );
}

#[test]
fn a_jsx_syntax_error_names_the_file_line_and_column_as_written() {
    let p = Project::with(
        "jsx-error",
        &[
            ("wrangler.toml", WRANGLER),
            (
                "src/index.tsx",
                "export default { fetch() {\n  return new Response(<p>unclosed</div>);\n} };",
            ),
        ],
    );
    let err = p.answer().unwrap_err();
    assert!(err.contains("src/index.tsx:2:"), "{err}");
    assert!(
        err.contains("Expected corresponding JSX closing tag for <p>"),
        "{err}"
    );
}

/// wrangler's esbuild reads `.js`, `.mjs` and `.cjs` with its JSX loader
/// (workers-sdk deployment-bundle/bundle.ts, `COMMON_ESBUILD_OPTIONS.loader`): JSX in them
/// compiles too, entry module and imports alike, while a file that is neither JavaScript nor JSX
/// keeps its syntax error.
#[test]
fn jsx_in_js_files_compiles_as_wranglers_jsx_loader_reads_them() {
    let files = |entry: &'static str| {
        vec![
            ("wrangler.toml", "name = 'app'\nmain = 'src/index.js'\n"),
            (
                "tsconfig.json",
                r#"{ "compilerOptions": { "jsx": "react-jsx", "jsxImportSource": "mini" } }"#,
            ),
            ("src/index.js", entry),
            (
                "src/card.mjs",
                "// 1 < 2: a comparison before any JSX\nexport const Card = ({ n }) => <section>{n < 2 ? 'one' : 'many'}</section>;",
            ),
            (
                "node_modules/mini/package.json",
                r#"{"name":"mini","exports":{"./jsx-runtime":"./jsx-runtime.js"}}"#,
            ),
            ("node_modules/mini/jsx-runtime.js", MINI_RUNTIME),
        ]
    };
    let p = Project::with(
        "jsx-in-js",
        &files(
            "import { Card } from './card.mjs';\n\
             export default { fetch() {\n\
               return Response.json({ page: <main><Card n={1} /><Card n={3} /></main> });\n\
             } };",
        ),
    );
    assert_eq!(
        p.answer().unwrap(),
        json!({"page": "<main><section>one</section><section>many</section></main>"})
    );
    let broken = Project::with(
        "jsx-in-js-broken",
        &files("export default { fetch() { return 1 < ; } };"),
    );
    let err = broken.answer().unwrap_err();
    assert!(err.contains("src/index.js:1:"), "{err}");
    assert!(err.contains("SyntaxError"), "{err}");
}

/// A JSX module runs as swc printed it; what edgesim reports of it — console lines, an uncaught
/// exception's stack — names the lines of the file as written, as wrangler's terminal maps a
/// bundle's traces through its source map.
#[test]
fn a_jsx_modules_reported_stack_names_its_lines_as_written() {
    let p = Project::with(
        "jsx-positions",
        &[
            ("wrangler.toml", WRANGLER),
            (
                "tsconfig.json",
                r#"{ "compilerOptions": { "jsx": "react-jsx", "jsxImportSource": "mini" } }"#,
            ),
            (
                "src/index.tsx",
                "// A type and blank lines the transpiled output does not keep.\n\
                 type Props = { n: number };\n\
                 \n\
                 function Page(props: Props) {\n\
                 \x20 if (props.n > 1) {\n\
                 \x20   throw new Error('too many');\n\
                 \x20 }\n\
                 \x20 return <p>{props.n}</p>;\n\
                 }\n\
                 \n\
                 export default {\n\
                 \x20 fetch(): Response {\n\
                 \x20   console.log(new Error('logged').stack);\n\
                 \x20   return Response.json({ page: <Page n={2} /> });\n\
                 \x20 },\n\
                 };",
            ),
            (
                "node_modules/mini/package.json",
                r#"{"name":"mini","exports":{"./jsx-runtime":"./jsx-runtime.js"}}"#,
            ),
            ("node_modules/mini/jsx-runtime.js", MINI_RUNTIME),
        ],
    );
    let worker = p.worker(None).unwrap();
    let x = edgesim_conformance::Run::default()
        .fetch(&worker, edgesim_conformance::get("https://example.com/"))
        .unwrap();
    let lines: Vec<&str> = x
        .report
        .logs
        .iter()
        .flat_map(|l| l.message.lines())
        .filter(|l| l.contains("src/index.tsx"))
        .map(str::trim)
        .collect();
    let positions: Vec<String> = lines
        .iter()
        .map(|l| {
            let at = l.find("src/index.tsx:").unwrap_or(0);
            let line = l[at..].split(':').nth(1).unwrap_or_default();
            format!("{} {line}", l.split_whitespace().nth(1).unwrap_or_default())
        })
        .collect();
    assert_eq!(positions, ["fetch 13", "Page 6", "fetch 14"], "{lines:?}");
}
