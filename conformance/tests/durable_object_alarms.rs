//! semantics.md §5.4: one alarm per object, on the simulated clock, delivered at least once and
//! retried with backoff from 2 s doubling, up to 6 retries.

use edgesim_conformance::{Run, body_json, get, object_worker};
use serde_json::json;

/// Sets an alarm on the first request and reports what the object recorded on the second,
/// `gap_ms` of simulated time later.
fn after(class_body: &str, set: &str, gap_ms: u64) -> serde_json::Value {
    let worker = object_worker(
        class_body,
        &format!(
            "if (new URL(request.url).pathname === '/set') return Response.json(await stub.set({set}));
             return Response.json(await stub.report());"
        ),
        false,
    );
    let out = Run::default()
        .sequence(
            &worker,
            vec![
                get("https://example.com/set"),
                get("https://example.com/report"),
            ],
            gap_ms,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    body_json(&out[1].response)
}

const RECORDER: &str = r#"
  async set(delay) {
    const at = Date.now() + delay;
    await this.ctx.storage.setAlarm(at);
    return [at, await this.ctx.storage.getAlarm()];
  }
  async alarm(info) {
    const runs = (await this.ctx.storage.get("runs")) ?? [];
    runs.push({ at: Date.now(), retryCount: info.retryCount, isRetry: info.isRetry, ctor: info.constructor.name });
    await this.ctx.storage.put("runs", runs);
    if (runs.length < (await this.ctx.storage.get("failures") ?? 0) + 1) throw new Error("try again");
  }
  async report() {
    const runs = (await this.ctx.storage.get("runs")) ?? [];
    const t0 = runs.length ? runs[0].at : 0;
    return { runs: runs.map((r) => ({ ...r, at: r.at - t0 })), alarm: await this.ctx.storage.getAlarm() };
  }
"#;

#[test]
fn do_alarm_fires_at_its_time_and_is_then_unset() {
    let v = after(RECORDER, "200", 1_000);
    assert_eq!(
        v,
        json!({
            "runs": [{ "at": 0, "retryCount": 0, "isRetry": false, "ctor": "AlarmInvocationInfo" }],
            "alarm": null,
        })
    );
}

#[test]
fn do_alarm_that_throws_is_retried_with_backoff_from_2_seconds_doubling() {
    let class = RECORDER.replace(
        "async set(delay) {",
        "async set(delay) { await this.ctx.storage.put('failures', 3);",
    );
    let v = after(&class, "100", 60_000);
    let runs = v["runs"].as_array().cloned().unwrap_or_default();
    let summary: Vec<(u64, u64)> = runs
        .iter()
        .map(|r| {
            (
                r["at"].as_u64().unwrap_or(0),
                r["retryCount"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    // Each try ends 4 ms after it starts (its write is confirmed), and the next one comes 2 s,
    // then 4 s, then 8 s after that end; the fourth try succeeds.
    assert_eq!(summary, vec![(0, 0), (2_004, 1), (6_008, 2), (14_012, 3)]);
}

#[test]
fn do_alarm_gives_up_after_six_retries() {
    let class = RECORDER.replace(
        "async set(delay) {",
        "async set(delay) { await this.ctx.storage.put('failures', 100);",
    );
    let v = after(&class, "100", 600_000);
    assert_eq!(v["runs"].as_array().map(Vec::len), Some(7));
}

#[test]
fn do_get_alarm_is_null_until_set_and_the_set_time_after() {
    let worker = object_worker(
        "async run() {
           const s = this.ctx.storage;
           const before = await s.getAlarm();
           await s.setAlarm(new Date(Date.now() + 60000));
           const set = (await s.getAlarm()) - Date.now();
           await s.deleteAlarm();
           return [before, set, await s.getAlarm()];
         }",
        "return Response.json(await stub.run());",
        false,
    );
    let x = Run::default()
        .fetch(&worker, get("https://example.com/"))
        .unwrap();
    assert_eq!(body_json(&x.response), json!([null, 60000, null]));
}

/// workerd's actor-alarms-test.js, actor-alarms-delete-test.js and actor-alarms-name-test.js:
/// inside the handler the alarm is already unset and `scheduledTime` is the time set; deleting
/// it there does nothing, and an alarm set and deleted there never runs; an object evicted
/// before its alarm still knows its name when the alarm brings it back.
#[test]
fn inside_the_alarm_handler_the_alarm_is_unset_deletes_are_safe_and_the_name_survives_eviction() {
    let class = r#"
  async set(delay) {
    const at = Date.now() + delay;
    await this.ctx.storage.setAlarm(at);
    await this.ctx.storage.put("at", at);
    return at;
  }
  async alarm(info) {
    const runs = (await this.ctx.storage.get("runs")) ?? [];
    const at = await this.ctx.storage.get("at");
    runs.push({
      alarmInHandler: await this.ctx.storage.getAlarm(),
      scheduledType: typeof info?.scheduledTime,
      scheduledIsSet: info?.scheduledTime === at,
      notEarly: Date.now() >= at,
      name: this.ctx.id.name ?? null,
    });
    await this.ctx.storage.put("runs", runs);
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.setAlarm(Date.now() + 50);
    await this.ctx.storage.deleteAlarm();
  }
  async report() {
    return { runs: await this.ctx.storage.get("runs"), alarm: await this.ctx.storage.getAlarm() };
  }
"#;
    // Set for 150 s: the idle object is evicted (70-140 s) before its alarm brings it back.
    let v = after(class, "150000", 400_000);
    assert_eq!(
        v,
        json!({
            "runs": [{
                "alarmInHandler": null,
                "scheduledType": "number",
                "scheduledIsSet": true,
                "notEarly": true,
                "name": "a",
            }],
            "alarm": null,
        })
    );
}
