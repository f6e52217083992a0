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

#[test]
fn do_work_left_running_after_a_call_returns_still_runs() {
    let v = edgesim_conformance::object_json(
        &Run::default(),
        "n = 0; log = [];
         bump() {
           setTimeout(() => { this.n++; this.log.push('timer'); }, 10);
           (async () => { await scheduler.wait(5); this.log.push('waited'); })();
           return 'returned';
         }
         async io() {
           (async () => {
             await this.ctx.storage.put('k', 'v');
             await scheduler.wait(5);
             this.log.push('after-io:' + await this.ctx.storage.get('k'));
           })();
           return 'io';
         }
         read() { return { n: this.n, log: this.log }; }",
        "const first = await stub.bump();
         await scheduler.wait(50);
         const read = await stub.read();
         await stub.io();
         await scheduler.wait(50);
         return [first, read, await stub.read()];",
    );
    assert_eq!(
        v,
        json!([
            "returned",
            {"n": 1, "log": ["waited", "timer"]},
            {"n": 1, "log": ["waited", "timer", "after-io:v"]}
        ])
    );
}

#[test]
fn do_work_left_running_that_overruns_the_cpu_limit_resets_the_object() {
    let v = edgesim_conformance::object_json(
        &Run::default(),
        "n = 0;
         spin() { setTimeout(() => { for (;;) {} }, 10); return ++this.n; }
         count() { return ++this.n; }",
        "const first = await stub.spin();
         await scheduler.wait(100);
         return [first, await stub.count()];",
    );
    // The reset object starts afresh: its in-memory count is gone.
    assert_eq!(v, json!([1, 1]));
}
