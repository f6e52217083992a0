//! The KV binding's calls across the op boundary: arguments arrive as JSON from web/js/70_kv.js
//! (already checked there, with workerd's messages), replies go back as plain JS values.

use rquickjs::{Array, Ctx, IntoJs, TypedArray, Value};
use serde::Deserialize;

use crate::storage::kv::{KvEntry, KvOp, KvReply};

#[derive(Deserialize)]
#[serde(tag = "op", rename_all = "camelCase", rename_all_fields = "camelCase")]
enum Args {
    Get {
        key: String,
        cache_ttl: Option<i64>,
    },
    GetBulk {
        keys: Vec<String>,
        cache_ttl: Option<i64>,
    },
    Put {
        key: String,
        metadata: Option<String>,
        expiration: Option<i64>,
        expiration_ttl: Option<i64>,
    },
    Delete {
        key: String,
    },
    List {
        prefix: Option<String>,
        limit: Option<i64>,
        cursor: Option<String>,
    },
}

pub fn parse(args: &str, value: Option<Vec<u8>>) -> Result<KvOp, serde_json::Error> {
    Ok(match serde_json::from_str(args)? {
        Args::Get { key, cache_ttl } => KvOp::Get { key, cache_ttl },
        Args::GetBulk { keys, cache_ttl } => KvOp::GetBulk { keys, cache_ttl },
        Args::Put {
            key,
            metadata,
            expiration,
            expiration_ttl,
        } => KvOp::Put {
            key,
            value: value.unwrap_or_default(),
            metadata,
            expiration,
            expiration_ttl,
        },
        Args::Delete { key } => KvOp::Delete { key },
        Args::List {
            prefix,
            limit,
            cursor,
        } => KvOp::List {
            prefix,
            limit,
            cursor,
        },
    })
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
        KvReply::Done => ().into_js(ctx),
    }
}
