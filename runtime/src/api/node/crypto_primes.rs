//! node:crypto's primes, as workerd's BoringSSL makes and tests them: `generatePrime` draws a
//! number of the size asked for with its two top bits set (or, given `add`, one congruent to
//! `rem` modulo it) until one is prime (and, for a safe prime, its `(p - 1) / 2` too), from the
//! run's randomness; `checkPrime` runs Baillie-PSW, which no composite is known to pass, whatever
//! number of Miller-Rabin rounds the caller asks for. Work is charged per candidate tested, and a
//! Worker past its CPU limit stops between candidates, as workerd's limit enforcer stops
//! BoringSSL's loop.

use crypto_bigint07::BoxedUint;
use std::cell::{Cell, RefCell};

use crypto_primes::Flavor;
use crypto_primes::hazmat::{SetBits, SmallFactorsSieveFactory};
use rquickjs::{Ctx, TypedArray, Value};

use super::crypto::{NativeError, answer, answer_bytes};
use crate::api::crypto::{HostRng, with_host_rng};
use crate::engine::catalog::OpSet;
use crate::engine::cpu::CpuMeter;
use crate::engine::ops::{charge_or_stop, copy_bytes};

/// workerd's `kMaxPrimeBits`.
pub const MAX_PRIME_BITS: u32 = 8192;
/// BoringSSL's most Miller-Rabin rounds, the most `checks` workerd takes.
pub const MAX_CHECKS: u32 = 64;
/// Below this the sieve has too few numbers to work with: draw candidates one by one.
const SIEVE_MIN_BITS: u32 = 16;
/// The `add`/`rem` pairs workerd accepts (the generators of Diffie-Hellman groups); others can
/// send BoringSSL into an endless loop, so workerd refuses them.
const ADD_REM_PAIRS: [(u8, u8); 3] = [(12, 11), (24, 23), (60, 59)];

/// Why a prime was not made, each with workerd's class and text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrimeError {
    #[error("generatePrime size exceeds maximum ({MAX_PRIME_BITS} bits)")]
    TooLarge,
    #[error("Invalid values for add and rem")]
    AddRem,
    #[error("options.add must not be bigger than size of the requested prime")]
    AddTooBig,
    #[error("Error while generating prime")]
    Failed,
    #[error("Invalid number of checks")]
    Checks,
    #[error("checkPrime candidate exceeds maximum size")]
    CandidateTooLarge,
}

impl NativeError for PrimeError {
    fn class(&self) -> &'static str {
        if *self == PrimeError::Failed {
            "Error"
        } else {
            "RangeError"
        }
    }
}

/// The host work one primality test (or modular exponentiation) of a `bits`-bit number costs:
/// cubic in its size, about 1.5 ms at 2048 bits as BoringSSL's Montgomery code runs.
pub fn test_work(bits: u32) -> usize {
    let bits = bits.max(64) as usize;
    bits * bits * bits / 5_700
}

/// Called before each candidate a search tests: charges the test and answers whether the CPU
/// limit still lets the search go on.
pub fn charging_candidates(meter: &CpuMeter, bits: u32) -> impl FnMut() -> bool + '_ {
    move || {
        meter.charge_host(test_work(bits));
        !meter.past_deadline()
    }
}

/// Whether the big-endian `candidate` is prime.
pub fn check(candidate: &[u8], checks: u32) -> Result<bool, PrimeError> {
    if checks > MAX_CHECKS {
        return Err(PrimeError::Checks);
    }
    if candidate.len() > (MAX_PRIME_BITS / 8) as usize {
        return Err(PrimeError::CandidateTooLarge);
    }
    let n = BoxedUint::from_be_slice_vartime(candidate);
    Ok(crypto_primes::is_prime(Flavor::Any, &n))
}

/// What `generatePrime` asks for.
pub struct PrimeRequest<'a> {
    pub bits: u32,
    pub safe: bool,
    pub add: Option<&'a [u8]>,
    pub rem: Option<&'a [u8]>,
}

/// A prime as `request` asks, big-endian in `ceil(bits / 8)` bytes. `tested` is told of each
/// candidate before it is tested and answers whether to go on (false: the CPU limit is past).
pub fn generate(
    rng: &mut HostRng<'_>,
    request: &PrimeRequest<'_>,
    tested: &mut dyn FnMut() -> bool,
) -> Result<Vec<u8>, PrimeError> {
    let PrimeRequest { bits, safe, .. } = *request;
    if bits > MAX_PRIME_BITS {
        return Err(PrimeError::TooLarge);
    }
    let flavor = if safe { Flavor::Safe } else { Flavor::Any };
    let congruence = match request.add {
        Some(add) => Some(congruence(add, request.rem, bits)?),
        None => None,
    };
    if bits < 2 || (bits == 2 && safe) {
        return Err(PrimeError::Failed);
    }
    let found = match congruence {
        Some((add, rem)) => draw(rng, bits, flavor, Some((add, rem)), tested),
        None if bits < SIEVE_MIN_BITS => draw(rng, bits, flavor, None, tested),
        None => sieve(rng, bits, flavor, tested),
    }?;
    let mut out = found.to_be_bytes().into_vec();
    let len = bits.div_ceil(8) as usize;
    out.drain(..out.len().saturating_sub(len));
    Ok(out)
}

/// `add` and `rem` as small numbers, if they are a pair workerd accepts for a `bits`-bit prime.
fn congruence(add: &[u8], rem: Option<&[u8]>, bits: u32) -> Result<(u8, u8), PrimeError> {
    let small = |bytes: &[u8]| -> Option<u8> {
        let significant: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
        match significant.as_slice() {
            [] => Some(0),
            [b] => Some(*b),
            _ => None,
        }
    };
    let pair = small(add).zip(rem.and_then(small));
    let Some((add, rem)) = pair.filter(|p| ADD_REM_PAIRS.contains(p)) else {
        return Err(PrimeError::AddRem);
    };
    if u8::BITS - add.leading_zeros() > bits {
        return Err(PrimeError::AddTooBig);
    }
    Ok((add, rem))
}

/// One candidate at a time: random with its top two bits and its low bit set, or, given
/// `(add, rem)`, with its top bit set and moved to the nearest number below it that is `rem`
/// modulo `add`.
pub(super) fn draw(
    rng: &mut HostRng<'_>,
    bits: u32,
    flavor: Flavor,
    congruence: Option<(u8, u8)>,
    tested: &mut dyn FnMut() -> bool,
) -> Result<BoxedUint, PrimeError> {
    let len = bits.div_ceil(8) as usize;
    let excess = (len * 8) as u32 - bits;
    loop {
        let mut bytes = vec![0u8; len];
        (rng.0)(&mut bytes);
        bytes[0] &= 0xff >> excess;
        set_bit_from_top(&mut bytes, excess);
        if congruence.is_none() {
            set_bit_from_top(&mut bytes, excess + 1);
        }
        if let Some((add, rem)) = congruence {
            let modulo = bytes
                .iter()
                .fold(0u32, |m, b| (m * 256 + u32::from(*b)) % u32::from(add));
            if !shift_by(&mut bytes, i64::from(rem) - i64::from(modulo)) {
                continue;
            }
        } else if let Some(last) = bytes.last_mut() {
            *last |= 1;
        }
        let candidate = BoxedUint::from_be_slice_vartime(&bytes);
        if candidate.bit_width_vartime() != bits {
            continue;
        }
        if !tested() {
            return Err(PrimeError::Failed);
        }
        if crypto_primes::is_prime(flavor, &candidate) {
            return Ok(candidate);
        }
    }
}

/// Sets the bit `index` places from the top of the big-endian number.
fn set_bit_from_top(bytes: &mut [u8], index: u32) {
    if let Some(byte) = bytes.get_mut((index / 8) as usize) {
        *byte |= 0x80 >> (index % 8);
    }
}

/// Adds `delta` to the big-endian number; false if it would go below zero or past its width.
fn shift_by(bytes: &mut [u8], delta: i64) -> bool {
    let mut carry = delta;
    for byte in bytes.iter_mut().rev() {
        if carry == 0 {
            return true;
        }
        let sum = i64::from(*byte) + carry;
        *byte = sum.rem_euclid(256) as u8;
        carry = sum.div_euclid(256);
    }
    carry == 0
}

/// Candidates of `bits` bits with their two top bits set, through crypto-primes' sieve of small
/// factors, tested until one is prime.
fn sieve(
    rng: &mut HostRng<'_>,
    bits: u32,
    flavor: Flavor,
    tested: &mut dyn FnMut() -> bool,
) -> Result<BoxedUint, PrimeError> {
    let factory = SmallFactorsSieveFactory::<BoxedUint>::new(flavor, bits, SetBits::TwoMsb)
        .map_err(|_| PrimeError::Failed)?;
    // The sieve takes a `Fn`: a stop ends its search with the candidate at hand, refused below.
    let stopped = Cell::new(false);
    let tested = RefCell::new(tested);
    let found = crypto_primes::sieve_and_find(rng, factory, |_, candidate| {
        if stopped.get() || !(tested.borrow_mut())() {
            stopped.set(true);
            return true;
        }
        crypto_primes::is_prime(flavor, candidate)
    })
    .map_err(|_| PrimeError::Failed)?;
    match found {
        Some(prime) if !stopped.get() => Ok(prime),
        _ => Err(PrimeError::Failed),
    }
}

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let m = ops.meter.clone();
    ops.add(
        "nodeCheckPrime",
        move |ctx: Ctx<'js>, candidate: TypedArray<'js, u8>, checks: u32| {
            let candidate = copy_bytes(&candidate);
            charge_or_stop(&ctx, &m, test_work(candidate.len() as u32 * 8))?;
            let result = check(&candidate, checks).map(|prime| Value::new_bool(ctx.clone(), prime));
            answer(&ctx, result)
        },
    )?;
    let (m, io) = (ops.meter.clone(), ops.io.clone());
    ops.add(
        "nodeRandomPrime",
        move |ctx: Ctx<'js>,
              bits: u32,
              safe: bool,
              add: Option<TypedArray<'js, u8>>,
              rem: Option<TypedArray<'js, u8>>| {
            let (add, rem) = (add.map(|a| copy_bytes(&a)), rem.map(|r| copy_bytes(&r)));
            let request = PrimeRequest {
                bits,
                safe,
                add: add.as_deref(),
                rem: rem.as_deref(),
            };
            let mut tested = charging_candidates(&m, bits);
            let generated = with_host_rng(&io, |rng| generate(rng, &request, &mut tested));
            // Past the limit: stop the Worker as any other work past it does.
            charge_or_stop(&ctx, &m, 0)?;
            answer_bytes(&ctx, generated)
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngCore, SeedableRng};

    fn prime(seed: u64, request: &PrimeRequest<'_>) -> Result<Vec<u8>, PrimeError> {
        let mut chacha = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut fill = |b: &mut [u8]| chacha.fill_bytes(b);
        generate(&mut HostRng(&mut fill), request, &mut || true)
    }

    fn number(bytes: &[u8]) -> u128 {
        bytes.iter().fold(0, |n, b| n * 256 + u128::from(*b))
    }

    #[test]
    fn primes_have_their_two_top_bits_set_and_pass_the_check() {
        for bits in [2, 3, 5, 8, 15, 16, 31, 64, 100] {
            let p = prime(
                1,
                &PrimeRequest {
                    bits,
                    safe: false,
                    add: None,
                    rem: None,
                },
            )
            .unwrap();
            assert_eq!(p.len(), bits.div_ceil(8) as usize, "{bits}");
            assert_eq!(check(&p, 0), Ok(true), "{bits}");
            if bits <= 64 {
                let n = number(&p);
                assert_eq!(128 - n.leading_zeros(), bits, "{bits}: {n}");
                assert_eq!(n >> (bits - 2), 3, "{bits}: {n}");
            }
        }
        assert_eq!(
            number(
                &prime(
                    9,
                    &PrimeRequest {
                        bits: 2,
                        safe: false,
                        add: None,
                        rem: None
                    }
                )
                .unwrap()
            ),
            3
        );
    }

    #[test]
    fn safe_primes_and_congruences_hold_and_one_seed_gives_one_prime() {
        let safe = PrimeRequest {
            bits: 40,
            safe: true,
            add: None,
            rem: None,
        };
        let p = number(&prime(2, &safe).unwrap());
        assert_eq!(check(&((p - 1) / 2).to_be_bytes(), 0), Ok(true));
        assert_eq!(prime(2, &safe), prime(2, &safe));
        assert_ne!(prime(2, &safe), prime(3, &safe));
        for (add, rem) in ADD_REM_PAIRS {
            let request = PrimeRequest {
                bits: 48,
                safe: false,
                add: Some(&[add]),
                rem: Some(&[0, rem]),
            };
            let p = number(&prime(4, &request).unwrap());
            assert_eq!(p % u128::from(add), u128::from(rem));
            assert_eq!(128 - p.leading_zeros(), 48);
        }
    }

    #[test]
    fn refusals_are_workerds() {
        let request = |bits, add: Option<&'static [u8]>, rem: Option<&'static [u8]>| PrimeRequest {
            bits,
            safe: false,
            add,
            rem,
        };
        assert_eq!(
            prime(1, &request(48, Some(&[12]), Some(&[5]))),
            Err(PrimeError::AddRem)
        );
        assert_eq!(
            prime(1, &request(48, Some(&[12]), None)),
            Err(PrimeError::AddRem)
        );
        assert_eq!(
            prime(1, &request(3, Some(&[12]), Some(&[11]))),
            Err(PrimeError::AddTooBig)
        );
        assert_eq!(prime(1, &request(1, None, None)), Err(PrimeError::Failed));
        assert_eq!(
            prime(1, &request(8193, None, None)),
            Err(PrimeError::TooLarge)
        );
        assert_eq!(check(&[7], 65), Err(PrimeError::Checks));
        assert_eq!(check(&[0; 1025], 0), Err(PrimeError::CandidateTooLarge));
        assert_eq!(
            (check(&[], 0), check(&[1], 0), check(&[2], 0)),
            (Ok(false), Ok(false), Ok(true))
        );
        assert_eq!(check(&561u32.to_be_bytes(), 64), Ok(false));
    }
}
