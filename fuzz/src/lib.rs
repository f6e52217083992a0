//! Entry points for fuzzing what edgesim reads from its users: each takes arbitrary bytes,
//! feeds them to one parser, and must return — an error is a fine answer, a panic, an abort or
//! a hang is a bug. libFuzzer drives them (`fuzz_targets/`, README.md); `cargo test` replays
//! the checked-in corpus and a seeded batch of mutations of it (tests/fuzz_corpus.rs).

use std::path::PathBuf;

use edgesim_runtime::Bundle;
use edgesim_runtime::api::crypto::{self, KeyData, Params, jwk::Jwk};
use edgesim_runtime::engine::modules::ModuleOptions;
use edgesim_runtime::worker::config::WranglerConfig;
use edgesim_sim::scenario::model::LoadedScenario;

/// A fuzz target: arbitrary bytes in, nothing out.
pub type Target = fn(&[u8]);

/// Every target, by name: what the corpus directories and the mutation test are keyed by.
pub const TARGETS: &[(&str, Target)] = &[
    ("scenario_yaml", scenario_yaml),
    ("wrangler_config", wrangler_config),
    ("module_loader", module_loader),
    ("crypto_key_import", crypto_key_import),
];

/// A scenario file, as `edgesim run` parses and checks it.
pub fn scenario_yaml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // A directory with nothing in it: a scenario naming Workers finds none there.
    let dir = std::env::temp_dir().join("edgesim-fuzz-empty");
    let _ = LoadedScenario::parse("fuzz.yaml", text, dir);
}

/// A Wrangler config; the first byte chooses its format (TOML, JSON or JSONC).
pub fn wrangler_config(data: &[u8]) {
    let Some((format, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let file = ["wrangler.toml", "wrangler.json", "wrangler.jsonc"][usize::from(*format % 3)];
    let _ = WranglerConfig::parse(file, text);
}

/// A Worker's module as the loader prepares it to run (TypeScript and JSX stripped, CommonJS
/// wrapped, imports found); the first byte chooses the file's extension.
pub fn module_loader(data: &[u8]) {
    const NAMES: [&str; 8] = [
        "index.js",
        "index.mjs",
        "index.cjs",
        "index.ts",
        "index.mts",
        "index.tsx",
        "index.jsx",
        "index.cts",
    ];
    let Some((kind, rest)) = data.split_first() else {
        return;
    };
    let Ok(source) = std::str::from_utf8(rest) else {
        return;
    };
    let name = NAMES[usize::from(*kind) % NAMES.len()];
    let bundle = Bundle::from_sources(name, &[(name, source)], ModuleOptions::default());
    let _ = bundle.runnable(name);
}

/// `crypto.subtle.importKey` of arbitrary key data: the first byte chooses the format, the
/// second the algorithm; a JWK's bytes are read as JSON first, as JavaScript hands it over.
pub fn crypto_key_import(data: &[u8]) {
    const FORMATS: [&str; 4] = ["raw", "pkcs8", "spki", "jwk"];
    const ALGORITHMS: [(&str, Option<&str>, Option<&str>); 14] = [
        ("RSASSA-PKCS1-v1_5", Some("SHA-256"), None),
        ("RSA-PSS", Some("SHA-384"), None),
        ("RSA-OAEP", Some("SHA-1"), None),
        ("ECDSA", None, Some("P-256")),
        ("ECDSA", None, Some("P-384")),
        ("ECDSA", None, Some("P-521")),
        ("ECDH", None, Some("P-256")),
        ("Ed25519", None, None),
        ("X25519", None, None),
        ("HMAC", Some("SHA-256"), None),
        ("AES-GCM", None, None),
        ("AES-KW", None, None),
        ("PBKDF2", None, None),
        ("HKDF", None, None),
    ];
    let [format, algorithm, key @ ..] = data else {
        return;
    };
    let format = FORMATS[usize::from(*format) % FORMATS.len()];
    let (name, hash, named_curve) = ALGORITHMS[usize::from(*algorithm) % ALGORITHMS.len()];
    let params = Params {
        name: name.to_string(),
        hash: hash.map(str::to_string),
        named_curve: named_curve.map(str::to_string),
        ..Params::default()
    };
    let data = if format == "jwk" {
        match serde_json::from_slice::<Jwk>(key) {
            Ok(jwk) => KeyData::Jwk(jwk),
            Err(_) => return,
        }
    } else {
        KeyData::Bytes(key)
    };
    let _ = crypto::import(&params, format, data);
}

/// The checked-in corpus of `target`: fuzz/corpus/<target>/.
pub fn corpus_dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target)
}

/// What `target` starts from, by name: its corpus, and the repository's own inputs of its
/// kind (the shipped scenarios, their Workers' configs and modules), each with the selector
/// byte the target reads first.
pub fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let mut seeds = files_under(&corpus_dir(target), &|_| Some(Vec::new()));
    let scenarios = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let shipped = |select: &dyn Fn(&str) -> Option<Vec<u8>>| files_under(&scenarios, select);
    seeds.extend(match target {
        "scenario_yaml" => shipped(&|name| name.ends_with(".yaml").then(Vec::new)),
        "wrangler_config" => shipped(&|name| {
            let format = [".toml", ".json", ".jsonc"]
                .iter()
                .position(|ext| name.ends_with(&format!("wrangler{ext}")))?;
            Some(vec![format as u8])
        }),
        "module_loader" => shipped(&|name| {
            let kinds = [".js", ".mjs", ".cjs", ".ts", ".mts", ".tsx", ".jsx", ".cts"];
            let kind = kinds.iter().position(|ext| name.ends_with(ext))?;
            Some(vec![kind as u8])
        }),
        _ => Vec::new(),
    });
    seeds.sort();
    seeds
}

/// Files under `dir` (not in `node_modules`) that `select` takes, each prefixed with the bytes
/// it returns.
fn files_under(
    dir: &std::path::Path,
    select: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.to_string_lossy().into_owned();
        if path.is_dir() {
            if !name.ends_with("node_modules") {
                out.extend(files_under(&path, select));
            }
        } else if let Some(mut data) = select(&name) {
            data.extend(std::fs::read(&path).unwrap_or_default());
            out.push((name, data));
        }
    }
    out
}
