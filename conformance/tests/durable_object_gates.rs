//! semantics.md §5.1–5.2: a Durable Object's input and output gates. Concurrent calls reach
//! one instance; a storage-only read-modify-write is atomic, an awaited timer or fetch between
//! read and write lets other calls in; nothing leaves the object before the writes made before
//! it are confirmed; a failed write drops what was held and resets the object.

use std::rc::Rc;

use edgesim_conformance::{Run, object_json, object_json_with};
use edgesim_runtime::HttpResponse;
use serde_json::json;

/// The counter methods the tests race: `inc` reads then writes with only storage in between;
/// `incAfter(kind)` waits on a timer or a fetch between the read and the write.
const COUNTER: &str = r#"
  async inc() {
    const n = (await this.ctx.storage.get("n")) ?? 0;
    await this.ctx.storage.put("n", n + 1);
    return n + 1;
  }
  async incAfter(kind) {
    const n = (await this.ctx.storage.get("n")) ?? 0;
    if (kind === "timer") await new Promise((r) => setTimeout(r, 5));
    else await fetch("https://origin.example/");
    await this.ctx.storage.put("n", n + 1);
    return n + 1;
  }
  async read() { return (await this.ctx.storage.get("n")) ?? 0; }
"#;

fn with_origin() -> Run {
    Run {
        origins: Some(Rc::new(|_| {
            Some(HttpResponse {
                status: 200,
                status_text: "OK".into(),
                headers: vec![],
                body: b"ok".to_vec(),
                web_socket: None,
            })
        })),
        ..Default::default()
    }
}

#[test]
fn do_concurrent_get_put_increments_never_lose_an_update() {
    let v = object_json(
        &Run::default(),
        COUNTER,
        "const results = await Promise.all(Array.from({ length: 20 }, () => stub.inc()));
         return { results: results.sort((a, b) => a - b), final: await stub.read() };",
    );
    let all: Vec<u64> = (1..=20).collect();
    assert_eq!(v, json!({ "results": all, "final": 20 }));
}

/// The final count after 10 concurrent `incAfter(kind)` calls.
fn count_after_interleaving(run: &Run, kind: &str) -> u64 {
    let v = object_json(
        run,
        COUNTER,
        &format!(
            "await Promise.all(Array.from({{ length: 10 }}, () => stub.incAfter('{kind}')));
             return await stub.read();"
        ),
    );
    v.as_u64().unwrap_or(0)
}

#[test]
fn do_awaited_timer_between_read_and_write_lets_updates_be_lost() {
    let n = count_after_interleaving(&Run::default(), "timer");
    assert!(
        (1..10).contains(&n),
        "10 increments interleaved at the timer must lose some: got {n}"
    );
}

#[test]
fn do_awaited_fetch_between_read_and_write_lets_updates_be_lost() {
    let n = count_after_interleaving(&with_origin(), "fetch");
    assert!(
        (1..10).contains(&n),
        "10 increments interleaved at the fetch must lose some: got {n}"
    );
}

/// The caller's clock moves only across I/O, so the difference between two calls is exactly
/// the simulated time the object's answer was held.
#[test]
fn do_response_is_held_until_its_write_is_confirmed() {
    let run = Run::with_commit_ms(40);
    let v = object_json(
        &run,
        r#"
        async nothing() { return 1; }
        async write() { this.ctx.storage.put("k", 1); return 1; }
        async unconfirmed() { this.ctx.storage.put("u", 1, { allowUnconfirmed: true }); return 1; }
        async synced() { this.ctx.storage.put("s", 1, { allowUnconfirmed: true }); await this.ctx.storage.sync(); return 1; }
        "#,
        "await stub.nothing();
         const time = async (f) => { const t = Date.now(); await f(); return Date.now() - t; };
         return {
           nothing: await time(() => stub.nothing()),
           write: await time(() => stub.write()),
           synced: await time(() => stub.synced()),
           unconfirmed: await time(() => stub.unconfirmed()),
         };",
    );
    let base = v["nothing"].as_u64().unwrap_or(0);
    assert_eq!(v["write"].as_u64(), Some(base + 40), "{v}");
    assert_eq!(v["unconfirmed"].as_u64(), Some(base), "{v}");
    assert_eq!(v["synced"].as_u64(), Some(base + 40), "{v}");
}

/// A platform whose first Durable Object commit fails (a storage fault).
fn first_commit_fails() -> Run {
    Run {
        setup: Some(Rc::new(|p| p.objects.fail_next_commits(1))),
        ..Default::default()
    }
}

#[test]
fn do_failed_write_drops_the_held_response_and_resets_the_object() {
    let v = object_json(
        &first_commit_fails(),
        r#"
        constructor(ctx, env) { super(ctx, env); this.memory = "fresh"; }
        async write() { this.memory = "touched"; this.ctx.storage.put("k", "v"); return "written"; }
        async state() { return { memory: this.memory, k: (await this.ctx.storage.get("k")) ?? null }; }
        "#,
        "let first;
         try { first = await stub.write(); } catch (e) { first = `${e.constructor.name}: ${e.message}`; }
         return { first, after: await stub.state() };",
    );
    assert_eq!(
        v,
        json!({
            "first": "Error: Internal error in Durable Object storage caused object to be reset.",
            "after": { "memory": "fresh", "k": null },
        })
    );
}

/// SQL shares the turn's transaction with the KV API: a failed commit takes both back, while a
/// confirmed earlier turn's rows stay.
#[test]
fn do_sql_written_in_a_turn_whose_commit_fails_is_rolled_back() {
    // The first commit carries the constructor's CREATE TABLE and add("kept"); add("lost")'s fails.
    let run = Run {
        setup: Some(Rc::new(|p| p.objects.fail_commits_after(1, 1))),
        ..Default::default()
    };
    let v = object_json_with(
        &run,
        r#"
        constructor(ctx, env) {
          super(ctx, env);
          ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS t (x TEXT)");
        }
        async add(x) {
          this.ctx.storage.sql.exec("INSERT INTO t VALUES (?)", x);
          this.ctx.storage.put(x, 1);
          return x;
        }
        async rows() {
          return {
            sql: this.ctx.storage.sql.exec("SELECT x FROM t ORDER BY x").toArray().map((r) => r.x),
            kv: [...(await this.ctx.storage.list()).keys()],
          };
        }
        "#,
        "const out = [];
         out.push(await stub.add('kept'));
         try { out.push(await stub.add('lost')); } catch (e) { out.push(e.message); }
         out.push(await stub.rows());
         return out;",
        true,
    );
    assert_eq!(
        v,
        json!([
            "kept",
            "Internal error in Durable Object storage caused object to be reset.",
            { "sql": ["kept"], "kv": ["kept"] },
        ])
    );
}

#[test]
fn do_puts_without_await_between_them_commit_atomically() {
    let v = object_json(
        &first_commit_fails(),
        r#"
        async two() { this.ctx.storage.put("a", 1); this.ctx.storage.put("b", 2); return "ok"; }
        async both() { return [...(await this.ctx.storage.get(["a", "b"]))]; }
        "#,
        "let failed;
         try { await stub.two(); } catch (e) { failed = e.message; }
         const afterFailure = await stub.both();
         await stub.two();
         return { failed, afterFailure, afterSuccess: await stub.both() };",
    );
    assert_eq!(
        v,
        json!({
            "failed": "Internal error in Durable Object storage caused object to be reset.",
            "afterFailure": [],
            "afterSuccess": [["a", 1], ["b", 2]],
        })
    );
}

#[test]
fn do_block_concurrency_while_in_constructor_holds_every_call_until_it_finishes() {
    let v = object_json(
        &Run::default(),
        r#"
        constructor(ctx, env) {
          super(ctx, env);
          this.seen = [];
          ctx.blockConcurrencyWhile(async () => {
            await new Promise((r) => setTimeout(r, 50));
            this.ready = true;
          });
        }
        async probe(i) { this.seen.push(i); return this.ready === true; }
        "#,
        "return await Promise.all([1, 2, 3].map((i) => stub.probe(i)));",
    );
    assert_eq!(v, json!([true, true, true]));
}

#[test]
fn do_block_concurrency_while_that_throws_resets_the_object() {
    let v = object_json(
        &Run::default(),
        r#"
        constructor(ctx, env) { super(ctx, env); this.generation = (globalThis.generation = (globalThis.generation ?? 0) + 1); }
        async fail() {
          await this.ctx.blockConcurrencyWhile(async () => { throw new Error("init failed"); });
        }
        async gen() { return this.generation; }
        "#,
        "let e; try { await stub.fail(); } catch (x) { e = x.message; }
         return { e, generation: await stub.gen() };",
    );
    // The reset discards the isolate, so the next call constructs the object in a new one.
    assert_eq!(v, json!({ "e": "Error: init failed", "generation": 1 }));
}

#[test]
fn do_block_concurrency_while_times_out_after_30_seconds() {
    let v = object_json(
        &Run::default(),
        r#"
        async hang() {
          await this.ctx.blockConcurrencyWhile(() => new Promise((r) => setTimeout(r, 40000)));
          return "finished";
        }
        "#,
        "const t = Date.now();
         let e; try { await stub.hang(); } catch (x) { e = x.message; }
         return { e, waited_s: Math.round((Date.now() - t) / 1000) };",
    );
    assert_eq!(
        v,
        json!({
            "e": "A call to blockConcurrencyWhile() in a Durable Object waited for too long. The call was canceled and the Durable Object was reset.",
            "waited_s": 30,
        })
    );
}
