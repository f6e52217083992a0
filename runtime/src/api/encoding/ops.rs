//! The native half of `TextEncoder` / `TextDecoder` (encoding.js) and of the body mixin's
//! text decoding: UTF-8 out, any WHATWG encoding in, on `encoding_rs`.

use rquickjs::{Ctx, TypedArray};

use crate::engine::catalog::OpSet;
use crate::engine::ops::copy_bytes;

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    ops.add("encodeUtf8", move |ctx: Ctx<'js>, s: String| {
        TypedArray::<u8>::new(ctx, s.into_bytes())
    })?;
    ops.add("encodingName", |label: String| encoding_name(&label))?;
    let m = ops.meter.clone();
    ops.add(
        "decode",
        move |name: String, bytes: TypedArray<'js, u8>, fatal: bool, ignore_bom: bool| {
            let data = copy_bytes(&bytes);
            m.charge_host(data.len());
            decode(&name, &data, fatal, ignore_bom)
        },
    )?;

    Ok(())
}

fn encoding_name(label: &str) -> Option<String> {
    let encoding = encoding_rs::Encoding::for_label(label.trim().as_bytes())?;
    if encoding == encoding_rs::REPLACEMENT {
        return None;
    }
    Some(encoding.name().to_ascii_lowercase())
}

fn decode(name: &str, data: &[u8], fatal: bool, ignore_bom: bool) -> Option<String> {
    let encoding = encoding_rs::Encoding::for_label(name.as_bytes())?;
    let data = if ignore_bom {
        data
    } else {
        match encoding_rs::Encoding::for_bom(data) {
            Some((bom_encoding, len)) if bom_encoding == encoding => &data[len..],
            _ => data,
        }
    };
    if fatal {
        encoding
            .decode_without_bom_handling_and_without_replacement(data)
            .map(|s| s.into_owned())
    } else {
        Some(encoding.decode_without_bom_handling(data).0.into_owned())
    }
}
