//! RSA keys (RSASSA-PKCS1-v1_5, RSA-PSS, RSA-OAEP): import and export as SPKI, PKCS#8 and
//! JWK, and the padding schemes for each hash.

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, RsaPrivateKey, RsaPublicKey};

use super::asymmetric::{der_error, key, pkcs8_der, spki_der, unsupported_format};
use super::jwk::{self, Jwk};
use super::{CryptoResult, Exported, Key, KeyData, KeyInfo, data_error, err};

pub fn rsa_info(public: &RsaPublicKey) -> KeyInfo {
    KeyInfo {
        modulus_length: Some(public.n().bits() as u32),
        public_exponent: Some(public.e().to_bytes_be()),
        ..Default::default()
    }
}

/// An RSA key from `importKey`'s data, in this module's canonical DER.
pub fn rsa_import(format: &str, data: KeyData<'_>) -> CryptoResult<Key> {
    let private = |k: RsaPrivateKey| -> CryptoResult<Key> {
        Ok(key("private", pkcs8_der(&k)?, rsa_info(&k.to_public_key())))
    };
    let public =
        |k: RsaPublicKey| -> CryptoResult<Key> { Ok(key("public", spki_der(&k)?, rsa_info(&k))) };
    match (format, data) {
        ("spki", KeyData::Bytes(b)) => {
            public(RsaPublicKey::from_public_key_der(b).or_else(|_| der_error("SPKI"))?)
        }
        ("pkcs8", KeyData::Bytes(b)) => {
            private(RsaPrivateKey::from_pkcs8_der(b).or_else(|_| der_error("PKCS8"))?)
        }
        ("jwk", KeyData::Jwk(j)) => {
            if j.kty != "RSA" {
                return data_error(format!(
                    "RSASSA-PKCS1-v1_5 \"jwk\" key import requires a JSON Web Key with Key Type parameter \"kty\" (\"{}\") equal to \"RSA\".",
                    j.kty
                ));
            }
            let n = BigUint::from_bytes_be(&jwk::decode(&j.n, "RSA modulus")?);
            let e = BigUint::from_bytes_be(&jwk::decode(&j.e, "RSA public exponent")?);
            if j.d.is_none() {
                return public(
                    RsaPublicKey::new(n, e).or_else(|_| data_error("Invalid RSA public key."))?,
                );
            }
            let d = BigUint::from_bytes_be(&jwk::decode(&j.d, "RSA private exponent")?);
            let primes = match (&j.p, &j.q) {
                (Some(_), Some(_)) => vec![
                    BigUint::from_bytes_be(&jwk::decode(&j.p, "RSA first prime")?),
                    BigUint::from_bytes_be(&jwk::decode(&j.q, "RSA second prime")?),
                ],
                _ => vec![],
            };
            private(
                RsaPrivateKey::from_components(n, e, d, primes)
                    .or_else(|_| data_error("Invalid RSA private key."))?,
            )
        }
        (format, _) => unsupported_format(format),
    }
}

pub fn rsa_public(kind: &str, material: &[u8]) -> CryptoResult<RsaPublicKey> {
    if kind == "private" {
        Ok(rsa_private(material)?.to_public_key())
    } else {
        RsaPublicKey::from_public_key_der(material).or_else(|_| der_error("SPKI"))
    }
}

pub fn rsa_private(material: &[u8]) -> CryptoResult<RsaPrivateKey> {
    RsaPrivateKey::from_pkcs8_der(material).or_else(|_| der_error("PKCS8"))
}

pub fn rsa_export(kind: &str, format: &str, material: &[u8]) -> CryptoResult<Exported> {
    match (format, kind) {
        ("spki", "public") | ("pkcs8", "private") => Ok(Exported::Bytes(material.to_vec())),
        ("jwk", _) => {
            let public = rsa_public(kind, material)?;
            let mut out = Jwk {
                kty: "RSA".into(),
                n: Some(jwk::encode(&public.n().to_bytes_be())),
                e: Some(jwk::encode(&public.e().to_bytes_be())),
                ext: Some(true),
                ..Default::default()
            };
            if kind == "private" {
                let k = rsa_private(material)?;
                let primes = k.primes();
                out.d = Some(jwk::encode(&k.d().to_bytes_be()));
                if let [p, q] = primes {
                    out.p = Some(jwk::encode(&p.to_bytes_be()));
                    out.q = Some(jwk::encode(&q.to_bytes_be()));
                    let one = BigUint::from(1u8);
                    out.dp = Some(jwk::encode(&(k.d() % (p - &one)).to_bytes_be()));
                    out.dq = Some(jwk::encode(&(k.d() % (q - &one)).to_bytes_be()));
                    if let Some(qi) = k.crt_coefficient() {
                        out.qi = Some(jwk::encode(&qi.to_bytes_be()));
                    }
                }
            }
            Ok(Exported::Jwk(out))
        }
        _ => err(
            "InvalidAccessError",
            "Asymmetric RSA keys can only be exported in the \"spki\", \"pkcs8\" or \"jwk\" format matching their type.",
        ),
    }
}

pub fn pkcs1_scheme<D: rsa::sha2::digest::Digest + rsa::pkcs8::AssociatedOid>()
-> CryptoResult<rsa::Pkcs1v15Sign> {
    Ok(rsa::Pkcs1v15Sign::new::<D>())
}

pub fn pss_scheme<
    D: 'static + rsa::sha2::digest::Digest + rsa::sha2::digest::DynDigest + Send + Sync,
>(
    salt: usize,
) -> CryptoResult<rsa::Pss> {
    Ok(rsa::Pss::new_with_salt::<D>(salt))
}

pub fn oaep_scheme<
    D: 'static + rsa::sha2::digest::Digest + rsa::sha2::digest::DynDigest + Send + Sync,
>(
    label: Option<String>,
) -> CryptoResult<rsa::Oaep> {
    Ok(match label {
        Some(l) => rsa::Oaep::new_with_label::<D, String>(l),
        None => rsa::Oaep::new::<D>(),
    })
}
