//! node:crypto's finite-field Diffie-Hellman as workerd's BoringSSL does it: the RFC 3526 groups
//! workerd offers (modp14 to modp18), parameters generated for a size and generator, the checks
//! of parameters (`verifyError`) and of public keys, keys drawn from the run's randomness, and
//! secrets padded to the prime's size. The state (prime, generator, keys) lives in JavaScript;
//! these functions are pure but for the randomness.

use ::crypto_primes::Flavor;
use rquickjs::{Array, Ctx, TypedArray, Value};
use rsa::BigUint;

use super::crypto::{NativeError, answer_bytes};
use super::crypto_primes::{self as primes, test_work};
use super::ops::hex_decode_lenient;
use crate::api::crypto::{HostRng, with_host_rng};
use crate::engine::catalog::OpSet;
use crate::engine::ops::{charge_or_stop, copy_bytes};

/// BoringSSL's `OPENSSL_DH_MAX_MODULUS_BITS`.
pub const MAX_MODULUS_BITS: u32 = 10_000;
/// `DH_check`'s flags, as `verifyError` reports them.
pub const P_NOT_PRIME: u32 = 1;
pub const P_NOT_SAFE_PRIME: u32 = 2;
pub const UNABLE_TO_CHECK_GENERATOR: u32 = 4;
pub const NOT_SUITABLE_GENERATOR: u32 = 8;

const GROUPS: &str = include_str!("modp_groups.txt");

/// The prime of the group `name` (compared as BoringSSL does: case aside, on 7 characters, so
/// `modp14` and `MODP14` name it and `modp14x` does not).
pub fn group_prime(name: &str) -> Option<Vec<u8>> {
    let key: Vec<u8> = name.bytes().chain(std::iter::once(0)).take(7).collect();
    GROUPS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|line| {
            let (group, hex) = line.split_once(' ')?;
            let group: Vec<u8> = group.bytes().chain(std::iter::once(0)).take(7).collect();
            group
                .eq_ignore_ascii_case(&key)
                .then(|| hex_decode_lenient(hex.as_bytes()))
        })
}

/// Why parameters, keys or a secret were refused, with workerd's class and text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DhError {
    #[error("DiffieHellman init failed: could not generate parameters")]
    Generate,
    #[error("DiffieHellman init failed: requested prime size too large")]
    SizeTooLarge,
    #[error("DiffieHellman init failed: key generation exceeded CPU limit")]
    Cpu,
    #[error("DiffieHellman computeSecret() failed: error computing shared secret")]
    NoPrivateKey,
}

impl NativeError for DhError {
    fn class(&self) -> &'static str {
        if *self == DhError::SizeTooLarge {
            "RangeError"
        } else {
            "Error"
        }
    }
}

/// A prime of `bits` bits for `generator`, as `DH_generate_parameters_ex` makes it: a safe
/// prime congruent to 11 mod 24 for generator 2, 3 mod 10 for 5, else any safe prime.
pub fn generate_prime(
    rng: &mut HostRng<'_>,
    bits: i32,
    generator: i32,
    tested: &mut dyn FnMut() -> bool,
) -> Result<Vec<u8>, DhError> {
    if bits > MAX_MODULUS_BITS as i32 {
        return Err(DhError::SizeTooLarge);
    }
    let bits = u32::try_from(bits)
        .ok()
        .filter(|b| *b >= 3)
        .ok_or(DhError::Generate)?;
    if generator <= 1 {
        return Err(DhError::Generate);
    }
    let congruence = match generator {
        2 => (24, 11),
        5 => (10, 3),
        _ => (2, 1),
    };
    let mut stopped = false;
    let mut tested_or_stop = || {
        let go_on = tested();
        stopped |= !go_on;
        go_on
    };
    match primes::draw(
        rng,
        bits,
        Flavor::Safe,
        Some(congruence),
        &mut tested_or_stop,
    ) {
        Ok(prime) => Ok(prime
            .to_be_bytes()
            .into_vec()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect()),
        Err(_) if stopped => Err(DhError::Cpu),
        Err(_) => Err(DhError::Generate),
    }
}

fn is_prime(n: &BigUint) -> bool {
    primes::check(&n.to_bytes_be(), 0).unwrap_or(false)
}

/// `DH_check` without a subgroup order: whether the generator suits the prime, and whether the
/// prime is prime and safe.
pub fn check(prime: &[u8], generator: &[u8]) -> u32 {
    let p = BigUint::from_bytes_be(prime);
    let g = BigUint::from_bytes_be(generator);
    let mut flags = 0;
    if g == BigUint::from(2u32) {
        if &p % 24u32 != BigUint::from(11u32) {
            flags |= NOT_SUITABLE_GENERATOR;
        }
    } else if g == BigUint::from(5u32) {
        let r = &p % 10u32;
        if r != BigUint::from(3u32) && r != BigUint::from(7u32) {
            flags |= NOT_SUITABLE_GENERATOR;
        }
    } else {
        flags |= UNABLE_TO_CHECK_GENERATOR;
    }
    if !is_prime(&p) {
        flags |= P_NOT_PRIME;
    } else if p > BigUint::from(1u32) && !is_prime(&((&p - 1u32) >> 1)) {
        flags |= P_NOT_SAFE_PRIME;
    }
    flags
}

/// A public key's place against the prime: 0 fits, 1 is at most 1, 2 is at least `p - 1`.
pub fn check_public(prime: &[u8], key: &[u8]) -> u32 {
    let p = BigUint::from_bytes_be(prime);
    let k = BigUint::from_bytes_be(key);
    if k <= BigUint::from(1u32) {
        1
    } else if k >= &p - 1u32 {
        2
    } else {
        0
    }
}

/// The key pair: `private` as given, or one of `bits(p) - 1` bits drawn with its top bit set;
/// the public key `g^private mod p`. Both big-endian without leading zeros.
pub fn generate_keys(
    rng: &mut HostRng<'_>,
    prime: &[u8],
    generator: &[u8],
    private: Option<&[u8]>,
) -> (Vec<u8>, Vec<u8>) {
    let p = BigUint::from_bytes_be(prime);
    let private = match private {
        Some(key) => BigUint::from_bytes_be(key),
        None => random_private(rng, p.bits().saturating_sub(1)),
    };
    let public = BigUint::from_bytes_be(generator).modpow(&private, &p);
    (minimal(&private), minimal(&public))
}

fn random_private(rng: &mut HostRng<'_>, bits: usize) -> BigUint {
    let mut bytes = vec![0u8; bits.div_ceil(8).max(1)];
    (rng.0)(&mut bytes);
    let excess = (bytes.len() * 8 - bits) as u32;
    bytes[0] &= 0xff_u8.checked_shr(excess).unwrap_or(0);
    if bits > 0 {
        bytes[0] |= 0x80 >> excess;
    }
    BigUint::from_bytes_be(&bytes)
}

fn minimal(n: &BigUint) -> Vec<u8> {
    let bytes = n.to_bytes_be();
    if bytes == [0] { Vec::new() } else { bytes }
}

/// `peer^private mod p`, zero-padded to the prime's size.
pub fn compute_secret(
    prime: &[u8],
    private: Option<&[u8]>,
    peer: &[u8],
) -> Result<Vec<u8>, DhError> {
    let private = private.ok_or(DhError::NoPrivateKey)?;
    let p = BigUint::from_bytes_be(prime);
    let secret = BigUint::from_bytes_be(peer)
        .modpow(&BigUint::from_bytes_be(private), &p)
        .to_bytes_be();
    let size = p.bits().div_ceil(8);
    let mut out = vec![0u8; size.saturating_sub(secret.len())];
    out.extend_from_slice(&secret);
    Ok(out)
}

/// Whether `n` (big-endian) is odd and greater than `g`: a prime BoringSSL takes.
pub fn usable_prime(prime: &[u8], generator: &[u8]) -> bool {
    let odd = prime.last().is_some_and(|b| b & 1 == 1);
    odd && BigUint::from_bytes_be(generator) < BigUint::from_bytes_be(prime)
}

/// The host work of one exponentiation modulo a `bits`-bit prime.
fn modpow_work(bits: usize) -> usize {
    test_work(bits as u32)
}

fn bytes_or_null<'js>(ctx: &Ctx<'js>, bytes: Option<Vec<u8>>) -> rquickjs::Result<Value<'js>> {
    match bytes {
        Some(b) => Ok(TypedArray::<u8>::new(ctx.clone(), b)?.into_value()),
        None => Ok(Value::new_null(ctx.clone())),
    }
}

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    ops.add("nodeDhGroup", |ctx: Ctx<'js>, name: String| {
        bytes_or_null(&ctx, group_prime(&name))
    })?;
    let (m, io) = (ops.meter.clone(), ops.io.clone());
    ops.add(
        "nodeDhGenerateParams",
        move |ctx: Ctx<'js>, bits: i32, generator: i32| {
            let mut tested = primes::charging_candidates(&m, bits.max(0) as u32);
            let result =
                with_host_rng(&io, |rng| generate_prime(rng, bits, generator, &mut tested));
            charge_or_stop(&ctx, &m, 0)?;
            answer_bytes(&ctx, result)
        },
    )?;
    let m = ops.meter.clone();
    ops.add(
        "nodeDhCheck",
        move |ctx: Ctx<'js>, prime: TypedArray<'js, u8>, generator: TypedArray<'js, u8>| {
            let prime = copy_bytes(&prime);
            charge_or_stop(&ctx, &m, 2 * test_work(prime.len() as u32 * 8))?;
            Ok::<_, rquickjs::Error>(check(&prime, &copy_bytes(&generator)))
        },
    )?;
    ops.add(
        "nodeDhCheckPublic",
        |prime: TypedArray<'js, u8>, key: TypedArray<'js, u8>| {
            check_public(&copy_bytes(&prime), &copy_bytes(&key))
        },
    )?;
    ops.add(
        "nodeDhUsablePrime",
        |prime: TypedArray<'js, u8>, generator: TypedArray<'js, u8>| {
            usable_prime(&copy_bytes(&prime), &copy_bytes(&generator))
        },
    )?;
    let (m, io) = (ops.meter.clone(), ops.io.clone());
    ops.add(
        "nodeDhGenerateKeys",
        move |ctx: Ctx<'js>,
              prime: TypedArray<'js, u8>,
              generator: TypedArray<'js, u8>,
              private: Option<TypedArray<'js, u8>>| {
            let (prime, generator) = (copy_bytes(&prime), copy_bytes(&generator));
            charge_or_stop(&ctx, &m, modpow_work(prime.len() * 8))?;
            let private = private.map(|k| copy_bytes(&k));
            let (private, public) = with_host_rng(&io, |rng| {
                generate_keys(rng, &prime, &generator, private.as_deref())
            });
            let out = Array::new(ctx.clone())?;
            out.set(0, TypedArray::<u8>::new(ctx.clone(), private)?)?;
            out.set(1, TypedArray::<u8>::new(ctx.clone(), public)?)?;
            Ok::<_, rquickjs::Error>(out.into_value())
        },
    )?;
    let m = ops.meter.clone();
    ops.add(
        "nodeDhComputeSecret",
        move |ctx: Ctx<'js>,
              prime: TypedArray<'js, u8>,
              private: Option<TypedArray<'js, u8>>,
              peer: TypedArray<'js, u8>| {
            let prime = copy_bytes(&prime);
            charge_or_stop(&ctx, &m, modpow_work(prime.len() * 8))?;
            let private = private.map(|k| copy_bytes(&k));
            let secret = compute_secret(&prime, private.as_deref(), &copy_bytes(&peer)).ok();
            bytes_or_null(&ctx, secret)
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_found_as_boringssl_finds_them() {
        assert_eq!(group_prime("modp14").map(|p| p.len()), Some(256));
        assert_eq!(group_prime("MODP18").map(|p| p.len()), Some(1024));
        assert_eq!(group_prime("modp14xyz"), None);
        assert_eq!(group_prime("modp1"), None);
        assert_eq!(group_prime("modp2"), None);
    }

    #[test]
    fn checks_flag_what_dh_check_flags() {
        // (p, g) → flags, as workerd answered (reference snippets node-crypto-dh).
        for (p, g, flags) in [
            (vec![23], vec![2], 8),
            (vec![23], vec![5], 0),
            (vec![11], vec![2], 0),
            (vec![7], vec![3], 4),
            (vec![0xff, 0xff, 0xff, 0xfb], vec![2], 2),
            (vec![1, 0, 0, 0, 0, 0, 0, 0x3d], vec![3], 5),
        ] {
            assert_eq!(check(&p, &g), flags, "{p:?} {g:?}");
        }
        let modp14 = group_prime("modp14").unwrap_or_default();
        assert_eq!(check(&modp14, &[2]), 8);
    }

    #[test]
    fn generated_primes_are_safe_and_congruent_and_secrets_agree() {
        use rand::{RngCore, SeedableRng};
        let mut chacha = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let mut fill = |b: &mut [u8]| chacha.fill_bytes(b);
        let mut rng = HostRng(&mut fill);
        let p = generate_prime(&mut rng, 64, 2, &mut || true).unwrap_or_default();
        assert_eq!(check(&p, &[2]), 0);
        let (a, pub_a) = generate_keys(&mut rng, &p, &[2], None);
        let (b, pub_b) = generate_keys(&mut rng, &p, &[2], None);
        assert_eq!(a.len(), 8);
        assert_eq!(
            compute_secret(&p, Some(&a), &pub_b),
            compute_secret(&p, Some(&b), &pub_a)
        );
        assert_eq!(
            generate_prime(&mut rng, 2, 2, &mut || true),
            Err(DhError::Generate)
        );
        assert_eq!(
            generate_prime(&mut rng, 10001, 2, &mut || true),
            Err(DhError::SizeTooLarge)
        );
    }
}
