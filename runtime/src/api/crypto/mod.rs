//! `crypto` and `crypto.subtle` (crypto.js, subtle.js). This is the native half of
//! `crypto.subtle`: key import and export, sign and
//! verify, encrypt and decrypt, key derivation and generation, on RustCrypto. JavaScript keeps
//! each key's material in one canonical form — raw bytes for secret keys, PKCS#8 DER for private
//! keys, SPKI DER for public keys — and hands it back with every operation.
//!
//! Errors carry the DOMException name and workerd's text (crypto.c++, hmac.c++, aes.c++, …).

mod asymmetric;
mod ec;
pub(crate) mod gcm;
pub mod jwk;
mod ops;
mod rsa_keys;
mod rsa_primes;
mod symmetric;
pub mod x25519;

/// `crypto.subtle`, installed when its unit loads.
pub const SUBTLE_OPS: crate::engine::catalog::OpGroup = crate::engine::catalog::OpGroup {
    name: "subtle",
    install: ops::install,
};

/// Message digests, which the core calls too (R2 checksums, Durable Object ids).
pub const DIGEST_OPS: crate::engine::catalog::OpGroup = crate::engine::catalog::OpGroup {
    name: "digest",
    install: ops::install_digest,
};

use serde::Deserialize;

/// A failed operation: `new DOMException(message, name)` (or a `TypeError` when `name` is
/// `TypeError`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name}: {message}")]
pub struct CryptoError {
    pub name: &'static str,
    pub message: String,
}

pub type CryptoResult<T> = Result<T, CryptoError>;

pub fn err<T>(name: &'static str, message: impl Into<String>) -> CryptoResult<T> {
    Err(CryptoError {
        name,
        message: message.into(),
    })
}

pub fn data_error<T>(message: impl Into<String>) -> CryptoResult<T> {
    err("DataError", message)
}

pub fn operation_error<T>(message: impl Into<String>) -> CryptoResult<T> {
    err("OperationError", message)
}

/// The parameters of an operation, normalised by JavaScript (binary fields base64).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Params {
    pub name: String,
    pub hash: Option<String>,
    pub length: Option<u32>,
    pub named_curve: Option<String>,
    pub salt_length: Option<u32>,
    pub iv: Option<String>,
    pub counter: Option<String>,
    pub additional_data: Option<String>,
    pub tag_length: Option<u32>,
    pub label: Option<String>,
    pub salt: Option<String>,
    pub info: Option<String>,
    pub iterations: Option<u32>,
    pub modulus_length: Option<u32>,
    pub public_exponent: Option<String>,
}

pub fn b64(field: &Option<String>) -> CryptoResult<Option<Vec<u8>>> {
    use base64::Engine;
    match field {
        None => Ok(None),
        Some(text) => base64::engine::general_purpose::STANDARD
            .decode(text)
            .map(Some)
            .or_else(|_| err("TypeError", "internal: bad base64 parameter")),
    }
}

/// What a key is: for JavaScript's `CryptoKey.type` and `algorithm` (and back, for export).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct KeyInfo {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub named_curve: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modulus_length: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_exponent: Option<Vec<u8>>,
    /// Secret keys: the key length in bits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length: Option<u32>,
}

/// A key in canonical form.
pub struct Key {
    pub info: KeyInfo,
    pub material: Vec<u8>,
}

/// Key data as it comes to `importKey`: bytes, or a parsed JSON Web Key.
#[allow(clippy::large_enum_variant)] // one per call, matched at once: boxing buys nothing
pub enum KeyData<'a> {
    Bytes(&'a [u8]),
    Jwk(jwk::Jwk),
}

fn is_symmetric(alg: &str) -> bool {
    matches!(
        alg,
        "HMAC" | "AES-GCM" | "AES-CBC" | "AES-CTR" | "AES-KW" | "PBKDF2" | "HKDF"
    )
}

/// `importKey(format, data, algorithm)`: the key in canonical form.
pub fn import(params: &Params, format: &str, data: KeyData<'_>) -> CryptoResult<Key> {
    if is_symmetric(&params.name) {
        symmetric::import(params, format, data)
    } else {
        asymmetric::import(params, format, data)
    }
}

/// `exportKey(format, key)`: bytes, or a JWK.
#[allow(clippy::large_enum_variant)] // one per call, matched at once: boxing buys nothing
pub enum Exported {
    Bytes(Vec<u8>),
    Jwk(jwk::Jwk),
}

pub fn export(
    params: &Params,
    info: &KeyInfo,
    format: &str,
    material: &[u8],
) -> CryptoResult<Exported> {
    if is_symmetric(&params.name) {
        symmetric::export(params, format, material)
    } else {
        asymmetric::export(params, info, format, material)
    }
}

pub fn sign(
    params: &Params,
    key_params: &Params,
    material: &[u8],
    data: &[u8],
    rng: &mut dyn FnMut(&mut [u8]),
) -> CryptoResult<Vec<u8>> {
    match params.name.as_str() {
        "HMAC" => symmetric::hmac(key_params.hash.as_deref().unwrap_or(""), material, data),
        _ => asymmetric::sign(params, key_params, material, data, rng),
    }
}

pub fn verify(
    params: &Params,
    key_params: &Params,
    material: &[u8],
    signature: &[u8],
    data: &[u8],
) -> CryptoResult<bool> {
    match params.name.as_str() {
        "HMAC" => {
            let mac = symmetric::hmac(key_params.hash.as_deref().unwrap_or(""), material, data)?;
            Ok(mac.len() == signature.len()
                && mac.iter().zip(signature).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0)
        }
        _ => asymmetric::verify(params, key_params, material, signature, data),
    }
}

pub fn encrypt(
    params: &Params,
    key_params: &Params,
    material: &[u8],
    data: &[u8],
    decrypt: bool,
    rng: &mut dyn FnMut(&mut [u8]),
) -> CryptoResult<Vec<u8>> {
    match params.name.as_str() {
        "RSA-OAEP" => asymmetric::oaep(params, key_params, material, data, decrypt, rng),
        _ => symmetric::aes(params, material, data, decrypt),
    }
}

/// `deriveBits(algorithm, key, length)`; `peer` is the other party's public key (ECDH).
pub fn derive_bits(
    params: &Params,
    material: &[u8],
    peer: Option<&[u8]>,
    length: Option<u32>,
) -> CryptoResult<Vec<u8>> {
    match params.name.as_str() {
        "ECDH" | "X25519" => asymmetric::ecdh(params, material, peer, length),
        _ => symmetric::derive_bits(params, material, length),
    }
}

/// A generated key: one secret key, or (private, public).
pub enum Generated {
    Secret(Key),
    Pair(Key, Key),
}

pub fn generate(params: &Params, rng: &mut dyn FnMut(&mut [u8])) -> CryptoResult<Generated> {
    if is_symmetric(&params.name) {
        symmetric::generate(params, rng).map(Generated::Secret)
    } else {
        asymmetric::generate(params, rng)
    }
}

/// The digest of `hash` (`SHA-1`, `SHA-256`, …) over `data`, or workerd's error.
pub fn digest_of(hash: &str, data: &[u8]) -> CryptoResult<Vec<u8>> {
    match crate::digest::DigestAlgorithm::from_webcrypto_name(hash) {
        Some(algorithm) => Ok(algorithm.digest(data)),
        None => err(
            "NotSupportedError",
            "Unrecognized or unimplemented digest algorithm requested.",
        ),
    }
}

/// Random bytes for key generation and RSA padding, from the host's (seeded) source, as the
/// RNG traits the RustCrypto crates ask for.
pub struct HostRng<'a>(pub &'a mut dyn FnMut(&mut [u8]));

/// Runs `f` with the randomness of the isolate's host, which follows the run's seed.
pub fn with_host_rng<T>(
    io: &crate::engine::catalog::Io,
    f: impl FnOnce(&mut HostRng<'_>) -> T,
) -> T {
    let host = io.borrow().host.clone();
    let mut fill = |buf: &mut [u8]| host.fill_random(buf);
    f(&mut HostRng(&mut fill))
}

impl rand_core06::RngCore for HostRng<'_> {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        (self.0)(&mut b);
        u32::from_le_bytes(b)
    }
    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        (self.0)(&mut b);
        u64::from_le_bytes(b)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        (self.0)(dest)
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core06::Error> {
        (self.0)(dest);
        Ok(())
    }
}

impl rand_core06::CryptoRng for HostRng<'_> {}

impl rand_core10::TryRng for HostRng<'_> {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(rand_core06::RngCore::next_u32(self))
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(rand_core06::RngCore::next_u64(self))
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Self::Error> {
        (self.0)(dest);
        Ok(())
    }
}

impl rand_core10::TryCryptoRng for HostRng<'_> {}
