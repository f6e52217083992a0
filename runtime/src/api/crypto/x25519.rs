//! X25519 key agreement (the WebCrypto Secure Curves draft, as workerd's `EdDsaKey` implements
//! it in crypto/ec.c++) on curve25519-dalek's Montgomery ladder. Keys are kept as their DER
//! (RFC 8410): SPKI for public keys, PKCS #8 for private ones, like Ed25519 keys here.

use curve25519_dalek::montgomery::MontgomeryPoint;

use super::asymmetric::{OkpKey, der_error, key, okp_jwk, okp_raw, unsupported_format};
use super::jwk::{self, Jwk};
use super::{CryptoResult, Exported, Key, KeyData, KeyInfo, err, operation_error};

/// RFC 8410 §4: `SubjectPublicKeyInfo` for id-X25519 (1.3.101.110), before the 32-byte key.
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00,
];
/// RFC 8410 §7: `OneAsymmetricKey` v1 for id-X25519, before the 32-byte private key.
const PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
];

fn public_key(bytes: [u8; 32]) -> Key {
    key(
        "public",
        [&SPKI_PREFIX[..], &bytes].concat(),
        KeyInfo::default(),
    )
}

fn private_key(bytes: [u8; 32]) -> Key {
    key(
        "private",
        [&PKCS8_PREFIX[..], &bytes].concat(),
        KeyInfo::default(),
    )
}

/// The 32 key bytes after `prefix`, when `der` is exactly that encoding.
fn strip(der: &[u8], prefix: &[u8]) -> Option<[u8; 32]> {
    der.strip_prefix(prefix)
        .and_then(|rest| <[u8; 32]>::try_from(rest).ok())
}

fn public_of(private: [u8; 32]) -> [u8; 32] {
    MontgomeryPoint::mul_base_clamped(private).to_bytes()
}

/// The SPKI of the public key of the private key in `pkcs8`, if that is an X25519 key.
pub fn spki_of_pkcs8(pkcs8: &[u8]) -> Option<Vec<u8>> {
    let private = strip(pkcs8, &PKCS8_PREFIX)?;
    Some([&SPKI_PREFIX[..], &public_of(private)].concat())
}

/// Whether `der` is an X25519 public key's SPKI.
pub fn is_spki(der: &[u8]) -> bool {
    strip(der, &SPKI_PREFIX).is_some()
}

pub fn import(format: &str, data: KeyData<'_>) -> CryptoResult<Key> {
    match (format, data) {
        ("spki", KeyData::Bytes(b)) => {
            strip(b, &SPKI_PREFIX).map_or_else(|| der_error("SPKI"), |k| Ok(public_key(k)))
        }
        ("pkcs8", KeyData::Bytes(b)) => {
            strip(b, &PKCS8_PREFIX).map_or_else(|| der_error("PKCS8"), |k| Ok(private_key(k)))
        }
        ("raw", KeyData::Bytes(b)) => Ok(public_key(okp_raw(b, "X25519")?)),
        ("jwk", KeyData::Jwk(j)) => match okp_jwk(&j, "X25519")? {
            OkpKey::Private(d) => Ok(private_key(d)),
            OkpKey::Public(x) => Ok(public_key(x)),
        },
        (format, _) => unsupported_format(format),
    }
}

pub fn export(kind: &str, format: &str, material: &[u8]) -> CryptoResult<Exported> {
    let private = strip(material, &PKCS8_PREFIX);
    let public = match private {
        Some(p) => public_of(p),
        None => strip(material, &SPKI_PREFIX).map_or_else(|| der_error("SPKI"), Ok)?,
    };
    match (format, kind) {
        ("spki", "public") | ("pkcs8", "private") => Ok(Exported::Bytes(material.to_vec())),
        ("raw", "public") => Ok(Exported::Bytes(public.to_vec())),
        ("jwk", _) => Ok(Exported::Jwk(Jwk {
            kty: "OKP".into(),
            crv: Some("X25519".into()),
            x: Some(jwk::encode(&public)),
            d: private.map(|p| jwk::encode(&p)),
            ext: Some(true),
            ..Default::default()
        })),
        _ => err(
            "InvalidAccessError",
            "Asymmetric X25519 keys can only be exported in a format matching their type.",
        ),
    }
}

/// A new key pair: (private, public).
pub fn generate(rng: &mut dyn FnMut(&mut [u8])) -> (Key, Key) {
    let mut secret = [0u8; 32];
    rng(&mut secret);
    (private_key(secret), public_key(public_of(secret)))
}

/// The shared secret of `material` (a private key) and `peer` (a public key's SPKI).
pub fn shared_secret(material: &[u8], peer: &[u8]) -> CryptoResult<Vec<u8>> {
    let private = strip(material, &PKCS8_PREFIX).map_or_else(|| der_error("PKCS8"), Ok)?;
    let public = strip(peer, &SPKI_PREFIX).map_or_else(|| der_error("SPKI"), Ok)?;
    let shared = MontgomeryPoint(public).mul_clamped(private).to_bytes();
    if shared.iter().all(|b| *b == 0) {
        return operation_error(
            "Detected small order secure curve points, aborting EDDH derivation",
        );
    }
    Ok(shared.to_vec())
}
