//! The native half of `CompressionStream` / `DecompressionStream`: gzip, deflate (zlib) and
//! deflate-raw, streaming, with workerd's strict checks and texts (compression.c++): trailing
//! bytes after the end of the data and a close before the end are errors.

use std::io::Write;

use flate2::Compression;
use flate2::write::{
    DeflateDecoder, DeflateEncoder, GzDecoder, GzEncoder, ZlibDecoder, ZlibEncoder,
};

pub const FORMAT_ERROR: &str =
    "The compression format must be either 'deflate', 'deflate-raw' or 'gzip'.";
pub const COMPRESSION_FAILED: &str = "Compression failed.";
pub const DECOMPRESSION_FAILED: &str = "Decompression failed.";
pub const TRAILING_BYTES: &str = "Trailing bytes after end of compressed data";
pub const INCOMPLETE: &str = "Called close() on a decompression stream with incomplete data";

/// A failed codec step: the stream errors with `TypeError: <text>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CodecError(pub &'static str);

enum Inner {
    Gzip(GzEncoder<Vec<u8>>),
    Zlib(ZlibEncoder<Vec<u8>>),
    Raw(DeflateEncoder<Vec<u8>>),
    Gunzip(GzDecoder<Vec<u8>>),
    Unzlib(ZlibDecoder<Vec<u8>>),
    Inflate(DeflateDecoder<Vec<u8>>),
}

/// One compression or decompression stream.
pub struct Codec {
    inner: Inner,
    /// Decompression: the compressed data has ended (anything more is trailing).
    ended: bool,
    /// Gunzip: how many of the two magic bytes have been checked.
    magic_seen: usize,
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

impl Codec {
    /// `format` is `gzip`, `deflate` or `deflate-raw`; `compress` picks the direction.
    pub fn new(format: &str, compress: bool) -> Result<Codec, CodecError> {
        let level = Compression::default();
        let inner = match (format, compress) {
            ("gzip", true) => Inner::Gzip(GzEncoder::new(Vec::new(), level)),
            ("deflate", true) => Inner::Zlib(ZlibEncoder::new(Vec::new(), level)),
            ("deflate-raw", true) => Inner::Raw(DeflateEncoder::new(Vec::new(), level)),
            ("gzip", false) => Inner::Gunzip(GzDecoder::new(Vec::new())),
            ("deflate", false) => Inner::Unzlib(ZlibDecoder::new(Vec::new())),
            ("deflate-raw", false) => Inner::Inflate(DeflateDecoder::new(Vec::new())),
            _ => return Err(CodecError(FORMAT_ERROR)),
        };
        Ok(Codec {
            inner,
            ended: false,
            magic_seen: 0,
        })
    }

    fn compressing(&self) -> bool {
        matches!(self.inner, Inner::Gzip(_) | Inner::Zlib(_) | Inner::Raw(_))
    }

    /// Feeds `input`; returns the output produced so far.
    pub fn push(&mut self, mut input: &[u8]) -> Result<Vec<u8>, CodecError> {
        let failed = if self.compressing() {
            COMPRESSION_FAILED
        } else {
            DECOMPRESSION_FAILED
        };
        // zlib rejects a gzip stream as soon as its magic bytes are wrong; flate2 would wait
        // for the whole header first.
        if matches!(self.inner, Inner::Gunzip(_)) {
            for (i, byte) in input
                .iter()
                .take(2usize.saturating_sub(self.magic_seen))
                .enumerate()
            {
                if *byte != GZIP_MAGIC[self.magic_seen + i] {
                    return Err(CodecError(DECOMPRESSION_FAILED));
                }
            }
            self.magic_seen = (self.magic_seen + input.len()).min(2);
        }
        while !input.is_empty() {
            if self.ended {
                return Err(CodecError(TRAILING_BYTES));
            }
            let written = match &mut self.inner {
                Inner::Gzip(w) => w.write(input),
                Inner::Zlib(w) => w.write(input),
                Inner::Raw(w) => w.write(input),
                Inner::Gunzip(w) => w.write(input),
                Inner::Unzlib(w) => w.write(input),
                Inner::Inflate(w) => w.write(input),
            }
            .map_err(|_| CodecError(failed))?;
            // A decoder that takes nothing more has reached the end of its data.
            if written == 0 {
                self.ended = true;
                continue;
            }
            input = &input[written..];
        }
        Ok(self.take())
    }

    /// Ends the input; returns the rest of the output.
    pub fn finish(&mut self) -> Result<Vec<u8>, CodecError> {
        let result = match &mut self.inner {
            Inner::Gzip(w) => w.try_finish(),
            Inner::Zlib(w) => w.try_finish(),
            Inner::Raw(w) => w.try_finish(),
            Inner::Gunzip(w) => w.try_finish(),
            Inner::Unzlib(w) => w.try_finish(),
            Inner::Inflate(w) => w.try_finish(),
        };
        if self.compressing() {
            result.map_err(|_| CodecError(COMPRESSION_FAILED))?;
        } else {
            result.map_err(|_| CodecError(INCOMPLETE))?;
            if !self.decoder_done() {
                return Err(CodecError(INCOMPLETE));
            }
        }
        Ok(self.take())
    }

    /// Whether the decoder saw the end of the compressed data.
    fn decoder_done(&mut self) -> bool {
        if self.ended {
            return true;
        }
        // A finished decoder accepts no more input.
        let probe: &[u8] = &[0];
        let taken = match &mut self.inner {
            Inner::Gunzip(w) => w.write(probe),
            Inner::Unzlib(w) => w.write(probe),
            Inner::Inflate(w) => w.write(probe),
            _ => Ok(0),
        };
        matches!(taken, Ok(0))
    }

    fn take(&mut self) -> Vec<u8> {
        let out = match &mut self.inner {
            Inner::Gzip(w) => w.get_mut(),
            Inner::Zlib(w) => w.get_mut(),
            Inner::Raw(w) => w.get_mut(),
            Inner::Gunzip(w) => w.get_mut(),
            Inner::Unzlib(w) => w.get_mut(),
            Inner::Inflate(w) => w.get_mut(),
        };
        std::mem::take(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(format: &str, data: &[u8]) -> Vec<u8> {
        let mut c = Codec::new(format, true).unwrap();
        let mut packed = c.push(data).unwrap();
        packed.extend(c.finish().unwrap());
        let mut d = Codec::new(format, false).unwrap();
        let mut out = Vec::new();
        for chunk in packed.chunks(7) {
            out.extend(d.push(chunk).unwrap());
        }
        out.extend(d.finish().unwrap());
        out
    }

    #[test]
    fn every_format_round_trips_in_small_chunks() {
        let data: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
        for format in ["gzip", "deflate", "deflate-raw"] {
            assert_eq!(roundtrip(format, &data), data, "{format}");
        }
    }

    #[test]
    fn truncated_trailing_and_corrupt_data_fail_with_workerd_texts() {
        for format in ["gzip", "deflate", "deflate-raw"] {
            let mut c = Codec::new(format, true).unwrap();
            let mut packed = c.push(b"hello hello hello").unwrap();
            packed.extend(c.finish().unwrap());

            let mut d = Codec::new(format, false).unwrap();
            d.push(&packed[..packed.len() - 3]).unwrap();
            assert_eq!(d.finish(), Err(CodecError(INCOMPLETE)), "{format}");

            let mut d = Codec::new(format, false).unwrap();
            let mut extra = packed.clone();
            extra.extend_from_slice(b"junk");
            assert_eq!(d.push(&extra), Err(CodecError(TRAILING_BYTES)), "{format}");
        }
        let mut d = Codec::new("gzip", false).unwrap();
        assert_eq!(
            d.push(b"this is not gzip at all").and_then(|_| d.finish()),
            Err(CodecError(DECOMPRESSION_FAILED))
        );
        assert_eq!(
            Codec::new("brotli", true).err(),
            Some(CodecError(FORMAT_ERROR))
        );
    }
}
