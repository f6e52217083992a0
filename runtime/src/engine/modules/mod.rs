//! The Worker's module graph: where imports resolve, and what source each module has.
//!
//! Module names are paths relative to the Worker's root directory (`src/index.ts`,
//! `node_modules/hono/dist/index.js`), so every error the user sees names their file the way
//! their editor does. Sources are read once and kept, so an isolate started later in a run (a
//! cold start) sees the same code as the first. Imports resolve as wrangler's bundler resolves
//! them (resolve.rs); CommonJS files run as its bundle runs them (commonjs.rs).

mod commonjs;
pub mod define;
mod format;
mod loader;
mod mock_hoist;
pub mod mocks;
mod node;
mod resolve;
mod rules;
mod vite_imports;

pub use format::{ScriptKind, WorkerFormat};
pub use loader::{BundleLoader, TEST_ENTRY};

pub use node::NodeImports;
pub use rules::{ModuleRule, ModuleRules, ModuleType, ValueModule};

use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use rquickjs::module::Declared;
use rquickjs::{Ctx, Module};

use super::jsx::{JsxRuntime, transform_jsx, transpile_typescript};
use super::positions::Positions;
use super::typescript::strip_types;
use crate::diagnostic::Located;
use commonjs::{DEFINITION_SUFFIX, Required, Shape};
use resolve::{ImportKind, PackageResolver};

/// Extensions tried, in order, for an import written without one, in a bundle held in memory
/// (one on disk resolves as wrangler's bundler does: resolve.rs).
const EXTENSIONS: &[&str] = &["tsx", "ts", "mts", "jsx", "js", "mjs", "json"];

/// The runtime's CommonJS support module and its source.
pub const COMMONJS_RUNTIME: (&str, &str) = (commonjs::RUNTIME_MODULE, include_str!("commonjs.js"));

/// What went wrong while loading the module graph, with the position the user should look at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModuleError {
    #[error(transparent)]
    At(Located),
    #[error("{file}: {message}")]
    File { file: String, message: String },
}

/// How a Worker's config shapes its module graph.
#[derive(Debug, Clone, Default)]
pub struct ModuleOptions {
    /// Which `node:*` modules its compatibility flags let it import.
    pub node: NodeImports,
    /// Which imports load as text, bytes or WebAssembly.
    pub rules: ModuleRules,
    /// Modules that exist only in memory, under names no file can have (`vitest`,
    /// `cloudflare:test` for `edgesim test`): they win over packages of the same name, and
    /// what they import is resolved from the Worker's root directory.
    pub virtual_modules: Vec<(String, Rc<str>)>,
    /// A directory above the Worker's root whose files it may load too: the project of
    /// `edgesim test`, whose test files lie beside a Worker in `src/`.
    pub project_root: Option<PathBuf>,
    /// `define`: names replaced in every module.
    pub defines: define::Defines,
}

impl From<NodeImports> for ModuleOptions {
    fn from(node: NodeImports) -> Self {
        ModuleOptions {
            node,
            ..Default::default()
        }
    }
}

/// The sources of one Worker, shared by every isolate that runs it.
#[derive(Debug, Default)]
pub struct Bundle {
    root: PathBuf,
    /// No file is read from outside this directory, symbolic links resolved: the project
    /// ([`resolve::project_boundary`]).
    boundary: PathBuf,
    main: String,
    /// Module name -> runnable JavaScript (types stripped, JSON wrapped).
    sources: RefCell<BTreeMap<String, Rc<str>>>,
    /// Module name -> the text as written (for positions of failed imports).
    originals: RefCell<BTreeMap<String, Rc<str>>>,
    /// Module name -> what reading it as JavaScript found (for `.js`/`.cjs` files).
    shapes: RefCell<BTreeMap<String, Rc<Shape>>>,
    /// Module name -> the module that first imported it, for the import chain of an error.
    importers: RefCell<BTreeMap<String, String>>,
    /// Module name -> what a module rule loads it as, for modules that are not JavaScript.
    types: RefCell<BTreeMap<String, ValueModule>>,
    resolver: PackageResolver,
    /// Where the transpiled (JSX) modules' positions came from.
    positions: Positions,
    /// Which `node:*` modules the Worker's compatibility flags let it import.
    node: NodeImports,
    rules: ModuleRules,
    /// ModuleOptions::virtual_modules.
    virtual_modules: BTreeMap<String, Rc<str>>,
    defines: define::Defines,
    /// The main module's format, read once.
    format: OnceCell<WorkerFormat>,
    /// Directory -> whether its nearest `package.json` says `"type": "module"`.
    module_packages: RefCell<BTreeMap<PathBuf, bool>>,
}

/// What a module held only in memory resolves its own imports against: a file at the root.
const VIRTUAL_BASE: &str = "edgesim-virtual-module.js";

impl Bundle {
    /// A bundle rooted at `root` whose entry point is `main` (relative to `root`).
    pub fn from_dir(
        root: impl Into<PathBuf>,
        main: &str,
        options: impl Into<ModuleOptions>,
    ) -> Rc<Self> {
        let root: PathBuf = root.into();
        // The resolver answers with real paths; names are relative to the real root.
        let root = std::fs::canonicalize(&root).unwrap_or(root);
        let ModuleOptions {
            node,
            rules,
            virtual_modules,
            project_root,
            defines,
        } = options.into();
        super::swc_guard::learn_stack_bounds();
        let mut boundary = resolve::project_boundary(&root);
        if let Some(project) = project_root.and_then(|p| std::fs::canonicalize(p).ok())
            && boundary.starts_with(&project)
        {
            boundary = project;
        }
        Rc::new(Bundle {
            boundary,
            root,
            main: normalize(Path::new(main)),
            node,
            rules,
            virtual_modules: virtual_modules.into_iter().collect(),
            defines,
            ..Default::default()
        })
    }

    /// A bundle held entirely in memory: `modules` maps names to sources; `main` is one of them.
    pub fn from_sources(
        main: &str,
        modules: &[(&str, &str)],
        options: impl Into<ModuleOptions>,
    ) -> Rc<Self> {
        let ModuleOptions {
            node,
            rules,
            virtual_modules,
            project_root: _,
            defines,
        } = options.into();
        super::swc_guard::learn_stack_bounds();
        let bundle = Bundle {
            main: normalize(Path::new(main)),
            node,
            rules,
            virtual_modules: virtual_modules.into_iter().collect(),
            defines,
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

    /// The modules held in memory (ModuleOptions::virtual_modules).
    pub fn virtual_modules(&self) -> Vec<(String, Rc<str>)> {
        (self.virtual_modules.iter())
            .map(|(name, source)| (name.clone(), source.clone()))
            .collect()
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
        self.check_inside(name, &path)?;
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

    /// What workerd's `/bundle` directory holds for this Worker: its modules as wrangler uploads
    /// them. wrangler bundles the entry and everything it imports into one module named after
    /// the entry (`src/index.ts` -> `index.js`); edgesim keeps the modules apart, so the entry's
    /// text stands for that module, and modules loaded as data keep their names.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let main = Path::new(&self.main);
        let stem = main.file_stem().and_then(|s| s.to_str()).unwrap_or("index");
        let name = match main.extension().and_then(|e| e.to_str()) {
            Some("js" | "mjs" | "cjs") => main
                .file_name()
                .and_then(|s| s.to_str())
                .unwrap_or(stem)
                .to_string(),
            _ => format!("{stem}.js"),
        };
        let mut files = vec![(
            name,
            self.original(&self.main)
                .ok()
                .flatten()
                .map(|t| t.as_bytes().to_vec())
                .unwrap_or_default(),
        )];
        let data: Vec<String> = self.types.borrow().keys().cloned().collect();
        for module in data {
            if let Ok(bytes) = self.bytes(&module) {
                files.push((module, bytes));
            }
        }
        files
    }

    /// The bytes of file `name`, for modules loaded as data.
    fn bytes(&self, name: &str) -> Result<Vec<u8>, ModuleError> {
        if let Some(text) = self.originals.borrow().get(name) {
            return Ok(text.as_bytes().to_vec());
        }
        let path = self.root.join(name);
        self.check_inside(name, &path)?;
        std::fs::read(&path).map_err(|e| ModuleError::File {
            file: name.to_string(),
            message: format!("cannot read: {e}"),
        })
    }

    /// Refuses file `name` (at `path`) when it is, or links to, a file outside the project:
    /// a production bundle holds the project's code, never a file of the machine that built it.
    fn check_inside(&self, name: &str, path: &Path) -> Result<(), ModuleError> {
        let real = std::fs::canonicalize(path).map_err(|e| ModuleError::File {
            file: name.to_string(),
            message: format!("cannot read: {e}"),
        })?;
        if real.starts_with(&self.boundary) {
            return Ok(());
        }
        Err(ModuleError::File {
            file: name.to_string(),
            message: format!(
                "is {}, outside the project ({}); edgesim loads no file from outside it",
                real.display(),
                self.boundary.display()
            ),
        })
    }

    /// JavaScript for a module that a rule loads as `kind` rather than as JavaScript.
    fn value_module(&self, name: &str, kind: ValueModule) -> Result<Rc<str>, ModuleError> {
        let cannot = |what: &str| {
            ModuleError::At(Located {
                file: name.to_string(),
                line: 1,
                column: 1,
                message: format!("edgesim cannot load {what} yet{}", self.import_chain(name)),
            })
        };
        let bytes = self.bytes(name)?;
        let source = match kind {
            ValueModule::Text => {
                let text = String::from_utf8_lossy(&bytes);
                format!("export default {};", serde_json::Value::from(text.as_ref()))
            }
            ValueModule::Data => format!(
                "const b = atob(\"{}\"), a = new Uint8Array(b.length);\n\
                 for (let i = 0; i < b.length; i++) a[i] = b.charCodeAt(i);\n\
                 export default a.buffer;",
                base64_encode(&bytes)
            ),
            ValueModule::CompiledWasm => {
                let key = crate::api::wasm::register(&bytes).map_err(|e| {
                    ModuleError::At(Located {
                        file: name.to_string(),
                        line: 1,
                        column: 1,
                        message: format!("WebAssembly.Module(): {e}{}", self.import_chain(name)),
                    })
                })?;
                format!("export default globalThis[Symbol.for(\"edgesim.wasm\")](\"{key}\");")
            }
            ValueModule::Python => return Err(cannot("Python modules")),
        };
        let source: Rc<str> = Rc::from(source);
        self.sources
            .borrow_mut()
            .insert(name.to_string(), source.clone());
        Ok(source)
    }

    fn exists(&self, name: &str) -> bool {
        matches!(self.original(name), Ok(Some(_)))
    }

    /// Runnable JavaScript for `name`.
    pub fn runnable(&self, name: &str) -> Result<Rc<str>, ModuleError> {
        if let Some(text) = self.sources.borrow().get(name) {
            return Ok(text.clone());
        }
        if let Some(text) = self.virtual_modules.get(name) {
            return Ok(text.clone());
        }
        if let Some(source) = self.node.source(name) {
            return Ok(Rc::from(source));
        }
        let file = name.strip_suffix(DEFINITION_SUFFIX).unwrap_or(name);
        let ruled = self.types.borrow().get(file).copied();
        if let Some(kind) = ruled {
            return self.value_module(file, kind);
        }
        if let Some(unsupported) = unsupported_kind(file) {
            return Err(ModuleError::At(Located {
                file: file.to_string(),
                line: 1,
                column: 1,
                message: format!("{unsupported}{}", self.import_chain(file)),
            }));
        }
        let original = self.original(file)?.ok_or_else(|| ModuleError::File {
            file: file.to_string(),
            message: "module not found".to_string(),
        })?;
        let runnable: Rc<str> = if file != name {
            Rc::from(commonjs::definition(&original, &self.requires_of(file)?))
        } else if self.is_commonjs(name) {
            Rc::from(commonjs::facade(name, &self.export_names(name)))
        } else if name.ends_with(".jsx") || name.ends_with(".tsx") {
            self.with_commonjs_namespaces(name, Rc::from(self.jsx(name, &original)?))
        } else if [".ts", ".mts", ".cts"]
            .iter()
            .any(|ext| name.ends_with(ext))
        {
            self.with_commonjs_namespaces(name, Rc::from(self.typescript(name, &original)?))
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
            self.with_commonjs_namespaces(name, original)
        };
        let runnable = match name.ends_with(".json") || self.is_commonjs(name) {
            true => runnable,
            false => (self.defines.apply(name, &runnable)).map_or(runnable, Rc::from),
        };
        self.sources
            .borrow_mut()
            .insert(name.to_string(), runnable.clone());
        Ok(runnable)
    }

    /// Declares `source` as module `name`. A `.js`/`.mjs`/`.cjs` file QuickJS cannot parse is
    /// read again as JSX, as wrangler's esbuild reads every JavaScript file (`loader: "jsx"`);
    /// only a file that fails pays for the transform, and a file that is not JSX either keeps
    /// QuickJS's own syntax error.
    pub fn declare<'js>(
        &self,
        ctx: &Ctx<'js>,
        name: &str,
        source: Rc<str>,
    ) -> rquickjs::Result<Module<'js, Declared>> {
        let first = Module::declare(ctx.clone(), name, source.as_bytes());
        let plain_js = [".js", ".mjs", ".cjs"]
            .iter()
            .any(|ext| name.ends_with(ext));
        if first.is_ok() || !plain_js || !source.contains('<') {
            return first;
        }
        let thrown = ctx.catch();
        let Ok(transformed) = self.jsx(name, &source) else {
            return Err(ctx.throw(thrown));
        };
        match Module::declare(ctx.clone(), name, transformed.as_bytes()) {
            Ok(module) => {
                let runnable: Rc<str> = Rc::from(transformed);
                self.sources.borrow_mut().insert(name.to_string(), runnable);
                Ok(module)
            }
            Err(_) => {
                let _ = ctx.catch();
                Err(ctx.throw(thrown))
            }
        }
    }

    /// JavaScript for the TypeScript module `name`: its types blanked in place, or, when it
    /// needs more than that (an `enum`, `<T>expr`), compiled as wrangler's esbuild compiles it,
    /// its positions mapped back to the file as written.
    fn typescript(&self, name: &str, original: &str) -> Result<String, ModuleError> {
        let stripped = match strip_types(name, original) {
            Ok(text) => return Ok(text),
            Err(e) => e,
        };
        match transpile_typescript(name, original) {
            Ok((text, map)) => {
                self.positions.insert(name, map);
                Ok(text)
            }
            // Not TypeScript at all: the stripper's error says where.
            Err(_) => Err(ModuleError::At(Located {
                file: name.to_string(),
                line: stripped.line,
                column: stripped.column,
                message: stripped.message,
            })),
        }
    }

    /// JavaScript for the JSX module `name`, with the JSX runtime its tsconfig names.
    fn jsx(&self, name: &str, original: &str) -> Result<String, ModuleError> {
        let at = |line, column, message| {
            ModuleError::At(Located {
                file: name.to_string(),
                line,
                column,
                message,
            })
        };
        let runtime = if self.root.as_os_str().is_empty() {
            JsxRuntime::default()
        } else {
            self.resolver
                .jsx_runtime(&self.root.join(name))
                .map_err(|message| at(1, 1, message))?
        };
        let (text, map) =
            transform_jsx(name, original, &runtime).map_err(|e| at(e.line, e.column, e.message))?;
        self.positions.insert(name, map);
        Ok(text)
    }

    /// The file of module `name` when this bundle evaluates a vitest config (`vitest/config` is
    /// importable), whose modules see `import.meta` as Node shows it.
    pub fn node_config_path(&self, name: &str) -> Option<PathBuf> {
        let config_run = self.evaluates_vitest_config();
        let on_disk = !self.root.as_os_str().is_empty() && !self.virtual_modules.contains_key(name);
        (config_run && on_disk).then(|| self.root.join(name))
    }

    /// Whether this bundle evaluates a vitest config (`vitest/config` is importable): Node's
    /// code, not a Worker's.
    pub fn evaluates_vitest_config(&self) -> bool {
        self.virtual_modules.contains_key("vitest/config")
    }

    /// Whether `specifier` names a built-in module this Worker may import.
    pub fn is_builtin(&self, specifier: &str) -> bool {
        self.node.resolve(specifier).is_some_and(|r| r.is_ok())
    }

    /// The format of the Worker's main module (format.rs). A test run and a vitest config's
    /// evaluation run modules; a main module that does not load is left to report its error
    /// as a module.
    pub fn worker_format(&self) -> WorkerFormat {
        *self.format.get_or_init(|| {
            if self.is_test_run() || self.evaluates_vitest_config() {
                return WorkerFormat::Modules;
            }
            match self.runnable(&self.main) {
                Ok(source) => format::format_of(&self.main, &source),
                Err(_) => WorkerFormat::Modules,
            }
        })
    }

    /// Whether this bundle runs a test file (`edgesim test`): `vitest` is importable.
    pub fn is_test_run(&self) -> bool {
        self.virtual_modules.contains_key("vitest")
    }

    /// Whether module `name` can load afresh under another name (for `vi.mock`'s scope): an ES
    /// module of the project or its packages, not a CommonJS file (its definition is shared by
    /// name), a module held in memory or a runtime module.
    pub fn can_scope(&self, name: &str) -> bool {
        let es_source = [".js", ".mjs", ".ts", ".mts", ".jsx", ".tsx"]
            .iter()
            .any(|ext| name.ends_with(ext));
        es_source
            && !name.contains(':')
            && !name.ends_with(DEFINITION_SUFFIX)
            && !self.virtual_modules.contains_key(name)
            && !self.types.borrow().contains_key(name)
            && !self.is_commonjs(name)
    }

    /// The manual mock of module `name` (`vi.mock(path)` with no factory), as vitest finds one:
    /// `__mocks__/<file>` beside a file of the project, `<root>/__mocks__/<package>` for a
    /// package imported by `specifier`.
    pub fn manual_mock(&self, name: &str, specifier: &str) -> Option<String> {
        let bare = !(specifier.starts_with('.') || specifier.starts_with('/'));
        let candidate = if bare {
            format!("./__mocks__/{}", specifier.trim_start_matches("node:"))
        } else {
            let path = Path::new(name);
            let file = path.file_name()?.to_str()?;
            format!("./__mocks__/{file}")
        };
        let base = if bare {
            VIRTUAL_BASE.to_string()
        } else {
            name.to_string()
        };
        self.resolve_as(ImportKind::Import, &base, &candidate).ok()
    }

    /// The `node:*` modules whose own compatibility flag is off for this Worker.
    pub fn node_modules_off(&self) -> &[&'static str] {
        &self.node.off
    }

    /// The position maps of the bundle's transpiled modules, filled as they load.
    pub fn positions(&self) -> Positions {
        self.positions.clone()
    }

    /// Resolves `specifier` as a module at the Worker's root directory would import it.
    pub fn resolve_from_root(&self, specifier: &str) -> Result<String, ModuleError> {
        self.resolve(VIRTUAL_BASE, specifier)
    }

    /// Resolves `specifier` imported from module `base` to a module name.
    pub fn resolve(&self, base: &str, specifier: &str) -> Result<String, ModuleError> {
        // What a CommonJS definition imports, and definitions themselves, are named already.
        if specifier.ends_with(DEFINITION_SUFFIX) || base.ends_with(DEFINITION_SUFFIX) {
            return Ok(specifier.to_string());
        }
        if self.virtual_modules.contains_key(specifier) {
            return Ok(specifier.to_string());
        }
        let base = match self.virtual_modules.contains_key(base) {
            true => VIRTUAL_BASE,
            false => base,
        };
        let name = self.resolve_as(ImportKind::Import, base, specifier)?;
        self.note_importer(&name, base);
        if let Some(kind) = self.rules.value_module(specifier) {
            self.types.borrow_mut().insert(name.clone(), kind);
        }
        Ok(name)
    }

    /// Remembers the first module that imported `module`, for [`Bundle::import_chain`].
    fn note_importer(&self, module: &str, importer: &str) {
        self.importers
            .borrow_mut()
            .entry(module.to_string())
            .or_insert_with(|| importer.to_string());
    }

    /// Resolves `specifier` as an `import` or a `require` from module `base`.
    fn resolve_as(
        &self,
        kind: ImportKind,
        base: &str,
        specifier: &str,
    ) -> Result<String, ModuleError> {
        let not_found = |message: String| {
            let (line, column) = self.position_of(base, specifier);
            ModuleError::At(Located {
                file: base.to_string(),
                line,
                column,
                message: format!("{message}{}", self.import_chain(base)),
            })
        };
        if let Some(builtin) = self.node.resolve(specifier) {
            return builtin.map_err(not_found);
        }
        if !self.root.as_os_str().is_empty() {
            return match self
                .resolver
                .resolve(kind, &joined(&self.root, base), specifier)
            {
                Ok(path) => Ok(resolve::name_relative_to(&self.root, &path)),
                // A file a package's `browser` field maps to `false`: esbuild bundles an empty
                // CommonJS module in its place (`module.exports = {}`), so wrangler's Worker
                // gets one.
                Err(oxc_resolver::ResolveError::Ignored(path)) => {
                    let name = format!(
                        "(disabled):{}",
                        resolve::name_relative_to(&self.root, &path)
                    );
                    (self.originals.borrow_mut()).insert(name.clone(), Rc::from(""));
                    Ok(name)
                }
                Err(e) => Err(not_found(format!(
                    "Could not resolve \"{specifier}\"{}",
                    resolve::hint(specifier, &e)
                ))),
            };
        }
        if !(specifier.starts_with("./")
            || specifier.starts_with("../")
            || specifier.starts_with('/'))
        {
            return Err(not_found(format!(
                "Could not resolve \"{specifier}\": a Worker held in memory has no node_modules"
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

    /// ` (import chain: c.js <- b.js <- src/index.ts)`: how the graph reached `module`, when
    /// something imported it.
    fn import_chain(&self, module: &str) -> String {
        let importers = self.importers.borrow();
        let mut chain = vec![module.to_string()];
        let mut at = module;
        while let Some(parent) = importers.get(at) {
            if chain.contains(parent) {
                break;
            }
            chain.push(parent.clone());
            at = parent;
        }
        if chain.len() < 2 {
            return String::new();
        }
        format!(" (import chain: {})", chain.join(" <- "))
    }

    fn shape(&self, name: &str) -> Result<Rc<Shape>, ModuleError> {
        if let Some(shape) = self.shapes.borrow().get(name) {
            return Ok(shape.clone());
        }
        let text = self.original(name)?.unwrap_or_else(|| Rc::from(""));
        let shape = Rc::new(commonjs::shape_of(name, &text));
        self.shapes
            .borrow_mut()
            .insert(name.to_string(), shape.clone());
        Ok(shape)
    }

    /// ES module `name`'s `source` with its imports of CommonJS modules taking what esbuild's
    /// interop gives them (see [`commonjs::InteropImport`]).
    fn with_commonjs_namespaces(&self, name: &str, source: Rc<str>) -> Rc<str> {
        let node_mode = self.in_node_mode(name);
        let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
        for import in commonjs::interop_imports(name, &source, node_mode) {
            let Ok(target) = self.resolve(name, &import.specifier) else {
                continue;
            };
            if let (true, Some(original)) =
                (self.is_commonjs(&target), source.get(import.range.clone()))
            {
                edits.push((
                    import.range.clone(),
                    import.of_commonjs(original, node_mode),
                ));
            }
        }
        if edits.is_empty() {
            return source;
        }
        let mut out = source.to_string();
        for (range, text) in edits.into_iter().rev() {
            out.replace_range(range, &text);
        }
        Rc::from(out)
    }

    /// Whether esbuild reads ES module `name` in Node's mode, where a default import of CommonJS
    /// is `module.exports` even when it says `__esModule`: a `.mjs`/`.mts` file, or a `.js`,
    /// `.jsx`, `.ts` or `.tsx` file whose nearest `package.json` says `"type": "module"`.
    /// That is esbuild's rule (its bundler's module type), so it is the rule of wrangler's bundles.
    fn in_node_mode(&self, name: &str) -> bool {
        match Path::new(name).extension().and_then(|e| e.to_str()) {
            Some("mjs" | "mts") => true,
            Some("js" | "jsx" | "ts" | "tsx") => self.in_module_package(name),
            _ => false,
        }
    }

    /// Whether the `package.json` nearest to file `name` (inside the project) says
    /// `"type": "module"`. The nearest one decides, whatever the ones above it say.
    fn in_module_package(&self, name: &str) -> bool {
        let file = joined(&self.root, name);
        let Some(start) = file.parent() else {
            return false;
        };
        if let Some(&known) = self.module_packages.borrow().get(start) {
            return known;
        }
        let mut answer = false;
        for dir in start.ancestors() {
            if !dir.starts_with(&self.boundary) {
                break;
            }
            if let Some(text) = self.package_json_in(dir) {
                answer = serde_json::from_str::<serde_json::Value>(&text)
                    .is_ok_and(|package| package["type"] == "module");
                break;
            }
        }
        (self.module_packages.borrow_mut()).insert(start.to_path_buf(), answer);
        answer
    }

    /// The text of `dir/package.json`, in memory for a bundle held there, else on disk.
    fn package_json_in(&self, dir: &Path) -> Option<Rc<str>> {
        let path = dir.join("package.json");
        if self.root.as_os_str().is_empty() {
            return self.originals.borrow().get(&normalize(&path)).cloned();
        }
        std::fs::read_to_string(path).ok().map(Rc::from)
    }

    /// Whether esbuild would treat `name` as CommonJS: a `.cjs` file, or a `.js` file with no
    /// `import`/`export` (the entry point is the Worker's own, and stays as written).
    fn is_commonjs(&self, name: &str) -> bool {
        if name == self.main {
            return false;
        }
        name.ends_with(".cjs")
            || name.ends_with(".js") && self.shape(name).is_ok_and(|shape| !shape.esm)
    }

    /// Where each literal `require("…")` of CommonJS file `name` leads. One that leads nowhere
    /// fails the load unless it sits in a `try` block (then it fails when it runs).
    fn requires_of(&self, name: &str) -> Result<Vec<(String, Required)>, ModuleError> {
        let mut out = Vec::new();
        for require in &self.shape(name)?.requires {
            let target = match self.resolve_as(ImportKind::Require, name, &require.specifier) {
                Ok(target) => target,
                Err(_) if require.guarded => continue,
                Err(e) => return Err(e),
            };
            self.note_importer(&target, name);
            // A module rule's value module (`require("./add.wasm?module")`) is one to a
            // `require` as to an `import`.
            if let Some(kind) = self.rules.value_module(&require.specifier) {
                self.types.borrow_mut().insert(target.clone(), kind);
            }
            let required = if target.starts_with("node:") {
                Required::Builtin(target)
            } else if self.is_commonjs(&target) {
                Required::CommonJs(target)
            } else if target.ends_with(".json") {
                Required::Json(target)
            } else {
                Required::Module(target)
            };
            out.push((require.specifier.clone(), required));
        }
        Ok(out)
    }

    /// The names ES importers of CommonJS file `name` may import: those it assigns, and those
    /// of the CommonJS files it re-exports whole.
    fn export_names(&self, name: &str) -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        let mut seen = BTreeSet::new();
        let mut todo = vec![name.to_string()];
        while let Some(module) = todo.pop() {
            if !seen.insert(module.clone()) {
                continue;
            }
            let Ok(shape) = self.shape(&module) else {
                continue;
            };
            names.extend(shape.exports.iter().cloned());
            for specifier in &shape.reexports {
                if let Ok(target) = self.resolve_as(ImportKind::Require, &module, specifier)
                    && self.is_commonjs(&target)
                {
                    todo.push(target);
                }
            }
        }
        names
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

/// Why module `name`, which no module rule claimed, cannot run: it is not JavaScript (esbuild's
/// words, as wrangler's bundling step reports them).
fn unsupported_kind(name: &str) -> Option<String> {
    let extension = name.rsplit_once('.').map_or("", |(_, ext)| ext);
    match extension {
        "" | "js" | "mjs" | "cjs" | "ts" | "mts" | "cts" | "json" | "jsx" | "tsx" => None,
        _ => Some(format!(
            "No loader is configured for \".{extension}\" files: {name} (add a [[rules]] entry for it)"
        )),
    }
}

/// Standard base64 of `bytes`, for data embedded in a module's source.
fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
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

/// `root/base` with `.` and `..` folded away: the resolver looks for a file's tsconfig.json
/// from its directory up, and for `src/../test/x.ts` it would begin in `src/`.
fn joined(root: &Path, base: &str) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for component in root.join(base).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_outside_the_workers_directory_reaches_the_resolver_without_dot_dots() {
        // The pool's context-exports example: Worker root src/, test file test/unit.test.ts.
        // Unfolded, its tsconfig.json lookup and the names it resolved kept `src/..`, and the
        // test file's imports of ../src/index were not found.
        assert_eq!(
            joined(Path::new("/p/src"), "../test/./unit.test.ts"),
            Path::new("/p/test/unit.test.ts")
        );
        assert_eq!(
            joined(Path::new("/p/src"), "index.ts"),
            Path::new("/p/src/index.ts")
        );
    }

    #[test]
    fn relative_imports_resolve_with_bundler_extensions() {
        let b = Bundle::from_sources(
            "src/index.ts",
            &[
                ("src/index.ts", "import './util'"),
                ("src/util.ts", ""),
                ("src/lib/index.js", ""),
            ],
            NodeImports::default(),
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
        let b = Bundle::from_sources(
            "a.js",
            &[("a.js", "// hi\nimport x from \"./nope.js\";\n")],
            NodeImports::default(),
        );
        let err = b.resolve("a.js", "./nope.js").unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.js:2:15: Could not resolve \"./nope.js\""
        );
    }
}
