//! The reference probe (conformance/reference/workerd/worker.mjs) runs unchanged; its `/r2` and
//! `/r2-errors` answers must equal what workerd answered, after normalising what differs by
//! nature, except where local workerd (Miniflare's R2) differs from production, each listed
//! with the reason.

use edgesim_conformance::reference::{self, assert_differences};
use edgesim_conformance::{body_json, get};
use edgesim_runtime::Plan;
use edgesim_sim::one_colo::fetch_sequence;
use serde_json::Value;

/// Drops what differs between any two runs or stores: object versions, upload times, upload
/// ids and part ETags (opaque identifiers; edgesim's part ETags are S3-style MD5s), and the
/// storage class (production says `Standard`, local workerd an empty string).
fn normalise(v: &Value) -> Value {
    const DROPPED: &[&str] = &["version", "uploaded", "storageClass", "uploadIdLen"];
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .filter(|(k, _)| !DROPPED.contains(&k.as_str()))
                .map(|(k, x)| {
                    let x = match (k.as_str(), x) {
                        ("part1" | "part2", Value::Object(p)) => {
                            p.get("partNumber").cloned().unwrap_or_default()
                        }
                        _ => normalise(x),
                    };
                    (k.clone(), x)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(normalise).collect()),
        other => other.clone(),
    }
}

/// `put_key_lone_surrogate`: a lone surrogate in a key is UTF-8 encoded as one U+FFFD; Miniflare
/// stores three (it decodes the replacement's bytes one by one).
/// `put_customMetadata_large`: production allows 8,192 bytes of custom metadata (limits.mdx);
/// Miniflare refuses more than 2,048.
/// `list_bad_cursor`: an unreadable cursor lists from the start; Miniflare decodes it leniently
/// and starts from wherever the garbage sorts.
const LOCAL_ONLY_R2_ERRORS: &[&str] = &[
    "put_key_lone_surrogate",
    "put_customMetadata_large",
    "list_bad_cursor",
];

/// `delete_single`, `delete_array`: the probe deletes objects it wrote a few milliseconds
/// before; production allows one write per second to an object name (limits.mdx, "Maximum
/// concurrent writes to the same object name") and answers the second with 429, code 10058.
/// Local workerd has no such limit.
const RATE_LIMITED_IN_PRODUCTION: &[&str] = &["delete_single", "delete_array"];

#[test]
fn reference_probe_r2_answers_match_workerd() {
    let w = reference::probe_worker("[[r2_buckets]]\nbinding = 'BUCKET'\nbucket_name = 'probe'\n");
    let out = fetch_sequence(
        &w,
        w.limits(Plan::Paid, None),
        vec![
            get("http://localhost/r2"),
            get("http://localhost/r2-errors"),
        ],
        50,
        1,
    )
    .unwrap();
    for (name, exchange, allowed) in [
        ("r2", &out[0], RATE_LIMITED_IN_PRODUCTION),
        ("r2-errors", &out[1], LOCAL_ONLY_R2_ERRORS),
    ] {
        assert_differences(
            name,
            &normalise(&reference::result(name)),
            &normalise(&body_json(&exchange.response)),
            allowed,
        );
    }
}
