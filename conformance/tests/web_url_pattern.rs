//! URLPattern (WICG URL Pattern Standard, as Workers ship it): matching, named groups,
//! wildcards, init dictionaries and base URLs.

use edgesim_conformance::{eval_json, thrown};
use serde_json::json;

#[test]
fn url_pattern_matches_paths_and_extracts_named_groups() {
    let v = eval_json(
        "const p = new URLPattern({ pathname: '/books/:id/chapters/:n' });
         const m = p.exec('https://example.com/books/42/chapters/7?x=1');
         return { test: [p.test('https://example.com/books/42/chapters/7'), p.test('https://example.com/films/1')],
                  groups: m.pathname.groups, input: m.pathname.input, pathname: p.pathname, protocol: p.protocol,
                  miss: p.exec('https://example.com/') };",
    );
    assert_eq!(
        v,
        json!({ "test": [true, false], "groups": { "id": "42", "n": "7" },
                "input": "/books/42/chapters/7", "pathname": "/books/:id/chapters/:n", "protocol": "*",
                "miss": null })
    );
}

#[test]
fn url_pattern_strings_wildcards_and_base_urls() {
    let v = eval_json(
        "const a = new URLPattern('https://*.example.com/api/*');
         const b = new URLPattern('/static/:file.:ext', 'https://cdn.example.com');
         const m = b.exec('https://cdn.example.com/static/logo.png');
         return [a.test('https://eu.example.com/api/v1/users'), a.test('http://eu.example.com/api/x'),
                 a.exec('https://eu.example.com/api/v1').hostname.groups, m.pathname.groups,
                 new URLPattern({ pathname: '/Users' }, { ignoreCase: true }).test('https://x.dev/users')];",
    );
    assert_eq!(
        v,
        json!([true, false, { "0": "eu" }, { "file": "logo", "ext": "png" }, true])
    );
}

#[test]
fn url_pattern_refuses_invalid_patterns_with_a_type_error() {
    for pattern in ["'/no-base'", "{ pathname: '/(unclosed' }"] {
        assert_eq!(
            thrown(&format!("new URLPattern({pattern});")),
            "TypeError: Failed to construct URLPattern"
        );
    }
    // An init dictionary takes no base URL of its own.
    let p = "new URLPattern({ pathname: '/a' })";
    assert_eq!(
        thrown(&format!("{p}.test({{ pathname: '/a' }}, 'https://x.dev');")),
        "TypeError: Failed to test URLPattern"
    );
    assert_eq!(
        thrown(&format!("{p}.exec({{ pathname: '/a' }}, 'https://x.dev');")),
        "TypeError: Failed to exec URLPattern"
    );
}
