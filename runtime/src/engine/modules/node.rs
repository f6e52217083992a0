//! Which `node:*` modules a Worker can import: its compatibility flags decide, as workerd's do.

use crate::engine::catalog::NodeModule;

/// What a Worker's flags make of `node:*` imports.
#[derive(Debug, Clone, Default)]
pub struct NodeImports {
    /// The modules edgesim implements (the catalog's).
    pub modules: &'static [NodeModule],
    /// `nodejs_compat` (or `nodejs_compat_v2`): every module.
    pub compat: bool,
    /// `nodejs_compat_v2`: the modules import without the `node:` prefix too.
    pub bare: bool,
    /// `nodejs_als`: `node:async_hooks` alone.
    pub als: bool,
    /// Modules whose own flag (`enable_nodejs_os_module`, …) is off: as if workerd had none.
    pub off: Vec<&'static str>,
}

impl std::fmt::Debug for NodeModule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "node:{}", self.name)
    }
}

impl NodeImports {
    /// `specifier` as a built-in: `Some(Ok(module name))`, `Some(Err(why it cannot load))`, or
    /// `None` when it names no built-in (and resolves as a package or file).
    pub fn resolve(&self, specifier: &str) -> Option<Result<String, String>> {
        let (name, prefixed) = match specifier.strip_prefix("node:") {
            Some(name) => (name, true),
            None => (specifier, false),
        };
        if self.off.contains(&name) {
            return prefixed.then(|| Err(format!("No such module \"node:{name}\".")));
        }
        let module = self.modules.iter().find(|m| m.name == name);
        if !(prefixed || self.bare && module.is_some_and(|m| !m.prefix_only)) {
            return None;
        }
        Some(match module {
            Some(m) if self.compat || (self.als && m.with_als) => Ok(format!("node:{name}")),
            Some(_) if !self.compat => Err(format!(
                "No such module \"node:{name}\": Node.js built-ins need the \"nodejs_compat\" compatibility flag"
            )),
            _ => Err(format!("No such module \"node:{name}\".")),
        })
    }

    /// The source of built-in module `name` (`node:buffer`).
    pub fn source(&self, name: &str) -> Option<&'static str> {
        let name = name.strip_prefix("node:")?;
        self.modules
            .iter()
            .find(|m| m.name == name)
            .map(|m| m.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static MODULES: &[NodeModule] = &[
        NodeModule {
            name: "buffer",
            source: "",
            with_als: false,
            prefix_only: false,
        },
        NodeModule {
            name: "async_hooks",
            source: "",
            with_als: true,
            prefix_only: false,
        },
        NodeModule {
            name: "test",
            source: "",
            with_als: false,
            prefix_only: true,
        },
    ];

    fn imports(compat: bool, bare: bool, als: bool) -> NodeImports {
        NodeImports {
            modules: MODULES,
            compat,
            bare,
            als,
            off: vec!["os"],
        }
    }

    #[test]
    fn the_flags_decide_which_builtins_resolve() {
        let v2 = imports(true, true, false);
        assert_eq!(v2.resolve("node:buffer"), Some(Ok("node:buffer".into())));
        assert_eq!(v2.resolve("buffer"), Some(Ok("node:buffer".into())));
        assert_eq!(v2.resolve("hono"), None);
        let v1 = imports(true, false, false);
        assert_eq!(v1.resolve("buffer"), None);
        assert_eq!(v2.resolve("node:test"), Some(Ok("node:test".into())));
        assert_eq!(v2.resolve("test"), None);
        let als = imports(false, false, true);
        assert_eq!(
            als.resolve("node:async_hooks"),
            Some(Ok("node:async_hooks".into()))
        );
        assert!(
            als.resolve("node:buffer")
                .is_some_and(|r| r.unwrap_err().contains("nodejs_compat"))
        );
        assert_eq!(
            imports(true, true, false).resolve("node:nope"),
            Some(Err("No such module \"node:nope\".".into()))
        );
        assert_eq!(
            v2.resolve("node:os"),
            Some(Err("No such module \"node:os\".".into()))
        );
        assert_eq!(
            v2.resolve("os"),
            None,
            "a bare name then resolves as a package"
        );
    }
}
