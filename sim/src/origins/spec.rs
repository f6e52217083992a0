//! Origins as a user declares them — `origins:` in a scenario, `edgesim fetch --origin` — and
//! their loading into an [`OriginTable`]: files are read and Workers loaded before the run
//! starts, so a run never touches the file system and replays from its seed.

use std::collections::BTreeMap;
use std::path::Path;
use std::rc::Rc;

use edgesim_runtime::Plan;
use edgesim_runtime::worker::{WorkerDefinition, WorkerLoadError};
use serde::{Deserialize, Serialize};

use super::canned::CannedResponse;
use super::static_site::{StaticSite, StaticSiteError};
use super::tcp::{TcpServer, TcpSpec};
use super::{Answer, Origin, OriginKey, OriginTable, OriginWorker, Place};
use crate::scenario::Duration;
use crate::world::colos;

/// One origin: where it is and what answers there (exactly one of `worker`, `static`,
/// `responses`, `tcp`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OriginSpec {
    /// A colo code (the origin is in that city) or `{ lat, lon }`; without it the origin is
    /// [`super::UNPLACED_ONE_WAY_MS`] from every colo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<PlaceSpec>,
    /// A Worker script, wrangler config or project directory that serves the origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker: Option<String>,
    /// A directory whose files the origin serves.
    #[serde(rename = "static", default, skip_serializing_if = "Option::is_none")]
    pub static_dir: Option<String>,
    /// Canned answers, the first that matches a request answering it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responses: Option<Vec<CannedSpec>>,
    /// A TCP server that Workers reach with `connect()` (the key is then `host:port`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp: Option<TcpSpec>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum PlaceSpec {
    Colo(String),
    Point { lat: f64, lon: f64 },
}

/// One canned answer: `path` is a glob over the request URL's whole path, a URL prefix's path
/// included (`*` matches anything, `/` too); `method` is any method when absent.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CannedSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default = "ok_status")]
    pub status: u16,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// How long the origin takes to answer, on top of the network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<Duration>,
}

fn ok_status() -> u16 {
    200
}

/// Why a declared origin cannot be used; each names the origin as the user wrote it.
#[derive(Debug, thiserror::Error)]
pub enum OriginError {
    #[error(
        "origin {0:?}: expected a host (`api.example.com`, `localhost:8787`) or a URL prefix (`https://api.example.com/v1/`)"
    )]
    BadKey(String),
    #[error("origin {0:?}: give exactly one of `worker:`, `static:`, `responses:` or `tcp:`")]
    NotExactlyOne(String),
    #[error(
        "origin {origin:?}: at: {colo:?} is not a colo edgesim knows; use an IATA code such as IAD, FRA or SIN, or {{ lat, lon }}"
    )]
    UnknownPlace { origin: String, colo: String },
    #[error("origin {origin:?}: at: latitude must be within ±90 and longitude within ±180")]
    BadPoint { origin: String },
    #[error("origin {origin:?}: {source}")]
    Worker {
        origin: String,
        source: WorkerLoadError,
    },
    #[error("origin {origin:?}: {source}")]
    Static {
        origin: String,
        source: StaticSiteError,
    },
    #[error("origin {origin:?}: tcp: {message}")]
    Tcp { origin: String, message: String },
    #[error("origin {0:?}: a TCP origin is a host and port (`db.example.com:5432`)")]
    TcpWithoutPort(String),
    #[error("origin {origin:?}: response {number}: {message}")]
    Canned {
        origin: String,
        number: usize,
        message: String,
    },
}

impl OriginSpec {
    /// What `edgesim fetch --origin HOST=PATH` means by PATH: a directory of files to serve,
    /// unless it holds a wrangler config (then it is a Worker project); a file is a Worker.
    pub fn for_path(path: &str) -> OriginSpec {
        let p = Path::new(path);
        let is_project = ["wrangler.toml", "wrangler.json", "wrangler.jsonc"]
            .iter()
            .any(|name| p.join(name).is_file());
        if p.is_dir() && !is_project {
            OriginSpec {
                static_dir: Some(path.to_string()),
                ..Default::default()
            }
        } else {
            OriginSpec {
                worker: Some(path.to_string()),
                ..Default::default()
            }
        }
    }
}

impl OriginSpec {
    /// Everything about the origin that can be checked without reading files.
    pub fn check(&self, label: &str) -> Result<(), OriginError> {
        self.checked(label).map(|_| ())
    }

    /// The origin's key, place and canned responses, once the declaration is known sound: one
    /// answer given, each part valid.
    fn checked(
        &self,
        label: &str,
    ) -> Result<(OriginKey, Option<Place>, Vec<CannedResponse>), OriginError> {
        let key = OriginKey::parse(label).ok_or_else(|| OriginError::BadKey(label.to_string()))?;
        let place = self.at.as_ref().map(|at| place(label, at)).transpose()?;
        let given = [
            self.worker.is_some(),
            self.static_dir.is_some(),
            self.responses.is_some(),
            self.tcp.is_some(),
        ];
        if given.iter().filter(|g| **g).count() != 1 {
            return Err(OriginError::NotExactlyOne(label.to_string()));
        }
        let canned = (self.responses.iter().flatten().enumerate())
            .map(|(i, r)| {
                CannedResponse::from_spec(r).map_err(|message| OriginError::Canned {
                    origin: label.to_string(),
                    number: i + 1,
                    message,
                })
            })
            .collect::<Result<_, _>>()?;
        if let Some(tcp) = &self.tcp {
            if !matches!(key, OriginKey::Host { port: Some(_), .. }) {
                return Err(OriginError::TcpWithoutPort(label.to_string()));
            }
            TcpServer::from_spec(tcp).map_err(|message| OriginError::Tcp {
                origin: label.to_string(),
                message,
            })?;
        }
        Ok((key, place, canned))
    }
}

impl OriginTable {
    /// Loads every origin of `specs`, paths relative to `base_dir`.
    pub fn load(
        specs: &BTreeMap<String, OriginSpec>,
        base_dir: &Path,
    ) -> Result<OriginTable, OriginError> {
        let origins = specs
            .iter()
            .map(|(key, spec)| load_one(key, spec, base_dir))
            .collect::<Result<_, _>>()?;
        Ok(OriginTable { origins })
    }
}

fn load_one(label: &str, spec: &OriginSpec, base_dir: &Path) -> Result<Origin, OriginError> {
    let (key, place, canned) = spec.checked(label)?;
    let answer = if let Some(worker) = &spec.worker {
        let definition = WorkerDefinition::load(&base_dir.join(worker)).map_err(|source| {
            OriginError::Worker {
                origin: label.to_string(),
                source,
            }
        })?;
        let limits = definition.limits(Plan::Paid, None);
        Answer::Worker(OriginWorker {
            definition: Rc::new(definition),
            limits,
        })
    } else if let Some(dir) = &spec.static_dir {
        let site = StaticSite::load(&base_dir.join(dir)).map_err(|source| OriginError::Static {
            origin: label.to_string(),
            source,
        })?;
        Answer::Static(site)
    } else if let Some(tcp) = &spec.tcp {
        let server = TcpServer::from_spec(tcp).map_err(|message| OriginError::Tcp {
            origin: label.to_string(),
            message,
        })?;
        Answer::Tcp(server)
    } else {
        Answer::Canned(canned)
    };
    Ok(Origin {
        label: label.to_string(),
        key,
        place,
        answer,
    })
}

fn place(label: &str, at: &PlaceSpec) -> Result<Place, OriginError> {
    match at {
        PlaceSpec::Colo(name) => {
            let colo = colos::built_in(&name.to_ascii_uppercase()).ok_or_else(|| {
                OriginError::UnknownPlace {
                    origin: label.to_string(),
                    colo: name.clone(),
                }
            })?;
            Ok(Place {
                name: colo.name,
                lat: colo.lat,
                lon: colo.lon,
            })
        }
        PlaceSpec::Point { lat, lon } => {
            if !(-90.0..=90.0).contains(lat) || !(-180.0..=180.0).contains(lon) {
                return Err(OriginError::BadPoint {
                    origin: label.to_string(),
                });
            }
            Ok(Place {
                name: format!("origin {label}"),
                lat: *lat,
                lon: *lon,
            })
        }
    }
}
