//! The `subtle` op: one entry point for every `crypto.subtle` operation (this folder's Rust), so
//! the JavaScript side (subtle.js) stays a thin layer of argument checks.
//!
//! `ops.subtle(method, argsJson, a, b, c)` answers `[true, metaJson, bytes, bytes2]` or
//! `[false, errorName, message]`; binary inputs and outputs never pass through JSON.

use rquickjs::{Ctx, IntoJs, TypedArray, Value};
use serde::Deserialize;

use super::{self as crypto, CryptoError, Exported, Generated, KeyData, KeyInfo, Params};
use crate::digest::DigestAlgorithm;
use crate::engine::catalog::OpSet;
use crate::engine::ops::{charge_or_stop, copy_bytes};

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Args {
    params: Params,
    /// The key's own algorithm (its hash, curve, …).
    key_params: Params,
    /// The key's type and curve, for export.
    key_info: KeyInfo,
    format: String,
    length: Option<u32>,
}

/// What an operation hands back: metadata (JSON) and up to two byte strings.
type Answer = (String, Option<Vec<u8>>, Option<Vec<u8>>);

fn key_answer(k: crypto::Key) -> Answer {
    (
        serde_json::to_string(&k.info).unwrap_or_default(),
        Some(k.material),
        None,
    )
}

fn run(
    method: &str,
    args: Args,
    a: Option<Vec<u8>>,
    b: Option<Vec<u8>>,
    c: Option<Vec<u8>>,
    rng: &mut dyn FnMut(&mut [u8]),
) -> Result<Answer, CryptoError> {
    let a = a.unwrap_or_default();
    let b = b.unwrap_or_default();
    let bytes = |v: Vec<u8>| -> Answer { (String::new(), Some(v), None) };
    match method {
        "import" => {
            let data = if args.format == "jwk" {
                let jwk: crypto::jwk::Jwk = serde_json::from_slice(&a).or_else(|_| {
                    crypto::data_error("Missing \"kty\" field or corrupt JSON Web Key.")
                })?;
                KeyData::Jwk(jwk)
            } else {
                KeyData::Bytes(&a)
            };
            crypto::import(&args.params, &args.format, data).map(key_answer)
        }
        "export" => match crypto::export(&args.key_params, &args.key_info, &args.format, &a)? {
            Exported::Bytes(v) => Ok(bytes(v)),
            Exported::Jwk(j) => Ok((serde_json::to_string(&j).unwrap_or_default(), None, None)),
        },
        "sign" => crypto::sign(&args.params, &args.key_params, &a, &b, rng).map(bytes),
        "verify" => {
            let ok = crypto::verify(
                &args.params,
                &args.key_params,
                &a,
                &c.unwrap_or_default(),
                &b,
            )?;
            Ok((ok.to_string(), None, None))
        }
        "encrypt" | "decrypt" => crypto::encrypt(
            &args.params,
            &args.key_params,
            &a,
            &b,
            method == "decrypt",
            rng,
        )
        .map(bytes),
        "deriveBits" => {
            let mut params = args.params;
            params.named_curve = params.named_curve.or(args.key_params.named_curve.clone());
            crypto::derive_bits(&params, &a, c.as_deref(), args.length).map(bytes)
        }
        "generate" => match crypto::generate(&args.params, rng)? {
            Generated::Secret(k) => Ok(key_answer(k)),
            Generated::Pair(private, public) => Ok((
                serde_json::to_string(&[&private.info, &public.info]).unwrap_or_default(),
                Some(private.material),
                Some(public.material),
            )),
        },
        other => crypto::err(
            "TypeError",
            format!("internal: unknown subtle method {other}"),
        ),
    }
}

/// Host work (in bytes, as charged) of generating an RSA key of `bits`: the prime search grows
/// with about the fourth power of the size; BoringSSL takes some 60 ms for 2048 bits. Charged
/// before the work, so a key the CPU limit cannot afford stops the Worker without being made.
fn rsa_generation_work(bits: Option<u32>) -> usize {
    let bits = bits.unwrap_or(0).clamp(256, 16384) as f64;
    (60_000_000.0 * (bits / 2048.0).powi(4)) as usize
}

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let io = ops.io.clone();
    ops.add_named(
        "subtle",
        move |ctx: Ctx<'js>,
              method: String,
              args: String,
              a: Option<TypedArray<'js, u8>>,
              b: Option<TypedArray<'js, u8>>,
              c: Option<TypedArray<'js, u8>>|
              -> rquickjs::Result<Value<'js>> {
            let bytes = |t: Option<TypedArray<'js, u8>>| t.map(|t| copy_bytes(&t));
            let (a, b, c) = (bytes(a), bytes(b), bytes(c));
            let parsed: Args = serde_json::from_str(&args).unwrap_or_default();
            let mut work = a.as_ref().map_or(0, Vec::len) + b.as_ref().map_or(0, Vec::len);
            if method == "deriveBits" && parsed.params.name == "PBKDF2" {
                // Each round hashes twice over a block or two, for each block of output.
                let blocks = parsed.length.unwrap_or(256).div_ceil(256).max(1) as usize;
                let rounds = parsed.params.iterations.unwrap_or(0) as usize;
                work = work.saturating_add(rounds.saturating_mul(256).saturating_mul(blocks));
            }
            if method == "generate" && parsed.params.name.starts_with("RSA") {
                work = work.saturating_add(rsa_generation_work(parsed.params.modulus_length));
            }
            let io = io.clone();
            let meter = io.borrow().meter.clone();
            charge_or_stop(&ctx, &meter, work)?;
            let host = io.borrow().host.clone();
            let mut rng = |buf: &mut [u8]| host.fill_random(buf);
            let out = rquickjs::Array::new(ctx.clone())?;
            match run(&method, parsed, a, b, c, &mut rng) {
                Ok((meta, first, second)) => {
                    out.set(0, true)?;
                    out.set(1, meta)?;
                    if let Some(v) = first {
                        out.set(2, TypedArray::<u8>::new(ctx.clone(), v)?)?;
                    }
                    if let Some(v) = second {
                        out.set(3, TypedArray::<u8>::new(ctx.clone(), v)?)?;
                    }
                }
                Err(e) => {
                    out.set(0, false)?;
                    out.set(1, e.name)?;
                    out.set(2, e.message)?;
                }
            }
            out.into_js(&ctx)
        },
    )
}

pub fn install_digest<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let m = ops.meter.clone();
    ops.add(
        "digest",
        move |ctx: Ctx<'js>,
              alg: String,
              data: TypedArray<'js, u8>|
              -> rquickjs::Result<Option<TypedArray<'js, u8>>> {
            let data = copy_bytes(&data);
            m.charge_host(data.len());
            match DigestAlgorithm::from_webcrypto_name(&alg) {
                Some(algorithm) => Ok(Some(TypedArray::new(ctx, algorithm.digest(&data))?)),
                None => Ok(None),
            }
        },
    )?;

    Ok(())
}
