//! Public-key algorithms: ECDSA and ECDH on P-256, P-384 and P-521, Ed25519, and RSA
//! (RSASSA-PKCS1-v1_5, RSA-PSS, RSA-OAEP). Keys travel as PKCS#8 (private) or SPKI (public) DER.

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::BigUint;

use super::ec::{curve_of, p256_ops, p384_ops, p521_ops};
use super::rsa_keys::{
    oaep_scheme, pkcs1_scheme, pss_scheme, rsa_export, rsa_import, rsa_info, rsa_private,
    rsa_public,
};

use super::jwk::{self, Jwk};
use super::{
    CryptoResult, Exported, Generated, HostRng, Key, KeyData, KeyInfo, Params, b64, data_error,
    digest_of, err, operation_error,
};

/// A public key as the SPKI DER this module keeps public keys in.
pub(super) fn spki_der(public: &impl EncodePublicKey) -> CryptoResult<Vec<u8>> {
    public
        .to_public_key_der()
        .map(|d| d.as_bytes().to_vec())
        .or_else(|_| operation_error("Failed to encode the public key."))
}

/// A private key as the PKCS#8 DER this module keeps private keys in.
pub(super) fn pkcs8_der(private: &impl EncodePrivateKey) -> CryptoResult<Vec<u8>> {
    private
        .to_pkcs8_der()
        .map(|d| d.as_bytes().to_vec())
        .or_else(|_| operation_error("Failed to encode the private key."))
}

pub(super) fn key(kind: &str, material: Vec<u8>, info: KeyInfo) -> Key {
    Key {
        info: KeyInfo {
            kind: kind.to_string(),
            ..info
        },
        material,
    }
}

pub(super) fn der_error<T>(what: &str) -> CryptoResult<T> {
    data_error(format!("Invalid {what} input."))
}

pub(super) fn unsupported_format<T>(format: &str) -> CryptoResult<T> {
    err(
        "NotSupportedError",
        format!("Unrecognized key import format \"{format}\"."),
    )
}

/// The key an OKP ("octet key pair") JSON Web Key carries: Ed25519 and X25519 keys are 32 bytes.
pub(super) enum OkpKey {
    Private([u8; 32]),
    Public([u8; 32]),
}

/// The key of an OKP JWK on `curve`: its private key `d` when present, else its public key `x`.
pub(super) fn okp_jwk(j: &Jwk, curve: &str) -> CryptoResult<OkpKey> {
    if j.kty != "OKP" || j.crv.as_deref() != Some(curve) {
        return data_error(format!(
            "{curve} \"jwk\" key import requires a JSON Web Key with Key Type parameter \"kty\" equal to \"OKP\" and curve \"{curve}\"."
        ));
    }
    let bytes = |field: &Option<String>, what: &str| -> CryptoResult<[u8; 32]> {
        jwk::decode(field, &format!("{curve} {what} key"))?
            .try_into()
            .or_else(|_| data_error(format!("Invalid {curve} {what} key.")))
    };
    match &j.d {
        Some(_) => Ok(OkpKey::Private(bytes(&j.d, "private")?)),
        None => Ok(OkpKey::Public(bytes(&j.x, "public")?)),
    }
}

/// A raw OKP public key on `curve`, which must be exactly 32 bytes.
pub(super) fn okp_raw(b: &[u8], curve: &str) -> CryptoResult<[u8; 32]> {
    b.try_into().or_else(|_| {
        data_error(format!(
            "{curve} raw keys must be exactly 32-bytes (provided {}).",
            b.len()
        ))
    })
}

fn ed25519_import(format: &str, data: KeyData<'_>) -> CryptoResult<Key> {
    use ed25519_dalek::{SigningKey, VerifyingKey};
    let public = |k: VerifyingKey| -> CryptoResult<Key> {
        Ok(key("public", spki_der(&k)?, KeyInfo::default()))
    };
    let private = |k: SigningKey| -> CryptoResult<Key> {
        Ok(key("private", pkcs8_der(&k)?, KeyInfo::default()))
    };
    match (format, data) {
        ("spki", KeyData::Bytes(b)) => {
            public(VerifyingKey::from_public_key_der(b).or_else(|_| der_error("SPKI"))?)
        }
        ("pkcs8", KeyData::Bytes(b)) => {
            private(SigningKey::from_pkcs8_der(b).or_else(|_| der_error("PKCS8"))?)
        }
        ("raw", KeyData::Bytes(b)) => public(
            VerifyingKey::from_bytes(&okp_raw(b, "Ed25519")?)
                .or_else(|_| data_error("Invalid Ed25519 public key."))?,
        ),
        ("jwk", KeyData::Jwk(j)) => match okp_jwk(&j, "Ed25519")? {
            OkpKey::Private(d) => private(SigningKey::from_bytes(&d)),
            OkpKey::Public(x) => public(
                VerifyingKey::from_bytes(&x)
                    .or_else(|_| data_error("Invalid Ed25519 public key."))?,
            ),
        },
        (format, _) => unsupported_format(format),
    }
}

fn ed25519_keys(
    kind: &str,
    material: &[u8],
) -> CryptoResult<(
    Option<ed25519_dalek::SigningKey>,
    ed25519_dalek::VerifyingKey,
)> {
    use ed25519_dalek::{SigningKey, VerifyingKey};
    if kind == "private" {
        let s = SigningKey::from_pkcs8_der(material).or_else(|_| der_error("PKCS8"))?;
        let v = s.verifying_key();
        Ok((Some(s), v))
    } else {
        Ok((
            None,
            VerifyingKey::from_public_key_der(material).or_else(|_| der_error("SPKI"))?,
        ))
    }
}

pub fn import(params: &Params, format: &str, data: KeyData<'_>) -> CryptoResult<Key> {
    let mut k = match params.name.as_str() {
        "ECDSA" | "ECDH" => {
            let k = match curve_of(params)? {
                "P-256" => p256_ops::import(format, data)?,
                "P-521" => p521_ops::import(format, data)?,
                _ => p384_ops::import(format, data)?,
            };
            if k.info.named_curve.as_deref() != params.named_curve.as_deref() {
                return data_error("Named curve mismatch.");
            }
            k
        }
        "Ed25519" | "NODE-ED25519" => ed25519_import(format, data)?,
        "X25519" => super::x25519::import(format, data)?,
        "RSASSA-PKCS1-v1_5" | "RSA-PSS" | "RSA-OAEP" => rsa_import(format, data)?,
        other => {
            return err(
                "NotSupportedError",
                format!("Unrecognized key import algorithm \"{other}\" requested."),
            );
        }
    };
    if params.name == "ECDH" && k.info.kind == "public" {
        k.info.named_curve = params.named_curve.clone();
    }
    Ok(k)
}

pub fn export(
    params: &Params,
    info: &KeyInfo,
    format: &str,
    material: &[u8],
) -> CryptoResult<Exported> {
    let kind = info.kind.as_str();
    match params.name.as_str() {
        "ECDSA" | "ECDH" => match info.named_curve.as_deref() {
            Some("P-256") => p256_ops::export(kind, format, material),
            Some("P-521") => p521_ops::export(kind, format, material),
            _ => p384_ops::export(kind, format, material),
        },
        "X25519" => super::x25519::export(kind, format, material),
        "Ed25519" | "NODE-ED25519" => {
            let (signing, verifying) = ed25519_keys(kind, material)?;
            match (format, kind) {
                ("spki", "public") | ("pkcs8", "private") => Ok(Exported::Bytes(material.to_vec())),
                ("raw", "public") => Ok(Exported::Bytes(verifying.to_bytes().to_vec())),
                ("jwk", _) => Ok(Exported::Jwk(Jwk {
                    kty: "OKP".into(),
                    crv: Some("Ed25519".into()),
                    x: Some(jwk::encode(&verifying.to_bytes())),
                    d: signing.map(|s| jwk::encode(&s.to_bytes())),
                    ext: Some(true),
                    ..Default::default()
                })),
                _ => err(
                    "InvalidAccessError",
                    "Asymmetric Ed25519 keys can only be exported in a format matching their type.",
                ),
            }
        }
        _ => rsa_export(kind, format, material),
    }
}

/// The digest an RSA or ECDSA signature covers.
fn hashed(hash: Option<&str>, data: &[u8]) -> CryptoResult<Vec<u8>> {
    match hash {
        Some(h) => digest_of(h, data),
        None => err("TypeError", "Missing field \"hash\" in \"algorithm\"."),
    }
}

macro_rules! with_hash {
    ($hash:expr, $f:ident, $($arg:expr),*) => {
        match $hash {
            Some("SHA-1") => $f::<sha1::Sha1>($($arg),*),
            Some("SHA-256") => $f::<sha2::Sha256>($($arg),*),
            Some("SHA-384") => $f::<sha2::Sha384>($($arg),*),
            Some("SHA-512") => $f::<sha2::Sha512>($($arg),*),
            Some(_) => err("NotSupportedError", "Unrecognized or unimplemented digest algorithm requested."),
            None => err("TypeError", "Missing field \"hash\" in \"algorithm\"."),
        }
    };
}

/// RSA-PSS's `saltLength`, which the algorithm requires.
fn pss_salt(params: &Params) -> CryptoResult<usize> {
    match params.salt_length {
        Some(n) => Ok(n as usize),
        None => err(
            "TypeError",
            "Missing field \"saltLength\" in \"algorithm\".",
        ),
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
        "ECDSA" => {
            let digest = hashed(params.hash.as_deref(), data)?;
            match key_params.named_curve.as_deref() {
                Some("P-256") => p256_ops::sign(material, &digest, rng),
                Some("P-521") => p521_ops::sign(material, &digest, rng),
                _ => p384_ops::sign(material, &digest, rng),
            }
        }
        "Ed25519" | "NODE-ED25519" => {
            use ed25519_dalek::Signer;
            let (signing, _) = ed25519_keys("private", material)?;
            let s = signing.map_or_else(
                || operation_error("Ed25519 signing needs a private key."),
                Ok,
            )?;
            Ok(s.sign(data).to_bytes().to_vec())
        }
        "RSASSA-PKCS1-v1_5" => {
            let digest = hashed(key_params.hash.as_deref(), data)?;
            let scheme = with_hash!(key_params.hash.as_deref(), pkcs1_scheme,)?;
            rsa_private(material)?
                .sign(scheme, &digest)
                .or_else(|e| operation_error(format!("RSA signing failed: {e}")))
        }
        "RSA-PSS" => {
            let digest = hashed(key_params.hash.as_deref(), data)?;
            let salt = pss_salt(params)?;
            let scheme = with_hash!(key_params.hash.as_deref(), pss_scheme, salt)?;
            // The salt is random, as in production; the host's randomness follows the seed.
            rsa_private(material)?
                .sign_with_rng(&mut HostRng(rng), scheme, &digest)
                .or_else(|e| operation_error(format!("RSA-PSS signing failed: {e}")))
        }
        other => err(
            "NotSupportedError",
            format!("Unrecognized signature algorithm \"{other}\"."),
        ),
    }
}

pub fn verify(
    params: &Params,
    key_params: &Params,
    material: &[u8],
    signature: &[u8],
    data: &[u8],
) -> CryptoResult<bool> {
    // Only public keys carry the `verify` usage, which the caller has checked.
    let kind = "public";
    match params.name.as_str() {
        "ECDSA" => {
            let digest = hashed(params.hash.as_deref(), data)?;
            match key_params.named_curve.as_deref() {
                Some("P-256") => p256_ops::verify(material, signature, &digest),
                Some("P-521") => p521_ops::verify(material, signature, &digest),
                _ => p384_ops::verify(material, signature, &digest),
            }
        }
        "Ed25519" | "NODE-ED25519" => {
            use ed25519_dalek::Verifier;
            let (_, verifying) = ed25519_keys(kind, material)?;
            let Ok(sig) = ed25519_dalek::Signature::from_slice(signature) else {
                return Ok(false);
            };
            Ok(verifying.verify(data, &sig).is_ok())
        }
        "RSASSA-PKCS1-v1_5" => {
            let digest = hashed(key_params.hash.as_deref(), data)?;
            let scheme = with_hash!(key_params.hash.as_deref(), pkcs1_scheme,)?;
            Ok(rsa_public(kind, material)?
                .verify(scheme, &digest, signature)
                .is_ok())
        }
        "RSA-PSS" => {
            let digest = hashed(key_params.hash.as_deref(), data)?;
            let salt = pss_salt(params)?;
            let scheme = with_hash!(key_params.hash.as_deref(), pss_scheme, salt)?;
            Ok(rsa_public(kind, material)?
                .verify(scheme, &digest, signature)
                .is_ok())
        }
        other => err(
            "NotSupportedError",
            format!("Unrecognized signature algorithm \"{other}\"."),
        ),
    }
}

pub fn oaep(
    params: &Params,
    key_params: &Params,
    material: &[u8],
    data: &[u8],
    decrypt: bool,
    rng: &mut dyn FnMut(&mut [u8]),
) -> CryptoResult<Vec<u8>> {
    let label = b64(&params.label)?.map(|l| String::from_utf8_lossy(&l).into_owned());
    let scheme = with_hash!(key_params.hash.as_deref(), oaep_scheme, label)?;
    if decrypt {
        rsa_private(material)?
            .decrypt(scheme, data)
            .or_else(|_| operation_error("RSA-OAEP decryption failed."))
    } else {
        // Only public keys carry the `encrypt` usage, which the caller has checked.
        rsa_public("public", material)?
            .encrypt(&mut HostRng(rng), scheme, data)
            .or_else(|e| operation_error(format!("RSA-OAEP encryption failed: {e}")))
    }
}

pub fn ecdh(
    params: &Params,
    material: &[u8],
    peer: Option<&[u8]>,
    length: Option<u32>,
) -> CryptoResult<Vec<u8>> {
    let peer = peer.map_or_else(
        || {
            err(
                "TypeError",
                "Missing field \"public\" in \"derivedKeyParams\".",
            )
        },
        Ok,
    )?;
    let shared = match (params.name.as_str(), params.named_curve.as_deref()) {
        ("X25519", _) => super::x25519::shared_secret(material, peer)?,
        (_, Some("P-256")) => p256_ops::ecdh(material, peer)?,
        (_, Some("P-521")) => p521_ops::ecdh(material, peer)?,
        _ => p384_ops::ecdh(material, peer)?,
    };
    let max = shared.len() as u32 * 8;
    let Some(length) = length else {
        return Ok(shared);
    };
    if length > max {
        return operation_error(format!(
            "Derived key length ({length} bits) is too long (should be at most {max} bits)."
        ));
    }
    let mut out = shared[..length.div_ceil(8) as usize].to_vec();
    let spare = out.len() as u32 * 8 - length;
    if spare > 0
        && let Some(last) = out.last_mut()
    {
        *last &= 0xffu8 << spare;
    }
    Ok(out)
}

pub fn generate(params: &Params, rng: &mut dyn FnMut(&mut [u8])) -> CryptoResult<Generated> {
    let (private, public) = match params.name.as_str() {
        "ECDSA" | "ECDH" => match curve_of(params)? {
            "P-256" => p256_ops::generate(rng)?,
            "P-521" => p521_ops::generate(rng)?,
            _ => p384_ops::generate(rng)?,
        },
        "X25519" => super::x25519::generate(rng),
        "Ed25519" | "NODE-ED25519" => {
            let s = ed25519_dalek::SigningKey::generate(&mut HostRng(rng));
            (
                key("private", pkcs8_der(&s)?, KeyInfo::default()),
                key("public", spki_der(&s.verifying_key())?, KeyInfo::default()),
            )
        }
        "RSASSA-PKCS1-v1_5" | "RSA-PSS" | "RSA-OAEP" => {
            let bits = params.modulus_length.map_or_else(
                || {
                    err(
                        "TypeError",
                        "Missing field \"modulusLength\" in \"algorithm\".",
                    )
                },
                Ok,
            )?;
            if !(256..=16384).contains(&bits) {
                return operation_error("The modulus length must be between 256 and 16384 bits.");
            }
            let exponent = b64(&params.public_exponent)?.map_or_else(
                || {
                    err(
                        "TypeError",
                        "Missing field \"publicExponent\" in \"algorithm\".",
                    )
                },
                Ok,
            )?;
            let e = BigUint::from_bytes_be(&exponent);
            if e != BigUint::from(3u8) && e != BigUint::from(65537u32) {
                return operation_error("The \"publicExponent\" must be either 3 or 65537.");
            }
            let k = super::rsa_primes::generate(&mut HostRng(rng), bits as usize, &e)
                .or_else(|e| operation_error(format!("RSA key generation failed: {e}")))?;
            let info = rsa_info(&k.to_public_key());
            (
                key("private", pkcs8_der(&k)?, info.clone()),
                key("public", spki_der(&k.to_public_key())?, info),
            )
        }
        other => {
            return err(
                "NotSupportedError",
                format!("Unrecognized key generation algorithm \"{other}\" requested."),
            );
        }
    };
    Ok(Generated::Pair(private, public))
}
