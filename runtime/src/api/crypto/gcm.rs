//! AES-GCM as WebCrypto defines it (NIST SP 800-38D): an IV of any length and a tag of 32 to
//! 128 bits. The `aes-gcm` crate fixes the nonce length at compile time and the tag at 96 to 128
//! bits, so the mode is put together here from its two primitives, the block cipher (`aes`) and
//! GHASH (`ghash`); its tests check it against `aes-gcm` wherever both apply.

use aes::cipher::consts::U16;
use aes::cipher::{BlockCipher, BlockEncrypt, BlockSizeUser, KeyInit};
use ghash::GHash;
use ghash::universal_hash::UniversalHash;
use subtle::ConstantTimeEq;

/// Why GCM did not produce output; the caller words it as workerd does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GcmError {
    KeyLength,
    /// The tag did not match: wrong key, IV, data or additional data.
    Authentication,
}

/// Encrypts `data` (returning ciphertext then a `tag_bytes` tag) or decrypts it (`data` ends
/// with the tag; the caller has checked it is at least that long).
pub fn gcm(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    data: &[u8],
    tag_bytes: usize,
    decrypt: bool,
) -> Result<Vec<u8>, GcmError> {
    match key.len() {
        16 => with_cipher::<aes::Aes128>(key, iv, aad, data, tag_bytes, decrypt),
        24 => with_cipher::<aes::Aes192>(key, iv, aad, data, tag_bytes, decrypt),
        32 => with_cipher::<aes::Aes256>(key, iv, aad, data, tag_bytes, decrypt),
        _ => Err(GcmError::KeyLength),
    }
}

/// GHASH under `h` of `parts` (each zero-padded), then their bit lengths.
fn ghash_of(h: &aes::Block, parts: &[&[u8]]) -> aes::Block {
    let mut g = GHash::new(h);
    let mut lengths = [0u8; 16];
    for part in parts {
        g.update_padded(part);
    }
    if let [a, c] = parts {
        lengths[..8].copy_from_slice(&(a.len() as u64 * 8).to_be_bytes());
        lengths[8..].copy_from_slice(&(c.len() as u64 * 8).to_be_bytes());
    } else if let [one] = parts {
        lengths[8..].copy_from_slice(&(one.len() as u64 * 8).to_be_bytes());
    }
    g.update(&[lengths.into()]);
    g.finalize()
}

/// The pre-counter block J0: the IV and a counter of 1 for a 96-bit IV, else the IV's GHASH.
fn counter0_for(h: &aes::Block, iv: &[u8]) -> aes::Block {
    if iv.len() == 12 {
        let mut block = aes::Block::default();
        block[..12].copy_from_slice(iv);
        block[15] = 1;
        block
    } else {
        ghash_of(h, &[iv])
    }
}

/// J0 for `key` and `iv`, for callers that run GCM's counter mode themselves (node:crypto's
/// ciphers, which hand out output update by update).
pub fn counter0(key: &[u8], iv: &[u8]) -> Result<[u8; 16], GcmError> {
    fn with<C: BlockEncrypt + KeyInit + BlockSizeUser<BlockSize = U16>>(
        key: &[u8],
        iv: &[u8],
    ) -> Result<[u8; 16], GcmError> {
        let cipher = C::new_from_slice(key).map_err(|_| GcmError::KeyLength)?;
        let mut h = aes::Block::default();
        cipher.encrypt_block(&mut h);
        Ok(counter0_for(&h, iv).into())
    }
    match key.len() {
        16 => with::<aes::Aes128>(key, iv),
        24 => with::<aes::Aes192>(key, iv),
        32 => with::<aes::Aes256>(key, iv),
        _ => Err(GcmError::KeyLength),
    }
}

fn with_cipher<C>(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    data: &[u8],
    tag_bytes: usize,
    decrypt: bool,
) -> Result<Vec<u8>, GcmError>
where
    C: BlockCipher + BlockEncrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
{
    let cipher = C::new_from_slice(key).map_err(|_| GcmError::KeyLength)?;
    let mut h = aes::Block::default();
    cipher.encrypt_block(&mut h);
    let ghash = |parts: &[&[u8]]| ghash_of(&h, parts);
    let j0 = counter0_for(&h, iv);
    let (input, tag) = if decrypt {
        data.split_at(data.len() - tag_bytes)
    } else {
        (data, &[][..])
    };
    // GCTR from inc32(J0): the low 32 bits of the counter block count up, wrapping.
    let mut out = input.to_vec();
    let mut counter = u32::from_be_bytes([j0[12], j0[13], j0[14], j0[15]]);
    for chunk in out.chunks_mut(16) {
        counter = counter.wrapping_add(1);
        let mut keystream = j0;
        keystream[12..].copy_from_slice(&counter.to_be_bytes());
        cipher.encrypt_block(&mut keystream);
        for (byte, k) in chunk.iter_mut().zip(keystream.iter()) {
            *byte ^= k;
        }
    }
    let ciphertext = if decrypt { input } else { &out[..] };
    let mut full_tag = ghash(&[aad, ciphertext]);
    let mut mask = j0;
    cipher.encrypt_block(&mut mask);
    for (t, m) in full_tag.iter_mut().zip(mask.iter()) {
        *t ^= m;
    }
    if decrypt {
        if !bool::from(full_tag[..tag_bytes].ct_eq(tag)) {
            return Err(GcmError::Authentication);
        }
    } else {
        out.extend_from_slice(&full_tag[..tag_bytes]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aes_gcm::AesGcm;
    use aes_gcm::aead::consts::{U12, U16};
    use aes_gcm::aead::{Aead, Payload};
    use proptest::prelude::*;

    fn reference_16_byte_iv(key: &[u8; 16], iv: &[u8], aad: &[u8], msg: &[u8]) -> Vec<u8> {
        let c = AesGcm::<aes::Aes128, U16>::new_from_slice(key).unwrap();
        c.encrypt(aes_gcm::Nonce::<U16>::from_slice(iv), Payload { msg, aad })
            .unwrap()
    }

    proptest! {
        /// Where the `aes-gcm` crate applies (12- and 16-byte IVs, 128-bit tags), it agrees.
        #[test]
        fn agrees_with_the_aes_gcm_crate(
            key in prop::array::uniform32(any::<u8>()),
            iv12 in prop::array::uniform12(any::<u8>()),
            iv16 in prop::array::uniform16(any::<u8>()),
            aad in prop::collection::vec(any::<u8>(), 0..40),
            msg in prop::collection::vec(any::<u8>(), 0..100),
        ) {
            let c = AesGcm::<aes::Aes256, U12>::new_from_slice(&key).unwrap();
            let want = c.encrypt(aes_gcm::Nonce::<U12>::from_slice(&iv12), Payload { msg: &msg, aad: &aad }).unwrap();
            prop_assert_eq!(&gcm(&key, &iv12, &aad, &msg, 16, false).unwrap(), &want);
            prop_assert_eq!(gcm(&key, &iv12, &aad, &want, 16, true).unwrap(), msg.clone());

            let key16: [u8; 16] = key[..16].try_into().unwrap();
            let want = reference_16_byte_iv(&key16, &iv16, &aad, &msg);
            prop_assert_eq!(gcm(&key16, &iv16, &aad, &msg, 16, false).unwrap(), want);
        }

        /// A shorter tag is the longer one cut short, and it still authenticates.
        #[test]
        fn a_short_tag_is_a_prefix_and_authenticates(
            iv in prop::collection::vec(any::<u8>(), 1..64),
            msg in prop::collection::vec(any::<u8>(), 0..50),
            tag_bytes in prop::sample::select(vec![4usize, 8, 12, 13, 14, 15]),
        ) {
            let key = [7u8; 16];
            let full = gcm(&key, &iv, b"aad", &msg, 16, false).unwrap();
            let short = gcm(&key, &iv, b"aad", &msg, tag_bytes, false).unwrap();
            prop_assert_eq!(&short[..], &full[..msg.len() + tag_bytes]);
            prop_assert_eq!(gcm(&key, &iv, b"aad", &short, tag_bytes, true).unwrap(), msg);
            let mut forged = short.clone();
            let last = forged.len() - 1;
            forged[last] ^= 1;
            prop_assert_eq!(gcm(&key, &iv, b"aad", &forged, tag_bytes, true), Err(GcmError::Authentication));
        }
    }
}
