//! Every seed (fuzz/corpus/ — with each crash ever found, kept as a regression — and the
//! repository's shipped scenarios, configs and modules) runs through its target, then a seeded
//! batch of mutations of them: none may panic. libFuzzer's long runs are local (README.md); this is the short run CI does each time.

use std::panic::{AssertUnwindSafe, catch_unwind};

use edgesim_fuzz::{TARGETS, seeds};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Byte sequences parsers trip over: nesting, quotes, escapes, huge counts, odd encodings.
const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"(",
    b")",
    b"\"",
    b"'",
    b"`",
    b"\\",
    b"\\u{",
    b"${",
    b"/*",
    b"*/",
    b"//",
    b"\n",
    b"\r\n",
    b"\t",
    b":",
    b",",
    b"=",
    b"<",
    b">",
    b"\0",
    b"\xff",
    b"\xc3\xa9",
    b"-1",
    b"0x",
    b"1e999",
    b"99999999999999999999",
    b"NaN",
    b"null",
    b"~",
    b"&a",
    b"*a",
    b"!!binary",
    b"---",
    b"[[",
    b"]]",
    b"import ",
    b"export ",
    b"require(",
    b"as any",
    b"<T,>",
    b"enum ",
    b"declare ",
    b"#!",
    b"\xef\xbb\xbf",
];

/// One input made from the corpus by a few random edits.
fn mutate(rng: &mut ChaCha8Rng, inputs: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut data = inputs[rng.random_range(0..inputs.len())].1.clone();
    for _ in 0..rng.random_range(1..=8) {
        let at = rng.random_range(0..=data.len());
        match rng.random_range(0..6) {
            0 if !data.is_empty() => {
                let i = rng.random_range(0..data.len());
                data[i] ^= 1 << rng.random_range(0..8);
            }
            1 => {
                let token = TOKENS[rng.random_range(0..TOKENS.len())];
                data.splice(at..at, token.iter().copied());
            }
            2 if at < data.len() => {
                let end = rng.random_range(at..=data.len().min(at + 64));
                data.drain(at..end);
            }
            3 if at < data.len() => {
                // Repeat a short piece many times: deep nesting, long runs.
                let end = rng.random_range(at..=data.len().min(at + 4));
                let piece = data[at..end].to_vec();
                let times = rng.random_range(1..2_000);
                let repeated: Vec<u8> = piece
                    .iter()
                    .copied()
                    .cycle()
                    .take(piece.len() * times)
                    .collect();
                data.splice(at..at, repeated);
            }
            4 => {
                let other = &inputs[rng.random_range(0..inputs.len())].1;
                let from = rng.random_range(0..=other.len());
                let to = rng.random_range(from..=other.len().min(from + 256));
                data.splice(at..at, other[from..to].iter().copied());
            }
            _ => data.truncate(at),
        }
    }
    data
}

fn must_return(target: &str, run: fn(&[u8]), what: &str, data: &[u8]) {
    if catch_unwind(AssertUnwindSafe(|| run(data))).is_err() {
        let path = std::env::temp_dir().join(format!("edgesim-fuzz-{target}-crash"));
        let _ = std::fs::write(&path, data);
        panic!(
            "{target} panicked on {what}; input written to {}",
            path.display()
        );
    }
}

#[test]
fn every_corpus_input_and_a_seeded_batch_of_mutations_parse_without_panicking() {
    let mutations: usize = std::env::var("EDGESIM_FUZZ_MUTATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5_000);
    for (target, run) in TARGETS {
        let inputs = seeds(target);
        assert!(inputs.len() >= 2, "{target}: too few seeds");
        // EDGESIM_FUZZ_EXPORT=DIR: every seed as libFuzzer takes it, in DIR/<target>/.
        if let Some(dir) = std::env::var_os("EDGESIM_FUZZ_EXPORT") {
            let dir = std::path::Path::new(&dir).join(target);
            std::fs::create_dir_all(&dir).unwrap();
            for (i, (_, data)) in inputs.iter().enumerate() {
                std::fs::write(dir.join(format!("seed-{i}")), data).unwrap();
            }
        }
        for (name, data) in &inputs {
            must_return(target, *run, name, data);
        }
        let mut rng = ChaCha8Rng::seed_from_u64(2024);
        for i in 0..mutations {
            let data = mutate(&mut rng, &inputs);
            must_return(target, *run, &format!("mutation {i}"), &data);
        }
    }
}
