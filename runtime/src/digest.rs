//! Message digests, in one place for every caller: `crypto.subtle.digest` and the core's
//! `digest` op (which name algorithms as WebCrypto does), and R2's checksums and ETags (which
//! name them in lower case).

use sha2::Digest as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestAlgorithm {
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl DigestAlgorithm {
    /// A normalised WebCrypto name (`SHA-256`), or `MD5` (a Workers extension).
    pub fn from_webcrypto_name(name: &str) -> Option<DigestAlgorithm> {
        Some(match name {
            "MD5" => DigestAlgorithm::Md5,
            "SHA-1" => DigestAlgorithm::Sha1,
            "SHA-256" => DigestAlgorithm::Sha256,
            "SHA-384" => DigestAlgorithm::Sha384,
            "SHA-512" => DigestAlgorithm::Sha512,
            _ => return None,
        })
    }

    /// An R2 checksum's name (`md5`, `sha1`, `sha256`, `sha384`, `sha512`).
    pub fn from_r2_name(name: &str) -> Option<DigestAlgorithm> {
        Some(match name {
            "md5" => DigestAlgorithm::Md5,
            "sha1" => DigestAlgorithm::Sha1,
            "sha256" => DigestAlgorithm::Sha256,
            "sha384" => DigestAlgorithm::Sha384,
            "sha512" => DigestAlgorithm::Sha512,
            _ => return None,
        })
    }

    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            DigestAlgorithm::Md5 => md5::Md5::digest(data).to_vec(),
            DigestAlgorithm::Sha1 => sha1::Sha1::digest(data).to_vec(),
            DigestAlgorithm::Sha256 => sha2::Sha256::digest(data).to_vec(),
            DigestAlgorithm::Sha384 => sha2::Sha384::digest(data).to_vec(),
            DigestAlgorithm::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }

    /// The digest in lower-case hex, as ETags and R2 checksums are written.
    pub fn hex_digest(self, data: &[u8]) -> String {
        hex(&self.digest(data))
    }
}

/// `bytes` in lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 1321 and FIPS 180 test vectors for "abc".
    #[test]
    fn each_algorithm_gives_its_known_digest_of_abc() {
        let cases = [
            ("MD5", "md5", "900150983cd24fb0d6963f7d28e17f72"),
            ("SHA-1", "sha1", "a9993e364706816aba3e25717850c26c9cd0d89d"),
            (
                "SHA-256",
                "sha256",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
        ];
        for (webcrypto, r2, hex) in cases {
            let by_webcrypto = DigestAlgorithm::from_webcrypto_name(webcrypto);
            assert_eq!(by_webcrypto, DigestAlgorithm::from_r2_name(r2));
            assert_eq!(
                by_webcrypto.map(|a| a.hex_digest(b"abc")).as_deref(),
                Some(hex)
            );
        }
        assert_eq!(DigestAlgorithm::from_webcrypto_name("sha-256"), None);
        assert_eq!(DigestAlgorithm::from_r2_name("SHA-256"), None);
    }
}
