//! `vi.mock` in `edgesim test`: which modules of the isolate's graph are replaced, and where
//! imports resolve while mocks exist.
//!
//! vitest gives every test file a module registry of its own, so a mocked module is seen by
//! everything the file imports. An isolate loads each module name once, and the Worker's own
//! modules are already loaded when the file starts; so, once a mock is registered, what a test
//! run's own files import (and what those modules import in turn) loads afresh under a scoped
//! name, with the mocked modules replaced. The Worker the isolate started with keeps its real
//! modules, and so does `SELF`.

use std::collections::{BTreeMap, BTreeSet};

/// A module loaded afresh for the test file, with mocks in place.
pub const SCOPE_PREFIX: &str = "edgesim:scope/";
/// A mocked module: its exports are what the mock factory returned.
pub const MOCK_PREFIX: &str = "edgesim:mock/";
/// What `importOriginal()` / `vi.importActual()` import: the real module, with mocks in place
/// for what it imports.
pub const ACTUAL_PREFIX: &str = "edgesim:actual/";
/// What a mock module reads its exports from (api/test/module_mocks.js).
pub const EXPORTS_HOOK: &str = "edgesim.vi.mockExports";

/// The mocks registered in one isolate.
#[derive(Debug, Default)]
pub struct ModuleMocks {
    /// Module name -> the names its mock exports (`None`: registered, not made yet).
    mocked: BTreeMap<String, Option<Vec<String>>>,
    /// The test run's own files (the test file and its setup files): what they import resolves
    /// in scope.
    roots: BTreeSet<String>,
}

impl ModuleMocks {
    pub fn register(&mut self, module: String) {
        self.mocked.insert(module, None);
    }

    pub fn unregister(&mut self, module: &str) {
        self.mocked.remove(module);
    }

    pub fn set_exports(&mut self, module: &str, names: Vec<String>) {
        if let Some(slot) = self.mocked.get_mut(module) {
            *slot = Some(names);
        }
    }

    pub fn add_root(&mut self, module: &str) {
        self.roots.insert(module.to_string());
    }

    /// Whether what `base` imports resolves in scope.
    pub fn in_scope(&self, base: &str) -> bool {
        !self.mocked.is_empty()
            && (self.roots.contains(base)
                || base.starts_with(SCOPE_PREFIX)
                || base.starts_with(ACTUAL_PREFIX))
    }

    pub fn is_mocked(&self, module: &str) -> bool {
        self.mocked.contains_key(module)
    }

    /// The source of the mock of `module`: each export read from the object the factory
    /// returned. `None` while the mock is not made (a `vi.mock` that ran after the import).
    pub fn source(&self, module: &str) -> Option<String> {
        let names = self.mocked.get(module)?.as_ref()?;
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

/// The module name a scoped or actual name stands for.
pub fn unscoped(name: &str) -> &str {
    name.strip_prefix(SCOPE_PREFIX)
        .or_else(|| name.strip_prefix(ACTUAL_PREFIX))
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
}
