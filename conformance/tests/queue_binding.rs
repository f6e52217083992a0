//! semantics.md §6: Queues — the producer's checks and texts, batching, acknowledgement,
//! retries with `attempts`, the dead-letter queue, and at-least-once redelivery when the
//! consumer throws.

use edgesim_conformance::{Run, body_json, get};
use edgesim_runtime::worker::{WorkerDefinition, WranglerConfig};
use serde_json::json;

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
          const list = await env.KV.list({ prefix: 'batch:' });
          const out = [];
          for (const k of list.keys) out.push(JSON.parse(await env.KV.get(k.name)));
          return Response.json(out);
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
    WorkerDefinition::from_sources(config, "w.js", &[("w.js", source)])
}

/// `"<Class>: <message>"` of what `code` throws inside a fetch handler with `env.Q` bound.
fn thrown(code: &str) -> String {
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
    let x = Run::default()
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
