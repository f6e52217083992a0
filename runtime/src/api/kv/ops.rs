//! The native half of a KV binding (kv.js): arguments arrive as JSON (already checked there,
//! with workerd's messages) and go to the namespace through the host; replies go back as plain
//! JS values.

use rquickjs::{Array, Ctx, Exception, IntoJs, TypedArray, Value};

use crate::engine::catalog::OpSet;
use crate::engine::event_loop::OpOutcome;
use crate::engine::ops::{copy_bytes, service_call};
use crate::storage::kv::{KvEntry, KvOp, KvReply};

fn parse(args: &str, value: Option<Vec<u8>>) -> Result<KvOp, serde_json::Error> {
    let mut op: KvOp = serde_json::from_str(args)?;
    if let (KvOp::Put { value: slot, .. }, Some(bytes)) = (&mut op, value) {
        *slot = bytes;
    }
    Ok(op)
}

/// `[bytes, metadataJson | null]` for a found entry, `null` for a missing one.
fn entry_to_js<'js>(ctx: &Ctx<'js>, entry: Option<KvEntry>) -> rquickjs::Result<Value<'js>> {
    let Some(e) = entry else {
        return Ok(Value::new_null(ctx.clone()));
    };
    let arr = Array::new(ctx.clone())?;
    arr.set(0, TypedArray::<u8>::new(ctx.clone(), e.value)?)?;
    arr.set(1, e.metadata)?;
    Ok(arr.into_value())
}

fn reply_to_js<'js>(ctx: &Ctx<'js>, reply: KvReply) -> rquickjs::Result<Value<'js>> {
    match reply {
        KvReply::Value(entry) => entry_to_js(ctx, entry),
        KvReply::Bulk(entries) => {
            let arr = Array::new(ctx.clone())?;
            for (i, (key, entry)) in entries.into_iter().enumerate() {
                let pair = Array::new(ctx.clone())?;
                pair.set(0, key)?;
                pair.set(1, entry_to_js(ctx, entry)?)?;
                arr.set(i, pair)?;
            }
            Ok(arr.into_value())
        }
        KvReply::List(list) => {
            // keys as [name, expiration | null, metadataJson | null]
            let keys = Array::new(ctx.clone())?;
            for (i, k) in list.keys.into_iter().enumerate() {
                let row = Array::new(ctx.clone())?;
                row.set(0, k.name)?;
                row.set(1, k.expiration.map(|e| e as f64))?;
                row.set(2, k.metadata)?;
                keys.set(i, row)?;
            }
            let out = Array::new(ctx.clone())?;
            out.set(0, keys)?;
            out.set(1, list.list_complete)?;
            out.set(2, list.cursor)?;
            Ok(out.into_value())
        }
        KvReply::Written { .. } => ().into_js(ctx),
    }
}

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let i = ops.io.clone();
    ops.add(
        "kv",
        move |ctx: Ctx<'js>,
              namespace: String,
              args: String,
              value: Option<TypedArray<'js, u8>>|
              -> rquickjs::Result<f64> {
            let op = parse(&args, value.map(|v| copy_bytes(&v)))
                .map_err(|e| Exception::throw_type(&ctx, &format!("internal: bad KV call: {e}")))?;
            service_call(&ctx, &i, |host| {
                Box::pin(async move {
                    match host.kv(&namespace, op).await {
                        Ok(reply) => OpOutcome::reply(move |ctx| reply_to_js(ctx, reply)),
                        Err(e) => OpOutcome::error(e),
                    }
                })
            })
        },
    )?;
    Ok(())
}
