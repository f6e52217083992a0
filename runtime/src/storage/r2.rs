//! One R2 bucket (semantics.md §3): objects with their metadata and checksums, conditional
//! and ranged reads, lexicographic listing with delimiters and cursors, and multipart uploads
//! with S3-style ETags. Strongly consistent: every call sees every write that finished before
//! it. Errors carry the service's v4 codes and texts (`put: … (10020)`).

use std::collections::BTreeMap;

/// An object's custom metadata, in the order it was given (as R2 keeps and returns it).
pub type CustomMetadata = indexmap::IndexMap<String, String>;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::write_rate::SameKeyWrites;
use crate::digest::DigestAlgorithm;

pub const KEY_BYTES_MAX: usize = 1024;
/// limits.mdx: 8,192 bytes of custom metadata (Miniflare enforces 2,048).
pub const METADATA_BYTES_MAX: usize = 8192;
pub const LIST_LIMIT_MAX: usize = 1000;
/// multipart-objects.mdx: every part but the last is at least 5 MiB.
pub const PART_BYTES_MIN: usize = 5 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{action}: {message} ({code})")]
pub struct R2Error {
    pub action: String,
    pub code: u32,
    pub message: String,
}

fn error(action: &str, code: u32) -> R2Error {
    let message = match code {
        10007 => "The specified key does not exist.",
        10011 => "Your proposed upload is smaller than the minimum allowed object size.",
        10012 => "Your metadata headers exceed the maximum allowed metadata size.",
        10020 => "The specified object name is not valid.",
        10022 => "MaxKeys params must be positive integer <= 1000.",
        10024 => "The specified multipart upload does not exist.",
        10025 => "One or more of the specified parts could not be found.",
        10031 => "At least one of the pre-conditions you specified did not hold.",
        10039 => "The requested range is not satisfiable",
        10048 => "There was a problem with the multipart upload.",
        10058 => "Reduce your concurrent request rate for the same object.",
        _ => "We encountered an internal error. Please try again.",
    };
    R2Error {
        action: action.to_string(),
        code,
        message: message.to_string(),
    }
}

impl R2Error {
    /// Code 10001: what the binding reports when the bucket could not be reached.
    pub fn internal(action: &str) -> Self {
        error(action, 10001)
    }
}

impl R2Op {
    /// The binding method that made this operation, as R2's errors name it.
    pub fn action(&self) -> &'static str {
        match self {
            R2Op::Head { .. } => "head",
            R2Op::Get { .. } => "get",
            R2Op::Put { .. } => "put",
            R2Op::Delete { .. } => "delete",
            R2Op::List(_) => "list",
            R2Op::CreateMultipart { .. } => "createMultipartUpload",
            R2Op::UploadPart { .. } => "uploadPart",
            R2Op::Complete { .. } => "completeMultipartUpload",
            R2Op::Abort { .. } => "abortMultipartUpload",
        }
    }
}

/// What the binding shows of an object (its body travels separately).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct R2Meta {
    pub key: String,
    pub version: String,
    pub size: u64,
    pub etag: String,
    pub checksums: BTreeMap<String, String>,
    pub uploaded_ms: u64,
    pub http_metadata: BTreeMap<String, String>,
    pub custom_metadata: CustomMetadata,
    /// `Standard` or `InfrequentAccess`, as the write asked.
    #[serde(default = "standard_class")]
    pub storage_class: String,
    /// `(offset, length)` served, for reads.
    pub range: Option<(u64, u64)>,
}

/// An object written without a storage class (and any kept before edgesim stored the class).
fn standard_class() -> String {
    "Standard".to_string()
}

/// A read or write precondition. The etag lists hold `*`, strong etags' values, and weak ones
/// as `W/<value>` (an `If-Match`/`If-None-Match` header may name several).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Conditional {
    pub etag_matches: Option<Vec<String>>,
    pub etag_does_not_match: Option<Vec<String>>,
    pub uploaded_before_ms: Option<u64>,
    pub uploaded_after_ms: Option<u64>,
}

/// `bucket.list()` options, as the binding checked them.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListRequest {
    pub prefix: Option<String>,
    pub delimiter: Option<String>,
    pub cursor: Option<String>,
    pub start_after: Option<String>,
    pub limit: Option<i64>,
    pub include_http: bool,
    pub include_custom: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum R2Op {
    Head {
        key: String,
    },
    #[serde(rename_all = "camelCase")]
    Get {
        key: String,
        offset: Option<u64>,
        length: Option<u64>,
        suffix: Option<u64>,
        only_if: Option<Conditional>,
    },
    #[serde(rename_all = "camelCase")]
    Put {
        key: String,
        http_metadata: BTreeMap<String, String>,
        custom_metadata: CustomMetadata,
        #[serde(default)]
        storage_class: Option<String>,
        /// `(algorithm, hex)` the body must hash to.
        checksum: Option<(String, String)>,
        only_if: Option<Conditional>,
    },
    Delete {
        keys: Vec<String>,
    },
    List(ListRequest),
    #[serde(rename_all = "camelCase")]
    CreateMultipart {
        key: String,
        http_metadata: BTreeMap<String, String>,
        custom_metadata: CustomMetadata,
        #[serde(default)]
        storage_class: Option<String>,
    },
    #[serde(rename_all = "camelCase")]
    UploadPart {
        key: String,
        upload_id: String,
        part_number: u32,
    },
    #[serde(rename_all = "camelCase")]
    Complete {
        key: String,
        upload_id: String,
        parts: Vec<(u32, String)>,
    },
    #[serde(rename_all = "camelCase")]
    Abort {
        key: String,
        upload_id: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum R2Reply {
    Meta {
        object: Option<R2Meta>,
    },
    /// A read: the object (`None` if missing) and whether the body comes with it.
    #[serde(rename_all = "camelCase")]
    Read {
        object: Option<R2Meta>,
        with_body: bool,
    },
    Done,
    #[serde(rename_all = "camelCase")]
    List {
        objects: Vec<R2Meta>,
        truncated: bool,
        cursor: Option<String>,
        delimited_prefixes: Vec<String>,
    },
    #[serde(rename_all = "camelCase")]
    Upload {
        upload_id: String,
    },
    #[serde(rename_all = "camelCase")]
    Part {
        part_number: u32,
        etag: String,
    },
}

#[derive(Debug, Clone)]
struct Stored {
    meta: R2Meta,
    body: Vec<u8>,
}

/// A multipart upload in progress: the metadata the object will get, and the parts so far
/// by number, each with its ETag.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Upload {
    pub key: String,
    pub http_metadata: BTreeMap<String, String>,
    pub custom_metadata: CustomMetadata,
    #[serde(default)]
    pub storage_class: Option<String>,
    #[serde(skip)]
    pub parts: BTreeMap<u32, (String, Vec<u8>)>,
}

#[derive(Debug, Clone, Default)]
pub struct R2Bucket {
    objects: BTreeMap<String, Stored>,
    uploads: BTreeMap<String, Upload>,
    counter: u64,
    writes_by_key: SameKeyWrites,
}

fn md5_hex(data: &[u8]) -> String {
    DigestAlgorithm::Md5.hex_digest(data)
}

fn check_key(action: &str, key: &str) -> Result<(), R2Error> {
    if key.len() > KEY_BYTES_MAX {
        return Err(error(action, 10020));
    }
    Ok(())
}

/// Whether a stored object passes the read or write preconditions.
fn holds(c: &Conditional, meta: Option<&R2Meta>) -> bool {
    let etag = meta.map(|m| m.etag.as_str());
    // If-Match compares strongly (a weak etag never matches), If-None-Match weakly (RFC 9110).
    let strong = |wanted: &String, e: &str| wanted == "*" || wanted == e;
    let weak = |wanted: &String, e: &str| strong(wanted, e) || wanted.strip_prefix("W/") == Some(e);
    if let Some(want) = &c.etag_matches
        && etag.is_none_or(|e| !want.iter().any(|w| strong(w, e)))
    {
        return false;
    }
    if let Some(not) = &c.etag_does_not_match
        && etag.is_some_and(|e| not.iter().any(|w| weak(w, e)))
    {
        return false;
    }
    let uploaded = meta.map_or(0, |m| m.uploaded_ms);
    if c.uploaded_before_ms.is_some_and(|t| uploaded >= t) {
        return false;
    }
    if c.uploaded_after_ms.is_some_and(|t| uploaded <= t) {
        return false;
    }
    true
}

impl R2Bucket {
    /// The object stored under `key` and its body: what a host mirrors to disk after a write.
    pub fn object(&self, key: &str) -> Option<(&R2Meta, &[u8])> {
        self.objects.get(key).map(|s| (&s.meta, s.body.as_slice()))
    }

    /// Puts back an object a host kept on disk.
    pub fn restore(&mut self, meta: R2Meta, body: Vec<u8>) {
        self.objects.insert(meta.key.clone(), Stored { meta, body });
    }

    /// Multipart upload `upload_id`, while it is in progress.
    pub fn upload(&self, upload_id: &str) -> Option<&Upload> {
        self.uploads.get(upload_id)
    }

    /// Puts back an upload in progress a host kept on disk.
    pub fn restore_upload(&mut self, upload_id: String, upload: Upload) {
        self.uploads.insert(upload_id, upload);
    }

    /// How many ids the bucket has handed out; a restored bucket goes on from there, so a new
    /// version never repeats an old one's id.
    pub fn ids_issued(&self) -> u64 {
        self.counter
    }

    pub fn restore_ids_issued(&mut self, counter: u64) {
        self.counter = self.counter.max(counter);
    }

    /// An id for a new version or upload, deterministic per bucket.
    fn next_id(&mut self, salt: &str) -> String {
        self.counter += 1;
        md5_hex(format!("{salt}/{}", self.counter).as_bytes())
    }

    /// Runs `op`; `body` is the value for puts and parts. A read's body is returned alongside.
    pub fn apply(
        &mut self,
        op: R2Op,
        body: Vec<u8>,
        now_ms: u64,
    ) -> Result<(R2Reply, Option<Vec<u8>>), R2Error> {
        match op {
            R2Op::Head { key } => {
                check_key("head", &key)?;
                let object = self.objects.get(&key).map(|s| {
                    let mut meta = s.meta.clone();
                    meta.range = Some((0, meta.size));
                    meta
                });
                Ok((R2Reply::Meta { object }, None))
            }
            R2Op::Get {
                key,
                offset,
                length,
                suffix,
                only_if,
            } => self.get(&key, offset, length, suffix, only_if.as_ref()),
            R2Op::Put {
                key,
                http_metadata,
                custom_metadata,
                storage_class,
                checksum,
                only_if,
            } => {
                check_key("put", &key)?;
                let metadata_bytes: usize =
                    custom_metadata.iter().map(|(k, v)| k.len() + v.len()).sum();
                if metadata_bytes > METADATA_BYTES_MAX {
                    return Err(error("put", 10012));
                }
                if let Some(c) = &only_if
                    && !holds(c, self.objects.get(&key).map(|s| &s.meta))
                {
                    return Ok((R2Reply::Meta { object: None }, None));
                }
                self.admit_write("put", &key, now_ms)?;
                let md5 = md5_hex(&body);
                let mut checksums = BTreeMap::from([("md5".to_string(), md5.clone())]);
                if let Some((algorithm, want)) = checksum {
                    let actual = DigestAlgorithm::from_r2_name(&algorithm)
                        .unwrap_or(DigestAlgorithm::Md5)
                        .hex_digest(&body);
                    if actual != want.to_ascii_lowercase() {
                        let name = algorithm.to_ascii_uppercase().replace("SHA", "SHA-");
                        return Err(R2Error {
                            action: "put".into(),
                            code: 10037,
                            message: format!(
                                "The {name} checksum you specified did not match what we received.\nYou provided a {name} checksum with value: {want}\nActual {name} was: {actual}"
                            ),
                        });
                    }
                    checksums.insert(algorithm, actual);
                }
                let metadata = (http_metadata, custom_metadata, storage_class);
                Ok(self.store(key, body, md5, checksums, metadata, now_ms))
            }
            R2Op::Delete { keys } => {
                for key in &keys {
                    check_key("delete", key)?;
                    if !self.writes_by_key.allows(key, now_ms) {
                        return Err(error("delete", 10058));
                    }
                }
                for key in keys {
                    self.writes_by_key.admit(&key, now_ms);
                    self.objects.remove(&key);
                }
                Ok((R2Reply::Done, None))
            }
            R2Op::List(request) => self.list(request),
            R2Op::CreateMultipart {
                key,
                http_metadata,
                custom_metadata,
                storage_class,
            } => {
                check_key("createMultipartUpload", &key)?;
                let upload_id = self.next_id(&format!("upload/{key}"));
                self.uploads.insert(
                    upload_id.clone(),
                    Upload {
                        key,
                        http_metadata,
                        custom_metadata,
                        storage_class,
                        parts: BTreeMap::new(),
                    },
                );
                Ok((R2Reply::Upload { upload_id }, None))
            }
            R2Op::UploadPart {
                upload_id,
                part_number,
                ..
            } => {
                let upload = self
                    .uploads
                    .get_mut(&upload_id)
                    .ok_or_else(|| error("uploadPart", 10024))?;
                let etag = md5_hex(&body);
                upload.parts.insert(part_number, (etag.clone(), body));
                Ok((R2Reply::Part { part_number, etag }, None))
            }
            R2Op::Complete {
                key,
                upload_id,
                parts,
            } => self.complete(key, upload_id, parts, now_ms),
            R2Op::Abort { upload_id, .. } => {
                self.uploads.remove(&upload_id);
                Ok((R2Reply::Done, None))
            }
        }
    }

    fn get(
        &self,
        key: &str,
        offset: Option<u64>,
        length: Option<u64>,
        suffix: Option<u64>,
        only_if: Option<&Conditional>,
    ) -> Result<(R2Reply, Option<Vec<u8>>), R2Error> {
        check_key("get", key)?;
        let Some(stored) = self.objects.get(key) else {
            return Ok((
                R2Reply::Read {
                    object: None,
                    with_body: false,
                },
                None,
            ));
        };
        let mut meta = stored.meta.clone();
        let size = meta.size;
        if only_if.is_some_and(|c| !holds(c, Some(&meta))) {
            meta.range = Some((0, size));
            return Ok((
                R2Reply::Read {
                    object: Some(meta),
                    with_body: false,
                },
                None,
            ));
        }
        let (start, len) = match (offset, length, suffix) {
            (_, _, Some(n)) => {
                let n = n.min(size);
                (size - n, n)
            }
            (None, None, None) => (0, size),
            (offset, length, None) => {
                let start = offset.unwrap_or(0);
                if start >= size.max(1) && !(start == 0 && size == 0) {
                    return Err(error("get", 10039));
                }
                let len = length.unwrap_or(size - start).min(size - start);
                if length == Some(0) {
                    return Err(error("get", 10039));
                }
                (start, len)
            }
        };
        meta.range = Some((start, len));
        let body = stored.body[start as usize..(start + len) as usize].to_vec();
        Ok((
            R2Reply::Read {
                object: Some(meta),
                with_body: true,
            },
            Some(body),
        ))
    }

    fn list(&self, request: ListRequest) -> Result<(R2Reply, Option<Vec<u8>>), R2Error> {
        let ListRequest {
            prefix,
            delimiter,
            cursor,
            start_after,
            limit,
            include_http,
            include_custom,
        } = request;
        let limit = match limit {
            None => LIST_LIMIT_MAX,
            Some(n) if (1..=LIST_LIMIT_MAX as i64).contains(&n) => n as usize,
            Some(_) => return Err(error("list", 10022)),
        };
        let prefix = prefix.unwrap_or_default();
        // The cursor is the last key of the previous page, base64 (an unreadable one is ignored).
        let after = cursor
            .and_then(|c| base64::engine::general_purpose::STANDARD.decode(c).ok())
            .and_then(|b| String::from_utf8(b).ok())
            .or(start_after);
        let mut objects = Vec::new();
        let mut prefixes: Vec<String> = Vec::new();
        let mut last = None;
        let mut truncated = false;
        for (key, stored) in self.objects.range(after.clone().unwrap_or_default()..) {
            if after.as_deref() == Some(key.as_str()) || !key.starts_with(&prefix) {
                continue;
            }
            if objects.len() + prefixes.len() >= limit {
                truncated = true;
                break;
            }
            if let Some(d) = delimiter.as_deref().filter(|d| !d.is_empty())
                && let Some(at) = key[prefix.len()..].find(d)
            {
                let group = key[..prefix.len() + at + d.len()].to_string();
                if !prefixes.contains(&group) {
                    prefixes.push(group);
                }
                last = Some(key.clone());
                continue;
            }
            let mut meta = stored.meta.clone();
            if !include_http {
                meta.http_metadata.clear();
            }
            if !include_custom {
                meta.custom_metadata.clear();
            }
            objects.push(meta);
            last = Some(key.clone());
        }
        let cursor = truncated
            .then(|| last.map(|k| base64::engine::general_purpose::STANDARD.encode(k)))
            .flatten();
        Ok((
            R2Reply::List {
                objects,
                truncated,
                cursor,
                delimited_prefixes: prefixes,
            },
            None,
        ))
    }

    fn complete(
        &mut self,
        key: String,
        upload_id: String,
        parts: Vec<(u32, String)>,
        now_ms: u64,
    ) -> Result<(R2Reply, Option<Vec<u8>>), R2Error> {
        let action = "completeMultipartUpload";
        let upload = self
            .uploads
            .get(&upload_id)
            .ok_or_else(|| error(action, 10024))?;
        let mut chosen: Vec<Vec<u8>> = Vec::new();
        for (number, etag) in &parts {
            match upload.parts.get(number) {
                Some((stored_etag, body)) if stored_etag == etag => chosen.push(body.clone()),
                _ => return Err(error(action, 10025)),
            }
        }
        if let Some((_, all_but_last)) = chosen.split_last()
            && all_but_last.iter().any(|b| b.len() < PART_BYTES_MIN)
        {
            return Err(error(action, 10011));
        }
        let mut md5s = Vec::new();
        let mut body = Vec::new();
        for part in &chosen {
            md5s.extend_from_slice(&DigestAlgorithm::Md5.digest(part));
            body.extend_from_slice(part);
        }
        self.admit_write(action, &key, now_ms)?;
        let upload = self.uploads.remove(&upload_id).unwrap_or_default();
        let etag = format!("{}-{}", md5_hex(&md5s), chosen.len());
        let metadata = (
            upload.http_metadata,
            upload.custom_metadata,
            upload.storage_class,
        );
        Ok(self.store(key, body, etag, BTreeMap::new(), metadata, now_ms))
    }

    /// Maximum concurrent writes to the same object name: one per second (semantics.md §3.2);
    /// R2 answers a faster one with 429, code 10058, and does not apply it.
    fn admit_write(&mut self, action: &str, key: &str, now_ms: u64) -> Result<(), R2Error> {
        if self.writes_by_key.admit(key, now_ms) {
            Ok(())
        } else {
            Err(error(action, 10058))
        }
    }

    /// Stores a new version of `key` (the last writer wins) and answers its metadata.
    fn store(
        &mut self,
        key: String,
        body: Vec<u8>,
        etag: String,
        checksums: BTreeMap<String, String>,
        (http_metadata, custom_metadata, storage_class): (
            BTreeMap<String, String>,
            CustomMetadata,
            Option<String>,
        ),
        now_ms: u64,
    ) -> (R2Reply, Option<Vec<u8>>) {
        let meta = R2Meta {
            key: key.clone(),
            version: self.next_id(&key),
            size: body.len() as u64,
            etag,
            checksums,
            uploaded_ms: now_ms,
            http_metadata,
            custom_metadata,
            storage_class: storage_class.unwrap_or_else(standard_class),
            range: None,
        };
        let stored = Stored {
            meta: meta.clone(),
            body,
        };
        self.objects.insert(key, stored);
        (R2Reply::Meta { object: Some(meta) }, None)
    }
}
