//! QuickJS's resolver and loader hooks over a [`Bundle`].

use std::cell::RefCell;
use std::rc::Rc;

use rquickjs::loader::{ImportAttributes, Loader, Resolver};
use rquickjs::module::Declared;
use rquickjs::{Ctx, Module};

use super::{Bundle, COMMONJS_RUNTIME, ModuleError};

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
        if name == COMMONJS_RUNTIME.0
            || self.builtin.iter().any(|(specifier, _)| *specifier == name)
        {
            return Ok(name.to_string());
        }
        match self.bundle.resolve(base, name) {
            Ok(resolved) => Ok(resolved),
            Err(e) => self.fail(ctx, name, e),
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
            .chain([&COMMONJS_RUNTIME])
            .find(|(specifier, _)| *specifier == name)
        {
            return Module::declare(ctx.clone(), name, *source);
        }
        let source = match self.bundle.runnable(name) {
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
        self.bundle.declare(ctx, name, source)
    }
}
