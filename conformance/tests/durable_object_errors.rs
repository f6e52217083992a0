//! semantics.md §5.6: errors from Durable Object calls carry `.remote` (thrown by the object's
//! code or its limits), `.retryable` (transient: retry if idempotent) and `.overloaded` (do
//! not retry), as error-handling.mdx describes.

use std::rc::Rc;

use edgesim_conformance::{Run, object_json};
use serde_json::json;

const CALLER: &str = "try { await stub.fail(); return 'no error'; }
  catch (e) { return { message: e.message, remote: e.remote ?? null, retryable: e.retryable ?? null, overloaded: e.overloaded ?? null }; }";

#[test]
fn do_error_thrown_by_the_object_is_remote_and_not_retryable() {
    let v = object_json(
        &Run::default(),
        "fail() { throw new RangeError('bad input'); }",
        CALLER,
    );
    assert_eq!(
        v,
        json!({ "message": "bad input", "remote": true, "retryable": null, "overloaded": null })
    );
}

#[test]
fn do_call_to_a_crashed_host_is_retryable_and_not_remote() {
    let run = Run {
        setup: Some(Rc::new(|p| p.objects.crash_colo("LHR", 0, 60_000))),
        ..Default::default()
    };
    let v = object_json(&run, "fail() { return 'ran'; }", CALLER);
    assert_eq!(
        v,
        json!({ "message": "Network connection lost.", "remote": null, "retryable": true, "overloaded": null })
    );
}

#[test]
fn do_with_a_full_queue_answers_overloaded_and_not_retryable() {
    let run = Run {
        setup: Some(Rc::new(|p| p.objects.queued_calls_max.set(10))),
        ..Default::default()
    };
    let v = object_json(
        &run,
        "async work() { await new Promise((r) => setTimeout(r, 1000)); return 'done'; }",
        "const results = await Promise.allSettled(Array.from({ length: 15 }, () => stub.work()));
         const failed = results.filter((r) => r.status === 'rejected').map((r) => [r.reason.message, r.reason.overloaded, r.reason.retryable ?? null]);
         return { done: results.filter((r) => r.value === 'done').length, failed: failed.length, first: failed[0] };",
    );
    assert_eq!(
        v,
        json!({ "done": 10, "failed": 5,
                "first": ["Durable Object is overloaded. Too many requests queued.", true, null] })
    );
}

#[test]
fn do_commit_that_hangs_30_seconds_resets_the_object_and_loses_the_write() {
    let v = object_json(
        &Run::with_commit_ms(31_000),
        "async write() { this.ctx.storage.put('k', 1); return 'written'; }
         async read() { return (await this.ctx.storage.get('k')) ?? 'nothing'; }",
        "let first;
         try { first = await stub.write(); } catch (e) { first = [e.message, e.retryable ?? null]; }
         return { first, after: await stub.read() };",
    );
    assert_eq!(
        v,
        json!({ "first": ["Durable Object storage operation exceeded timeout which caused object to be reset.", null],
                "after": "nothing" })
    );
}

/// workerd's actor-block-concurrency-depth-test.js, as a Worker: the probe at depth 64 runs,
/// the one at depth 65 throws.
#[test]
fn do_block_concurrency_while_nests_at_most_64_deep() {
    let v = object_json(
        &Run::default(),
        "async probe(enterCount) {
           const recurse = async (remaining) => {
             if (remaining > 0) return await this.ctx.blockConcurrencyWhile(() => recurse(remaining - 1));
             try { await this.ctx.blockConcurrencyWhile(() => 'ok'); return 'ran'; }
             catch (e) { return e.message; }
           };
           return await recurse(enterCount);
         }",
        "return [await stub.probe(63), await env.COUNTER.getByName('b').probe(64)];",
    );
    assert_eq!(
        v,
        json!([
            "ran",
            "blockConcurrencyWhile() calls are nested too deeply."
        ])
    );
}
