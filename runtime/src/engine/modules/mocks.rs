//! `vi.mock` in `edgesim test`: which modules of the isolate's graph are replaced, and where
//! imports resolve while mocks exist.
//!
//! vitest gives every test file a module registry of its own, so a mocked module is seen by
//! everything the file imports. An isolate loads each module name once, and the Worker's own
//! modules are already loaded when the file starts; so, once a mock is registered, what a test
//! run's own files import (and what those modules import in turn) loads afresh under a scoped
//! name, with the mocked modules replaced. The Worker the isolate started with keeps its real
//! modules, and so does `SELF`.
//!
//! `vi.resetModules()` starts a new generation of scoped names, so what is imported next loads
//! afresh again; `vi.doMock()` and `vi.doUnmock()` change the registry for the imports that
//! come after them, each (re)registered mock under a name of its own.

use std::collections::{BTreeMap, BTreeSet};

/// A module loaded afresh for the test file, with mocks in place: `edgesim:scope/<module>`,
/// and `edgesim:scope@<generation>/<module>` after `vi.resetModules()`.
pub const SCOPE_PREFIX: &str = "edgesim:scope";
/// A mocked module, `edgesim:mock@<version>/<module>`: its exports are what the mock factory
/// returned.
pub const MOCK_PREFIX: &str = "edgesim:mock";
/// What `importOriginal()` / `vi.importActual()` import (`edgesim:actual/<module>`): the real
/// module, with mocks in place for what it imports; it loads as
/// `edgesim:actual@<generation>/<module>` after `vi.resetModules()`.
pub const ACTUAL_PREFIX: &str = "edgesim:actual";
/// What a mock module reads its exports from (api/test/module_mocks.js).
pub const EXPORTS_HOOK: &str = "edgesim.vi.mockExports";

/// One registered mock.
#[derive(Debug)]
struct Mock {
    /// Registrations so far give each its own module name.
    version: u32,
    /// The names its exports (`None`: registered, not made yet).
    exports: Option<Vec<String>>,
}

/// The mocks registered in one isolate.
#[derive(Debug, Default)]
pub struct ModuleMocks {
    mocked: BTreeMap<String, Mock>,
    /// Registrations made so far.
    registrations: u32,
    /// `vi.resetModules()` calls so far.
    generation: u32,
    /// The test run's own files (the test file and its setup files): what they import resolves
    /// in scope.
    roots: BTreeSet<String>,
}

impl ModuleMocks {
    pub fn register(&mut self, module: String) {
        self.registrations += 1;
        let version = self.registrations;
        self.mocked.insert(
            module,
            Mock {
                version,
                exports: None,
            },
        );
    }

    pub fn unregister(&mut self, module: &str) {
        self.mocked.remove(module);
    }

    pub fn set_exports(&mut self, module: &str, names: Vec<String>) {
        if let Some(mock) = self.mocked.get_mut(module) {
            mock.exports = Some(names);
        }
    }

    /// `vi.resetModules()`: what is imported from now on loads afresh, the mocks too (their
    /// factories run again).
    pub fn reset_modules(&mut self) {
        self.generation += 1;
        for mock in self.mocked.values_mut() {
            self.registrations += 1;
            mock.version = self.registrations;
            mock.exports = None;
        }
    }

    pub fn add_root(&mut self, module: &str) {
        self.roots.insert(module.to_string());
    }

    /// Whether what `base` imports resolves in scope.
    pub fn in_scope(&self, base: &str) -> bool {
        (!self.mocked.is_empty() || self.generation > 0)
            && (self.roots.contains(base)
                || base.starts_with(SCOPE_PREFIX)
                || base.starts_with(ACTUAL_PREFIX))
    }

    /// The name `module` loads under in scope.
    pub fn scoped_name(&self, module: &str) -> String {
        named(SCOPE_PREFIX, self.generation, module)
    }

    /// The name the real `module` loads under for `importOriginal()`.
    pub fn actual_name(&self, module: &str) -> String {
        named(ACTUAL_PREFIX, self.generation, module)
    }

    /// The name of `module`'s mock, if it is mocked.
    pub fn mock_name(&self, module: &str) -> Option<String> {
        let mock = self.mocked.get(module)?;
        Some(named(MOCK_PREFIX, mock.version, module))
    }

    /// The source of the mock of `module`: each export read from the object the factory
    /// returned. `None` while the mock is not made (a `vi.mock` that ran after the import).
    pub fn source(&self, module: &str) -> Option<String> {
        let names = self.mocked.get(module)?.exports.as_ref()?;
        let key = serde_json::Value::from(module);
        let mut out = format!("const m = globalThis[Symbol.for({EXPORTS_HOOK:?})]({key});\n");
        for (i, name) in names.iter().enumerate() {
            let quoted = serde_json::Value::from(name.as_str());
            if name == "default" {
                out.push_str(&format!("export default m[{quoted}];\n"));
            } else {
                out.push_str(&format!(
                    "const e{i} = m[{quoted}];\nexport {{ e{i} as {quoted} }};\n"
                ));
            }
        }
        Some(out)
    }
}

/// `<kind>/<module>` for number 0, else `<kind>@<n>/<module>`.
fn named(kind: &str, n: u32, module: &str) -> String {
    match n {
        0 => format!("{kind}/{module}"),
        n => format!("{kind}@{n}/{module}"),
    }
}

/// The module a name of `kind` stands for, if `name` is of that kind.
fn module_of<'a>(kind: &str, name: &'a str) -> Option<&'a str> {
    let rest = name.strip_prefix(kind)?;
    if !rest.starts_with(['/', '@']) {
        return None;
    }
    rest.split_once('/').map(|(_, module)| module)
}

/// The module a mock's name stands for.
pub fn mocked_module(name: &str) -> Option<&str> {
    module_of(MOCK_PREFIX, name)
}

/// The module `importOriginal()`'s request (`edgesim:actual/<module>`) names.
pub fn actual_module(name: &str) -> Option<&str> {
    module_of(ACTUAL_PREFIX, name)
}

/// The module name a scoped or actual name stands for.
pub fn unscoped(name: &str) -> &str {
    (module_of(SCOPE_PREFIX, name))
        .or_else(|| actual_module(name))
        .unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mock_module_exports_what_its_factory_returned_under_any_name() {
        let mut mocks = ModuleMocks::default();
        mocks.register("node_modules/jose/index.js".into());
        assert_eq!(mocks.source("node_modules/jose/index.js"), None);
        mocks.set_exports(
            "node_modules/jose/index.js",
            vec!["default".into(), "jwtVerify".into(), "a-b".into()],
        );
        assert_eq!(
            mocks.source("node_modules/jose/index.js").as_deref(),
            Some(
                "const m = globalThis[Symbol.for(\"edgesim.vi.mockExports\")](\"node_modules/jose/index.js\");\n\
                 export default m[\"default\"];\n\
                 const e1 = m[\"jwtVerify\"];\nexport { e1 as \"jwtVerify\" };\n\
                 const e2 = m[\"a-b\"];\nexport { e2 as \"a-b\" };\n"
            )
        );
    }

    #[test]
    fn only_a_run_with_mocks_resolves_in_scope() {
        let mut mocks = ModuleMocks::default();
        mocks.add_root("test/a.spec.ts");
        assert!(!mocks.in_scope("test/a.spec.ts"));
        mocks.register("src/f.ts".into());
        assert!(mocks.in_scope("test/a.spec.ts"));
        assert!(mocks.in_scope("edgesim:scope/src/index.ts"));
        assert!(!mocks.in_scope("src/index.ts"));
        assert_eq!(unscoped("edgesim:actual/src/f.ts"), "src/f.ts");
    }

    #[test]
    fn reset_modules_starts_a_new_generation_of_scoped_names_even_without_mocks() {
        let mut mocks = ModuleMocks::default();
        mocks.add_root("test/a.spec.ts");
        assert_eq!(mocks.scoped_name("src/f.ts"), "edgesim:scope/src/f.ts");
        mocks.reset_modules();
        assert!(mocks.in_scope("test/a.spec.ts"));
        assert_eq!(mocks.scoped_name("src/f.ts"), "edgesim:scope@1/src/f.ts");
        assert_eq!(unscoped("edgesim:scope@1/src/f.ts"), "src/f.ts");
        assert_eq!(unscoped("edgesim:scope/src/f.ts"), "src/f.ts");
        assert_eq!(unscoped("edgesim:scoped.ts"), "edgesim:scoped.ts");
    }

    #[test]
    fn each_registration_of_a_mock_has_a_module_name_of_its_own() {
        let mut mocks = ModuleMocks::default();
        mocks.register("src/f.ts".into());
        let first = mocks.mock_name("src/f.ts").expect("mocked");
        mocks.unregister("src/f.ts");
        assert_eq!(mocks.mock_name("src/f.ts"), None);
        mocks.register("src/f.ts".into());
        let second = mocks.mock_name("src/f.ts").expect("mocked");
        assert_eq!(
            (first.as_str(), second.as_str()),
            ("edgesim:mock@1/src/f.ts", "edgesim:mock@2/src/f.ts")
        );
        assert_eq!(mocked_module(&second), Some("src/f.ts"));
    }
}
