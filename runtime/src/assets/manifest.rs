//! The files of an assets directory as wrangler uploads them: every file but the ones
//! `.assetsignore` (gitignore rules) and the metafiles leave out, each under its path from the
//! directory's root, with the content hash wrangler uploads it under (its ETag) and the
//! Content-Type wrangler gives its extension.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::rc::Rc;
use std::sync::OnceLock;

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::AssetsError;

/// Wrangler refuses a file larger than this (workers-shared `MAX_ASSET_SIZE`).
pub const ASSET_SIZE_MAX_BYTES: u64 = 25 * 1024 * 1024;
/// And more files than this in one Worker version (`MAX_ASSET_COUNT`).
pub const ASSET_COUNT_MAX: usize = 100_000;

/// Never served: the files that configure the serving.
const METAFILES: &[&str] = &["/.assetsignore", "/_redirects", "/_headers"];

/// One file as the platform serves it.
#[derive(Debug, Clone)]
pub struct Asset {
    /// The first 32 hex digits of BLAKE3(base64(content) + extension): wrangler's `hashFile`.
    pub etag: String,
    pub content_type: Option<&'static str>,
    pub body: Rc<[u8]>,
}

/// Every asset by its path (`/blog/index.html`), exact and case-sensitive.
#[derive(Debug, Clone, Default)]
pub struct AssetSet {
    pub by_path: BTreeMap<String, Asset>,
    /// A path of the asset with each ETag (files with the same content and extension share
    /// one).
    by_etag: BTreeMap<String, String>,
}

impl AssetSet {
    /// Reads `dir` whole: a run serves the files as they were when it started.
    pub fn load(dir: &Path) -> Result<AssetSet, AssetsError> {
        let ignored = ignore_rules(dir)?;
        let (mut by_path, mut by_etag) = (BTreeMap::new(), BTreeMap::new());
        let walk = walkdir::WalkDir::new(dir)
            .follow_links(true)
            .sort_by_file_name();
        for entry in walk {
            let entry = entry.map_err(|e| AssetsError::Read {
                path: e
                    .path()
                    .map_or_else(|| dir.to_path_buf(), Path::to_path_buf),
                message: e.to_string(),
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            let Ok(relative) = entry.path().strip_prefix(dir) else {
                continue;
            };
            let path = asset_path(relative);
            if METAFILES.contains(&path.as_str())
                || ignored
                    .matched_path_or_any_parents(relative, false)
                    .is_ignore()
            {
                continue;
            }
            let asset = read_asset(entry.path(), dir)?;
            by_etag
                .entry(asset.etag.clone())
                .or_insert_with(|| path.clone());
            by_path.insert(path, asset);
            if by_path.len() > ASSET_COUNT_MAX {
                return Err(AssetsError::TooMany {
                    dir: dir.to_path_buf(),
                });
            }
        }
        Ok(AssetSet { by_path, by_etag })
    }

    pub fn get(&self, path: &str) -> Option<&Asset> {
        self.by_path.get(path)
    }

    pub fn by_etag(&self, etag: &str) -> Option<&Asset> {
        self.by_path.get(self.by_etag.get(etag)?)
    }

    /// The ETag of the asset at `path`: the asset worker's `exists`.
    pub fn etag(&self, path: &str) -> Option<&str> {
        self.by_path.get(path).map(|a| a.etag.as_str())
    }
}

/// `/` and the path's components joined by `/`, whatever the OS separator.
fn asset_path(relative: &Path) -> String {
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    format!("/{}", parts.join("/"))
}

fn ignore_rules(dir: &Path) -> Result<Gitignore, AssetsError> {
    let mut builder = GitignoreBuilder::new(dir);
    let file = dir.join(".assetsignore");
    if file.is_file()
        && let Some(e) = builder.add(&file)
    {
        return Err(AssetsError::Read {
            path: file,
            message: e.to_string(),
        });
    }
    builder.build().map_err(|e| AssetsError::Read {
        path: file,
        message: e.to_string(),
    })
}

fn read_asset(file: &Path, dir: &Path) -> Result<Asset, AssetsError> {
    let read_error = |e: std::io::Error| AssetsError::Read {
        path: file.to_path_buf(),
        message: e.to_string(),
    };
    let size = std::fs::metadata(file).map_err(read_error)?.len();
    if size > ASSET_SIZE_MAX_BYTES {
        return Err(AssetsError::TooLarge {
            file: file.to_path_buf(),
            dir: dir.to_path_buf(),
            size_bytes: size,
        });
    }
    let body = std::fs::read(file).map_err(read_error)?;
    let extension = file.extension().map(|e| e.to_string_lossy().into_owned());
    Ok(Asset {
        etag: content_hash(&body, extension.as_deref().unwrap_or("")),
        content_type: extension.as_deref().and_then(content_type),
        body: body.into(),
    })
}

fn content_hash(body: &[u8], extension: &str) -> String {
    use base64::Engine;
    let mut hasher = blake3::Hasher::new();
    hasher.update(
        base64::engine::general_purpose::STANDARD
            .encode(body)
            .as_bytes(),
    );
    hasher.update(extension.as_bytes());
    hasher.finalize().to_hex()[..32].to_string()
}

/// The type wrangler gives files with this extension (case-insensitive), if it knows one.
pub fn content_type(extension: &str) -> Option<&'static str> {
    static TYPES: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    let types = TYPES.get_or_init(|| {
        include_str!("content-types.tsv")
            .lines()
            .filter_map(|line| line.split_once('\t'))
            .collect()
    });
    types.get(extension.to_ascii_lowercase().as_str()).copied()
}
