//! The Worker's module graph: where imports resolve, and what source each module has.
//!
//! Module names are paths relative to the Worker's root directory (`src/index.ts`), so every
//! error the user sees names their file the way their editor does. Sources are read once and
//! kept, so an isolate started later in a run (a cold start) sees the same code as the first.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use rquickjs::loader::{ImportAttributes, Loader, Resolver};
use rquickjs::module::Declared;
use rquickjs::{Ctx, Error, Module};

use super::typescript::strip_types;
use crate::diagnostic::Located;

/// Extensions tried, in order, for an import written without one (as wrangler's bundler does).
const EXTENSIONS: &[&str] = &["ts", "mts", "js", "mjs", "json"];

/// What went wrong while loading the module graph, with the position the user should look at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModuleError {
    #[error(transparent)]
    At(Located),
    #[error("{file}: {message}")]
    File { file: String, message: String },
}

/// The sources of one Worker, shared by every isolate that runs it.
#[derive(Debug, Default)]
pub struct Bundle {
    root: PathBuf,
    main: String,
    /// Module name -> runnable JavaScript (types stripped, JSON wrapped).
    sources: RefCell<BTreeMap<String, Rc<str>>>,
    /// Module name -> the text as written (for positions of failed imports).
    originals: RefCell<BTreeMap<String, Rc<str>>>,
}

impl Bundle {
    /// A bundle rooted at `root` whose entry point is `main` (relative to `root`).
    pub fn from_dir(root: impl Into<PathBuf>, main: &str) -> Rc<Self> {
        Rc::new(Bundle {
            root: root.into(),
            main: normalize(Path::new(main)),
            ..Default::default()
        })
    }

    /// A bundle held entirely in memory: `modules` maps names to sources; `main` is one of them.
    pub fn from_sources(main: &str, modules: &[(&str, &str)]) -> Rc<Self> {
        let bundle = Bundle {
            main: normalize(Path::new(main)),
            ..Default::default()
        };
        for (name, text) in modules {
            bundle
                .originals
                .borrow_mut()
                .insert(normalize(Path::new(name)), Rc::from(*text));
        }
        Rc::new(bundle)
    }

    pub fn main(&self) -> &str {
        &self.main
    }

    fn original(&self, name: &str) -> Result<Option<Rc<str>>, ModuleError> {
        if let Some(text) = self.originals.borrow().get(name) {
            return Ok(Some(text.clone()));
        }
        if self.root.as_os_str().is_empty() {
            return Ok(None);
        }
        let path = self.root.join(name);
        if !path.is_file() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&path).map_err(|e| ModuleError::File {
            file: name.to_string(),
            message: format!("cannot read: {e}"),
        })?;
        let text: Rc<str> = Rc::from(text);
        self.originals
            .borrow_mut()
            .insert(name.to_string(), text.clone());
        Ok(Some(text))
    }

    fn exists(&self, name: &str) -> bool {
        matches!(self.original(name), Ok(Some(_)))
    }

    /// Runnable JavaScript for `name`.
    pub fn runnable(&self, name: &str) -> Result<Rc<str>, ModuleError> {
        if let Some(text) = self.sources.borrow().get(name) {
            return Ok(text.clone());
        }
        let original = self.original(name)?.ok_or_else(|| ModuleError::File {
            file: name.to_string(),
            message: "module not found".to_string(),
        })?;
        let runnable: Rc<str> = if name.ends_with(".ts") || name.ends_with(".mts") {
            Rc::from(strip_types(name, &original).map_err(|e| {
                ModuleError::At(Located {
                    file: name.to_string(),
                    line: e.line,
                    column: e.column,
                    message: e.message,
                })
            })?)
        } else if name.ends_with(".json") {
            let value: serde_json::Value = serde_json::from_str(&original).map_err(|e| {
                ModuleError::At(Located {
                    file: name.to_string(),
                    line: e.line(),
                    column: e.column(),
                    message: format!("invalid JSON: {e}"),
                })
            })?;
            Rc::from(format!("export default {value};"))
        } else {
            original
        };
        self.sources
            .borrow_mut()
            .insert(name.to_string(), runnable.clone());
        Ok(runnable)
    }

    /// Resolves `specifier` imported from module `base` to a module name.
    pub fn resolve(&self, base: &str, specifier: &str) -> Result<String, ModuleError> {
        let not_found = |message: String| {
            let (line, column) = self.position_of(base, specifier);
            ModuleError::At(Located {
                file: base.to_string(),
                line,
                column,
                message,
            })
        };
        if !(specifier.starts_with("./")
            || specifier.starts_with("../")
            || specifier.starts_with('/'))
        {
            return Err(not_found(format!(
                "Could not resolve \"{specifier}\": only relative imports and \"cloudflare:workers\" are supported"
            )));
        }
        let dir = Path::new(base).parent().unwrap_or(Path::new(""));
        let joined = if let Some(abs) = specifier.strip_prefix('/') {
            PathBuf::from(abs)
        } else {
            dir.join(specifier)
        };
        let name = normalize(&joined);
        if name.starts_with("../") {
            return Err(not_found(format!(
                "Could not resolve \"{specifier}\": it points outside the Worker's directory"
            )));
        }
        let mut candidates = vec![name.clone()];
        candidates.extend(EXTENSIONS.iter().map(|ext| format!("{name}.{ext}")));
        candidates.extend(EXTENSIONS.iter().map(|ext| format!("{name}/index.{ext}")));
        candidates
            .into_iter()
            .find(|c| self.exists(c))
            .ok_or_else(|| not_found(format!("Could not resolve \"{specifier}\"")))
    }

    /// Line and column (1-based) of the first quoted occurrence of `specifier` in `module`.
    fn position_of(&self, module: &str, specifier: &str) -> (usize, usize) {
        let Ok(Some(text)) = self.original(module) else {
            return (1, 1);
        };
        let found = ["\"", "'", "`"]
            .iter()
            .filter_map(|q| text.find(&format!("{q}{specifier}{q}")))
            .min();
        match found {
            Some(offset) => line_col(&text, offset),
            None => (1, 1),
        }
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, column)
}

/// `a/./b/../c` -> `a/c`, with forward slashes; leading `..` are kept.
fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
            Component::ParentDir => {
                if parts.last().is_some_and(|p| p != "..") {
                    parts.pop();
                } else {
                    parts.push("..".to_string());
                }
            }
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
        }
    }
    parts.join("/")
}

/// Adapts a [`Bundle`] to QuickJS's resolver and loader hooks. The first failure is kept so the
/// caller can report it with its position instead of QuickJS's generic text.
#[derive(Clone)]
pub struct BundleLoader {
    pub bundle: Rc<Bundle>,
    /// Modules the runtime provides (`cloudflare:workers`): specifier and source.
    pub builtin: &'static [(&'static str, &'static str)],
    pub failure: Rc<RefCell<Option<ModuleError>>>,
}

impl BundleLoader {
    fn fail<T>(&self, name: &str, err: ModuleError) -> rquickjs::Result<T> {
        let message = err.to_string();
        self.failure.borrow_mut().get_or_insert(err);
        Err(Error::new_loading_message(name, message))
    }
}

impl Resolver for BundleLoader {
    fn resolve<'js>(
        &mut self,
        _ctx: &Ctx<'js>,
        base: &str,
        name: &str,
        _attributes: Option<ImportAttributes<'js>>,
    ) -> rquickjs::Result<String> {
        if self.builtin.iter().any(|(specifier, _)| *specifier == name) {
            return Ok(name.to_string());
        }
        match self.bundle.resolve(base, name) {
            Ok(resolved) => Ok(resolved),
            Err(e) => self.fail(name, e),
        }
    }
}

impl Loader for BundleLoader {
    fn load<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        name: &str,
        _attributes: Option<ImportAttributes<'js>>,
    ) -> rquickjs::Result<Module<'js, Declared>> {
        if let Some((_, source)) = self
            .builtin
            .iter()
            .find(|(specifier, _)| *specifier == name)
        {
            return Module::declare(ctx.clone(), name, *source);
        }
        let source = match self.bundle.runnable(name) {
            Ok(s) => s,
            Err(e) => return self.fail(name, e),
        };
        Module::declare(ctx.clone(), name, source.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_imports_resolve_with_bundler_extensions() {
        let b = Bundle::from_sources(
            "src/index.ts",
            &[
                ("src/index.ts", "import './util'"),
                ("src/util.ts", ""),
                ("src/lib/index.js", ""),
            ],
        );
        assert_eq!(b.resolve("src/index.ts", "./util").unwrap(), "src/util.ts");
        assert_eq!(
            b.resolve("src/index.ts", "./lib").unwrap(),
            "src/lib/index.js"
        );
        assert_eq!(
            b.resolve("src/lib/index.js", "../util.ts").unwrap(),
            "src/util.ts"
        );
    }

    #[test]
    fn a_missing_import_names_the_importing_line() {
        let b = Bundle::from_sources("a.js", &[("a.js", "// hi\nimport x from \"./nope.js\";\n")]);
        let err = b.resolve("a.js", "./nope.js").unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.js:2:15: Could not resolve \"./nope.js\""
        );
    }
}
