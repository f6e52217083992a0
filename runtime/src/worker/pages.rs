//! Pages projects (`pages_build_output_dir` in the wrangler config), run as `wrangler pages dev`
//! runs them: the output directory is the static assets (binding `ASSETS`), and the Worker is
//! the directory's `_worker.js` (advanced mode) or one built from the `functions/` directory —
//! a generated entry module that hands every function file to the router of api/pages.
//!
//! Which paths run the Worker at all is the output directory's `_routes.json` when it has one,
//! else one rule per function file, as wrangler generates it; the rest are assets only, with
//! the `404.html` page when there is one and the single-page-application fallback when not.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use crate::assets::config::{AssetsConfig, HtmlHandling, NotFoundHandling, RunWorkerFirst};

/// The generated entry module of a project with functions.
pub const FUNCTIONS_ENTRY: &str = "edgesim-pages-functions.js";
/// workers-sdk's MAX_FUNCTIONS_ROUTES_RULES: past it, every path runs the Worker.
const ROUTE_RULES_MAX: usize = 100;
const EXTENSIONS: [&str; 5] = ["mjs", "js", "ts", "tsx", "jsx"];

#[derive(Debug, thiserror::Error)]
pub enum PagesError {
    #[error("pages_build_output_dir {0:?} is not a directory")]
    NoOutputDir(String),
    #[error("{0}: {1}")]
    Read(String, std::io::Error),
    /// workers-sdk filepath-routing's text, after the file that has the parameter.
    #[error(
        "{file}: Invalid Pages function route parameter - \"{param}\". {what} names must only contain alphanumeric and underscore characters."
    )]
    BadParameter {
        file: String,
        param: String,
        what: &'static str,
    },
    #[error(
        "{0}: not a valid _routes.json (expected {{ \"version\": 1, \"include\": [...], \"exclude\": [...] }}): {1}"
    )]
    Routes(String, String),
}

/// What runs a Pages project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PagesWorker {
    /// `_worker.js` in the output directory (its path relative to the project).
    Advanced(String),
    /// The generated entry module's source.
    Functions(String),
    /// Nothing but the assets.
    AssetsOnly,
}

#[derive(Debug, Clone)]
pub struct PagesProject {
    pub worker: PagesWorker,
    pub assets: AssetsConfig,
}

impl PagesProject {
    /// The project at `root` whose config names `output_dir`.
    pub fn load(root: &Path, output_dir: &str) -> Result<PagesProject, PagesError> {
        let out = root.join(output_dir);
        if !out.is_dir() {
            return Err(PagesError::NoOutputDir(output_dir.to_string()));
        }
        let functions_dir = root.join("functions");
        let functions = match functions_dir.is_dir() {
            true => function_files(&functions_dir)?,
            false => Vec::new(),
        };
        let worker_js = Path::new(output_dir).join("_worker.js");
        let worker = if root.join(&worker_js).is_file() {
            PagesWorker::Advanced(worker_js.to_string_lossy().replace('\\', "/"))
        } else if functions.is_empty() {
            PagesWorker::AssetsOnly
        } else {
            PagesWorker::Functions(entry_source(&functions))
        };
        let run_worker_first = match &worker {
            PagesWorker::AssetsOnly => RunWorkerFirst::All(false),
            _ => match routes_json(&out)? {
                Some(rules) => RunWorkerFirst::Rules(rules),
                None if matches!(worker, PagesWorker::Advanced(_)) => RunWorkerFirst::All(true),
                None => RunWorkerFirst::Rules(include_rules(&functions)),
            },
        };
        let not_found_handling = match out.join("404.html").is_file() {
            true => NotFoundHandling::NotFoundPage,
            false => NotFoundHandling::SinglePageApplication,
        };
        let assets = AssetsConfig {
            directory: Some(output_dir.to_string()),
            binding: Some("ASSETS".to_string()),
            html_handling: HtmlHandling::AutoTrailingSlash,
            not_found_handling,
            run_worker_first,
        };
        Ok(PagesProject { worker, assets })
    }
}

/// The function files below `dir` (paths relative to it, `/`-separated), directory by
/// directory as wrangler walks them, each directory's entries in name order.
fn function_files(dir: &Path) -> Result<Vec<String>, PagesError> {
    let mut out = Vec::new();
    let mut queue = VecDeque::from([PathBuf::new()]);
    while let Some(relative) = queue.pop_front() {
        let here = dir.join(&relative);
        let read = std::fs::read_dir(&here)
            .map_err(|e| PagesError::Read(here.display().to_string(), e))?;
        let mut entries: Vec<_> = read.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = relative.join(entry.file_name());
            let kind = entry
                .file_type()
                .map_err(|e| PagesError::Read(path.display().to_string(), e))?;
            if kind.is_dir() {
                queue.push_back(path);
            } else if path
                .extension()
                .is_some_and(|x| EXTENSIONS.iter().any(|e| x == *e))
            {
                let name = path.to_string_lossy().replace('\\', "/");
                check_parameters(&name)?;
                out.push(name);
            }
        }
    }
    Ok(out)
}

/// `[name]` and `[[name]]` in a function's path name a parameter: letters, digits and `_`.
fn check_parameters(file: &str) -> Result<(), PagesError> {
    let valid = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let mut rest = file;
    while let Some(open) = rest.find('[') {
        let catchall = rest[open..].starts_with("[[");
        let start = open + if catchall { 2 } else { 1 };
        let close = rest[start..].find(']').map_or(rest.len(), |c| start + c);
        let param = &rest[start..close];
        if !valid(param) {
            let (param, what) = match catchall {
                true => (format!("[[{param}]]"), "Parameters"),
                false => (format!("[{param}]"), "Parameter"),
            };
            return Err(PagesError::BadParameter {
                file: format!("functions/{file}"),
                param,
                what,
            });
        }
        rest = &rest[(close + if catchall { 2 } else { 1 }).min(rest.len())..];
    }
    Ok(())
}

/// The entry module: every function file's namespace, handed to the router.
fn entry_source(functions: &[String]) -> String {
    let mut imports =
        String::from("import { functionsWorker } from \"edgesim:pages-functions\";\n");
    let mut list = Vec::new();
    for (i, file) in functions.iter().enumerate() {
        let specifier = serde_json::Value::from(format!("./functions/{file}"));
        imports.push_str(&format!("import * as f{i} from {specifier};\n"));
        list.push(format!(
            "[{}, f{i}]",
            serde_json::Value::from(file.as_str())
        ));
    }
    format!(
        "{imports}export default functionsWorker([{}]);\n",
        list.join(", ")
    )
}

/// One rule per function file, as wrangler's `_routes.json` has it: the file's route with
/// everything from its first parameter on as `*`, and `/*` below a middleware.
fn include_rules(functions: &[String]) -> Vec<String> {
    let mut rules: Vec<String> = Vec::new();
    for file in functions {
        let stem = file.rsplit_once('.').map_or(file.as_str(), |(s, _)| s);
        let (dir, base) = stem.rsplit_once('/').unwrap_or(("", stem));
        let middleware = base == "_middleware" || base == "_middleware_";
        let route = match base == "index" || middleware {
            true => format!("/{dir}"),
            false => format!("/{stem}"),
        };
        let mut rule = match route.find('[') {
            Some(at) => format!("{}*", &route[..at]),
            None => route,
        };
        if middleware && !rule.ends_with('*') {
            rule = format!("{}/*", rule.trim_end_matches('/'));
        }
        if !rules.contains(&rule) {
            rules.push(rule);
        }
    }
    let rules = consolidate(rules);
    if rules.len() > ROUTE_RULES_MAX {
        return vec!["/*".to_string()];
    }
    rules
}

/// Drops the rules a wildcard rule covers (`/api` and `/api/x` under `/api/*`), as wrangler's
/// consolidation does before it writes `_routes.json`.
fn consolidate(rules: Vec<String>) -> Vec<String> {
    let wildcards: Vec<String> = (rules.iter())
        .filter_map(|r| r.strip_suffix('*').map(str::to_string))
        .collect();
    let covered = |rule: &String| {
        wildcards.iter().any(|prefix| {
            let dir = prefix.trim_end_matches('/');
            *rule != format!("{prefix}*")
                && (rule.starts_with(prefix) || *rule == dir || dir.is_empty())
        })
    };
    rules.iter().filter(|r| !covered(r)).cloned().collect()
}

/// The output directory's `_routes.json` as `run_worker_first` rules (`!` before the
/// excludes), or `None` when it has none.
fn routes_json(out: &Path) -> Result<Option<Vec<String>>, PagesError> {
    #[derive(serde::Deserialize)]
    struct Routes {
        #[allow(dead_code)]
        version: u32,
        include: Vec<String>,
        #[serde(default)]
        exclude: Vec<String>,
    }
    let path = out.join("_routes.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    let routes: Routes = serde_json::from_str(&text)
        .map_err(|e| PagesError::Routes(path.display().to_string(), e.to_string()))?;
    let excludes = routes.exclude.iter().map(|e| format!("!{e}"));
    Ok(Some(
        routes.include.iter().cloned().chain(excludes).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn each_function_file_gives_the_route_rule_wrangler_generates() {
        let rules = include_rules(&files(&[
            "index.ts",
            "_middleware.ts",
            "api/[id].ts",
            "api/users/index.js",
            "docs/[[path]].ts",
            "admin/_middleware.js",
        ]));
        assert_eq!(rules, ["/*"]);
        let rules = include_rules(&files(&[
            "api/[id].ts",
            "api/users/index.js",
            "api/index.js",
            "docs/[[path]].ts",
            "about.js",
            "admin/_middleware.js",
        ]));
        assert_eq!(rules, ["/api/*", "/docs/*", "/about", "/admin/*"]);
    }

    #[test]
    fn a_parameter_name_with_other_characters_is_refused_with_wranglers_text() {
        assert!(check_parameters("api/[id].ts").is_ok());
        assert!(check_parameters("[[all_of_it]].ts").is_ok());
        let error = check_parameters("api/[user-id].ts")
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "functions/api/[user-id].ts: Invalid Pages function route parameter - \"[user-id]\". Parameter names must only contain alphanumeric and underscore characters."
        );
        let error = check_parameters("[[a.b]].ts").unwrap_err().to_string();
        assert!(error.contains("\"[[a.b]]\". Parameters names"), "{error}");
    }

    #[test]
    fn the_entry_imports_every_function_file_by_its_path() {
        assert_eq!(
            entry_source(&files(&["index.ts", "api/[id].ts"])),
            "import { functionsWorker } from \"edgesim:pages-functions\";\n\
             import * as f0 from \"./functions/index.ts\";\n\
             import * as f1 from \"./functions/api/[id].ts\";\n\
             export default functionsWorker([[\"index.ts\", f0], [\"api/[id].ts\", f1]]);\n"
        );
    }
}
