//! The KV binding's calls across the op boundary: arguments arrive as JSON from web/js/70_kv.js
//! (already checked there, with workerd's messages), replies go back as plain JS values.

use rquickjs::{Array, Ctx, IntoJs, TypedArray, Value};

use crate::storage::kv::{KvEntry, KvOp, KvReply};

pub fn parse(args: &str, value: Option<Vec<u8>>) -> Result<KvOp, serde_json::Error> {
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

pub fn reply_to_js<'js>(ctx: &Ctx<'js>, reply: KvReply) -> rquickjs::Result<Value<'js>> {
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
