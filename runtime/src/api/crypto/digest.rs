//! Message digests for `crypto.subtle.digest` (and, later, R2 checksums).

use sha2::Digest as _;

/// `alg` is a normalized WebCrypto name (`SHA-256`) or `MD5` (a Workers extension).
pub fn digest(alg: &str, data: &[u8]) -> Option<Vec<u8>> {
    Some(match alg {
        "SHA-1" => sha1::Sha1::digest(data).to_vec(),
        "SHA-256" => sha2::Sha256::digest(data).to_vec(),
        "SHA-384" => sha2::Sha384::digest(data).to_vec(),
        "SHA-512" => sha2::Sha512::digest(data).to_vec(),
        "MD5" => md5::Md5::digest(data).to_vec(),
        _ => return None,
    })
}
