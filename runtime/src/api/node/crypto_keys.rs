//! The native half of node:crypto's asymmetric keys (crypto_keys.js): what a key in PKCS#8 or
//! SPKI DER is (its type, curve, modulus), its public half, conversion from and to the older
//! PKCS#1 and SEC1 forms, and ECDSA signatures between DER (Node's default) and IEEE P1363
//! (WebCrypto's, which the signing itself uses: crate::api::crypto).

use rquickjs::{Array, Ctx, TypedArray, Value};
use rsa::pkcs1::{
    DecodeRsaPrivateKey, DecodeRsaPublicKey, EncodeRsaPrivateKey, EncodeRsaPublicKey,
};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};

use crate::engine::catalog::OpSet;
use crate::engine::ops::copy_bytes;

const RSA: &str = "1.2.840.113549.1.1.1";
const EC: &str = "1.2.840.10045.2.1";
const ED25519: &str = "1.3.101.112";
const X25519: &str = "1.3.101.110";

/// What a key is, as node:crypto reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Described {
    /// `rsa`, `ec`, `ed25519`.
    key_type: &'static str,
    /// WebCrypto's curve name (`P-256`), for EC keys.
    curve: Option<&'static str>,
    modulus_bits: Option<u32>,
    public_exponent: Option<Vec<u8>>,
    /// The public half, for a private key.
    spki: Option<Vec<u8>>,
}

fn curve_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.2.840.10045.3.1.7" => "P-256",
        "1.3.132.0.34" => "P-384",
        "1.3.132.0.35" => "P-521",
        _ => return None,
    })
}

/// Runs `$body` with `$Curve` the crate of curve `$name`.
macro_rules! with_curve {
    ($name:expr, $Curve:ident => $body:expr) => {
        match $name {
            "P-256" => {
                use p256 as $Curve;
                $body
            }
            "P-384" => {
                use p384 as $Curve;
                $body
            }
            _ => {
                use p521 as $Curve;
                $body
            }
        }
    };
}

fn describe(der: &[u8], private: bool) -> Option<Described> {
    let (oid, parameters) = if private {
        let info = rsa::pkcs8::PrivateKeyInfo::try_from(der).ok()?;
        let params = info.algorithm.parameters_oid().ok().map(|o| o.to_string());
        (info.algorithm.oid.to_string(), params)
    } else {
        let info = rsa::pkcs8::spki::SubjectPublicKeyInfoRef::try_from(der).ok()?;
        let params = info.algorithm.parameters_oid().ok().map(|o| o.to_string());
        (info.algorithm.oid.to_string(), params)
    };
    match oid.as_str() {
        RSA => {
            let (public, spki) = if private {
                let key = RsaPrivateKey::from_pkcs8_der(der).ok()?;
                let public = key.to_public_key();
                let spki = public.to_public_key_der().ok()?.as_bytes().to_vec();
                (public, Some(spki))
            } else {
                (RsaPublicKey::from_public_key_der(der).ok()?, None)
            };
            Some(Described {
                key_type: "rsa",
                curve: None,
                modulus_bits: Some(public.n().bits() as u32),
                public_exponent: Some(public.e().to_bytes_be()),
                spki,
            })
        }
        EC => {
            let curve = curve_name(parameters.as_deref()?)?;
            let spki = if private {
                let spki = with_curve!(curve, C => C::SecretKey::from_pkcs8_der(der)
                    .ok()?
                    .public_key()
                    .to_public_key_der()
                    .ok()?
                    .as_bytes()
                    .to_vec());
                Some(spki)
            } else {
                let valid = with_curve!(curve, C => C::PublicKey::from_public_key_der(der).is_ok());
                valid.then_some(())?;
                None
            };
            Some(Described {
                key_type: "ec",
                curve: Some(curve),
                modulus_bits: None,
                public_exponent: None,
                spki,
            })
        }
        X25519 => {
            let spki = if private {
                Some(crate::api::crypto::x25519::spki_of_pkcs8(der)?)
            } else {
                crate::api::crypto::x25519::is_spki(der).then_some(())?;
                None
            };
            Some(Described {
                key_type: "x25519",
                curve: None,
                modulus_bits: None,
                public_exponent: None,
                spki,
            })
        }
        ED25519 => {
            let spki = if private {
                let key = ed25519_dalek::SigningKey::from_pkcs8_der(der).ok()?;
                Some(
                    key.verifying_key()
                        .to_public_key_der()
                        .ok()?
                        .as_bytes()
                        .to_vec(),
                )
            } else {
                ed25519_dalek::VerifyingKey::from_public_key_der(der).ok()?;
                None
            };
            Some(Described {
                key_type: "ed25519",
                curve: None,
                modulus_bits: None,
                public_exponent: None,
                spki,
            })
        }
        _ => None,
    }
}

/// `der` from one encoding to another: `pkcs1` (RSA private or public), `sec1` (EC private),
/// `pkcs8`, `spki`.
fn convert(der: &[u8], from: &str, to: &str, private: bool) -> Option<Vec<u8>> {
    let out = match (from, to, private) {
        ("pkcs1", "pkcs8", true) => RsaPrivateKey::from_pkcs1_der(der)
            .ok()?
            .to_pkcs8_der()
            .ok()?
            .as_bytes()
            .to_vec(),
        ("pkcs1", "spki", false) => RsaPublicKey::from_pkcs1_der(der)
            .ok()?
            .to_public_key_der()
            .ok()?
            .as_bytes()
            .to_vec(),
        ("pkcs8", "pkcs1", true) => RsaPrivateKey::from_pkcs8_der(der)
            .ok()?
            .to_pkcs1_der()
            .ok()?
            .as_bytes()
            .to_vec(),
        ("spki", "pkcs1", false) => RsaPublicKey::from_public_key_der(der)
            .ok()?
            .to_pkcs1_der()
            .ok()?
            .as_bytes()
            .to_vec(),
        ("sec1", "pkcs8", true) => {
            // A SEC1 key names its curve inside; try each.
            ["P-256", "P-384", "P-521"].into_iter().find_map(|curve| {
                with_curve!(curve, C => C::SecretKey::from_sec1_der(der).ok().and_then(|k| k.to_pkcs8_der().ok()).map(|d| d.as_bytes().to_vec()))
            })?
        }
        ("pkcs8", "sec1", true) => {
            let curve = describe(der, true)?.curve?;
            let sec1 = with_curve!(curve, C => C::SecretKey::from_pkcs8_der(der).ok()?.to_sec1_der().ok()?.to_vec());
            with_named_curve(&sec1, curve)?
        }
        _ => return None,
    };
    Some(out)
}

/// A DER element: `tag`, its length, `content`.
fn der_element(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// The elements of a DER SEQUENCE, each with its tag and length.
fn der_sequence_elements(der: &[u8]) -> Option<Vec<&[u8]>> {
    fn header(bytes: &[u8]) -> Option<(usize, usize)> {
        let first = *bytes.get(1)?;
        if first < 0x80 {
            return Some((2, usize::from(first)));
        }
        let n = usize::from(first & 0x7f);
        let len = bytes
            .get(2..2 + n)?
            .iter()
            .fold(0usize, |l, b| (l << 8) | usize::from(*b));
        Some((2 + n, len))
    }
    if der.first() != Some(&0x30) {
        return None;
    }
    let (start, len) = header(der)?;
    let mut rest = der.get(start..start + len)?;
    let mut elements = Vec::new();
    while !rest.is_empty() {
        let (h, l) = header(rest)?;
        elements.push(rest.get(..h + l)?);
        rest = &rest[h + l..];
    }
    Some(elements)
}

/// A SEC1 ECPrivateKey with its curve named in `[0] parameters`, as OpenSSL (and so Node)
/// writes it; RustCrypto leaves the parameters out.
fn with_named_curve(sec1: &[u8], curve: &str) -> Option<Vec<u8>> {
    let oid: &[u8] = match curve {
        "P-256" => &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
        "P-384" => &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22],
        _ => &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23],
    };
    let elements = der_sequence_elements(sec1)?;
    let (head, tail) = elements.split_at(2.min(elements.len()));
    let mut body: Vec<u8> = head.concat();
    body.extend(der_element(0xa0, oid));
    body.extend(tail.concat());
    Some(der_element(0x30, &body))
}

/// An ECDSA signature from IEEE P1363 (r‖s) to DER, or back.
fn ecdsa_signature(signature: &[u8], curve: &str, to_der: bool) -> Option<Vec<u8>> {
    with_curve!(curve, C => {
        if to_der {
            let sig = C::ecdsa::Signature::from_slice(signature).ok()?;
            Some(sig.to_der().as_bytes().to_vec())
        } else {
            let sig = C::ecdsa::Signature::from_der(signature).ok()?;
            Some(sig.to_bytes().to_vec())
        }
    })
}

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    ops.add(
        "nodeKeyDescribe",
        |ctx: Ctx<'js>, der: TypedArray<'js, u8>, private: bool| -> rquickjs::Result<Value<'js>> {
            let Some(d) = describe(&copy_bytes(&der), private) else {
                return Ok(Value::new_null(ctx));
            };
            let out = Array::new(ctx.clone())?;
            out.set(0, d.key_type)?;
            out.set(1, d.curve)?;
            out.set(2, d.modulus_bits)?;
            out.set(3, d.public_exponent.map(|e| crate::digest::hex(&e)))?;
            if let Some(spki) = d.spki {
                out.set(4, TypedArray::<u8>::new(ctx.clone(), spki)?)?;
            }
            Ok(out.into_value())
        },
    )?;
    ops.add(
        "nodeKeyConvert",
        |ctx: Ctx<'js>, der: TypedArray<'js, u8>, from: String, to: String, private: bool| {
            convert(&copy_bytes(&der), &from, &to, private)
                .map(|v| TypedArray::<u8>::new(ctx, v))
                .transpose()
        },
    )?;
    ops.add(
        "nodeEcdsaSignature",
        |ctx: Ctx<'js>, signature: TypedArray<'js, u8>, curve: String, to_der: bool| {
            ecdsa_signature(&copy_bytes(&signature), &curve, to_der)
                .map(|v| TypedArray::<u8>::new(ctx, v))
                .transpose()
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_p256_key_describes_itself_and_round_trips_through_sec1() {
        let key = p256::SecretKey::from_slice(&[7u8; 32]).unwrap_or_else(|e| panic!("{e}"));
        let pkcs8 = key
            .to_pkcs8_der()
            .unwrap_or_else(|e| panic!("{e}"))
            .as_bytes()
            .to_vec();
        let d = describe(&pkcs8, true).unwrap_or_else(|| panic!("undescribed"));
        assert_eq!((d.key_type, d.curve), ("ec", Some("P-256")));
        let spki = d.spki.unwrap_or_default();
        assert_eq!(describe(&spki, false).map(|d| d.key_type), Some("ec"));
        let sec1 = convert(&pkcs8, "pkcs8", "sec1", true).unwrap_or_default();
        assert_eq!(convert(&sec1, "sec1", "pkcs8", true), Some(pkcs8));
    }

    #[test]
    fn ecdsa_signatures_convert_between_p1363_and_der() {
        let mut raw = [0u8; 64];
        raw[31] = 1;
        raw[63] = 2;
        let der = ecdsa_signature(&raw, "P-256", true).unwrap_or_default();
        assert_eq!(der, [0x30, 6, 2, 1, 1, 2, 1, 2]);
        assert_eq!(ecdsa_signature(&der, "P-256", false), Some(raw.to_vec()));
    }
}
