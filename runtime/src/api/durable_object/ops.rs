//! Native functions behind Durable Objects (durable_object.js): storage calls that
//! answer from the object's cache or start a read, writes into the cache, the
//! `blockConcurrencyWhile` bracket, calls to other objects, and the answers an object call
//! gives back.
//!
//! A storage call returns either `[value]` (answered now, from the cache) or the id of an
//! operation JavaScript awaits with `awaitOp`.

use rquickjs::{Ctx, Exception, IntoJs, TypedArray, Value};

use crate::engine::catalog::OpSet;
use crate::engine::cpu::PS_PER_SQL_STEP;
use crate::engine::durable_object::storage::{ListOptions, StorageAnswer};
use crate::engine::event_loop::OpOutcome;
use crate::engine::ops::{charge_or_stop, copy_bytes, outcome_to_js, service_call, stored_text};
use crate::host::{CallKind, ObjectCall};
use crate::invocation::ResetReason;
use crate::storage::durable::{ObjectAddress, StorageError};
use crate::storage::sql::{SQL_INTERRUPTED, Savepoint, SqlAnswer, SqlCall, SqlCursor, SqlValue};

/// `ctx.storage.kv`: synchronous reads of a SQLite-backed object's own database (its writes
/// are `storagePut`'s). A failed read resets the object and throws.
fn install_sync_kv<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let throw = |ctx: &Ctx<'js>, e: StorageError| Exception::throw_message(ctx, &e.to_string());
    let i = ops.io.clone();
    ops.add(
        "storageKvGet",
        move |ctx: Ctx<'js>, key: String| -> rquickjs::Result<Option<String>> {
            let outcome = i.borrow_mut().storage_now(|o| o.get(vec![key], true));
            match outcome.map_err(|e| throw(&ctx, e))? {
                OpOutcome::Entries(entries) => {
                    Ok(entries.into_iter().next().map(|(_, v)| stored_text(v)))
                }
                _ => Ok(None),
            }
        },
    )?;
    let i = ops.io.clone();
    ops.add(
        "storageKvDelete",
        move |ctx: Ctx<'js>, key: String| -> rquickjs::Result<bool> {
            let mut io = i.borrow_mut();
            io.make_kv_table();
            let outcome = io.storage_now(|o| o.delete(vec![key], false));
            match outcome.map_err(|e| throw(&ctx, e))? {
                OpOutcome::Count(n) => Ok(n > 0),
                _ => Ok(false),
            }
        },
    )?;
    let i = ops.io.clone();
    ops.add(
        "storageKvNext",
        move |ctx: Ctx<'js>,
              options: String,
              after: Option<String>|
              -> rquickjs::Result<Option<Vec<String>>> {
            let options: ListOptions = serde_json::from_str(&options).map_err(|e| {
                Exception::throw_type(&ctx, &format!("internal: bad list options: {e}"))
            })?;
            let mut io = i.borrow_mut();
            io.storage_now(|o| o.load_all())
                .map_err(|e| throw(&ctx, e))?;
            let next = io
                .object_mut()
                .and_then(|o| o.next_listed(&options, after.as_deref()));
            Ok(next.map(|(k, v)| vec![k, stored_text(v)]))
        },
    )?;
    Ok(())
}

fn answer<'js>(ctx: &Ctx<'js>, answer: StorageAnswer) -> rquickjs::Result<Value<'js>> {
    match answer {
        StorageAnswer::Later(id) => Ok(Value::new_number(ctx.clone(), id as f64)),
        StorageAnswer::Now(outcome) => {
            let (_, value) = outcome_to_js(ctx, outcome)?;
            vec![value].into_js(ctx)
        }
    }
}

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let io = ops.io.clone();

    let i = io.clone();
    ops.add(
        "storageGet",
        move |ctx: Ctx<'js>,
              keys: Vec<String>,
              allow_concurrency: bool|
              -> rquickjs::Result<Value<'js>> {
            let a = i.borrow_mut().storage(|o| o.get(keys, allow_concurrency));
            answer(&ctx, a)
        },
    )?;
    let i = io.clone();
    ops.add(
        "storagePut",
        move |entries: Vec<Vec<String>>, allow_unconfirmed: bool| {
            let entries = entries
                .into_iter()
                .filter_map(|p| <[String; 2]>::try_from(p).ok())
                .map(|[k, v]| (k, v.into_bytes()))
                .collect();
            let mut io = i.borrow_mut();
            io.make_kv_table();
            if let Some(object) = io.object_mut() {
                object.put(entries, allow_unconfirmed);
            }
        },
    )?;
    let i = io.clone();
    ops.add(
        "storageDelete",
        move |ctx: Ctx<'js>,
              keys: Vec<String>,
              allow_unconfirmed: bool|
              -> rquickjs::Result<Value<'js>> {
            let mut io = i.borrow_mut();
            io.make_kv_table();
            let a = io.storage(|o| o.delete(keys, allow_unconfirmed));
            answer(&ctx, a)
        },
    )?;
    let i = io.clone();
    ops.add(
        "storageList",
        move |ctx: Ctx<'js>,
              options: String,
              allow_concurrency: bool|
              -> rquickjs::Result<Value<'js>> {
            let options: ListOptions = serde_json::from_str(&options).map_err(|e| {
                Exception::throw_type(&ctx, &format!("internal: bad list options: {e}"))
            })?;
            let a = i
                .borrow_mut()
                .storage(|o| o.list(options, allow_concurrency));
            answer(&ctx, a)
        },
    )?;
    install_sync_kv(ops)?;
    let i = io.clone();
    ops.add("storageDeleteAll", move || {
        if let Some(object) = i.borrow_mut().object_mut() {
            object.delete_all();
        }
    })?;
    let i = io.clone();
    ops.add(
        "storageGetAlarm",
        move |ctx: Ctx<'js>| -> rquickjs::Result<Value<'js>> {
            let a = i.borrow_mut().storage(|o| o.get_alarm());
            answer(&ctx, a)
        },
    )?;
    let i = io.clone();
    ops.add("storageSetAlarm", move |at_ms: Option<f64>| {
        if let Some(object) = i.borrow_mut().object_mut() {
            object.set_alarm(at_ms.map(|ms| ms.max(0.0) as u64));
        }
    })?;
    let i = io.clone();
    ops.add(
        "storageSync",
        move |ctx: Ctx<'js>| -> rquickjs::Result<Value<'js>> {
            let a = i.borrow_mut().storage(|o| o.sync());
            answer(&ctx, a)
        },
    )?;

    let i = io.clone();
    ops.add(
        "blockConcurrencyEnter",
        move |ctx: Ctx<'js>| -> rquickjs::Result<()> {
            i.borrow_mut()
                .block_concurrency_enter()
                .map_err(|e| Exception::throw_message(&ctx, &e.to_string()))
        },
    )?;
    let i = io.clone();
    ops.add("blockConcurrencyExit", move || {
        if let Some(object) = i.borrow_mut().object_mut() {
            object.exit_block();
        }
    })?;
    let i = io.clone();
    ops.add("currentInvocation", move || {
        i.borrow().current.map(|id| id as f64)
    })?;
    let i = io.clone();
    ops.add("currentObject", move || i.borrow().current_object)?;
    let i = io.clone();
    ops.add("resetObject", move |reason: String| {
        i.borrow_mut().break_object(ResetReason::Aborted(reason))
    })?;

    let i = io.clone();
    ops.add(
        "sqlExec",
        move |ctx: Ctx<'js>,
              query: String,
              bindings: Vec<Value<'js>>|
              -> rquickjs::Result<Value<'js>> {
            let bindings = bindings
                .iter()
                .map(sql_value_from_js)
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| Exception::throw_type(&ctx, "internal: unconverted SQL binding"))?;
            let meter = i.borrow().meter.clone();
            let steps_max = meter.budget_left_ps() / PS_PER_SQL_STEP;
            let answer = i.borrow_mut().object_sql(SqlCall::Exec {
                query,
                bindings,
                steps_max,
            });
            // The statements ran on the isolate's CPU: charged, and stopped at its limit.
            let spent_ps = match &answer {
                Ok(SqlAnswer::Cursor(cursor)) => {
                    Some(cursor.vm_steps.saturating_mul(PS_PER_SQL_STEP))
                }
                Err(e) if e.0 == SQL_INTERRUPTED => Some(meter.budget_left_ps()),
                _ => None,
            };
            if let Some(spent_ps) = spent_ps {
                meter.charge_picos(spent_ps);
                charge_or_stop(&ctx, &meter, 0)?;
            }
            match answer {
                Ok(SqlAnswer::Cursor(cursor)) => cursor_to_js(&ctx, cursor),
                Ok(_) => Ok(Value::new_undefined(ctx.clone())),
                Err(e) => Err(Exception::throw_message(&ctx, &e.0)),
            }
        },
    )?;
    let i = io.clone();
    ops.add("sqlSize", move |ctx: Ctx<'js>| -> rquickjs::Result<f64> {
        match i.borrow_mut().object_sql(SqlCall::Size) {
            Ok(SqlAnswer::Size(n)) => Ok(n as f64),
            Ok(_) => Ok(0.0),
            Err(e) => Err(Exception::throw_message(&ctx, &e.0)),
        }
    })?;
    let i = io.clone();
    ops.add(
        "sqlSavepoint",
        move |ctx: Ctx<'js>, step: String| -> rquickjs::Result<()> {
            let step = match step.as_str() {
                "begin" => Savepoint::Begin,
                "release" => Savepoint::Release,
                _ => Savepoint::Rollback,
            };
            match i.borrow_mut().object_sql(SqlCall::Savepoint(step)) {
                Ok(_) => Ok(()),
                Err(e) => Err(Exception::throw_message(&ctx, &e.0)),
            }
        },
    )?;

    let i = io.clone();
    ops.add(
        "objectFetch",
        move |ctx: Ctx<'js>,
              target: Vec<Option<String>>,
              method: String,
              url: String,
              headers: Vec<String>,
              body: Option<TypedArray<'js, u8>>|
              -> rquickjs::Result<f64> {
            let request = crate::engine::ops::request_from_js(method, url, headers, body);
            call(&ctx, &i, target, CallKind::Fetch(request))
        },
    )?;
    let i = io;
    ops.add(
        "objectRpc",
        move |ctx: Ctx<'js>,
              target: Vec<Option<String>>,
              stub: Option<String>,
              method: String,
              args: Option<String>|
              -> rquickjs::Result<f64> {
            let kind = i.borrow().rpc_call(stub, method, args);
            call(&ctx, &i, target, kind)
        },
    )?;
    Ok(())
}

/// A binding as 80_durable_object.js normalised it: number, string, null or Uint8Array.
pub(crate) fn sql_value_from_js(value: &Value<'_>) -> Option<SqlValue> {
    if value.is_null() || value.is_undefined() {
        return Some(SqlValue::Null);
    }
    if let Some(n) = value.as_number() {
        return Some(SqlValue::Real(n));
    }
    if let Some(s) = value.as_string() {
        return s.to_string().ok().map(SqlValue::Text);
    }
    let bytes = TypedArray::<u8>::from_value(value.clone()).ok()?;
    Some(SqlValue::Blob(copy_bytes(&bytes)))
}

/// `[columnNames, rows, rowsRead, rowsWritten]`.
fn cursor_to_js<'js>(ctx: &Ctx<'js>, cursor: SqlCursor) -> rquickjs::Result<Value<'js>> {
    let result = rquickjs::Array::new(ctx.clone())?;
    result.set(0, cursor.columns)?;
    result.set(1, rows_to_js(ctx, cursor.rows)?)?;
    result.set(2, cursor.rows_read as f64)?;
    result.set(3, cursor.rows_written as f64)?;
    Ok(result.into_value())
}

/// Rows as arrays; integers become numbers (precision lost past 2^53, as in workerd), blobs
/// ArrayBuffers.
pub(crate) fn rows_to_js<'js>(
    ctx: &Ctx<'js>,
    rows: Vec<Vec<SqlValue>>,
) -> rquickjs::Result<rquickjs::Array<'js>> {
    let out = rquickjs::Array::new(ctx.clone())?;
    for (r, row) in rows.into_iter().enumerate() {
        let values = rquickjs::Array::new(ctx.clone())?;
        for (c, value) in row.into_iter().enumerate() {
            let v = match value {
                SqlValue::Null => Value::new_null(ctx.clone()),
                SqlValue::Integer(i) => Value::new_number(ctx.clone(), i as f64),
                SqlValue::Real(f) => Value::new_number(ctx.clone(), f),
                SqlValue::Text(t) => t.into_js(ctx)?,
                SqlValue::Blob(b) => rquickjs::ArrayBuffer::new(ctx.clone(), b)?.into_value(),
            };
            values.set(c, v)?;
        }
        out.set(r, values)?;
    }
    Ok(out)
}

/// Sends a call to a Durable Object through the host (behind this isolate's output gate).
/// `target` is the stub's `[namespace, id, name, locationHint]`.
fn call(
    ctx: &Ctx<'_>,
    io: &crate::engine::catalog::Io,
    target: Vec<Option<String>>,
    kind: CallKind,
) -> rquickjs::Result<f64> {
    let mut target = target.into_iter().chain(std::iter::repeat(None));
    let (namespace, id, name, location_hint) = (
        target.next().flatten(),
        target.next().flatten(),
        target.next().flatten(),
        target.next().flatten(),
    );
    let (Some(namespace), Some(id)) = (namespace, id) else {
        return Err(Exception::throw_type(ctx, "internal: bad object address"));
    };
    let call = ObjectCall {
        address: ObjectAddress { namespace, id },
        name,
        location_hint,
        kind,
    };
    service_call(ctx, io, |host| {
        Box::pin(async move { OpOutcome::from_call(host.call_object(call).await) })
    })
}
