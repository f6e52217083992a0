//! Passphrase-protected private keys for node:crypto: PKCS #8 `ENCRYPTED PRIVATE KEY`s (PBES2,
//! read and written with the `pkcs8` crate: PBKDF2 and AES-CBC, and read in DES and triple DES
//! too; and PKCS #12's SHA-1 schemes with triple DES, RC4 or RC2, read here) and OpenSSL's
//! traditional encrypted PEM (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: AES-128-CBC,<iv>`, the key from
//! `EVP_BytesToKey` with MD5), in AES-CBC as BoringSSL writes them.

use aes::cipher::{BlockDecryptMut, BlockEncryptMut, InnerIvInit, KeyIvInit, block_padding::Pkcs7};
use md5::Digest;
use pkcs8::der::asn1::{ObjectIdentifier, OctetStringRef};
use pkcs8::der::{Decode, Reader, SliceReader, Tag, Tagged};
use pkcs8::pkcs5::{EncryptionScheme, pbes2};
use pkcs8::spki::AlgorithmIdentifierRef;
use pkcs8::{EncryptedPrivateKeyInfo, PrivateKeyInfo};
use rquickjs::{Ctx, TypedArray, Value};

use super::ops::hex_decode_lenient;
use crate::api::crypto::{HostRng, with_host_rng};
use crate::engine::catalog::OpSet;
use crate::engine::ops::{charge_or_stop, copy_bytes};

/// BoringSSL's PBKDF2 iterations for a key it encrypts (`PKCS5_DEFAULT_ITERATIONS`).
const ITERATIONS: u32 = 2048;
const SALT_LEN: usize = 8;

/// The ciphers a key can be encrypted with (AES in CBC mode, by key size), by OpenSSL's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCipher {
    Aes128,
    Aes192,
    Aes256,
}

impl KeyCipher {
    pub fn from_name(name: &str) -> Option<KeyCipher> {
        Some(match name.to_ascii_lowercase().as_str() {
            "aes-128-cbc" | "aes128" => KeyCipher::Aes128,
            "aes-192-cbc" | "aes192" => KeyCipher::Aes192,
            "aes-256-cbc" | "aes256" => KeyCipher::Aes256,
            _ => return None,
        })
    }

    fn key_len(self) -> usize {
        match self {
            KeyCipher::Aes128 => 16,
            KeyCipher::Aes192 => 24,
            KeyCipher::Aes256 => 32,
        }
    }

    /// The name `DEK-Info` gives it.
    fn dek_name(self) -> &'static str {
        match self {
            KeyCipher::Aes128 => "AES-128-CBC",
            KeyCipher::Aes192 => "AES-192-CBC",
            KeyCipher::Aes256 => "AES-256-CBC",
        }
    }

    fn encrypt(self, key: &[u8], iv: &[u8; 16], data: &[u8]) -> Option<Vec<u8>> {
        Some(match self {
            KeyCipher::Aes128 => cbc::Encryptor::<aes::Aes128>::new_from_slices(key, iv)
                .ok()?
                .encrypt_padded_vec_mut::<Pkcs7>(data),
            KeyCipher::Aes192 => cbc::Encryptor::<aes::Aes192>::new_from_slices(key, iv)
                .ok()?
                .encrypt_padded_vec_mut::<Pkcs7>(data),
            KeyCipher::Aes256 => cbc::Encryptor::<aes::Aes256>::new_from_slices(key, iv)
                .ok()?
                .encrypt_padded_vec_mut::<Pkcs7>(data),
        })
    }

    fn decrypt(self, key: &[u8], iv: &[u8], data: &[u8]) -> Option<Vec<u8>> {
        match self {
            KeyCipher::Aes128 => cbc::Decryptor::<aes::Aes128>::new_from_slices(key, iv)
                .ok()?
                .decrypt_padded_vec_mut::<Pkcs7>(data)
                .ok(),
            KeyCipher::Aes192 => cbc::Decryptor::<aes::Aes192>::new_from_slices(key, iv)
                .ok()?
                .decrypt_padded_vec_mut::<Pkcs7>(data)
                .ok(),
            KeyCipher::Aes256 => cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv)
                .ok()?
                .decrypt_padded_vec_mut::<Pkcs7>(data)
                .ok(),
        }
    }
}

/// The PKCS #12 password-based schemes BoringSSL reads (RFC 7292 appendix C), all over SHA-1:
/// 3-key triple DES in CBC mode (what `openssl pkcs8 -topk8` wrote by default before OpenSSL 3),
/// 128-bit RC4 and 40-bit RC2 in CBC mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pkcs12Cipher {
    TripleDes,
    Rc4,
    Rc2Bits40,
}

impl Pkcs12Cipher {
    fn of(oid: ObjectIdentifier) -> Option<Self> {
        const RC4_128: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.1");
        const TRIPLE_DES: ObjectIdentifier =
            ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.3");
        const RC2_40: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.6");
        match oid {
            TRIPLE_DES => Some(Pkcs12Cipher::TripleDes),
            RC4_128 => Some(Pkcs12Cipher::Rc4),
            RC2_40 => Some(Pkcs12Cipher::Rc2Bits40),
            _ => None,
        }
    }

    /// The key's and the IV's lengths in bytes.
    fn key_and_iv_len(self) -> (usize, usize) {
        match self {
            Pkcs12Cipher::TripleDes => (24, 8),
            Pkcs12Cipher::Rc4 => (16, 0),
            Pkcs12Cipher::Rc2Bits40 => (5, 8),
        }
    }

    fn decrypt(self, key: &[u8], iv: &[u8], data: &[u8]) -> Option<Vec<u8>> {
        use rc4::{KeyInit, StreamCipher};
        match self {
            Pkcs12Cipher::TripleDes => cbc::Decryptor::<des::TdesEde3>::new_from_slices(key, iv)
                .ok()?
                .decrypt_padded_vec_mut::<Pkcs7>(data)
                .ok(),
            Pkcs12Cipher::Rc4 => {
                let mut out = data.to_vec();
                rc4::Rc4::<rc4::consts::U16>::new_from_slice(key)
                    .ok()?
                    .apply_keystream(&mut out);
                Some(out)
            }
            Pkcs12Cipher::Rc2Bits40 => {
                let rc2 = rc2::Rc2::new_with_eff_key_len(key, 40);
                cbc::Decryptor::<rc2::Rc2>::inner_iv_slice_init(rc2, iv)
                    .ok()?
                    .decrypt_padded_vec_mut::<Pkcs7>(data)
                    .ok()
            }
        }
    }
}

/// Host work per hash block a key derivation computes.
const HASH_BLOCK_WORK: usize = 128;

/// An `EncryptedPrivateKeyInfo`, read once: under one of PKCS #12's schemes (read here) or any
/// other (PBES2, read by the `pkcs8` crate).
enum SealedKey<'a> {
    Pkcs12(Pkcs12Pbe<'a>),
    Pkcs8(EncryptedPrivateKeyInfo<'a>),
}

impl<'a> SealedKey<'a> {
    fn of(der: &'a [u8]) -> Option<Self> {
        match Pkcs12Pbe::of(der) {
            Some(pbe) => Some(SealedKey::Pkcs12(pbe)),
            None => EncryptedPrivateKeyInfo::from_der(der)
                .ok()
                .map(SealedKey::Pkcs8),
        }
    }

    /// The host work of opening it: two hash blocks for each PBKDF2 iteration, three for PKCS
    /// #12's (at most two for the key, one for the IV). Read before the work, so a key that asks
    /// for a hundred million iterations meets the CPU limit rather than the host's patience.
    fn work(&self) -> usize {
        let (iterations, blocks) = match self {
            SealedKey::Pkcs12(pbe) => (pbe.iterations, 3),
            SealedKey::Pkcs8(info) => match &info.encryption_algorithm {
                EncryptionScheme::Pbes2(pbes2::Parameters {
                    kdf: pbes2::Kdf::Pbkdf2(kdf),
                    ..
                }) => (kdf.iteration_count, 2),
                _ => (0, 0),
            },
        };
        (iterations as usize).saturating_mul(blocks * HASH_BLOCK_WORK)
    }

    /// The PKCS #8 key inside, if `passphrase` opens it.
    fn decrypt(&self, passphrase: &[u8]) -> Option<Vec<u8>> {
        match self {
            SealedKey::Pkcs12(pbe) => pbe.decrypt(passphrase),
            SealedKey::Pkcs8(info) => Some(info.decrypt(passphrase).ok()?.as_bytes().to_vec()),
        }
    }
}

/// The PKCS #8 key inside an `EncryptedPrivateKeyInfo`, if `passphrase` opens it.
#[cfg(test)]
fn decrypt_pkcs8(der: &[u8], passphrase: &[u8]) -> Option<Vec<u8>> {
    SealedKey::of(der)?.decrypt(passphrase)
}

/// An `EncryptedPrivateKeyInfo` under one of PKCS #12's password-based schemes: its cipher,
/// salt, iteration count and encrypted key.
struct Pkcs12Pbe<'a> {
    cipher: Pkcs12Cipher,
    salt: &'a [u8],
    iterations: u32,
    encrypted: &'a [u8],
}

impl<'a> Pkcs12Pbe<'a> {
    /// `der` read as one, if it is one (RFC 5208's structure, RFC 7292's parameters).
    fn of(der: &'a [u8]) -> Option<Self> {
        let mut reader = SliceReader::new(der).ok()?;
        let (algorithm, encrypted) = reader
            .sequence(|r| {
                let algorithm = AlgorithmIdentifierRef::decode(r)?;
                Ok((algorithm, OctetStringRef::decode(r)?.as_bytes()))
            })
            .ok()?;
        reader.finish(()).ok()?;
        let cipher = Pkcs12Cipher::of(algorithm.oid)?;
        let params = algorithm.parameters?;
        if params.tag() != Tag::Sequence {
            return None;
        }
        let mut reader = SliceReader::new(params.value()).ok()?;
        let salt = OctetStringRef::decode(&mut reader).ok()?.as_bytes();
        let iterations = u32::decode(&mut reader).ok()?;
        reader.finish(()).ok()?;
        (iterations > 0).then_some(Pkcs12Pbe {
            cipher,
            salt,
            iterations,
            encrypted,
        })
    }

    fn decrypt(&self, passphrase: &[u8]) -> Option<Vec<u8>> {
        let password = bmp_password(passphrase)?;
        let (key_len, iv_len) = self.cipher.key_and_iv_len();
        let key = pkcs12_kdf(&password, self.salt, KDF_KEY, self.iterations, key_len);
        let iv = pkcs12_kdf(&password, self.salt, KDF_IV, self.iterations, iv_len);
        self.cipher.decrypt(&key, &iv, self.encrypted)
    }
}

/// RFC 7292 B.3's ID bytes: what the derived bytes are for.
const KDF_KEY: u8 = 1;
const KDF_IV: u8 = 2;

/// A UTF-8 passphrase as PKCS #12 hashes it: a BMPString (UTF-16BE) with two zero bytes after.
/// As in BoringSSL, a passphrase that is not UTF-8, or has a character beyond the BMP, has no
/// such form.
fn bmp_password(passphrase: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(passphrase).ok()?;
    let mut out = Vec::with_capacity(2 * text.len() + 2);
    for c in text.chars() {
        let unit = u16::try_from(u32::from(c)).ok()?;
        out.extend_from_slice(&unit.to_be_bytes());
    }
    out.extend_from_slice(&[0, 0]);
    Some(out)
}

/// RFC 7292 appendix B.2 with SHA-1: `len` bytes of kind `id` from `password` and `salt`.
fn pkcs12_kdf(password: &[u8], salt: &[u8], id: u8, iterations: u32, len: usize) -> Vec<u8> {
    use sha1::{Digest, Sha1};
    const BLOCK: usize = 64;
    if len == 0 {
        return Vec::new();
    }
    let stretched = |bytes: &[u8]| -> Vec<u8> {
        let len = BLOCK * bytes.len().div_ceil(BLOCK);
        bytes.iter().cycle().take(len).copied().collect()
    };
    let mut input = stretched(salt);
    input.extend(stretched(password));
    let mut out = Vec::with_capacity(len + 20);
    loop {
        let mut a = Sha1::new()
            .chain_update([id; BLOCK])
            .chain_update(&input)
            .finalize();
        for _ in 1..iterations {
            a = Sha1::digest(a);
        }
        out.extend_from_slice(&a);
        if out.len() >= len {
            out.truncate(len);
            return out;
        }
        // Each 64-byte block of the input becomes (block + B + 1) mod 2^512, B being A repeated.
        let b: Vec<u8> = a.iter().cycle().take(BLOCK).copied().collect();
        for block in input.chunks_mut(BLOCK) {
            let mut carry = 1u16;
            for (x, y) in block.iter_mut().zip(&b).rev() {
                let sum = u16::from(*x) + u16::from(*y) + carry;
                *x = sum as u8;
                carry = sum >> 8;
            }
        }
    }
}

/// `pkcs8` encrypted with `cipher` under a key PBKDF2-HMAC-SHA256 derives from `passphrase`.
pub fn encrypt_pkcs8(
    rng: &mut HostRng<'_>,
    pkcs8: &[u8],
    cipher: KeyCipher,
    passphrase: &[u8],
) -> Option<Vec<u8>> {
    let mut salt = [0u8; SALT_LEN];
    let mut iv = [0u8; 16];
    (rng.0)(&mut salt);
    (rng.0)(&mut iv);
    let kdf = pbes2::Pbkdf2Params::hmac_with_sha256(ITERATIONS, &salt).ok()?;
    let encryption = match cipher {
        KeyCipher::Aes128 => pbes2::EncryptionScheme::Aes128Cbc { iv: &iv },
        KeyCipher::Aes192 => pbes2::EncryptionScheme::Aes192Cbc { iv: &iv },
        KeyCipher::Aes256 => pbes2::EncryptionScheme::Aes256Cbc { iv: &iv },
    };
    let params = pbes2::Parameters {
        kdf: kdf.into(),
        encryption,
    };
    let info = PrivateKeyInfo::from_der(pkcs8).ok()?;
    Some(
        info.encrypt_with_params(params, passphrase)
            .ok()?
            .as_bytes()
            .to_vec(),
    )
}

/// OpenSSL's `EVP_BytesToKey` with MD5 and one round: the key of a traditional encrypted PEM.
fn bytes_to_key(passphrase: &[u8], salt: &[u8], len: usize) -> Vec<u8> {
    let mut key = Vec::new();
    let mut previous: Vec<u8> = Vec::new();
    while key.len() < len {
        previous = md5::Md5::new()
            .chain_update(&previous)
            .chain_update(passphrase)
            .chain_update(salt)
            .finalize()
            .to_vec();
        key.extend_from_slice(&previous);
    }
    key.truncate(len);
    key
}

/// The key inside a traditional encrypted PEM whose `DEK-Info` is `dek_info`.
pub fn decrypt_legacy(dek_info: &str, body: &[u8], passphrase: &[u8]) -> Option<Vec<u8>> {
    let (name, iv_hex) = dek_info.split_once(',')?;
    let cipher = KeyCipher::from_name(name.trim())?;
    let iv = hex_decode_lenient(iv_hex.trim().as_bytes());
    if iv.len() != 16 {
        return None;
    }
    let key = bytes_to_key(passphrase, &iv[..8], cipher.key_len());
    cipher.decrypt(&key, &iv, body)
}

/// `der` encrypted as a traditional PEM: its `DEK-Info` value and the encrypted bytes.
pub fn encrypt_legacy(
    rng: &mut HostRng<'_>,
    der: &[u8],
    cipher: KeyCipher,
    passphrase: &[u8],
) -> Option<(String, Vec<u8>)> {
    let mut iv = [0u8; 16];
    (rng.0)(&mut iv);
    let key = bytes_to_key(passphrase, &iv[..8], cipher.key_len());
    let hex: String = iv.iter().map(|b| format!("{b:02X}")).collect();
    Some((
        format!("{},{hex}", cipher.dek_name()),
        cipher.encrypt(&key, &iv, der)?,
    ))
}

fn bytes<'js>(ctx: &Ctx<'js>, value: Option<Vec<u8>>) -> rquickjs::Result<Value<'js>> {
    match value {
        Some(v) => Ok(TypedArray::<u8>::new(ctx.clone(), v)?.into_value()),
        None => Ok(Value::new_null(ctx.clone())),
    }
}

/// PBKDF2's rounds as host work (two hash blocks a round), for a key sealed here.
const PBKDF2_WORK: usize = ITERATIONS as usize * 2 * HASH_BLOCK_WORK;
/// One MD5 of a traditional PEM's key, and the cipher.
const LEGACY_WORK: usize = 2 * HASH_BLOCK_WORK;

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let m = ops.meter.clone();
    ops.add(
        "nodeKeyDecrypt",
        move |ctx: Ctx<'js>,
              der: TypedArray<'js, u8>,
              dek_info: Option<String>,
              passphrase: TypedArray<'js, u8>| {
            let (der, passphrase) = (copy_bytes(&der), copy_bytes(&passphrase));
            let plain = match dek_info {
                Some(info) => {
                    charge_or_stop(&ctx, &m, LEGACY_WORK)?;
                    decrypt_legacy(&info, &der, &passphrase)
                }
                None => match SealedKey::of(&der) {
                    Some(sealed) => {
                        charge_or_stop(&ctx, &m, sealed.work())?;
                        sealed.decrypt(&passphrase)
                    }
                    None => None,
                },
            };
            bytes(&ctx, plain)
        },
    )?;
    ops.add("nodeKeyCipherKnown", |name: String| {
        KeyCipher::from_name(&name).is_some()
    })?;
    let (m, io) = (ops.meter.clone(), ops.io.clone());
    ops.add(
        "nodeKeyEncrypt",
        move |ctx: Ctx<'js>,
              der: TypedArray<'js, u8>,
              cipher: String,
              passphrase: TypedArray<'js, u8>,
              legacy: bool| {
            charge_or_stop(&ctx, &m, PBKDF2_WORK)?;
            let (der, passphrase) = (copy_bytes(&der), copy_bytes(&passphrase));
            let Some(cipher) = KeyCipher::from_name(&cipher) else {
                return Ok(Value::new_null(ctx));
            };
            if !legacy {
                let sealed =
                    with_host_rng(&io, |rng| encrypt_pkcs8(rng, &der, cipher, &passphrase));
                return bytes(&ctx, sealed);
            }
            let sealed = with_host_rng(&io, |rng| encrypt_legacy(rng, &der, cipher, &passphrase));
            let Some((dek_info, body)) = sealed else {
                return Ok(Value::new_null(ctx));
            };
            let out = rquickjs::Array::new(ctx.clone())?;
            out.set(0, dek_info)?;
            out.set(1, TypedArray::<u8>::new(ctx.clone(), body)?)?;
            Ok(out.into_value())
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngCore, SeedableRng};

    const PKCS8: &[u8] = &[
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
        7, 7, 7, 7,
    ];

    #[test]
    fn keys_round_trip_in_both_forms_and_the_wrong_passphrase_opens_nothing() {
        let mut chacha = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let mut fill = |b: &mut [u8]| chacha.fill_bytes(b);
        let mut rng = HostRng(&mut fill);
        let sealed = encrypt_pkcs8(&mut rng, PKCS8, KeyCipher::Aes256, b"pw").unwrap_or_default();
        assert_eq!(decrypt_pkcs8(&sealed, b"pw").as_deref(), Some(PKCS8));
        assert_eq!(decrypt_pkcs8(&sealed, b"nope"), None);
        let (dek, body) =
            encrypt_legacy(&mut rng, PKCS8, KeyCipher::Aes128, b"pw").unwrap_or_default();
        assert!(dek.starts_with("AES-128-CBC,"), "{dek}");
        assert_eq!(decrypt_legacy(&dek, &body, b"pw").as_deref(), Some(PKCS8));
        assert_ne!(decrypt_legacy(&dek, &body, b"nope").as_deref(), Some(PKCS8));
    }

    /// RFC 7292's KDF as OpenSSL 3's PKCS12KDF gives it (`openssl kdf -kdfopt digest:SHA1
    /// -kdfopt hexpass:<BMP password> -kdfopt hexsalt:… -kdfopt iter:… -kdfopt id:… PKCS12KDF`).
    #[test]
    fn pkcs12_kdf_is_openssls() {
        let hex = |b: &[u8]| crate::digest::hex(b);
        let smeg = bmp_password(b"smeg").unwrap_or_default();
        let salt = [0x0a, 0x58, 0xcf, 0x64, 0x53, 0x0d, 0x82, 0x3f];
        assert_eq!(hex(&smeg), "0073006d006500670000");
        assert_eq!(
            hex(&pkcs12_kdf(&smeg, &salt, KDF_KEY, 1, 24)),
            "8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3"
        );
        assert_eq!(
            hex(&pkcs12_kdf(&smeg, &salt, KDF_IV, 1, 8)),
            "79993dfe048d3b76"
        );
        let queeg = bmp_password(b"queeg").unwrap_or_default();
        let salt = [0x05, 0xde, 0xc9, 0x59, 0xac, 0xff, 0x72, 0xf7];
        assert_eq!(
            hex(&pkcs12_kdf(&queeg, &salt, KDF_KEY, 1000, 24)),
            "ed2034e36328830ff09df1e1a07dd357185dac0d4f9eb3d4"
        );
        assert_eq!(bmp_password("\u{1F600}".as_bytes()), None);
        assert_eq!(bmp_password(&[0xff]), None);
    }

    /// OpenSSL's EVP_BytesToKey(MD5, salt "salt1234", "password", 1 round), 32 bytes.
    #[test]
    fn bytes_to_key_is_openssls() {
        let key = bytes_to_key(b"password", b"salt1234", 32);
        assert_eq!(
            crate::digest::hex(&key[..16]),
            crate::digest::hex(&md5::Md5::digest(b"passwordsalt1234"))
        );
    }
}
