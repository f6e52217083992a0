//! Pages projects (`pages_build_output_dir`) as `wrangler pages dev` runs them: `functions/`
//! file-based routing with parameters and catch-alls, `_middleware` around everything below it,
//! `context.next()`, `context.data` and `params`, the output directory as static assets behind
//! the functions, only the function routes running the Worker, and `_worker.js` advanced mode.

use edgesim_conformance::{Project, Run, body_text, get};
use edgesim_runtime::HttpRequest;

const WRANGLER: &str = "name = \"pages-app\"\npages_build_output_dir = \"./public\"\ncompatibility_date = \"2026-04-01\"\n";

const MIDDLEWARE: &str = r#"
interface Data { seen: string[] }
export const onRequest: PagesFunction<unknown, string, Data> = async (context) => {
  context.data.seen = ["root"];
  const response = await context.next();
  response.headers.set("x-middleware", context.data.seen.join(","));
  return response;
};
"#;

const API_MIDDLEWARE: &str = r#"
export const onRequest = [
  async (context) => { context.data.seen.push("api-1"); return context.next(); },
  async (context) => { context.data.seen.push("api-2"); return context.next(); },
];
"#;

const ITEM: &str = r#"
export function onRequestGet({ params, functionPath, data, request }) {
  data.seen.push("item");
  return Response.json({ params, functionPath, method: request.method });
}
"#;

const API_INDEX: &str = r#"
export const onRequestPost = async ({ request }) => new Response(`created ${await request.text()}`, { status: 201 });
"#;

const DOCS: &str = r#"
export const onRequest = ({ params }) => Response.json(params);
"#;

const PROXY: &str = r#"
// Rewrites to a static page through next(input).
export const onRequest = (context) => context.next("/about.html");
"#;

fn project(tag: &str, extra: &[(&str, &str)]) -> Project {
    let mut files = vec![
        ("wrangler.toml", WRANGLER),
        ("public/index.html", "<h1>home</h1>"),
        ("public/about.html", "<h1>about</h1>"),
        ("functions/_middleware.ts", MIDDLEWARE),
        ("functions/api/_middleware.js", API_MIDDLEWARE),
        ("functions/api/[id].ts", ITEM),
        ("functions/api/index.ts", API_INDEX),
        ("functions/docs/[[path]].js", DOCS),
        ("functions/old-about.js", PROXY),
    ];
    files.extend_from_slice(extra);
    Project::with(tag, &files)
}

fn post(url: &str, body: &str) -> HttpRequest {
    let mut request = get(url);
    request.method = "POST".to_string();
    request.body = body.as_bytes().to_vec();
    request
}

/// `(status, x-middleware header, body)` of each request, in one run.
fn answers(project: &Project, requests: Vec<HttpRequest>) -> Vec<(u16, String, String)> {
    let worker = project.worker(None).expect("the project loads");
    let exchanges = Run::default()
        .sequence(&worker, requests, 10)
        .expect("it runs");
    exchanges
        .iter()
        .map(|x| {
            let header = (x.response.headers.iter())
                .find(|(k, _)| k == "x-middleware")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            (x.response.status, header, body_text(&x.response))
        })
        .collect()
}

#[test]
fn a_function_file_path_routes_requests_with_its_parameters_inside_its_middlewares() {
    let p = project("pages-routes", &[]);
    let got = answers(
        &p,
        vec![
            get("https://app.example/api/42"),
            post("https://app.example/api", "thing"),
            get("https://app.example/docs/a/b/c"),
            get("https://app.example/docs"),
        ],
    );
    assert_eq!(
        got,
        [
            (
                200,
                "root,api-1,api-2,item".to_string(),
                r#"{"params":{"id":"42"},"functionPath":"/api/42","method":"GET"}"#.to_string()
            ),
            (
                201,
                "root,api-1,api-2".to_string(),
                "created thing".to_string()
            ),
            (
                200,
                "root".to_string(),
                r#"{"path":["a","b","c"]}"#.to_string()
            ),
            (200, "root".to_string(), "{}".to_string()),
        ]
    );
}

#[test]
fn a_request_no_function_answers_falls_through_next_to_the_static_assets() {
    let p = project("pages-fallthrough", &[]);
    let got = answers(
        &p,
        vec![
            get("https://app.example/"),
            // GET of a route with only a POST handler: the middlewares, then the assets.
            get("https://app.example/api"),
            get("https://app.example/old-about"),
        ],
    );
    assert_eq!(
        got[0],
        (200, "root".to_string(), "<h1>home</h1>".to_string())
    );
    // No 404.html: the assets answer as a single-page application.
    assert_eq!(
        got[1],
        (
            200,
            "root,api-1,api-2".to_string(),
            "<h1>home</h1>".to_string()
        )
    );
    assert_eq!(
        got[2],
        (200, "root".to_string(), "<h1>about</h1>".to_string())
    );
}

#[test]
fn only_the_function_routes_run_the_worker_and_a_404_page_answers_the_rest() {
    // Without a root middleware, `/about` is an asset the Worker never sees.
    let p = Project::with(
        "pages-routes-only",
        &[
            ("wrangler.toml", WRANGLER),
            ("public/about.html", "<h1>about</h1>"),
            ("public/404.html", "<h1>missing</h1>"),
            (
                "functions/api/[id].ts",
                "export const onRequest = ({ params }) => new Response(params.id);",
            ),
        ],
    );
    let worker = p.worker(None).expect("the project loads");
    let requests =
        ["/about", "/nothing", "/api/7"].map(|path| get(&format!("https://app.example{path}")));
    let exchanges = Run::default()
        .sequence(&worker, requests.to_vec(), 10)
        .expect("it runs");
    let got: Vec<(u16, bool, String)> = (exchanges.iter())
        .map(|x| (x.response.status, x.from_assets, body_text(&x.response)))
        .collect();
    assert_eq!(
        got,
        [
            (200, true, "<h1>about</h1>".to_string()),
            (404, true, "<h1>missing</h1>".to_string()),
            (200, false, "7".to_string()),
        ]
    );
}

#[test]
fn a_worker_js_in_the_output_directory_is_the_whole_worker_in_advanced_mode() {
    let p = Project::with(
        "pages-advanced",
        &[
            ("wrangler.toml", WRANGLER),
            ("public/index.html", "<h1>home</h1>"),
            (
                "public/_worker.js",
                "export default { async fetch(request, env) { const url = new URL(request.url); \
                 if (url.pathname === '/api') return new Response('from _worker.js'); \
                 return env.ASSETS.fetch(request); } };",
            ),
            (
                "functions/ignored.js",
                "export const onRequest = () => new Response('no');",
            ),
        ],
    );
    let got = answers(
        &p,
        vec![get("https://app.example/api"), get("https://app.example/")],
    );
    assert_eq!(got[0].2, "from _worker.js");
    assert_eq!(got[1].2, "<h1>home</h1>");
}

#[test]
fn a_route_parameter_name_pages_would_refuse_is_refused_at_load_naming_the_file() {
    let p = Project::with(
        "pages-bad-param",
        &[
            ("wrangler.toml", WRANGLER),
            ("public/index.html", "home"),
            (
                "functions/users/[user-id].ts",
                "export const onRequest = () => new Response('x');",
            ),
        ],
    );
    let error = p.worker(None).expect_err("refused");
    assert!(
        error.contains("wrangler.toml")
            && error.contains("functions/users/[user-id].ts: Invalid Pages function route parameter - \"[user-id]\". Parameter names must only contain alphanumeric and underscore characters."),
        "{error}"
    );
}
