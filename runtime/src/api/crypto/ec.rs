//! Elliptic-curve keys on P-256, P-384 and P-521: import and export in every format, ECDSA over
//! a prehashed message (IEEE P1363 signatures), and ECDH.

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey};

use super::asymmetric::{der_error, key, pkcs8_der, spki_der, unsupported_format};
use super::jwk::{self, Jwk};
use super::{
    CryptoResult, Exported, HostRng, Key, KeyData, KeyInfo, Params, data_error, err,
    operation_error,
};

pub fn curve_info(curve: &str) -> KeyInfo {
    KeyInfo {
        named_curve: Some(curve.to_string()),
        ..Default::default()
    }
}

macro_rules! ec_curve {
    ($module:ident, $crate_:ident, $curve:ident, $name:literal, $bytes:literal) => {
        pub mod $module {
            use super::*;
            use $crate_::{PublicKey, SecretKey};
            use $crate_::elliptic_curve::sec1::{EncodedPoint, FromEncodedPoint, ToEncodedPoint};
            use $crate_::ecdsa::signature::hazmat::{PrehashVerifier, RandomizedPrehashSigner};
            use $crate_::ecdsa::{Signature, SigningKey, VerifyingKey};

            pub fn import(format: &str, data: KeyData<'_>) -> CryptoResult<Key> {
                let info = curve_info($name);
                match (format, data) {
                    ("spki", KeyData::Bytes(b)) => {
                        let public = PublicKey::from_public_key_der(b).or_else(|_| der_error("SPKI"))?;
                        Ok(key("public", spki_der(&public)?, info))
                    }
                    ("pkcs8", KeyData::Bytes(b)) => {
                        let secret = SecretKey::from_pkcs8_der(b).or_else(|_| der_error("PKCS8"))?;
                        Ok(key("private", pkcs8_der(&secret)?, info))
                    }
                    ("raw", KeyData::Bytes(b)) => {
                        let public = PublicKey::from_sec1_bytes(b)
                            .or_else(|_| data_error("Invalid raw EC public key."))?;
                        Ok(key("public", spki_der(&public)?, info))
                    }
                    ("jwk", KeyData::Jwk(j)) => {
                        if j.kty != "EC" {
                            return data_error(format!(
                                "Elliptic curve \"jwk\" key import requires a JSON Web Key with Key Type parameter \"kty\" (\"{}\") equal to \"EC\".",
                                j.kty
                            ));
                        }
                        if j.crv.as_deref() != Some($name) {
                            return data_error("JWK \"crv\" mismatch with the requested algorithm.");
                        }
                        match &j.d {
                            Some(_) => {
                                let d = jwk::decode(&j.d, "Elliptic curve private key")?;
                                let secret = SecretKey::from_slice(&d)
                                    .or_else(|_| data_error("Invalid EC private key."))?;
                                Ok(key("private", pkcs8_der(&secret)?, info))
                            }
                            None => {
                                let x = jwk::decode(&j.x, "Elliptic curve x coordinate")?;
                                let y = jwk::decode(&j.y, "Elliptic curve y coordinate")?;
                                if x.len() != $bytes || y.len() != $bytes {
                                    return data_error("Invalid EC public key coordinates.");
                                }
                                let point = EncodedPoint::<$crate_::$curve>::from_affine_coordinates(
                                    x.as_slice().into(),
                                    y.as_slice().into(),
                                    false,
                                );
                                let public = Option::<PublicKey>::from(PublicKey::from_encoded_point(&point))
                                    .map_or_else(|| data_error("Invalid EC public key."), Ok)?;
                                Ok(key("public", spki_der(&public)?, info))
                            }
                        }
                    }
                    (format, _) => unsupported_format(format),
                }
            }

            fn public_of(kind: &str, material: &[u8]) -> CryptoResult<PublicKey> {
                if kind == "private" {
                    Ok(secret_of(material)?.public_key())
                } else {
                    PublicKey::from_public_key_der(material).or_else(|_| der_error("SPKI"))
                }
            }

            fn secret_of(material: &[u8]) -> CryptoResult<SecretKey> {
                SecretKey::from_pkcs8_der(material).or_else(|_| der_error("PKCS8"))
            }

            pub fn export(kind: &str, format: &str, material: &[u8]) -> CryptoResult<Exported> {
                match (format, kind) {
                    ("spki", "public") | ("pkcs8", "private") => Ok(Exported::Bytes(material.to_vec())),
                    ("raw", "public") => Ok(Exported::Bytes(
                        public_of(kind, material)?.to_encoded_point(false).as_bytes().to_vec(),
                    )),
                    ("jwk", _) => {
                        let public = public_of(kind, material)?;
                        let point = public.to_encoded_point(false);
                        let d = if kind == "private" {
                            Some(jwk::encode(&secret_of(material)?.to_bytes()))
                        } else {
                            None
                        };
                        Ok(Exported::Jwk(Jwk {
                            kty: "EC".into(),
                            crv: Some($name.into()),
                            x: point.x().map(|x| jwk::encode(x)),
                            y: point.y().map(|y| jwk::encode(y)),
                            d,
                            ext: Some(true),
                            ..Default::default()
                        }))
                    }
                    _ => err(
                        "InvalidAccessError",
                        format!("Asymmetric {} keys can only be exported in the \"spki\", \"pkcs8\", \"raw\" or \"jwk\" format matching their type.", $name),
                    ),
                }
            }

            /// Signs with a nonce drawn from the seed, as BoringSSL's ECDSA draws one at random.
            pub fn sign(
                material: &[u8],
                digest: &[u8],
                rng: &mut dyn FnMut(&mut [u8]),
            ) -> CryptoResult<Vec<u8>> {
                // From the scalar's bytes: p521's signing key wraps the generic one instead of
                // converting from a SecretKey, and this works for every curve.
                let signer = SigningKey::from_bytes(&secret_of(material)?.to_bytes())
                    .or_else(|_| operation_error("ECDSA signing failed."))?;
                let sig: Signature = signer
                    .sign_prehash_with_rng(&mut HostRng(rng), digest)
                    .or_else(|_| operation_error("ECDSA signing failed."))?;
                Ok(sig.to_bytes().to_vec())
            }

            pub fn verify(material: &[u8], signature: &[u8], digest: &[u8]) -> CryptoResult<bool> {
                let verifier = VerifyingKey::from_affine(*public_of("public", material)?.as_affine())
                    .or_else(|_| data_error("Invalid EC public key."))?;
                let Ok(sig) = Signature::from_slice(signature) else {
                    return Ok(false);
                };
                Ok(verifier.verify_prehash(digest, &sig).is_ok())
            }

            pub fn ecdh(private: &[u8], public: &[u8]) -> CryptoResult<Vec<u8>> {
                let secret = secret_of(private)?;
                let peer = public_of("public", public)?;
                let shared = $crate_::ecdh::diffie_hellman(secret.to_nonzero_scalar(), peer.as_affine());
                Ok(shared.raw_secret_bytes().to_vec())
            }

            pub fn generate(rng: &mut dyn FnMut(&mut [u8])) -> CryptoResult<(Key, Key)> {
                let secret = SecretKey::random(&mut HostRng(rng));
                let public = secret.public_key();
                Ok((
                    key("private", pkcs8_der(&secret)?, curve_info($name)),
                    key("public", spki_der(&public)?, curve_info($name)),
                ))
            }
        }
    };
}

ec_curve!(p256_ops, p256, NistP256, "P-256", 32);
ec_curve!(p384_ops, p384, NistP384, "P-384", 48);
ec_curve!(p521_ops, p521, NistP521, "P-521", 66);

pub fn curve_of(params: &Params) -> CryptoResult<&str> {
    match params.named_curve.as_deref() {
        Some(c @ ("P-256" | "P-384" | "P-521")) => Ok(c),
        Some(other) => err(
            "NotSupportedError",
            format!("Unsupported namedCurve \"{other}\"."),
        ),
        None => err(
            "TypeError",
            "Missing field \"namedCurve\" in \"algorithm\".",
        ),
    }
}
