//! node:crypto's `publicEncrypt`, `privateDecrypt`, `privateEncrypt` and `publicDecrypt` over the
//! `rsa` crate, with workerd's paddings (PKCS#1 v1.5, OAEP with any of Node's hashes and a
//! label of any bytes, none) and its failures, in the order BoringSSL meets them: the hash
//! named, then the padding, then the label, then the operation itself.

use rquickjs::{Ctx, TypedArray, Value};
use rsa::hazmat::{rsa_decrypt_and_check, rsa_encrypt};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, Pkcs1v15Encrypt, Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};

use super::crypto::{NativeError, NodeHash, answer_bytes, with_digest};
use crate::api::crypto::{HostRng, with_host_rng};
use crate::engine::catalog::OpSet;
use crate::engine::ops::{charge_or_stop, copy_bytes};

const PKCS1_PADDING: u32 = 1;
const NO_PADDING: u32 = 3;
const OAEP_PADDING: u32 = 4;

/// The four operations, by what the key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RsaCipher {
    PublicEncrypt,
    PrivateDecrypt,
    /// PKCS#1 v1.5 signature padding (type 1) over the data as given: a raw signature.
    PrivateEncrypt,
    PublicDecrypt,
}

impl RsaCipher {
    fn from_name(name: &str) -> Option<RsaCipher> {
        Some(match name {
            "publicEncrypt" => RsaCipher::PublicEncrypt,
            "privateDecrypt" => RsaCipher::PrivateDecrypt,
            "privateEncrypt" => RsaCipher::PrivateEncrypt,
            "publicDecrypt" => RsaCipher::PublicDecrypt,
            _ => return None,
        })
    }

    fn private(self) -> bool {
        matches!(self, RsaCipher::PrivateDecrypt | RsaCipher::PrivateEncrypt)
    }

    /// Encryption and decryption take OAEP too; the signing pair only PKCS#1 or none.
    fn takes(self, padding: u32) -> bool {
        match self {
            RsaCipher::PublicEncrypt | RsaCipher::PrivateDecrypt => {
                matches!(padding, PKCS1_PADDING | NO_PADDING | OAEP_PADDING)
            }
            RsaCipher::PrivateEncrypt | RsaCipher::PublicDecrypt => {
                matches!(padding, PKCS1_PADDING | NO_PADDING)
            }
        }
    }
}

/// workerd's texts, each an `Error`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RsaCipherError {
    #[error("publicEncrypt() currently only supports RSA keys")]
    NotRsa,
    #[error("Unsupported hash digest")]
    Hash,
    #[error("Failed to set the padding")]
    Padding,
    #[error("Failed to set the OAEP label")]
    Label,
    #[error("Failed to cipher/decipher")]
    Cipher,
}

impl NativeError for RsaCipherError {}

/// What one call asks: the key (PKCS#8 for the private operations, SPKI for the public ones),
/// the padding, the OAEP hash (empty: none named) and label.
pub struct RsaRequest<'a> {
    pub cipher: RsaCipher,
    pub der: &'a [u8],
    pub padding: u32,
    pub hash: &'a str,
    pub label: Option<&'a [u8]>,
}

enum RsaKey {
    Public(RsaPublicKey),
    Private(Box<RsaPrivateKey>),
}

/// The host work of one RSA operation with a `bits`-bit modulus: cubic for the private key's
/// exponent (about 1 ms at 2048 bits), quadratic for the small public one.
pub fn rsa_work(bits: usize, private: bool) -> usize {
    if private {
        bits * bits * bits / 8192
    } else {
        bits * bits / 128
    }
}

/// Runs `request` on `data`; `charge` is told the work once the key's size is known.
pub fn run(
    rng: &mut HostRng<'_>,
    request: &RsaRequest<'_>,
    data: &[u8],
    charge: &mut dyn FnMut(usize),
) -> Result<Vec<u8>, RsaCipherError> {
    let key = if request.cipher.private() {
        RsaPrivateKey::from_pkcs8_der(request.der)
            .map(|k| RsaKey::Private(Box::new(k)))
            .ok()
    } else {
        RsaPublicKey::from_public_key_der(request.der)
            .map(RsaKey::Public)
            .ok()
    }
    .ok_or(RsaCipherError::NotRsa)?;
    let hash = match request.hash {
        "" => None,
        name => Some(NodeHash::from_name(name).ok_or(RsaCipherError::Hash)?),
    };
    if !request.cipher.takes(request.padding) {
        return Err(RsaCipherError::Padding);
    }
    if request.label.is_some() && request.padding != OAEP_PADDING {
        return Err(RsaCipherError::Label);
    }
    let oaep = Oaep {
        hash: hash.unwrap_or(NodeHash::Sha1),
        label: request.label.unwrap_or_default(),
    };
    let n = match &key {
        RsaKey::Public(k) => k.n().clone(),
        RsaKey::Private(k) => k.n().clone(),
    };
    let size = n.bits().div_ceil(8);
    charge(rsa_work(size * 8, request.cipher.private()));
    let result = match (request.cipher, key, request.padding) {
        (RsaCipher::PublicEncrypt, RsaKey::Public(k), PKCS1_PADDING) => {
            k.encrypt(rng, Pkcs1v15Encrypt, data)
        }
        (RsaCipher::PublicEncrypt, RsaKey::Public(k), OAEP_PADDING) => {
            (oaep.encode(rng, data, size)).and_then(|em| raw(&em, &n, |m| rsa_encrypt(&k, m)))
        }
        (RsaCipher::PrivateDecrypt, RsaKey::Private(k), PKCS1_PADDING) => {
            k.decrypt(Pkcs1v15Encrypt, data)
        }
        (RsaCipher::PrivateDecrypt, RsaKey::Private(k), OAEP_PADDING) => {
            raw(data, &n, |m| rsa_decrypt_and_check(&*k, Some(&mut *rng), m))
                .and_then(|em| oaep.decode(&em))
        }
        (RsaCipher::PrivateEncrypt, RsaKey::Private(k), PKCS1_PADDING) => {
            k.sign(Pkcs1v15Sign::new_unprefixed(), data)
        }
        (RsaCipher::PublicDecrypt, RsaKey::Public(k), PKCS1_PADDING) => recover_signed(&k, data),
        (RsaCipher::PublicEncrypt | RsaCipher::PublicDecrypt, RsaKey::Public(k), NO_PADDING) => {
            raw(data, &n, |m| rsa_encrypt(&k, m))
        }
        (RsaCipher::PrivateDecrypt | RsaCipher::PrivateEncrypt, RsaKey::Private(k), NO_PADDING) => {
            raw(data, &n, |m| rsa_decrypt_and_check(&*k, Some(&mut *rng), m))
        }
        _ => return Err(RsaCipherError::Padding),
    };
    result.map_err(|_| RsaCipherError::Cipher)
}

/// RFC 8017's EME-OAEP with MGF1 over the same hash, as OpenSSL pads it for Node. Written here
/// because the `rsa` crate takes a label as text only, and Node's may be any bytes.
struct Oaep<'a> {
    hash: NodeHash,
    label: &'a [u8],
}

impl Oaep<'_> {
    fn hash_len(&self) -> usize {
        with_digest!(self.hash, D => <D as sha2::Digest>::output_size())
    }

    fn label_hash(&self) -> Vec<u8> {
        with_digest!(self.hash, D => <D as sha2::Digest>::digest(self.label).to_vec())
    }

    /// The `size`-byte encoded message carrying `message` (`00 ‖ maskedSeed ‖ maskedDB`).
    fn encode(&self, rng: &mut HostRng<'_>, message: &[u8], size: usize) -> rsa::Result<Vec<u8>> {
        let h_len = self.hash_len();
        let room = size
            .checked_sub(2 * h_len + 2)
            .ok_or(rsa::Error::MessageTooLong)?;
        if message.len() > room {
            return Err(rsa::Error::MessageTooLong);
        }
        let mut db = self.label_hash();
        db.resize(size - h_len - 1 - message.len() - 1, 0);
        db.push(1);
        db.extend_from_slice(message);
        let mut seed = vec![0u8; h_len];
        (rng.0)(&mut seed);
        xor_into(&mut db, &mgf1(self.hash, &seed, size - h_len - 1));
        xor_into(&mut seed, &mgf1(self.hash, &db, h_len));
        let mut em = Vec::with_capacity(size);
        em.push(0);
        em.extend_from_slice(&seed);
        em.extend_from_slice(&db);
        Ok(em)
    }

    /// The message encoded message `em` carries, if it is an OAEP encoding under this label.
    fn decode(&self, em: &[u8]) -> rsa::Result<Vec<u8>> {
        let h_len = self.hash_len();
        let (Some((&0, rest)), true) = (em.split_first(), em.len() >= 2 * h_len + 2) else {
            return Err(rsa::Error::Decryption);
        };
        let (masked_seed, masked_db) = rest.split_at(h_len);
        let mut seed = masked_seed.to_vec();
        xor_into(&mut seed, &mgf1(self.hash, masked_db, h_len));
        let mut db = masked_db.to_vec();
        xor_into(&mut db, &mgf1(self.hash, &seed, masked_db.len()));
        let (label_hash, padded) = db.split_at(h_len);
        let zeros = padded.iter().take_while(|b| **b == 0).count();
        match padded.get(zeros) {
            Some(1) if label_hash == self.label_hash() => Ok(padded[zeros + 1..].to_vec()),
            _ => Err(rsa::Error::Decryption),
        }
    }
}

fn xor_into(target: &mut [u8], mask: &[u8]) {
    target.iter_mut().zip(mask).for_each(|(t, m)| *t ^= m);
}

/// RSA without padding: the input must be exactly the modulus' size and below it; the output is
/// as long.
fn raw(
    data: &[u8],
    n: &BigUint,
    op: impl FnOnce(&BigUint) -> rsa::Result<BigUint>,
) -> rsa::Result<Vec<u8>> {
    let size = n.bits().div_ceil(8);
    let m = BigUint::from_bytes_be(data);
    if data.len() != size || &m >= n {
        return Err(rsa::Error::Decryption);
    }
    let out = op(&m)?.to_bytes_be();
    let mut padded = vec![0u8; size.saturating_sub(out.len())];
    padded.extend_from_slice(&out);
    Ok(padded)
}

/// The data a PKCS#1 v1.5 type 1 block carries (`00 01 FF… 00 data`), from its signature.
fn recover_signed(key: &RsaPublicKey, signature: &[u8]) -> rsa::Result<Vec<u8>> {
    let block = raw(signature, key.n(), |s| rsa_encrypt(key, s))?;
    let Some(rest) = block.strip_prefix(&[0x00, 0x01]) else {
        return Err(rsa::Error::Verification);
    };
    let filler = rest.iter().take_while(|b| **b == 0xff).count();
    match rest.get(filler) {
        Some(0) if filler >= 8 => Ok(rest[filler + 1..].to_vec()),
        _ => Err(rsa::Error::Verification),
    }
}

/// The salt length of the RSA-PSS signature `signature` by the key `spki`, read from the encoded
/// message it opens to (for a `saltLength` left to detection, as OpenSSL detects it); None if it
/// is no PSS encoding with `hash`.
pub fn pss_salt_length(spki: &[u8], signature: &[u8], hash: NodeHash) -> Option<usize> {
    let key = RsaPublicKey::from_public_key_der(spki).ok()?;
    let em_bits = key.n().bits().checked_sub(1)?;
    let em_len = em_bits.div_ceil(8);
    let opened = rsa_encrypt(&key, &BigUint::from_bytes_be(signature))
        .ok()?
        .to_bytes_be();
    let mut em = vec![0u8; em_len.checked_sub(opened.len())?];
    em.extend_from_slice(&opened);
    let h_len = with_digest!(hash, D => <D as sha2::Digest>::output_size());
    if em_len < h_len + 2 || em.last() != Some(&0xbc) {
        return None;
    }
    let (masked, rest) = em.split_at(em_len - h_len - 1);
    let mask = mgf1(hash, &rest[..h_len], masked.len());
    let mut db: Vec<u8> = masked.iter().zip(&mask).map(|(a, b)| a ^ b).collect();
    db[0] &= 0xff >> (8 * em_len - em_bits);
    let one = db.iter().position(|b| *b != 0)?;
    (db[one] == 1).then(|| db.len() - one - 1)
}

/// RFC 8017's MGF1: `len` bytes of `hash(seed ‖ counter)`.
fn mgf1(hash: NodeHash, seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    let mut counter = 0u32;
    while out.len() < len {
        let block = with_digest!(hash, D => {
            use sha2::Digest;
            D::new().chain_update(seed).chain_update(counter.to_be_bytes()).finalize().to_vec()
        });
        out.extend_from_slice(&block);
        counter += 1;
    }
    out.truncate(len);
    out
}

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    ops.add(
        "nodePssSaltLength",
        |spki: TypedArray<'js, u8>, signature: TypedArray<'js, u8>, hash: String| -> i64 {
            NodeHash::from_name(&hash)
                .and_then(|h| pss_salt_length(&copy_bytes(&spki), &copy_bytes(&signature), h))
                .map_or(-1, |n| n as i64)
        },
    )?;
    let (m, io) = (ops.meter.clone(), ops.io.clone());
    ops.add(
        "nodeRsaCipher",
        move |ctx: Ctx<'js>,
              cipher: String,
              der: TypedArray<'js, u8>,
              data: TypedArray<'js, u8>,
              padding: u32,
              hash: String,
              label: Option<TypedArray<'js, u8>>| {
            let (der, data) = (copy_bytes(&der), copy_bytes(&data));
            let label = label.map(|l| copy_bytes(&l));
            let Some(cipher) = RsaCipher::from_name(&cipher) else {
                return Ok::<_, rquickjs::Error>(Value::new_null(ctx));
            };
            let request = RsaRequest {
                cipher,
                der: &der,
                padding,
                hash: &hash,
                label: label.as_deref(),
            };
            let mut charge = |work: usize| m.charge_host(work.saturating_add(data.len()));
            let result = with_host_rng(&io, |rng| run(rng, &request, &data, &mut charge));
            charge_or_stop(&ctx, &m, 0)?;
            answer_bytes(&ctx, result)
        },
    )?;
    Ok(())
}
