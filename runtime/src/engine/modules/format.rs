//! Which of the two Worker formats a main module is written in, decided as wrangler decides it
//! (`guessWorkerFormat`): a main module with a `default` export is a modules Worker; any other
//! is a service-worker Worker, whose handlers are `addEventListener` listeners on the global
//! scope and whose bindings are globals.
//!
//! A service-worker script with no module syntax at all runs as a classic script, as workerd
//! runs a `serviceWorkerScript` (sloppy mode, top-level `this` the global scope, top-level
//! declarations global). One with `import`s (wrangler bundles those into one script) runs as a
//! module, whose imports edgesim resolves itself.

use swc_ecma_ast::{ExportSpecifier, ModuleDecl, ModuleExportName, ModuleItem, Program};

/// How the Worker's main module is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerFormat {
    /// `export default { fetch … }` or an entrypoint class: handlers are exports.
    Modules,
    /// Handlers are event listeners; bindings are globals.
    ServiceWorker(ScriptKind),
}

/// How a service-worker main module is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptKind {
    /// No `import`/`export`: a classic script.
    Classic,
    /// Module syntax without a `default` export: an ES module.
    Module,
}

/// The format of main module `file` whose runnable JavaScript is `source`.
pub fn format_of(file: &str, source: &str) -> WorkerFormat {
    // A service-worker Worker that registers no listener does nothing (startup refuses it), so
    // a module that never names `addEventListener` runs as a module: no parse needed, and a
    // module that only exports classes keeps running as one.
    if !source.contains("addEventListener") {
        return WorkerFormat::Modules;
    }
    let parsed = crate::engine::swc_guard::guarded_within_nesting(source, || {
        crate::engine::swc_guard::parse_js(file, source, |p| p.parse_program()).map(|(p, _)| p)
    });
    match parsed.flatten() {
        Some(Program::Script(_)) => WorkerFormat::ServiceWorker(ScriptKind::Classic),
        Some(Program::Module(module)) if !module.body.iter().any(exports_default) => {
            WorkerFormat::ServiceWorker(ScriptKind::Module)
        }
        // A file swc cannot read is left to QuickJS, which reports its syntax error.
        _ => WorkerFormat::Modules,
    }
}

/// Whether `item` gives the module a `default` export (`export * from` never does).
fn exports_default(item: &ModuleItem) -> bool {
    let named_default = |name: &ModuleExportName| match name {
        ModuleExportName::Ident(i) => i.sym == "default",
        ModuleExportName::Str(s) => s.value.as_atom().is_some_and(|a| a == "default"),
    };
    match item {
        ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultDecl(_))
        | ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultExpr(_)) => true,
        ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(named)) => {
            named.specifiers.iter().any(|s| match s {
                ExportSpecifier::Default(_) => true,
                ExportSpecifier::Named(n) => named_default(n.exported.as_ref().unwrap_or(&n.orig)),
                ExportSpecifier::Namespace(n) => named_default(&n.name),
            })
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTENER: &str = "addEventListener('fetch', (e) => e.respondWith(new Response('hi')));";

    #[test]
    fn a_script_without_module_syntax_is_a_classic_service_worker() {
        assert_eq!(
            format_of("worker.js", LISTENER),
            WorkerFormat::ServiceWorker(ScriptKind::Classic)
        );
    }

    #[test]
    fn imports_without_a_default_export_make_a_service_worker_module() {
        let source = format!("import {{ x }} from './x.js';\nexport const y = x;\n{LISTENER}");
        assert_eq!(
            format_of("worker.js", &source),
            WorkerFormat::ServiceWorker(ScriptKind::Module)
        );
        let star = format!("export * from './x.js';\n{LISTENER}");
        assert_eq!(
            format_of("worker.js", &star),
            WorkerFormat::ServiceWorker(ScriptKind::Module)
        );
    }

    #[test]
    fn any_default_export_makes_a_modules_worker() {
        for default in [
            "export default { fetch() {} };",
            "export default class extends WorkerEntrypoint {}",
            "const handler = {}; export { handler as default };",
            "export { default } from './handler.js';",
            "export { x as 'default' } from './handler.js';",
        ] {
            let source = format!("{default}\n{LISTENER}");
            assert_eq!(
                format_of("worker.js", &source),
                WorkerFormat::Modules,
                "{default}"
            );
        }
    }

    #[test]
    fn a_module_that_never_adds_a_listener_stays_a_module() {
        let source = "export class Counter extends DurableObject {}";
        assert_eq!(format_of("worker.js", source), WorkerFormat::Modules);
    }
}
