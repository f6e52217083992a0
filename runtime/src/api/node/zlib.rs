//! The native half of node:zlib (zlib.js): zlib itself (deflate, gzip and raw, through flate2's
//! zlib backend, so output is byte for byte what workerd's zlib writes) and brotli, each as a
//! stream held here by id between calls, so a Transform hands out output chunk by chunk.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::Write;
use std::rc::Rc;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use rquickjs::{Ctx, TypedArray};

use crate::engine::catalog::OpSet;
use crate::engine::ops::{charge_or_stop, copy_bytes};

/// Node's zlib modes (its `DEFLATE` … `BROTLI_ENCODE` constants).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Deflate,
    Inflate,
    Gzip,
    Gunzip,
    DeflateRaw,
    InflateRaw,
    Unzip,
    BrotliEncode,
    BrotliDecode,
}

impl Mode {
    fn from_node(mode: u32) -> Option<Mode> {
        Some(match mode {
            1 => Mode::Deflate,
            2 => Mode::Inflate,
            3 => Mode::Gzip,
            4 => Mode::Gunzip,
            5 => Mode::DeflateRaw,
            6 => Mode::InflateRaw,
            7 => Mode::Unzip,
            8 => Mode::BrotliDecode,
            9 => Mode::BrotliEncode,
            _ => return None,
        })
    }
}

/// Why a zlib call failed: zlib's message and Node's code for it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ZlibError {
    pub message: String,
    pub code: &'static str,
    pub errno: i32,
}

fn data_error(message: impl Into<String>) -> ZlibError {
    ZlibError {
        message: message.into(),
        code: "Z_DATA_ERROR",
        errno: -3,
    }
}

enum Engine {
    Compress(Compress),
    Decompress(Decompress),
    /// Unzip before its first two bytes: gzip or zlib is decided by them.
    Undecided {
        window_bits: u8,
        pending: Vec<u8>,
    },
    BrotliEncode(Box<brotli::CompressorWriter<Vec<u8>>>),
    BrotliDecode(Box<brotli::DecompressorWriter<Vec<u8>>>),
}

/// One zlib or brotli stream.
struct ZStream {
    engine: Engine,
    finished: bool,
}

/// The options a stream is made with (Node's names).
#[derive(Debug, Clone, Copy)]
pub struct StreamOptions {
    pub level: i32,
    pub window_bits: u8,
    pub quality: u32,
    pub lgwin: u32,
}

impl ZStream {
    fn new(mode: Mode, o: StreamOptions) -> Result<ZStream, ZlibError> {
        let level = Compression::new(if o.level < 0 {
            6
        } else {
            o.level.clamp(0, 9) as u32
        });
        let bits = o.window_bits.clamp(9, 15);
        let engine = match mode {
            Mode::Deflate => Engine::Compress(Compress::new_with_window_bits(level, true, bits)),
            Mode::DeflateRaw => {
                Engine::Compress(Compress::new_with_window_bits(level, false, bits))
            }
            Mode::Gzip => Engine::Compress(Compress::new_gzip(level, bits)),
            Mode::Inflate => Engine::Decompress(Decompress::new_with_window_bits(true, bits)),
            Mode::InflateRaw => Engine::Decompress(Decompress::new_with_window_bits(false, bits)),
            Mode::Gunzip => Engine::Decompress(Decompress::new_gzip(bits)),
            Mode::Unzip => Engine::Undecided {
                window_bits: bits,
                pending: Vec::new(),
            },
            Mode::BrotliEncode => Engine::BrotliEncode(Box::new(brotli::CompressorWriter::new(
                Vec::new(),
                4096,
                o.quality.min(11),
                o.lgwin.clamp(10, 24),
            ))),
            Mode::BrotliDecode => {
                Engine::BrotliDecode(Box::new(brotli::DecompressorWriter::new(Vec::new(), 4096)))
            }
        };
        Ok(ZStream {
            engine,
            finished: false,
        })
    }

    /// Feeds `input`; with `finish`, ends the stream. Returns what came out.
    fn write(&mut self, input: &[u8], finish: bool) -> Result<Vec<u8>, ZlibError> {
        if let Engine::Undecided {
            window_bits,
            pending,
        } = &mut self.engine
        {
            pending.extend_from_slice(input);
            if pending.len() < 2 && !finish {
                return Ok(Vec::new());
            }
            let gzip = pending.starts_with(&[0x1f, 0x8b]);
            let bits = *window_bits;
            let buffered = std::mem::take(pending);
            self.engine = Engine::Decompress(if gzip {
                Decompress::new_gzip(bits)
            } else {
                Decompress::new_with_window_bits(true, bits)
            });
            return self.write(&buffered, finish);
        }
        if self.finished {
            return Ok(Vec::new());
        }
        let out = match &mut self.engine {
            Engine::Compress(c) => run_compress(c, input, finish)?,
            Engine::Decompress(d) => {
                let (out, ended) = run_decompress(d, input, finish)?;
                if ended {
                    self.finished = true;
                }
                out
            }
            Engine::BrotliEncode(w) => {
                w.write_all(input).map_err(|e| data_error(e.to_string()))?;
                if finish {
                    w.flush().map_err(|e| data_error(e.to_string()))?;
                    let done = std::mem::replace(
                        w,
                        Box::new(brotli::CompressorWriter::new(Vec::new(), 4096, 11, 22)),
                    );
                    self.finished = true;
                    return Ok(done.into_inner());
                }
                std::mem::take(w.get_mut())
            }
            Engine::BrotliDecode(w) => {
                // Fed a slice at a time, so a bomb stops at the cap.
                for piece in input.chunks(64 * 1024) {
                    w.write_all(piece).map_err(|_| brotli_error())?;
                    if w.get_ref().len() > OUTPUT_MAX_BYTES {
                        return Err(too_large());
                    }
                }
                if finish {
                    w.flush().map_err(|_| brotli_error())?;
                    let done = std::mem::replace(
                        w,
                        Box::new(brotli::DecompressorWriter::new(Vec::new(), 4096)),
                    );
                    self.finished = true;
                    return done.into_inner().map_err(|_| ZlibError {
                        message: "unexpected end of file".into(),
                        code: "Z_BUF_ERROR",
                        errno: -5,
                    });
                }
                std::mem::take(w.get_mut())
            }
            Engine::Undecided { .. } => Vec::new(),
        };
        if finish && matches!(self.engine, Engine::Compress(_)) {
            self.finished = true;
        }
        Ok(out)
    }
}

fn brotli_error() -> ZlibError {
    ZlibError {
        message: "Decompression failed".into(),
        code: "ERR_BROTLI_DECOMPRESSION_FAILED",
        errno: -1,
    }
}

/// Room for at least 4 KiB more output.
fn make_room(out: &mut Vec<u8>) {
    if out.capacity() - out.len() < 4096 {
        out.reserve(out.capacity().max(4096));
    }
}

fn run_compress(c: &mut Compress, input: &[u8], finish: bool) -> Result<Vec<u8>, ZlibError> {
    let flush = if finish {
        FlushCompress::Finish
    } else {
        FlushCompress::None
    };
    let mut out = Vec::with_capacity(input.len() / 2 + 64);
    let mut consumed = 0;
    loop {
        make_room(&mut out);
        let before = c.total_in();
        let status = c
            .compress_vec(&input[consumed..], &mut out, flush)
            .map_err(|e| data_error(e.to_string()))?;
        consumed += (c.total_in() - before) as usize;
        let drained = consumed >= input.len() && out.len() < out.capacity();
        if status == Status::StreamEnd || (drained && !finish) {
            return Ok(out);
        }
    }
}

/// The most one call inflates: an isolate's whole memory. A small input that inflates past it
/// (a zip bomb) fails as an oversized output does, instead of taking the host's memory.
const OUTPUT_MAX_BYTES: usize = crate::limits::MEMORY_BYTES_DEFAULT;

fn too_large() -> ZlibError {
    ZlibError {
        message: "Memory limit exceeded".into(),
        code: "ERR_BUFFER_TOO_LARGE",
        errno: 0,
    }
}

/// Inflates `input`: what came out, and whether the compressed stream ended.
fn run_decompress(
    d: &mut Decompress,
    input: &[u8],
    finish: bool,
) -> Result<(Vec<u8>, bool), ZlibError> {
    let mut out = Vec::with_capacity(input.len() * 3 + 64);
    let mut consumed = 0;
    loop {
        make_room(&mut out);
        let before = d.total_in();
        let status = d
            .decompress_vec(&input[consumed..], &mut out, FlushDecompress::None)
            .map_err(|e| data_error(e.message().unwrap_or("invalid data").to_string()))?;
        consumed += (d.total_in() - before) as usize;
        if status == Status::StreamEnd {
            return Ok((out, true));
        }
        if out.len() > OUTPUT_MAX_BYTES {
            return Err(too_large());
        }
        if consumed >= input.len() && out.len() < out.capacity() {
            if finish {
                return Err(ZlibError {
                    message: "unexpected end of file".into(),
                    code: "Z_BUF_ERROR",
                    errno: -5,
                });
            }
            return Ok((out, false));
        }
    }
}

/// The streams of one isolate, by id.
#[derive(Default)]
struct Streams {
    next: u32,
    open: BTreeMap<u32, ZStream>,
}

pub fn install<'js>(ops: &OpSet<'js, '_>) -> rquickjs::Result<()> {
    let streams = Rc::new(RefCell::new(Streams::default()));
    let s = streams.clone();
    ops.add(
        "zlibOpen",
        move |mode: u32, level: i32, window_bits: u8, quality: u32, lgwin: u32| -> Option<u32> {
            let mode = Mode::from_node(mode)?;
            let stream = ZStream::new(
                mode,
                StreamOptions {
                    level,
                    window_bits,
                    quality,
                    lgwin,
                },
            )
            .ok()?;
            let mut streams = s.borrow_mut();
            streams.next += 1;
            let id = streams.next;
            streams.open.insert(id, stream);
            Some(id)
        },
    )?;
    let s = streams.clone();
    let m = ops.meter.clone();
    ops.add(
        "zlibWrite",
        move |ctx: Ctx<'js>,
              id: u32,
              input: TypedArray<'js, u8>,
              finish: bool|
              -> rquickjs::Result<rquickjs::Array<'js>> {
            let input = copy_bytes(&input);
            charge_or_stop(&ctx, &m, input.len().saturating_mul(4))?;
            let result = match s.borrow_mut().open.get_mut(&id) {
                Some(stream) => stream.write(&input, finish),
                None => Err(ZlibError {
                    message: "zlib binding closed".into(),
                    code: "ERR_ZLIB_BINDING_CLOSED",
                    errno: 0,
                }),
            };
            let answer = rquickjs::Array::new(ctx.clone())?;
            match result {
                Ok(out) => {
                    charge_or_stop(&ctx, &m, out.len())?;
                    answer.set(0, TypedArray::<u8>::new(ctx, out)?)?;
                }
                Err(e) => {
                    answer.set(0, rquickjs::Value::new_null(ctx))?;
                    answer.set(1, e.message)?;
                    answer.set(2, e.code)?;
                    answer.set(3, e.errno)?;
                }
            }
            Ok(answer)
        },
    )?;
    let s = streams.clone();
    ops.add("zlibParams", move |id: u32, level: i32| {
        if let Some(ZStream {
            engine: Engine::Compress(c),
            ..
        }) = s.borrow_mut().open.get_mut(&id)
        {
            let level = if level < 0 {
                6
            } else {
                level.clamp(0, 9) as u32
            };
            // Only fails for a level zlib refuses, which the caller has ruled out.
            c.set_level(Compression::new(level)).ok();
        }
    })?;
    let s = streams;
    ops.add("zlibClose", move |id: u32| {
        s.borrow_mut().open.remove(&id);
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> StreamOptions {
        StreamOptions {
            level: -1,
            window_bits: 15,
            quality: 11,
            lgwin: 22,
        }
    }

    #[test]
    fn gzip_of_hello_is_what_zlib_writes_and_chunking_changes_nothing() {
        let mut z = ZStream::new(Mode::Gzip, options()).unwrap_or_else(|e| panic!("{e}"));
        let mut out = z.write(b"hel", false).unwrap_or_default();
        out.extend(z.write(b"lo", true).unwrap_or_default());
        assert_eq!(
            crate::digest::hex(&out),
            "1f8b0800000000000003cb48cdc9c9070086a6103605000000"
        );
        let mut u = ZStream::new(Mode::Unzip, options()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(u.write(&out, true).unwrap_or_default(), b"hello");
    }

    #[test]
    fn garbage_is_a_data_error_with_zlibs_message() {
        let mut z = ZStream::new(Mode::Inflate, options()).unwrap_or_else(|e| panic!("{e}"));
        let err = z.write(b"not zlib at all", true).unwrap_err();
        assert_eq!(
            (err.message.as_str(), err.code),
            ("incorrect header check", "Z_DATA_ERROR")
        );
    }

    #[test]
    fn a_zip_bomb_stops_at_an_isolates_memory_instead_of_taking_the_hosts() {
        // 200 MiB of zeros deflate to about 200 KiB.
        let mut packer = ZStream::new(Mode::Deflate, options()).unwrap_or_else(|e| panic!("{e}"));
        let zeros = vec![0u8; 1024 * 1024];
        let mut bomb = Vec::new();
        for _ in 0..200 {
            bomb.extend(packer.write(&zeros, false).unwrap_or_default());
        }
        bomb.extend(packer.write(&[], true).unwrap_or_default());
        assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
        let mut inflater = ZStream::new(Mode::Inflate, options()).unwrap_or_else(|e| panic!("{e}"));
        let err = inflater.write(&bomb, true).unwrap_err();
        assert_eq!(
            (err.message.as_str(), err.code),
            ("Memory limit exceeded", "ERR_BUFFER_TOO_LARGE")
        );
    }

    #[test]
    fn brotli_round_trips() {
        let mut e = ZStream::new(Mode::BrotliEncode, options()).unwrap_or_else(|e| panic!("{e}"));
        let packed = e.write(&b"brotli ".repeat(50), true).unwrap_or_default();
        let mut d = ZStream::new(Mode::BrotliDecode, options()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            d.write(&packed, true).unwrap_or_default(),
            b"brotli ".repeat(50)
        );
    }
}
