//! semantics.md §6: Queues — the producer's checks and texts, batching, acknowledgement,
//! retries with `attempts`, the dead-letter queue, and at-least-once redelivery when the
//! consumer throws.

use edgesim_conformance::{Run, body_json, get};
use edgesim_runtime::worker::{WorkerDefinition, WranglerConfig};
use serde_json::json;

/// What the test Workers' fetch handlers answer at any path but `/send`: every batch their
/// consumer recorded in KV under `batch:…`, in key order.
const RECORDED_BATCHES: &str = "const list = await env.KV.list({ prefix: 'batch:' });
          const out = [];
          for (const k of list.keys) out.push(JSON.parse(await env.KV.get(k.name)));
          return Response.json(out);";

/// A Worker producing to `q` and consuming `q` (and `dlq`); its consumer records every batch
/// in KV and, on `q`, does what each message's body says (`"retry"`, `"ack"`, `"throw"`).
fn worker(consumer: &str) -> WorkerDefinition {
    let config = WranglerConfig::parse(
        "wrangler.toml",
        &format!(
            "name = 'app'\nmain = 'w.js'\n[[kv_namespaces]]\nbinding = 'KV'\nid = 'kv'\n\
             [[queues.producers]]\nbinding = 'Q'\nqueue = 'q'\n\
             [[queues.consumers]]\nqueue = 'q'\n{consumer}\n\
             [[queues.consumers]]\nqueue = 'dlq'\nmax_batch_timeout = 1\n"
        ),
    )
    .unwrap();
    let source = "
      let n = 0;
      export default {
        async fetch(request, env) {
          const path = new URL(request.url).pathname;
          if (path === '/send') {
            const bodies = await request.json();
            await env.Q.sendBatch(bodies.map((body) => ({ body })));
            return new Response('sent');
          }
          RECORDED_BATCHES;
        },
        async queue(batch, env) {
          n++;
          await env.KV.put('batch:' + String(Date.now()).padStart(15, '0') + ':' + n, JSON.stringify({
            queue: batch.queue,
            messages: batch.messages.map((m) => [m.body, m.attempts]),
          }));
          if (batch.queue === 'dlq') return;
          for (const m of batch.messages) {
            if (m.body === 'retry') m.retry();
            if (m.body === 'ack') m.ack();
          }
          if (batch.messages.some((m) => m.body === 'throw')) throw new Error('consumer failed');
        },
      };";
    let source = source.replace("RECORDED_BATCHES;", RECORDED_BATCHES);
    WorkerDefinition::from_sources(config, "w.js", &[("w.js", &source)])
}

/// `"<Class>: <message>"` of what `code` throws inside a fetch handler with `env.Q` bound.
fn thrown(code: &str) -> String {
    thrown_on(Run::default(), code)
}

/// As [`thrown`], on the platform `run` prepares.
fn thrown_on(run: Run, code: &str) -> String {
    let config = WranglerConfig::parse(
        "wrangler.toml",
        "name = 'app'\nmain = 'w.js'\n[[queues.producers]]\nbinding = 'Q'\nqueue = 'q'\n",
    )
    .unwrap();
    let source = format!(
        "export default {{ async fetch(request, env) {{
           try {{ {code}; return new Response('did not throw'); }}
           catch (e) {{ return new Response(`${{e.constructor.name}}: ${{e.message}}`); }}
         }} }};"
    );
    let w = WorkerDefinition::from_sources(config, "w.js", &[("w.js", &source)]);
    let x = run
        .fetch(&w, get("https://app.example.com/"))
        .unwrap_or_else(|e| panic!("{e}"));
    String::from_utf8_lossy(&x.response.body).into_owned()
}

/// Sends `bodies`, waits `wait_ms`, and returns the batches the consumer recorded.
fn batches(consumer: &str, bodies: serde_json::Value, wait_ms: u64) -> serde_json::Value {
    let mut send = get("https://app.example.com/send");
    send.method = "POST".into();
    send.body = bodies.to_string().into_bytes();
    let out = Run::default()
        .sequence(
            &worker(consumer),
            vec![send, get("https://app.example.com/log")],
            wait_ms,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    body_json(&out[1].response)
}

#[test]
fn queue_send_of_undefined_is_a_type_error() {
    assert_eq!(
        thrown("await env.Q.send(undefined)"),
        "TypeError: Message body cannot be undefined"
    );
}

#[test]
fn queue_send_batch_needs_at_least_one_message() {
    assert_eq!(
        thrown("await env.Q.sendBatch([])"),
        "TypeError: sendBatch() requires at least one message"
    );
}

#[test]
fn queue_send_refuses_unknown_content_types() {
    assert_eq!(
        thrown("await env.Q.send('x', { contentType: 'bogus' })"),
        "TypeError: Unsupported queue message content type: bogus"
    );
}

#[test]
fn queue_send_refuses_messages_over_128_kb_and_batches_over_100() {
    assert_eq!(
        thrown("await env.Q.send('x'.repeat(128 * 1024 + 1))"),
        "Error: Unknown Internal Error (15000)"
    );
    assert_eq!(
        thrown("await env.Q.sendBatch(Array.from({ length: 101 }, (_, i) => ({ body: i })))"),
        "Error: Unknown Internal Error (15000)"
    );
}

#[test]
fn queue_sends_past_5000_messages_a_second_get_too_many_requests() {
    assert_eq!(
        thrown(
            "const batch = Array.from({ length: 100 }, (_, i) => ({ body: i }));
             for (let i = 0; i < 50; i++) await env.Q.sendBatch(batch);
             let refused;
             try { await env.Q.send('one more'); } catch (e) { refused = e.message; }
             await scheduler.wait(1000);
             await env.Q.sendBatch(batch);
             throw new Error(refused)"
        ),
        "Error: Queue send failed: Too Many Requests"
    );
}

#[test]
fn queue_sends_past_the_backlog_limit_get_storage_limit_exceeded() {
    let run = Run {
        setup: Some(std::rc::Rc::new(|p| {
            p.queues
                .limits
                .set(edgesim_runtime::storage::queue::QueueLimits {
                    backlog_bytes_max: 1_000,
                    ..Default::default()
                })
        })),
        ..Run::default()
    };
    assert_eq!(
        thrown_on(
            run,
            "await env.Q.send('x'.repeat(600), { contentType: 'text' });
             await env.Q.sendBatch([{ body: 'y'.repeat(600), contentType: 'text' }])"
        ),
        "Error: Queue sendBatch failed: Storage Limit Exceeded"
    );
}

#[test]
fn queue_batches_hold_at_most_max_batch_size_messages() {
    let bodies: Vec<u32> = (0..25).collect();
    let v = batches(
        "max_batch_size = 10\nmax_batch_timeout = 1",
        json!(bodies),
        5_000,
    );
    let sizes: Vec<usize> = v
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| b["messages"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes, vec![10, 10, 5]);
}

#[test]
fn queue_retried_message_comes_back_with_attempts_plus_one_then_goes_to_the_dead_letter_queue() {
    let v = batches(
        "max_batch_timeout = 1\nmax_retries = 2\ndead_letter_queue = 'dlq'",
        json!(["retry"]),
        30_000,
    );
    let seen: Vec<(String, serde_json::Value)> = v
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| {
            (
                b["queue"].as_str().unwrap_or("").to_string(),
                b["messages"][0].clone(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("q".into(), json!(["retry", 1])),
            ("q".into(), json!(["retry", 2])),
            ("q".into(), json!(["retry", 3])),
            ("dlq".into(), json!(["retry", 1])),
        ]
    );
}

#[test]
fn queue_consumer_that_throws_gets_the_batch_again_except_messages_it_acked() {
    let v = batches(
        "max_batch_timeout = 1\nmax_retries = 1",
        json!(["ack", "throw"]),
        30_000,
    );
    let messages: Vec<serde_json::Value> = v
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| b["messages"].clone())
        .collect();
    assert_eq!(
        messages,
        vec![json!([["ack", 1], ["throw", 1]]), json!([["throw", 2]])]
    );
}

/// Sends 100 messages in batches of 10 to a consumer whose every batch takes a second, then
/// reads back each batch's size, how many batches were running when it started, and when.
fn concurrent_batches(max_concurrency: Option<u32>) -> Vec<serde_json::Value> {
    let limit = max_concurrency.map_or(String::new(), |n| format!("max_concurrency = {n}\n"));
    let config = WranglerConfig::parse(
        "wrangler.toml",
        &format!(
            "name = 'app'\nmain = 'w.js'\n[[kv_namespaces]]\nbinding = 'KV'\nid = 'kv'\n\
             [[queues.producers]]\nbinding = 'Q'\nqueue = 'q'\n\
             [[queues.consumers]]\nqueue = 'q'\nmax_batch_size = 10\n{limit}"
        ),
    )
    .unwrap();
    let source = "
      let running = 0, n = 0;
      export default {
        async fetch(request, env) {
          if (new URL(request.url).pathname === '/send') {
            for (let i = 0; i < 10; i++) await env.Q.sendBatch(Array.from({ length: 10 }, (_, j) => ({ body: i * 10 + j })));
            return new Response('sent');
          }
          RECORDED_BATCHES;
        },
        async queue(batch, env) {
          const id = ++n;
          const started = { at: Date.now(), running: ++running, size: batch.messages.length };
          await scheduler.wait(1000);
          running--;
          await env.KV.put('batch:' + id, JSON.stringify(started));
        },
      };";
    let source = source.replace("RECORDED_BATCHES;", RECORDED_BATCHES);
    let w = WorkerDefinition::from_sources(config, "w.js", &[("w.js", &source)]);
    let out = Run::default()
        .sequence(
            &w,
            vec![
                get("https://app.example.com/send"),
                get("https://app.example.com/log"),
            ],
            30_000,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    body_json(&out[1].response)
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn queue_consumer_scales_out_while_a_backlog_waits_up_to_max_concurrency() {
    let batches = concurrent_batches(Some(3));
    let sizes: u64 = batches
        .iter()
        .map(|b| b["size"].as_u64().unwrap_or(0))
        .sum();
    let peak = batches
        .iter()
        .map(|b| b["running"].as_u64().unwrap_or(0))
        .max();
    assert_eq!((batches.len(), sizes, peak), (10, 100, Some(3)));
    // Serially the ten one-second batches would take ten seconds.
    let at = |b: &serde_json::Value| b["at"].as_u64().unwrap_or(0);
    let span_ms =
        batches.iter().map(at).max().unwrap_or(0) - batches.iter().map(at).min().unwrap_or(0);
    assert!(span_ms < 5_000, "{batches:?}");

    let unlimited = concurrent_batches(None);
    let peak = unlimited
        .iter()
        .map(|b| b["running"].as_u64().unwrap_or(0))
        .max();
    assert!(peak > Some(3), "{unlimited:?}");
}
