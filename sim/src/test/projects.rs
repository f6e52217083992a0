//! vitest's `test.projects`: a root config that lists other configs — by path or glob, or by
//! a directory holding one — runs each as a project of its own, with its own Worker, include
//! and pool options, as vitest runs a monorepo's packages from its root. What the root's
//! global setups provide reaches every project's `inject()`, as vitest shares it.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::TestError;
use super::project::{Project, config_in, globs, project_entries, read_config, read_root};

/// One entry of `test.projects`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ProjectEntry {
    /// A config file or a directory, as a path or a glob relative to the root config's
    /// directory; a leading `!` leaves out what it matches.
    Path(String),
    /// A project config written inline in the root config (its `test.name`).
    Inline { inline: String },
}

/// The projects a run covers: the root's own, or those its `test.projects` lists.
pub struct Workspace {
    pub root: PathBuf,
    pub members: Vec<Member>,
}

pub struct Member {
    pub project: Project,
    /// The project's directory relative to the workspace's root (empty for the root itself):
    /// its files are reported under it.
    pub prefix: String,
}

impl Member {
    /// `file` (relative to the project) as the workspace names it.
    pub fn workspace_path(&self, file: &str) -> String {
        match self.prefix.as_str() {
            "" => file.to_string(),
            prefix => format!("{prefix}/{file}"),
        }
    }
}

impl Workspace {
    /// The project at `root`, or, when its config lists projects, each of those.
    pub fn load(root: &Path, env: Option<&str>) -> Result<Workspace, TestError> {
        let (root, config_file, vitest) = read_root(root)?;
        let Some(entries) = vitest.projects.clone() else {
            let project = Project::new(root.clone(), config_file, vitest, env)?;
            let members = vec![Member {
                project,
                prefix: String::new(),
            }];
            return Ok(Workspace { root, members });
        };
        let mut members = Vec::new();
        for (dir, file) in expand(&root, &entries, config_file.as_deref())? {
            let mut member = read_config(&dir, file.as_deref())?;
            // The root's provides, under the project's own.
            let mut provide = vitest.provide.clone().unwrap_or_default();
            provide.extend(member.provide.take().unwrap_or_default());
            member.provide = Some(provide);
            let prefix = dir.strip_prefix(&root).unwrap_or(&dir);
            let prefix = prefix.to_string_lossy().replace('\\', "/");
            members.push(Member {
                project: Project::new(dir, file, member, env)?,
                prefix,
            });
        }
        if members.is_empty() {
            return Err(TestError::Project(format!(
                "{}: test.projects {:?} matches no config file or directory",
                root.display(),
                entries
            )));
        }
        Ok(Workspace { root, members })
    }

    /// Every member's test files (relative to its project) whose workspace path contains one
    /// of `filters`.
    pub fn test_files(&self, filters: &[String]) -> Result<Vec<Vec<String>>, TestError> {
        self.members
            .iter()
            .map(|member| {
                let files = member.project.test_files(&[])?;
                Ok(files
                    .into_iter()
                    .filter(|f| {
                        let path = member.workspace_path(f);
                        filters.is_empty() || filters.iter().any(|x| path.contains(x.as_str()))
                    })
                    .collect())
            })
            .collect()
    }
}

/// The projects `entries` name, in order and each once, as (directory, config file): a file
/// matched is a config; a directory matched is a project with its own config, if it has one.
fn expand(
    root: &Path,
    entries: &[ProjectEntry],
    root_config: Option<&Path>,
) -> Result<Vec<(PathBuf, Option<PathBuf>)>, TestError> {
    let mut include = Vec::new();
    let mut exclude = Vec::new();
    for entry in entries {
        match entry {
            ProjectEntry::Path(p) => match p.strip_prefix('!') {
                Some(negated) => exclude.push(negated.to_string()),
                None => include.push(p.trim_end_matches('/').to_string()),
            },
            ProjectEntry::Inline { inline } => {
                return Err(TestError::Project(format!(
                    "test.projects: the inline project {inline:?} is not supported; give each \
                     project a config file (or a directory holding one) and list its path"
                )));
            }
        }
    }
    let include_set = globs(Some(&include), &[])?;
    let exclude_set = globs(Some(&exclude), &[])?;
    let mut found = Vec::new();
    for (name, entry) in project_entries(root) {
        if !include_set.is_match(&name) || exclude_set.is_match(&name) {
            continue;
        }
        let path = entry.path().to_path_buf();
        if Some(path.as_path()) == root_config {
            continue;
        }
        let project = match entry.file_type().is_dir() {
            true => (path.clone(), config_in(&path)),
            false if is_config_name(&entry.file_name().to_string_lossy()) => (
                path.parent().unwrap_or(root).to_path_buf(),
                Some(path.clone()),
            ),
            false => continue,
        };
        if !found.contains(&project) {
            found.push(project);
        }
    }
    Ok(found)
}

/// Whether a file matched is a config, as vitest tells (`vitest.config.ts`,
/// `vitest.e2e.config.mts`, `vite.config.js`): other files a glob matches are not projects.
fn is_config_name(name: &str) -> bool {
    (name.starts_with("vitest.") || name.starts_with("vite.")) && name.contains("config.")
}
