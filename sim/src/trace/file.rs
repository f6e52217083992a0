//! A trace file written while the run goes: each event's JSON line as it is recorded, into a
//! temporary file beside the destination that is synced and renamed over it when the run ends,
//! so a long run never holds its trace in memory and a crash never leaves half a file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[error("{}: cannot write the trace: {error}", path.display())]
pub struct TraceFileError {
    pub path: PathBuf,
    pub error: std::io::Error,
}

pub struct TraceFile {
    path: PathBuf,
    dir: PathBuf,
    temporary: PathBuf,
    out: BufWriter<File>,
    /// The first write that failed: the file is abandoned, and the run says so at its end.
    failed: Option<std::io::Error>,
}

impl TraceFile {
    pub fn create(path: &Path) -> Result<TraceFile, TraceFileError> {
        let (dir, temporary) = crate::persist::temporary_beside(path);
        let file = File::create(&temporary).map_err(|error| TraceFileError {
            path: path.to_path_buf(),
            error,
        })?;
        Ok(TraceFile {
            path: path.to_path_buf(),
            dir,
            temporary,
            out: BufWriter::new(file),
            failed: None,
        })
    }

    /// Appends one JSON line.
    pub fn line(&mut self, json: &str) {
        if self.failed.is_some() {
            return;
        }
        let written =
            (self.out.write_all(json.as_bytes())).and_then(|()| self.out.write_all(b"\n"));
        if let Err(error) = written {
            self.failed = Some(error);
        }
    }

    /// Makes the file whole at its destination: flushed, synced, renamed, its directory synced.
    pub fn finish(mut self) -> Result<(), TraceFileError> {
        let path = self.path.clone();
        let done = match self.failed.take() {
            Some(error) => Err(error),
            None => self.complete(),
        };
        done.map_err(|error| {
            let _ = std::fs::remove_file(&self.temporary);
            TraceFileError { path, error }
        })
    }

    fn complete(&mut self) -> std::io::Result<()> {
        self.out.flush()?;
        self.out.get_ref().sync_all()?;
        std::fs::rename(&self.temporary, &self.path)?;
        File::open(&self.dir)?.sync_all()
    }
}
