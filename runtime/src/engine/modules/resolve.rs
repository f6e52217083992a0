//! Where an import leads on disk, as wrangler's esbuild step would find it: `node_modules`
//! lookup, package.json `exports`/`imports` under wrangler's conditions, the `browser`,
//! `module` and `main` fields, directory indexes, extension probing, `.js` written for a `.ts`
//! file, and the project's tsconfig `paths`. The resolver is oxc's (it implements Node's and
//! the bundlers' algorithm); this file only says which options wrangler uses.

use std::path::{Component, Path, PathBuf};

use oxc_resolver::{EnforceExtension, ResolveOptions, Resolver, TsconfigDiscovery};

use crate::engine::jsx::JsxRuntime;

/// wrangler's esbuild conditions (workers-sdk `bundle.ts`), before esbuild's own `import` /
/// `require` (by how the module is loaded) and `default`.
const WRANGLER_CONDITIONS: [&str; 3] = ["workerd", "worker", "browser"];

/// Extensions probed for an import written without one, in esbuild's order.
const EXTENSIONS: [&str; 9] = [
    ".tsx", ".ts", ".jsx", ".js", ".mjs", ".cjs", ".mts", ".cts", ".json",
];

/// How the importing code asks for a module: it picks the `import` or `require` condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Import,
    Require,
}

/// Resolvers for both kinds of import, sharing nothing but their options.
pub struct PackageResolver {
    import: Resolver,
    require: Resolver,
}

impl Default for PackageResolver {
    fn default() -> Self {
        PackageResolver {
            import: Resolver::new(options(ImportKind::Import)),
            require: Resolver::new(options(ImportKind::Require)),
        }
    }
}

impl std::fmt::Debug for PackageResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PackageResolver")
    }
}

impl PackageResolver {
    /// How JSX in the file at `path` becomes calls: as the nearest tsconfig (with what it
    /// `extends`) says, or esbuild's default without one (a file in `node_modules` has none).
    /// `Err` names a tsconfig that cannot be read or asks for `preserve`.
    pub fn jsx_runtime(&self, path: &Path) -> Result<JsxRuntime, String> {
        // esbuild applies the nearest tsconfig to every file beside it; oxc only to files the
        // tsconfig covers, which `.jsx` ones are not without `allowJs`: ask for a `.tsx` there.
        let as_typescript = path.with_extension("tsx");
        let tsconfig = self
            .import
            .find_tsconfig(&as_typescript)
            .map_err(|e| e.to_string())?;
        let Some(tsconfig) = tsconfig else {
            return Ok(JsxRuntime::default());
        };
        let o = &tsconfig.compiler_options;
        JsxRuntime::from_tsconfig(
            o.jsx.as_deref(),
            o.jsx_factory.as_deref(),
            o.jsx_fragment_factory.as_deref(),
            o.jsx_import_source.as_deref(),
        )
        .ok_or_else(|| {
            format!(
                "{}: \"jsx\": {:?} leaves JSX for a later tool, and a Worker has none: use \"react-jsx\" or \"react\"",
                tsconfig.path.display(),
                o.jsx.as_deref().unwrap_or_default()
            )
        })
    }
}

fn options(kind: ImportKind) -> ResolveOptions {
    let by_kind = match kind {
        ImportKind::Import => "import",
        ImportKind::Require => "require",
    };
    let conditions = WRANGLER_CONDITIONS
        .iter()
        .copied()
        .chain([by_kind, "default"]);
    ResolveOptions {
        condition_names: conditions.map(str::to_string).collect(),
        main_fields: ["browser", "module", "main"].map(str::to_string).to_vec(),
        alias_fields: vec![vec!["browser".to_string()]],
        extensions: EXTENSIONS.map(str::to_string).to_vec(),
        extension_alias: vec![
            (
                ".js".to_string(),
                [".js", ".ts", ".tsx"].map(str::to_string).to_vec(),
            ),
            (
                ".mjs".to_string(),
                [".mjs", ".mts"].map(str::to_string).to_vec(),
            ),
            (
                ".cjs".to_string(),
                [".cjs", ".cts"].map(str::to_string).to_vec(),
            ),
        ],
        enforce_extension: EnforceExtension::Disabled,
        tsconfig: Some(TsconfigDiscovery::Auto),
        ..ResolveOptions::default()
    }
}

impl PackageResolver {
    /// The file `specifier` names when imported from the module at `importer` (whose nearest
    /// tsconfig's `paths` apply).
    pub fn resolve(
        &self,
        kind: ImportKind,
        importer: &Path,
        specifier: &str,
    ) -> Result<PathBuf, oxc_resolver::ResolveError> {
        let resolver = match kind {
            ImportKind::Import => &self.import,
            ImportKind::Require => &self.require,
        };
        resolver
            .resolve_file(importer, specifier)
            .map(|r| r.path().to_path_buf())
    }
}

/// The directory a Worker rooted at `root` (a real path) may load files from: the nearest
/// one above it that holds a repository (`.git`) or a package workspace (`pnpm-workspace.yaml`,
/// a `package.json` with `workspaces`), whose hoisted `node_modules` and shared packages the
/// Worker may use; else `root` itself.
pub fn project_boundary(root: &Path) -> PathBuf {
    let is_project_top = |dir: &Path| {
        dir.join(".git").exists()
            || dir.join("pnpm-workspace.yaml").is_file()
            || std::fs::read_to_string(dir.join("package.json"))
                .is_ok_and(|text| text.contains("\"workspaces\""))
    };
    root.ancestors()
        .find(|dir| is_project_top(dir))
        .unwrap_or(root)
        .to_path_buf()
}

/// `path` as a module name: relative to `root`, with forward slashes (`../` when outside it,
/// as for a monorepo's hoisted `node_modules`).
pub fn name_relative_to(root: &Path, path: &Path) -> String {
    let root: Vec<Component> = root.components().collect();
    let path: Vec<Component> = path.components().collect();
    let common = root.iter().zip(&path).take_while(|(a, b)| a == b).count();
    let ups = std::iter::repeat_n("..".to_string(), root.len() - common);
    let downs = path[common..]
        .iter()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    ups.chain(downs).collect::<Vec<_>>().join("/")
}

/// What to tell the user besides "Could not resolve": a package that is not installed says so.
pub fn hint(specifier: &str, error: &oxc_resolver::ResolveError) -> String {
    let bare = !(specifier.starts_with('.') || specifier.starts_with('/'));
    match error {
        oxc_resolver::ResolveError::NotFound(_) if bare => {
            let package = package_of(specifier);
            format!(": no package \"{package}\" in node_modules (is it installed? run npm install)")
        }
        oxc_resolver::ResolveError::NotFound(_) => String::new(),
        other => format!(": {other}"),
    }
}

/// `@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`.
fn package_of(specifier: &str) -> &str {
    let mut slashes = specifier.match_indices('/').map(|(i, _)| i);
    let end = if specifier.starts_with('@') {
        slashes.nth(1)
    } else {
        slashes.next()
    };
    end.map_or(specifier, |i| &specifier[..i])
}
