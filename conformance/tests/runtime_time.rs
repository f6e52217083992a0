//! semantics.md §1.4: `Date.now()` advances only across I/O and timers; a timer callback sees
//! exactly its scheduled time; top-level `performance.now()` is 0.

use edgesim_conformance::{eval_json, fetch_js};

#[test]
fn date_now_is_frozen_during_cpu_only_work() {
    let v = eval_json(
        "const t0 = Date.now(); let x = 0; for (let i = 0; i < 2e6; i++) x = (x + i) | 0;
         return { delta: Date.now() - t0, perf: performance.now() - t0, x };",
    );
    assert_eq!(v["delta"], 0);
    assert_eq!(v["perf"], 0);
}

#[test]
fn date_now_advances_by_exactly_the_timer_delay() {
    let v = eval_json(
        "const t0 = Date.now();
         await new Promise((r) => setTimeout(r, 50));
         const t1 = Date.now();
         await scheduler.wait(20);
         return { timer: t1 - t0, wait: Date.now() - t1 };",
    );
    assert_eq!(v["timer"], 50);
    assert_eq!(v["wait"], 20);
}

#[test]
fn timer_callback_sees_exactly_its_scheduled_time() {
    let v = eval_json(
        "const t0 = Date.now();
         const seen = await new Promise((r) => setTimeout(() => r(Date.now() - t0), 10));
         return { seen };",
    );
    assert_eq!(v["seen"], 10);
}

#[test]
fn date_now_does_not_advance_across_microtasks() {
    let v = eval_json(
        "const t = Date.now(); await Promise.resolve(); await null; return Date.now() - t;",
    );
    assert_eq!(v, 0);
}

#[test]
fn new_date_equals_date_now_and_is_an_integer() {
    let v = eval_json(
        "return { same: new Date().getTime() === Date.now(), int: Number.isInteger(Date.now()), str: typeof Date() };",
    );
    assert_eq!(
        v,
        serde_json::json!({ "same": true, "int": true, "str": "string" })
    );
}

#[test]
fn performance_now_equals_date_now_in_a_handler_and_zero_at_top_level() {
    let x = fetch_js(
        "const TOP = performance.now();
         export default { fetch() { return Response.json({ top: TOP, inHandler: performance.now() === Date.now(), origin: performance.timeOrigin }); } };",
        "https://example.com/",
    );
    let v = edgesim_conformance::body_json(&x.response);
    assert_eq!(
        v,
        serde_json::json!({ "top": 0, "inHandler": true, "origin": 0 })
    );
}

#[test]
fn set_interval_fires_at_each_multiple_of_its_period() {
    let v = eval_json(
        "const t0 = Date.now(); const seen = [];
         await new Promise((r) => { const id = setInterval(() => { seen.push(Date.now() - t0); if (seen.length === 3) { clearInterval(id); r(); } }, 30); });
         return seen;",
    );
    assert_eq!(v, serde_json::json!([30, 60, 90]));
}

#[test]
fn cleared_timeout_never_fires() {
    let v = eval_json(
        "let fired = false; const id = setTimeout(() => { fired = true; }, 5); clearTimeout(id);
         await scheduler.wait(20); return fired;",
    );
    assert_eq!(v, false);
}

#[test]
fn timer_ids_start_at_one() {
    let v = eval_json(
        "const a = setTimeout(() => {}, 1); const b = setTimeout(() => {}, 1); return [a, b];",
    );
    assert_eq!(v, serde_json::json!([1, 2]));
}
