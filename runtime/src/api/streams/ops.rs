//! Ops behind CompressionStream and DecompressionStream (stream_classes.js): a native
//! codec (compression.rs) per stream, for as long as the stream lives.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use rquickjs::{Ctx, Exception, TypedArray};

use super::compression::Codec;
use crate::engine::catalog::OpSet;
use crate::engine::ops::copy_bytes;

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let meter = ops.meter.clone();
    // Compression streams: a codec per handle, for as long as its stream lives.
    let codecs: Rc<RefCell<BTreeMap<u32, Codec>>> = Rc::default();
    let next_codec = Rc::new(Cell::new(0u32));
    let c = codecs.clone();
    ops.add(
        "codecNew",
        move |ctx: Ctx<'js>, format: String, compress: bool| -> rquickjs::Result<u32> {
            let codec = Codec::new(&format, compress)
                .map_err(|e| Exception::throw_type(&ctx, &e.to_string()))?;
            let id = next_codec.get() + 1;
            next_codec.set(id);
            c.borrow_mut().insert(id, codec);
            Ok(id)
        },
    )?;
    let c = codecs.clone();
    ops.add(
        "codecPush",
        move |ctx: Ctx<'js>,
              id: u32,
              data: Option<TypedArray<'js, u8>>|
              -> rquickjs::Result<TypedArray<'js, u8>> {
            let mut codecs = c.borrow_mut();
            let codec = codecs
                .get_mut(&id)
                .ok_or_else(|| Exception::throw_type(&ctx, "internal: unknown codec"))?;
            // `null` ends the input; a codec that ended or failed is gone.
            let (out, done) = match data {
                Some(bytes) => {
                    meter.charge_host(bytes.len());
                    let out = codec.push(&copy_bytes(&bytes));
                    let failed = out.is_err();
                    (out, failed)
                }
                None => (codec.finish(), true),
            };
            if done {
                codecs.remove(&id);
            }
            let out = out.map_err(|e| Exception::throw_type(&ctx, &e.to_string()))?;
            TypedArray::new(ctx, out)
        },
    )?;
    let c = codecs;
    ops.add("codecDrop", move |id: u32| {
        c.borrow_mut().remove(&id);
    })?;

    Ok(())
}
