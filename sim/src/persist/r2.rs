//! R2 on disk: an index per bucket, one file per object version and per uploaded part.

use std::cell::RefMut;
use std::path::{Path, PathBuf};

use edgesim_runtime::storage::r2::{R2Bucket, R2Meta, Upload as R2Upload};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Persist, PersistError, component, fail};

impl Persist {
    fn r2_db(
        &self,
        bucket: &str,
    ) -> Result<(RefMut<'_, Connection>, PathBuf, PathBuf), PersistError> {
        let dir = self.root.join("r2").join(component(bucket));
        let blobs = dir.join("blobs");
        std::fs::create_dir_all(&blobs).map_err(|e| fail(&blobs, e))?;
        let path = dir.join("index.sqlite");
        let db = self.db(
            &path,
            "CREATE TABLE IF NOT EXISTS objects (key TEXT PRIMARY KEY, meta TEXT NOT NULL, \
             blob TEXT NOT NULL); \
             CREATE TABLE IF NOT EXISTS ids (issued INTEGER NOT NULL); \
             CREATE TABLE IF NOT EXISTS uploads (id TEXT PRIMARY KEY, upload TEXT NOT NULL); \
             CREATE TABLE IF NOT EXISTS parts (upload TEXT NOT NULL, number INTEGER NOT NULL, \
             etag TEXT NOT NULL, blob TEXT NOT NULL, PRIMARY KEY (upload, number))",
        )?;
        Ok((db, path, blobs))
    }

    /// Puts bucket `name`'s objects back into `bucket` on its first use this run.
    pub fn load_r2(&self, bucket: &mut R2Bucket, name: &str) -> Result<(), PersistError> {
        if !self.first_use(format!("r2/{name}")) {
            return Ok(());
        }
        let (db, path, blobs) = self.r2_db(name)?;
        // (meta JSON, blob file) per object, and the ids issued.
        type Index = (Vec<(String, String)>, Option<i64>);
        let read = || -> rusqlite::Result<Index> {
            let mut statement = db.prepare("SELECT meta, blob FROM objects ORDER BY key")?;
            let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
            let objects = rows.collect::<rusqlite::Result<_>>()?;
            let issued = db
                .query_row("SELECT issued FROM ids", [], |row| row.get(0))
                .optional()?;
            Ok((objects, issued))
        };
        let (objects, issued) = read().map_err(|e| fail(&path, e))?;
        for (meta, blob) in objects {
            let meta: R2Meta = serde_json::from_str(&meta).map_err(|e| fail(&path, e))?;
            let blob_path = blobs.join(&blob);
            let body = std::fs::read(&blob_path).map_err(|e| fail(&blob_path, e))?;
            bucket.restore(meta, body);
        }
        bucket.restore_ids_issued(issued.unwrap_or(0) as u64);
        self.load_r2_uploads(bucket, &db, &path, &blobs)
    }

    /// Multipart uploads in progress, with the parts uploaded so far.
    fn load_r2_uploads(
        &self,
        bucket: &mut R2Bucket,
        db: &Connection,
        path: &Path,
        blobs: &Path,
    ) -> Result<(), PersistError> {
        // (upload id, upload JSON), and (upload id, part number, ETag, blob file).
        type Rows = (Vec<(String, String)>, Vec<(String, u32, String, String)>);
        let read = || -> rusqlite::Result<Rows> {
            let mut statement = db.prepare("SELECT id, upload FROM uploads ORDER BY id")?;
            let uploads = statement
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut statement =
                db.prepare("SELECT upload, number, etag, blob FROM parts ORDER BY upload, number")?;
            let parts = statement
                .query_map([], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            Ok((uploads, parts))
        };
        let (uploads, parts) = read().map_err(|e| fail(path, e))?;
        let mut restored = std::collections::BTreeMap::new();
        for (id, upload) in uploads {
            let upload: R2Upload = serde_json::from_str(&upload).map_err(|e| fail(path, e))?;
            restored.insert(id, upload);
        }
        for (id, number, etag, blob) in parts {
            let blob_path = blobs.join(&blob);
            let body = std::fs::read(&blob_path).map_err(|e| fail(&blob_path, e))?;
            if let Some(upload) = restored.get_mut(&id) {
                upload.parts.insert(number, (etag, body));
            }
        }
        for (id, upload) in restored {
            bucket.restore_upload(id, upload);
        }
        Ok(())
    }

    /// Writes multipart upload `upload_id` as `bucket` now has it (or its end) to disk: each
    /// part's body to a file of its own before the index names it.
    pub fn save_r2_upload(
        &self,
        bucket: &R2Bucket,
        name: &str,
        upload_id: &str,
    ) -> Result<(), PersistError> {
        let (mut db, path, blobs) = self.r2_db(name)?;
        let stored: Vec<(u32, String, String)> = {
            let read = || -> rusqlite::Result<Vec<(u32, String, String)>> {
                let mut statement =
                    db.prepare("SELECT number, etag, blob FROM parts WHERE upload = ?1")?;
                let rows = statement.query_map([upload_id], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
                })?;
                rows.collect()
            };
            read().map_err(|e| fail(&path, e))?
        };
        let tx = db.transaction().map_err(|e| fail(&path, e))?;
        let mut gone: Vec<String> = Vec::new();
        let written = (|| -> Result<(), PersistError> {
            let sql = |e| fail(&path, e);
            match bucket.upload(upload_id) {
                None => {
                    tx.execute("DELETE FROM uploads WHERE id = ?1", [upload_id])
                        .map_err(sql)?;
                    tx.execute("DELETE FROM parts WHERE upload = ?1", [upload_id])
                        .map_err(sql)?;
                    gone.extend(stored.iter().map(|(_, _, blob)| blob.clone()));
                }
                Some(upload) => {
                    let json = serde_json::to_string(upload).map_err(|e| fail(&path, e))?;
                    tx.execute(
                        "INSERT OR REPLACE INTO uploads VALUES (?1, ?2)",
                        params![upload_id, json],
                    )
                    .map_err(sql)?;
                    for (number, (etag, body)) in &upload.parts {
                        if stored.iter().any(|(n, e, _)| n == number && e == etag) {
                            continue;
                        }
                        let blob = component(&format!("part-{upload_id}-{number}-{etag}"));
                        let blob_path = blobs.join(&blob);
                        super::write_durably(&blob_path, body).map_err(|e| fail(&blob_path, e))?;
                        tx.execute(
                            "INSERT OR REPLACE INTO parts VALUES (?1, ?2, ?3, ?4)",
                            params![upload_id, number, etag, blob],
                        )
                        .map_err(sql)?;
                        gone.extend(
                            stored
                                .iter()
                                .filter(|(n, _, _)| n == number)
                                .map(|(_, _, blob)| blob.clone()),
                        );
                    }
                }
            }
            Ok(())
        })();
        written?;
        tx.commit().map_err(|e| fail(&path, e))?;
        for blob in gone {
            // Best effort, as for replaced object versions.
            let _ = std::fs::remove_file(blobs.join(blob));
        }
        Ok(())
    }

    /// Writes what `bucket` now holds under each of `keys` to disk: a new version's body goes
    /// to a file of its own before the index names it, and the old one's file goes after.
    pub fn save_r2_keys(
        &self,
        bucket: &R2Bucket,
        name: &str,
        keys: &[String],
    ) -> Result<(), PersistError> {
        let (mut db, path, blobs) = self.r2_db(name)?;
        let mut replaced = Vec::new();
        let tx = db.transaction().map_err(|e| fail(&path, e))?;
        for key in keys {
            let old: Option<String> = tx
                .query_row("SELECT blob FROM objects WHERE key = ?1", [key], |row| {
                    row.get(0)
                })
                .optional()
                .map_err(|e| fail(&path, e))?;
            let written = match bucket.object(key) {
                Some((meta, body)) => {
                    let blob = component(&meta.version);
                    let blob_path = blobs.join(&blob);
                    super::write_durably(&blob_path, body).map_err(|e| fail(&blob_path, e))?;
                    let meta = serde_json::to_string(meta).map_err(|e| fail(&path, e))?;
                    if old.as_deref() == Some(blob.as_str()) {
                        continue;
                    }
                    tx.execute(
                        "INSERT OR REPLACE INTO objects VALUES (?1, ?2, ?3)",
                        params![key, meta, blob],
                    )
                }
                None => tx.execute("DELETE FROM objects WHERE key = ?1", [key]),
            };
            written.map_err(|e| fail(&path, e))?;
            replaced.extend(old);
        }
        let ids = (|| {
            tx.execute("DELETE FROM ids", [])?;
            tx.execute("INSERT INTO ids VALUES (?1)", [bucket.ids_issued() as i64])?;
            tx.commit()
        })();
        ids.map_err(|e| fail(&path, e))?;
        for blob in replaced {
            // Best effort: a leftover file is only disk space, never a wrong answer.
            let _ = std::fs::remove_file(blobs.join(blob));
        }
        Ok(())
    }
}
