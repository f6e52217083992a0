//! semantics.md §1.3: `ctx.waitUntil` work continues after the response, for at most 30 s.

use edgesim_conformance::{Run, get, js};
use edgesim_runtime::Outcome;

#[test]
fn wait_until_work_runs_after_the_response_is_sent() {
    let w = js("export default { fetch(req, env, ctx) {
        ctx.waitUntil(scheduler.wait(5000).then(() => console.log('done at', Date.now())));
        return new Response('early');
    } };");
    let x = Run::default()
        .fetch(&w, get("https://example.com/"))
        .unwrap();
    assert_eq!(x.response_at_ms, 0);
    assert_eq!(x.report.outcome, Outcome::Ok);
    let log = &x.report.logs[0];
    assert_eq!(log.at_ms - edgesim_sim::host::DEFAULT_EPOCH_MS, 5000);
    assert_eq!(
        log.message,
        format!("done at {}", edgesim_sim::host::DEFAULT_EPOCH_MS + 5000)
    );
}

#[test]
fn wait_until_work_is_cancelled_30_seconds_after_the_response_with_workerds_warning() {
    let w = js("export default { fetch(req, env, ctx) {
        ctx.waitUntil(scheduler.wait(29000).then(() => console.log('in time')));
        ctx.waitUntil(scheduler.wait(31000).then(() => console.log('too late')));
        return new Response('ok');
    } };");
    let x = Run::default()
        .fetch(&w, get("https://example.com/"))
        .unwrap();
    let messages: Vec<(u64, &str)> = x
        .report
        .logs
        .iter()
        .map(|l| {
            (
                l.at_ms - edgesim_sim::host::DEFAULT_EPOCH_MS,
                l.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        messages,
        vec![
            (29000, "in time"),
            (
                30000,
                "waitUntil() tasks did not complete within the allowed time after invocation end and have been cancelled."
            ),
        ]
    );
}

#[test]
fn a_rejected_wait_until_promise_does_not_cancel_the_others() {
    let w = js("export default { fetch(req, env, ctx) {
        ctx.waitUntil(Promise.reject(new Error('first fails')));
        ctx.waitUntil(scheduler.wait(10).then(() => console.log('second runs')));
        return new Response('ok');
    } };");
    let x = Run::default()
        .fetch(&w, get("https://example.com/"))
        .unwrap();
    let messages: Vec<&str> = x.report.logs.iter().map(|l| l.message.as_str()).collect();
    assert!(
        messages[0].starts_with("Uncaught (in promise) Error: first fails"),
        "{messages:?}"
    );
    assert_eq!(messages[1], "second runs");
    assert_eq!(x.response.status, 200);
}

#[test]
fn timers_not_awaited_or_passed_to_wait_until_are_cancelled_with_the_response() {
    let w = js("export default { fetch() {
        setTimeout(() => console.log('never'), 10);
        return new Response('ok');
    } };");
    let x = Run::default()
        .fetch(&w, get("https://example.com/"))
        .unwrap();
    assert!(x.report.logs.is_empty(), "{:?}", x.report.logs);
}

#[test]
fn destructured_wait_until_throws_illegal_invocation() {
    let v = edgesim_conformance::thrown("const { waitUntil } = ctx; waitUntil(Promise.resolve());");
    assert_eq!(
        v,
        "TypeError: Illegal invocation: function called with incorrect `this` reference. \
         See https://developers.cloudflare.com/workers/observability/errors/#illegal-invocation-errors for details."
    );
}
