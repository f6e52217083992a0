//! The native half of node:crypto (crypto.js): Node's hash names over RustCrypto (digest, HMAC,
//! PBKDF2, HKDF, scrypt), and AES as the cipher objects need it: the raw block function (which
//! crypto.js chains into CBC, ECB and CTR, so `update` hands out output as Node's does) and GCM's
//! tag (crate::api::crypto's GCM, which takes IVs of any length).

use aes::cipher::generic_array::GenericArray;
use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use hmac::{Mac, SimpleHmac};
use rquickjs::{Array, Ctx, TypedArray, Value};
use sha2::Digest;
use sha2::digest::core_api::BlockSizeUser;

use crate::api::crypto::gcm::{counter0, gcm};
use crate::engine::catalog::OpSet;
use crate::engine::ops::{charge_or_stop, copy_bytes};

/// An error a native half of node:crypto reports to JavaScript to throw: its class and text.
pub(super) trait NativeError: std::fmt::Display {
    /// The JavaScript class it is thrown as.
    fn class(&self) -> &'static str {
        "Error"
    }
}

/// `[true, value]`, or `[false, class, message]` (crypto_primes.js's `nativeAnswer` throws it).
pub(super) fn answer<'js, E: NativeError>(
    ctx: &Ctx<'js>,
    result: Result<Value<'js>, E>,
) -> rquickjs::Result<Value<'js>> {
    let out = Array::new(ctx.clone())?;
    match result {
        Ok(value) => {
            out.set(0, true)?;
            out.set(1, value)?;
        }
        Err(e) => {
            out.set(0, false)?;
            out.set(1, e.class())?;
            out.set(2, e.to_string())?;
        }
    }
    Ok(out.into_value())
}

/// [`answer`] for bytes.
pub(super) fn answer_bytes<'js, E: NativeError>(
    ctx: &Ctx<'js>,
    result: Result<Vec<u8>, E>,
) -> rquickjs::Result<Value<'js>> {
    let value = match result {
        Ok(bytes) => Ok(TypedArray::<u8>::new(ctx.clone(), bytes)?.into_value()),
        Err(e) => Err(e),
    };
    answer(ctx, value)
}

/// The hashes node:crypto accepts, by Node's lower-case names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NodeHash {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Sha512_224,
    Sha512_256,
}

impl NodeHash {
    pub(super) fn from_name(name: &str) -> Option<NodeHash> {
        let name = name.to_ascii_lowercase();
        let name = name.strip_prefix("rsa-").unwrap_or(&name);
        Some(match name {
            "md5" => NodeHash::Md5,
            "sha1" | "sha-1" => NodeHash::Sha1,
            "sha224" | "sha-224" => NodeHash::Sha224,
            "sha256" | "sha-256" => NodeHash::Sha256,
            "sha384" | "sha-384" => NodeHash::Sha384,
            "sha512" | "sha-512" => NodeHash::Sha512,
            "sha512-224" => NodeHash::Sha512_224,
            "sha512-256" => NodeHash::Sha512_256,
            _ => return None,
        })
    }
}

/// Runs `$body` with `$D` bound to the digest type of `$hash`.
macro_rules! with_digest {
    ($hash:expr, $D:ident => $body:expr) => {
        match $hash {
            NodeHash::Md5 => {
                type $D = md5::Md5;
                $body
            }
            NodeHash::Sha1 => {
                type $D = sha1::Sha1;
                $body
            }
            NodeHash::Sha224 => {
                type $D = sha2::Sha224;
                $body
            }
            NodeHash::Sha256 => {
                type $D = sha2::Sha256;
                $body
            }
            NodeHash::Sha384 => {
                type $D = sha2::Sha384;
                $body
            }
            NodeHash::Sha512 => {
                type $D = sha2::Sha512;
                $body
            }
            NodeHash::Sha512_224 => {
                type $D = sha2::Sha512_224;
                $body
            }
            NodeHash::Sha512_256 => {
                type $D = sha2::Sha512_256;
                $body
            }
        }
    };
}
pub(super) use with_digest;

fn digest(hash: NodeHash, data: &[u8]) -> Vec<u8> {
    with_digest!(hash, D => D::digest(data).to_vec())
}

fn hmac_of<D: Digest + BlockSizeUser>(key: &[u8], data: &[u8]) -> Vec<u8> {
    match <SimpleHmac<D> as Mac>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        }
        // An HMAC takes a key of any length.
        Err(_) => Vec::new(),
    }
}

fn hmac(hash: NodeHash, key: &[u8], data: &[u8]) -> Vec<u8> {
    with_digest!(hash, D => hmac_of::<D>(key, data))
}

fn pbkdf2(hash: NodeHash, password: &[u8], salt: &[u8], rounds: u32, length: usize) -> Vec<u8> {
    let mut out = vec![0u8; length];
    with_digest!(hash, D => pbkdf2::pbkdf2::<SimpleHmac<D>>(password, salt, rounds, &mut out)).ok();
    out
}

fn hkdf(hash: NodeHash, ikm: &[u8], salt: &[u8], info: &[u8], length: usize) -> Option<Vec<u8>> {
    let mut out = vec![0u8; length];
    let ok = with_digest!(hash, D => hkdf::SimpleHkdf::<D>::new(Some(salt), ikm).expand(info, &mut out).is_ok());
    ok.then_some(out)
}

/// scrypt with cost `n` (a power of two above 1), or None when the parameters are refused.
fn scrypt(password: &[u8], salt: &[u8], n: u64, r: u32, p: u32, length: usize) -> Option<Vec<u8>> {
    if n < 2 || !n.is_power_of_two() {
        return None;
    }
    let params = scrypt::Params::new(n.trailing_zeros() as u8, r, p, length.max(10)).ok()?;
    let mut out = vec![0u8; length];
    scrypt::scrypt(password, salt, &params, &mut out).ok()?;
    Some(out)
}

/// AES on whole 16-byte blocks, each on its own (ECB): the block function the modes chain.
fn aes_blocks(key: &[u8], data: &[u8], decrypt: bool) -> Option<Vec<u8>> {
    fn run<C: KeyInit + BlockEncrypt + BlockDecrypt>(
        key: &[u8],
        data: &[u8],
        decrypt: bool,
    ) -> Option<Vec<u8>> {
        let cipher = C::new_from_slice(key).ok()?;
        let mut out = data.to_vec();
        for block in out.chunks_exact_mut(16) {
            let block = GenericArray::from_mut_slice(block);
            if decrypt {
                cipher.decrypt_block(block);
            } else {
                cipher.encrypt_block(block);
            }
        }
        Some(out)
    }
    if !data.len().is_multiple_of(16) {
        return None;
    }
    match key.len() {
        16 => run::<aes::Aes128>(key, data, decrypt),
        24 => run::<aes::Aes192>(key, data, decrypt),
        32 => run::<aes::Aes256>(key, data, decrypt),
        _ => None,
    }
}

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let bytes =
        |ctx: Ctx<'js>, v: Option<Vec<u8>>| -> rquickjs::Result<Option<TypedArray<'js, u8>>> {
            v.map(|v| TypedArray::new(ctx, v)).transpose()
        };
    let m = ops.meter.clone();
    ops.add(
        "nodeDigest",
        move |ctx: Ctx<'js>, name: String, data: TypedArray<'js, u8>| {
            let data = copy_bytes(&data);
            m.charge_host(data.len());
            bytes(ctx, NodeHash::from_name(&name).map(|h| digest(h, &data)))
        },
    )?;
    let m = ops.meter.clone();
    ops.add(
        "nodeHmac",
        move |ctx: Ctx<'js>, name: String, key: TypedArray<'js, u8>, data: TypedArray<'js, u8>| {
            let (key, data) = (copy_bytes(&key), copy_bytes(&data));
            m.charge_host(key.len() + data.len());
            bytes(
                ctx,
                NodeHash::from_name(&name).map(|h| hmac(h, &key, &data)),
            )
        },
    )?;
    let m = ops.meter.clone();
    ops.add(
        "nodePbkdf2",
        move |ctx: Ctx<'js>,
              name: String,
              password: TypedArray<'js, u8>,
              salt: TypedArray<'js, u8>,
              rounds: u32,
              length: usize| {
            let (password, salt) = (copy_bytes(&password), copy_bytes(&salt));
            // Each round hashes twice over a block or two.
            let work = (rounds as usize)
                .saturating_mul(256)
                .saturating_mul(length.div_ceil(32).max(1));
            charge_or_stop(&ctx, &m, work)?;
            bytes(
                ctx,
                NodeHash::from_name(&name).map(|h| pbkdf2(h, &password, &salt, rounds, length)),
            )
        },
    )?;
    let m = ops.meter.clone();
    ops.add(
        "nodeHkdf",
        move |ctx: Ctx<'js>,
              name: String,
              ikm: TypedArray<'js, u8>,
              salt: TypedArray<'js, u8>,
              info: TypedArray<'js, u8>,
              length: usize| {
            let (ikm, salt, info) = (copy_bytes(&ikm), copy_bytes(&salt), copy_bytes(&info));
            m.charge_host(ikm.len() + salt.len() + info.len() + length);
            bytes(
                ctx,
                NodeHash::from_name(&name).and_then(|h| hkdf(h, &ikm, &salt, &info, length)),
            )
        },
    )?;
    let m = ops.meter.clone();
    ops.add(
        "nodeScrypt",
        move |ctx: Ctx<'js>,
              password: TypedArray<'js, u8>,
              salt: TypedArray<'js, u8>,
              n: f64,
              r: u32,
              p: u32,
              length: usize| {
            let (password, salt) = (copy_bytes(&password), copy_bytes(&salt));
            // scrypt's work is 128·N·r bytes of mixing, p times, in 128·N·r bytes of memory: more
            // memory than an isolate may have is refused rather than taken from the host.
            let work = 128.0 * n * f64::from(r) * f64::from(p);
            charge_or_stop(&ctx, &m, work.min(usize::MAX as f64) as usize)?;
            let memory = 128.0 * n * f64::from(r);
            if memory > crate::limits::MEMORY_BYTES_DEFAULT as f64 {
                return bytes(ctx, None);
            }
            bytes(ctx, scrypt(&password, &salt, n as u64, r, p, length))
        },
    )?;
    let m = ops.meter.clone();
    ops.add(
        "nodeAesBlocks",
        move |ctx: Ctx<'js>, key: TypedArray<'js, u8>, data: TypedArray<'js, u8>, decrypt: bool| {
            let (key, data) = (copy_bytes(&key), copy_bytes(&data));
            m.charge_host(data.len());
            bytes(ctx, aes_blocks(&key, &data, decrypt))
        },
    )?;
    ops.add(
        "nodeGcmCounter0",
        move |ctx: Ctx<'js>, key: TypedArray<'js, u8>, iv: TypedArray<'js, u8>| {
            let (key, iv) = (copy_bytes(&key), copy_bytes(&iv));
            bytes(ctx, counter0(&key, &iv).ok().map(|j0| j0.to_vec()))
        },
    )?;
    let m = ops.meter.clone();
    ops.add(
        "nodeAesGcm",
        move |ctx: Ctx<'js>,
              key: TypedArray<'js, u8>,
              iv: TypedArray<'js, u8>,
              aad: TypedArray<'js, u8>,
              data: TypedArray<'js, u8>,
              decrypt: bool| {
            let (key, iv, aad, data) = (
                copy_bytes(&key),
                copy_bytes(&iv),
                copy_bytes(&aad),
                copy_bytes(&data),
            );
            m.charge_host(data.len() + aad.len());
            // A wrong tag (or key length) is one failure to JavaScript: `Authentication failed`.
            bytes(ctx, gcm(&key, &iv, &aad, &data, 16, decrypt).ok())
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6070's first PBKDF2-HMAC-SHA1 vector; RFC 7914's scrypt vector 2 (N=1024, r=8, p=16).
    #[test]
    fn key_derivations_give_their_rfc_vectors() {
        assert_eq!(
            crate::digest::hex(&pbkdf2(NodeHash::Sha1, b"password", b"salt", 1, 20)),
            "0c60c80f961f0e71f3a9b524af6012062fe037a6"
        );
        let derived = scrypt(b"password", b"NaCl", 1024, 8, 16, 64).unwrap_or_default();
        assert_eq!(
            &crate::digest::hex(&derived)[..32],
            "fdbabe1c9d3472007856e7190d01e9fe"
        );
        assert_eq!(scrypt(b"pw", b"s", 3, 8, 1, 16), None);
    }

    #[test]
    fn names_are_nodes_with_or_without_rsa_and_in_any_case() {
        assert_eq!(NodeHash::from_name("RSA-SHA256"), Some(NodeHash::Sha256));
        assert_eq!(
            NodeHash::from_name("sha512-256"),
            Some(NodeHash::Sha512_256)
        );
        assert_eq!(NodeHash::from_name("whirlpool"), None);
        assert_eq!(
            crate::digest::hex(&digest(NodeHash::Sha224, b"abc"))[..8].to_string(),
            "23097d22"
        );
    }
}
