//! An origin that serves a directory's files, read once when the run is set up (a run never
//! touches the file system, so a file changed mid-run cannot change its replay).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use edgesim_runtime::{HttpRequest, HttpResponse};

use super::plain_response;

/// What a static origin may hold in memory: a bigger directory is probably not a website.
pub const STATIC_SITE_BYTES_MAX: u64 = 256 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct StaticSite {
    /// Path below the root, `/`-separated, no leading slash -> content.
    files: BTreeMap<String, Vec<u8>>,
}

#[derive(Debug, thiserror::Error)]
pub enum StaticSiteError {
    #[error("static: {0}: not a directory")]
    NotADirectory(PathBuf),
    #[error("static: {path}: cannot read: {message}")]
    Read { path: PathBuf, message: String },
    #[error("static: {0}: more than 256 MiB of files")]
    TooBig(PathBuf),
}

impl StaticSite {
    pub fn load(root: &Path) -> Result<StaticSite, StaticSiteError> {
        if !root.is_dir() {
            return Err(StaticSiteError::NotADirectory(root.to_path_buf()));
        }
        let mut files = BTreeMap::new();
        let mut total = 0u64;
        let mut pending = vec![root.to_path_buf()];
        while let Some(dir) = pending.pop() {
            let read_err = |path: &Path, e: std::io::Error| StaticSiteError::Read {
                path: path.to_path_buf(),
                message: e.to_string(),
            };
            for entry in std::fs::read_dir(&dir).map_err(|e| read_err(&dir, e))? {
                let path = entry.map_err(|e| read_err(&dir, e))?.path();
                if path.is_dir() {
                    pending.push(path);
                    continue;
                }
                let bytes = std::fs::read(&path).map_err(|e| read_err(&path, e))?;
                total += bytes.len() as u64;
                if total > STATIC_SITE_BYTES_MAX {
                    return Err(StaticSiteError::TooBig(root.to_path_buf()));
                }
                let relative = path.strip_prefix(root).unwrap_or(&path);
                let key: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                files.insert(key.join("/"), bytes);
            }
        }
        Ok(StaticSite { files })
    }

    /// Answers `request` for `path` (percent-encoded, below the origin's prefix) as a plain
    /// file server does: `GET`/`HEAD` only, `dir/` and `dir` serve `dir/index.html`, `page`
    /// serves `page.html` when there is no file `page`.
    pub fn serve(&self, request: &HttpRequest, path: &str) -> HttpResponse {
        if request.method != "GET" && request.method != "HEAD" {
            let mut response = plain_response(405, "Method Not Allowed", "Method Not Allowed\n");
            response
                .headers
                .push(("allow".to_string(), "GET, HEAD".to_string()));
            return response;
        }
        let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        let wanted = decoded.trim_start_matches('/');
        let candidates = [
            if wanted.is_empty() || wanted.ends_with('/') {
                format!("{wanted}index.html")
            } else {
                wanted.to_string()
            },
            format!("{wanted}/index.html"),
            format!("{wanted}.html"),
        ];
        let Some((name, body)) = candidates
            .iter()
            .find_map(|c| self.files.get_key_value(c.as_str()))
        else {
            return plain_response(404, "Not Found", "Not Found\n");
        };
        let mime = mime_guess::from_path(name).first_or_octet_stream();
        let content_type = match mime.type_() {
            mime_guess::mime::TEXT => format!("{mime}; charset=utf-8"),
            _ if mime.subtype() == mime_guess::mime::JAVASCRIPT
                || mime.subtype() == mime_guess::mime::JSON =>
            {
                format!("{mime}; charset=utf-8")
            }
            _ => mime.to_string(),
        };
        HttpResponse {
            status: 200,
            status_text: "OK".to_string(),
            headers: vec![
                ("content-type".to_string(), content_type),
                ("content-length".to_string(), body.len().to_string()),
            ],
            body: if request.method == "HEAD" {
                Vec::new()
            } else {
                body.clone()
            },
            web_socket: None,
        }
    }
}
