//! The native half of `TextEncoder` / `TextDecoder` (encoding.js) and of the body mixin's
//! text decoding: UTF-8 out, any WHATWG encoding in, on `encoding_rs`.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

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

    // Streaming decoders (`decode(bytes, { stream: true })` in an encoding other than UTF-8,
    // whose JavaScript keeps its own tail): one encoding_rs decoder per TextDecoder between its
    // first streamed chunk and the end of the stream, where it is dropped.
    let decoders: Rc<RefCell<BTreeMap<u32, encoding_rs::Decoder>>> = Rc::default();
    let next_decoder = Rc::new(Cell::new(0u32));
    let d = decoders.clone();
    ops.add("decoderNew", move |name: String, ignore_bom: bool| {
        let encoding = encoding_rs::Encoding::for_label(name.as_bytes())?;
        let decoder = match ignore_bom {
            true => encoding.new_decoder_without_bom_handling(),
            false => encoding.new_decoder_with_bom_removal(),
        };
        let id = next_decoder.get() + 1;
        next_decoder.set(id);
        d.borrow_mut().insert(id, decoder);
        Some(id)
    })?;
    let m = ops.meter.clone();
    ops.add(
        "decoderPush",
        move |id: u32, bytes: TypedArray<'js, u8>, last: bool, fatal: bool| {
            let data = copy_bytes(&bytes);
            m.charge_host(data.len());
            let mut decoders = decoders.borrow_mut();
            let text = decoders
                .get_mut(&id)
                .and_then(|decoder| decode_chunk(decoder, &data, last, fatal));
            // The end of the stream, or a failure that ends it, drops the decoder.
            if last || text.is_none() {
                decoders.remove(&id);
            }
            text
        },
    )?;
    Ok(())
}

/// One chunk through a streaming decoder: its text, or None when `fatal` and it is malformed.
fn decode_chunk(
    decoder: &mut encoding_rs::Decoder,
    data: &[u8],
    last: bool,
    fatal: bool,
) -> Option<String> {
    let mut out = String::with_capacity(decoder.max_utf8_buffer_length(data.len())?);
    if fatal {
        let (result, _) = decoder.decode_to_string_without_replacement(data, &mut out, last);
        match result {
            encoding_rs::DecoderResult::InputEmpty => Some(out),
            _ => None,
        }
    } else {
        let _ = decoder.decode_to_string(data, &mut out, last);
        Some(out)
    }
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
