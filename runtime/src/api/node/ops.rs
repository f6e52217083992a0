//! The native half of nodejs_compat: Node's lenient base64 and hex decoding (what
//! `Buffer.from(string, encoding)` accepts), their encoders, and what JavaScript cannot see of
//! a value (a promise's state, a proxy).

use base64::Engine as _;
use rquickjs::{Ctx, Promise, TypedArray, Value, qjs};

use crate::engine::catalog::OpSet;
use crate::engine::ops::copy_bytes;

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let m = ops.meter.clone();
    ops.add("nodeBase64Decode", move |ctx: Ctx<'js>, text: String| {
        m.charge_host(text.len());
        TypedArray::<u8>::new(ctx, base64_decode_lenient(text.as_bytes()))
    })?;
    let m = ops.meter.clone();
    ops.add(
        "nodeBase64Encode",
        move |bytes: TypedArray<'js, u8>, url: bool| -> String {
            let data = copy_bytes(&bytes);
            m.charge_host(data.len());
            if url {
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
            } else {
                base64::engine::general_purpose::STANDARD.encode(data)
            }
        },
    )?;
    let m = ops.meter.clone();
    ops.add("nodeHexDecode", move |ctx: Ctx<'js>, text: String| {
        m.charge_host(text.len());
        TypedArray::<u8>::new(ctx, hex_decode_lenient(text.as_bytes()))
    })?;
    let m = ops.meter.clone();
    ops.add(
        "nodeHexEncode",
        move |bytes: TypedArray<'js, u8>| -> String {
            let data = copy_bytes(&bytes);
            m.charge_host(data.len());
            crate::digest::hex(&data)
        },
    )?;
    ops.add(
        "promiseState",
        |ctx: Ctx<'js>, promise: Promise<'js>| -> rquickjs::Result<rquickjs::Array<'js>> {
            let raw = ctx.as_raw().as_ptr();
            // SAFETY: the context and the promise are live; JS_PromiseResult returns an owned
            // value, which `Value::from_raw` takes.
            let (state, result) = unsafe {
                let state = qjs::JS_PromiseState(raw, promise.as_raw());
                let result =
                    Value::from_raw(ctx.clone(), qjs::JS_PromiseResult(raw, promise.as_raw()));
                (state, result)
            };
            let name = match state {
                qjs::JSPromiseStateEnum_JS_PROMISE_FULFILLED => "fulfilled",
                qjs::JSPromiseStateEnum_JS_PROMISE_REJECTED => "rejected",
                _ => "pending",
            };
            let pair = rquickjs::Array::new(ctx)?;
            pair.set(0, name)?;
            pair.set(1, result)?;
            Ok(pair)
        },
    )?;
    let io = ops.io.clone();
    ops.add(
        "exitInvocation",
        move |ctx: Ctx<'js>, message: String| -> rquickjs::Result<()> {
            // As workerd does for process.exit(): the request fails with this error, its pending
            // work is dropped, and no code of it runs on (the error cannot be caught).
            {
                let mut io = io.borrow_mut();
                if let Some(id) = io.current {
                    io.fail(id, format!("Error: {message}"));
                    io.cancel_invocation(id);
                }
            }
            let error = rquickjs::Exception::from_message(ctx.clone(), &message)?;
            // SAFETY: the context and the error object are live for the call.
            unsafe { qjs::JS_SetUncatchableError(ctx.as_raw().as_ptr(), error.as_raw()) };
            Err(ctx.throw(error.into_value()))
        },
    )?;
    ops.add("isProxy", |value: Value<'js>| {
        // SAFETY: `value` is live for the call; JS_IsProxy only reads its tag and class.
        unsafe { qjs::JS_IsProxy(value.as_raw()) }
    })?;
    Ok(())
}

/// Node's base64 decoding: either alphabet, anything else skipped, stops at the first `=`.
fn base64_decode_lenient(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in text {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Node's hex decoding: pairs of hex digits until the first pair that is not one.
pub(super) fn hex_decode_lenient(text: &[u8]) -> Vec<u8> {
    let digit = |c: u8| (c as char).to_digit(16);
    text.chunks_exact(2)
        .map_while(|pair| Some((digit(pair[0])? * 16 + digit(pair[1])?) as u8))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_skips_what_is_not_base64_and_stops_at_padding() {
        assert_eq!(base64_decode_lenient(b"aGVs bG8="), b"hello");
        assert_eq!(
            base64_decode_lenient(b"aGVsbG8-_w"),
            [104, 101, 108, 108, 111, 62, 255]
        );
        assert_eq!(base64_decode_lenient(b"aGk=aGk="), b"hi");
        assert_eq!(base64_decode_lenient(b"a"), b"");
    }

    #[test]
    fn hex_stops_at_the_first_pair_that_is_not_hex() {
        assert_eq!(hex_decode_lenient(b"0aFfzz10"), [10, 255]);
        assert_eq!(hex_decode_lenient(b"abc"), [0xab]);
    }
}
