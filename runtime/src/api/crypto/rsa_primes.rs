//! RSA key generation on crypto-primes' sieve and Baillie-PSW test. The `rsa` crate's own
//! generator takes seconds for a 4096-bit key even in a release build (vitest configs make one
//! at top level, evaluated again in every test file's run); this one draws the same kind of
//! key (two primes of half the size each, their two top bits set so the modulus has exactly
//! the size asked for) several times faster, from the same host randomness, so a seed still
//! gives one key.

use crypto_bigint07::BoxedUint;
use crypto_primes::Flavor;
use crypto_primes::hazmat::{SetBits, SmallFactorsSieveFactory};
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPrivateKey};

use super::HostRng;

/// A key of `bits` bits with public exponent `e` (3 or 65537, checked by the caller).
pub fn generate(rng: &mut HostRng<'_>, bits: usize, e: &BigUint) -> rsa::Result<RsaPrivateKey> {
    let (p_bits, q_bits) = (bits.div_ceil(2), bits / 2);
    loop {
        let (p, q) = (prime(rng, p_bits)?, prime(rng, q_bits)?);
        if p == q {
            continue;
        }
        // A prime whose p - 1 shares a factor with e gives no key: draw again, as the rsa
        // crate's generator does.
        match RsaPrivateKey::from_p_q(p, q, e.clone()) {
            Ok(key) if key.n().bits() == bits => return Ok(key),
            _ => continue,
        }
    }
}

fn prime(rng: &mut HostRng<'_>, bits: usize) -> rsa::Result<BigUint> {
    let bits = u32::try_from(bits).map_err(|_| rsa::Error::InvalidArguments)?;
    let factory = SmallFactorsSieveFactory::<BoxedUint>::new(Flavor::Any, bits, SetBits::TwoMsb)
        .map_err(|_| rsa::Error::InvalidArguments)?;
    let found = crypto_primes::sieve_and_find(rng, factory, |_, candidate| {
        crypto_primes::is_prime(Flavor::Any, candidate)
    })
    .map_err(|_| rsa::Error::InvalidArguments)?
    .ok_or(rsa::Error::InvalidArguments)?;
    Ok(BigUint::from_bytes_be(&found.to_be_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngCore, SeedableRng};

    #[test]
    fn keys_have_the_size_asked_for_and_are_valid_and_one_seed_gives_one_key() {
        let key = |seed: u64, bits: usize| {
            let mut chacha = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            let mut fill = |b: &mut [u8]| chacha.fill_bytes(b);
            generate(&mut HostRng(&mut fill), bits, &BigUint::from(65537u32)).unwrap()
        };
        for bits in [512, 1024, 1025] {
            let k = key(7, bits);
            assert_eq!(k.n().bits(), bits);
            k.validate().unwrap();
        }
        assert_eq!(key(3, 1024), key(3, 1024));
        assert_ne!(key(3, 1024), key(4, 1024));
    }
}
