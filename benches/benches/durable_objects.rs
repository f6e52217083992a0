//! Durable Objects in process: an RPC call delivered to a started object and answered (the
//! object-side cost of a stub call), a storage read-modify-write through `ctx.storage`, and SQL
//! inserts and indexed selects through `ctx.storage.sql`. Storage answers at once (BenchHost),
//! so these measure the runtime, not modelled latency.

use criterion::{Criterion, criterion_group, criterion_main};
use edgesim_benches::start_worker;
use edgesim_runtime::engine::durable_object::{ObjectSlot, ObjectSpec};
use edgesim_runtime::invocation::InvocationKind;
use edgesim_runtime::storage::durable::ObjectAddress;
use edgesim_runtime::{Isolate, IsolateEvent};

const OBJECT_WORKER: &str = r#"
import { DurableObject } from "cloudflare:workers";
export class Bench extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, k TEXT, v TEXT)");
    ctx.storage.sql.exec("CREATE INDEX IF NOT EXISTS items_k ON items (k)");
    this.n = 0;
  }
  ping(x) { return x; }
  async increment() {
    const v = ((await this.ctx.storage.get("count")) ?? 0) + 1;
    await this.ctx.storage.put("count", v);
    return v;
  }
  insert() {
    this.n++;
    this.ctx.storage.sql.exec("INSERT INTO items (k, v) VALUES (?, ?)", "key" + this.n, "value " + this.n);
    return this.n;
  }
  select() {
    return this.ctx.storage.sql.exec("SELECT v FROM items WHERE k = ?", "key1").one().v;
  }
}
export default { fetch() { return new Response("ok"); } };
"#;

/// The benchmark object's isolate and the object's slot in it.
fn object() -> (Isolate, ObjectSlot) {
    let mut isolate = start_worker(OBJECT_WORKER, vec![]);
    let spec = ObjectSpec {
        address: ObjectAddress {
            namespace: "bench/Bench".into(),
            id: "0".repeat(64),
        },
        name: Some("bench".into()),
        class_name: "Bench".into(),
        sqlite: true,
        delete_all_deletes_alarm: true,
    };
    match isolate.host_object(spec) {
        Ok(slot) => (isolate, slot),
        Err(e) => panic!("the benchmark object must start: {e}"),
    }
}

/// Calls `method` with the encoded `args` and returns the encoded result.
fn call((isolate, slot): &mut (Isolate, ObjectSlot), method: &str, args: &str) -> String {
    let id = isolate.enqueue(
        *slot,
        InvocationKind::Rpc {
            stub: None,
            method: method.into(),
            args: Some(args.into()),
            caller: None,
        },
    );
    let mut value = String::new();
    while let Some(event) = futures::executor::block_on(isolate.next_event()) {
        match event {
            IsolateEvent::Returned { id: r, result } if r == id => {
                value = result.unwrap_or_else(|e| panic!("{method} threw {e:?}"));
            }
            IsolateEvent::Finished(report) if report.id == id => break,
            _ => {}
        }
    }
    value
}

fn durable_objects(c: &mut Criterion) {
    let mut isolate = object();
    assert_eq!(call(&mut isolate, "ping", r#"{"a":[1]}"#), "1");
    c.bench_function("do_rpc_round_trip", |b| {
        b.iter(|| call(&mut isolate, "ping", r#"{"a":[1]}"#))
    });
    c.bench_function("do_storage_get_put", |b| {
        b.iter(|| call(&mut isolate, "increment", r#"{"a":[]}"#))
    });
    c.bench_function("do_sql_insert", |b| {
        b.iter(|| call(&mut isolate, "insert", r#"{"a":[]}"#))
    });
    assert_eq!(call(&mut isolate, "select", r#"{"a":[]}"#), "\"value 1\"");
    c.bench_function("do_sql_indexed_select", |b| {
        b.iter(|| call(&mut isolate, "select", r#"{"a":[]}"#))
    });
}

criterion_group!(benches, durable_objects);
criterion_main!(benches);
