//! semantics.md §5.6: an object that sits idle is evicted (70–140 s without events for objects
//! that cannot hibernate): its memory is gone, its storage is not, and the next call constructs
//! it again.

use edgesim_conformance::{Run, body_json, get, object_worker};
use serde_json::json;

/// Two calls `gap_ms` apart; each reports the in-memory and the stored call counts.
fn two_calls(gap_ms: u64) -> Vec<serde_json::Value> {
    let worker = object_worker(
        "constructor(ctx, env) { super(ctx, env); this.calls = 0; }
         async hit() {
           this.calls++;
           const stored = ((await this.ctx.storage.get('calls')) ?? 0) + 1;
           await this.ctx.storage.put('calls', stored);
           return { memory: this.calls, stored };
         }",
        "return Response.json(await stub.hit());",
        false,
    );
    let out = Run::default()
        .sequence(
            &worker,
            vec![get("https://example.com/"), get("https://example.com/")],
            gap_ms,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    out.iter().map(|x| body_json(&x.response)).collect()
}

#[test]
fn do_object_idle_for_a_minute_keeps_its_memory() {
    assert_eq!(two_calls(60_000)[1], json!({ "memory": 2, "stored": 2 }));
}

#[test]
fn do_object_idle_past_140_seconds_is_evicted_but_keeps_its_storage() {
    assert_eq!(two_calls(141_000)[1], json!({ "memory": 1, "stored": 2 }));
}
