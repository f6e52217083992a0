//! Static assets beyond what the recorded site pins (differential_assets.rs): the Worker does
//! not run for what the assets answer, each colo's cache, wrangler's checks of the rules and
//! files, assets-only projects, and the router's compatibility flag.

use edgesim_conformance::{Project, Run, get};

const WORKER: &str = r#"export default {
  fetch(request) {
    console.log("worker ran");
    return new Response("from the worker");
  },
};"#;

fn site(name: &str, assets: &str, extra: &[(&str, &str)]) -> Project {
    let config = format!(
        r#"{{ "name": "site", "main": "src/index.js", "compatibility_date": "2026-04-20", "assets": {assets} }}"#
    );
    let mut files = vec![
        ("wrangler.json", config.as_str()),
        ("src/index.js", WORKER),
        ("public/index.html", "<h1>home</h1>"),
    ];
    files.extend_from_slice(extra);
    Project::with(name, &files)
}

#[test]
fn a_request_the_assets_answer_never_runs_the_worker() {
    let p = site("assets-no-worker", r#"{ "directory": "public" }"#, &[]);
    let worker = p.worker(None).expect("loads");
    let x = Run::default()
        .sequence(
            &worker,
            vec![
                get("https://s.example.com/"),
                get("https://s.example.com/api"),
            ],
            0,
        )
        .expect("runs");
    assert!(x[0].from_assets);
    assert_eq!(x[0].response.body, b"<h1>home</h1>");
    assert!(x[0].report.logs.is_empty());
    assert!(!x[1].from_assets);
    assert_eq!(x[1].response.body, b"from the worker");
    assert_eq!(x[1].report.logs[0].message, "worker ran");
}

#[test]
fn a_colos_cache_misses_an_asset_on_its_first_read_then_hits() {
    let p = site("assets-cache", r#"{ "directory": "public" }"#, &[]);
    let worker = p.worker(None).expect("loads");
    let x = Run::default()
        .sequence(&worker, vec![get("https://s.example.com/"); 2], 0)
        .expect("runs");
    let status = |i: usize| {
        let h = &x[i].response.headers;
        h.iter()
            .find(|(n, _)| n == "cf-cache-status")
            .map(|(_, v)| v.clone())
    };
    assert_eq!(status(0).as_deref(), Some("MISS"));
    assert_eq!(status(1).as_deref(), Some("HIT"));
}

#[test]
fn invalid_redirect_and_header_rules_are_ignored_with_wranglers_warnings() {
    let p = site(
        "assets-bad-rules",
        r#"{ "directory": "public" }"#,
        &[
            (
                "public/_redirects",
                "/* /index.html 200\n/a /b 404\n/c /index.html 301\n",
            ),
            ("public/_headers", "x-early: 1\n/*\n  X-Good: yes\n"),
        ],
    );
    let worker = p.worker(None).expect("loads");
    let warnings = worker.warnings().join("\n");
    assert!(
        warnings.contains(
            "_redirects:1: invalid redirect rule ignored: Infinite loop detected in this rule"
        ),
        "{warnings}"
    );
    assert!(warnings.contains("_redirects:2: invalid redirect rule ignored: Valid status codes are 200, 301, 302 (default), 303, 307, or 308. Got 404."), "{warnings}");
    assert!(
        warnings.contains(
            "_headers:1: invalid header rule ignored: Path should come before header (x-early: 1)"
        ),
        "{warnings}"
    );
    let x = Run::default()
        .fetch(&worker, get("https://s.example.com/c"))
        .expect("runs");
    assert_eq!(x.response.status, 301);
    let good = x.response.headers.iter().find(|(n, _)| n == "x-good");
    assert_eq!(good.map(|(_, v)| v.as_str()), Some("yes"));
}

#[test]
fn run_worker_first_rules_are_refused_as_wrangler_refuses_them() {
    let only_negative = site(
        "assets-rwf-neg",
        r#"{ "directory": "public", "run_worker_first": ["!/x/*"] }"#,
        &[],
    );
    let e = only_negative.worker(None).expect_err("refused");
    assert!(e.ends_with("assets.run_worker_first: Only negative `run_worker_first` rules were provided; must provide at least 1 non-negative rule"), "{e}");
    let bad = site(
        "assets-rwf-bad",
        r#"{ "directory": "public", "run_worker_first": ["api/*", "/a/*", "/a/b"] }"#,
        &[],
    );
    let e = bad.worker(None).expect_err("refused");
    assert!(e.ends_with("Invalid routes in `run_worker_first`:\n'api/*': rules must start with '/' or '!/'\n'/a/b': rule '/a/*' makes it redundant"), "{e}");
}

#[test]
fn an_asset_larger_than_25_mib_is_refused_when_the_worker_loads() {
    let p = site("assets-too-large", r#"{ "directory": "public" }"#, &[]);
    let big = std::fs::File::create(p.path().join("public/big.bin")).expect("create");
    big.set_len(25 * 1024 * 1024 + 1).expect("grow");
    let e = p.worker(None).expect_err("refused");
    assert!(
        e.contains("Asset too large") && e.contains("big.bin is 26214401 bytes"),
        "{e}"
    );
}

#[test]
fn an_assets_only_project_needs_no_main_and_answers_404_to_unknown_paths() {
    let p = Project::with(
        "assets-only",
        &[
            (
                "wrangler.json",
                r#"{ "name": "s", "compatibility_date": "2026-04-20", "assets": { "directory": "public" } }"#,
            ),
            ("public/index.html", "<h1>home</h1>"),
        ],
    );
    let worker = p.worker(None).expect("loads");
    let x = Run::default()
        .sequence(
            &worker,
            vec![
                get("https://s.example.com/"),
                get("https://s.example.com/nope"),
            ],
            0,
        )
        .expect("runs");
    assert_eq!((x[0].response.status, x[1].response.status), (200, 404));
    assert!(x[1].from_assets && x[1].response.body.is_empty());
    let none = Project::with("assets-none", &[("wrangler.json", r#"{ "name": "s" }"#)]);
    let e = none.worker(None).expect_err("refused");
    assert!(e.contains("no \"main\" entry point and no assets"), "{e}");
}

#[test]
fn assets_navigation_has_no_effect_sends_unknown_navigations_to_the_worker() {
    let navigate = |flags: &str| {
        let assets =
            r#"{ "directory": "public", "not_found_handling": "single-page-application" }"#;
        let p = site(&format!("assets-nav{}", flags.len()), assets, &[]);
        let config = std::fs::read_to_string(p.path().join("wrangler.json")).expect("config");
        let config = config.replacen(
            "\"name\"",
            &format!("\"compatibility_flags\": [{flags}], \"name\""),
            1,
        );
        std::fs::write(p.path().join("wrangler.json"), config).expect("write");
        let worker = p.worker(None).expect("loads");
        assert!(worker.warnings().is_empty(), "{:?}", worker.warnings());
        let mut request = get("https://s.example.com/some/route");
        request
            .headers
            .push(("sec-fetch-mode".into(), "navigate".into()));
        Run::default()
            .fetch(&worker, request)
            .expect("runs")
            .from_assets
    };
    assert!(navigate(""));
    assert!(!navigate(r#""assets_navigation_has_no_effect""#));
}
