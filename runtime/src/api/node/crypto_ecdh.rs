//! node:crypto's ECDH class on the NIST curves BoringSSL has (P-224, P-256, P-384, P-521): raw
//! private scalars, public points in Node's three forms (compressed, uncompressed, hybrid),
//! shared secrets (the x-coordinate), and `ECDH.convertKey`, with workerd's texts.

use p256::elliptic_curve;
use p256::elliptic_curve::sec1::{EncodedPoint, FromEncodedPoint, ModulusSize, ToEncodedPoint};
use p256::elliptic_curve::{AffinePoint, CurveArithmetic, FieldBytesSize, PublicKey, SecretKey};
use rquickjs::{Ctx, TypedArray};

use super::crypto::{NativeError, answer_bytes};
use crate::api::crypto::{HostRng, with_host_rng};
use crate::engine::catalog::OpSet;
use crate::engine::ops::{charge_or_stop, copy_bytes};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EcdhError {
    #[error("Private key is not valid for specified curve.")]
    PrivateKey,
    #[error("Failed to set point")]
    Point,
    #[error("Invalid keypair")]
    Keypair,
    #[error("Invalid curve")]
    Curve,
}

impl NativeError for EcdhError {}

/// A public point's encodings, as Node names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointForm {
    Compressed,
    Uncompressed,
    /// The uncompressed point with the tag saying y's parity (6 or 7) instead of 4.
    Hybrid,
}

impl PointForm {
    fn from_name(name: &str) -> Option<PointForm> {
        Some(match name {
            "compressed" => PointForm::Compressed,
            "uncompressed" => PointForm::Uncompressed,
            "hybrid" => PointForm::Hybrid,
            _ => return None,
        })
    }
}

/// The operations, for one curve.
trait NodeCurve {
    fn public_of(scalar: &[u8]) -> Result<Vec<u8>, EcdhError>;
    fn generate(rng: &mut HostRng<'_>) -> Vec<u8>;
    fn secret(scalar: &[u8], peer: &[u8]) -> Result<Vec<u8>, EcdhError>;
    fn convert(point: &[u8], form: PointForm) -> Result<Vec<u8>, EcdhError>;
}

struct Curve<C>(std::marker::PhantomData<C>);

impl<C> NodeCurve for Curve<C>
where
    C: CurveArithmetic + elliptic_curve::point::PointCompression,
    AffinePoint<C>: FromEncodedPoint<C> + ToEncodedPoint<C>,
    FieldBytesSize<C>: ModulusSize,
{
    fn public_of(scalar: &[u8]) -> Result<Vec<u8>, EcdhError> {
        Ok(encode::<C>(
            &secret_key::<C>(scalar)?.public_key(),
            PointForm::Uncompressed,
        ))
    }

    fn generate(rng: &mut HostRng<'_>) -> Vec<u8> {
        minimal(&SecretKey::<C>::random(rng).to_bytes())
    }

    fn secret(scalar: &[u8], peer: &[u8]) -> Result<Vec<u8>, EcdhError> {
        let secret = secret_key::<C>(scalar).map_err(|_| EcdhError::Keypair)?;
        let peer = point::<C>(peer)?;
        let shared =
            elliptic_curve::ecdh::diffie_hellman(secret.to_nonzero_scalar(), peer.as_affine());
        Ok(shared.raw_secret_bytes().to_vec())
    }

    fn convert(point_bytes: &[u8], form: PointForm) -> Result<Vec<u8>, EcdhError> {
        Ok(encode::<C>(&point::<C>(point_bytes)?, form))
    }
}

/// A scalar of any length (leading zeros allowed) that is between 1 and the curve's order.
fn secret_key<C: CurveArithmetic>(scalar: &[u8]) -> Result<SecretKey<C>, EcdhError>
where
    FieldBytesSize<C>: ModulusSize,
{
    let significant: Vec<u8> = scalar.iter().copied().skip_while(|b| *b == 0).collect();
    let width = elliptic_curve::FieldBytes::<C>::default().len();
    if significant.len() > width {
        return Err(EcdhError::PrivateKey);
    }
    let mut padded = vec![0u8; width - significant.len()];
    padded.extend_from_slice(&significant);
    SecretKey::<C>::from_slice(&padded).map_err(|_| EcdhError::PrivateKey)
}

/// A point in any of the three forms, on the curve.
fn point<C>(bytes: &[u8]) -> Result<PublicKey<C>, EcdhError>
where
    C: CurveArithmetic,
    AffinePoint<C>: FromEncodedPoint<C> + ToEncodedPoint<C>,
    FieldBytesSize<C>: ModulusSize,
{
    let mut bytes = bytes.to_vec();
    // Hybrid: an uncompressed point whose tag also carries y's parity, which must agree.
    let hybrid_parity = match bytes.first() {
        Some(tag @ (6 | 7)) => Some(tag & 1),
        _ => None,
    };
    if hybrid_parity.is_some() {
        bytes[0] = 4;
    }
    let encoded = EncodedPoint::<C>::from_bytes(&bytes).map_err(|_| EcdhError::Point)?;
    let key = Option::<PublicKey<C>>::from(PublicKey::<C>::from_encoded_point(&encoded))
        .ok_or(EcdhError::Point)?;
    if let Some(parity) = hybrid_parity {
        let y_odd = bytes.last().is_some_and(|b| b & 1 == 1);
        if u8::from(y_odd) != parity {
            return Err(EcdhError::Point);
        }
    }
    Ok(key)
}

fn encode<C>(key: &PublicKey<C>, form: PointForm) -> Vec<u8>
where
    C: CurveArithmetic,
    AffinePoint<C>: FromEncodedPoint<C> + ToEncodedPoint<C>,
    FieldBytesSize<C>: ModulusSize,
{
    let mut bytes = key
        .as_affine()
        .to_encoded_point(form == PointForm::Compressed)
        .as_bytes()
        .to_vec();
    if form == PointForm::Hybrid {
        let y_odd = bytes.last().is_some_and(|b| b & 1 == 1);
        bytes[0] = 6 | u8::from(y_odd);
    }
    bytes
}

fn minimal(bytes: &[u8]) -> Vec<u8> {
    bytes.iter().copied().skip_while(|b| *b == 0).collect()
}

/// The curve a Node name denotes, as a set of functions; None for one BoringSSL does not have.
fn curve(name: &str) -> Option<Ops> {
    Some(match name {
        "secp224r1" => ops::<p224::NistP224>(),
        "prime256v1" => ops::<p256::NistP256>(),
        "secp384r1" => ops::<p384::NistP384>(),
        "secp521r1" => ops::<p521::NistP521>(),
        _ => return None,
    })
}

type Bytes = Result<Vec<u8>, EcdhError>;

struct Ops {
    public_of: fn(&[u8]) -> Bytes,
    generate: fn(&mut HostRng<'_>) -> Vec<u8>,
    secret: fn(&[u8], &[u8]) -> Bytes,
    convert: fn(&[u8], PointForm) -> Bytes,
}

fn ops<C>() -> Ops
where
    C: CurveArithmetic + elliptic_curve::point::PointCompression,
    AffinePoint<C>: FromEncodedPoint<C> + ToEncodedPoint<C>,
    FieldBytesSize<C>: ModulusSize,
{
    Ops {
        public_of: Curve::<C>::public_of,
        generate: Curve::<C>::generate,
        secret: Curve::<C>::secret,
        convert: Curve::<C>::convert,
    }
}

/// One point multiplication's host work.
const POINT_WORK: usize = 60_000;

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    ops.add("nodeEcdhCurve", |name: String| curve(&name).is_some())?;
    let m = ops.meter.clone();
    ops.add(
        "nodeEcdhPublic",
        move |ctx: Ctx<'js>, name: String, scalar: TypedArray<'js, u8>| {
            charge_or_stop(&ctx, &m, POINT_WORK)?;
            let result = curve(&name)
                .ok_or(EcdhError::Curve)
                .and_then(|c| (c.public_of)(&copy_bytes(&scalar)));
            answer_bytes(&ctx, result)
        },
    )?;
    let (m, io) = (ops.meter.clone(), ops.io.clone());
    ops.add("nodeEcdhGenerate", move |ctx: Ctx<'js>, name: String| {
        charge_or_stop(&ctx, &m, POINT_WORK)?;
        let result = curve(&name)
            .ok_or(EcdhError::Curve)
            .map(|c| with_host_rng(&io, |rng| (c.generate)(rng)));
        answer_bytes(&ctx, result)
    })?;
    let m = ops.meter.clone();
    ops.add(
        "nodeEcdhSecret",
        move |ctx: Ctx<'js>,
              name: String,
              scalar: TypedArray<'js, u8>,
              peer: TypedArray<'js, u8>| {
            charge_or_stop(&ctx, &m, POINT_WORK)?;
            let (scalar, peer) = (copy_bytes(&scalar), copy_bytes(&peer));
            let result = curve(&name)
                .ok_or(EcdhError::Curve)
                .and_then(|c| (c.secret)(&scalar, &peer));
            answer_bytes(&ctx, result)
        },
    )?;
    let m = ops.meter.clone();
    ops.add(
        "nodeEcdhConvert",
        move |ctx: Ctx<'js>, name: String, point: TypedArray<'js, u8>, form: String| {
            charge_or_stop(&ctx, &m, POINT_WORK)?;
            let form = PointForm::from_name(&form).unwrap_or(PointForm::Uncompressed);
            let result = curve(&name)
                .ok_or(EcdhError::Curve)
                .and_then(|c| (c.convert)(&copy_bytes(&point), form));
            answer_bytes(&ctx, result)
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        crate::digest::hex(bytes)
    }

    /// The public key of scalar 1 is the generator (workerd answered this point for P-256).
    #[test]
    fn scalar_one_gives_the_generator_in_every_form() {
        let p256 = curve("prime256v1").unwrap_or_else(|| panic!("P-256"));
        let g = (p256.public_of)(&[1]).unwrap_or_default();
        assert_eq!(
            hex(&g),
            "046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"
        );
        let compressed = (p256.convert)(&g, PointForm::Compressed).unwrap_or_default();
        assert_eq!(compressed[0], 3);
        let hybrid = (p256.convert)(&compressed, PointForm::Hybrid).unwrap_or_default();
        assert_eq!((hybrid[0], &hybrid[1..]), (7, &g[1..]));
        assert_eq!((p256.convert)(&hybrid, PointForm::Uncompressed), Ok(g));
        let mut wrong = hybrid.clone();
        wrong[0] = 6;
        assert_eq!(
            (p256.convert)(&wrong, PointForm::Uncompressed),
            Err(EcdhError::Point)
        );
    }

    #[test]
    fn bad_scalars_and_points_are_refused_and_secrets_agree() {
        let p384 = curve("secp384r1").unwrap_or_else(|| panic!("P-384"));
        assert_eq!((p384.public_of)(&[0; 48]), Err(EcdhError::PrivateKey));
        assert_eq!((p384.public_of)(&[255; 48]), Err(EcdhError::PrivateKey));
        assert_eq!((p384.public_of)(&[1; 49]), Err(EcdhError::PrivateKey));
        assert_eq!((p384.secret)(&[3; 48], &[1; 97]), Err(EcdhError::Point));
        let (a, b) = ([3u8; 48], [5u8; 48]);
        let (pa, pb) = (
            (p384.public_of)(&a).unwrap_or_default(),
            (p384.public_of)(&b).unwrap_or_default(),
        );
        let shared = (p384.secret)(&a, &pb).unwrap_or_default();
        assert_eq!((p384.secret)(&b, &pa), Ok(shared.clone()));
        // As workerd answered for these two scalars.
        assert_eq!(
            hex(&shared),
            "37adb04b5d70cc6132dbdebd90b35b585501ed878b1f9af08d267a462e43494c2eb98d38fc2bae3de19998525916eca7"
        );
        assert!(curve("secp256k1").is_none());
    }
}
