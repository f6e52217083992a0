//! conformance/claims.yaml and the tests stay in step: every claim names tests that exist, and
//! every conformance and scenario test is claimed by something.

use std::collections::{BTreeMap, BTreeSet};

use edgesim_conformance::claims;

/// `<file stem>::<test>` for every `#[test]` in conformance/tests and sim/tests.
fn tests_on_disk() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for dir in ["conformance/tests", "sim/tests"] {
        let dir = claims::root().join(dir);
        for entry in std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .flatten()
        {
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("rs")
                || path.file_name().is_some_and(|n| n == "main.rs")
            {
                continue;
            }
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let mut lines = text.lines().map(str::trim);
            while let Some(line) = lines.next() {
                if line == "#[test]"
                    && let Some(f) = lines.next().and_then(|l| l.strip_prefix("fn "))
                {
                    out.insert(format!("{stem}::{}", f.split('(').next().unwrap()));
                }
            }
        }
    }
    out
}

#[test]
fn every_claim_names_tests_that_exist_and_every_test_is_claimed() {
    let catalog = claims::load(&claims::root().join("conformance/claims.yaml")).unwrap();
    let on_disk = tests_on_disk();
    let mut ids = BTreeMap::new();
    let mut claimed = BTreeSet::new();
    for c in &catalog.claims {
        assert!(
            ids.insert(c.id.clone(), ()).is_none(),
            "duplicate claim id {}",
            c.id
        );
        assert!(!c.tests.is_empty(), "claim {} names no test", c.id);
        for t in &c.tests {
            assert!(
                on_disk.contains(t),
                "claim {} names {t}, which is not a test",
                c.id
            );
            claimed.insert(t.clone());
        }
    }
    let unclaimed: Vec<&String> = on_disk
        .iter()
        .filter(|t| !claimed.contains(*t) && !t.starts_with("claims_catalog::"))
        .collect();
    assert!(
        unclaimed.is_empty(),
        "tests no claim names (add them to conformance/claims.yaml): {unclaimed:?}"
    );
    assert!(catalog.claims.len() >= 100, "{}", catalog.claims.len());
}

#[test]
fn the_report_counts_passes_and_flags_failures() {
    let catalog = claims::load(&claims::root().join("conformance/claims.yaml")).unwrap();
    let first = catalog.claims[0].tests[0].clone();
    let output = format!(
        "     Running tests/main.rs (target/debug/deps/conformance-x)\ntest {first} ... FAILED\n"
    );
    let results = claims::parse_test_output(&output);
    assert_eq!(results.get(&first), Some(&false));
    let report = claims::render(&catalog, &results);
    assert!(report.contains(&format!("**0 of {} claims pass**", catalog.claims.len())));
    assert!(report.contains("| FAIL |"));
}

/// Lower-case words only, so that `kv_get_of_a_missing_key_is_null` and "Kv get of a missing key
/// is null." compare equal.
fn words(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A claim states the platform behaviour its tests pin, in a sentence of its own: a test's name
/// re-cased says nothing the test list does not already say.
#[test]
fn every_claim_is_a_sentence_not_its_test_name() {
    let catalog = claims::load(&claims::root().join("conformance/claims.yaml")).unwrap();
    let echoes: Vec<&str> = catalog
        .claims
        .iter()
        .filter(|c| {
            c.tests.iter().any(|t| {
                let name = t.split_once("::").map_or(t.as_str(), |(_, n)| n);
                words(&c.claim) == words(name)
            })
        })
        .map(|c| c.id.as_str())
        .collect();
    assert!(
        echoes.is_empty(),
        "claims that only re-case their test's name: {echoes:?}"
    );
}

/// A claim's source is something a reader of this repository can open: a documentation page, a
/// workerd file, a standard, or a document in the repository — not a tracker issue or a file
/// outside the repository.
#[test]
fn every_source_can_be_found_from_the_repository() {
    let catalog = claims::load(&claims::root().join("conformance/claims.yaml")).unwrap();
    let outside = |s: &str| {
        s.contains("../")
            || s.contains("design.md")
            || s.split_whitespace()
                .collect::<Vec<_>>()
                .windows(2)
                .any(|w| {
                    w[0].eq_ignore_ascii_case("issue")
                        && w[1].starts_with(|c: char| c.is_ascii_digit())
                })
    };
    let bad: Vec<(&str, &str)> = catalog
        .claims
        .iter()
        .filter(|c| outside(&c.source))
        .map(|c| (c.id.as_str(), c.source.as_str()))
        .collect();
    assert!(bad.is_empty(), "sources outside the repository: {bad:?}");
    for file in ["docs/semantics.md", "ARCHITECTURE.md", "README.md"] {
        let cited = catalog.claims.iter().any(|c| c.source.contains(file));
        assert!(
            !cited || claims::root().join(file).is_file(),
            "claims cite {file}, which is not in the repository"
        );
    }
}
