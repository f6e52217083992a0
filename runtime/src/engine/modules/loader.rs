//! QuickJS's resolver and loader hooks over a [`Bundle`].

use std::cell::RefCell;
use std::rc::Rc;

use rquickjs::loader::{ImportAttributes, Loader, Resolver};
use rquickjs::module::Declared;
use rquickjs::{Ctx, Module};

use super::mock_hoist::{hoist_mocks, may_hoist};
use super::mocks::{ModuleMocks, actual_module, mocked_module, unscoped};
use super::vite_imports::{lax_builtin_imports, may_import_builtins};
use super::{Bundle, COMMONJS_RUNTIME, ModuleError};
use crate::engine::swc_guard::guarded_within_nesting;

/// The module `edgesim test` starts a test file from: what it imports are the run's own files.
pub const TEST_ENTRY: &str = "edgesim:test/entry";

/// Adapts a [`Bundle`] to QuickJS's resolver and loader hooks. The first failure is kept so the
/// caller can report it with its position instead of QuickJS's generic text.
#[derive(Clone)]
pub struct BundleLoader {
    pub bundle: Rc<Bundle>,
    /// Modules the runtime provides (`cloudflare:workers`): specifier and source.
    pub builtin: &'static [(&'static str, &'static str)],
    pub failure: Rc<RefCell<Option<ModuleError>>>,
    /// `vi.mock`'s registry, shared with the isolate's test ops.
    pub mocks: Rc<RefCell<ModuleMocks>>,
}

impl BundleLoader {
    /// Keeps `err` for the startup report, and throws what workerd throws where an import
    /// finds nothing (a dynamic `import()` can catch it): `Error: No such module "name".`
    fn fail<T>(&self, ctx: &Ctx<'_>, name: &str, err: ModuleError) -> rquickjs::Result<T> {
        self.failure.borrow_mut().get_or_insert(err);
        let shown = name.strip_prefix("./").unwrap_or(name);
        let error = rquickjs::Exception::from_message(
            ctx.clone(),
            &format!("No such module \"{shown}\"."),
        )?;
        Err(ctx.throw(error.into_value()))
    }
}

impl Resolver for BundleLoader {
    fn resolve<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        base: &str,
        name: &str,
        _attributes: Option<ImportAttributes<'js>>,
    ) -> rquickjs::Result<String> {
        if let Some(actual) = actual_module(name) {
            let named = self.mocks.borrow().actual_name(actual);
            return Ok(self.scoped(actual, named));
        }
        let resolved = if name == COMMONJS_RUNTIME.0
            || self.builtin.iter().any(|(specifier, _)| *specifier == name)
        {
            name.to_string()
        } else {
            match self.bundle.resolve(unscoped(base), name) {
                Ok(resolved) => resolved,
                Err(e) => return self.fail(ctx, name, e),
            }
        };
        let mut mocks = self.mocks.borrow_mut();
        if base == TEST_ENTRY {
            mocks.add_root(&resolved);
        }
        if !mocks.in_scope(base) {
            return Ok(resolved);
        }
        if let Some(mock) = mocks.mock_name(&resolved) {
            return Ok(mock);
        }
        let scoped = mocks.scoped_name(&resolved);
        drop(mocks);
        Ok(self.scoped(&resolved, scoped))
    }
}

impl BundleLoader {
    /// `module` loaded afresh as `scoped`, when it is an ES module of the project; a CommonJS
    /// file or a runtime module stays the one instance (vitest mocks only `import`s).
    fn scoped(&self, module: &str, scoped: String) -> String {
        match self.bundle.can_scope(module) {
            true => scoped,
            false => module.to_string(),
        }
    }

    /// A mocked module's source, or the error of a mock that was not made before its import.
    fn mock_module<'js>(
        &self,
        ctx: &Ctx<'js>,
        name: &str,
        module: &str,
    ) -> rquickjs::Result<Module<'js, Declared>> {
        let Some(source) = self.mocks.borrow().source(module) else {
            let message = format!(
                "edgesim: the mock of \"{module}\" was registered after a module imported it; call \
                 vi.mock() at the top level of the test file, where vitest hoists it"
            );
            let error = rquickjs::Exception::from_message(ctx.clone(), &message)?;
            return Err(ctx.throw(error.into_value()));
        };
        Module::declare(ctx.clone(), name, source)
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
            .chain([&COMMONJS_RUNTIME])
            .find(|(specifier, _)| *specifier == name)
        {
            return Module::declare(ctx.clone(), name, *source);
        }
        if let Some(module) = mocked_module(name) {
            return self.mock_module(ctx, name, module);
        }
        let source = match self.bundle.runnable(unscoped(name)) {
            Ok(s) => s,
            // The file is there but cannot be made JavaScript (a TypeScript or JSX syntax
            // error): say where, as wrangler's build would, rather than that it is missing.
            Err(ModuleError::At(located)) => {
                self.failure
                    .borrow_mut()
                    .get_or_insert(ModuleError::At(located.clone()));
                let error = rquickjs::Exception::from_message(ctx.clone(), &located.to_string())?;
                error.set("name", "SyntaxError")?;
                return Err(ctx.throw(error.into_value()));
            }
            Err(e) => return self.fail(ctx, name, e),
        };
        let source = match self.bundle.is_test_run() && may_hoist(&source) {
            true => guarded_within_nesting(&source, || hoist_mocks(name, &source))
                .flatten()
                .map_or(source, Rc::from),
            false => source,
        };
        let builtin = |specifier: &str| self.bundle.is_builtin(specifier);
        let source = match self.bundle.is_test_run() && may_import_builtins(&source, builtin) {
            true => guarded_within_nesting(&source, || lax_builtin_imports(name, &source, builtin))
                .flatten()
                .map_or(source, Rc::from),
            false => source,
        };
        let module = self.bundle.declare(ctx, name, source)?;
        if let Some(path) = self.bundle.node_config_path(unscoped(name)) {
            set_node_meta(&module, &path)?;
        }
        Ok(module)
    }
}

/// `import.meta` as Node gives it (`url`, `filename`, `dirname`), for a vitest config module
/// evaluated as `vitest` would evaluate it.
fn set_node_meta(module: &Module<'_, Declared>, path: &std::path::Path) -> rquickjs::Result<()> {
    let meta = module.meta()?;
    let file = path.to_string_lossy().into_owned();
    let dir = path.parent().map(|d| d.to_string_lossy().into_owned());
    meta.set("url", format!("file://{file}"))?;
    meta.set("filename", file)?;
    meta.set("dirname", dir.unwrap_or_default())?;
    Ok(())
}
