//! Secret-key algorithms: HMAC, AES-GCM / AES-CBC / AES-CTR, and the PBKDF2 / HKDF key
//! derivation functions. Texts from workerd's hmac.c++, aes.c++, pbkdf2.c++ and hkdf.c++.

use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit, StreamCipher};
use hmac::{Hmac, Mac};

use super::jwk::{self, Jwk};
use super::{
    CryptoResult, Exported, Key, KeyData, KeyInfo, Params, b64, data_error, err, operation_error,
};

const DECRYPT_FAILED: &str = "Decryption failed. This could be due to a ciphertext authentication \
     failure, bad padding, incorrect CryptoKey, or another algorithm-specific reason.";

fn secret(material: Vec<u8>, length: u32) -> Key {
    Key {
        info: KeyInfo {
            kind: "secret".into(),
            length: Some(length),
            ..Default::default()
        },
        material,
    }
}

/// The bytes of a symmetric key given as raw bytes or an `oct` JWK.
fn key_bytes(algorithm: &str, data: KeyData<'_>) -> CryptoResult<(Vec<u8>, Option<Jwk>)> {
    match data {
        KeyData::Bytes(b) => Ok((b.to_vec(), None)),
        KeyData::Jwk(jwk) => {
            if jwk.kty != "oct" {
                return data_error(format!(
                    "{algorithm} \"jwk\" key import requires a JSON Web Key with Key Type \
                     parameter (\"kty\") equal to \"oct\" (encountered \"{}\").",
                    jwk.kty
                ));
            }
            let bytes = jwk::decode(&jwk.k, &format!("{algorithm} \"jwk\" key"))?;
            Ok((bytes, Some(jwk)))
        }
    }
}

pub fn import(params: &Params, format: &str, data: KeyData<'_>) -> CryptoResult<Key> {
    let name = params.name.as_str();
    match name {
        "HMAC" => {
            if format != "raw" && format != "jwk" {
                return unrecognized_format(format);
            }
            let hash = params.hash.as_deref().unwrap_or_default();
            let (bytes, jwk) = key_bytes("HMAC", data)?;
            if let Some(alg) = jwk.and_then(|j| j.alg) {
                let expected = format!("HS{}", hash.trim_start_matches("SHA-"));
                if alg != expected {
                    return data_error(format!(
                        "HMAC \"jwk\" key import specifies \"alg\" that is incompatible with the \
                         hash name (encountered \"{alg}\", expected \"{expected}\")."
                    ));
                }
            }
            let key_size = bytes.len() as u32 * 8;
            let length = params.length.unwrap_or(key_size);
            if length == 0 || length > key_size || length + 8 <= key_size {
                return data_error(format!(
                    "Imported HMAC key length ({length}) must be a non-zero value up to 7 bits \
                     less than, and no greater than, the bit length of the raw key data \
                     ({key_size})."
                ));
            }
            Ok(secret(bytes, length))
        }
        "AES-GCM" | "AES-CBC" | "AES-CTR" | "AES-KW" => {
            if format != "raw" && format != "jwk" {
                return unrecognized_format(format);
            }
            let (bytes, jwk) = key_bytes("Symmetric", data)?;
            let bits = bytes.len() as u32 * 8;
            if !matches!(bits, 128 | 192 | 256) {
                return data_error(format!(
                    "Imported AES key length must be 128, 192, or 256 bits but provided {bits}."
                ));
            }
            if let Some(alg) = jwk.and_then(|j| j.alg) {
                let expected = format!("A{bits}{}", &name[4..]);
                if alg != expected {
                    return data_error(format!(
                        "Symmetric \"jwk\" key contains invalid \"alg\" value \"{alg}\", expected \"{expected}\"."
                    ));
                }
            }
            Ok(secret(bytes, bits))
        }
        "PBKDF2" | "HKDF" => match (format, data) {
            ("raw", KeyData::Bytes(b)) => Ok(secret(b.to_vec(), b.len() as u32 * 8)),
            _ => err(
                "NotSupportedError",
                format!("{name} key must be imported in \"raw\" format (requested \"{format}\")"),
            ),
        },
        _ => unrecognized_algorithm(name),
    }
}

fn unrecognized_format<T>(format: &str) -> CryptoResult<T> {
    err(
        "NotSupportedError",
        format!("Unrecognized key import format \"{format}\"."),
    )
}

fn unrecognized_algorithm<T>(name: &str) -> CryptoResult<T> {
    err(
        "NotSupportedError",
        format!("Unrecognized key import algorithm \"{name}\" requested."),
    )
}

pub fn export(params: &Params, format: &str, material: &[u8]) -> CryptoResult<Exported> {
    let name = params.name.as_str();
    match (name, format) {
        ("PBKDF2" | "HKDF", _) => err(
            "InvalidAccessError",
            format!("Attempt to export non-extractable {name} key."),
        ),
        (_, "raw") => Ok(Exported::Bytes(material.to_vec())),
        ("HMAC", "jwk") => Ok(Exported::Jwk(Jwk {
            kty: "oct".into(),
            k: Some(jwk::encode(material)),
            alg: Some(format!(
                "HS{}",
                params
                    .hash
                    .as_deref()
                    .unwrap_or("")
                    .trim_start_matches("SHA-")
            )),
            ext: Some(true),
            ..Default::default()
        })),
        (_, "jwk") => Ok(Exported::Jwk(Jwk {
            kty: "oct".into(),
            k: Some(jwk::encode(material)),
            alg: Some(format!("A{}{}", material.len() * 8, &name[4..])),
            ext: Some(true),
            ..Default::default()
        })),
        ("HMAC", _) => err(
            "NotSupportedError",
            format!("Unimplemented key export format \"{format}\"."),
        ),
        _ => err(
            "NotSupportedError",
            format!("{name} key only supports exporting \"raw\" & \"jwk\", not \"{format}\"."),
        ),
    }
}

macro_rules! mac {
    ($hash:ty, $key:expr, $data:expr) => {{
        let mut m = <Hmac<$hash> as Mac>::new_from_slice($key)
            .or_else(|_| operation_error("HMAC computation failed."))?;
        m.update($data);
        m.finalize().into_bytes().to_vec()
    }};
}

pub fn hmac(hash: &str, key: &[u8], data: &[u8]) -> CryptoResult<Vec<u8>> {
    Ok(match hash {
        "SHA-1" => mac!(sha1::Sha1, key, data),
        "SHA-256" => mac!(sha2::Sha256, key, data),
        "SHA-384" => mac!(sha2::Sha384, key, data),
        "SHA-512" => mac!(sha2::Sha512, key, data),
        "MD5" => mac!(md5::Md5, key, data),
        _ => {
            return err(
                "NotSupportedError",
                "Unrecognized or unimplemented digest algorithm requested.",
            );
        }
    })
}

pub fn aes(params: &Params, key: &[u8], data: &[u8], decrypt: bool) -> CryptoResult<Vec<u8>> {
    let iv = |field: &Option<String>, what: &str| -> CryptoResult<Vec<u8>> {
        b64(field)?.map_or_else(
            || {
                err(
                    "TypeError",
                    format!("Missing field \"{what}\" in \"algorithm\"."),
                )
            },
            Ok,
        )
    };
    match params.name.as_str() {
        "AES-KW" => key_wrap(key, data, decrypt),
        "AES-GCM" => {
            let iv = iv(&params.iv, "iv")?;
            if iv.is_empty() {
                return operation_error("AES-GCM IV must not be empty.");
            }
            let tag_bits = params.tag_length.unwrap_or(128);
            if !matches!(tag_bits, 32 | 64 | 96 | 104 | 112 | 120 | 128) {
                return operation_error(format!("Invalid AES-GCM tag length {tag_bits}."));
            }
            let tag_bytes = tag_bits as usize / 8;
            if decrypt && data.len() < tag_bytes {
                return operation_error(format!(
                    "Ciphertext length of {} bits must be greater than or equal to the size of \
                     the AES-GCM tag length of {tag_bits} bits.",
                    data.len() * 8
                ));
            }
            let aad = b64(&params.additional_data)?.unwrap_or_default();
            super::gcm::gcm(key, &iv, &aad, data, tag_bytes, decrypt).or_else(|e| match e {
                super::gcm::GcmError::KeyLength => operation_error("Invalid AES key length."),
                super::gcm::GcmError::Authentication => {
                    operation_error(decrypt_failed(data.len(), "AES-GCM"))
                }
            })
        }
        "AES-CBC" => {
            let iv = iv(&params.iv, "iv")?;
            if iv.len() != 16 {
                return operation_error(if decrypt {
                    format!("AES-CBC IV must be 16 bytes long (provided {}).", iv.len())
                } else {
                    format!(
                        "AES-CBC IV must be 16 bytes long (provided {} bytes).",
                        iv.len()
                    )
                });
            }
            cbc_mode(key, &iv, data, decrypt)
        }
        "AES-CTR" => {
            let counter = iv(&params.counter, "counter")?;
            if counter.len() != 16 {
                return operation_error(format!(
                    "Counter must have length of 16 bytes (provided {}).",
                    counter.len()
                ));
            }
            let length = params.length.unwrap_or(0);
            if length == 0 || length > 128 {
                return operation_error(format!(
                    "Invalid counter of length {length} bits (should be between 1 and 128)."
                ));
            }
            ctr_mode(key, &counter, data)
        }
        other => err(
            "NotSupportedError",
            format!("Unrecognized or unimplemented encryption algorithm \"{other}\" requested."),
        ),
    }
}

/// AES-KW (RFC 3394) as `wrapKey` / `unwrapKey` use it, with workerd's checks and texts
/// (crypto/aes.c++ `AesKwKey`).
fn key_wrap(key: &[u8], data: &[u8], unwrap: bool) -> CryptoResult<Vec<u8>> {
    let bits = data.len() * 8;
    if unwrap {
        if !data.len().is_multiple_of(8) {
            return operation_error(format!(
                "Provided a wrapped key to unwrap that is {bits} bits which isn't a multiple of 64 bits."
            ));
        }
        if data.len() < 24 {
            return operation_error(format!(
                "Provided a wrapped key to unwrap this is {bits} bits that is less than the minimal length of 192 bits."
            ));
        }
    } else {
        if !data.len().is_multiple_of(8) {
            return operation_error(format!(
                "Unwrapped key bit length must be a multiple of 64 bits but unwrapped key has a length of {bits} bits."
            ));
        }
        if data.len() < 16 {
            return operation_error(format!(
                "Unwrapped key has length {} bytes but it should be greater than or equal to 16 and less than or equal to {}",
                data.len(),
                usize::MAX - 8
            ));
        }
    }
    macro_rules! run {
        ($aes:ty) => {{
            let kek = aes_kw::Kek::<$aes>::try_from(key)
                .or_else(|_| operation_error("Invalid AES key length."))?;
            if unwrap {
                kek.unwrap_vec(data)
                    .or_else(|_| operation_error("AES-KW key unwrapping failed"))
            } else {
                kek.wrap_vec(data)
                    .or_else(|_| operation_error("AES-KW key wrapping failed"))
            }
        }};
    }
    match key.len() {
        16 => run!(aes::Aes128),
        24 => run!(aes::Aes192),
        _ => run!(aes::Aes256),
    }
}

fn decrypt_failed(input: usize, algorithm: &str) -> String {
    format!(
        "{DECRYPT_FAILED} Input length was {input}, output length expected to be 0 for {algorithm}"
    )
}

fn cbc_mode(key: &[u8], iv: &[u8], data: &[u8], decrypt: bool) -> CryptoResult<Vec<u8>> {
    use aes::cipher::block_padding::Pkcs7;
    macro_rules! run {
        ($aes:ty) => {{
            if decrypt {
                cbc::Decryptor::<$aes>::new_from_slices(key, iv)
                    .or_else(|_| operation_error("Invalid AES key length."))?
                    .decrypt_padded_vec_mut::<Pkcs7>(data)
                    .or_else(|_| operation_error(decrypt_failed(data.len(), "AES-CBC")))
            } else {
                Ok(cbc::Encryptor::<$aes>::new_from_slices(key, iv)
                    .or_else(|_| operation_error("Invalid AES key length."))?
                    .encrypt_padded_vec_mut::<Pkcs7>(data))
            }
        }};
    }
    match key.len() {
        16 => run!(aes::Aes128),
        24 => run!(aes::Aes192),
        _ => run!(aes::Aes256),
    }
}

fn ctr_mode(key: &[u8], counter: &[u8], data: &[u8]) -> CryptoResult<Vec<u8>> {
    let mut out = data.to_vec();
    macro_rules! run {
        ($aes:ty) => {{
            let mut c = ctr::Ctr128BE::<$aes>::new_from_slices(key, counter)
                .or_else(|_| operation_error("Invalid AES key length."))?;
            c.apply_keystream(&mut out);
        }};
    }
    match key.len() {
        16 => run!(aes::Aes128),
        24 => run!(aes::Aes192),
        _ => run!(aes::Aes256),
    }
    Ok(out)
}

pub fn derive_bits(params: &Params, key: &[u8], length: Option<u32>) -> CryptoResult<Vec<u8>> {
    let name = params.name.as_str();
    let Some(length) = length else {
        return operation_error(format!("{name} cannot derive a key of unspecified length."));
    };
    if length == 0 || length % 8 != 0 {
        return operation_error(format!(
            "{name} requires a derived key length that is a multiple of eight."
        ));
    }
    let mut out = vec![0u8; (length / 8) as usize];
    let hash = params.hash.as_deref().unwrap_or_default();
    let salt = b64(&params.salt)?.map_or_else(
        || err("TypeError", "Missing field \"salt\" in \"algorithm\"."),
        Ok,
    )?;
    match name {
        "PBKDF2" => {
            let iterations = params.iterations.unwrap_or(0);
            if iterations == 0 {
                return operation_error(format!(
                    "PBKDF2 requires a positive iteration count (requested {iterations})."
                ));
            }
            let result = match hash {
                "SHA-1" => pbkdf2::pbkdf2::<Hmac<sha1::Sha1>>(key, &salt, iterations, &mut out),
                "SHA-256" => pbkdf2::pbkdf2::<Hmac<sha2::Sha256>>(key, &salt, iterations, &mut out),
                "SHA-384" => pbkdf2::pbkdf2::<Hmac<sha2::Sha384>>(key, &salt, iterations, &mut out),
                "SHA-512" => pbkdf2::pbkdf2::<Hmac<sha2::Sha512>>(key, &salt, iterations, &mut out),
                _ => {
                    return err(
                        "NotSupportedError",
                        "Unrecognized or unimplemented digest algorithm requested.",
                    );
                }
            };
            result.or_else(|_| operation_error("PBKDF2 derivation failed."))?;
        }
        "HKDF" => {
            let info = b64(&params.info)?.map_or_else(
                || err("TypeError", "Missing field \"info\" in \"algorithm\"."),
                Ok,
            )?;
            let result = match hash {
                "SHA-1" => hkdf::Hkdf::<sha1::Sha1>::new(Some(&salt), key).expand(&info, &mut out),
                "SHA-256" => {
                    hkdf::Hkdf::<sha2::Sha256>::new(Some(&salt), key).expand(&info, &mut out)
                }
                "SHA-384" => {
                    hkdf::Hkdf::<sha2::Sha384>::new(Some(&salt), key).expand(&info, &mut out)
                }
                "SHA-512" => {
                    hkdf::Hkdf::<sha2::Sha512>::new(Some(&salt), key).expand(&info, &mut out)
                }
                _ => {
                    return err(
                        "NotSupportedError",
                        "Unrecognized or unimplemented digest algorithm requested.",
                    );
                }
            };
            result.or_else(|_| operation_error("HKDF deriveBits failed."))?;
        }
        other => {
            return err(
                "NotSupportedError",
                format!("Unrecognized or unimplemented key derivation algorithm \"{other}\"."),
            );
        }
    }
    Ok(out)
}

pub fn generate(params: &Params, rng: &mut dyn FnMut(&mut [u8])) -> CryptoResult<Key> {
    let name = params.name.as_str();
    let bits = match name {
        "HMAC" => {
            let block = match params.hash.as_deref() {
                Some("SHA-384" | "SHA-512") => 1024,
                Some("SHA-1" | "SHA-256" | "MD5") => 512,
                Some(_) => {
                    return err(
                        "NotSupportedError",
                        "Unrecognized or unimplemented digest algorithm requested.",
                    );
                }
                None => return err("TypeError", "Missing field \"hash\" in \"algorithm\"."),
            };
            let length = params.length.unwrap_or(block);
            if length == 0 {
                return operation_error(format!(
                    "HMAC key length must be a non-zero unsigned long integer (requested {length})."
                ));
            }
            length
        }
        _ => match params.length {
            Some(l @ (128 | 192 | 256)) => l,
            Some(_) => return operation_error("AES key length must be 128, 192, or 256 bits."),
            None => return err("TypeError", "Missing field \"length\" in \"algorithm\"."),
        },
    };
    let mut bytes = vec![0u8; bits.div_ceil(8) as usize];
    rng(&mut bytes);
    let spare = bytes.len() as u32 * 8 - bits;
    if spare > 0
        && let Some(last) = bytes.last_mut()
    {
        *last &= 0xffu8 << spare;
    }
    Ok(secret(bytes, bits))
}
